//! Mock runtime for the StakeGuard pallet's tests and benchmark tests. The Reputation pallet is
//! replaced by a recorder of the outcomes reported to it.

use crate as pallet_stake_guard;
use frame_support::{derive_impl, parameter_types, traits::Hooks, BoundedVec};
use frame_system::EnsureRoot;
use havn_primitives::{
	traits::{Outcome, ReputationHooks},
	ComputeClass, Role,
};
use sp_core::sr25519;
use sp_runtime::BuildStorage;
use std::cell::RefCell;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type StakeGuard = pallet_stake_guard::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

parameter_types! {
	/// Existential deposit; tests may raise it through [`ExtBuilder::existential_deposit`].
	pub static ExistentialDeposit: u64 = ED;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ExistentialDeposit;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// Default existential deposit.
pub const ED: u64 = 1;
/// Floors in the mock.
pub const FLOOR_S: u64 = 100;
pub const FLOOR_M: u64 = 200;
pub const FLOOR_L: u64 = 300;
pub const FLOOR_XL: u64 = 400;
pub const VALIDATOR_FLOOR: u64 = 500;
pub const RELAY_FLOOR: u64 = 50;
/// Blocks of unbonding.
pub const UNBONDING_PERIOD: u64 = 10;
/// Blocks per heartbeat epoch.
pub const HEARTBEAT_EPOCH: u64 = 10;
/// Epochs a node may miss.
pub const MAX_MISSED_EPOCHS: u32 = 3;
/// The treasury account.
pub const TREASURY: u64 = 999;
/// Balance of every endowed account.
pub const ENDOWMENT: u64 = 10_000;

parameter_types! {
	pub const FloorS: u64 = FLOOR_S;
	pub const FloorM: u64 = FLOOR_M;
	pub const FloorL: u64 = FLOOR_L;
	pub const FloorXL: u64 = FLOOR_XL;
	pub const ValidatorFloor: u64 = VALIDATOR_FLOOR;
	pub const RelayFloor: u64 = RELAY_FLOOR;
	pub const UnbondingPeriod: u64 = UNBONDING_PERIOD;
	pub const HeartbeatEpoch: u64 = HEARTBEAT_EPOCH;
	pub const MaxMissedEpochs: u32 = MAX_MISSED_EPOCHS;
	pub const TreasuryAccount: u64 = TREASURY;
	pub const MaxValidators: u32 = 4;
	pub const MaxModels: u32 = 4;
	pub const MaxModelIdLen: u32 = 16;
	pub const MaxGpuModelLen: u32 = 16;
	pub const MaxUnbondingChunks: u32 = 3;
}

thread_local! {
	static RECORDED: RefCell<Vec<(u64, Outcome)>> = const { RefCell::new(Vec::new()) };
}

/// Test double of the Reputation pallet: remembers what was recorded.
pub struct MockReputation;

impl ReputationHooks<u64> for MockReputation {
	fn record(who: &u64, outcome: Outcome) {
		RECORDED.with(|r| r.borrow_mut().push((*who, outcome)));
	}
}

/// Outcomes recorded with the reputation double so far.
pub fn recorded() -> Vec<(u64, Outcome)> {
	RECORDED.with(|r| r.borrow().clone())
}

impl pallet_stake_guard::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FloorS = FloorS;
	type FloorM = FloorM;
	type FloorL = FloorL;
	type FloorXL = FloorXL;
	type ValidatorFloor = ValidatorFloor;
	type RelayFloor = RelayFloor;
	type UnbondingPeriod = UnbondingPeriod;
	type HeartbeatEpoch = HeartbeatEpoch;
	type MaxMissedEpochs = MaxMissedEpochs;
	type TreasuryAccount = TreasuryAccount;
	type SlashOrigin = EnsureRoot<u64>;
	type Reputation = MockReputation;
	type MaxValidators = MaxValidators;
	type MaxModels = MaxModels;
	type MaxModelIdLen = MaxModelIdLen;
	type MaxGpuModelLen = MaxGpuModelLen;
	type MaxUnbondingChunks = MaxUnbondingChunks;
	type WeightInfo = ();
}

/// The receipt key pair number `n` (from the seed `[n; 32]`).
pub fn key_pair(n: u8) -> sr25519::Pair {
	use sp_core::Pair as _;
	sr25519::Pair::from_seed(&[n; 32])
}

/// The public receipt key number `n`.
pub fn key(n: u8) -> sr25519::Public {
	use sp_core::Pair as _;
	key_pair(n).public()
}

/// Receipt key `n`'s proof of possession for account `who` on the mock chain.
pub fn proof(who: u64, n: u8) -> sr25519::Signature {
	use sp_core::Pair as _;
	key_pair(n)
		.sign(&havn_primitives::proofs::receipt_key_proof_payload(&who, StakeGuard::genesis_hash()))
}

/// Capabilities of a node of `class` with one model.
pub fn caps(class: ComputeClass) -> crate::CapabilitiesOf<Test> {
	crate::Capabilities {
		compute_class: class,
		gpu_model: BoundedVec::truncate_from(b"RTX 4090".to_vec()),
		vram_gib: 24,
		models: BoundedVec::truncate_from(vec![BoundedVec::truncate_from(b"llama-3-8b".to_vec())]),
	}
}

/// The balance `who` holds under the bond reason.
pub fn held(who: u64) -> u64 {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&crate::HoldReason::Bond.into(), &who)
}

/// The free balance of `who`.
pub fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

/// Builds test externalities: accounts 1..=20 and the treasury are endowed.
pub struct ExtBuilder {
	genesis_bonds: Vec<(u64, Role, u64)>,
	existential_deposit: u64,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { genesis_bonds: Vec::new(), existential_deposit: ED }
	}
}

impl ExtBuilder {
	/// Use another existential deposit (the treasury is endowed with exactly it).
	pub fn existential_deposit(mut self, existential_deposit: u64) -> Self {
		self.existential_deposit = existential_deposit;
		self
	}

	/// Bond at genesis.
	pub fn with_bonds(mut self, bonds: Vec<(u64, Role, u64)>) -> Self {
		self.genesis_bonds = bonds;
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		RECORDED.with(|r| r.borrow_mut().clear());
		ExistentialDeposit::set(self.existential_deposit);
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<(u64, u64)> = (1..=20).map(|who| (who, ENDOWMENT)).collect();
		balances.push((TREASURY, self.existential_deposit));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_stake_guard::GenesisConfig::<Test> { bonds: self.genesis_bonds }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			StakeGuard::do_try_state().unwrap();
		});
	}
}

/// Externalities for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut ext = ExtBuilder::default().build();
	// The benchmarks generate receipt keys and sign their proofs in the keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}

/// Advance to block `n`, running the pallet's hooks.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		StakeGuard::on_initialize(next);
	}
}

/// Every event of this pallet so far, oldest first.
pub fn stake_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::StakeGuard(event) => Some(event),
			_ => None,
		})
		.collect()
}
