//! What the indexer extracts from one finalized block, independent of the chain client.
//!
//! The indexer decodes every Havn event of a block (with the storage records it needs, read at
//! that block) into a [`BlockData`]; [`crate::db::Db::apply_block`] writes it in one
//! transaction. Tests build [`BlockData`] by hand and go through the same write path.
//!
//! Units: amounts are HAI planck ([`Planck`], 12 decimals), blocks are block numbers,
//! `latency_ms` milliseconds, `energy_mj` millijoules, scores parts per million.

use havn_primitives::{ComputeClass, JobId, WorkflowId};
use serde::{Serialize, Serializer};

/// An account in canonical SS58 form (prefix 42).
pub type Account = String;

/// An amount of HAI planck (1 HAI = 10^12 planck). Serialized as a decimal string, because
/// JSON numbers cannot carry a u128 exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Planck(pub u128);

impl Serialize for Planck {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&self.0.to_string())
	}
}

impl std::fmt::Display for Planck {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		self.0.fmt(f)
	}
}

/// One finalized block and the Havn events in it.
#[derive(Clone, Debug)]
pub struct BlockData {
	/// Block number.
	pub number: u32,
	/// Block hash, 0x-hex.
	pub hash: String,
	/// Parent hash, 0x-hex.
	pub parent_hash: String,
	/// `Timestamp::Now` at this block, in ms since the Unix epoch.
	pub timestamp_ms: u64,
	/// The Havn events of the block, with their index among all the block's events.
	pub events: Vec<IndexedEvent>,
	/// StakeGuard's active validator set after this block, when the block touched stake (the
	/// indexer reads it then); `None` leaves the stored set as it is.
	pub validators: Option<Vec<Account>>,
}

/// A Havn event and its position in its block.
#[derive(Clone, Debug)]
pub struct IndexedEvent {
	/// Index among all the events of the block (`System::Events`).
	pub index: u32,
	/// The decoded event.
	pub event: HavnEvent,
}

/// Role of a bond, as the orchestrator stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BondRole {
	/// An execution node of a compute class.
	ExecutionNode,
	/// An attestation validator.
	Validator,
	/// A relay (routes jobs).
	Relay,
}

impl BondRole {
	/// The stored name.
	pub fn as_str(self) -> &'static str {
		self.into()
	}

	/// Split a chain role into the stored role and the node's compute class.
	pub fn from_role(role: havn_primitives::Role) -> (Self, Option<ComputeClass>) {
		match role {
			havn_primitives::Role::ExecutionNode(class) => (Self::ExecutionNode, Some(class)),
			havn_primitives::Role::Validator => (Self::Validator, None),
			havn_primitives::Role::Relay => (Self::Relay, None),
		}
	}
}

/// Who a PayoutRouter payment went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PayeeRole {
	/// The workflow's creator.
	Creator,
	/// A dependency's creator.
	Upstream,
	/// An execution node.
	Node,
	/// A validator.
	Validator,
	/// The treasury.
	Treasury,
}

impl PayeeRole {
	/// Every role, in payment order.
	pub const ALL: [PayeeRole; 5] =
		[Self::Creator, Self::Upstream, Self::Node, Self::Validator, Self::Treasury];

	/// The stored name.
	pub fn as_str(self) -> &'static str {
		self.into()
	}
}

/// Every stored job phase name (`JobPhase`'s names).
pub const PHASES: &[&str] = <havn_primitives::api::JobPhase as strum::VariantNames>::VARIANTS;

/// The five parts of a royalty split, in parts per million.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RoyaltyPpm {
	/// Creator share, ppm.
	pub creator: u32,
	/// Upstream (dependencies) share, ppm.
	pub upstream: u32,
	/// Node share, ppm.
	pub node: u32,
	/// Validators share, ppm.
	pub validators: u32,
	/// Treasury share, ppm.
	pub treasury: u32,
}

impl From<havn_primitives::RoyaltySplit> for RoyaltyPpm {
	fn from(r: havn_primitives::RoyaltySplit) -> Self {
		Self {
			creator: r.creator.deconstruct(),
			upstream: r.upstream.deconstruct(),
			node: r.node.deconstruct(),
			validators: r.validators.deconstruct(),
			treasury: r.treasury.deconstruct(),
		}
	}
}

/// A workflow record as `WorkflowRegistry::Workflows(id)` holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkflowRecord {
	/// Current owner.
	pub owner: Account,
	/// Kind (`workflow`, `model`, `lora`, `prompt`).
	pub kind: &'static str,
	/// Current manifest digest, 0x-hex.
	pub manifest_hash: String,
	/// Current manifest URI (UTF-8, lossy).
	pub manifest_uri: String,
	/// Smallest compute class that can run it.
	pub compute_class: ComputeClass,
	/// Base fee per run, planck.
	pub base_fee: Planck,
	/// Royalty split.
	pub royalty: RoyaltyPpm,
	/// Dependencies with weights (ppm).
	pub dependencies: Vec<(WorkflowId, u32)>,
	/// Declared parent.
	pub parent: Option<WorkflowId>,
	/// Lineage depth.
	pub depth: u32,
	/// Current version (from 1).
	pub version: u32,
	/// Whether deprecated by its owner.
	pub deprecated: bool,
	/// Governance's flag reason, while flagged.
	pub flag: Option<String>,
	/// Deposit held, planck.
	pub deposit: Planck,
	/// Block first published in.
	pub created_at: u32,
}

/// Storage fields of a job the `JobSubmitted` event does not carry (`ExecutionLog::Jobs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobDetails {
	/// Nodes that run the job.
	pub redundancy: u8,
	/// blake2-256 of the inputs, 0x-hex.
	pub input_digest: String,
	/// Where to fetch the inputs (UTF-8, lossy).
	pub input_uri: String,
}

/// Storage fields of a receipt the `ReceiptSubmitted` event does not carry
/// (`ExecutionLog::Receipts(job, node)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptDetails {
	/// Execution time, ms.
	pub latency_ms: u32,
	/// Energy used, millijoules.
	pub energy_mj: u64,
	/// The node's sr25519 signature, 0x-hex.
	pub signature: String,
}

/// What an execution node declared in `register_node`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Capabilities {
	/// Compute class.
	#[schema(value_type = String, example = "M")]
	pub compute_class: ComputeClass,
	/// GPU model (empty for CPU nodes).
	pub gpu_model: String,
	/// GPU memory, GiB.
	pub vram_gib: u32,
	/// Models available locally.
	pub models: Vec<String>,
}

/// GPU telemetry of a heartbeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GpuMetrics {
	/// Utilisation, percent.
	pub utilization_percent: u8,
	/// Memory in use, MiB.
	pub memory_used_mib: u32,
	/// Power draw, mW.
	pub power_milliwatts: u32,
	/// Temperature, °C.
	pub temperature_c: u8,
}

/// The paid shares of a settled job, planck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shares {
	/// Creator.
	pub creator: Planck,
	/// Upstream.
	pub upstream: Planck,
	/// Nodes.
	pub node: Planck,
	/// Validators.
	pub validators: Planck,
	/// Treasury.
	pub treasury: Planck,
}

/// Every Havn event the orchestrator indexes (WorkflowRegistry, StakeGuard, ExecutionLog,
/// PayoutRouter, Reputation, Faucet), with the storage data fetched for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "name", content = "data")]
pub enum HavnEvent {
	// ----- WorkflowRegistry
	/// `WorkflowPublished`, with the record read at that block.
	WorkflowPublished {
		/// Workflow id.
		id: WorkflowId,
		/// Owner.
		owner: Account,
		/// First manifest digest.
		manifest_hash: String,
		/// Parent.
		parent: Option<WorkflowId>,
		/// The record read at the end of this block (later events of the block may already
		/// show in it).
		record: WorkflowRecord,
		/// URI of the first manifest (`Versions(id, 1)`), UTF-8, lossy.
		first_manifest_uri: String,
	},
	/// `WorkflowVersionPublished`, with the version's URI read at that block.
	WorkflowVersionPublished {
		/// Workflow id.
		id: WorkflowId,
		/// New version.
		version: u32,
		/// Its manifest digest.
		manifest_hash: String,
		/// Its manifest URI (UTF-8, lossy).
		manifest_uri: String,
	},
	/// `OwnershipTransferred`.
	OwnershipTransferred {
		/// Workflow id.
		id: WorkflowId,
		/// Previous owner.
		from: Account,
		/// New owner.
		to: Account,
	},
	/// `WorkflowDeprecated`.
	WorkflowDeprecated {
		/// Workflow id.
		id: WorkflowId,
	},
	/// `WorkflowFlagged`.
	WorkflowFlagged {
		/// Workflow id.
		id: WorkflowId,
		/// Reason (UTF-8, lossy).
		reason: String,
	},
	/// `WorkflowUnflagged`.
	WorkflowUnflagged {
		/// Workflow id.
		id: WorkflowId,
	},
	// ----- StakeGuard
	/// `Bonded`.
	Bonded {
		/// Account.
		who: Account,
		/// Role.
		role: BondRole,
		/// Node class for an execution node.
		compute_class: Option<ComputeClass>,
		/// Amount, planck.
		amount: Planck,
	},
	/// `BondedExtra`.
	BondedExtra {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
	},
	/// `NodeRegistered`, with the capabilities read at that block.
	NodeRegistered {
		/// Node.
		who: Account,
		/// Receipt key, 0x-hex.
		receipt_key: String,
		/// Capabilities read at the end of this block (`None` if the bond closed in it).
		capabilities: Option<Capabilities>,
	},
	/// `HeartbeatReceived`, with the metrics read at that block.
	HeartbeatReceived {
		/// Node.
		who: Account,
		/// Block of the heartbeat.
		block: u32,
		/// Telemetry sent with it.
		metrics: Option<GpuMetrics>,
	},
	/// `NodeQuarantineLifted`.
	NodeQuarantineLifted {
		/// Node.
		who: Account,
		/// Previous heartbeat block.
		last_heartbeat: u32,
	},
	/// `Unbonded`.
	Unbonded {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
		/// First withdrawable block.
		unlock_at: u32,
	},
	/// `Withdrawn`.
	Withdrawn {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
	},
	/// `BondClosed`.
	BondClosed {
		/// Account.
		who: Account,
	},
	/// `Slashed`.
	Slashed {
		/// Account.
		who: Account,
		/// Reason (`fraud`, `downtime`, `collusion`; a rejected challenge's bond moves to the
		/// treasury on hold, it is not a slash).
		reason: &'static str,
		/// Amount, planck.
		amount: Planck,
	},
	// ----- ExecutionLog
	/// `JobSubmitted`, with the job's storage details at that block.
	JobSubmitted {
		/// Job id.
		job_id: JobId,
		/// Workflow.
		workflow_id: WorkflowId,
		/// Payer.
		payer: Account,
		/// Escrowed fee, planck.
		fee: Planck,
		/// Compute class.
		compute_class: ComputeClass,
		/// Expiry block.
		deadline: u32,
		/// Redundancy and inputs.
		details: JobDetails,
	},
	/// `JobAssigned`.
	JobAssigned {
		/// Job id.
		job_id: JobId,
		/// Nodes, in order.
		nodes: Vec<Account>,
		/// Relay (or the last claiming node).
		by: Account,
	},
	/// `JobClaimed`.
	JobClaimed {
		/// Job id.
		job_id: JobId,
		/// Node.
		node: Account,
	},
	/// `ReceiptSubmitted`, with the receipt's storage details at that block.
	ReceiptSubmitted {
		/// Job id.
		job_id: JobId,
		/// Node.
		node: Account,
		/// Runtime hash, 0x-hex.
		runtime_hash: String,
		/// Outputs CID.
		outputs_cid: String,
		/// Latency, energy and signature.
		details: ReceiptDetails,
	},
	/// `JobAttesting`.
	JobAttesting {
		/// Job id.
		job_id: JobId,
		/// Committee.
		committee: Vec<Account>,
		/// Whether sampled for re-execution.
		sampled: bool,
	},
	/// `AttestationSubmitted`, with what the extrinsic carried.
	AttestationSubmitted {
		/// Job id.
		job_id: JobId,
		/// Validator.
		validator: Account,
		/// `valid` or `invalid`.
		verdict: &'static str,
		/// The re-execution digest of the attestation, 0x-hex, when known.
		reexecution_digest: Option<String>,
		/// The lead aggregator that batched it, if batched.
		batched_by: Option<Account>,
	},
	/// `AttestationsBatched`.
	AttestationsBatched {
		/// Lead aggregator.
		aggregator: Account,
		/// Number of attestations.
		count: u32,
	},
	/// `JobFinalized`.
	JobFinalized {
		/// Job id.
		job_id: JobId,
		/// Fee, planck.
		fee: Planck,
	},
	/// `JobRejected`.
	JobRejected {
		/// Job id.
		job_id: JobId,
	},
	/// `JobExpired`.
	JobExpired {
		/// Job id.
		job_id: JobId,
	},
	/// `JobChallenged`.
	JobChallenged {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
		/// Adjudication committee.
		committee: Vec<Account>,
	},
	/// `ChallengeUpheld`.
	ChallengeUpheld {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
	},
	/// `ChallengeRejected`.
	ChallengeRejected {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
		/// Bond sent to the treasury, planck.
		bond: Planck,
	},
	// ----- PayoutRouter
	/// `FeePaid`.
	FeePaid {
		/// Job id.
		job_id: JobId,
		/// Payee.
		payee: Account,
		/// Role.
		role: PayeeRole,
		/// Amount, planck.
		amount: Planck,
	},
	/// `PaymentRedirected` (the treasury's `FeePaid` carries the money).
	PaymentRedirected {
		/// Job id.
		job_id: JobId,
		/// Intended payee.
		payee: Account,
		/// Role.
		role: PayeeRole,
		/// Amount, planck.
		amount: Planck,
	},
	/// `JobSettled`.
	JobSettled {
		/// Job id.
		job_id: JobId,
		/// Workflow.
		workflow_id: WorkflowId,
		/// Fee, planck.
		fee: Planck,
		/// Paid shares.
		shares: Shares,
	},
	// ----- Reputation
	/// `ReputationUpdated`.
	ReputationUpdated {
		/// Account.
		who: Account,
		/// Outcome (`job_finalized`, `attestation_agreed`, …).
		outcome: &'static str,
		/// New score, ppm.
		score_ppm: u32,
	},
	/// `ReputationReset`.
	ReputationReset {
		/// Account.
		who: Account,
	},
	// ----- Faucet
	/// `Dripped`.
	Dripped {
		/// Account paid.
		who: Account,
		/// Amount, planck.
		amount: Planck,
	},
	/// `FaucetToggled`.
	FaucetToggled {
		/// Whether claims are accepted.
		enabled: bool,
	},
}

/// Score of an account with no reputation evidence (a newcomer): 50%, in ppm.
pub const NEWCOMER_SCORE_PPM: u32 = 500_000;

impl HavnEvent {
	/// The pallet and event names.
	pub fn names(&self) -> (&'static str, &'static str) {
		use HavnEvent::*;
		match self {
			WorkflowPublished { .. } => ("WorkflowRegistry", "WorkflowPublished"),
			WorkflowVersionPublished { .. } => ("WorkflowRegistry", "WorkflowVersionPublished"),
			OwnershipTransferred { .. } => ("WorkflowRegistry", "OwnershipTransferred"),
			WorkflowDeprecated { .. } => ("WorkflowRegistry", "WorkflowDeprecated"),
			WorkflowFlagged { .. } => ("WorkflowRegistry", "WorkflowFlagged"),
			WorkflowUnflagged { .. } => ("WorkflowRegistry", "WorkflowUnflagged"),
			Bonded { .. } => ("StakeGuard", "Bonded"),
			BondedExtra { .. } => ("StakeGuard", "BondedExtra"),
			NodeRegistered { .. } => ("StakeGuard", "NodeRegistered"),
			HeartbeatReceived { .. } => ("StakeGuard", "HeartbeatReceived"),
			NodeQuarantineLifted { .. } => ("StakeGuard", "NodeQuarantineLifted"),
			Unbonded { .. } => ("StakeGuard", "Unbonded"),
			Withdrawn { .. } => ("StakeGuard", "Withdrawn"),
			BondClosed { .. } => ("StakeGuard", "BondClosed"),
			Slashed { .. } => ("StakeGuard", "Slashed"),
			JobSubmitted { .. } => ("ExecutionLog", "JobSubmitted"),
			JobAssigned { .. } => ("ExecutionLog", "JobAssigned"),
			JobClaimed { .. } => ("ExecutionLog", "JobClaimed"),
			ReceiptSubmitted { .. } => ("ExecutionLog", "ReceiptSubmitted"),
			JobAttesting { .. } => ("ExecutionLog", "JobAttesting"),
			AttestationSubmitted { .. } => ("ExecutionLog", "AttestationSubmitted"),
			AttestationsBatched { .. } => ("ExecutionLog", "AttestationsBatched"),
			JobFinalized { .. } => ("ExecutionLog", "JobFinalized"),
			JobRejected { .. } => ("ExecutionLog", "JobRejected"),
			JobExpired { .. } => ("ExecutionLog", "JobExpired"),
			JobChallenged { .. } => ("ExecutionLog", "JobChallenged"),
			ChallengeUpheld { .. } => ("ExecutionLog", "ChallengeUpheld"),
			ChallengeRejected { .. } => ("ExecutionLog", "ChallengeRejected"),
			FeePaid { .. } => ("PayoutRouter", "FeePaid"),
			PaymentRedirected { .. } => ("PayoutRouter", "PaymentRedirected"),
			JobSettled { .. } => ("PayoutRouter", "JobSettled"),
			ReputationUpdated { .. } => ("Reputation", "ReputationUpdated"),
			ReputationReset { .. } => ("Reputation", "ReputationReset"),
			Dripped { .. } => ("Faucet", "Dripped"),
			FaucetToggled { .. } => ("Faucet", "FaucetToggled"),
		}
	}

	/// The job the event is about, if any.
	pub fn job_id(&self) -> Option<JobId> {
		use HavnEvent::*;
		match self {
			JobSubmitted { job_id, .. }
			| JobAssigned { job_id, .. }
			| JobClaimed { job_id, .. }
			| ReceiptSubmitted { job_id, .. }
			| JobAttesting { job_id, .. }
			| AttestationSubmitted { job_id, .. }
			| JobFinalized { job_id, .. }
			| JobRejected { job_id }
			| JobExpired { job_id }
			| JobChallenged { job_id, .. }
			| ChallengeUpheld { job_id, .. }
			| ChallengeRejected { job_id, .. }
			| FeePaid { job_id, .. }
			| PaymentRedirected { job_id, .. }
			| JobSettled { job_id, .. } => Some(*job_id),
			_ => None,
		}
	}

	/// The workflow the event is about, if any.
	pub fn workflow_id(&self) -> Option<WorkflowId> {
		use HavnEvent::*;
		match self {
			WorkflowPublished { id, .. }
			| WorkflowVersionPublished { id, .. }
			| OwnershipTransferred { id, .. }
			| WorkflowDeprecated { id }
			| WorkflowFlagged { id, .. }
			| WorkflowUnflagged { id } => Some(*id),
			JobSubmitted { workflow_id, .. } | JobSettled { workflow_id, .. } => Some(*workflow_id),
			_ => None,
		}
	}

	/// The main account the event is about, if any.
	pub fn account(&self) -> Option<&Account> {
		use HavnEvent::*;
		match self {
			WorkflowPublished { owner, .. } => Some(owner),
			OwnershipTransferred { to, .. } => Some(to),
			Bonded { who, .. }
			| BondedExtra { who, .. }
			| NodeRegistered { who, .. }
			| HeartbeatReceived { who, .. }
			| NodeQuarantineLifted { who, .. }
			| Unbonded { who, .. }
			| Withdrawn { who, .. }
			| BondClosed { who }
			| Slashed { who, .. }
			| ReputationUpdated { who, .. }
			| ReputationReset { who }
			| Dripped { who, .. } => Some(who),
			JobSubmitted { payer, .. } => Some(payer),
			JobAssigned { by, .. } => Some(by),
			JobClaimed { node, .. } | ReceiptSubmitted { node, .. } => Some(node),
			AttestationSubmitted { validator, .. } => Some(validator),
			AttestationsBatched { aggregator, .. } => Some(aggregator),
			JobChallenged { challenger, .. }
			| ChallengeUpheld { challenger, .. }
			| ChallengeRejected { challenger, .. } => Some(challenger),
			FeePaid { payee, .. } | PaymentRedirected { payee, .. } => Some(payee),
			_ => None,
		}
	}

	/// The phase a job enters with this event, if it changes the job's phase.
	pub fn phase(&self) -> Option<&'static str> {
		use HavnEvent::*;
		match self {
			JobSubmitted { .. } => Some("submitted"),
			JobAssigned { .. } => Some("assigned"),
			JobAttesting { .. } => Some("attesting"),
			JobFinalized { .. } | ChallengeRejected { .. } => Some("finalized"),
			JobRejected { .. } | ChallengeUpheld { .. } => Some("rejected"),
			JobExpired { .. } => Some("expired"),
			JobChallenged { .. } => Some("challenged"),
			_ => None,
		}
	}

	/// The event's fields as JSON (the `data` column).
	pub fn data(&self) -> serde_json::Value {
		match serde_json::to_value(self) {
			Ok(serde_json::Value::Object(mut map)) => {
				map.remove("data").unwrap_or(serde_json::Value::Null)
			}
			_ => serde_json::Value::Null,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn data_is_the_fields_with_amounts_as_strings() {
		let ev = HavnEvent::FeePaid {
			job_id: 3,
			payee: "5Grw".into(),
			role: PayeeRole::Node,
			amount: Planck(u128::MAX),
		};
		assert_eq!(
			ev.data(),
			serde_json::json!({
				"job_id": 3,
				"payee": "5Grw",
				"role": "node",
				"amount": u128::MAX.to_string(),
			})
		);
		assert_eq!(ev.names(), ("PayoutRouter", "FeePaid"));
		assert_eq!(ev.job_id(), Some(3));
		assert_eq!(ev.phase(), None);
		let unit = HavnEvent::JobExpired { job_id: 9 };
		assert_eq!(unit.data(), serde_json::json!({ "job_id": 9 }));
		assert_eq!(unit.phase(), Some("expired"));
	}
}
