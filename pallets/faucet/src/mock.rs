//! Mock runtime for the Faucet tests: System, Balances and the faucet.
#![allow(clippy::arithmetic_side_effects)]

use crate as pallet_faucet;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, OnFinalize, OnInitialize},
	PalletId,
};
use frame_system::EnsureRoot;
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
	pub type Faucet = pallet_faucet;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// Existential deposit, in planck.
pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
}

parameter_types! {
	/// The faucet's pallet id.
	pub const FaucetPalletId: PalletId = PalletId(*b"hv/fauct");
	/// Drip per claim, in planck; tests may change it.
	pub storage DripAmount: Balance = 100;
	/// Rate-limit period, in blocks; tests may change it.
	pub storage Period: u64 = 10;
	/// Claims per block; tests may change it.
	pub storage MaxClaimsPerBlock: u32 = 3;
}

impl pallet_faucet::Config for Test {
	type Currency = Balances;
	type PalletId = FaucetPalletId;
	type DripAmount = DripAmount;
	type Period = Period;
	type MaxClaimsPerBlock = MaxClaimsPerBlock;
	type AdminOrigin = EnsureRoot<AccountId>;
	type WeightInfo = ();
}

/// A newcomer with nothing.
pub const ALICE: AccountId = 1;
/// Another newcomer with nothing.
pub const BOB: AccountId = 2;
/// An account with some funds.
pub const CHARLIE: AccountId = 3;
/// Charlie's starting balance, in planck.
pub const CHARLIE_BALANCE: Balance = 1_000;
/// The pot's starting balance, in planck.
pub const POT: Balance = 1_000;

/// The pot account.
pub fn pot() -> AccountId {
	Faucet::account_id()
}

/// Builds test externalities with a funded pot.
pub struct ExtBuilder {
	enabled: bool,
	pot: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { enabled: true, pot: POT }
	}
}

impl ExtBuilder {
	/// Start with the faucet off.
	pub fn disabled(mut self) -> Self {
		self.enabled = false;
		self
	}

	/// Start with `pot` planck in the pot (0: no pot account).
	pub fn pot(mut self, pot: Balance) -> Self {
		self.pot = pot;
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances = vec![(CHARLIE, CHARLIE_BALANCE)];
		if self.pot > 0 {
			balances.push((FaucetPalletId::get().into_account_truncating(), self.pot));
		}
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_faucet::GenesisConfig::<Test> { enabled: self.enabled, ..Default::default() }
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
			Faucet::do_try_state().unwrap();
		});
	}
}

use sp_runtime::traits::AccountIdConversion;

/// Externalities with a funded, enabled faucet (for the benchmark tests).
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
