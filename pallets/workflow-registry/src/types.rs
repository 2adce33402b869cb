//! Storage records of the WorkflowRegistry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use havn_primitives::{ComputeClass, Digest, RoyaltySplit, WorkflowId, WorkflowKind};
use scale_info::TypeInfo;
use sp_runtime::Permill;

/// Whether a workflow accepts new runs and new dependants.
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
)]
pub enum WorkflowStatus {
	/// Invocable (unless flagged) and usable as a dependency or parent.
	Active,
	/// Retired by its owner: no new runs and no new dependants. Final: a deprecated workflow
	/// cannot be reactivated, nor get new versions. It stays registered (lineage, payees of runs
	/// already under way) and keeps its deposit held.
	Deprecated,
}

/// A registered workflow (or model, LoRA or prompt, see [`WorkflowKind`]).
///
/// `MaxUriLen`, `MaxDependencies` and `MaxReasonLen` are the pallet's bounds of the same names.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxUriLen, MaxDependencies, MaxReasonLen))]
#[codec(mel_bound(
	AccountId: MaxEncodedLen,
	Balance: MaxEncodedLen,
	BlockNumber: MaxEncodedLen
))]
pub struct Workflow<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxUriLen: Get<u32>,
	MaxDependencies: Get<u32>,
	MaxReasonLen: Get<u32>,
> {
	/// Current owner: pays the deposit and is paid the creator share of every run.
	pub owner: AccountId,
	/// What the entry is.
	pub kind: WorkflowKind,
	/// Manifest digest of the current version (the one new runs execute).
	pub manifest_hash: Digest,
	/// Where the current version's manifest can be fetched (e.g. `ipfs://…`), raw bytes.
	pub manifest_uri: BoundedVec<u8, MaxUriLen>,
	/// Smallest compute class that can run it.
	pub compute_class: ComputeClass,
	/// Base fee per run before the compute-class multiplier, in planck.
	pub base_fee: Balance,
	/// Split of every run's fee; sums to exactly 100%.
	pub royalty: RoyaltySplit,
	/// Workflows it depends on, each with its share of the upstream pool; distinct ids whose
	/// weights sum to exactly 100% when the list is not empty.
	pub dependencies: BoundedVec<(WorkflowId, Permill), MaxDependencies>,
	/// The workflow it declares itself a derivative of, if any.
	pub parent: Option<WorkflowId>,
	/// Number of ancestors reachable through `parent` links (0 for a root). At most the pallet's
	/// `MaxLineageDepth`.
	pub depth: u32,
	/// Current version number; the first version is 1.
	pub version: u32,
	/// Active or deprecated.
	pub status: WorkflowStatus,
	/// Governance's reason for flagging it, while flagged. A flagged workflow cannot be run.
	pub flag: Option<BoundedVec<u8, MaxReasonLen>>,
	/// Total length in bytes of the manifest URIs of every stored version (the deposit is
	/// charged on it).
	pub uri_bytes: u32,
	/// Deposit held on `owner` under `HoldReason::WorkflowDeposit`, in planck.
	pub deposit: Balance,
	/// Block it was first published in.
	pub created_at: BlockNumber,
}

impl<AccountId, Balance, BlockNumber, MaxUriLen, MaxDependencies, MaxReasonLen>
	Workflow<AccountId, Balance, BlockNumber, MaxUriLen, MaxDependencies, MaxReasonLen>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxUriLen: Get<u32>,
	MaxDependencies: Get<u32>,
	MaxReasonLen: Get<u32>,
{
	/// Whether governance has flagged it.
	pub fn is_flagged(&self) -> bool {
		self.flag.is_some()
	}

	/// Whether its owner deprecated it.
	pub fn is_deprecated(&self) -> bool {
		self.status == WorkflowStatus::Deprecated
	}
}

/// One published version of a workflow, kept in the version history.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxUriLen))]
#[codec(mel_bound(BlockNumber: MaxEncodedLen))]
pub struct VersionRecord<
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxUriLen: Get<u32>,
> {
	/// Manifest digest of this version.
	pub manifest_hash: Digest,
	/// Where this version's manifest can be fetched, raw bytes.
	pub manifest_uri: BoundedVec<u8, MaxUriLen>,
	/// Block it was published in.
	pub published_at: BlockNumber,
}
