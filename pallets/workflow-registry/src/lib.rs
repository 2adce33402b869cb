//! # WorkflowRegistry
//!
//! ## Overview
//!
//! Creators publish AI workflows on-chain so that every run of them pays a royalty. Models,
//! LoRAs and prompts are registered the same way ([`WorkflowKind`]) so that workflows can depend
//! on them, and their creators earn a share of the upstream pool of every run.
//!
//! Each entry records its owner, the digest and URI of its manifest (with a bounded version
//! history), the smallest compute class that can run it, a base fee, a five-way
//! [`RoyaltySplit`], weighted dependencies and an optional parent (a declared derivative). The
//! owner keeps a storage deposit on hold while the entry is registered.
//!
//! Other pallets read the registry through [`WorkflowInspect`]: ExecutionLog asks whether a
//! workflow may be run ([`WorkflowInspect::invocable`]) and PayoutRouter asks whom to pay
//! ([`WorkflowInspect::payees`]). The runtime API reads [`Pallet::lineage`] and
//! [`Pallet::workflow`].
//!
//! ## Terminology
//!
//! - **Manifest**: the off-chain document that describes a workflow's steps. It is identified by
//!   its blake2-256 digest (`manifest_hash`) and fetched from its `manifest_uri`.
//! - **Version**: every manifest a workflow has had, numbered from 1. New runs execute the
//!   current (latest) version. At most [`Config::MaxVersions`] versions are kept.
//! - **Dependency**: another registered entry this one builds on, with a weight. The weights of
//!   a non-empty list sum to exactly 100% and split the upstream share of each run's fee among
//!   the dependencies' current owners.
//! - **Parent / lineage**: the entry this one declares itself a derivative of. Following parent
//!   links gives the lineage, at most [`Config::MaxLineageDepth`] deep.
//! - **Republish rule**: a manifest digest can be registered only once, as one version of one
//!   workflow ([`ManifestIndex`]), so a flag or a deprecation follows the digest: no second entry
//!   runs the same manifest under other terms.
//! - **Commit-reveal publication**: before `publish` or `publish_version`, the publisher commits
//!   to [`manifest_commitment`](havn_primitives::proofs::manifest_commitment)`(publisher,
//!   manifest_hash)` with [`Pallet::commit_manifest`], at least [`Config::MinCommitmentAge`]
//!   blocks earlier. The commitment hides the digest and names the publisher, so a digest seen in
//!   the artifact store or in the transaction pool cannot be registered by anyone else first
//!   (after ENS's commit-reveal registration and Bittensor's committed weights).
//! - **Declared derivative**: an entry with a `parent`. The parent must be one of its
//!   dependencies, weighted so that `royalty.upstream × weight ≥` [`Config::MinParentShare`]: a
//!   derivative always pays its parent's owner, and a flagged or deprecated parent cannot be
//!   derived from.
//! - **Deposit**: `DepositBase + DepositPerByte * uri_bytes`, in planck, where `uri_bytes` is
//!   the total length of the manifest URIs of every stored version. It is held on the owner under
//!   [`HoldReason::WorkflowDeposit`] for as long as the entry is registered (entries are never
//!   removed: runs under way, lineage and payees depend on them), deprecated entries included.
//!   It follows the entry when ownership is transferred.
//! - **Ownership offer**: a transfer is two steps: the owner offers ([`OwnershipOffers`]), the
//!   new owner accepts and takes the deposit hold on. Nobody is made an owner without consent.
//! - **Deprecated**: retired by the owner. Final: no new runs, no new versions, not usable as a
//!   new dependency.
//! - **Flagged**: marked by governance ([`Config::FlagOrigin`]) with a reason. A flagged entry
//!   cannot be run nor used as a new dependency until it is unflagged. Runs that already began
//!   are still paid ([`WorkflowInspect::payees`] ignores flags).
//!
//! ## Calls
//!
//! - [`Pallet::publish`] (0): register a workflow and hold its deposit.
//! - [`Pallet::publish_version`] (1): the owner publishes a new manifest.
//! - [`Pallet::transfer_ownership`] (2): the owner offers the workflow to a new owner.
//! - [`Pallet::deprecate`] (3): the owner retires the workflow.
//! - [`Pallet::flag`] (4) / [`Pallet::unflag`] (5): governance blocks or unblocks runs.
//! - [`Pallet::accept_ownership`] (6): the offered account takes the workflow and its deposit.
//! - [`Pallet::cancel_ownership_offer`] (7): the owner withdraws an offer.
//! - [`Pallet::commit_manifest`] (8): commit to a manifest before publishing it.
//!
//! ## Example
//!
//! ```ignore
//! // Alice publishes a model, then Bob a workflow that uses it with the default royalty split.
//! // Each first commits to its manifest, and publishes at least `MinCommitmentAge` blocks later.
//! let commitment = manifest_commitment(&alice, &model_hash);
//! WorkflowRegistry::commit_manifest(RuntimeOrigin::signed(alice), commitment)?;
//! run_to_block(now + MinCommitmentAge::get());
//! WorkflowRegistry::publish(
//!     RuntimeOrigin::signed(alice), WorkflowKind::Model, model_hash, model_uri,
//!     ComputeClass::M, 0, None, Default::default(), None,
//! )?; // id 0
//! WorkflowRegistry::publish(
//!     RuntimeOrigin::signed(bob), WorkflowKind::Workflow, wf_hash, wf_uri, ComputeClass::M,
//!     10 * HAI, None, vec![(0, Permill::one())].try_into().unwrap(), None,
//! )?; // id 1: each run pays Bob 45%, Alice 20% (upstream), nodes, validators and treasury.
//! assert_eq!(WorkflowRegistry::lineage(1).unwrap().dependencies, vec![(0, Permill::one())]);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(clippy::arithmetic_side_effects)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod commitments;
mod deposit;
mod flags;
mod impls;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod ownership;
mod publish;
#[cfg(test)]
mod tests;
pub mod types;
mod versions;
pub mod weights;

pub use types::{VersionRecord, Workflow, WorkflowStatus};
pub use weights::WeightInfo;

use frame_support::{pallet_prelude::*, traits::fungible};
use frame_system::pallet_prelude::*;
use havn_primitives::{ComputeClass, Digest, MinShares, RoyaltySplit, WorkflowId, WorkflowKind};
use sp_runtime::Permill;

// Named in the crate docs above.
#[cfg(doc)]
use havn_primitives::traits::WorkflowInspect;

/// Balance type of the currency, in planck.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The stored record of a workflow, for runtime `T`.
pub type WorkflowOf<T> = Workflow<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxUriLen,
	<T as Config>::MaxDependencies,
	<T as Config>::MaxReasonLen,
>;

/// A stored version record, for runtime `T`.
pub type VersionRecordOf<T> = VersionRecord<BlockNumberFor<T>, <T as Config>::MaxUriLen>;

/// A manifest URI, at most [`Config::MaxUriLen`] bytes.
pub type ManifestUriOf<T> = BoundedVec<u8, <T as Config>::MaxUriLen>;

/// Weighted dependencies, at most [`Config::MaxDependencies`] of them.
pub type DependenciesOf<T> = BoundedVec<(WorkflowId, Permill), <T as Config>::MaxDependencies>;

/// Governance's reason for a flag, at most [`Config::MaxReasonLen`] bytes.
pub type FlagReasonOf<T> = BoundedVec<u8, <T as Config>::MaxReasonLen>;

/// An account's unrevealed manifest commitments, each with the block it was made in, at most
/// [`Config::MaxPendingCommitments`].
pub type PendingCommitmentsOf<T> =
	BoundedVec<(sp_core::H256, BlockNumberFor<T>), <T as Config>::MaxPendingCommitments>;

// FRAME's expansion of `#[pallet::pallet]`, storage items and `#[pallet::error]` calls
// `expect` (on the pallet name, which the runtime always provides); the lint stays on for
// this crate's own code, which lives outside this module except for the calls.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// In-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits are held in (HAI, planck).
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reason, which includes this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Fixed part of a workflow's deposit, in planck.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// Deposit per byte of stored manifest URI (every stored version), in planck.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// Royalty split of workflows published without one (governance default 45/20/25/5/5;
		/// a `pallet-parameters` entry in the runtime).
		type DefaultRoyalty: Get<RoyaltySplit>;

		/// Least `base_fee` a workflow may charge per run, in planck (governance; a
		/// `pallet-parameters` entry in the runtime). Checked at `publish` and whenever a job is
		/// submitted, so a raised floor applies to workflows published before it.
		type MinBaseFee: Get<BalanceOf<Self>>;

		/// Floors on the node, validator and treasury parts of a workflow's royalty split
		/// (governance; a `pallet-parameters` entry in the runtime). Checked like `MinBaseFee`.
		type MinShares: Get<MinShares>;

		/// Origin that may flag and unflag workflows (governance: council or root).
		type FlagOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Longest manifest URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Most dependencies one workflow may declare.
		#[pallet::constant]
		type MaxDependencies: Get<u32>;

		/// Most versions one workflow may have (the first included).
		#[pallet::constant]
		type MaxVersions: Get<u32>;

		/// Longest lineage: most ancestors a workflow may have through parent links.
		#[pallet::constant]
		type MaxLineageDepth: Get<u32>;

		/// Longest flag reason, in bytes.
		#[pallet::constant]
		type MaxReasonLen: Get<u32>;

		/// Least share of each run's fee that a declared derivative pays its parent's owner,
		/// through the upstream pool (`royalty.upstream × the parent's dependency weight`).
		#[pallet::constant]
		type MinParentShare: Get<Permill>;

		/// Blocks a manifest commitment must age before it can be revealed by `publish` or
		/// `publish_version`: how long the rightful publisher's reveal may wait in the pool
		/// before someone who saw the digest could reveal a commitment of their own.
		#[pallet::constant]
		type MinCommitmentAge: Get<BlockNumberFor<Self>>;

		/// Blocks after which an unrevealed commitment lapses (and is dropped at the account's
		/// next commitment).
		#[pallet::constant]
		type CommitmentLifetime: Get<BlockNumberFor<Self>>;

		/// Most unrevealed commitments one account may have.
		#[pallet::constant]
		type MaxPendingCommitments: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// A reason for the pallet placing a hold on funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a registered workflow, held on its owner.
		#[codec(index = 0)]
		WorkflowDeposit,
	}

	/// Id the next published workflow gets. Every id below it has been used.
	#[pallet::storage]
	pub type NextWorkflowId<T> = StorageValue<_, WorkflowId, ValueQuery>;

	/// Registered workflows, by id. Entries are never removed.
	#[pallet::storage]
	pub type Workflows<T: Config> = StorageMap<_, Twox64Concat, WorkflowId, WorkflowOf<T>>;

	/// Version history: `(workflow, version)` to that version's manifest, for versions
	/// `1..=Workflow::version`.
	#[pallet::storage]
	pub type Versions<T: Config> =
		StorageDoubleMap<_, Twox64Concat, WorkflowId, Twox64Concat, u32, VersionRecordOf<T>>;

	/// Every manifest digest ever registered, to the one workflow that has it as a version.
	#[pallet::storage]
	pub type ManifestIndex<T> = StorageMap<_, Blake2_128Concat, Digest, WorkflowId>;

	/// Open ownership offers: workflow to the account it is offered to (at most one per
	/// workflow; a new offer replaces the old one).
	#[pallet::storage]
	pub type OwnershipOffers<T: Config> = StorageMap<_, Twox64Concat, WorkflowId, T::AccountId>;

	/// Each account's unrevealed manifest commitments, with the block each was made in.
	#[pallet::storage]
	pub type ManifestCommitments<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PendingCommitmentsOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A workflow was published.
		WorkflowPublished {
			/// Its id.
			id: WorkflowId,
			/// Its owner (the creator).
			owner: T::AccountId,
			/// Digest of its first manifest.
			manifest_hash: Digest,
			/// The workflow it derives from, if any.
			parent: Option<WorkflowId>,
		},
		/// A workflow got a new manifest version.
		WorkflowVersionPublished {
			/// The workflow.
			id: WorkflowId,
			/// Its new version number.
			version: u32,
			/// Digest of the new manifest.
			manifest_hash: Digest,
		},
		/// The owner offered a workflow to a new owner, who has to accept it.
		OwnershipOffered {
			/// The workflow.
			id: WorkflowId,
			/// The owner.
			from: T::AccountId,
			/// The account it is offered to.
			to: T::AccountId,
		},
		/// The owner withdrew an ownership offer.
		OwnershipOfferCancelled {
			/// The workflow.
			id: WorkflowId,
			/// The account it had been offered to.
			to: T::AccountId,
		},
		/// An account committed to a manifest it will publish.
		ManifestCommitted {
			/// The publisher.
			who: T::AccountId,
			/// `manifest_commitment(who, manifest_hash)`.
			commitment: sp_core::H256,
		},
		/// A workflow (and its deposit) changed owner: the offered account accepted.
		OwnershipTransferred {
			/// The workflow.
			id: WorkflowId,
			/// The previous owner.
			from: T::AccountId,
			/// The new owner.
			to: T::AccountId,
		},
		/// A workflow was deprecated by its owner.
		WorkflowDeprecated {
			/// The workflow.
			id: WorkflowId,
		},
		/// Governance flagged a workflow: it cannot be run.
		WorkflowFlagged {
			/// The workflow.
			id: WorkflowId,
			/// Governance's reason.
			reason: FlagReasonOf<T>,
		},
		/// Governance lifted a workflow's flag.
		WorkflowUnflagged {
			/// The workflow.
			id: WorkflowId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No workflow has this id.
		UnknownWorkflow,
		/// The workflow is flagged by governance.
		WorkflowFlagged,
		/// The workflow is deprecated.
		WorkflowDeprecated,
		/// The workflow is not flagged.
		WorkflowNotFlagged,
		/// The caller does not own the workflow.
		NotOwner,
		/// The royalty split does not sum to exactly 100%.
		RoyaltyNotHundredPercent,
		/// The dependency weights do not sum to exactly 100%.
		DependencyWeightsNotHundredPercent,
		/// A dependency does not exist.
		UnknownDependency,
		/// A dependency is listed more than once.
		DuplicateDependency,
		/// A dependency is flagged by governance.
		DependencyFlagged,
		/// A dependency is deprecated.
		DependencyDeprecated,
		/// The parent does not exist.
		UnknownParent,
		/// The parent's lineage is already [`Config::MaxLineageDepth`] deep.
		LineageTooDeep,
		/// The manifest digest is already registered (and the parent is not the workflow that
		/// registered it).
		ManifestAlreadyRegistered,
		/// The manifest URI is empty.
		ManifestUriEmpty,
		/// The workflow already has [`Config::MaxVersions`] versions.
		TooManyVersions,
		/// The caller cannot afford the deposit.
		InsufficientDeposit,
		/// The new owner cannot afford the deposit.
		NewOwnerCannotAffordDeposit,
		/// The new owner is the current owner.
		NewOwnerIsCurrentOwner,
		/// The workflow is not offered to the caller (or, for its owner, not offered at all).
		NoOwnershipOffer,
		/// The publisher has no unlapsed commitment to this manifest
		/// ([`Pallet::commit_manifest`] first).
		ManifestNotCommitted,
		/// The commitment to this manifest is younger than [`Config::MinCommitmentAge`] blocks.
		CommitmentTooRecent,
		/// The caller already has this commitment pending.
		CommitmentAlreadyMade,
		/// The caller already has [`Config::MaxPendingCommitments`] unlapsed commitments.
		TooManyCommitments,
		/// A declared derivative does not list its parent among its dependencies.
		ParentNotADependency,
		/// A declared derivative pays its parent less than [`Config::MinParentShare`] of each
		/// run's fee.
		ParentShareTooLow,
		/// The base fee is below [`Config::MinBaseFee`] (at `publish`; at `submit_job` for a
		/// workflow published before the floor was raised).
		BaseFeeBelowMinimum,
		/// The royalty split gives the node(s) less than the [`Config::MinShares`] floor.
		NodeShareBelowMinimum,
		/// The royalty split gives the validators less than the [`Config::MinShares`] floor.
		ValidatorShareBelowMinimum,
		/// The royalty split gives the treasury less than the [`Config::MinShares`] floor.
		TreasuryShareBelowMinimum,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publish a workflow (or a model, LoRA or prompt) and hold its deposit.
		///
		/// ## Dispatch Origin
		///
		/// Signed; the signer becomes the owner.
		///
		/// ## Details
		///
		/// The new entry gets id [`NextWorkflowId`], version 1 and status active. `royalty`
		/// `None` takes [`Config::DefaultRoyalty`]. Every dependency must exist, be active and
		/// unflagged, and appear once; a non-empty list's weights sum to exactly 100%. `parent`
		/// must exist, have fewer than [`Config::MaxLineageDepth`] ancestors and be a dependency
		/// weighted to receive at least [`Config::MinParentShare`] of each run's fee. The manifest
		/// digest must never have been registered, and the signer must have committed to it
		/// ([`Pallet::commit_manifest`]) at least [`Config::MinCommitmentAge`] blocks earlier;
		/// the commitment is consumed. The deposit (`DepositBase + DepositPerByte * uri length`)
		/// is held on the signer.
		///
		/// ## Events
		///
		/// [`Event::WorkflowPublished`].
		///
		/// ## Errors
		///
		/// - [`Error::ManifestUriEmpty`]: `manifest_uri` is empty.
		/// - [`Error::RoyaltyNotHundredPercent`]: the royalty split does not sum to 100%.
		/// - [`Error::UnknownDependency`], [`Error::DuplicateDependency`],
		///   [`Error::DependencyFlagged`], [`Error::DependencyDeprecated`],
		///   [`Error::DependencyWeightsNotHundredPercent`]: bad dependencies.
		/// - [`Error::UnknownParent`], [`Error::LineageTooDeep`], [`Error::ParentNotADependency`],
		///   [`Error::ParentShareTooLow`]: bad parent.
		/// - [`Error::ManifestAlreadyRegistered`]: the digest is taken.
		/// - [`Error::ManifestNotCommitted`], [`Error::CommitmentTooRecent`]: no commitment, or
		///   one too recent.
		/// - [`Error::InsufficientDeposit`]: the signer cannot afford the deposit.
		/// - `ArithmeticError::Overflow`: workflow ids are exhausted.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::publish(
			dependencies.len() as u32,
			manifest_uri.len() as u32,
		))]
		pub fn publish(
			origin: OriginFor<T>,
			kind: WorkflowKind,
			manifest_hash: Digest,
			manifest_uri: ManifestUriOf<T>,
			compute_class: ComputeClass,
			base_fee: BalanceOf<T>,
			royalty: Option<RoyaltySplit>,
			dependencies: DependenciesOf<T>,
			parent: Option<WorkflowId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (id, workflow, pending) = Self::ensure_can_publish(
				&who,
				kind,
				manifest_hash,
				manifest_uri,
				compute_class,
				base_fee,
				royalty,
				dependencies,
				parent,
			)?;
			Self::do_publish(id, workflow, pending)?;
			Self::deposit_event(Event::WorkflowPublished { id, owner: who, manifest_hash, parent });
			Ok(())
		}

		/// Publish a new manifest version of a workflow.
		///
		/// ## Dispatch Origin
		///
		/// Signed by the workflow's owner.
		///
		/// ## Details
		///
		/// The new manifest becomes the current one (new runs execute it); the old one stays in
		/// the version history. The digest must never have been registered before, by any
		/// workflow, and the owner must have committed to it as for `publish`. The deposit is recomputed over every stored URI and the difference held
		/// (or released, if the deposit parameters went down). Flagged workflows may publish a
		/// fix; the flag stays until governance lifts it.
		///
		/// ## Events
		///
		/// [`Event::WorkflowVersionPublished`].
		///
		/// ## Errors
		///
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::NotOwner`]: the signer does not own it.
		/// - [`Error::WorkflowDeprecated`]: it is deprecated.
		/// - [`Error::ManifestUriEmpty`]: `manifest_uri` is empty.
		/// - [`Error::ManifestAlreadyRegistered`]: the digest is taken.
		/// - [`Error::ManifestNotCommitted`], [`Error::CommitmentTooRecent`]: no commitment, or
		///   one too recent.
		/// - [`Error::TooManyVersions`]: it already has [`Config::MaxVersions`] versions.
		/// - [`Error::InsufficientDeposit`]: the owner cannot afford the extra deposit.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::publish_version(manifest_uri.len() as u32))]
		pub fn publish_version(
			origin: OriginFor<T>,
			id: WorkflowId,
			manifest_hash: Digest,
			manifest_uri: ManifestUriOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let plan = Self::ensure_can_publish_version(&who, id, manifest_hash, &manifest_uri)?;
			let version = plan.version;
			Self::do_publish_version(id, manifest_hash, manifest_uri, plan)?;
			Self::deposit_event(Event::WorkflowVersionPublished { id, version, manifest_hash });
			Ok(())
		}

		/// Offer a workflow to a new owner, who takes it with [`Pallet::accept_ownership`].
		///
		/// ## Dispatch Origin
		///
		/// Signed by the workflow's owner.
		///
		/// ## Details
		///
		/// Nothing moves until the new owner accepts: ownership moves the deposit hold, so it
		/// needs their consent. A new offer replaces an open one; the owner can withdraw it with
		/// [`Pallet::cancel_ownership_offer`]. Works on deprecated and flagged workflows.
		///
		/// ## Events
		///
		/// [`Event::OwnershipOffered`].
		///
		/// ## Errors
		///
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::NotOwner`]: the signer does not own it.
		/// - [`Error::NewOwnerIsCurrentOwner`]: `new_owner` is the signer.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::transfer_ownership())]
		pub fn transfer_ownership(
			origin: OriginFor<T>,
			id: WorkflowId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_can_offer_ownership(&who, id, &new_owner)?;
			Self::do_offer_ownership(id, new_owner.clone());
			Self::deposit_event(Event::OwnershipOffered { id, from: who, to: new_owner });
			Ok(())
		}

		/// Deprecate a workflow: no new runs, versions or dependants. Final.
		///
		/// ## Dispatch Origin
		///
		/// Signed by the workflow's owner.
		///
		/// ## Details
		///
		/// The workflow stays registered (lineage, and payees of runs already under way), so its
		/// deposit stays held.
		///
		/// ## Events
		///
		/// [`Event::WorkflowDeprecated`].
		///
		/// ## Errors
		///
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::NotOwner`]: the signer does not own it.
		/// - [`Error::WorkflowDeprecated`]: it is already deprecated.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deprecate())]
		pub fn deprecate(origin: OriginFor<T>, id: WorkflowId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let workflow = Self::ensure_can_deprecate(&who, id)?;
			Self::do_deprecate(id, workflow);
			Self::deposit_event(Event::WorkflowDeprecated { id });
			Ok(())
		}

		/// Flag a workflow: it cannot be run, nor become a new dependency, until unflagged.
		///
		/// ## Dispatch Origin
		///
		/// [`Config::FlagOrigin`] (governance).
		///
		/// ## Details
		///
		/// Runs already under way are still paid. The reason is stored with the flag.
		///
		/// ## Events
		///
		/// [`Event::WorkflowFlagged`].
		///
		/// ## Errors
		///
		/// - `BadOrigin`: not [`Config::FlagOrigin`].
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::WorkflowFlagged`]: it is already flagged.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::flag(reason.len() as u32))]
		pub fn flag(
			origin: OriginFor<T>,
			id: WorkflowId,
			reason: FlagReasonOf<T>,
		) -> DispatchResult {
			T::FlagOrigin::ensure_origin(origin)?;
			let workflow = Self::ensure_can_flag(id)?;
			Self::do_flag(id, workflow, reason.clone());
			Self::deposit_event(Event::WorkflowFlagged { id, reason });
			Ok(())
		}

		/// Lift a workflow's flag.
		///
		/// ## Dispatch Origin
		///
		/// [`Config::FlagOrigin`] (governance).
		///
		/// ## Details
		///
		/// The workflow can be run again (unless deprecated).
		///
		/// ## Events
		///
		/// [`Event::WorkflowUnflagged`].
		///
		/// ## Errors
		///
		/// - `BadOrigin`: not [`Config::FlagOrigin`].
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::WorkflowNotFlagged`]: it is not flagged.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::unflag())]
		pub fn unflag(origin: OriginFor<T>, id: WorkflowId) -> DispatchResult {
			T::FlagOrigin::ensure_origin(origin)?;
			let workflow = Self::ensure_can_unflag(id)?;
			Self::do_unflag(id, workflow);
			Self::deposit_event(Event::WorkflowUnflagged { id });
			Ok(())
		}

		/// Accept a workflow offered to the signer: it and its deposit move to the signer.
		///
		/// ## Dispatch Origin
		///
		/// Signed by the account the workflow is offered to ([`OwnershipOffers`]).
		///
		/// ## Details
		///
		/// The deposit is released to the previous owner and held on the signer, who from then
		/// on is paid the creator share of every run. The offer is closed.
		///
		/// ## Events
		///
		/// [`Event::OwnershipTransferred`].
		///
		/// ## Errors
		///
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::NoOwnershipOffer`]: it is not offered to the signer.
		/// - [`Error::NewOwnerCannotAffordDeposit`]: the signer cannot afford the deposit.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::accept_ownership())]
		pub fn accept_ownership(origin: OriginFor<T>, id: WorkflowId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let workflow = Self::ensure_can_accept_ownership(&who, id)?;
			let from = workflow.owner.clone();
			Self::do_transfer_ownership(id, workflow, who.clone())?;
			Self::deposit_event(Event::OwnershipTransferred { id, from, to: who });
			Ok(())
		}

		/// Withdraw the open offer of a workflow.
		///
		/// ## Dispatch Origin
		///
		/// Signed by the workflow's owner.
		///
		/// ## Events
		///
		/// [`Event::OwnershipOfferCancelled`].
		///
		/// ## Errors
		///
		/// - [`Error::UnknownWorkflow`]: no such workflow.
		/// - [`Error::NotOwner`]: the signer does not own it.
		/// - [`Error::NoOwnershipOffer`]: it is not offered to anyone.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_ownership_offer())]
		pub fn cancel_ownership_offer(origin: OriginFor<T>, id: WorkflowId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let to = Self::ensure_can_cancel_ownership_offer(&who, id)?;
			Self::do_cancel_ownership_offer(id);
			Self::deposit_event(Event::OwnershipOfferCancelled { id, to });
			Ok(())
		}

		/// Commit to a manifest before publishing it (commit-reveal publication).
		///
		/// ## Dispatch Origin
		///
		/// Signed by the future publisher.
		///
		/// ## Details
		///
		/// `commitment` is
		/// [`manifest_commitment`](havn_primitives::proofs::manifest_commitment)`(signer,
		/// manifest_hash)`: blake2-256 of the SCALE encoding of `(b"havn/commit/v1\0\0", signer,
		/// manifest_hash)`. `publish` or `publish_version` of that digest by the signer succeeds
		/// from [`Config::MinCommitmentAge`] blocks later and consumes it; unrevealed, it lapses
		/// after [`Config::CommitmentLifetime`] blocks. Lapsed commitments are dropped first.
		///
		/// ## Events
		///
		/// [`Event::ManifestCommitted`].
		///
		/// ## Errors
		///
		/// - [`Error::CommitmentAlreadyMade`]: the signer has this commitment pending.
		/// - [`Error::TooManyCommitments`]: the signer has [`Config::MaxPendingCommitments`]
		///   unlapsed commitments.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::commit_manifest())]
		pub fn commit_manifest(origin: OriginFor<T>, commitment: sp_core::H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let pending = Self::ensure_can_commit_manifest(&who, commitment)?;
			Self::do_commit_manifest(&who, pending);
			Self::deposit_event(Event::ManifestCommitted { who, commitment });
			Ok(())
		}
	}
}
