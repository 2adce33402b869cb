//! Ownership: the owner check shared by the owner's calls, and the two-step transfer
//! (`transfer_ownership` offers, `accept_ownership` takes, `cancel_ownership_offer` withdraws).
//!
//! A transfer needs the new owner's consent because it moves the deposit hold onto them (the
//! hardening issue's finding 6: a workflow pushed onto an unwilling account, or onto a pallet
//! account that could never move it back). The same offer-and-accept shape as
//! `pallet-nfts`' `set_accept_ownership` and `pallet-multisig`'s approvals.

use crate::{Config, Error, OwnershipOffers, Pallet, WorkflowOf, Workflows};
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

	/// Every check of [`Pallet::transfer_ownership`] (the offer).
	pub(crate) fn ensure_can_offer_ownership(
		who: &T::AccountId,
		id: WorkflowId,
		new_owner: &T::AccountId,
	) -> DispatchResult {
		Self::ensure_owned(who, id)?;
		ensure!(new_owner != who, Error::<T>::NewOwnerIsCurrentOwner);
		Ok(())
	}

	/// Record the offer of `id` to `new_owner`, replacing any earlier offer.
	pub(crate) fn do_offer_ownership(id: WorkflowId, new_owner: T::AccountId) {
		OwnershipOffers::<T>::insert(id, new_owner);
	}

	/// Every check of [`Pallet::accept_ownership`]. Returns the workflow.
	pub(crate) fn ensure_can_accept_ownership(
		who: &T::AccountId,
		id: WorkflowId,
	) -> Result<WorkflowOf<T>, DispatchError> {
		let workflow = Workflows::<T>::get(id).ok_or(Error::<T>::UnknownWorkflow)?;
		ensure!(OwnershipOffers::<T>::get(id).as_ref() == Some(who), Error::<T>::NoOwnershipOffer);
		Self::ensure_can_hold(who, workflow.deposit)
			.map_err(|_| Error::<T>::NewOwnerCannotAffordDeposit)?;
		Ok(workflow)
	}

	/// Move `id` and its deposit to `new_owner` and close the offer (checked by
	/// [`Pallet::ensure_can_accept_ownership`]).
	pub(crate) fn do_transfer_ownership(
		id: WorkflowId,
		mut workflow: WorkflowOf<T>,
		new_owner: T::AccountId,
	) -> DispatchResult {
		Self::release(&workflow.owner, workflow.deposit)?;
		Self::hold(&new_owner, workflow.deposit)?;
		workflow.owner = new_owner;
		Workflows::<T>::insert(id, workflow);
		OwnershipOffers::<T>::remove(id);
		Ok(())
	}

	/// Every check of [`Pallet::cancel_ownership_offer`]. Returns the account offered to.
	pub(crate) fn ensure_can_cancel_ownership_offer(
		who: &T::AccountId,
		id: WorkflowId,
	) -> Result<T::AccountId, DispatchError> {
		Self::ensure_owned(who, id)?;
		Ok(OwnershipOffers::<T>::get(id).ok_or(Error::<T>::NoOwnershipOffer)?)
	}

	/// Withdraw the offer of `id`.
	pub(crate) fn do_cancel_ownership_offer(id: WorkflowId) {
		OwnershipOffers::<T>::remove(id);
	}
}
