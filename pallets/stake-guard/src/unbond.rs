//! Unbonding: moving active stake to unbonding chunks (`unbond`) and releasing matured chunks
//! (`withdraw_unbonded`).

use crate::{BalanceOf, Bond, Bonds, Config, Error, Pallet, UnlockChunk, Validators};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{CheckedAdd, CheckedSub, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Checks for [`Pallet::unbond`]. Returns the updated bond, the unlock block and the new
	/// validator set if it changes.
	pub(crate) fn ensure_can_unbond(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<
		(Bond<T>, BlockNumberFor<T>, Option<BoundedVec<T::AccountId, T::MaxValidators>>),
		DispatchError,
	> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		bond.active = bond.active.checked_sub(&amount).ok_or(Error::<T>::InsufficientActiveBond)?;
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		match bond.unbonding.last_mut() {
			Some(last) if last.unlock_at == unlock_at => {
				last.amount = last.amount.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			}
			_ => bond
				.unbonding
				.try_push(UnlockChunk { amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		let validators = Self::validators_after(who, &bond)?;
		Ok((bond, unlock_at, validators))
	}

	/// Writes of [`Pallet::unbond`].
	pub(crate) fn do_unbond(
		who: &T::AccountId,
		bond: Bond<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) {
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
	}

	/// Checks for [`Pallet::withdraw_unbonded`]. Returns the bond without its matured chunks
	/// and the amount they hold.
	pub(crate) fn ensure_can_withdraw_unbonded(
		who: &T::AccountId,
	) -> Result<(Bond<T>, BalanceOf<T>), Error<T>> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut amount = BalanceOf::<T>::zero();
		for chunk in bond.unbonding.iter().filter(|chunk| chunk.unlock_at <= now) {
			amount = amount.checked_add(&chunk.amount).ok_or(Error::<T>::Overflow)?;
		}
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
		bond.unbonding.retain(|chunk| chunk.unlock_at > now);
		Ok((bond, amount))
	}

	/// Writes of [`Pallet::withdraw_unbonded`]: release `amount`, store or close the bond.
	/// Returns whether the bond was closed.
	pub(crate) fn do_withdraw_unbonded(
		who: &T::AccountId,
		bond: Bond<T>,
		amount: BalanceOf<T>,
	) -> Result<bool, DispatchError> {
		T::Currency::release(&Self::hold_reason(), who, amount, Precision::Exact)?;
		Ok(Self::store_or_close(who, bond))
	}
}
