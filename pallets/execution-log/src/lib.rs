//! # ExecutionLog pallet
//!
//! The heart of Havn: job escrow, routing, signed receipts, attestation committees and quorum,
//! sampled re-execution, expiry and challenges.
//!
//! ## Overview
//!
//! A payer submits a job for a registered workflow. The fee (`base_fee × class multiplier ×
//! redundancy`, in HAI planck) is held on the payer under [`HoldReason::JobEscrow`]. A bonded
//! relay assigns the job to `redundancy` eligible execution nodes; if no relay does so within
//! [`Config::RelayTimeout`] blocks, eligible nodes may `claim` it themselves. Every node runs the
//! job and submits a [`Receipt`] signed with the sr25519 receipt key it registered in StakeGuard,
//! over [`Receipt::signing_payload`] with this chain's genesis hash. When every receipt is in, an
//! attestation committee is drawn from the active validators and the job may be sampled for
//! re-execution. Committee members attest (directly or through the lead aggregator's batch);
//! [`Config::QuorumSize`] matching verdicts decide: a valid quorum pays the fee out through
//! [`Config::Payout`], an invalid quorum refunds the payer and slashes the nodes. A job still open
//! at its deadline expires and is refunded. For [`Config::ChallengeWindow`] blocks after
//! finalization any bonded account may challenge the result, bonding
//! [`Config::ChallengeBond`]; a fresh adjudication committee decides.
//!
//! ## Terminology
//!
//! - **Job**: one paid run of a workflow, identified by a sequential [`JobId`].
//! - **Redundancy**: how many nodes run the same job (1 to [`Config::MaxRedundancy`]).
//! - **Reference hash**: the `runtime_hash` that most receipts agree on (earliest receipt wins a
//!   tie). Receipts must agree: when they do not, the job is always sampled, validators must
//!   re-execute, and on a valid quorum only the nodes whose receipt matches the reference hash are
//!   paid; the others are slashed [`Config::FraudSlash`] as if their job had been rejected.
//! - **Committee**: up to [`Config::CommitteeSize`] active validators, never one of the job's
//!   nodes (a node never attests its own job). Drawn as a window of consecutive validators (in
//!   ascending account order, wrapping) starting at `blake2_256(parent_hash ++ job_id ++
//!   b"committee")` as a little-endian `u32`, modulo the number of candidates.
//! - **Quorum**: `QuorumSize` matching verdicts decide a job, whatever the committee size. A
//!   committee smaller than `QuorumSize` (too few active validators) can never decide: the job
//!   waits for its deadline and is refunded, so a thin validator set cannot finalize jobs on its
//!   own. Devnets lower `QuorumSize` through `pallet-parameters` instead.
//! - **Sampling** (documented, unpredictable): a job is sampled for re-execution when
//!   `blake2_256(parent_hash ++ job_id ++ last receipt signature ++ b"sample")`, read as a
//!   little-endian `u32`, falls below `effective_rate × 2^32`, where `effective_rate =
//!   ReexecutionRate × (2 − s)` clamped to 100% and `s` is the lowest reputation score among the
//!   job's nodes: lower reputation is sampled more, up to twice the base rate. The rule is public,
//!   but a node cannot predict the outcome: it signs its receipt before the block that includes it
//!   exists, so it cannot know that block's parent hash. On a sampled job a `Valid` verdict must
//!   carry the reference hash as its re-execution digest.
//! - **Lead aggregator**: `active_validators()[(now / EpochLength) mod n]`; it may submit other
//!   validators' signed attestations in one batch.
//! - **Challenge**: any account holding a StakeGuard role, except the job's own nodes, may
//!   challenge a finalized job within the window. The adjudication committee excludes the job's
//!   nodes, its original committee and the challenger, and must have at least `QuorumSize`
//!   members; adjudicators always re-execute. An upheld challenge slashes the nodes
//!   ([`Config::FraudSlash`]) and the original validators who said `Valid`
//!   ([`Config::CollusionSlash`]), returns the bond and marks the job `Rejected`; the payment
//!   already made is **not** clawed back. A rejected challenge sends the bond to
//!   [`Config::TreasuryAccount`] and the job returns to `Finalized`. An adjudication that never
//!   reaches quorum keeps the bond held.
//! - **Pause**: while [`Config::Paused`] says so, no job can be submitted and no job expires;
//!   expiry resumes where it left off (at most two deadline slots per block, so it catches up).
//!
//! ## Calls
//!
//! | index | call | who |
//! |---|---|---|
//! | 0 | [`Pallet::submit_job`] | any payer |
//! | 1 | [`Pallet::assign`] | a bonded relay |
//! | 2 | [`Pallet::claim`] | an eligible node, after the relay timeout |
//! | 3 | [`Pallet::submit_receipt`] | an assigned node |
//! | 4 | [`Pallet::attest`] | a committee member |
//! | 5 | [`Pallet::submit_attestations`] | the lead aggregator |
//! | 6 | [`Pallet::challenge`] | a bonded account |
//!
//! ## Example
//!
//! ```ignore
//! // Payer: run workflow 7 on one M-class node, pay at most 10 HAI, within 100 blocks.
//! ExecutionLog::submit_job(payer, 7, input_digest, uri, ComputeClass::M, 10 * HAI, 1, 100)?;
//! // Relay: route job 0 to `node`.
//! ExecutionLog::assign(relay, 0, vec![node].try_into()?)?;
//! // Node: sign and submit the receipt.
//! let sig = receipt_pair.sign(&receipt.signing_payload(genesis_hash));
//! ExecutionLog::submit_receipt(node, 0, receipt, sig)?;
//! // Committee members attest; the quorum-reaching verdict finalizes and pays the job.
//! ExecutionLog::attest(validator, Attestation { job_id: 0, verdict: Verdict::Valid, reexecution_digest: None })?;
//! ```
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::{Challenge, Job, MaxTimeline};
pub use weights::WeightInfo;

#[cfg(any(feature = "try-runtime", test))]
use alloc::collections::btree_map::BTreeMap;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, MutateHold as _},
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::*;
use havn_primitives::{
	api::{FeeQuote, JobPhase, JobView, QuoteError},
	traits::{
		DistributeFee, IsPaused, Outcome, ReputationHooks, ReputationInspect, Settlement,
		StakeInspect, StakeSlash, WorkflowInspect, WorkflowTerms,
	},
	Attestation, ComputeClass, Digest, JobId, Receipt, ReputationLevel, SlashReason, Verdict,
	WorkflowId,
};
use sp_core::{sr25519, H256};
use sp_runtime::{
	traits::{Convert, IdentifyAccount, Saturating, UniqueSaturatedInto, Verify, Zero},
	FixedPointNumber, FixedU128, Perbill, Permill,
};

/// Balance of [`Config::Currency`], in HAI planck.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The job record as stored.
pub type JobOf<T> = Job<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxRedundancy,
	<T as Config>::MaxCommittee,
	<T as Config>::MaxInputUriLen,
>;

/// A job's view for the runtime API.
pub type JobViewOf<T> =
	JobView<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// One item of a lead aggregator's batch: the validator, its attestation and its signature over
/// [`Attestation::signing_payload`].
pub type BatchItemOf<T> =
	(<T as frame_system::Config>::AccountId, Attestation, <T as Config>::AttestationSignature);

/// How many deadline slots `on_initialize` processes at most per block (its own and, after a
/// pause, one older slot), so expiry work stays bounded and still catches up.
pub const MAX_EXPIRY_SLOTS_PER_BLOCK: u32 = 2;

/// What one attestation did, with the sizes that price it (see
/// [`WeightInfo::attest`] and [`WeightInfo::finalize`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Attested {
	/// The job's redundancy (nodes).
	pub redundancy: u32,
	/// Members of the deciding committee.
	pub committee: u32,
	/// Verdicts the deciding committee has given, this one included.
	pub verdicts: u32,
	/// Whether this attestation reached a quorum and decided the job.
	pub decided: bool,
}

/// Which committee is deciding a job.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
	/// The original attestation committee (phase `Attesting`).
	Attestation,
	/// The adjudication committee of a challenge (phase `Challenged`).
	Adjudication,
}

/// What the runtime provides so that the benchmarks can set up bonded nodes, validators, relays
/// and a registered workflow (implemented by the runtime against the real pallets, and by the
/// mock against its test doubles).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Register an invocable workflow of compute class `S` whose payees are known; return its id.
	fn setup_workflow() -> WorkflowId;
	/// Bond a fresh execution node (number `index`) for `class`, eligible, with a reputation level
	/// above `Untrusted` and an sr25519 receipt key (e.g. from
	/// `sp_io::crypto::sr25519_generate(KeyTypeId(*b"havn"), None)`); return its account.
	fn setup_node(class: ComputeClass, index: u32) -> AccountId;
	/// Sign `payload` with `node`'s registered receipt key (e.g. `sp_io::crypto::sr25519_sign`).
	fn sign_receipt(node: &AccountId, payload: &[u8]) -> sr25519::Signature;
	/// Make at least `n` active validators whose account keys can sign; return
	/// `active_validators()`.
	fn setup_validators(n: u32) -> Vec<AccountId>;
	/// Sign `payload` with `validator`'s account key.
	fn sign_attestation(validator: &AccountId, payload: &[u8]) -> Signature;
	/// Bond a relay; return its account.
	fn setup_relay() -> AccountId;
	/// Bond an account for any role that is neither a node nor a validator (a challenger).
	fn setup_challenger() -> AccountId;
}

// FRAME's pallet macros expand to `expect` calls (e.g. `PalletInfo::name().expect(..)`); the
// pallet's own logic lives outside this module, under the workspace lints.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the ExecutionLog.
	#[pallet::config]
	pub trait Config: frame_system::Config<Hash = H256> {
		/// The currency: fees are escrowed and challenge bonds held with fungible holds.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Registered workflows (WorkflowRegistry).
		type Workflows: WorkflowInspect<Self::AccountId, BalanceOf<Self>>;

		/// Bonded stake and slashing (StakeGuard).
		type Stake: StakeInspect<Self::AccountId> + StakeSlash<Self::AccountId, BalanceOf<Self>>;

		/// Reputation reads and outcomes (Reputation).
		type Reputation: ReputationHooks<Self::AccountId> + ReputationInspect<Self::AccountId>;

		/// Fee distribution of finalized jobs (PayoutRouter), from the payer's escrow hold.
		type Payout: DistributeFee<Self::AccountId, BalanceOf<Self>, Self::RuntimeHoldReason>;

		/// Whether the chain is in its emergency pause.
		type Paused: IsPaused;

		/// Fee multiplier of each compute class (runtime defaults: S 1×, M 2×, L 4×, XL 8×).
		type ClassMultiplier: Convert<ComputeClass, FixedU128>;

		/// Signature of a batched attestation, checked against the validator's account
		/// (`sp_runtime::MultiSignature` in the runtime).
		type AttestationSignature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>
			+ Parameter
			+ MaxEncodedLen;

		/// Receives the bond of a rejected challenge.
		type TreasuryAccount: Get<Self::AccountId>;

		/// Matching verdicts that decide a job (capped by the committee's size).
		#[pallet::constant]
		type QuorumSize: Get<u32>;

		/// Validators drawn per committee (at least `QuorumSize`; capped by `MaxCommittee` and by
		/// the number of eligible validators).
		#[pallet::constant]
		type CommitteeSize: Get<u32>;

		/// Base share of jobs sampled for re-execution (scaled by the nodes' reputation).
		#[pallet::constant]
		type ReexecutionRate: Get<Permill>;

		/// Blocks after submission before eligible nodes may `claim` an unassigned job.
		#[pallet::constant]
		type RelayTimeout: Get<BlockNumberFor<Self>>;

		/// Blocks per lead-aggregator epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// Blocks after finalization during which a job can be challenged.
		#[pallet::constant]
		type ChallengeWindow: Get<BlockNumberFor<Self>>;

		/// Bond a challenger puts up, in planck.
		#[pallet::constant]
		type ChallengeBond: Get<BalanceOf<Self>>;

		/// Share of a node's bond slashed for a rejected receipt.
		#[pallet::constant]
		type FraudSlash: Get<Perbill>;

		/// Share of a validator's bond slashed for a `Valid` verdict overturned by a challenge.
		#[pallet::constant]
		type CollusionSlash: Get<Perbill>;

		/// Most nodes per job.
		#[pallet::constant]
		type MaxRedundancy: Get<u32>;

		/// Most validators per committee.
		#[pallet::constant]
		type MaxCommittee: Get<u32>;

		/// Longest input URI, in bytes.
		#[pallet::constant]
		type MaxInputUriLen: Get<u32>;

		/// Most jobs whose deadline falls in one block.
		#[pallet::constant]
		type MaxJobsPerBlock: Get<u32>;

		/// Most attestations in one lead-aggregator batch.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// Longest deadline, in blocks from submission.
		#[pallet::constant]
		type MaxDeadline: Get<BlockNumberFor<Self>>;

		/// Weights of the calls and of the expiry hook.
		type WeightInfo: WeightInfo;

		/// Sets up the other pallets' state for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::AttestationSignature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A job's fee, held on the payer until it is paid out or refunded.
		#[codec(index = 0)]
		JobEscrow,
		/// A challenger's bond, held until the challenge is decided.
		#[codec(index = 1)]
		ChallengeBond,
	}

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T: Config> = StorageValue<_, JobId, ValueQuery>;

	/// Every job, by id.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>, OptionQuery>;

	/// The full signed receipt of every node, by job and node.
	#[pallet::storage]
	pub type Receipts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Blake2_128Concat,
		T::AccountId,
		(Receipt, sr25519::Signature),
		OptionQuery,
	>;

	/// Jobs whose deadline is a block, by that block (bounded so that expiry work per block is).
	#[pallet::storage]
	pub type ExpiryQueue<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<JobId, T::MaxJobsPerBlock>,
		ValueQuery,
	>;

	/// The next deadline slot the expiry hook will process (`None` before its first run).
	#[pallet::storage]
	pub type ExpiryCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A job was submitted and its fee escrowed. `deadline` is the block it expires in.
		JobSubmitted {
			job_id: JobId,
			workflow_id: WorkflowId,
			payer: T::AccountId,
			fee: BalanceOf<T>,
			compute_class: ComputeClass,
			deadline: BlockNumberFor<T>,
		},
		/// A job got its full set of nodes, from a relay (`by`) or by the last claim (`by` is that
		/// node).
		JobAssigned {
			job_id: JobId,
			nodes: BoundedVec<T::AccountId, T::MaxRedundancy>,
			by: T::AccountId,
		},
		/// A node claimed a job after the relay timeout.
		JobClaimed { job_id: JobId, node: T::AccountId },
		/// A node's signed receipt was accepted.
		ReceiptSubmitted {
			job_id: JobId,
			node: T::AccountId,
			runtime_hash: Digest,
			outputs_cid: havn_primitives::receipt::Cid,
		},
		/// Every receipt is in: the committee was drawn.
		JobAttesting {
			job_id: JobId,
			committee: BoundedVec<T::AccountId, T::MaxCommittee>,
			sampled: bool,
		},
		/// A committee member's verdict was recorded.
		AttestationSubmitted { job_id: JobId, validator: T::AccountId, verdict: Verdict },
		/// The lead aggregator submitted a batch of `count` attestations.
		AttestationsBatched { aggregator: T::AccountId, count: u32 },
		/// A valid quorum was reached and the fee paid out.
		JobFinalized { job_id: JobId, fee: BalanceOf<T> },
		/// An invalid quorum was reached: the fee was refunded and the nodes slashed.
		JobRejected { job_id: JobId },
		/// The job's deadline passed while it was open: the fee was refunded.
		JobExpired { job_id: JobId },
		/// A finalized job was challenged; `committee` adjudicates.
		JobChallenged {
			job_id: JobId,
			challenger: T::AccountId,
			committee: BoundedVec<T::AccountId, T::MaxCommittee>,
		},
		/// The adjudication found the job invalid: the job is `Rejected`, the bond returned.
		ChallengeUpheld { job_id: JobId, challenger: T::AccountId },
		/// The adjudication found the job valid: the bond went to the treasury.
		ChallengeRejected { job_id: JobId, challenger: T::AccountId, bond: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The chain is paused.
		ChainPaused,
		/// The compute class is smaller than the workflow needs.
		ClassTooSmall,
		/// Redundancy is zero or above `MaxRedundancy`.
		BadRedundancy,
		/// The deadline is zero or above `MaxDeadline`.
		BadDeadline,
		/// The fee overflows.
		FeeOverflow,
		/// The fee is above the payer's maximum.
		FeeAboveMax,
		/// The deadline block already has `MaxJobsPerBlock` jobs.
		DeadlineSlotFull,
		/// Job ids are exhausted.
		JobIdOverflow,
		/// No such job.
		UnknownJob,
		/// The job is not in a phase that allows this.
		BadPhase,
		/// The caller is not a bonded relay.
		NotRelay,
		/// The number of nodes is not the job's redundancy.
		WrongNodeCount,
		/// A node appears twice.
		DuplicateNode,
		/// A node is not eligible (class, stake, receipt key or reputation).
		NodeNotEligible,
		/// Nodes have already claimed part of the job.
		JobPartiallyClaimed,
		/// The relay timeout has not passed yet.
		RelayWindowOpen,
		/// The caller already claimed this job.
		AlreadyClaimed,
		/// The caller is not one of the job's nodes.
		NotAssignedNode,
		/// The receipt names another job or workflow.
		ReceiptMismatch,
		/// This node already submitted its receipt.
		ReceiptAlreadySubmitted,
		/// The receipt signature does not verify with the node's receipt key (or it has none).
		ReceiptSignatureInvalid,
		/// The caller is not on the deciding committee of the job.
		NotInCommittee,
		/// This validator already gave its verdict.
		AlreadyAttested,
		/// A `Valid` verdict on a sampled job carries no re-execution digest.
		ReexecutionDigestMissing,
		/// The re-execution digest differs from the reference runtime hash.
		ReexecutionMismatch,
		/// The caller is not the current lead aggregator.
		NotLeadAggregator,
		/// A batched attestation's signature does not verify.
		AttestationSignatureInvalid,
		/// The caller holds no StakeGuard role.
		NotBonded,
		/// The job's own nodes cannot challenge it.
		ChallengerIsJobNode,
		/// The challenge window is over.
		ChallengeWindowClosed,
		/// The job was already challenged.
		AlreadyChallenged,
		/// Too few validators outside the job to adjudicate.
		NotEnoughValidators,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Expire the open jobs whose deadline is this block (and catch up on slots left during a
		/// pause), at most [`MAX_EXPIRY_SLOTS_PER_BLOCK`] slots of `MaxJobsPerBlock` jobs.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::process_expiries(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submit a job: escrow its fee and queue it for routing.
		///
		/// ## Dispatch Origin
		/// Signed by the payer.
		///
		/// ## Details
		/// The fee is `base_fee × ClassMultiplier(compute_class) × redundancy` and is held on the
		/// payer under `HoldReason::JobEscrow`. `deadline` counts blocks from now; the job expires
		/// in block `now + deadline` if it is still open then. `input_digest` is blake2-256 of the
		/// inputs, `input_uri` where to fetch them.
		///
		/// ## Events
		/// `JobSubmitted`.
		///
		/// ## Errors
		/// `ChainPaused`; the registry's error if the workflow is not invocable; `ClassTooSmall`,
		/// `BadRedundancy`, `BadDeadline`, `FeeOverflow`, `FeeAboveMax`, `DeadlineSlotFull`,
		/// `JobIdOverflow`; a balance error if the fee cannot be held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_job())]
		pub fn submit_job(
			origin: OriginFor<T>,
			workflow_id: WorkflowId,
			input_digest: H256,
			input_uri: BoundedVec<u8, T::MaxInputUriLen>,
			compute_class: ComputeClass,
			max_fee: BalanceOf<T>,
			redundancy: u8,
			deadline: BlockNumberFor<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			let (job_id, fee, deadline_block, manifest_hash) = Self::ensure_can_submit_job(
				workflow_id,
				compute_class,
				max_fee,
				redundancy,
				deadline,
			)?;
			Self::do_submit_job(
				job_id,
				Job {
					workflow_id,
					payer: payer.clone(),
					fee,
					compute_class,
					manifest_hash,
					input_digest,
					input_uri,
					redundancy,
					deadline: deadline_block,
					submitted_at: frame_system::Pallet::<T>::block_number(),
					phase: JobPhase::Submitted,
					nodes: BoundedVec::new(),
					receipts: BoundedVec::new(),
					committee: BoundedVec::new(),
					sampled: false,
					verdicts: BoundedVec::new(),
					timeline: BoundedVec::new(),
					finalized_at: None,
					challenge: None,
				},
			)?;
			Self::deposit_event(Event::JobSubmitted {
				job_id,
				workflow_id,
				payer,
				fee,
				compute_class,
				deadline: deadline_block,
			});
			Ok(())
		}

		/// Route a job to its nodes.
		///
		/// ## Dispatch Origin
		/// Signed by a bonded relay.
		///
		/// ## Details
		/// `nodes` must be exactly `redundancy` distinct accounts, each an eligible node for the
		/// job's class (StakeGuard) with a reputation level above `Untrusted`. The job must be
		/// `Submitted` and not partly claimed. It becomes `Assigned`.
		///
		/// ## Events
		/// `JobAssigned`.
		///
		/// ## Errors
		/// `NotRelay`, `UnknownJob`, `BadPhase`, `JobPartiallyClaimed`, `WrongNodeCount`,
		/// `DuplicateNode`, `NodeNotEligible`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::assign(nodes.len() as u32))]
		pub fn assign(
			origin: OriginFor<T>,
			job_id: JobId,
			nodes: BoundedVec<T::AccountId, T::MaxRedundancy>,
		) -> DispatchResult {
			let relay = ensure_signed(origin)?;
			let job = Self::ensure_can_assign(&relay, job_id, &nodes)?;
			Self::do_assign(job_id, job, nodes.clone());
			Self::deposit_event(Event::JobAssigned { job_id, nodes, by: relay });
			Ok(())
		}

		/// Claim a job no relay routed in time.
		///
		/// ## Dispatch Origin
		/// Signed by an eligible node.
		///
		/// ## Details
		/// Allowed from block `submitted_at + RelayTimeout` on, while the job is `Submitted`. With
		/// redundancy `r`, up to `r` nodes claim one by one; the `r`-th claim makes the job
		/// `Assigned`.
		///
		/// ## Events
		/// `JobClaimed`; `JobAssigned` (with `by` = the caller) when the job is full.
		///
		/// ## Errors
		/// `UnknownJob`, `BadPhase`, `RelayWindowOpen`, `NodeNotEligible`, `AlreadyClaimed`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim(T::MaxRedundancy::get()))]
		pub fn claim(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let node = ensure_signed(origin)?;
			let job = Self::ensure_can_claim(&node, job_id)?;
			let full = Self::do_claim(job_id, job, node.clone())?;
			Self::deposit_event(Event::JobClaimed { job_id, node: node.clone() });
			if let Some(nodes) = full {
				Self::deposit_event(Event::JobAssigned { job_id, nodes, by: node });
			}
			Ok(())
		}

		/// Submit a node's signed receipt.
		///
		/// ## Dispatch Origin
		/// Signed by one of the job's nodes.
		///
		/// ## Details
		/// `signature` is the node's sr25519 receipt key's signature over
		/// `receipt.signing_payload(genesis_hash)`, which binds the receipt to this job and this
		/// chain. When the last receipt arrives the job becomes `Attesting`: the committee is
		/// drawn and the job may be sampled for re-execution (see the crate docs).
		///
		/// ## Events
		/// `ReceiptSubmitted`; `JobAttesting` after the last receipt.
		///
		/// ## Errors
		/// `UnknownJob`, `BadPhase`, `NotAssignedNode`, `ReceiptMismatch`,
		/// `ReceiptAlreadySubmitted`, `ReceiptSignatureInvalid`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit_receipt(
			T::MaxRedundancy::get(),
			T::MaxCommittee::get(),
		))]
		pub fn submit_receipt(
			origin: OriginFor<T>,
			job_id: JobId,
			receipt: Receipt,
			signature: sr25519::Signature,
		) -> DispatchResultWithPostInfo {
			let node = ensure_signed(origin)?;
			let job = Self::ensure_can_submit_receipt(&node, job_id, &receipt, &signature)?;
			let runtime_hash = receipt.runtime_hash;
			let outputs_cid = receipt.outputs_cid.clone();
			let redundancy = u32::from(job.redundancy);
			let (attesting, candidates) =
				Self::do_submit_receipt(job_id, job, &node, receipt, signature);
			Self::deposit_event(Event::ReceiptSubmitted {
				job_id,
				node,
				runtime_hash,
				outputs_cid,
			});
			if let Some((committee, sampled)) = attesting {
				Self::deposit_event(Event::JobAttesting { job_id, committee, sampled });
			}
			// Charged for the job's actual redundancy and validator count; the worst case was
			// reserved before dispatch.
			let c = candidates.clamp(1, T::MaxCommittee::get());
			Ok(Some(T::WeightInfo::submit_receipt(redundancy, c)).into())
		}

		/// Give a committee member's verdict on a job.
		///
		/// ## Dispatch Origin
		/// Signed by a member of the job's deciding committee: the attestation committee while
		/// the job is `Attesting`, the adjudication committee while it is `Challenged`.
		///
		/// ## Details
		/// One verdict per member. A `Valid` verdict on a sampled job, and every `Valid` verdict
		/// of an adjudicator, must carry the reference runtime hash as `reexecution_digest`. When
		/// `QuorumSize` verdicts agree the job is decided: a valid quorum
		/// finalizes and pays it (or rejects the challenge); an invalid one rejects it (or upholds
		/// the challenge).
		///
		/// ## Events
		/// `AttestationSubmitted`; then `JobFinalized`, `JobRejected`, `ChallengeRejected` or
		/// `ChallengeUpheld` when a quorum is reached.
		///
		/// ## Errors
		/// `UnknownJob`, `BadPhase`, `NotInCommittee`, `AlreadyAttested`,
		/// `ReexecutionDigestMissing`, `ReexecutionMismatch`; PayoutRouter's error if the payout
		/// fails.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::attest(T::MaxRedundancy::get(), T::MaxCommittee::get()))]
		pub fn attest(
			origin: OriginFor<T>,
			attestation: Attestation,
		) -> DispatchResultWithPostInfo {
			let validator = ensure_signed(origin)?;
			let done = Self::attest_as(validator, attestation)?;
			// Charged for the job's actual redundancy and committee; the worst case was reserved
			// before dispatch.
			let (r, c) = (done.redundancy.max(1), done.committee.clamp(1, T::MaxCommittee::get()));
			Ok(Some(T::WeightInfo::attest(r, c)).into())
		}

		/// Submit other validators' signed attestations in one batch.
		///
		/// ## Dispatch Origin
		/// Signed by the current lead aggregator.
		///
		/// ## Details
		/// Every item's signature must verify against its validator's account over
		/// `attestation.signing_payload(genesis_hash)`; each item is then processed exactly as
		/// [`Pallet::attest`] from that validator. The batch is atomic: one bad item fails it
		/// all.
		///
		/// ## Events
		/// Those of `attest` for each item, then `AttestationsBatched`.
		///
		/// ## Errors
		/// `NotLeadAggregator`, `AttestationSignatureInvalid`, and every error of `attest`.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::submit_attestations_weight(batch.len() as u32))]
		pub fn submit_attestations(
			origin: OriginFor<T>,
			batch: BoundedVec<BatchItemOf<T>, T::MaxBatch>,
		) -> DispatchResultWithPostInfo {
			let aggregator = ensure_signed(origin)?;
			Self::ensure_can_submit_attestations(&aggregator, &batch)?;
			let count = batch.len() as u32;
			let decided = Self::do_submit_attestations(batch)?;
			Self::deposit_event(Event::AttestationsBatched { aggregator, count });
			// Charged for the jobs the batch actually decided; the worst case (every item
			// deciding a job of maximal size) was reserved before dispatch.
			let actual = decided.iter().fold(T::WeightInfo::submit_attestations(count), |w, d| {
				w.saturating_add(T::WeightInfo::finalize(
					d.redundancy.max(1),
					d.verdicts.clamp(1, T::MaxCommittee::get()),
				))
			});
			Ok(Some(actual).into())
		}

		/// Challenge a finalized job.
		///
		/// ## Dispatch Origin
		/// Signed by an account holding any StakeGuard role, other than the job's nodes.
		///
		/// ## Details
		/// Within `ChallengeWindow` blocks of finalization, once per job. Holds `ChallengeBond`
		/// under `HoldReason::ChallengeBond` and draws an adjudication committee that excludes
		/// the job's nodes, its committee and the challenger. The job becomes `Challenged`.
		///
		/// ## Events
		/// `JobChallenged`.
		///
		/// ## Errors
		/// `NotBonded`, `UnknownJob`, `ChallengerIsJobNode`, `AlreadyChallenged`, `BadPhase`,
		/// `ChallengeWindowClosed`, `NotEnoughValidators`; a balance error if the bond cannot be
		/// held.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::challenge(T::MaxCommittee::get()))]
		pub fn challenge(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
			let challenger = ensure_signed(origin)?;
			let (job, committee) = Self::ensure_can_challenge(&challenger, job_id)?;
			Self::do_challenge(job_id, job, challenger.clone(), committee.clone())?;
			Self::deposit_event(Event::JobChallenged { job_id, challenger, committee });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	// ---------------------------------------------------------------- checks and writes

	/// Checks of `submit_job`; returns the new job's id, its fee, its deadline block and the
	/// workflow's current manifest digest (pinned on the job).
	pub fn ensure_can_submit_job(
		workflow_id: WorkflowId,
		class: ComputeClass,
		max_fee: BalanceOf<T>,
		redundancy: u8,
		deadline: BlockNumberFor<T>,
	) -> Result<(JobId, BalanceOf<T>, BlockNumberFor<T>, Digest), DispatchError> {
		ensure!(!T::Paused::is_paused(), Error::<T>::ChainPaused);
		let terms = T::Workflows::invocable(workflow_id)?;
		let quote = Self::quote_terms(&terms, class, redundancy).map_err(|e| match e {
			QuoteError::ClassTooSmall => Error::<T>::ClassTooSmall,
			QuoteError::BadRedundancy => Error::<T>::BadRedundancy,
			_ => Error::<T>::FeeOverflow,
		})?;
		ensure!(!deadline.is_zero() && deadline <= T::MaxDeadline::get(), Error::<T>::BadDeadline);
		ensure!(quote.total <= max_fee, Error::<T>::FeeAboveMax);
		let now = frame_system::Pallet::<T>::block_number();
		let deadline_block = now.checked_add(&deadline).ok_or(Error::<T>::BadDeadline)?;
		ensure!(
			(ExpiryQueue::<T>::decode_len(deadline_block).unwrap_or(0) as u32)
				< T::MaxJobsPerBlock::get(),
			Error::<T>::DeadlineSlotFull
		);
		let job_id = NextJobId::<T>::get();
		job_id.checked_add(1).ok_or(Error::<T>::JobIdOverflow)?;
		Ok((job_id, quote.total, deadline_block, terms.manifest_hash))
	}

	/// Writes of `submit_job`: hold the fee, store the job, queue its expiry.
	pub fn do_submit_job(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::JobEscrow.into(), &job.payer, job.fee)?;
		ExpiryQueue::<T>::try_mutate(job.deadline, |slot| slot.try_push(job_id))
			.map_err(|_| Error::<T>::DeadlineSlotFull)?;
		let next = job_id.checked_add(1).ok_or(Error::<T>::JobIdOverflow)?;
		NextJobId::<T>::put(next);
		Self::push_timeline(&mut job, JobPhase::Submitted);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	/// Checks of `assign`; returns the job.
	pub fn ensure_can_assign(
		relay: &T::AccountId,
		job_id: JobId,
		nodes: &[T::AccountId],
	) -> Result<JobOf<T>, DispatchError> {
		ensure!(T::Stake::is_relay(relay), Error::<T>::NotRelay);
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Submitted, Error::<T>::BadPhase);
		ensure!(job.nodes.is_empty(), Error::<T>::JobPartiallyClaimed);
		ensure!(nodes.len() == usize::from(job.redundancy), Error::<T>::WrongNodeCount);
		for (i, node) in nodes.iter().enumerate() {
			ensure!(
				!nodes.iter().skip(i.saturating_add(1)).any(|n| n == node),
				Error::<T>::DuplicateNode
			);
		}
		for node in nodes {
			ensure!(Self::is_eligible(node, job.compute_class), Error::<T>::NodeNotEligible);
		}
		Ok(job)
	}

	/// Writes of `assign`.
	pub fn do_assign(
		job_id: JobId,
		mut job: JobOf<T>,
		nodes: BoundedVec<T::AccountId, T::MaxRedundancy>,
	) {
		job.nodes = nodes;
		Self::set_phase(&mut job, JobPhase::Assigned);
		Jobs::<T>::insert(job_id, job);
	}

	/// Checks of `claim`; returns the job.
	pub fn ensure_can_claim(node: &T::AccountId, job_id: JobId) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Submitted, Error::<T>::BadPhase);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now >= job.submitted_at.saturating_add(T::RelayTimeout::get()),
			Error::<T>::RelayWindowOpen
		);
		ensure!(Self::is_eligible(node, job.compute_class), Error::<T>::NodeNotEligible);
		ensure!(!job.is_node(node), Error::<T>::AlreadyClaimed);
		Ok(job)
	}

	/// Writes of `claim`; returns the full node set when this claim completed it.
	pub fn do_claim(
		job_id: JobId,
		mut job: JobOf<T>,
		node: T::AccountId,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxRedundancy>>, DispatchError> {
		// The job is `Submitted`, so it has fewer than `redundancy <= MaxRedundancy` nodes.
		job.nodes.try_push(node).map_err(|_| Error::<T>::WrongNodeCount)?;
		let full = job.nodes.len() >= usize::from(job.redundancy);
		let nodes = if full {
			Self::set_phase(&mut job, JobPhase::Assigned);
			Some(job.nodes.clone())
		} else {
			None
		};
		Jobs::<T>::insert(job_id, job);
		Ok(nodes)
	}

	/// Checks of `submit_receipt`; returns the job.
	pub fn ensure_can_submit_receipt(
		node: &T::AccountId,
		job_id: JobId,
		receipt: &Receipt,
		signature: &sr25519::Signature,
	) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Assigned, Error::<T>::BadPhase);
		ensure!(job.is_node(node), Error::<T>::NotAssignedNode);
		ensure!(
			receipt.job_id == job_id && receipt.workflow_id == job.workflow_id,
			Error::<T>::ReceiptMismatch
		);
		ensure!(!job.receipts.iter().any(|(n, _)| n == node), Error::<T>::ReceiptAlreadySubmitted);
		let key = T::Stake::receipt_key(node).ok_or(Error::<T>::ReceiptSignatureInvalid)?;
		ensure!(
			receipt.verify(Self::genesis_hash(), signature, &key),
			Error::<T>::ReceiptSignatureInvalid
		);
		Ok(job)
	}

	/// Writes of `submit_receipt`; after the last receipt, draws the committee and the sample
	/// and returns them, with the number of validators the committee was drawn from (0 before
	/// the last receipt).
	pub fn do_submit_receipt(
		job_id: JobId,
		mut job: JobOf<T>,
		node: &T::AccountId,
		receipt: Receipt,
		signature: sr25519::Signature,
	) -> (Option<(BoundedVec<T::AccountId, T::MaxCommittee>, bool)>, u32) {
		// The node is one of `job.nodes` and has no receipt yet, so there is room.
		let _ = job.receipts.try_push((node.clone(), receipt.runtime_hash));
		Receipts::<T>::insert(job_id, node, (receipt, signature));
		let mut attesting = None;
		let mut drawn_from = 0u32;
		if job.receipts.len() >= usize::from(job.redundancy) {
			let parent = frame_system::Pallet::<T>::parent_hash();
			let candidates: Vec<T::AccountId> =
				T::Stake::active_validators().into_iter().filter(|v| !job.is_node(v)).collect();
			let seed = sp_io::hashing::blake2_256(&(parent, job_id, *b"committee").encode());
			drawn_from = candidates.len() as u32;
			job.committee = Self::draw(&candidates, seed);
			job.sampled =
				!job.receipts_agree() || Self::is_sampled(&job, job_id, parent, &signature);
			Self::set_phase(&mut job, JobPhase::Attesting);
			attesting = Some((job.committee.clone(), job.sampled));
		}
		Jobs::<T>::insert(job_id, job);
		(attesting, drawn_from)
	}

	/// `attest` for `validator` (also each item of a batch): check, record, announce, resolve.
	/// Returns the sizes that priced it.
	fn attest_as(
		validator: T::AccountId,
		attestation: Attestation,
	) -> Result<Attested, DispatchError> {
		let (job, stage) = Self::ensure_can_attest(&validator, &attestation)?;
		let job_id = attestation.job_id;
		let job = Self::do_attest(job, stage, validator.clone(), attestation.verdict);
		Self::deposit_event(Event::AttestationSubmitted {
			job_id,
			validator,
			verdict: attestation.verdict,
		});
		let (committee, verdicts) = match (stage, &job.challenge) {
			(Stage::Adjudication, Some(c)) => (c.committee.len(), c.verdicts.len()),
			_ => (job.committee.len(), job.verdicts.len()),
		};
		let sizes = Attested {
			redundancy: u32::from(job.redundancy),
			committee: committee as u32,
			verdicts: verdicts as u32,
			decided: false,
		};
		let decided = Self::resolve(job_id, job, stage)?;
		Ok(Attested { decided, ..sizes })
	}

	/// Pre-dispatch weight of `submit_attestations` with `b` items: each item may decide a job
	/// of maximal size.
	pub fn submit_attestations_weight(b: u32) -> Weight {
		T::WeightInfo::submit_attestations(b).saturating_add(
			T::WeightInfo::finalize(T::MaxRedundancy::get(), T::MaxCommittee::get())
				.saturating_mul(u64::from(b)),
		)
	}

	/// Checks of `attest`; returns the job and which committee decides it.
	pub fn ensure_can_attest(
		validator: &T::AccountId,
		attestation: &Attestation,
	) -> Result<(JobOf<T>, Stage), DispatchError> {
		let job = Jobs::<T>::get(attestation.job_id).ok_or(Error::<T>::UnknownJob)?;
		let (stage, committee, verdicts, must_reexecute) = match (&job.phase, &job.challenge) {
			(JobPhase::Attesting, _) => {
				(Stage::Attestation, &job.committee, &job.verdicts, job.sampled)
			}
			(JobPhase::Challenged, Some(c)) => {
				(Stage::Adjudication, &c.committee, &c.verdicts, true)
			}
			_ => return Err(Error::<T>::BadPhase.into()),
		};
		ensure!(committee.iter().any(|m| m == validator), Error::<T>::NotInCommittee);
		ensure!(!verdicts.iter().any(|(m, _)| m == validator), Error::<T>::AlreadyAttested);
		if attestation.verdict == Verdict::Valid {
			match attestation.reexecution_digest {
				None => ensure!(!must_reexecute, Error::<T>::ReexecutionDigestMissing),
				Some(digest) => {
					ensure!(Some(digest) == job.reference_hash(), Error::<T>::ReexecutionMismatch)
				}
			}
		}
		Ok((job, stage))
	}

	/// Writes of `attest`: record the verdict; returns the updated job.
	pub fn do_attest(
		mut job: JobOf<T>,
		stage: Stage,
		validator: T::AccountId,
		verdict: Verdict,
	) -> JobOf<T> {
		let job_id_verdicts = match (stage, job.challenge.as_mut()) {
			(Stage::Adjudication, Some(c)) => &mut c.verdicts,
			_ => &mut job.verdicts,
		};
		// A member votes once and the committee is bounded by `MaxCommittee`: there is room.
		let _ = job_id_verdicts.try_push((validator, verdict));
		job
	}

	/// Checks of `submit_attestations`: the lead and every signature.
	pub fn ensure_can_submit_attestations(
		aggregator: &T::AccountId,
		batch: &[BatchItemOf<T>],
	) -> DispatchResult {
		ensure!(Self::current_lead().as_ref() == Some(aggregator), Error::<T>::NotLeadAggregator);
		let genesis = Self::genesis_hash();
		for (validator, attestation, signature) in batch {
			ensure!(
				signature.verify(&attestation.signing_payload(genesis)[..], validator),
				Error::<T>::AttestationSignatureInvalid
			);
		}
		Ok(())
	}

	/// Writes of `submit_attestations`: each item as `attest` (the call is transactional, so a
	/// failing item reverts the whole batch). Returns the items that decided a job.
	pub fn do_submit_attestations(
		batch: BoundedVec<BatchItemOf<T>, T::MaxBatch>,
	) -> Result<Vec<Attested>, DispatchError> {
		let mut decided = Vec::new();
		for (validator, attestation, _) in batch {
			let done = Self::attest_as(validator, attestation)?;
			if done.decided {
				decided.push(done);
			}
		}
		Ok(decided)
	}

	/// Checks of `challenge`; returns the job and the adjudication committee.
	pub fn ensure_can_challenge(
		challenger: &T::AccountId,
		job_id: JobId,
	) -> Result<(JobOf<T>, BoundedVec<T::AccountId, T::MaxCommittee>), DispatchError> {
		ensure!(T::Stake::role(challenger).is_some(), Error::<T>::NotBonded);
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(!job.is_node(challenger), Error::<T>::ChallengerIsJobNode);
		ensure!(job.challenge.is_none(), Error::<T>::AlreadyChallenged);
		ensure!(job.phase == JobPhase::Finalized, Error::<T>::BadPhase);
		let finalized_at = job.finalized_at.ok_or(Error::<T>::BadPhase)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now <= finalized_at.saturating_add(T::ChallengeWindow::get()),
			Error::<T>::ChallengeWindowClosed
		);
		let candidates: Vec<T::AccountId> = T::Stake::active_validators()
			.into_iter()
			.filter(|v| !job.is_node(v) && !job.committee.contains(v) && v != challenger)
			.collect();
		let parent = frame_system::Pallet::<T>::parent_hash();
		let seed = sp_io::hashing::blake2_256(&(parent, job_id, *b"challenge").encode());
		let committee = Self::draw(&candidates, seed);
		ensure!(
			committee.len() as u32 >= T::QuorumSize::get().max(1),
			Error::<T>::NotEnoughValidators
		);
		Ok((job, committee))
	}

	/// Writes of `challenge`: hold the bond, open the dispute.
	pub fn do_challenge(
		job_id: JobId,
		mut job: JobOf<T>,
		challenger: T::AccountId,
		committee: BoundedVec<T::AccountId, T::MaxCommittee>,
	) -> DispatchResult {
		let bond = T::ChallengeBond::get();
		T::Currency::hold(&HoldReason::ChallengeBond.into(), &challenger, bond)?;
		job.challenge =
			Some(Challenge { challenger, bond, committee, verdicts: BoundedVec::new() });
		Self::set_phase(&mut job, JobPhase::Challenged);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}

	// ---------------------------------------------------------------- outcomes

	/// Decide the job if its deciding committee reached a quorum; store it either way. Returns
	/// whether it decided.
	fn resolve(job_id: JobId, job: JobOf<T>, stage: Stage) -> Result<bool, DispatchError> {
		let verdicts = match (stage, &job.challenge) {
			(Stage::Adjudication, Some(c)) => &c.verdicts,
			_ => &job.verdicts,
		};
		let quorum = T::QuorumSize::get().max(1) as usize;
		let valid = verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).count();
		let invalid = verdicts.len().saturating_sub(valid);
		match stage {
			Stage::Attestation if valid >= quorum => Self::finalize(job_id, job),
			Stage::Attestation if invalid >= quorum => Self::reject(job_id, job),
			Stage::Adjudication if valid >= quorum => Self::reject_challenge(job_id, job),
			Stage::Adjudication if invalid >= quorum => Self::uphold_challenge(job_id, job),
			_ => {
				Jobs::<T>::insert(job_id, job);
				return Ok(false);
			}
		}
		.map(|()| true)
	}

	/// Valid quorum: pay the fee out (once: only an `Attesting` job gets here), record outcomes.
	fn finalize(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let reference = job.reference_hash();
		let (paid, dissenting): (Vec<_>, Vec<_>) =
			job.receipts.iter().partition(|(_, h)| Some(*h) == reference);
		let settlement = Settlement {
			job_id,
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			nodes: paid.iter().map(|(n, _)| n.clone()).collect(),
			validators: job
				.verdicts
				.iter()
				.filter(|(_, v)| *v == Verdict::Valid)
				.map(|(m, _)| m.clone())
				.collect(),
		};
		T::Payout::distribute(&settlement, &HoldReason::JobEscrow.into())?;
		for node in settlement.nodes.iter() {
			T::Reputation::record(node, Outcome::JobFinalized);
		}
		for (node, _) in dissenting {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::JobRejected);
		}
		Self::record_verdicts(&job.verdicts, Verdict::Valid);
		job.finalized_at = Some(frame_system::Pallet::<T>::block_number());
		Self::set_phase(&mut job, JobPhase::Finalized);
		let fee = job.fee;
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobFinalized { job_id, fee });
		Ok(())
	}

	/// Invalid quorum: refund the payer, slash the nodes, record outcomes.
	fn reject(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		T::Currency::release(&HoldReason::JobEscrow.into(), &job.payer, job.fee, Precision::Exact)?;
		for node in job.nodes.iter() {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::JobRejected);
		}
		Self::record_verdicts(&job.verdicts, Verdict::Invalid);
		Self::set_phase(&mut job, JobPhase::Rejected);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobRejected { job_id });
		Ok(())
	}

	/// Adjudication found the job invalid: slash nodes and colluding validators, return the bond.
	/// The payout already made stays paid.
	fn uphold_challenge(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let Some(challenge) = job.challenge.clone() else {
			return Err(Error::<T>::BadPhase.into());
		};
		T::Currency::release(
			&HoldReason::ChallengeBond.into(),
			&challenge.challenger,
			challenge.bond,
			Precision::BestEffort,
		)?;
		T::Reputation::record(&challenge.challenger, Outcome::DisputeWon);
		for node in job.nodes.iter() {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::DisputeLost);
		}
		for (validator, verdict) in job.verdicts.iter() {
			if *verdict == Verdict::Valid {
				T::Stake::slash(validator, SlashReason::Collusion, T::CollusionSlash::get());
				T::Reputation::record(validator, Outcome::DisputeLost);
			}
		}
		Self::record_verdicts(&challenge.verdicts, Verdict::Invalid);
		Self::set_phase(&mut job, JobPhase::Rejected);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::ChallengeUpheld { job_id, challenger: challenge.challenger });
		Ok(())
	}

	/// Adjudication found the job valid: the bond goes to the treasury, the job is `Finalized`
	/// again.
	fn reject_challenge(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let Some(challenge) = job.challenge.clone() else {
			return Err(Error::<T>::BadPhase.into());
		};
		let bond = T::Currency::transfer_on_hold(
			&HoldReason::ChallengeBond.into(),
			&challenge.challenger,
			&T::TreasuryAccount::get(),
			challenge.bond,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		T::Reputation::record(&challenge.challenger, Outcome::DisputeLost);
		Self::record_verdicts(&challenge.verdicts, Verdict::Valid);
		Self::set_phase(&mut job, JobPhase::Finalized);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::ChallengeRejected {
			job_id,
			challenger: challenge.challenger,
			bond,
		});
		Ok(())
	}

	/// Expire jobs whose deadline slot is due (see [`MAX_EXPIRY_SLOTS_PER_BLOCK`]); nothing
	/// while paused. Returns the weight used.
	pub fn process_expiries(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		if T::Paused::is_paused() {
			return db.reads(1);
		}
		let mut weight = db.reads_writes(2, 1);
		let mut cursor = ExpiryCursor::<T>::get().unwrap_or(now);
		let mut slots = 0u32;
		while cursor <= now && slots < MAX_EXPIRY_SLOTS_PER_BLOCK {
			let due = ExpiryQueue::<T>::take(cursor);
			let count = due.len() as u32;
			for job_id in due {
				Self::expire(job_id);
			}
			weight = weight.saturating_add(T::WeightInfo::on_initialize_expiry(count));
			cursor = cursor.saturating_add(One::one());
			slots = slots.saturating_add(1);
		}
		ExpiryCursor::<T>::put(cursor);
		weight
	}

	/// Expire one job if it is still open: refund, record `JobExpired` for nodes that did not
	/// deliver.
	fn expire(job_id: JobId) {
		let Some(mut job) = Jobs::<T>::get(job_id) else { return };
		if !job.is_open() {
			return;
		}
		if let Err(e) = T::Currency::release(
			&HoldReason::JobEscrow.into(),
			&job.payer,
			job.fee,
			Precision::BestEffort,
		) {
			log::error!(target: "runtime::execution-log", "refund of expired job {job_id} failed: {e:?}");
		}
		for node in job.nodes.iter() {
			if !job.receipts.iter().any(|(n, _)| n == node) {
				T::Reputation::record(node, Outcome::JobExpired);
			}
		}
		Self::set_phase(&mut job, JobPhase::Expired);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobExpired { job_id });
	}

	// ---------------------------------------------------------------- helpers

	/// Genesis hash of this chain (signed into receipts and attestations).
	pub fn genesis_hash() -> H256 {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Whether `node` may take a job of `class`: eligible in StakeGuard and above `Untrusted`.
	pub fn is_eligible(node: &T::AccountId, class: ComputeClass) -> bool {
		T::Stake::is_eligible_node(node, class)
			&& T::Reputation::level(node) > ReputationLevel::Untrusted
	}

	/// Record `Agreed` for members whose verdict is `quorum`, `Disagreed` for the others.
	fn record_verdicts(verdicts: &[(T::AccountId, Verdict)], quorum: Verdict) {
		for (member, verdict) in verdicts {
			let outcome = if *verdict == quorum {
				Outcome::AttestationAgreed
			} else {
				Outcome::AttestationDisagreed
			};
			T::Reputation::record(member, outcome);
		}
	}

	/// A window of up to `min(CommitteeSize, MaxCommittee)` consecutive `candidates` (wrapping),
	/// starting at `seed` (little-endian `u32`) modulo their number.
	fn draw(
		candidates: &[T::AccountId],
		seed: [u8; 32],
	) -> BoundedVec<T::AccountId, T::MaxCommittee> {
		let n = candidates.len();
		let Some(start) = (Self::seed_u32(&seed) as usize).checked_rem(n) else {
			return BoundedVec::new();
		};
		let size = T::CommitteeSize::get().min(T::MaxCommittee::get()) as usize;
		BoundedVec::truncate_from(
			candidates.iter().cycle().skip(start).take(size.min(n)).cloned().collect(),
		)
	}

	/// The sampling rule of the crate docs.
	fn is_sampled(
		job: &JobOf<T>,
		job_id: JobId,
		parent: H256,
		signature: &sr25519::Signature,
	) -> bool {
		let lowest =
			job.nodes.iter().map(|n| T::Reputation::score(n).deconstruct()).min().unwrap_or(0);
		let factor = 2_000_000u64.saturating_sub(u64::from(lowest));
		let rate = u64::from(T::ReexecutionRate::get().deconstruct())
			.saturating_mul(factor)
			.checked_div(1_000_000)
			.unwrap_or(0)
			.min(1_000_000);
		let seed = sp_io::hashing::blake2_256(&(parent, job_id, signature, *b"sample").encode());
		// sampled iff seed / 2^32 < rate / 10^6.
		u128::from(Self::seed_u32(&seed)).saturating_mul(1_000_000)
			< u128::from(rate).saturating_mul(1u128 << 32)
	}

	fn seed_u32(seed: &[u8; 32]) -> u32 {
		u32::decode(&mut &seed[..]).unwrap_or(0)
	}

	fn push_timeline(job: &mut JobOf<T>, phase: JobPhase) {
		// At most six phase changes happen (see `MaxTimeline`).
		let _ = job.timeline.try_push((phase, frame_system::Pallet::<T>::block_number()));
	}

	fn set_phase(job: &mut JobOf<T>, phase: JobPhase) {
		job.phase = phase;
		Self::push_timeline(job, phase);
	}

	fn quote_terms(
		terms: &WorkflowTerms<BalanceOf<T>>,
		class: ComputeClass,
		redundancy: u8,
	) -> Result<FeeQuote<BalanceOf<T>>, QuoteError> {
		ensure!(class >= terms.compute_class, QuoteError::ClassTooSmall);
		ensure!(
			redundancy >= 1 && u32::from(redundancy) <= T::MaxRedundancy::get(),
			QuoteError::BadRedundancy
		);
		let multiplier = T::ClassMultiplier::convert(class);
		let base: u128 = terms.base_fee.try_into().map_err(|_| QuoteError::Overflow)?;
		let total = multiplier
			.checked_mul_int(base)
			.and_then(|per_node| per_node.checked_mul(u128::from(redundancy)))
			.ok_or(QuoteError::Overflow)?;
		let total: BalanceOf<T> = total.try_into().map_err(|_| QuoteError::Overflow)?;
		let inner = multiplier.into_inner();
		let div = FixedU128::DIV;
		let times = u32::try_from(inner.checked_div(div).unwrap_or(0)).unwrap_or(u32::MAX);
		// FixedU128 has 18 decimals, Permill 6.
		let frac = inner.checked_rem(div).unwrap_or(0).checked_div(1_000_000_000_000).unwrap_or(0);
		Ok(FeeQuote {
			base_fee: terms.base_fee,
			class_multiplier: Permill::from_parts(u32::try_from(frac).unwrap_or(0)),
			class_multiplier_times: times,
			redundancy,
			total,
		})
	}

	// ---------------------------------------------------------------- runtime API reads

	/// Quote the fee of a job of `workflow_id` on `class` with `redundancy` nodes.
	pub fn quote(
		workflow_id: WorkflowId,
		class: ComputeClass,
		redundancy: u8,
	) -> Result<FeeQuote<BalanceOf<T>>, QuoteError> {
		let terms = T::Workflows::invocable(workflow_id).map_err(|_| {
			if T::Workflows::payees(workflow_id).is_some() {
				QuoteError::NotInvocable
			} else {
				QuoteError::UnknownWorkflow
			}
		})?;
		Self::quote_terms(&terms, class, redundancy)
	}

	/// A job's status and timeline. While `Challenged`, `committee` and `verdicts` are the
	/// adjudication's; otherwise the original committee's.
	pub fn job_view(job_id: JobId) -> Option<JobViewOf<T>> {
		let job = Jobs::<T>::get(job_id)?;
		let (committee, verdicts) = match (&job.phase, &job.challenge) {
			(JobPhase::Challenged, Some(c)) => (c.committee.to_vec(), &c.verdicts),
			_ => (job.committee.to_vec(), &job.verdicts),
		};
		let valid = verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).count() as u32;
		let invalid = (verdicts.len() as u32).saturating_sub(valid);
		Some(JobView {
			job_id,
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			phase: job.phase,
			nodes: job.nodes.to_vec(),
			committee,
			sampled: job.sampled,
			verdicts: (valid, invalid),
			timeline: job.timeline.to_vec(),
			deadline: job.deadline,
		})
	}

	/// The current lead aggregator: `active_validators()[(now / EpochLength) mod n]`.
	pub fn current_lead() -> Option<T::AccountId> {
		let validators = T::Stake::active_validators();
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let epoch_len: u64 = T::EpochLength::get().unique_saturated_into();
		let epoch = now.checked_div(epoch_len.max(1)).unwrap_or(0);
		let index = epoch.checked_rem(validators.len() as u64)?;
		validators.into_iter().nth(usize::try_from(index).ok()?)
	}

	/// The committee deciding `job_id` now (the adjudication committee while `Challenged`).
	pub fn committee_of(job_id: JobId) -> Option<Vec<T::AccountId>> {
		let job = Jobs::<T>::get(job_id)?;
		Some(match (&job.phase, &job.challenge) {
			(JobPhase::Challenged, Some(c)) => c.committee.to_vec(),
			_ => job.committee.to_vec(),
		})
	}

	// ---------------------------------------------------------------- invariants

	/// Invariants:
	/// 1. `NextJobId` is greater than every stored job id.
	/// 2. For every payer, the balance held under `JobEscrow` equals the sum of the fees of its
	///    open (`Submitted`, `Assigned`, `Attesting`) jobs; so terminal jobs hold nothing.
	/// 3. Every open job id is in `ExpiryQueue` at its deadline block, and that slot is not behind
	///    the expiry cursor.
	/// 4. For every challenger, the balance held under `ChallengeBond` equals the sum of the bonds
	///    of its open (`Challenged`) challenges.
	/// 5. Every `Finalized` or `Challenged` job has `finalized_at` set and was paid
	///    (`Payout::is_settled`); no open job was paid.
	/// 6. Receipts are from the job's nodes, committees never contain one of the job's nodes.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let next = NextJobId::<T>::get();
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (job_id, job) in Jobs::<T>::iter() {
			ensure!(job_id < next, "NextJobId is not above every job id");
			let held = escrow.entry(job.payer.clone()).or_default();
			if job.is_open() {
				*held = held.saturating_add(job.fee);
				ensure!(
					ExpiryQueue::<T>::get(job.deadline).contains(&job_id),
					"open job missing from its expiry slot"
				);
				if let Some(cursor) = ExpiryCursor::<T>::get() {
					ensure!(job.deadline >= cursor, "open job behind the expiry cursor");
				}
				ensure!(!T::Payout::is_settled(job_id), "open job already paid");
			}
			if let Some(c) = &job.challenge {
				let bonded = bonds.entry(c.challenger.clone()).or_default();
				if job.phase == JobPhase::Challenged {
					*bonded = bonded.saturating_add(c.bond);
				}
				ensure!(
					!c.committee.iter().any(|m| job.is_node(m)),
					"a node sits on its own adjudication committee"
				);
			}
			if matches!(job.phase, JobPhase::Finalized | JobPhase::Challenged) {
				ensure!(job.finalized_at.is_some(), "finalized job without finalized_at");
				ensure!(T::Payout::is_settled(job_id), "finalized job not paid");
			}
			ensure!(job.receipts.iter().all(|(n, _)| job.is_node(n)), "receipt from a non-node");
			ensure!(
				!job.committee.iter().any(|m| job.is_node(m)),
				"a node sits on its own committee"
			);
		}
		for (payer, expected) in escrow {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::JobEscrow.into(), &payer) == expected,
				"escrow held differs from the open jobs' fees"
			);
		}
		for (challenger, expected) in bonds {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ChallengeBond.into(), &challenger)
					== expected,
				"challenge bond held differs from the open challenges"
			);
		}
		Ok(())
	}
}
