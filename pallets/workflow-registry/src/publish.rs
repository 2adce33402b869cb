//! Publishing: the checks and writes of `publish`, dependency rules included.

use crate::{
	BalanceOf, Config, DependenciesOf, Error, ManifestIndex, ManifestUriOf, NextWorkflowId, Pallet,
	PendingCommitmentsOf, VersionRecord, Versions, Workflow, WorkflowOf, WorkflowStatus, Workflows,
};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use havn_primitives::{
	ComputeClass, Digest, RoyaltySplit, ShareBelowFloor, WorkflowId, WorkflowKind,
};
use sp_runtime::{traits::Saturating, ArithmeticError, Permill};

impl<T: Config> Pallet<T> {
	/// Every check of [`Pallet::publish`]. Returns the new id, the record to store and what is
	/// left of the publisher's commitments once this one is revealed.
	pub(crate) fn ensure_can_publish(
		who: &T::AccountId,
		kind: WorkflowKind,
		manifest_hash: Digest,
		manifest_uri: ManifestUriOf<T>,
		compute_class: ComputeClass,
		base_fee: BalanceOf<T>,
		royalty: Option<RoyaltySplit>,
		dependencies: DependenciesOf<T>,
		parent: Option<WorkflowId>,
	) -> Result<(WorkflowId, WorkflowOf<T>, PendingCommitmentsOf<T>), DispatchError> {
		ensure!(!manifest_uri.is_empty(), Error::<T>::ManifestUriEmpty);
		let royalty = royalty.unwrap_or_else(T::DefaultRoyalty::get);
		ensure!(royalty.is_valid(), Error::<T>::RoyaltyNotHundredPercent);
		Self::ensure_meets_floors(base_fee, &royalty)?;
		Self::ensure_valid_dependencies(&dependencies)?;

		let depth = match parent {
			None => 0,
			Some(p) => {
				let parent_wf = Workflows::<T>::get(p).ok_or(Error::<T>::UnknownParent)?;
				ensure!(parent_wf.depth < T::MaxLineageDepth::get(), Error::<T>::LineageTooDeep);
				parent_wf.depth.checked_add(1).ok_or(ArithmeticError::Overflow)?
			}
		};
		if let Some(p) = parent {
			Self::ensure_parent_paid(p, &royalty, &dependencies)?;
		}

		ensure!(
			!ManifestIndex::<T>::contains_key(manifest_hash),
			Error::<T>::ManifestAlreadyRegistered
		);
		let pending = Self::ensure_revealable(who, manifest_hash)?;

		let id = NextWorkflowId::<T>::get();
		// The next id must exist too, so that `NextWorkflowId` can be bumped.
		id.checked_add(1).ok_or(ArithmeticError::Overflow)?;

		let uri_bytes = manifest_uri.len() as u32;
		let deposit = Self::deposit_for(uri_bytes);
		Self::ensure_can_hold(who, deposit).map_err(|_| Error::<T>::InsufficientDeposit)?;

		let workflow = Workflow {
			owner: who.clone(),
			kind,
			manifest_hash,
			manifest_uri,
			compute_class,
			base_fee,
			royalty,
			dependencies,
			parent,
			depth,
			version: 1,
			status: WorkflowStatus::Active,
			flag: None,
			uri_bytes,
			deposit,
			created_at: frame_system::Pallet::<T>::block_number(),
		};
		Ok((id, workflow, pending))
	}

	/// The governance floors on a workflow's terms (finding 2 of `docs/security.md`): `base_fee`
	/// at least [`Config::MinBaseFee`] and the node, validator and treasury parts of `royalty` at
	/// least their [`Config::MinShares`]. Errors: `BaseFeeBelowMinimum`,
	/// `NodeShareBelowMinimum`, `ValidatorShareBelowMinimum`, `TreasuryShareBelowMinimum`.
	pub(crate) fn ensure_meets_floors(
		base_fee: BalanceOf<T>,
		royalty: &RoyaltySplit,
	) -> DispatchResult {
		ensure!(base_fee >= T::MinBaseFee::get(), Error::<T>::BaseFeeBelowMinimum);
		T::MinShares::get().check(royalty).map_err(|part| match part {
			ShareBelowFloor::Node => Error::<T>::NodeShareBelowMinimum,
			ShareBelowFloor::Validators => Error::<T>::ValidatorShareBelowMinimum,
			ShareBelowFloor::Treasury => Error::<T>::TreasuryShareBelowMinimum,
		})?;
		Ok(())
	}

	/// A declared derivative pays its parent: the parent is one of its dependencies (so it is
	/// registered, active and unflagged), and `royalty.upstream × the parent's weight` is at least
	/// [`Config::MinParentShare`] of every run's fee.
	///
	/// Errors: [`Error::ParentNotADependency`], [`Error::ParentShareTooLow`].
	fn ensure_parent_paid(
		parent: WorkflowId,
		royalty: &RoyaltySplit,
		dependencies: &DependenciesOf<T>,
	) -> DispatchResult {
		let weight = dependencies
			.iter()
			.find_map(|(dep, weight)| (*dep == parent).then_some(*weight))
			.ok_or(Error::<T>::ParentNotADependency)?;
		ensure!(
			royalty.upstream.saturating_mul(weight) >= T::MinParentShare::get(),
			Error::<T>::ParentShareTooLow
		);
		Ok(())
	}

	/// Dependencies exist, are active and unflagged, are distinct, and (when any) their weights
	/// sum to exactly 100%.
	fn ensure_valid_dependencies(dependencies: &DependenciesOf<T>) -> DispatchResult {
		let mut total: u64 = 0;
		let mut seen: Vec<WorkflowId> = Vec::with_capacity(dependencies.len());
		for (dep, weight) in dependencies.iter() {
			ensure!(!seen.contains(dep), Error::<T>::DuplicateDependency);
			seen.push(*dep);
			let wf = Workflows::<T>::get(dep).ok_or(Error::<T>::UnknownDependency)?;
			ensure!(!wf.is_flagged(), Error::<T>::DependencyFlagged);
			ensure!(!wf.is_deprecated(), Error::<T>::DependencyDeprecated);
			total = total.saturating_add(u64::from(weight.deconstruct()));
		}
		ensure!(
			dependencies.is_empty() || total == u64::from(Permill::one().deconstruct()),
			Error::<T>::DependencyWeightsNotHundredPercent
		);
		Ok(())
	}

	/// Store a new workflow (checked by [`Pallet::ensure_can_publish`]), hold its deposit and
	/// consume the publisher's commitment.
	pub(crate) fn do_publish(
		id: WorkflowId,
		workflow: WorkflowOf<T>,
		pending: PendingCommitmentsOf<T>,
	) -> DispatchResult {
		let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		Self::hold(&workflow.owner, workflow.deposit)?;
		Self::consume_commitment(&workflow.owner, pending);
		Versions::<T>::insert(
			id,
			1,
			VersionRecord {
				manifest_hash: workflow.manifest_hash,
				manifest_uri: workflow.manifest_uri.clone(),
				published_at: workflow.created_at,
			},
		);
		ManifestIndex::<T>::insert(workflow.manifest_hash, id);
		Workflows::<T>::insert(id, workflow);
		NextWorkflowId::<T>::put(next);
		Ok(())
	}
}
