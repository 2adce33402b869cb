//! The JSON documents the REST API returns (also the OpenAPI schemas).
//!
//! Units: amounts are HAI planck as decimal strings (1 HAI = 10^12 planck); blocks are block
//! numbers; timestamps are ms since the Unix epoch; scores and weights are parts per million.

use crate::model::{Capabilities, GpuMetrics, RoyaltyPpm};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A workflow as listed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkflowSummary {
	/// Workflow id.
	pub id: u64,
	/// Current owner (paid the creator share).
	pub owner: String,
	/// Account that published it.
	pub creator: String,
	/// `workflow`, `model`, `lora` or `prompt`.
	pub kind: String,
	/// Current manifest digest, 0x-hex.
	pub manifest_hash: String,
	/// Current manifest URI.
	pub manifest_uri: String,
	/// Smallest compute class (`S`, `M`, `L`, `XL`).
	pub compute_class: String,
	/// Base fee per run, planck.
	pub base_fee: String,
	/// Royalty split, ppm.
	pub royalty: RoyaltyPpm,
	/// Declared parent.
	pub parent: Option<u64>,
	/// Lineage depth.
	pub depth: u32,
	/// Current version (from 1).
	pub version: u32,
	/// `active` or `deprecated`.
	pub status: String,
	/// Whether governance flagged it (it cannot be run).
	pub flagged: bool,
	/// Governance's reason, while flagged.
	pub flag_reason: Option<String>,
	/// Deposit held on the owner, planck.
	pub deposit: String,
	/// Block first published in.
	pub created_block: u32,
	/// Block of the last change.
	pub updated_block: u32,
}

/// A page of workflows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkflowPage {
	/// The workflows, lowest id first.
	pub items: Vec<WorkflowSummary>,
	/// How many there are in all.
	pub total: u64,
	/// Page size.
	pub limit: u32,
	/// Rows skipped.
	pub offset: u64,
}

/// One manifest version.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionView {
	/// Version number (from 1).
	pub version: u32,
	/// Manifest digest, 0x-hex.
	pub manifest_hash: String,
	/// Manifest URI.
	pub manifest_uri: Option<String>,
	/// Block published in.
	pub block: u32,
}

/// A weighted link between workflows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DependencyView {
	/// The other workflow.
	pub workflow_id: u64,
	/// Weight in the upstream pool, ppm.
	pub weight_ppm: u32,
}

/// Where a workflow comes from and what builds on it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LineageView {
	/// Parents up to the root, nearest first.
	pub ancestors: Vec<u64>,
	/// Direct dependencies with weights.
	pub dependencies: Vec<DependencyView>,
	/// Workflows that depend on this one, with the weight they give it.
	pub dependants: Vec<DependencyView>,
	/// Workflows that declare this one as their parent.
	pub derivatives: Vec<u64>,
}

/// Planck amounts per payee role.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct RoleAmounts {
	/// Creator, planck.
	pub creator: String,
	/// Upstream, planck.
	pub upstream: String,
	/// Nodes, planck.
	pub node: String,
	/// Validators, planck.
	pub validator: String,
	/// Treasury, planck.
	pub treasury: String,
}

/// Earnings from the indexed payouts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IndexedEarnings {
	/// Settled runs.
	pub runs: u64,
	/// Fees of those runs, planck.
	pub total_fees: String,
	/// How those fees were paid, per role, planck.
	pub paid_by_role: RoleAmounts,
	/// Upstream royalties paid to this workflow's owner by other workflows' runs, planck (may
	/// include royalties for other workflows of the same owner).
	pub owner_upstream_income: String,
}

/// `HavnApi::workflow_earnings` as the chain reports it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChainEarnings {
	/// Settled runs.
	pub runs: u64,
	/// Fees paid for those runs, planck.
	pub total_fees: String,
	/// Paid to the creator(s), planck.
	pub creator_earned: String,
	/// Paid upstream to dependencies, planck.
	pub upstream_paid: String,
	/// Earned as a dependency of other workflows, planck.
	pub earned_as_upstream: String,
}

/// A workflow's earnings.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EarningsView {
	/// From the indexed payouts.
	pub indexed: IndexedEarnings,
	/// From the chain's runtime API; `null` when the chain is not reachable.
	pub chain: Option<ChainEarnings>,
}

/// A workflow with its history, lineage, runs and earnings.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkflowDetail {
	/// The record.
	#[serde(flatten)]
	pub workflow: WorkflowSummary,
	/// Every manifest version, oldest first.
	pub versions: Vec<VersionView>,
	/// Lineage.
	pub lineage: LineageView,
	/// The latest runs, newest first (at most 20).
	pub recent_runs: Vec<JobSummary>,
	/// Earnings.
	pub earnings: EarningsView,
}

/// Valid and invalid verdicts of the deciding committee.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Verdicts {
	/// Valid verdicts.
	pub valid: u32,
	/// Invalid verdicts.
	pub invalid: u32,
}

/// A job as listed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct JobSummary {
	/// Job id.
	pub id: u64,
	/// Workflow run.
	pub workflow_id: u64,
	/// Payer.
	pub payer: String,
	/// Escrowed fee, planck.
	pub fee: String,
	/// Compute class.
	pub compute_class: String,
	/// Nodes that run it.
	pub redundancy: Option<u8>,
	/// `submitted`, `assigned`, `attesting`, `finalized`, `rejected`, `expired` or
	/// `challenged`.
	pub phase: String,
	/// Block submitted in.
	pub submitted_block: u32,
	/// Block it expires in if still open.
	pub deadline: u32,
	/// Nodes, in order.
	pub nodes: Vec<String>,
	/// Block assigned in.
	pub assigned_block: Option<u32>,
	/// Block finalized in.
	pub finalized_block: Option<u32>,
	/// Block of its latest terminal phase (finalized, rejected, expired).
	pub closed_block: Option<u32>,
	/// Block in which the chain pruned the job's record (and returned its storage deposit);
	/// the index keeps the job.
	pub pruned_block: Option<u32>,
	/// Whether sampled for re-execution.
	pub sampled: bool,
	/// Verdicts so far.
	pub verdicts: Verdicts,
	/// Block of the last change.
	pub updated_block: u32,
}

/// A page of jobs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct JobPage {
	/// The jobs, newest first.
	pub items: Vec<JobSummary>,
	/// How many match in all.
	pub total: u64,
	/// Page size.
	pub limit: u32,
	/// Rows skipped.
	pub offset: u64,
}

/// One phase change of a job.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
	/// The phase entered.
	pub phase: String,
	/// Block.
	pub block: u32,
	/// Block timestamp, ms.
	pub timestamp_ms: u64,
	/// The event that caused it.
	pub event: String,
}

/// An indexed chain event.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventView {
	/// Block.
	pub block: u32,
	/// Index among the block's events.
	pub event_index: u32,
	/// Pallet.
	pub pallet: String,
	/// Event name.
	pub name: String,
	/// Block timestamp, ms.
	pub timestamp_ms: u64,
	/// The event's fields (amounts as decimal strings).
	#[schema(value_type = Object)]
	pub data: serde_json::Value,
}

/// A node's signed receipt.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReceiptView {
	/// Node.
	pub node: String,
	/// Runtime hash, 0x-hex.
	pub runtime_hash: String,
	/// Outputs CID.
	pub outputs_cid: String,
	/// Execution time, ms.
	pub latency_ms: Option<u32>,
	/// Energy, millijoules.
	pub energy_mj: Option<u64>,
	/// sr25519 signature, 0x-hex.
	pub signature: Option<String>,
	/// Block included in.
	pub block: u32,
}

/// An on-chain verdict.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AttestationView {
	/// Validator.
	pub validator: String,
	/// `valid` or `invalid`.
	pub verdict: String,
	/// Re-execution digest, 0x-hex, when known.
	pub reexecution_digest: Option<String>,
	/// `attestation` (the committee) or `adjudication` (a challenge).
	pub stage: String,
	/// Block included in.
	pub block: u32,
	/// Lead aggregator that batched it.
	pub batched_by: Option<String>,
}

/// A payment of the PayoutRouter.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PayoutView {
	/// Payee.
	pub payee: String,
	/// `creator`, `upstream`, `node`, `validator` or `treasury`.
	pub role: String,
	/// Amount, planck.
	pub amount: String,
	/// Block paid in.
	pub block: u32,
}

/// A job with everything that happened to it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct JobDetail {
	/// The job.
	#[serde(flatten)]
	pub job: JobSummary,
	/// blake2-256 of the inputs, 0x-hex.
	pub input_digest: Option<String>,
	/// Where the inputs are.
	pub input_uri: Option<String>,
	/// Relay (or last claiming node) that completed the assignment.
	pub assigned_by: Option<String>,
	/// Attestation committee.
	pub committee: Vec<String>,
	/// Adjudication committee, when challenged.
	pub adjudicators: Option<Vec<String>>,
	/// Challenger, when challenged.
	pub challenger: Option<String>,
	/// Every phase change, oldest first.
	pub timeline: Vec<TimelineEntry>,
	/// Every indexed event about the job, oldest first.
	pub events: Vec<EventView>,
	/// Receipts.
	pub receipts: Vec<ReceiptView>,
	/// Verdicts.
	pub attestations: Vec<AttestationView>,
	/// Payments.
	pub payouts: Vec<PayoutView>,
}

/// An execution node.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NodeView {
	/// Account.
	pub account: String,
	/// Bonded class.
	pub compute_class: Option<String>,
	/// Active stake, planck.
	pub bonded: String,
	/// Stake unbonding, planck.
	pub unbonding: String,
	/// Slashed in all, planck.
	pub slashed: String,
	/// Earned in all, planck.
	pub earned: String,
	/// Receipt key, 0x-hex.
	pub receipt_key: Option<String>,
	/// Declared capabilities.
	pub capabilities: Option<Capabilities>,
	/// Block registered in.
	pub registered_block: Option<u32>,
	/// Block of the last heartbeat.
	pub last_heartbeat: Option<u32>,
	/// Blocks since the last heartbeat, at the indexed height.
	pub heartbeat_age_blocks: Option<u32>,
	/// Whether quarantined (no heartbeat for more than `3 × heartbeat epoch` blocks).
	pub quarantined: bool,
	/// Telemetry of the last heartbeat.
	pub gpu_metrics: Option<GpuMetrics>,
	/// Reputation score, ppm (newcomers 500,000).
	pub reputation_ppm: u32,
	/// Jobs ever assigned.
	pub jobs_assigned: u64,
	/// Jobs assigned and not yet decided.
	pub jobs_open: u64,
	/// Jobs finalized.
	pub jobs_finalized: u64,
}

/// A page of nodes.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NodePage {
	/// Nodes, by account.
	pub items: Vec<NodeView>,
	/// How many there are.
	pub total: u64,
	/// Page size.
	pub limit: u32,
	/// Rows skipped.
	pub offset: u64,
}

/// An attestation validator.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ValidatorView {
	/// Account.
	pub account: String,
	/// Active stake, planck.
	pub bonded: String,
	/// Stake unbonding, planck.
	pub unbonding: String,
	/// Slashed in all, planck.
	pub slashed: String,
	/// Earned in all, planck.
	pub earned: String,
	/// Whether in StakeGuard's active validator set.
	pub active: bool,
	/// Reputation score, ppm.
	pub reputation_ppm: u32,
	/// Verdicts recorded on-chain.
	pub attestations: u64,
}

/// A page of validators.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ValidatorPage {
	/// Validators, by account.
	pub items: Vec<ValidatorView>,
	/// How many there are.
	pub total: u64,
	/// Page size.
	pub limit: u32,
	/// Rows skipped.
	pub offset: u64,
}

/// Network totals.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Dashboard {
	/// Registered workflows.
	pub workflows: u64,
	/// Jobs in all.
	pub jobs: u64,
	/// Jobs per phase (every phase listed).
	pub jobs_by_phase: BTreeMap<String, u64>,
	/// Settled jobs.
	pub jobs_settled: u64,
	/// Fees of settled jobs, planck.
	pub fees_settled: String,
	/// Fees paid per role, planck.
	pub paid_by_role: RoleAmounts,
	/// HAI dripped by the faucet, planck.
	pub faucet_dripped: String,
	/// Execution nodes bonded.
	pub nodes: u64,
	/// Nodes that heartbeated within the last heartbeat epoch.
	pub active_nodes: u64,
	/// Active validators.
	pub active_validators: u64,
	/// Bonded relays.
	pub relays: u64,
	/// Last indexed block.
	pub indexed_block: Option<u32>,
	/// Finalized head of the chain.
	pub finalized_block: Option<u32>,
	/// Finalized minus indexed, blocks.
	pub lag_blocks: Option<u32>,
}

/// Service health.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Health {
	/// `ok` (database reachable, chain connected), `degraded` (chain not connected: the index
	/// may be behind), `pruned` (the node discarded the state of the next block to index: it
	/// must keep history) or `unavailable` (database down).
	pub status: String,
	/// What is wrong and how to fix it, when `status` is not `ok`.
	pub problem: Option<String>,
	/// Last indexed block.
	pub indexed_block: Option<u32>,
	/// Finalized head of the chain, as last seen.
	pub finalized_block: Option<u32>,
}

/// A stored artifact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ArtifactStored {
	/// CIDv1 (raw, sha2-256, base32).
	pub cid: String,
	/// Size, bytes.
	pub size: u64,
}

/// An attestation in the pool.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PooledAttestation {
	/// Job.
	pub job_id: u64,
	/// Validator (SS58).
	pub validator: String,
	/// `valid` or `invalid`.
	pub verdict: String,
	/// Re-execution digest, 0x-hex.
	pub reexecution_digest: Option<String>,
	/// sr25519 signature over the attestation's signing payload, 0x-hex (64 bytes).
	pub signature: String,
	/// When received, ms since the Unix epoch.
	pub received_at_ms: u64,
	/// Block the verdict was seen on-chain in; `null` while pending.
	pub included_block: Option<u32>,
}

/// A page of pending attestations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PendingAttestations {
	/// Not yet seen on-chain, for jobs still taking verdicts, received within the pool's TTL;
	/// oldest first.
	pub items: Vec<PooledAttestation>,
	/// Cursor of the next page (pass it as `after`); `null` on the last page.
	pub next: Option<String>,
}
