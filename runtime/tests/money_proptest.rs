//! Money-path property test on the real Havn runtime.
//!
//! Random sequences of the flywheel's calls (publish, bond, submit_job, assign, claim, release, prune,
//! submit_receipt, attest, submit_attestations, challenge, heartbeat, unbond,
//! withdraw_unbonded) and of block advances (which run every pallet's `on_initialize`, so
//! expiry) are dispatched as `RuntimeCall`s against the runtime built from a
//! `RuntimeGenesisConfig` in `TestExternalities`. Calls may fail; a failed call must leave the
//! storage root unchanged. After every action:
//!
//! 1. total issuance equals its genesis value, and equals the sum over every account of free
//!    plus every hold (each account's reserved balance is exactly its holds, and no account
//!    outside the tracked set holds funds): no fee is charged on direct dispatch, and slashes
//!    move stake to the treasury rather than burning it;
//! 2. no job is paid twice: at most one PayoutRouter `JobSettled` event per job, FeePaid events
//!    of a job sum to its fee, and a `Settled` record exists exactly for the jobs that were
//!    finalized (Finalized, Challenged, or Rejected after an upheld challenge);
//! 3. every pallet's `try_state` holds (the laws are written once, in the pallets), among them:
//!    no escrow is left once a job is terminal (each account's `JobEscrow` hold equals the fees
//!    of its open jobs, its `ChallengeBond` hold the bonds of its open challenges: ExecutionLog
//!    2 and 4), each StakeGuard `Bond` hold equals its bond ledger (StakeGuard 1), and each
//!    settlement's shares sum to its fee (PayoutRouter 1). So the test needs the runtime's
//!    `try-runtime` feature (`required-features` in runtime/Cargo.toml).
//!
//! Cases: `PROPTEST_CASES` (default [`DEFAULT_CASES`]), each of up to [`MAX_ACTIONS`] actions, split
//! over [`SHARDS`] tests that the harness runs on parallel threads.
//! Setup: 4 execution nodes (one per class, registered), 5 or 16 validators, a relay, a
//! workflow; the unbonding period is set to [`UNBONDING`] blocks through `pallet-parameters`
//! so that `withdraw_unbonded` is reachable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet, HashMap},
	sync::OnceLock,
	time::Instant,
};

use codec::Encode;
use frame_support::{
	traits::{fungible::Inspect, Get, OnInitialize, TryState, TryStateSelect},
	BoundedVec,
};
use havn_primitives::{
	api::JobPhase, Attestation, ComputeClass, Receipt, ReleaseReason, Role, RoyaltySplit, Verdict,
	WorkflowKind, HAI,
};
use havn_runtime::{
	configs::{
		governance::TreasuryAccount,
		parameters::{
			dynamic_params::{execution, stake},
			RuntimeParameters,
		},
	},
	AccountId, AllPalletsWithSystem, Balances, BalancesConfig, BuildStorage, ExecutionLog, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, RuntimeHoldReason, RuntimeOrigin, Signature,
	StakeGuardConfig, System,
};
use pallet_execution_log::{HoldReason as ElHold, Jobs, NextJobId};
use pallet_payout_router::Settled;
use pallet_stake_guard::{Bonds, HoldReason as SgHold};
use proptest::{
	prelude::*,
	test_runner::{Config as PtConfig, TestCaseError, TestRunner},
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{traits::Dispatchable, Permill};

/// Cases when `PROPTEST_CASES` is unset, over all shards.
const DEFAULT_CASES: u32 = 2048;
/// Longest action sequence.
const MAX_ACTIONS: usize = 40;
/// Unbonding period set in the setup, in blocks.
const UNBONDING: u32 = 10;
/// Validators that can exist: the first 5, or all of them, are bonded at genesis (enough for
/// an adjudication committee outside a 7-member attestation committee).
const VALIDATORS: usize = 16;
/// Unbonded accounts that may bond for any role during a sequence.
const POOL: usize = 5;

// ------------------------------------------------------------------ keys and accounts

struct Keys {
	/// Payers and creators (Alice, Bob, Charlie, Dave, Eve).
	users: Vec<sr25519::Pair>,
	/// Pre-bonded nodes, classes S, M, L, XL.
	nodes: Vec<sr25519::Pair>,
	/// Receipt keys: `nodes` first, then `pool`.
	receipt: Vec<sr25519::Pair>,
	validators: Vec<sr25519::Pair>,
	relay: sr25519::Pair,
	pool: Vec<sr25519::Pair>,
}

fn pair(s: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(s, None).unwrap()
}

fn keys() -> &'static Keys {
	static KEYS: OnceLock<Keys> = OnceLock::new();
	KEYS.get_or_init(|| Keys {
		users: ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve"]
			.iter()
			.map(|s| pair(s))
			.collect(),
		nodes: ["//NodeS", "//NodeM", "//NodeL", "//NodeXL"].iter().map(|s| pair(s)).collect(),
		receipt: (0..4)
			.map(|i| pair(&format!("//Receipt{i}")))
			.chain((0..POOL).map(|i| pair(&format!("//PoolReceipt{i}"))))
			.collect(),
		validators: (0..VALIDATORS).map(|i| pair(&format!("//Validator{i}"))).collect(),
		relay: pair("//Relay"),
		pool: (0..POOL).map(|i| pair(&format!("//Pool{i}"))).collect(),
	})
}

fn acc(p: &sr25519::Pair) -> AccountId {
	p.public().into()
}

fn user(i: usize) -> AccountId {
	acc(&keys().users[i % keys().users.len()])
}

/// A workflow creator: mostly Alice, Bob, Charlie, Dave or Eve, sometimes a pool account (which
/// may also be bonded, so that one account's deposits, escrow and bond holds mix).
/// A customer index whose account differs from `who` (the first of five tried that does).
fn to_stranger(who: &AccountId) -> u8 {
	(1..=5).find(|i| &customer(*i) != who).unwrap_or(1)
}

/// `key`'s proof of possession for `who` on this chain (`StakeGuard::register_node`).
fn key_proof(key: &sr25519::Pair, who: &AccountId) -> sr25519::Signature {
	key.sign(&havn_primitives::proofs::receipt_key_proof_payload(
		who,
		havn_runtime::StakeGuard::genesis_hash(),
	))
}

fn customer(i: u8) -> AccountId {
	let k = keys();
	if i.is_multiple_of(4) {
		acc(&k.pool[usize::from(i / 4) % POOL])
	} else {
		user(usize::from(i))
	}
}

/// Every account a node may be: the four pre-bonded ones, then the pool.
fn node_candidates() -> Vec<(AccountId, usize)> {
	let k = keys();
	k.nodes.iter().chain(k.pool.iter()).enumerate().map(|(i, p)| (acc(p), i)).collect()
}

/// Every account that may hold a StakeGuard role.
fn stakers() -> Vec<AccountId> {
	let k = keys();
	k.nodes
		.iter()
		.chain(k.validators.iter())
		.chain(std::iter::once(&k.relay))
		.chain(k.pool.iter())
		.map(acc)
		.collect()
}

/// Every account funded at genesis, plus the treasury: the tracked account set.
fn tracked() -> BTreeSet<AccountId> {
	let k = keys();
	let mut set: BTreeSet<AccountId> = k.users.iter().map(acc).collect();
	set.extend(stakers());
	set.insert(TreasuryAccount::get());
	set
}

thread_local! {
	/// sr25519 signing is randomised; caching keeps a case reproducible within one run.
	static SIGS: RefCell<HashMap<(Vec<u8>, Vec<u8>), sr25519::Signature>> =
		RefCell::new(HashMap::new());
}

fn sign(p: &sr25519::Pair, msg: &[u8]) -> sr25519::Signature {
	let key = (p.public().0.to_vec(), msg.to_vec());
	SIGS.with(|c| *c.borrow_mut().entry(key).or_insert_with(|| p.sign(msg)))
}

fn signer_of(who: &AccountId) -> Option<&'static sr25519::Pair> {
	let k = keys();
	k.users
		.iter()
		.chain(k.nodes.iter())
		.chain(k.validators.iter())
		.chain(std::iter::once(&k.relay))
		.chain(k.pool.iter())
		.find(|p| &acc(p) == who)
}

// ------------------------------------------------------------------ genesis

fn genesis(validators: usize) -> sp_runtime::Storage {
	let k = keys();
	let mut balances: Vec<(AccountId, u128)> =
		k.users.iter().map(|p| (acc(p), 1_000_000 * HAI)).collect();
	balances.extend(k.nodes.iter().map(|p| (acc(p), 100_000 * HAI)));
	balances.extend(k.validators.iter().map(|p| (acc(p), 50_000 * HAI)));
	balances.push((acc(&k.relay), 10_000 * HAI));
	balances.extend(k.pool.iter().map(|p| (acc(p), 60_000 * HAI)));
	balances.push((TreasuryAccount::get(), havn_runtime::EXISTENTIAL_DEPOSIT));
	let classes = [ComputeClass::S, ComputeClass::M, ComputeClass::L, ComputeClass::XL];
	let floors = [2_000 * HAI, 5_000 * HAI, 9_000 * HAI, 18_000 * HAI];
	// Twice the floor, so a node survives one 50% fraud slash.
	let mut bonds: Vec<(AccountId, Role, u128)> = k
		.nodes
		.iter()
		.zip(classes.iter().zip(floors.iter()))
		.map(|(p, (c, f))| (acc(p), Role::ExecutionNode(*c), 2 * f))
		.collect();
	bonds.extend(
		k.validators.iter().take(validators).map(|p| (acc(p), Role::Validator, 20_000 * HAI)),
	);
	bonds.push((acc(&k.relay), Role::Relay, 2_000 * HAI));
	RuntimeGenesisConfig {
		balances: BalancesConfig { balances, ..Default::default() },
		stake_guard: StakeGuardConfig { bonds },
		// One Aura authority, as every chain has one: Aura's `try_state` reads the set.
		aura: pallet_aura::GenesisConfig {
			authorities: vec![sp_consensus_aura::sr25519::AuthorityId::from(
				sp_keyring::Sr25519Keyring::Alice.public(),
			)],
		},
		..Default::default()
	}
	.build_storage()
	.unwrap()
}

fn genesis_cached(validators: usize) -> sp_runtime::Storage {
	static G: OnceLock<(sp_runtime::Storage, sp_runtime::Storage)> = OnceLock::new();
	let (five, all) = G.get_or_init(|| (genesis(5), genesis(VALIDATORS)));
	if validators == 5 {
		five.clone()
	} else {
		all.clone()
	}
}

// ------------------------------------------------------------------ actions

#[derive(Clone, Copy, Debug)]
enum SigKind {
	Valid,
	/// Signed with another node's receipt key.
	WrongKey,
	/// A valid signature over another job's receipt.
	OtherJob,
}

#[derive(Clone, Copy, Debug)]
enum DigestKind {
	Correct,
	Missing,
	Wrong,
}

#[derive(Clone, Copy, Debug)]
enum BondRole {
	Node(u8),
	Validator,
	Relay,
}

/// Picks a job: among the jobs in the phases the action needs (`raw == false`), or any id up to
/// one past the last (`raw == true`, mostly failing calls).
#[derive(Clone, Copy, Debug)]
struct JobSel {
	raw: bool,
	n: u16,
}

#[derive(Clone, Debug)]
enum Action {
	Publish {
		creator: u8,
		class: u8,
		fee: u8,
		deps: Vec<u8>,
		split: Option<([u32; 4], bool)>,
	},
	Bond {
		who: u8,
		role: BondRole,
		extra: u8,
	},
	Submit {
		payer: u8,
		workflow: u8,
		class: u8,
		redundancy: u8,
		deadline: u32,
		fee_ok: bool,
	},
	/// The natural next call for an open or challenged job (submit one if there is none).
	Step {
		job: JobSel,
		choice: u8,
	},
	Assign {
		job: JobSel,
		offset: u8,
		relay_ok: bool,
		stranger: bool,
	},
	Claim {
		job: JobSel,
		node: u8,
	},
	/// `release` by one of the job's nodes (or, sometimes, by another account).
	Release {
		job: JobSel,
		node: u8,
		reason: u8,
	},
	/// `prune` of an ended job (or, sometimes, of any job id), by its payer or another account.
	Prune {
		job: JobSel,
		who: u8,
	},
	Receipt {
		job: JobSel,
		slot: u8,
		sig: SigKind,
		good: bool,
	},
	Attest {
		job: JobSel,
		member: u8,
		flip: bool,
		digest: DigestKind,
	},
	Batch {
		job: JobSel,
		first: u8,
		count: u8,
		flip: bool,
		forge: bool,
		lead_ok: bool,
	},
	Challenge {
		job: JobSel,
		who: u8,
	},
	Advance {
		blocks: u8,
	},
	/// The two-step transfer: the owner (or, with `!owner`, a stranger) offers a workflow to
	/// `to`; then `to` accepts, or (with `!accept`) a stranger tries to, or the owner withdraws.
	Transfer {
		workflow: u8,
		to: u8,
		owner: bool,
		accept: u8,
	},
	Heartbeat {
		node: u8,
	},
	Unbond {
		who: u8,
		all: bool,
	},
	/// `wait`: first advance until the caller's first unbonding chunk unlocks.
	Withdraw {
		who: u8,
		wait: bool,
	},
}

fn job_sel() -> impl Strategy<Value = JobSel> {
	(prop::bool::weighted(0.08), any::<u16>()).prop_map(|(raw, n)| JobSel { raw, n })
}

fn class_idx() -> impl Strategy<Value = u8> {
	prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)]
}

fn action() -> impl Strategy<Value = Action> {
	let sig = prop_oneof![
		17 => Just(SigKind::Valid),
		2 => Just(SigKind::WrongKey),
		1 => Just(SigKind::OtherJob),
	];
	let digest = prop_oneof![
		18 => Just(DigestKind::Correct),
		1 => Just(DigestKind::Missing),
		1 => Just(DigestKind::Wrong),
	];
	let role = prop_oneof![
		3 => (0u8..4).prop_map(BondRole::Node),
		3 => Just(BondRole::Validator),
		1 => Just(BondRole::Relay),
	];
	// Cuts of [0, 100%] into five parts; `true` adds one part per million (an invalid split).
	let split = prop::option::weighted(
		0.3,
		(prop::array::uniform4(0u32..=1_000_000), prop::bool::weighted(0.1)).prop_map(
			|(mut a, bad)| {
				a.sort_unstable();
				(a, bad)
			},
		),
	);
	prop_oneof![
		3 => (
			any::<u8>(),
			class_idx(),
			any::<u8>(),
			prop::collection::vec(any::<u8>(), 0..=2),
			split,
		)
			.prop_map(|(creator, class, fee, deps, split)| Action::Publish {
				creator,
				class,
				fee,
				deps,
				split,
			}),
		3 => (any::<u8>(), role, any::<u8>())
			.prop_map(|(who, role, extra)| Action::Bond { who, role, extra }),
		8 => (
			any::<u8>(),
			any::<u8>(),
			class_idx(),
			prop_oneof![12 => Just(1u8), 4 => Just(2u8), 2 => Just(3u8), 1 => Just(0u8)],
			// Mostly at least the shortest deadline (`RelayTimeout + ExecutionWindow` = 30).
			prop_oneof![18 => 30u32..100, 1 => 1u32..30, 1 => Just(0u32), 1 => Just(30_000u32)],
			prop::bool::weighted(0.95),
		)
			.prop_map(|(payer, workflow, class, redundancy, deadline, fee_ok)| {
				Action::Submit { payer, workflow, class, redundancy, deadline, fee_ok }
			}),
		20 => (job_sel(), any::<u8>()).prop_map(|(job, choice)| Action::Step { job, choice }),
		5 => (job_sel(), any::<u8>(), prop::bool::weighted(0.95), prop::bool::weighted(0.05))
			.prop_map(|(job, offset, relay_ok, stranger)| Action::Assign {
				job,
				offset,
				relay_ok,
				stranger
			}),
		2 => (job_sel(), any::<u8>()).prop_map(|(job, node)| Action::Claim { job, node }),
		2 => (job_sel(), any::<u8>(), 0u8..4)
			.prop_map(|(job, node, reason)| Action::Release { job, node, reason }),
		3 => (job_sel(), any::<u8>()).prop_map(|(job, who)| Action::Prune { job, who }),
		6 => (job_sel(), any::<u8>(), sig, prop::bool::weighted(0.9))
			.prop_map(|(job, slot, sig, good)| Action::Receipt { job, slot, sig, good }),
		8 => (job_sel(), any::<u8>(), prop::bool::weighted(0.05), digest)
			.prop_map(|(job, member, flip, digest)| Action::Attest { job, member, flip, digest }),
		4 => (
			job_sel(),
			any::<u8>(),
			1u8..=5,
			prop::bool::weighted(0.05),
			prop::bool::weighted(0.1),
			prop::bool::weighted(0.9),
		)
			.prop_map(|(job, first, count, flip, forge, lead_ok)| Action::Batch {
				job,
				first,
				count,
				flip,
				forge,
				lead_ok
			}),
		5 => (job_sel(), any::<u8>()).prop_map(|(job, who)| Action::Challenge { job, who }),
		8 => prop_oneof![3 => 1u8..=4, 1 => 5u8..=40].prop_map(|blocks| Action::Advance { blocks }),
		2 => (any::<u8>(), any::<u8>(), prop::bool::weighted(0.9), any::<u8>())
			.prop_map(|(workflow, to, owner, accept)| Action::Transfer { workflow, to, owner, accept }),
		2 => any::<u8>().prop_map(|node| Action::Heartbeat { node }),
		3 => (any::<u8>(), any::<bool>()).prop_map(|(who, all)| Action::Unbond { who, all }),
		3 => (any::<u8>(), any::<bool>()).prop_map(|(who, wait)| Action::Withdraw { who, wait }),
	]
}

#[derive(Clone, Debug)]
struct Case {
	salt: u64,
	validators: usize,
	actions: Vec<Action>,
}

fn case() -> impl Strategy<Value = Case> {
	(
		any::<u64>(),
		prop_oneof![Just(5usize), Just(VALIDATORS)],
		prop::collection::vec(action(), 5..=MAX_ACTIONS),
	)
		.prop_map(|(salt, validators, actions)| Case { salt, validators, actions })
}

// ------------------------------------------------------------------ the driver

#[derive(Default)]
struct Tally {
	/// Per case: which outcomes it reached.
	finalized: u32,
	rejected: u32,
	expired: u32,
	challenged: u32,
	upheld: u32,
	challenge_rejected: u32,
	withdrawn: u32,
	/// Over all cases.
	jobs_finalized: u64,
	jobs_rejected: u64,
	jobs_expired: u64,
	jobs_pruned: u64,
	ok_calls: u64,
	failed_calls: u64,
	errors: BTreeMap<String, u64>,
	counts: BTreeMap<&'static str, u64>,
	actions: u64,
	cases: u32,
}

struct Sim {
	salt: u64,
	issuance: u128,
	tracked: BTreeSet<AccountId>,
	settled_events: BTreeMap<u64, u32>,
	fee_paid: BTreeMap<u64, u128>,
	published: u64,
	ok: u64,
	failed: u64,
	/// Failed calls by call and error.
	errors: BTreeMap<String, u64>,
	/// Other events worth counting.
	counts: BTreeMap<&'static str, u64>,
	seen: BTreeSet<&'static str>,
	finalized: u64,
	rejected: u64,
	expired: u64,
	/// Jobs pruned (`JobPruned`).
	pruned: u64,
}

fn class_of(i: u8) -> ComputeClass {
	[ComputeClass::S, ComputeClass::M, ComputeClass::L, ComputeClass::XL][usize::from(i % 4)]
}

fn good_hash(job: u64) -> H256 {
	H256(sp_io::hashing::blake2_256(&(job, b"good").encode()))
}

fn bad_hash(job: u64) -> H256 {
	H256(sp_io::hashing::blake2_256(&(job, b"bad").encode()))
}

fn receipt(job: u64, workflow: u64, hash: H256) -> Receipt {
	Receipt {
		workflow_id: workflow,
		job_id: job,
		runtime_hash: hash,
		outputs_cid: b"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
			.to_vec()
			.try_into()
			.unwrap(),
		latency_ms: 1_200,
		energy_estimate: 42_000,
	}
}

fn storage_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

impl Sim {
	/// Dispatch `call` from `who`; a failure must leave the storage root unchanged.
	fn dispatch(&mut self, who: &AccountId, call: RuntimeCall) -> Result<bool, TestCaseError> {
		let before = storage_root();
		let name = call_name(&call);
		match call.dispatch(RuntimeOrigin::signed(who.clone())) {
			Ok(_) => {
				self.ok += 1;
				Ok(true)
			}
			Err(e) => {
				self.failed += 1;
				*self.errors.entry(format!("{name}: {:?}", e.error)).or_default() += 1;
				let after = storage_root();
				prop_assert_eq!(before, after, "failed {} ({:?}) wrote to storage", name, e.error);
				Ok(false)
			}
		}
	}

	/// `who` commits to `manifest_hash`, and the blocks pass until it can publish it.
	fn commit(&mut self, who: &AccountId, manifest_hash: H256) -> Result<(), TestCaseError> {
		let commitment = havn_primitives::proofs::manifest_commitment(who, &manifest_hash);
		let call = RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::commit_manifest {
			commitment,
		});
		self.dispatch(who, call)?;
		let age = <Runtime as pallet_workflow_registry::Config>::MinCommitmentAge::get();
		for _ in 0..age {
			self.next_block();
		}
		Ok(())
	}

	fn next_block(&self) {
		let n = System::block_number() + 1;
		let parent = if n == 1 {
			System::block_hash(0)
		} else {
			H256(sp_io::hashing::blake2_256(&(self.salt, n - 1).encode()))
		};
		System::initialize(&n, &parent, &Default::default());
		AllPalletsWithSystem::on_initialize(n);
	}

	/// The verdict an honest committee would give: most jobs are valid, some invalid.
	fn intended(&self, job: u64, adjudication: bool) -> Verdict {
		let h = sp_io::hashing::blake2_256(&(self.salt, job, adjudication).encode());
		if h[0].is_multiple_of(5) {
			Verdict::Invalid
		} else {
			Verdict::Valid
		}
	}

	fn attestation(&self, job: u64, flip: bool, digest: DigestKind) -> Attestation {
		let challenged = Jobs::<Runtime>::get(job).is_some_and(|j| j.phase == JobPhase::Challenged);
		let mut verdict = self.intended(job, challenged);
		if flip {
			verdict = match verdict {
				Verdict::Valid => Verdict::Invalid,
				Verdict::Invalid => Verdict::Valid,
			};
		}
		let reference = Jobs::<Runtime>::get(job).and_then(|j| j.reference_hash());
		let reexecution_digest = match digest {
			DigestKind::Correct => reference,
			DigestKind::Missing => None,
			DigestKind::Wrong => Some(bad_hash(job ^ 0xdead)),
		};
		Attestation { job_id: job, verdict, reexecution_digest }
	}

	/// The ids of the jobs in one of `phases`, ascending.
	fn jobs_in(&self, phases: &[JobPhase]) -> Vec<u64> {
		let mut ids: Vec<u64> = Jobs::<Runtime>::iter()
			.filter(|(_, j)| phases.contains(&j.phase))
			.map(|(id, _)| id)
			.collect();
		ids.sort_unstable();
		ids
	}

	/// A job in one of `phases`, or `None` when there is none (see [`JobSel`]).
	fn pick_job(&self, sel: JobSel, phases: &[JobPhase]) -> Option<u64> {
		if sel.raw {
			return Some(u64::from(sel.n) % (NextJobId::<Runtime>::get() + 1));
		}
		let ids = self.jobs_in(phases);
		(!ids.is_empty()).then(|| ids[usize::from(sel.n) % ids.len()])
	}

	/// The natural next call for an open or challenged job (or a fresh job if there is none).
	fn step(&mut self, sel: JobSel, choice: u8) -> Result<(), TestCaseError> {
		let open =
			[JobPhase::Submitted, JobPhase::Assigned, JobPhase::Attesting, JobPhase::Challenged];
		let ids = self.jobs_in(&open);
		if ids.is_empty() {
			return self.submit(choice, choice / 3, 0, 1, 30 + u32::from(choice % 50), true);
		}
		let id = ids[usize::from(sel.n) % ids.len()];
		let job = Jobs::<Runtime>::get(id).unwrap();
		match job.phase {
			JobPhase::Submitted => {
				let timeout = execution::RelayTimeout::get();
				if choice.is_multiple_of(3) && System::block_number() >= job.submitted_at + timeout
				{
					self.claim(id, choice)
				} else {
					self.assign(id, choice, true, false)
				}
			}
			JobPhase::Assigned => {
				self.receipt(id, choice, SigKind::Valid, !choice.is_multiple_of(10))
			}
			_ if choice.is_multiple_of(3) => {
				// As many verdicts as the quorum still needs.
				let given = match (job.phase, &job.challenge) {
					(JobPhase::Challenged, Some(c)) => c.verdicts.len(),
					_ => job.verdicts.len(),
				};
				let count = (execution::QuorumSize::get() as usize)
					.saturating_sub(given)
					.clamp(1, 16) as u8;
				self.batch(id, choice, count, false, false, true)
			}
			_ => self.attest(id, choice, false, DigestKind::Correct),
		}
	}

	fn submit(
		&mut self,
		payer: u8,
		workflow: u8,
		class: u8,
		redundancy: u8,
		deadline: u32,
		fee_ok: bool,
	) -> Result<(), TestCaseError> {
		// Mostly Alice, Bob or Charlie; sometimes a pool account, which may be the job's node,
		// the workflow's creator or a challenger as well.
		let payer = if payer.is_multiple_of(6) {
			acc(&keys().pool[usize::from(payer / 6) % POOL])
		} else {
			user(usize::from(payer) % 3)
		};
		let count = pallet_workflow_registry::NextWorkflowId::<Runtime>::get().max(1);
		let workflow = u64::from(workflow) % count;
		let quote = ExecutionLog::quote(workflow, class_of(class), redundancy);
		let max_fee = match (quote, fee_ok) {
			(Ok(q), true) => q.total,
			(Ok(q), false) => q.total.saturating_sub(1),
			(Err(_), _) => u128::MAX,
		};
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_job {
			workflow_id: workflow,
			input_digest: H256::repeat_byte(7),
			input_uri: b"ipfs://inputs".to_vec().try_into().unwrap(),
			compute_class: class_of(class),
			max_fee,
			redundancy,
			deadline,
		});
		self.dispatch(&payer, call).map(drop)
	}

	/// Nodes bonded for a class that serves `class`, eligible ones first.
	fn serving(&self, class: ComputeClass) -> Vec<AccountId> {
		let (mut eligible, other): (Vec<AccountId>, Vec<AccountId>) = node_candidates()
			.into_iter()
			.map(|(a, _)| a)
			.filter(|a| {
				matches!(Bonds::<Runtime>::get(a), Some(b)
					if matches!(b.role, Role::ExecutionNode(c) if c.serves(class)))
			})
			.partition(|a| ExecutionLog::is_eligible(a, class));
		eligible.extend(other);
		eligible
	}

	fn assign(
		&mut self,
		id: u64,
		offset: u8,
		relay_ok: bool,
		stranger: bool,
	) -> Result<(), TestCaseError> {
		let k = keys();
		// Relays: the pre-bonded one, or a pool account that bonded as one.
		let relays: Vec<AccountId> = std::iter::once(acc(&k.relay))
			.chain(k.pool.iter().map(acc))
			.filter(|a| matches!(Bonds::<Runtime>::get(a), Some(b) if b.role == Role::Relay))
			.collect();
		let relay = if relay_ok && !relays.is_empty() {
			relays[usize::from(offset) % relays.len()].clone()
		} else {
			user(0)
		};
		let (class, redundancy) = Jobs::<Runtime>::get(id)
			.map(|j| (j.compute_class, usize::from(j.redundancy)))
			.unwrap_or((ComputeClass::S, 1));
		let serving = self.serving(class);
		let mut nodes: Vec<AccountId> = if serving.is_empty() {
			vec![acc(&k.nodes[0])]
		} else {
			// Mostly the first (eligible) ones; sometimes a rotation.
			let start = if offset.is_multiple_of(4) { usize::from(offset) } else { 0 };
			(0..redundancy).map(|i| serving[(start + i) % serving.len()].clone()).collect()
		};
		if stranger {
			nodes[0] = acc(&k.validators[0]);
		}
		let Ok(nodes) = nodes.try_into() else { return Ok(()) };
		let call =
			RuntimeCall::ExecutionLog(pallet_execution_log::Call::assign { job_id: id, nodes });
		self.dispatch(&relay, call).map(drop)
	}

	fn claim(&mut self, id: u64, node: u8) -> Result<(), TestCaseError> {
		let class = Jobs::<Runtime>::get(id).map(|j| j.compute_class).unwrap_or(ComputeClass::S);
		let claimed = Jobs::<Runtime>::get(id).map(|j| j.nodes.to_vec()).unwrap_or_default();
		let mut serving: Vec<AccountId> =
			self.serving(class).into_iter().filter(|n| !claimed.contains(n)).collect();
		if serving.is_empty() || node.is_multiple_of(8) {
			serving = node_candidates().into_iter().map(|(a, _)| a).collect();
		}
		let who = serving[usize::from(node) % serving.len()].clone();
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::claim { job_id: id });
		self.dispatch(&who, call).map(drop)
	}

	fn release(&mut self, id: u64, node: u8, reason: u8) -> Result<(), TestCaseError> {
		let nodes = Jobs::<Runtime>::get(id).map(|j| j.nodes.to_vec()).unwrap_or_default();
		let who = if nodes.is_empty() || node.is_multiple_of(8) {
			let all: Vec<AccountId> = node_candidates().into_iter().map(|(a, _)| a).collect();
			all[usize::from(node) % all.len()].clone()
		} else {
			nodes[usize::from(node) % nodes.len()].clone()
		};
		let reason = [
			ReleaseReason::Declined,
			ReleaseReason::InputUnavailable,
			ReleaseReason::DigestMismatch,
			ReleaseReason::Unrunnable,
		][usize::from(reason) % 4];
		let call =
			RuntimeCall::ExecutionLog(pallet_execution_log::Call::release { job_id: id, reason });
		self.dispatch(&who, call).map(drop)
	}

	/// `prune` of job `id` by its payer (or, for odd `who`, by a node candidate).
	fn prune(&mut self, id: u64, who: u8) -> Result<(), TestCaseError> {
		let payer = Jobs::<Runtime>::get(id).map(|j| j.payer);
		let who = match payer {
			Some(p) if who.is_multiple_of(2) => p,
			_ => {
				let all: Vec<AccountId> = node_candidates().into_iter().map(|(a, _)| a).collect();
				all[usize::from(who) % all.len()].clone()
			}
		};
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::prune { job_id: id });
		self.dispatch(&who, call).map(drop)
	}

	fn receipt(
		&mut self,
		id: u64,
		slot: u8,
		sig: SigKind,
		good: bool,
	) -> Result<(), TestCaseError> {
		let k = keys();
		let job = Jobs::<Runtime>::get(id);
		let workflow = job.as_ref().map(|j| j.workflow_id).unwrap_or(0);
		// A node of the job whose receipt is not in yet (else any of its nodes).
		let nodes: Vec<AccountId> = job.as_ref().map(|j| j.nodes.to_vec()).unwrap_or_default();
		let pending: Vec<AccountId> = nodes
			.iter()
			.filter(|n| !job.as_ref().unwrap().receipts.iter().any(|(r, _)| r == *n))
			.cloned()
			.collect();
		let node = match (pending.is_empty(), nodes.is_empty()) {
			(false, _) => pending[usize::from(slot) % pending.len()].clone(),
			(true, false) => nodes[usize::from(slot) % nodes.len()].clone(),
			(true, true) => acc(&k.nodes[0]),
		};
		let Some(idx) = node_candidates().into_iter().find(|(a, _)| *a == node).map(|(_, i)| i)
		else {
			return Ok(());
		};
		let hash = if good { good_hash(id) } else { bad_hash(id) };
		let r = receipt(id, workflow, hash);
		let genesis = ExecutionLog::genesis_hash();
		let signature = match sig {
			SigKind::Valid => sign(&k.receipt[idx], &r.signing_payload(genesis)),
			SigKind::WrongKey => {
				sign(&k.receipt[(idx + 1) % k.receipt.len()], &r.signing_payload(genesis))
			}
			SigKind::OtherJob => {
				sign(&k.receipt[idx], &receipt(id + 1, workflow, hash).signing_payload(genesis))
			}
		};
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_receipt {
			job_id: id,
			receipt: r,
			signature,
		});
		self.dispatch(&node, call).map(drop)
	}

	/// The deciding committee of `id`, members without a verdict first.
	fn committee(&self, id: u64) -> (Vec<AccountId>, usize) {
		let committee = ExecutionLog::committee_of(id).unwrap_or_default();
		let voted: Vec<AccountId> = Jobs::<Runtime>::get(id)
			.map(|j| match (j.phase, j.challenge) {
				(JobPhase::Challenged, Some(c)) => {
					c.verdicts.iter().map(|(m, _)| m.clone()).collect()
				}
				_ => j.verdicts.iter().map(|(m, _)| m.clone()).collect(),
			})
			.unwrap_or_default();
		let (mut pending, done): (Vec<_>, Vec<_>) =
			committee.into_iter().partition(|m| !voted.contains(m));
		let n = pending.len();
		pending.extend(done);
		(pending, n)
	}

	fn attest(
		&mut self,
		id: u64,
		member: u8,
		flip: bool,
		digest: DigestKind,
	) -> Result<(), TestCaseError> {
		let (committee, pending) = self.committee(id);
		let who = match (pending, committee.len()) {
			(0, 0) => acc(&keys().validators[usize::from(member) % VALIDATORS]),
			// Mostly a member that has not voted yet.
			(0, n) => committee[usize::from(member) % n].clone(),
			(_, n) if member.is_multiple_of(16) => committee[usize::from(member) % n].clone(),
			(p, _) => committee[usize::from(member) % p].clone(),
		};
		let attestation = self.attestation(id, flip, digest);
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::attest { attestation });
		self.dispatch(&who, call).map(drop)
	}

	fn batch(
		&mut self,
		id: u64,
		first: u8,
		count: u8,
		flip: bool,
		forge: bool,
		lead_ok: bool,
	) -> Result<(), TestCaseError> {
		let k = keys();
		let (committee, pending) = self.committee(id);
		let genesis = ExecutionLog::genesis_hash();
		let mut batch: Vec<(AccountId, Attestation, Signature)> = Vec::new();
		// Mostly members without a verdict (all of them from the first); sometimes any.
		let span = if pending > 0 && !first.is_multiple_of(8) { pending } else { committee.len() };
		let start = if span == pending { 0 } else { usize::from(first) };
		for i in 0..usize::from(count).min(span) {
			let member = committee[(start + i) % span].clone();
			let attestation = self.attestation(id, flip && i == 0, DigestKind::Correct);
			let signed = if forge && i == 0 {
				Attestation { job_id: id + 1, ..attestation.clone() }
			} else {
				attestation.clone()
			};
			let Some(p) = signer_of(&member) else { continue };
			let signature = sign(p, &signed.signing_payload(genesis)).into();
			batch.push((member, attestation, signature));
		}
		let aggregator = match (ExecutionLog::current_lead(), lead_ok) {
			(Some(l), true) => l,
			_ => acc(&k.validators[usize::from(first) % VALIDATORS]),
		};
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_attestations {
			batch: batch.try_into().unwrap(),
		});
		self.dispatch(&aggregator, call).map(drop)
	}

	fn challenge(&mut self, id: u64, who: u8) -> Result<(), TestCaseError> {
		let nodes = Jobs::<Runtime>::get(id).map(|j| j.nodes.to_vec()).unwrap_or_default();
		let everyone = stakers();
		let mut bonded: Vec<AccountId> = everyone
			.iter()
			.filter(|a| {
				Bonds::<Runtime>::get(a).is_some_and(|b| b.active > 0) && !nodes.contains(a)
			})
			.cloned()
			.collect();
		if bonded.is_empty() || who.is_multiple_of(8) {
			bonded = everyone;
		}
		let challenger = bonded[usize::from(who) % bonded.len()].clone();
		let call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::challenge { job_id: id });
		self.dispatch(&challenger, call).map(drop)
	}

	fn apply(&mut self, action: &Action) -> Result<(), TestCaseError> {
		let k = keys();
		let fallback = |sel: JobSel| sel.n as u8;
		match action.clone() {
			Action::Publish { creator, class, fee, deps, split } => {
				let creator = customer(creator);
				let existing = pallet_workflow_registry::NextWorkflowId::<Runtime>::get();
				let mut ids: Vec<u64> = Vec::new();
				if existing > 0 {
					for d in deps {
						let id = u64::from(d) % existing;
						if !ids.contains(&id) {
							ids.push(id);
						}
					}
				}
				let dependencies: Vec<(u64, Permill)> = match ids.as_slice() {
					[] => vec![],
					[a] => vec![(*a, Permill::one())],
					[a, b, ..] => {
						vec![(*a, Permill::from_parts(333_333)), (*b, Permill::from_parts(666_667))]
					}
				};
				let base_fee = match fee % 8 {
					0 => 0,
					1 => 7,
					2 => 1_000_003,
					3 => 123_456_789_012_345,
					_ => u128::from(fee) * HAI / 10,
				};
				let royalty = split.map(|(c, bad)| RoyaltySplit {
					creator: Permill::from_parts(c[0]),
					upstream: Permill::from_parts(c[1] - c[0]),
					node: Permill::from_parts(c[2] - c[1]),
					validators: Permill::from_parts(c[3] - c[2]),
					treasury: Permill::from_parts(1_000_000 - c[3] + u32::from(bad)),
				});
				self.published += 1;
				let hash = H256(sp_io::hashing::blake2_256(&(self.salt, self.published).encode()));
				self.commit(&creator, hash)?;
				let call = RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::publish {
					kind: WorkflowKind::Workflow,
					manifest_hash: hash,
					manifest_uri:
						b"ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
							.to_vec()
							.try_into()
							.unwrap(),
					compute_class: class_of(class),
					base_fee,
					royalty,
					dependencies: dependencies.try_into().unwrap(),
					parent: None,
				});
				self.dispatch(&creator, call)?;
			}
			Action::Transfer { workflow, to, owner, accept } => {
				let existing = pallet_workflow_registry::NextWorkflowId::<Runtime>::get();
				let id = if existing == 0 { 0 } else { u64::from(workflow) % existing };
				let current =
					pallet_workflow_registry::Workflows::<Runtime>::get(id).map(|w| w.owner);
				let to = customer(to);
				let stranger = customer(to_stranger(&to));
				let from = match (current, owner) {
					(Some(o), true) => o,
					_ => stranger.clone(),
				};
				let offer = RuntimeCall::WorkflowRegistry(
					pallet_workflow_registry::Call::transfer_ownership {
						id,
						new_owner: to.clone(),
					},
				);
				self.dispatch(&from, offer)?;
				let registry = |c| RuntimeCall::WorkflowRegistry(c);
				match accept % 4 {
					0 | 1 => {
						let call =
							registry(pallet_workflow_registry::Call::accept_ownership { id });
						if self.dispatch(&to, call)? {
							*self.counts.entry("ownership transfers accepted").or_default() += 1;
						}
					}
					2 => {
						self.dispatch(
							&stranger,
							registry(pallet_workflow_registry::Call::accept_ownership { id }),
						)?;
					}
					_ => {
						self.dispatch(
							&from,
							registry(pallet_workflow_registry::Call::cancel_ownership_offer { id }),
						)?;
					}
				}
			}
			Action::Bond { who, role, extra } => {
				let i = usize::from(who) % POOL;
				let who = acc(&k.pool[i]);
				let (role, floor) = match role {
					BondRole::Node(c) => {
						let floors = [2_000 * HAI, 5_000 * HAI, 9_000 * HAI, 18_000 * HAI];
						(Role::ExecutionNode(class_of(c)), floors[usize::from(c % 4)])
					}
					BondRole::Validator => (Role::Validator, 10_000 * HAI),
					BondRole::Relay => (Role::Relay, 1_000 * HAI),
				};
				let amount = match extra {
					// Below the floor, and everything the account has.
					0..=9 => floor - 1,
					10..=19 => Balances::balance(&who),
					_ => floor + u128::from(extra) * HAI,
				};
				let bonded = self.dispatch(
					&who,
					RuntimeCall::StakeGuard(pallet_stake_guard::Call::bond { role, amount }),
				)?;
				if let (true, Role::ExecutionNode(class)) = (bonded || extra % 2 == 0, role) {
					let capabilities = pallet_stake_guard::types::Capabilities {
						compute_class: class,
						gpu_model: b"H100".to_vec().try_into().unwrap(),
						vram_gib: 80,
						models: BoundedVec::new(),
					};
					self.dispatch(
						&who,
						RuntimeCall::StakeGuard(pallet_stake_guard::Call::register_node {
							receipt_key: k.receipt[4 + i].public(),
							proof: key_proof(&k.receipt[4 + i], &who),
							capabilities,
						}),
					)?;
				}
			}
			Action::Submit { payer, workflow, class, redundancy, deadline, fee_ok } => {
				self.submit(payer, workflow, class, redundancy, deadline, fee_ok)?
			}
			Action::Step { job, choice } => self.step(job, choice)?,
			Action::Assign { job, offset, relay_ok, stranger } => {
				match self.pick_job(job, &[JobPhase::Submitted]) {
					Some(id) => self.assign(id, offset, relay_ok, stranger)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Claim { job, node } => match self.pick_job(job, &[JobPhase::Submitted]) {
				Some(id) => self.claim(id, node)?,
				None => self.step(job, fallback(job))?,
			},
			Action::Release { job, node, reason } => {
				match self.pick_job(job, &[JobPhase::Submitted, JobPhase::Assigned]) {
					Some(id) => self.release(id, node, reason)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Prune { job, who } => {
				let ended = [JobPhase::Finalized, JobPhase::Rejected, JobPhase::Expired];
				match self.pick_job(job, &ended) {
					Some(id) => self.prune(id, who)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Receipt { job, slot, sig, good } => {
				match self.pick_job(job, &[JobPhase::Assigned]) {
					Some(id) => self.receipt(id, slot, sig, good)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Attest { job, member, flip, digest } => {
				match self.pick_job(job, &[JobPhase::Attesting, JobPhase::Challenged]) {
					Some(id) => self.attest(id, member, flip, digest)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Batch { job, first, count, flip, forge, lead_ok } => {
				match self.pick_job(job, &[JobPhase::Attesting, JobPhase::Challenged]) {
					Some(id) => self.batch(id, first, count, flip, forge, lead_ok)?,
					None => self.step(job, fallback(job))?,
				}
			}
			Action::Challenge { job, who } => match self.pick_job(job, &[JobPhase::Finalized]) {
				Some(id) => self.challenge(id, who)?,
				None => self.step(job, fallback(job))?,
			},
			Action::Advance { blocks } => {
				for _ in 0..blocks {
					self.next_block();
					// Expiry events are read (and cleared) block by block.
					self.scan_events()?;
				}
			}
			Action::Heartbeat { node } => {
				let mut nodes: Vec<AccountId> = node_candidates()
					.into_iter()
					.map(|(a, _)| a)
					.filter(|a| pallet_stake_guard::NodeInfo::<Runtime>::contains_key(a))
					.collect();
				if nodes.is_empty() || node % 8 == 0 {
					nodes = node_candidates().into_iter().map(|(a, _)| a).collect();
				}
				let who = nodes[usize::from(node) % nodes.len()].clone();
				self.dispatch(
					&who,
					RuntimeCall::StakeGuard(pallet_stake_guard::Call::heartbeat { metrics: None }),
				)?;
			}
			Action::Unbond { who, all } => {
				// Mostly an account with active stake.
				let mut everyone: Vec<AccountId> = stakers()
					.into_iter()
					.filter(|a| Bonds::<Runtime>::get(a).is_some_and(|b| b.active > 0))
					.collect();
				if everyone.is_empty() || who % 8 == 0 {
					everyone = stakers();
				}
				let who = everyone[usize::from(who) % everyone.len()].clone();
				let active = Bonds::<Runtime>::get(&who).map(|b| b.active).unwrap_or(HAI);
				let amount = if all { active } else { active / 3 };
				self.dispatch(
					&who,
					RuntimeCall::StakeGuard(pallet_stake_guard::Call::unbond { amount }),
				)?;
			}
			Action::Withdraw { who, wait } => {
				// Mostly an account with unbonding stake.
				let mut candidates: Vec<AccountId> = stakers()
					.into_iter()
					.filter(|a| Bonds::<Runtime>::get(a).is_some_and(|b| !b.unbonding.is_empty()))
					.collect();
				if candidates.is_empty() || who % 8 == 0 {
					candidates = stakers();
				}
				let who = candidates[usize::from(who) % candidates.len()].clone();
				let unlock = Bonds::<Runtime>::get(&who)
					.and_then(|b| b.unbonding.first().map(|c| c.unlock_at));
				if let (true, Some(unlock)) = (wait, unlock) {
					while System::block_number() < unlock {
						self.next_block();
						self.scan_events()?;
					}
				}
				if self.dispatch(
					&who,
					RuntimeCall::StakeGuard(pallet_stake_guard::Call::withdraw_unbonded {}),
				)? {
					self.seen.insert("withdrawn");
				}
			}
		}
		self.scan_events()
	}

	/// Count settlements and payouts per job from this block's events, then clear them.
	fn scan_events(&mut self) -> Result<(), TestCaseError> {
		for record in System::events() {
			match record.event {
				RuntimeEvent::PayoutRouter(pallet_payout_router::Event::JobSettled {
					job_id,
					..
				}) => {
					*self.settled_events.entry(job_id).or_default() += 1;
				}
				RuntimeEvent::PayoutRouter(pallet_payout_router::Event::FeePaid {
					job_id,
					amount,
					payee,
					..
				}) => {
					*self.fee_paid.entry(job_id).or_default() += amount;
					if Jobs::<Runtime>::get(job_id).is_some_and(|j| j.payer == payee) {
						*self.counts.entry("payments to the payer itself").or_default() += 1;
					}
				}
				RuntimeEvent::ExecutionLog(e) => {
					use pallet_execution_log::Event as E;
					match e {
						E::JobFinalized { .. } => {
							self.finalized += 1;
							self.seen.insert("finalized");
						}
						E::JobRejected { .. } => {
							self.rejected += 1;
							self.seen.insert("rejected");
						}
						E::JobExpired { .. } => {
							self.expired += 1;
							self.seen.insert("expired");
						}
						E::JobChallenged { .. } => {
							self.seen.insert("challenged");
						}
						E::JobPruned { .. } => {
							self.pruned += 1;
							self.seen.insert("pruned");
						}
						E::ChallengeUpheld { .. } => {
							self.seen.insert("upheld");
						}
						E::ChallengeRejected { .. } => {
							self.seen.insert("challenge_rejected");
						}
						E::JobAttesting { sampled: true, .. } => {
							*self.counts.entry("sampled jobs").or_default() += 1;
						}
						_ => {}
					}
				}
				RuntimeEvent::StakeGuard(pallet_stake_guard::Event::Slashed { .. }) => {
					*self.counts.entry("slashes").or_default() += 1;
				}
				RuntimeEvent::PayoutRouter(pallet_payout_router::Event::PaymentRedirected {
					..
				}) => {
					*self.counts.entry("redirected payments").or_default() += 1;
				}
				_ => {}
			}
		}
		System::reset_events();
		Ok(())
	}

	fn check(&self) -> Result<(), TestCaseError> {
		// 1. Issuance is constant and fully accounted for by the tracked accounts.
		let issuance = Balances::total_issuance();
		prop_assert_eq!(issuance, self.issuance, "total issuance changed");
		let mut sum: u128 = 0;
		for (who, info) in frame_system::Account::<Runtime>::iter() {
			let holds: u128 =
				pallet_balances::Holds::<Runtime>::get(&who).iter().map(|h| h.amount).sum();
			prop_assert_eq!(info.data.reserved, holds, "reserved differs from holds of {:?}", who);
			prop_assert!(
				self.tracked.contains(&who) || info.data.free + holds == 0,
				"untracked account {:?} holds funds",
				who
			);
		}
		for who in &self.tracked {
			let free = pallet_balances::Pallet::<Runtime>::free_balance(who);
			let holds: u128 =
				pallet_balances::Holds::<Runtime>::get(who).iter().map(|h| h.amount).sum();
			sum += free + holds;
		}
		prop_assert_eq!(sum, issuance, "free + holds of the tracked accounts != total issuance");

		// 2. No job pays twice.
		let mut jobs = 0u64;
		let (mut payers, mut challengers) = (BTreeSet::new(), BTreeSet::new());
		for (id, job) in Jobs::<Runtime>::iter() {
			jobs += 1;
			payers.insert(job.payer.clone());
			if let Some(c) = &job.challenge {
				challengers.insert(c.challenger.clone());
			}
			let events = self.settled_events.get(&id).copied().unwrap_or(0);
			prop_assert!(events <= 1, "job {} settled {} times", id, events);
			let record = Settled::<Runtime>::get(id);
			prop_assert_eq!(events == 1, record.is_some(), "settlement events/records of {}", id);
			let was_finalized = job.finalized_at.is_some();
			let should_be_paid = match job.phase {
				JobPhase::Finalized | JobPhase::Challenged => true,
				JobPhase::Rejected => was_finalized,
				_ => false,
			};
			prop_assert_eq!(record.is_some(), should_be_paid, "job {} in {:?}", id, job.phase);
			if let Some(r) = record {
				prop_assert_eq!(r.fee, job.fee);
			}
			let paid = self.fee_paid.get(&id).copied().unwrap_or(0);
			prop_assert_eq!(paid, if should_be_paid { job.fee } else { 0 }, "payouts of {}", id);
		}
		// Every job submitted is stored, or was pruned (its record gone, its payment kept).
		prop_assert_eq!(jobs + self.pruned, NextJobId::<Runtime>::get());
		prop_assert_eq!(Settled::<Runtime>::iter().count(), self.settled_events.len());

		// 3. Every escrow, challenge bond and stake hold belongs to an account the owning
		// pallet's ledger names (a payer, a challenger, a bond), so that the pallets' own laws
		// below check its amount: no escrow outlives its job (ExecutionLog 2 and 4), every bond is
		// held (StakeGuard 1), and every settlement's shares sum to its fee (PayoutRouter 1).
		for who in &self.tracked {
			for hold in pallet_balances::Holds::<Runtime>::get(who) {
				let known = match hold.id {
					RuntimeHoldReason::ExecutionLog(ElHold::JobEscrow) => payers.contains(who),
					// No deposit outlives its job: it is released when the job is pruned.
					RuntimeHoldReason::ExecutionLog(ElHold::JobDeposit) => payers.contains(who),
					RuntimeHoldReason::ExecutionLog(ElHold::ChallengeBond) => {
						challengers.contains(who)
					}
					RuntimeHoldReason::StakeGuard(SgHold::Bond) => {
						Bonds::<Runtime>::contains_key(who)
					}
					_ => true,
				};
				prop_assert!(known, "{:?} holds {:?} that no ledger names", who, hold.id);
			}
		}
		<AllPalletsWithSystem as TryState<u32>>::try_state(
			System::block_number(),
			TryStateSelect::All,
		)
		.map_err(|e| TestCaseError::fail(format!("try_state: {e:?}")))?;
		Ok(())
	}
}

fn call_name(call: &RuntimeCall) -> &'static str {
	use frame_support::traits::GetCallName;
	match call {
		RuntimeCall::ExecutionLog(c) => c.get_call_name(),
		RuntimeCall::StakeGuard(c) => c.get_call_name(),
		RuntimeCall::WorkflowRegistry(c) => c.get_call_name(),
		_ => "other",
	}
}

/// Blocks 1 to 4: register the nodes, shorten the unbonding period, commit to and publish a
/// workflow.
fn setup(sim: &mut Sim) -> Result<(), TestCaseError> {
	let k = keys();
	sim.next_block();
	let period = RuntimeParameters::Stake(stake::Parameters::UnbondingPeriod(
		stake::UnbondingPeriod,
		Some(UNBONDING),
	));
	RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value: period })
		.dispatch(RuntimeOrigin::root())
		.unwrap();
	for (i, node) in k.nodes.iter().enumerate() {
		let capabilities = pallet_stake_guard::types::Capabilities {
			compute_class: class_of(i as u8),
			gpu_model: b"H100".to_vec().try_into().unwrap(),
			vram_gib: 80,
			models: BoundedVec::new(),
		};
		let call = RuntimeCall::StakeGuard(pallet_stake_guard::Call::register_node {
			receipt_key: k.receipt[i].public(),
			proof: key_proof(&k.receipt[i], &acc(node)),
			capabilities,
		});
		prop_assert!(sim.dispatch(&acc(node), call)?);
	}
	sim.commit(&user(3), H256::repeat_byte(1))?;
	let call = RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::publish {
		kind: WorkflowKind::Workflow,
		manifest_hash: H256::repeat_byte(1),
		manifest_uri: b"ipfs://root".to_vec().try_into().unwrap(),
		compute_class: ComputeClass::S,
		base_fee: 10 * HAI,
		royalty: None,
		dependencies: BoundedVec::new(),
		parent: None,
	});
	// The atomicity check compares storage roots: make sure a write does move the root.
	let before = storage_root();
	prop_assert!(sim.dispatch(&user(3), call)?);
	prop_assert_ne!(before, storage_root());
	sim.next_block();
	sim.scan_events()
}

fn run_case(c: &Case, tally: &RefCell<Tally>) -> Result<(), TestCaseError> {
	let mut ext = sp_io::TestExternalities::new(genesis_cached(c.validators));
	ext.execute_with(|| {
		let mut sim = Sim {
			salt: c.salt,
			issuance: Balances::total_issuance(),
			tracked: tracked(),
			settled_events: BTreeMap::new(),
			fee_paid: BTreeMap::new(),
			published: 0,
			ok: 0,
			failed: 0,
			errors: BTreeMap::new(),
			counts: BTreeMap::new(),
			seen: BTreeSet::new(),
			finalized: 0,
			rejected: 0,
			expired: 0,
			pruned: 0,
		};
		sim.check()?;
		setup(&mut sim)?;
		sim.check()?;
		for action in &c.actions {
			sim.apply(action)?;
			sim.check()?;
		}
		let mut t = tally.borrow_mut();
		t.cases += 1;
		t.actions += c.actions.len() as u64;
		t.ok_calls += sim.ok;
		t.failed_calls += sim.failed;
		for (e, n) in sim.errors {
			*t.errors.entry(e).or_default() += n;
		}
		t.jobs_finalized += sim.finalized;
		t.jobs_rejected += sim.rejected;
		t.jobs_expired += sim.expired;
		t.jobs_pruned += sim.pruned;
		for (c, n) in sim.counts {
			*t.counts.entry(c).or_default() += n;
		}
		let seen = |s: &str| u32::from(sim.seen.contains(s));
		t.finalized += seen("finalized");
		t.rejected += seen("rejected");
		t.expired += seen("expired");
		t.challenged += seen("challenged");
		t.upheld += seen("upheld");
		t.challenge_rejected += seen("challenge_rejected");
		t.withdrawn += seen("withdrawn");
		Ok(())
	})
}

/// Shards of the case count, one test each, so that the test harness runs them on parallel
/// threads (each runner draws its own random seed): together they run every case.
const SHARDS: u32 = 2;

#[test]
fn money_is_conserved_escrow_released_and_jobs_paid_once() {
	run_shard(0);
}

#[test]
fn money_is_conserved_escrow_released_and_jobs_paid_once_second_shard() {
	run_shard(1);
}

/// Runs shard `shard` of [`SHARDS`]: its share of `PROPTEST_CASES` (default [`DEFAULT_CASES`]).
fn run_shard(shard: u32) {
	let total =
		std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES);
	let cases = total / SHARDS + u32::from(shard < total % SHARDS);
	let config =
		PtConfig { cases, failure_persistence: None, max_shrink_iters: 512, ..PtConfig::default() };
	let tally = RefCell::new(Tally::default());
	let started = Instant::now();
	let mut runner = TestRunner::new(config);
	let result = runner.run(&case(), |c| run_case(&c, &tally));
	let t = tally.borrow();
	println!(
		"money_proptest shard {}/{}: {} cases run ({} of {} configured), {} actions, {} calls ok, \
		 {} failed (atomically), {:.1}s",
		shard + 1,
		SHARDS,
		t.cases,
		cases,
		total,
		t.actions,
		t.ok_calls,
		t.failed_calls,
		started.elapsed().as_secs_f64()
	);
	println!(
		"  sequences reaching: Finalized {}, Rejected {}, Expired {}, Challenged {}, \
		 ChallengeUpheld {}, ChallengeRejected {}, withdraw_unbonded {}",
		t.finalized,
		t.rejected,
		t.expired,
		t.challenged,
		t.upheld,
		t.challenge_rejected,
		t.withdrawn
	);
	println!(
		"  jobs: {} finalized, {} rejected, {} expired, {} pruned",
		t.jobs_finalized, t.jobs_rejected, t.jobs_expired, t.jobs_pruned
	);
	for (c, n) in &t.counts {
		println!("  {c}: {n}");
	}
	// MONEY_PROPTEST_ERRORS=1 lists the failed calls by error (to tune the strategy).
	if std::env::var("MONEY_PROPTEST_ERRORS").is_ok() {
		for (e, n) in &t.errors {
			println!("  failed {n:>5} x {e}");
		}
	}
	if let Err(e) = result {
		panic!("{e}");
	}
}
