//! Mock runtime: System, Balances and the ExecutionLog. The other Havn pallets are replaced by
//! small test doubles of the primitives traits, backed by thread-local state that tests can set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate as pallet_execution_log;
use crate::*;
use codec::Encode;
use core::cell::RefCell;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Hooks,
	},
};
use havn_primitives::{
	traits::{WorkflowPayees, WorkflowTerms},
	FeeShares, Role, RoyaltySplit,
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::IdentityLookup, AccountId32, BuildStorage, DispatchError, MultiSignature,
};
use std::collections::BTreeMap;

pub type AccountId = AccountId32;
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
	pub type ExecutionLog = pallet_execution_log;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
	type AccountStore = System;
}

// ------------------------------------------------------------------ accounts and keys

/// A deterministic sr25519 pair: `tag` separates roles, `i` the index.
pub fn pair(tag: u8, i: u32) -> sr25519::Pair {
	let mut seed = [0u8; 32];
	seed[0] = tag;
	seed[1..5].copy_from_slice(&i.to_le_bytes());
	sr25519::Pair::from_seed(&seed)
}

/// Execution node `i` (its account key; its receipt key is [`receipt_pair`]).
pub fn node(i: u32) -> AccountId {
	pair(1, i).public().into()
}
/// The receipt key of node `i`.
pub fn receipt_pair(i: u32) -> sr25519::Pair {
	pair(2, i)
}
/// Validator `i`; its account key signs attestations.
pub fn validator(i: u32) -> AccountId {
	validator_pair(i).public().into()
}
/// Validator `i`'s account key.
pub fn validator_pair(i: u32) -> sr25519::Pair {
	pair(3, i)
}
pub fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
pub fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}
pub fn relay() -> AccountId {
	Sr25519Keyring::Charlie.to_account_id()
}
/// A bonded account that is neither node nor validator (a relay), used as challenger.
pub fn challenger() -> AccountId {
	Sr25519Keyring::Dave.to_account_id()
}
/// Where the mock payout sends settled fees.
pub fn payout_sink() -> AccountId {
	Sr25519Keyring::Eve.to_account_id()
}
pub fn treasury() -> AccountId {
	Sr25519Keyring::Ferdie.to_account_id()
}

pub const INITIAL: Balance = 1_000_000;
pub const BASE_FEE: Balance = 100;
/// Workflow of class S, base fee 100.
pub const WF: WorkflowId = 1;
/// Workflow of class L, base fee 100.
pub const WF_L: WorkflowId = 2;
/// A registered but not invocable (flagged) workflow.
pub const WF_FLAGGED: WorkflowId = 3;

// ------------------------------------------------------------------ test doubles

thread_local! {
	pub static WORKFLOWS: RefCell<BTreeMap<WorkflowId, (WorkflowTerms<Balance>, bool)>> =
		RefCell::new(BTreeMap::new());
	pub static ROLES: RefCell<BTreeMap<AccountId, Role>> = RefCell::new(BTreeMap::new());
	pub static RECEIPT_KEYS: RefCell<BTreeMap<AccountId, sr25519::Public>> =
		RefCell::new(BTreeMap::new());
	pub static SCORES: RefCell<BTreeMap<AccountId, Permill>> = RefCell::new(BTreeMap::new());
	pub static OUTCOMES: RefCell<Vec<(AccountId, Outcome)>> = RefCell::new(Vec::new());
	pub static SLASHES: RefCell<Vec<(AccountId, SlashReason, Perbill)>> = RefCell::new(Vec::new());
	pub static DISTRIBUTE_CALLS: RefCell<Vec<JobId>> = RefCell::new(Vec::new());
	pub static PAUSED: RefCell<bool> = const { RefCell::new(false) };
	/// Dependencies per workflow, as `WorkflowInspect::dependency_count` reports them.
	pub static UPSTREAM: RefCell<BTreeMap<WorkflowId, u32>> = RefCell::new(BTreeMap::new());
	/// Accounts also reported as active validators whatever their role (to test that a node
	/// never sits on its own committee).
	pub static EXTRA_VALIDATORS: RefCell<Vec<AccountId>> = RefCell::new(Vec::new());
}

pub fn set_paused(p: bool) {
	PAUSED.with(|x| *x.borrow_mut() = p);
}
pub fn set_role(who: &AccountId, role: Option<Role>) {
	ROLES.with(|r| match role {
		Some(role) => r.borrow_mut().insert(who.clone(), role),
		None => r.borrow_mut().remove(who),
	});
}
pub fn set_receipt_key(who: &AccountId, key: Option<sr25519::Public>) {
	RECEIPT_KEYS.with(|r| match key {
		Some(k) => r.borrow_mut().insert(who.clone(), k),
		None => r.borrow_mut().remove(who),
	});
}
pub fn set_score(who: &AccountId, score: Permill) {
	SCORES.with(|s| s.borrow_mut().insert(who.clone(), score));
}
pub fn outcomes() -> Vec<(AccountId, Outcome)> {
	OUTCOMES.with(|o| o.borrow().clone())
}
pub fn slashes() -> Vec<(AccountId, SlashReason, Perbill)> {
	SLASHES.with(|s| s.borrow().clone())
}
pub fn distribute_calls() -> Vec<JobId> {
	DISTRIBUTE_CALLS.with(|d| d.borrow().clone())
}
/// Say that workflow `id` has `n` dependencies (its payout pays `n` upstream creators).
pub fn set_upstream(id: WorkflowId, n: u32) {
	UPSTREAM.with(|u| u.borrow_mut().insert(id, n));
}
/// Register a workflow.
pub fn set_workflow(id: WorkflowId, class: ComputeClass, base_fee: Balance, invocable: bool) {
	WORKFLOWS.with(|w| {
		w.borrow_mut().insert(
			id,
			(
				WorkflowTerms {
					manifest_hash: H256::repeat_byte(7),
					compute_class: class,
					base_fee,
				},
				invocable,
			),
		)
	});
}

pub struct MockWorkflows;
impl WorkflowInspect<AccountId, Balance> for MockWorkflows {
	fn invocable(id: WorkflowId) -> Result<WorkflowTerms<Balance>, DispatchError> {
		match WORKFLOWS.with(|w| w.borrow().get(&id).cloned()) {
			Some((terms, true)) => Ok(terms),
			Some((_, false)) => Err(DispatchError::Other("WorkflowNotInvocable")),
			None => Err(DispatchError::Other("UnknownWorkflow")),
		}
	}
	fn dependency_count(id: WorkflowId) -> u32 {
		UPSTREAM.with(|u| u.borrow().get(&id).copied().unwrap_or(0))
	}
	fn payees(id: WorkflowId) -> Option<WorkflowPayees<AccountId>> {
		WORKFLOWS.with(|w| w.borrow().contains_key(&id)).then(|| WorkflowPayees {
			creator: payout_sink(),
			royalty: RoyaltySplit::DEFAULT,
			upstream: vec![],
		})
	}
}

pub struct MockStake;
impl StakeInspect<AccountId> for MockStake {
	fn role(who: &AccountId) -> Option<Role> {
		ROLES.with(|r| r.borrow().get(who).copied())
	}
	fn is_eligible_node(who: &AccountId, class: ComputeClass) -> bool {
		matches!(Self::role(who), Some(Role::ExecutionNode(c)) if c.serves(class))
			&& Self::receipt_key(who).is_some()
	}
	fn receipt_key(who: &AccountId) -> Option<sr25519::Public> {
		RECEIPT_KEYS.with(|r| r.borrow().get(who).copied())
	}
	fn is_active_validator(who: &AccountId) -> bool {
		Self::role(who) == Some(Role::Validator)
	}
	fn is_relay(who: &AccountId) -> bool {
		Self::role(who) == Some(Role::Relay)
	}
	fn active_validators() -> Vec<AccountId> {
		// BTreeMap iteration is ascending by account id.
		let mut all: Vec<AccountId> = ROLES.with(|r| {
			r.borrow()
				.iter()
				.filter(|(_, role)| **role == Role::Validator)
				.map(|(a, _)| a.clone())
				.collect()
		});
		all.extend(EXTRA_VALIDATORS.with(|e| e.borrow().clone()));
		all.sort();
		all.dedup();
		all
	}
}
impl StakeSlash<AccountId, Balance> for MockStake {
	fn slash(who: &AccountId, reason: SlashReason, fraction: Perbill) -> Balance {
		SLASHES.with(|s| s.borrow_mut().push((who.clone(), reason, fraction)));
		0
	}
}

pub struct MockReputation;
impl ReputationHooks<AccountId> for MockReputation {
	fn record(who: &AccountId, outcome: Outcome) {
		OUTCOMES.with(|o| o.borrow_mut().push((who.clone(), outcome)));
	}
}
impl ReputationInspect<AccountId> for MockReputation {
	fn score(who: &AccountId) -> Permill {
		SCORES.with(|s| s.borrow().get(who).copied().unwrap_or(Permill::from_percent(50)))
	}
	fn level(who: &AccountId) -> ReputationLevel {
		let s = Self::score(who);
		if s < Permill::from_percent(25) {
			ReputationLevel::Untrusted
		} else if s < Permill::from_percent(50) {
			ReputationLevel::Novice
		} else if s < Permill::from_percent(80) {
			ReputationLevel::Trusted
		} else {
			ReputationLevel::Elite
		}
	}
}

/// Moves the whole escrow to [`payout_sink`], once per job (counts every call).
pub struct MockPayout;
impl DistributeFee<AccountId, Balance, RuntimeHoldReason> for MockPayout {
	fn distribute(
		s: &Settlement<AccountId, Balance>,
		escrow: &RuntimeHoldReason,
	) -> Result<FeeShares, DispatchError> {
		let already = Self::is_settled(s.job_id);
		DISTRIBUTE_CALLS.with(|d| d.borrow_mut().push(s.job_id));
		if already {
			return Err(DispatchError::Other("AlreadySettled"));
		}
		<Balances as MutateHold<AccountId>>::transfer_on_hold(
			escrow,
			&s.payer,
			&payout_sink(),
			s.fee,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)?;
		frame_support::storage::unhashed::put(&settled_key(s.job_id), &true);
		Ok(RoyaltySplit::DEFAULT.split(s.fee))
	}
	fn is_settled(job: JobId) -> bool {
		frame_support::storage::unhashed::exists(&settled_key(job))
	}
}
/// Settled jobs live in storage (not thread-local) so that benchmark runs, which roll storage
/// back between runs, see a consistent state.
fn settled_key(job: JobId) -> Vec<u8> {
	(b"mock/settled", job).encode()
}

pub struct MockPaused;
impl IsPaused for MockPaused {
	fn is_paused() -> bool {
		PAUSED.with(|p| *p.borrow())
	}
}

/// S 1×, M 2×, L 4×, XL 8×.
pub struct Multiplier;
impl Convert<ComputeClass, FixedU128> for Multiplier {
	fn convert(class: ComputeClass) -> FixedU128 {
		FixedU128::from_u32(match class {
			ComputeClass::S => 1,
			ComputeClass::M => 2,
			ComputeClass::L => 4,
			ComputeClass::XL => 8,
		})
	}
}

parameter_types! {
	pub static QuorumSize: u32 = 3;
	pub static CommitteeSize: u32 = 5;
	pub static ReexecutionRate: Permill = Permill::zero();
	pub const RelayTimeout: u64 = 5;
	pub const ExecutionWindow: u64 = 2;
	pub const EpochLength: u64 = 10;
	pub const ChallengeWindow: u64 = 20;
	pub const ChallengeBondAmount: Balance = 1_000;
	pub const FraudSlash: Perbill = Perbill::from_percent(10);
	pub const CollusionSlash: Perbill = Perbill::from_percent(5);
	pub const MaxRedundancy: u32 = 5;
	pub const MaxCommittee: u32 = 16;
	pub const MaxInputUriLen: u32 = 64;
	pub const MaxJobsPerBlock: u32 = 4;
	pub const MaxBatch: u32 = 16;
	pub const MaxDeadline: u64 = 100;
	/// A payer's share of a deadline slot: the whole slot by default (the older tests fill
	/// slots from one payer); the slot-share test sets 2.
	pub storage MaxJobsPerPayerPerBlock: u32 = 4;
	pub const JobDeposit: Balance = 7;
	pub TreasuryAccount: AccountId = treasury();
}

impl pallet_execution_log::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workflows = MockWorkflows;
	type Stake = MockStake;
	type Reputation = MockReputation;
	type Payout = MockPayout;
	type Paused = MockPaused;
	type ClassMultiplier = Multiplier;
	type AttestationSignature = MultiSignature;
	type TreasuryAccount = TreasuryAccount;
	type QuorumSize = QuorumSize;
	type CommitteeSize = CommitteeSize;
	type ReexecutionRate = ReexecutionRate;
	type RelayTimeout = RelayTimeout;
	type ExecutionWindow = ExecutionWindow;
	type EpochLength = EpochLength;
	type ChallengeWindow = ChallengeWindow;
	type ChallengeBond = ChallengeBondAmount;
	type FraudSlash = FraudSlash;
	type CollusionSlash = CollusionSlash;
	type MaxRedundancy = MaxRedundancy;
	type MaxCommittee = MaxCommittee;
	type MaxInputUriLen = MaxInputUriLen;
	type MaxJobsPerBlock = MaxJobsPerBlock;
	type MaxBatch = MaxBatch;
	type MaxUpstream = frame_support::traits::ConstU32<16>;
	type MaxDeadline = MaxDeadline;
	type JobDeposit = JobDeposit;
	type MaxJobsPerPayerPerBlock = MaxJobsPerPayerPerBlock;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Benchmark setup against the test doubles.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<AccountId, MultiSignature> for MockBenchmarkHelper {
	fn setup_workflow() -> WorkflowId {
		set_workflow(100, ComputeClass::S, BASE_FEE, true);
		100
	}
	fn setup_workflow_with_upstream(_d: u32) -> WorkflowId {
		// The mock's payout is a sink: dependencies change nothing here.
		Self::setup_workflow()
	}
	fn setup_node(class: ComputeClass, index: u32) -> AccountId {
		let who = node(1_000 + index);
		set_role(&who, Some(Role::ExecutionNode(class)));
		set_receipt_key(&who, Some(receipt_pair(1_000 + index).public()));
		who
	}
	fn sign_receipt(node_account: &AccountId, payload: &[u8]) -> sr25519::Signature {
		let i = (1_000..1_100).find(|i| &node(*i) == node_account).expect("a benchmark node");
		receipt_pair(i).sign(payload)
	}
	fn setup_validators(n: u32) -> Vec<AccountId> {
		for i in 0..n {
			set_role(&validator(1_000 + i), Some(Role::Validator));
		}
		MockStake::active_validators()
	}
	fn sign_attestation(v: &AccountId, payload: &[u8]) -> MultiSignature {
		let i = (0..200)
			.chain(1_000..1_100)
			.find(|i| &validator(*i) == v)
			.expect("a benchmark validator");
		validator_pair(i).sign(payload).into()
	}
	fn setup_relay() -> AccountId {
		set_role(&relay(), Some(Role::Relay));
		relay()
	}
	fn setup_challenger() -> AccountId {
		set_role(&challenger(), Some(Role::Relay));
		challenger()
	}
}

// ------------------------------------------------------------------ externalities

/// Builds the test externalities: funded payers, bonded nodes (class M, receipt keys),
/// validators and a relay, and registered workflows.
pub struct ExtBuilder {
	nodes: u32,
	validators: u32,
	reexecution: Permill,
	quorum: u32,
	committee: u32,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { nodes: 3, validators: 8, reexecution: Permill::zero(), quorum: 3, committee: 5 }
	}
}

impl ExtBuilder {
	pub fn nodes(mut self, n: u32) -> Self {
		self.nodes = n;
		self
	}
	pub fn validators(mut self, n: u32) -> Self {
		self.validators = n;
		self
	}
	pub fn reexecution(mut self, rate: Permill) -> Self {
		self.reexecution = rate;
		self
	}
	pub fn committee(mut self, c: u32) -> Self {
		self.committee = c;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		WORKFLOWS.with(|w| w.borrow_mut().clear());
		ROLES.with(|r| r.borrow_mut().clear());
		RECEIPT_KEYS.with(|r| r.borrow_mut().clear());
		SCORES.with(|s| s.borrow_mut().clear());
		OUTCOMES.with(|o| o.borrow_mut().clear());
		SLASHES.with(|s| s.borrow_mut().clear());
		DISTRIBUTE_CALLS.with(|d| d.borrow_mut().clear());
		UPSTREAM.with(|u| u.borrow_mut().clear());
		set_paused(false);
		EXTRA_VALIDATORS.with(|e| e.borrow_mut().clear());
		ReexecutionRate::set(self.reexecution);
		QuorumSize::set(self.quorum);
		CommitteeSize::set(self.committee);

		set_workflow(WF, ComputeClass::S, BASE_FEE, true);
		set_workflow(WF_L, ComputeClass::L, BASE_FEE, true);
		set_workflow(WF_FLAGGED, ComputeClass::S, BASE_FEE, false);
		for i in 0..self.nodes {
			set_role(&node(i), Some(Role::ExecutionNode(ComputeClass::M)));
			set_receipt_key(&node(i), Some(receipt_pair(i).public()));
		}
		for i in 0..self.validators {
			set_role(&validator(i), Some(Role::Validator));
		}
		set_role(&relay(), Some(Role::Relay));
		set_role(&challenger(), Some(Role::Relay));

		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![
				(alice(), INITIAL),
				(bob(), INITIAL),
				(relay(), INITIAL),
				(challenger(), INITIAL),
				(payout_sink(), INITIAL),
				(treasury(), INITIAL),
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| run_to_block(1));
		ext
	}

	/// Run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ExecutionLog::do_try_state().expect("invariants hold");
		})
	}
}

/// The default externalities (used by the benchmark test suite).
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Advance to block `n`, running `on_initialize` of the ExecutionLog in each block. Parent hashes
/// are distinct per block so committee draws and sampling vary.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		let parent = H256::from(sp_io::hashing::blake2_256(&next.to_le_bytes()));
		System::reset_events();
		System::initialize(&next, &parent, &Default::default());
		ExecutionLog::on_initialize(next);
	}
}
