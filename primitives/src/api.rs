//! The `HavnApi` runtime API: typed queries for wallets, polkadot.js, subxt and the
//! orchestrator. Every method returns typed records or a typed error, never opaque bytes.

use crate::{ComputeClass, Digest, JobId, ReputationLevel, Role, WorkflowId};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_arithmetic::Permill;

/// A fee quote for a would-be job.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct FeeQuote<Balance> {
	/// Workflow base fee, in planck.
	pub base_fee: Balance,
	/// Compute-class fee multiplier applied.
	pub class_multiplier: Permill,
	/// Multiplier as a whole number of times (the multiplier is `times + class_multiplier`).
	pub class_multiplier_times: u32,
	/// Redundancy (number of nodes that run the job).
	pub redundancy: u8,
	/// Total fee to escrow, in planck.
	pub total: Balance,
}

/// Why no quote can be given.
#[derive(Clone, Copy, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub enum QuoteError {
	/// No such workflow.
	UnknownWorkflow,
	/// The workflow is flagged or deprecated.
	NotInvocable,
	/// The requested compute class is smaller than the workflow needs.
	ClassTooSmall,
	/// Redundancy must be at least 1 and at most the runtime's maximum.
	BadRedundancy,
	/// The fee overflows.
	Overflow,
}

/// Where a job is in its life.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum JobPhase {
	/// Submitted, fee escrowed, waiting for a node.
	Submitted,
	/// Assigned to node(s), waiting for receipts.
	Assigned,
	/// Receipts in, waiting for the committee's quorum.
	Attesting,
	/// Valid quorum reached and paid.
	Finalized,
	/// Invalid quorum (or lost challenge): escrow refunded, node slashed.
	Rejected,
	/// Deadline passed: escrow refunded.
	Expired,
	/// Finalized, then challenged: a fresh committee is adjudicating.
	Challenged,
}

impl JobPhase {
	/// Whether the job takes no more receipts or verdicts: `Finalized` (paid; it may still be
	/// challenged within `ChallengeWindow` blocks), `Rejected` or `Expired`.
	pub fn is_closed(self) -> bool {
		matches!(self, Self::Finalized | Self::Rejected | Self::Expired)
	}

	/// Whether a committee is voting on the job: `Attesting`, or `Challenged` (adjudication).
	pub fn takes_verdicts(self) -> bool {
		matches!(self, Self::Attesting | Self::Challenged)
	}
}

/// A job as the runtime API reports it.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct JobView<AccountId, Balance, BlockNumber> {
	/// Job id.
	pub job_id: JobId,
	/// Workflow run.
	pub workflow_id: WorkflowId,
	/// Submitter.
	pub payer: AccountId,
	/// Escrowed fee, in planck.
	pub fee: Balance,
	/// Current phase.
	pub phase: JobPhase,
	/// Assigned nodes.
	pub nodes: Vec<AccountId>,
	/// Attestation committee.
	pub committee: Vec<AccountId>,
	/// Whether sampled for re-execution.
	pub sampled: bool,
	/// Valid and invalid verdicts so far.
	pub verdicts: (u32, u32),
	/// Every phase change, with the block it happened in, oldest first.
	pub timeline: Vec<(JobPhase, BlockNumber)>,
	/// Block after which the job expires.
	pub deadline: BlockNumber,
}

/// A workflow's earnings: "this workflow earned X HAI across Y runs".
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq, Default)]
pub struct WorkflowEarnings<Balance> {
	/// Settled runs.
	pub runs: u64,
	/// Fees paid for those runs, in planck.
	pub total_fees: Balance,
	/// Of which paid to the creator(s), in planck.
	pub creator_earned: Balance,
	/// Of which paid upstream as royalties to its dependencies, in planck.
	pub upstream_paid: Balance,
	/// Royalties this workflow's creator earned as a dependency of other workflows, in planck.
	pub earned_as_upstream: Balance,
}

/// An account's standing: stake, role and reputation.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct AccountStanding<Balance> {
	/// Bonded role, if any.
	pub role: Option<Role>,
	/// Bonded stake (held), in planck.
	pub bonded: Balance,
	/// Stake unbonding, in planck.
	pub unbonding: Balance,
	/// Whether quarantined for missed heartbeats.
	pub quarantined: bool,
	/// Reputation score in [0, 1].
	pub reputation: Permill,
	/// Reputation level.
	pub level: ReputationLevel,
	/// Total earned from payouts, in planck.
	pub earned: Balance,
}

/// A workflow's lineage: parents up to the root and direct dependencies.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct Lineage {
	/// The workflow.
	pub id: WorkflowId,
	/// Its manifest digest.
	pub manifest_hash: Digest,
	/// Declared parents, nearest first, up to the root.
	pub ancestors: Vec<WorkflowId>,
	/// Direct dependencies with weights.
	pub dependencies: Vec<(WorkflowId, Permill)>,
	/// Whether flagged by governance.
	pub flagged: bool,
}

sp_api::decl_runtime_apis! {
	/// Havn's typed queries.
	#[api_version(1)]
	pub trait HavnApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Quote the fee of a job of `workflow` on `class` with `redundancy` nodes.
		fn quote_fee(
			workflow: WorkflowId,
			class: ComputeClass,
			redundancy: u8,
		) -> Result<FeeQuote<Balance>, QuoteError>;
		/// A job's status and timeline.
		fn job(job_id: JobId) -> Option<JobView<AccountId, Balance, BlockNumber>>;
		/// A workflow's earnings and run count.
		fn workflow_earnings(workflow: WorkflowId) -> Option<WorkflowEarnings<Balance>>;
		/// A workflow's lineage.
		fn lineage(workflow: WorkflowId) -> Option<Lineage>;
		/// An account's stake, role, reputation and earnings.
		fn account(who: AccountId) -> AccountStanding<Balance>;
		/// The current lead aggregator (`None` without active validators): the validator whose
		/// `ExecutionLog::submit_attestations` batches are accepted in this block.
		fn lead_aggregator() -> Option<AccountId>;
		/// The committee deciding `job_id` now (the adjudication committee while the job is
		/// challenged); `None` for an unknown job.
		fn committee(job_id: JobId) -> Option<Vec<AccountId>>;
	}

	/// The check the node makes before an extrinsic reaches `TaggedTransactionQueue`
	/// (hardening finding 13 of `docs/security.md`): the runtime's API glue decodes the
	/// extrinsic argument of `validate_transaction` itself and traps on bytes it cannot decode
	/// (an argument over its bound, say), printing a panic and a wasm backtrace in the node's log
	/// for every such transaction. This call takes the raw bytes, which always decode, and
	/// decodes them as the runtime's extrinsic in the runtime, so it follows every runtime
	/// upgrade.
	#[api_version(1)]
	pub trait ExtrinsicCheckApi {
		/// `Ok` when `encoded` (the SCALE bytes of an extrinsic, as the pool holds them) decodes
		/// as this runtime's extrinsic, whole, within the extrinsic nesting limit;
		/// `InvalidTransaction::Call` otherwise.
		fn check_extrinsic(
			encoded: alloc::vec::Vec<u8>,
		) -> Result<(), sp_runtime::transaction_validity::TransactionValidityError>;
	}
}
