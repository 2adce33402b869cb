//! Deposits: how much a workflow holds, and holding and releasing it under
//! [`HoldReason::WorkflowDeposit`].

use crate::{BalanceOf, Config, HoldReason, Pallet};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold as _, MutateHold as _},
		tokens::Precision,
	},
};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// The deposit for `uri_bytes` bytes of stored manifest URIs:
	/// `DepositBase + DepositPerByte * uri_bytes`, in planck (saturating: a deposit that
	/// saturates cannot be held).
	pub fn deposit_for(uri_bytes: u32) -> BalanceOf<T> {
		T::DepositBase::get().saturating_add(
			T::DepositPerByte::get().saturating_mul(BalanceOf::<T>::from(uri_bytes)),
		)
	}

	/// Whether `amount` can be put on hold on `who` under [`HoldReason::WorkflowDeposit`].
	pub(crate) fn ensure_can_hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::ensure_can_hold(&HoldReason::WorkflowDeposit.into(), who, amount)
	}

	/// Hold `amount` on `who` under [`HoldReason::WorkflowDeposit`] (nothing for zero).
	pub(crate) fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&HoldReason::WorkflowDeposit.into(), who, amount)
	}

	/// Release exactly `amount` held on `who` under [`HoldReason::WorkflowDeposit`].
	pub(crate) fn release(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::release(&HoldReason::WorkflowDeposit.into(), who, amount, Precision::Exact)
			.map(|_| ())
	}
}
