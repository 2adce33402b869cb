//! Mock runtime for the WorkflowRegistry tests: System, Balances and the registry.
#![allow(clippy::arithmetic_side_effects)]

use crate as pallet_workflow_registry;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, OnFinalize, OnInitialize},
};
use frame_system::EnsureRoot;
use havn_primitives::RoyaltySplit;
use sp_runtime::BuildStorage;

/// Account id in the mock.
pub type AccountId = u64;
/// Balance in the mock (planck), as in the runtime.
pub type Balance = u128;

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
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type WorkflowRegistry = pallet_workflow_registry;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// Existential deposit, in planck.
pub const ED: Balance = 1;
/// Fixed part of the deposit, in planck.
pub const DEPOSIT_BASE: Balance = 100;
/// Deposit per URI byte, in planck.
pub const DEPOSIT_PER_BYTE: Balance = 2;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	/// The governance default royalty; tests may change it.
	pub storage DefaultRoyalty: RoyaltySplit = RoyaltySplit::DEFAULT;
	/// A derivative pays its parent at least 10% of each run (the runtime's value).
	/// Governance floors: none by default, so older tests keep their zero-fee terms; the floor
	/// tests set the runtime's values.
	pub storage MinBaseFee: u128 = 0;
	pub storage MinShares: havn_primitives::MinShares = havn_primitives::MinShares::NONE;
	pub const MinParentShare: sp_runtime::Permill = sp_runtime::Permill::from_percent(10);
	/// Blocks a commitment must age: 0 by default, so that the tests' helpers commit and publish
	/// in one block; the commit-reveal tests set the runtime's 2.
	pub storage MinCommitmentAge: u64 = 0;
}

impl pallet_workflow_registry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ConstU128<DEPOSIT_BASE>;
	type DepositPerByte = ConstU128<DEPOSIT_PER_BYTE>;
	type DefaultRoyalty = DefaultRoyalty;
	type MinBaseFee = MinBaseFee;
	type MinShares = MinShares;
	type FlagOrigin = EnsureRoot<AccountId>;
	type MaxUriLen = ConstU32<64>;
	type MaxDependencies = ConstU32<4>;
	type MaxVersions = ConstU32<3>;
	type MaxLineageDepth = ConstU32<3>;
	type MaxReasonLen = ConstU32<32>;
	type MinParentShare = MinParentShare;
	type MinCommitmentAge = MinCommitmentAge;
	type CommitmentLifetime = ConstU64<100>;
	type MaxPendingCommitments = ConstU32<4>;
	type WeightInfo = ();
}

/// Alice: a creator with plenty of funds.
pub const ALICE: AccountId = 1;
/// Bob: a creator with plenty of funds.
pub const BOB: AccountId = 2;
/// Charlie: a creator with plenty of funds.
pub const CHARLIE: AccountId = 3;
/// Dave: an account with just enough for a few small deposits.
pub const DAVE: AccountId = 4;
/// Eve: an account with no funds.
pub const EVE: AccountId = 5;

/// Starting balance of Alice, Bob and Charlie, in planck.
pub const RICH: Balance = 1_000_000;
/// Starting balance of Dave, in planck.
pub const POOR: Balance = 200;

/// Builds test externalities with funded accounts.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { balances: vec![(ALICE, RICH), (BOB, RICH), (CHARLIE, RICH), (DAVE, POOR)] }
	}
}

impl ExtBuilder {
	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test` in the externalities, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			WorkflowRegistry::do_try_state().unwrap();
		});
	}
}

/// Externalities with the default accounts (for the benchmark tests).
#[cfg_attr(not(feature = "runtime-benchmarks"), allow(dead_code))]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Advance to block `n`, running the hooks of every block on the way.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		AllPalletsWithSystem::on_finalize(System::block_number());
		System::set_block_number(next);
		AllPalletsWithSystem::on_initialize(next);
	}
}
