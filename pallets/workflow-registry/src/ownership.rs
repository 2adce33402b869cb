//! Ownership: the owner check shared by the owner's calls, and `transfer_ownership`.

use crate::{Config, Error, Pallet, WorkflowOf, Workflows};
use frame_support::pallet_prelude::*;
use havn_primitives::WorkflowId;

impl<T: Config> Pallet<T> {
	/// The workflow `id`, if `who` owns it.
	pub(crate) fn ensure_owned(
		who: &T::AccountId,
		id: WorkflowId,
	) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Workflows::<T>::get(id).ok_or(Error::<T>::UnknownWorkflow)?;
		ensure!(&workflow.owner == who, Error::<T>::NotOwner);
		Ok(workflow)
	}

	/// Every check of [`Pallet::transfer_ownership`]. Returns the workflow.
	pub(crate) fn ensure_can_transfer_ownership(
		who: &T::AccountId,
		id: WorkflowId,
		new_owner: &T::AccountId,
	) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Self::ensure_owned(who, id)?;
		ensure!(new_owner != who, Error::<T>::NewOwnerIsCurrentOwner);
		Self::ensure_can_hold(new_owner, workflow.deposit)
			.map_err(|_| Error::<T>::NewOwnerCannotAffordDeposit)?;
		Ok(workflow)
	}

	/// Move `id` and its deposit to `new_owner` (checked by
	/// [`Pallet::ensure_can_transfer_ownership`]).
	pub(crate) fn do_transfer_ownership(
		id: WorkflowId,
		mut workflow: WorkflowOf<T>,
		new_owner: T::AccountId,
	) -> DispatchResult {
		Self::release(&workflow.owner, workflow.deposit)?;
		Self::hold(&new_owner, workflow.deposit)?;
		workflow.owner = new_owner;
		Workflows::<T>::insert(id, workflow);
		Ok(())
	}
}
