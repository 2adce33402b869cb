//! Storage records of the ExecutionLog.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use havn_primitives::{api::JobPhase, ComputeClass, Digest, Verdict, WorkflowId};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};

use crate::Config;
use frame_support::traits::fungible;
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{api::JobView, Attestation};

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

/// Most phase changes a job can go through: `Submitted`, `Assigned`, `Attesting`, `Finalized`,
/// `Challenged`, then `Finalized` or `Rejected` (six), with room to spare.
pub type MaxTimeline = ConstU32<8>;

/// A dispute opened on a finalized job.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxCommittee))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen))]
#[allow(clippy::multiple_bound_locations)]
pub struct Challenge<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxCommittee: Get<u32>,
> {
	/// Who opened it; their bond is held under `HoldReason::ChallengeBond`.
	pub challenger: AccountId,
	/// The bond held, in planck.
	pub bond: Balance,
	/// The adjudication committee (disjoint from the job's nodes and its original committee).
	pub committee: BoundedVec<AccountId, MaxCommittee>,
	/// Adjudication verdicts so far, in arrival order. The dispute is open while the job's phase
	/// is `Challenged`.
	pub verdicts: BoundedVec<(AccountId, Verdict), MaxCommittee>,
}

/// A job: one paid run of a workflow.
///
/// The full signed receipts live in the `Receipts` map; the job keeps only each node's
/// `runtime_hash`, which is all that quorum and re-execution checks need.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxRedundancy, MaxCommittee, MaxInputUriLen))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
#[allow(clippy::multiple_bound_locations)]
pub struct Job<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
	MaxRedundancy: Get<u32>,
	MaxCommittee: Get<u32>,
	MaxInputUriLen: Get<u32>,
> {
	/// The workflow run.
	pub workflow_id: WorkflowId,
	/// Who submitted and pays; the fee is held on this account while the job is open.
	pub payer: AccountId,
	/// The escrowed fee, in planck.
	pub fee: Balance,
	/// Compute class the job runs on (at least the workflow's class).
	pub compute_class: ComputeClass,
	/// The workflow's manifest digest when the job was submitted: the version nodes run and
	/// attestors re-execute, even if the owner publishes a new version meanwhile.
	pub manifest_hash: Digest,
	/// blake2-256 of the job's inputs.
	pub input_digest: H256,
	/// Where the inputs can be fetched (opaque bytes, usually a CID or URL).
	pub input_uri: BoundedVec<u8, MaxInputUriLen>,
	/// How many nodes run the job.
	pub redundancy: u8,
	/// Block at which the job expires if still open.
	pub deadline: BlockNumber,
	/// Block it was submitted in.
	pub submitted_at: BlockNumber,
	/// Current phase.
	pub phase: JobPhase,
	/// Nodes assigned (or that claimed it), in order.
	pub nodes: BoundedVec<AccountId, MaxRedundancy>,
	/// `(node, runtime_hash)` of every receipt received, in arrival order.
	pub receipts: BoundedVec<(AccountId, Digest), MaxRedundancy>,
	/// The attestation committee (never contains one of `nodes`).
	pub committee: BoundedVec<AccountId, MaxCommittee>,
	/// Whether validators must re-execute (a `Valid` verdict must carry the runtime hash).
	pub sampled: bool,
	/// Committee verdicts so far, in arrival order.
	pub verdicts: BoundedVec<(AccountId, Verdict), MaxCommittee>,
	/// Every phase change with the block it happened in, oldest first.
	pub timeline: BoundedVec<(JobPhase, BlockNumber), MaxTimeline>,
	/// Block it was finalized in (the challenge window starts there).
	pub finalized_at: Option<BlockNumber>,
	/// The dispute, if one was opened.
	pub challenge: Option<Challenge<AccountId, Balance, MaxCommittee>>,
	/// The storage deposit held on the payer (under `HoldReason::JobDeposit`) until the job is
	/// pruned, in planck; 0 for jobs submitted before storage version 1.
	pub deposit: Balance,
}

impl<AccountId, Balance, BlockNumber, R: Get<u32>, C: Get<u32>, U: Get<u32>>
	Job<AccountId, Balance, BlockNumber, R, C, U>
where
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	BlockNumber: Clone + PartialEq + Eq + Debug,
{
	/// Whether the job is still open (its fee is escrowed and it can expire).
	pub fn is_open(&self) -> bool {
		matches!(self.phase, JobPhase::Submitted | JobPhase::Assigned | JobPhase::Attesting)
	}

	/// The runtime hash the job is judged against: the one most receipts agree on, the earliest
	/// receipt winning ties. `None` before any receipt. See
	/// [`havn_primitives::rules::reference_hash`], which the off-chain services call too.
	pub fn reference_hash(&self) -> Option<Digest> {
		havn_primitives::rules::reference_hash(&self.receipts)
	}

	/// Whether every receipt carries the same runtime hash.
	pub fn receipts_agree(&self) -> bool {
		let mut iter = self.receipts.iter();
		match iter.next() {
			Some((_, first)) => iter.all(|(_, h)| h == first),
			None => true,
		}
	}

	/// Whether `who` is one of the job's nodes.
	pub fn is_node(&self, who: &AccountId) -> bool {
		self.nodes.iter().any(|n| n == who)
	}
}
