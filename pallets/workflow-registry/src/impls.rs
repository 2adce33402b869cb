//! What other pallets and the runtime API see: the [`WorkflowInspect`] impl, and
//! [`Pallet::workflow`], [`Pallet::version`] and [`Pallet::lineage`].

use crate::{BalanceOf, Config, Error, Pallet, VersionRecordOf, Versions, WorkflowOf, Workflows};
use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use havn_primitives::{
	api::Lineage,
	traits::{UpstreamPayee, WorkflowInspect, WorkflowPayees, WorkflowTerms},
	WorkflowId,
};

impl<T: Config> Pallet<T> {
	/// The workflow `id`, if registered. For the runtime API.
	pub fn workflow(id: WorkflowId) -> Option<WorkflowOf<T>> {
		Workflows::<T>::get(id)
	}

	/// Version `version` of workflow `id`, if it exists. For the runtime API.
	pub fn version(id: WorkflowId, version: u32) -> Option<VersionRecordOf<T>> {
		Versions::<T>::get(id, version)
	}

	/// The lineage of `id`: its ancestors through parent links, nearest first (at most
	/// [`Config::MaxLineageDepth`]), and its direct dependencies. `None` if `id` is not
	/// registered. For the runtime API.
	pub fn lineage(id: WorkflowId) -> Option<Lineage> {
		let workflow = Workflows::<T>::get(id)?;
		let max = T::MaxLineageDepth::get() as usize;
		let mut ancestors = Vec::new();
		let mut next = workflow.parent;
		while let Some(parent) = next {
			if ancestors.len() >= max {
				break;
			}
			ancestors.push(parent);
			next = Workflows::<T>::get(parent).and_then(|p| p.parent);
		}
		Some(Lineage {
			id,
			manifest_hash: workflow.manifest_hash,
			ancestors,
			dependencies: workflow.dependencies.into_inner(),
			flagged: workflow.flag.is_some(),
		})
	}
}

impl<T: Config> WorkflowInspect<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn invocable(id: WorkflowId) -> Result<WorkflowTerms<BalanceOf<T>>, DispatchError> {
		let workflow = Workflows::<T>::get(id).ok_or(Error::<T>::UnknownWorkflow)?;
		ensure!(!workflow.is_flagged(), Error::<T>::WorkflowFlagged);
		ensure!(!workflow.is_deprecated(), Error::<T>::WorkflowDeprecated);
		Self::ensure_meets_floors(workflow.base_fee, &workflow.royalty)?;
		Ok(WorkflowTerms {
			manifest_hash: workflow.manifest_hash,
			compute_class: workflow.compute_class,
			base_fee: workflow.base_fee,
		})
	}

	fn dependency_count(id: WorkflowId) -> u32 {
		Workflows::<T>::get(id).map_or(0, |w| w.dependencies.len() as u32)
	}

	fn payees(id: WorkflowId) -> Option<WorkflowPayees<T::AccountId>> {
		let workflow = Workflows::<T>::get(id)?;
		// Dependencies are never removed (try-state invariant 3), so every lookup succeeds; a
		// missing one would make the weights not sum to 100%, so it yields `None` instead.
		let upstream = workflow
			.dependencies
			.iter()
			.map(|(dep, weight)| {
				Workflows::<T>::get(dep).map(|d| UpstreamPayee {
					workflow_id: *dep,
					creator: d.owner,
					weight: *weight,
				})
			})
			.collect::<Option<Vec<_>>>()?;
		Some(WorkflowPayees { creator: workflow.owner, royalty: workflow.royalty, upstream })
	}
}
