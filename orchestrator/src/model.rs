//! What the indexer extracts from one finalized block, independent of the chain client.
//!
//! The indexer decodes every Havn event of a block (with the storage records it needs, read at
//! that block) into a [`BlockData`] of [`HavnEvent`]s, each from its pallet's projection
//! ([`crate::projection`]); [`crate::db::Db::apply_block`] writes it in one transaction. Tests
//! build [`BlockData`] by hand and go through the same write path.
//!
//! Units: amounts are HAI planck ([`Planck`], 12 decimals), blocks are block numbers,
//! `latency_ms` milliseconds, `energy_mj` millijoules, scores parts per million.

pub use crate::projection::{
	FaucetEvent, HavnEvent, JobEvent, Ledger, PayoutEvent, ReputationEvent, StakeEvent,
	WorkflowEvent,
};
use havn_primitives::{ComputeClass, WorkflowId};
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

/// Score of an account with no reputation evidence (a newcomer): 50%, in ppm.
pub const NEWCOMER_SCORE_PPM: u32 = 500_000;
