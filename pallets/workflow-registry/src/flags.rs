//! Retiring and blocking: the owner's `deprecate`, governance's `flag` and `unflag`.

use crate::{Config, Error, FlagReasonOf, Pallet, WorkflowOf, WorkflowStatus, Workflows};
use frame_support::pallet_prelude::*;
use havn_primitives::WorkflowId;

impl<T: Config> Pallet<T> {
	/// Every check of [`Pallet::deprecate`]. Returns the workflow.
	pub(crate) fn ensure_can_deprecate(
		who: &T::AccountId,
		id: WorkflowId,
	) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Self::ensure_owned(who, id)?;
		ensure!(!workflow.is_deprecated(), Error::<T>::WorkflowDeprecated);
		Ok(workflow)
	}

	/// Mark `id` deprecated.
	pub(crate) fn do_deprecate(id: WorkflowId, mut workflow: WorkflowOf<T>) {
		workflow.status = WorkflowStatus::Deprecated;
		Workflows::<T>::insert(id, workflow);
	}

	/// Every check of [`Pallet::flag`] after the origin. Returns the workflow.
	pub(crate) fn ensure_can_flag(id: WorkflowId) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Workflows::<T>::get(id).ok_or(Error::<T>::UnknownWorkflow)?;
		ensure!(!workflow.is_flagged(), Error::<T>::WorkflowFlagged);
		Ok(workflow)
	}

	/// Flag `id` with `reason`.
	pub(crate) fn do_flag(id: WorkflowId, mut workflow: WorkflowOf<T>, reason: FlagReasonOf<T>) {
		workflow.flag = Some(reason);
		Workflows::<T>::insert(id, workflow);
	}

	/// Every check of [`Pallet::unflag`] after the origin. Returns the workflow.
	pub(crate) fn ensure_can_unflag(id: WorkflowId) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Workflows::<T>::get(id).ok_or(Error::<T>::UnknownWorkflow)?;
		ensure!(workflow.is_flagged(), Error::<T>::WorkflowNotFlagged);
		Ok(workflow)
	}

	/// Lift the flag of `id`.
	pub(crate) fn do_unflag(id: WorkflowId, mut workflow: WorkflowOf<T>) {
		workflow.flag = None;
		Workflows::<T>::insert(id, workflow);
	}
}
