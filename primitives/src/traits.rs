//! Traits through which the Havn pallets call one another. Each pallet names the others only
//! through these traits in its `Config` (never through `Config` supertraits), so each can be
//! tested on a mock runtime and replaced on its own. Model: Acurast's `JobHooks`.
//!
//! | trait | implemented by | used by |
//! |---|---|---|
//! | [`StakeInspect`] | `pallet-stake-guard` | ExecutionLog, runtime API |
//! | [`StakeSlash`] | `pallet-stake-guard` | ExecutionLog |
//! | [`ReputationHooks`], [`ReputationInspect`] | `pallet-reputation` | ExecutionLog, StakeGuard, runtime API |
//! | [`WorkflowInspect`] | `pallet-workflow-registry` | ExecutionLog, PayoutRouter |
//! | [`DistributeFee`] | `pallet-payout-router` | ExecutionLog |

use crate::{
	ComputeClass, Digest, FeeShares, JobId, ReputationLevel, Role, RoyaltySplit, SlashReason,
	WorkflowId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{Perbill, Permill};
use sp_core::sr25519;
use sp_runtime::DispatchError;

/// Read access to bonded stake (StakeGuard).
pub trait StakeInspect<AccountId> {
	/// The role `who` is bonded for, if it has an active (not unbonding) bond.
	fn role(who: &AccountId) -> Option<Role>;
	/// Whether `who` is an execution node that may take a job of `class` now: bonded for `class`
	/// or a bigger one, at or above that class's collateral floor, not unbonding, not
	/// quarantined, with a registered receipt key.
	fn is_eligible_node(who: &AccountId, class: ComputeClass) -> bool;
	/// The sr25519 public key `who` registered for signing receipts.
	fn receipt_key(who: &AccountId) -> Option<sr25519::Public>;
	/// Whether `who` is an active attestation validator (bonded at or above the validator floor).
	fn is_active_validator(who: &AccountId) -> bool;
	/// Whether `who` is a bonded relay (may `assign` jobs).
	fn is_relay(who: &AccountId) -> bool;
	/// The active validators, sorted ascending by account id. Committees are drawn from this.
	fn active_validators() -> Vec<AccountId>;
}

/// Slashing of bonded stake (StakeGuard).
pub trait StakeSlash<AccountId, Balance> {
	/// Slash `fraction` of `who`'s bond for `reason`. Slashed funds go to the treasury. Returns the
	/// amount slashed, in planck (zero if `who` has no bond).
	fn slash(who: &AccountId, reason: SlashReason, fraction: Perbill) -> Balance;
}

/// An outcome that moves an account's reputation.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
	/// A node's job was finalized with a valid quorum.
	JobFinalized,
	/// A node's job was rejected by an invalid quorum or a successful challenge.
	JobRejected,
	/// A node let an assigned job expire.
	JobExpired,
	/// A validator's verdict matched the quorum.
	AttestationAgreed,
	/// A validator's verdict went against the quorum.
	AttestationDisagreed,
	/// A party won an adjudicated challenge.
	DisputeWon,
	/// A party lost an adjudicated challenge.
	DisputeLost,
	/// A node missed its heartbeats and was quarantined.
	Quarantined,
}

/// Writes to reputation (Reputation pallet).
pub trait ReputationHooks<AccountId> {
	/// Record `outcome` for `who`.
	fn record(who: &AccountId, outcome: Outcome);
}

/// Reads of reputation (Reputation pallet).
pub trait ReputationInspect<AccountId> {
	/// Current score, in [0, 1] (decay applied up to now).
	fn score(who: &AccountId) -> Permill;
	/// Level derived from the score.
	fn level(who: &AccountId) -> ReputationLevel;
}

/// What running a workflow costs and needs, from the WorkflowRegistry.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct WorkflowTerms<Balance> {
	/// Manifest digest the job runs.
	pub manifest_hash: Digest,
	/// Smallest compute class that can run it.
	pub compute_class: ComputeClass,
	/// Base fee per run before the compute-class multiplier, in planck.
	pub base_fee: Balance,
}

/// Who is paid when a workflow's job settles, from the WorkflowRegistry.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct WorkflowPayees<AccountId> {
	/// The workflow's current owner.
	pub creator: AccountId,
	/// Its royalty split.
	pub royalty: RoyaltySplit,
	/// Its dependencies, in declaration order: each one's workflow id, current owner (who is
	/// paid the royalty) and dependency weight. Weights sum to 100% for a non-empty list.
	pub upstream: Vec<UpstreamPayee<AccountId>>,
}

/// Read access to registered workflows (WorkflowRegistry).
pub trait WorkflowInspect<AccountId, Balance> {
	/// Terms for a new run of `id`. Errors if it does not exist, is deprecated or is flagged, or
	/// if its base fee or royalty split is below the governance floors (WorkflowRegistry's
	/// `MinBaseFee` and `MinShares`).
	fn invocable(id: WorkflowId) -> Result<WorkflowTerms<Balance>, DispatchError>;
	/// Payees for a settled run of `id` (available even if it was flagged after the job began).
	fn payees(id: WorkflowId) -> Option<WorkflowPayees<AccountId>>;
	/// How many dependencies `id` has (0 for an unknown workflow): the upstream payees of each
	/// of its runs, which the weight of a deciding attestation charges for (the payout's
	/// fan-out). One read of the workflow.
	fn dependency_count(id: WorkflowId) -> u32;
}

/// One dependency of a workflow, as paid upstream royalties: which workflow it is, who owns it
/// now and its dependency weight. See [`WorkflowPayees::upstream`].
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct UpstreamPayee<AccountId> {
	/// The dependency's workflow id.
	pub workflow_id: WorkflowId,
	/// Its current owner, who receives the royalty.
	pub creator: AccountId,
	/// Its dependency weight (the weights of a workflow's dependencies sum to 100%).
	pub weight: Permill,
}

/// A finalized job, ready to be paid.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct Settlement<AccountId, Balance> {
	/// The job.
	pub job_id: JobId,
	/// Its workflow.
	pub workflow_id: WorkflowId,
	/// Who submitted it; the fee is held on this account under the escrow hold reason.
	pub payer: AccountId,
	/// The escrowed fee to split, in planck.
	pub fee: Balance,
	/// Nodes whose receipts were accepted (share the node part equally).
	pub nodes: Vec<AccountId>,
	/// Validators whose verdict matched the quorum (share the validator part equally).
	pub validators: Vec<AccountId>,
}

/// Fee distribution (PayoutRouter).
pub trait DistributeFee<AccountId, Balance, Reason> {
	/// Pay `settlement.fee` from the payer's hold `escrow` to every party, exactly once per job:
	/// a second call for the same job fails and moves nothing. Returns the five shares.
	fn distribute(
		settlement: &Settlement<AccountId, Balance>,
		escrow: &Reason,
	) -> Result<FeeShares, DispatchError>;
	/// Whether `job` has been paid.
	fn is_settled(job: JobId) -> bool;
}

/// Whether the chain is in its emergency pause (safe mode). While it is, job intake and payouts
/// are halted by the call filter and ExecutionLog does no expiry work, so no job is lost.
pub trait IsPaused {
	/// `true` while paused.
	fn is_paused() -> bool;
}

impl IsPaused for () {
	fn is_paused() -> bool {
		false
	}
}
