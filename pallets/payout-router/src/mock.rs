//! Mock runtime for the PayoutRouter tests: frame-system, pallet-balances, a tiny escrow pallet
//! that only declares the job-escrow hold reason (ExecutionLog's role), and the PayoutRouter.
//! The WorkflowRegistry is replaced by [`MockWorkflows`], a double backed by thread-local state.

use crate as pallet_payout_router;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::MutateHold, ConstU128, OnFinalize, OnInitialize},
};
use havn_primitives::{
	traits::{Settlement, UpstreamPayee, WorkflowInspect, WorkflowPayees, WorkflowTerms},
	Balance, ComputeClass, RoyaltySplit, WorkflowId,
};
use sp_runtime::{BuildStorage, DispatchError, Permill};
use std::collections::BTreeMap;

/// Account ids of the mock.
pub type AccountId = u64;

/// Submits jobs and escrows their fees.
pub const PAYER: AccountId = 1;
/// Owns [`WF`] and [`WF_SOLO`].
pub const CREATOR: AccountId = 2;
/// Owns dependency [`DEP_A`] (60% weight in [`WF`]).
pub const UP_A: AccountId = 3;
/// Owns dependency [`DEP_B`] (40% weight in [`WF`]).
pub const UP_B: AccountId = 4;
/// Execution nodes.
pub const NODE_1: AccountId = 5;
pub const NODE_2: AccountId = 6;
/// Validators.
pub const VAL_1: AccountId = 7;
pub const VAL_2: AccountId = 8;
pub const VAL_3: AccountId = 9;
/// An account that does not exist (no balance).
pub const FRESH: AccountId = 50;
/// The treasury.
pub const TREASURY: AccountId = 99;

/// Starting balance of every funded account but the payer.
pub const FUNDED: Balance = 1_000;
/// Starting balance of the payer: 10 HAI.
pub const PAYER_FUNDS: Balance = 10 * havn_primitives::HAI;
/// Existential deposit.
pub const ED: Balance = 10;

/// A workflow with two dependencies ([`DEP_A`] 60%, [`DEP_B`] 40%) and the default split.
pub const WF: WorkflowId = 1;
/// A workflow without dependencies and the default split.
pub const WF_SOLO: WorkflowId = 2;
/// Dependencies of [`WF`].
pub const DEP_A: WorkflowId = 11;
pub const DEP_B: WorkflowId = 12;

/// A job-escrow hold reason, like ExecutionLog's.
#[frame_support::pallet]
pub mod pallet_escrow {
	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	/// Hold reasons of the mock escrow.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A job's fee, escrowed until it settles.
		JobEscrow,
		/// Some other hold (to check that only the escrow hold pays).
		Other,
	}
}

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
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type Escrow = pallet_escrow::Pallet<Test>;

	#[runtime::pallet_index(3)]
	pub type PayoutRouter = pallet_payout_router::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = frame_system::mocking::MockBlock<Test>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_escrow::Config for Test {}

parameter_types! {
	pub const TreasuryAccount: AccountId = TREASURY;
}

impl pallet_payout_router::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Workflows = MockWorkflows;
	type TreasuryAccount = TreasuryAccount;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// The escrow hold reason the tests pay out of.
pub const ESCROW: RuntimeHoldReason =
	RuntimeHoldReason::Escrow(pallet_escrow::HoldReason::JobEscrow);
/// Another hold reason.
pub const OTHER_HOLD: RuntimeHoldReason =
	RuntimeHoldReason::Escrow(pallet_escrow::HoldReason::Other);

/// A workflow as the registry double knows it.
#[derive(Clone, Debug)]
pub struct MockWorkflow {
	/// Current owner.
	pub creator: AccountId,
	/// Royalty split.
	pub royalty: RoyaltySplit,
	/// Dependencies: workflow id, its owner, weight.
	pub deps: Vec<(WorkflowId, AccountId, Permill)>,
}

thread_local! {
	static WORKFLOWS: RefCell<BTreeMap<WorkflowId, MockWorkflow>> = const { RefCell::new(BTreeMap::new()) };
}

/// Register (or replace) a workflow in the registry double.
pub fn set_workflow(
	id: WorkflowId,
	creator: AccountId,
	royalty: RoyaltySplit,
	deps: Vec<(WorkflowId, AccountId, Permill)>,
) {
	WORKFLOWS.with(|w| w.borrow_mut().insert(id, MockWorkflow { creator, royalty, deps }));
}

/// WorkflowRegistry double.
pub struct MockWorkflows;

impl WorkflowInspect<AccountId, Balance> for MockWorkflows {
	fn invocable(id: WorkflowId) -> Result<WorkflowTerms<Balance>, DispatchError> {
		WORKFLOWS
			.with(|w| w.borrow().get(&id).map(|_| ()))
			.map(|_| WorkflowTerms {
				manifest_hash: Default::default(),
				compute_class: ComputeClass::S,
				base_fee: 0,
			})
			.ok_or(DispatchError::Other("unknown workflow"))
	}

	fn dependency_count(id: WorkflowId) -> u32 {
		WORKFLOWS.with(|w| w.borrow().get(&id).map_or(0, |wf| wf.deps.len() as u32))
	}

	fn payees(id: WorkflowId) -> Option<WorkflowPayees<AccountId>> {
		WORKFLOWS.with(|w| {
			w.borrow().get(&id).map(|wf| WorkflowPayees {
				creator: wf.creator,
				royalty: wf.royalty,
				upstream: wf
					.deps
					.iter()
					.map(|(workflow_id, creator, weight)| UpstreamPayee {
						workflow_id: *workflow_id,
						creator: *creator,
						weight: *weight,
					})
					.collect(),
			})
		})
	}
}

/// Benchmark helper of the mock: registers workflows in the registry double.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, RuntimeHoldReason> for MockBenchmarkHelper {
	fn workflow_with_upstream(u: u32) -> WorkflowId {
		let id: WorkflowId = 1_000;
		let weight = Permill::from_parts(1_000_000u32.checked_div(u).unwrap_or(0));
		let deps = (0..u)
			.map(|i| (2_000 + WorkflowId::from(i), 3_000 + AccountId::from(i), weight))
			.collect();
		set_workflow(id, 4_000, RoyaltySplit::DEFAULT, deps);
		id
	}

	fn escrow_reason() -> RuntimeHoldReason {
		ESCROW
	}
}

/// Builds the test externalities: balances, the registry double, block 1.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	fund_treasury: bool,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		let mut balances = vec![(PAYER, PAYER_FUNDS)];
		balances.extend(
			[CREATOR, UP_A, UP_B, NODE_1, NODE_2, VAL_1, VAL_2, VAL_3].iter().map(|a| (*a, FUNDED)),
		);
		Self { balances, fund_treasury: true }
	}
}

impl ExtBuilder {
	/// Leave the treasury account unfunded (it does not exist).
	pub fn without_treasury(mut self) -> Self {
		self.fund_treasury = false;
		self
	}

	/// Build the externalities.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut balances = self.balances;
		if self.fund_treasury {
			balances.push((TREASURY, FUNDED));
		}
		let storage = RuntimeGenesisConfig {
			balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
			..Default::default()
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			WORKFLOWS.with(|w| w.borrow_mut().clear());
			set_workflow(
				WF,
				CREATOR,
				RoyaltySplit::DEFAULT,
				vec![
					(DEP_A, UP_A, Permill::from_percent(60)),
					(DEP_B, UP_B, Permill::from_percent(40)),
				],
			);
			set_workflow(WF_SOLO, CREATOR, RoyaltySplit::DEFAULT, vec![]);
			set_workflow(DEP_A, UP_A, RoyaltySplit::DEFAULT, vec![]);
			set_workflow(DEP_B, UP_B, RoyaltySplit::DEFAULT, vec![]);
			System::set_block_number(1);
		});
		ext
	}

	/// Build, run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			PayoutRouter::do_try_state().unwrap();
		});
	}
}

/// Default externalities (used by the benchmark test suite).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Advance to block `n`, running the hooks of every pallet.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		AllPalletsWithSystem::on_finalize(System::block_number());
		System::set_block_number(next);
		AllPalletsWithSystem::on_initialize(next);
	}
}

/// Hold `amount` of `who`'s balance under [`ESCROW`].
pub fn escrow(who: AccountId, amount: Balance) {
	Balances::hold(&ESCROW, &who, amount).unwrap();
}

/// A settlement of `fee` for `job` of `workflow_id`, paid by [`PAYER`].
pub fn settlement(
	job_id: u64,
	workflow_id: WorkflowId,
	fee: Balance,
	nodes: Vec<AccountId>,
	validators: Vec<AccountId>,
) -> Settlement<AccountId, Balance> {
	Settlement { job_id, workflow_id, payer: PAYER, fee, nodes, validators }
}

/// The PayoutRouter's events, oldest first.
pub fn payout_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::PayoutRouter(e) => Some(e),
			_ => None,
		})
		.collect()
}
