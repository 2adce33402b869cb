//! # ExecutionLog pallet
//!
//! The heart of Havn: job escrow, routing, signed receipts, attestation committees and quorum,
//! sampled re-execution, expiry, challenges and pruning. The overview, terminology, calls and
//! code layout follow (from this crate's README.md).
//!
#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod attest;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod challenge;
pub mod committee;
mod expiry;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
mod outcomes;
mod prune;
mod receipts;
mod route;
mod submit;
#[cfg(test)]
mod tests;
pub mod types;
mod views;
pub mod weights;

pub use attest::{Attested, Stage};
#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::BenchmarkHelper;
pub use expiry::MAX_EXPIRY_SLOTS_PER_BLOCK;
pub use types::{BalanceOf, BatchItemOf, Challenge, Job, JobOf, JobViewOf, MaxTimeline};
pub use weights::WeightInfo;

use alloc::vec::Vec;
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
	Attestation, ComputeClass, Digest, JobId, Receipt, ReleaseReason, ReputationLevel, SlashReason,
	Verdict, WorkflowId,
};
use sp_core::{sr25519, H256};
use sp_runtime::{
	traits::{Convert, IdentifyAccount, Saturating, UniqueSaturatedInto, Verify, Zero},
	FixedPointNumber, FixedU128, Perbill, Permill,
};

// FRAME's pallet macros expand to `expect` calls (e.g. `PalletInfo::name().expect(..)`); the
// pallet's own logic lives outside this module, under the workspace lints.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

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

		/// Blocks a node is given to run a job: `assign` and `claim` need at least this many
		/// blocks before the deadline, so a node is only held to account (`JobExpired`) for a job
		/// it had time to run, and a job's deadline must be at least `RelayTimeout +
		/// ExecutionWindow` blocks.
		#[pallet::constant]
		type ExecutionWindow: Get<BlockNumberFor<Self>>;

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

		/// Most dependencies of a workflow (WorkflowRegistry's `MaxDependencies`): the most
		/// upstream payees a job's payout pays, which deciding attestations reserve weight for
		/// and are charged by the actual count.
		#[pallet::constant]
		type MaxUpstream: Get<u32>;

		/// Most attestations in one lead-aggregator batch.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// Longest deadline, in blocks from submission.
		#[pallet::constant]
		type MaxDeadline: Get<BlockNumberFor<Self>>;

		/// Storage deposit of a job, in planck: held on the payer under
		/// [`HoldReason::JobDeposit`] from `submit_job` until the job is pruned (`prune`, which
		/// anyone may call once the job has ended), then returned to the payer.
		#[pallet::constant]
		type JobDeposit: Get<BalanceOf<Self>>;

		/// Most jobs one payer may have due in one block (of the `MaxJobsPerBlock` a deadline
		/// slot takes), so that no payer can fill a slot for the others.
		#[pallet::constant]
		type MaxJobsPerPayerPerBlock: Get<u32>;

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
		/// A job's storage deposit, held on the payer until the job is pruned.
		#[codec(index = 2)]
		JobDeposit,
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

	/// How many jobs each payer has due in each deadline slot (`ExpiryQueue`'s block), at most
	/// `MaxJobsPerPayerPerBlock`; a slot's entries are removed when the expiry hook processes it.
	#[pallet::storage]
	pub type PayerSlotUse<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Blake2_128Concat,
		T::AccountId,
		u32,
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
		/// A node gave a job back before submitting its receipt, for `reason`, without penalty;
		/// a job that had its full set of nodes is `Submitted` again (a relay may route it, or
		/// nodes claim the free seat).
		JobReleased { job_id: JobId, node: T::AccountId, reason: ReleaseReason },
		/// An ended job's record and receipts were removed; its storage deposit (planck) went
		/// back to the payer.
		JobPruned { job_id: JobId, payer: T::AccountId, deposit: BalanceOf<T> },
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
		/// The deadline leaves less than `RelayTimeout + ExecutionWindow` blocks: too little
		/// time to route the job and run it.
		DeadlineTooSoon,
		/// Fewer than `ExecutionWindow` blocks are left before the job's deadline: too late to
		/// assign or claim it.
		TooLateToRun,
		/// The payer already has `MaxJobsPerPayerPerBlock` jobs due in the deadline's block;
		/// choose another deadline.
		PayerSlotFull,
		/// The job has not ended: it is open, challenged, or finalized less than
		/// `ChallengeWindow` blocks ago (it may still be challenged).
		JobNotEnded,
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
		/// payer under `HoldReason::JobEscrow`. `deadline` counts blocks from now, at least
		/// `RelayTimeout + ExecutionWindow` (time to route and run the job); the job expires in
		/// block `now + deadline` if it is still open then. `input_digest` is blake2-256 of the
		/// inputs, `input_uri` where to fetch them.
		///
		/// ## Events
		/// `JobSubmitted`.
		///
		/// The payer's `JobDeposit` is held too (under `HoldReason::JobDeposit`) until the job
		/// is pruned.
		///
		/// ## Errors
		/// `ChainPaused`; the registry's error if the workflow is not invocable (or its terms
		/// are below the governance floors); `ClassTooSmall`, `BadRedundancy`, `BadDeadline`,
		/// `DeadlineTooSoon`, `FeeOverflow`, `FeeAboveMax`, `DeadlineSlotFull`, `PayerSlotFull`,
		/// `JobIdOverflow`; a balance error if the fee or the deposit cannot be held.
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
				&payer,
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
					payer,
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
					deposit: T::JobDeposit::get(),
				},
			)
		}

		/// Route a job to its nodes.
		///
		/// ## Dispatch Origin
		/// Signed by a bonded relay.
		///
		/// ## Details
		/// `nodes` must be exactly `redundancy` distinct accounts, each an eligible node for the
		/// job's class (StakeGuard) with a reputation level above `Untrusted`. The job must be
		/// `Submitted`, not partly claimed, with at least `ExecutionWindow` blocks left before
		/// its deadline. It becomes `Assigned`.
		///
		/// ## Events
		/// `JobAssigned`.
		///
		/// ## Errors
		/// `NotRelay`, `UnknownJob`, `BadPhase`, `JobPartiallyClaimed`, `TooLateToRun`,
		/// `WrongNodeCount`, `DuplicateNode`, `NodeNotEligible`.
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
		/// Allowed from block `submitted_at + RelayTimeout` on, while the job is `Submitted` and
		/// at least `ExecutionWindow` blocks are left before its deadline. With
		/// redundancy `r`, up to `r` nodes claim one by one; the `r`-th claim makes the job
		/// `Assigned`.
		///
		/// ## Events
		/// `JobClaimed`; `JobAssigned` (with `by` = the caller) when the job is full.
		///
		/// ## Errors
		/// `UnknownJob`, `BadPhase`, `RelayWindowOpen`, `TooLateToRun`, `NodeNotEligible`,
		/// `AlreadyClaimed`.
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

		/// Give a job back before submitting a receipt for it, without penalty.
		///
		/// ## Dispatch Origin
		/// Signed by one of the job's nodes (assigned by a relay or claiming) that has not
		/// submitted its receipt. Free (`Pays::No`) when it succeeds: every release undoes an
		/// assignment or claim that someone paid for, so it cannot be repeated for free.
		///
		/// ## Details
		/// The node leaves the job's nodes; `reason` is its report (a digest mismatch, an
		/// unavailable input, a manifest its executors refuse, or no capacity). A job that had
		/// its full set of nodes goes back to `Submitted`: a relay may route it again while
		/// `ExecutionWindow` blocks are left, or nodes claim the free seat. Receipts already in
		/// stay. Nothing is recorded against the node in Reputation; the escrow stays held until
		/// the job ends.
		///
		/// ## Events
		/// `JobReleased`.
		///
		/// ## Errors
		/// `UnknownJob`, `BadPhase` (the job is not `Submitted` or `Assigned`),
		/// `NotAssignedNode`, `ReceiptAlreadySubmitted`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::release(T::MaxRedundancy::get()))]
		pub fn release(
			origin: OriginFor<T>,
			job_id: JobId,
			reason: ReleaseReason,
		) -> DispatchResultWithPostInfo {
			let node = ensure_signed(origin)?;
			let job = Self::ensure_can_release(&node, job_id)?;
			Self::do_release(job_id, job, &node);
			Self::deposit_event(Event::JobReleased { job_id, node, reason });
			Ok(Pays::No.into())
		}

		/// Submit a node's signed receipt.
		///
		/// ## Dispatch Origin
		/// Signed by one of the job's nodes, still eligible for the job's compute class in
		/// StakeGuard (bonded at its class's floor, not quarantined): a node that unbonded or
		/// went dark after assignment can no longer be held to account for the job, so its
		/// receipt is refused and the job expires.
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
		/// `ReceiptAlreadySubmitted`, `ReceiptSignatureInvalid`, `NodeNotEligible`.
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
		#[pallet::weight(T::WeightInfo::attest(
			T::MaxRedundancy::get(),
			T::MaxCommittee::get(),
			T::MaxUpstream::get()
		))]
		pub fn attest(
			origin: OriginFor<T>,
			attestation: Attestation,
		) -> DispatchResultWithPostInfo {
			let validator = ensure_signed(origin)?;
			let done = Self::attest_as(validator, attestation)?;
			// Charged for the job's actual redundancy, committee and (when it decided the job)
			// its workflow's dependencies; the worst case was reserved before dispatch.
			let (r, c) = (done.redundancy.max(1), done.committee.clamp(1, T::MaxCommittee::get()));
			Ok(Some(T::WeightInfo::attest(r, c, done.upstream)).into())
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
					d.upstream,
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

		/// Remove an ended job's record and receipts and return its storage deposit.
		///
		/// ## Dispatch Origin
		/// Signed by anyone (the payer, a relay, an indexer). Free (`Pays::No`) when it
		/// succeeds: a job is pruned once, and only after it ended.
		///
		/// ## Details
		/// The job must be `Rejected` or `Expired`, or `Finalized` more than `ChallengeWindow`
		/// blocks ago. Its `Jobs` entry and its `Receipts` go; the deposit held on the payer
		/// under `HoldReason::JobDeposit` (the `JobDeposit` of its submission, in planck) is
		/// released to the payer. Its events, and PayoutRouter's record that it was paid, stay.
		///
		/// ## Events
		/// `JobPruned`.
		///
		/// ## Errors
		/// `UnknownJob` (never submitted, or pruned already), `JobNotEnded`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::prune())]
		pub fn prune(origin: OriginFor<T>, job_id: JobId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let job = Self::ensure_can_prune(job_id)?;
			Self::do_prune(job_id, job)?;
			Ok(Pays::No.into())
		}
	}
}
