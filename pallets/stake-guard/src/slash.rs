//! Slashing: moving part of a bond, active stake first, to the treasury.

use crate::{BalanceOf, Bond, Bonds, Config, Error, Pallet, Validators, LOG_TARGET};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

impl<T: Config> Pallet<T> {
	/// Checks for [`Pallet::slash`]: `who` is bonded. Returns the bond.
	pub(crate) fn ensure_can_slash(who: &T::AccountId) -> Result<Bond<T>, Error<T>> {
		Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)
	}

	/// Writes of a slash: move `fraction` of `bond`'s total (rounded down) from `who`'s hold to
	/// the treasury, taking it from the active stake first, then from the unbonding chunks in
	/// order; fix the validator set; store or close the bond. Returns the amount slashed and
	/// whether the bond was closed. Nothing is written on error.
	pub(crate) fn do_slash(
		who: &T::AccountId,
		mut bond: Bond<T>,
		fraction: Perbill,
	) -> Result<(BalanceOf<T>, bool), DispatchError> {
		let wanted = fraction.mul_floor(bond.total());
		if wanted.is_zero() {
			return Ok((wanted, false));
		}
		let slashed = T::Currency::transfer_on_hold(
			&Self::hold_reason(),
			who,
			&T::TreasuryAccount::get(),
			wanted,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		let from_active = slashed.min(bond.active);
		bond.active = bond.active.saturating_sub(from_active);
		let mut rest = slashed.saturating_sub(from_active);
		for chunk in bond.unbonding.iter_mut() {
			if rest.is_zero() {
				break;
			}
			let taken = rest.min(chunk.amount);
			chunk.amount = chunk.amount.saturating_sub(taken);
			rest = rest.saturating_sub(taken);
		}
		bond.unbonding.retain(|chunk| !chunk.amount.is_zero());
		if !rest.is_zero() {
			log::error!(target: LOG_TARGET, "slash of {who:?} exceeded its ledger by {rest:?}");
		}
		// Leaving the set never fails (only joining can hit the bound, and a slash never joins).
		if let Ok(Some(validators)) = Self::validators_after(who, &bond) {
			Validators::<T>::put(validators);
		}
		let closed = Self::store_or_close(who, bond);
		Ok((slashed, closed))
	}
}
