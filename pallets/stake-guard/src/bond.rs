//! Bonds: collateral floors, the validator set, `bond` and `bond_extra`, and closing an empty
//! bond.

use crate::{
	BalanceOf, Bond, Bonds, Config, Error, HoldReason, NodeInfo, Pallet, ReceiptKeys, Validators,
};
use frame_support::{
	pallet_prelude::*,
	traits::fungible::{InspectHold, MutateHold},
};
use havn_primitives::{ComputeClass, Role};
use sp_runtime::traits::{CheckedAdd, Zero};

impl<T: Config> Pallet<T> {
	/// The hold reason of bonds, as the runtime's hold reason.
	pub(crate) fn hold_reason() -> T::RuntimeHoldReason {
		HoldReason::Bond.into()
	}

	/// The collateral floor of `role`, in planck.
	pub fn floor_of(role: Role) -> BalanceOf<T> {
		match role {
			Role::ExecutionNode(ComputeClass::S) => T::FloorS::get(),
			Role::ExecutionNode(ComputeClass::M) => T::FloorM::get(),
			Role::ExecutionNode(ComputeClass::L) => T::FloorL::get(),
			Role::ExecutionNode(ComputeClass::XL) => T::FloorXL::get(),
			Role::Validator => T::ValidatorFloor::get(),
			Role::Relay => T::RelayFloor::get(),
		}
	}

	/// Whether `bond` meets its role's floor with a non-zero active stake.
	pub fn meets_floor(bond: &Bond<T>) -> bool {
		!bond.active.is_zero() && bond.active >= Self::floor_of(bond.role)
	}

	/// `validators` with `who` inserted in order (unchanged if present).
	fn with_validator(
		mut validators: BoundedVec<T::AccountId, T::MaxValidators>,
		who: &T::AccountId,
	) -> Result<BoundedVec<T::AccountId, T::MaxValidators>, Error<T>> {
		if let Err(index) = validators.binary_search(who) {
			validators.try_insert(index, who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
		}
		Ok(validators)
	}

	/// The validator set after `who`'s bond changed to `bond`: `None` if unchanged.
	pub(crate) fn validators_after(
		who: &T::AccountId,
		bond: &Bond<T>,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxValidators>>, Error<T>> {
		if bond.role != Role::Validator {
			return Ok(None);
		}
		let mut validators = Validators::<T>::get();
		let position = validators.binary_search(who);
		match (Self::meets_floor(bond), position) {
			(true, Err(_)) => Self::with_validator(validators, who).map(Some),
			(false, Ok(index)) => {
				validators.remove(index);
				Ok(Some(validators))
			}
			_ => Ok(None),
		}
	}

	/// Checks for [`Pallet::bond`]. Returns the new validator set if it changes.
	pub(crate) fn ensure_can_bond(
		who: &T::AccountId,
		role: Role,
		amount: BalanceOf<T>,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxValidators>>, DispatchError> {
		ensure!(!Bonds::<T>::contains_key(who), Error::<T>::AlreadyBonded);
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(amount >= Self::floor_of(role), Error::<T>::BelowCollateralFloor);
		let validators = if role == Role::Validator {
			Some(Self::with_validator(Validators::<T>::get(), who)?)
		} else {
			None
		};
		T::Currency::ensure_can_hold(&Self::hold_reason(), who, amount)?;
		Ok(validators)
	}

	/// Writes of [`Pallet::bond`]: hold `amount`, create the bond, update the validator set.
	pub(crate) fn do_bond(
		who: &T::AccountId,
		role: Role,
		amount: BalanceOf<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) -> DispatchResult {
		T::Currency::hold(&Self::hold_reason(), who, amount)?;
		let bond = Bond::<T> {
			role,
			active: amount,
			unbonding: BoundedVec::new(),
			since: frame_system::Pallet::<T>::block_number(),
		};
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
		Ok(())
	}

	/// Checks for [`Pallet::bond_extra`]. Returns the updated bond and the new validator set if
	/// it changes.
	pub(crate) fn ensure_can_bond_extra(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(Bond<T>, Option<BoundedVec<T::AccountId, T::MaxValidators>>), DispatchError> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		bond.active = bond.active.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		let validators = Self::validators_after(who, &bond)?;
		T::Currency::ensure_can_hold(&Self::hold_reason(), who, amount)?;
		Ok((bond, validators))
	}

	/// Writes of [`Pallet::bond_extra`].
	pub(crate) fn do_bond_extra(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		bond: Bond<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) -> DispatchResult {
		T::Currency::hold(&Self::hold_reason(), who, amount)?;
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
		Ok(())
	}

	/// Store `bond`, or remove it with the node registration if it is empty. Returns whether
	/// it was removed.
	pub(crate) fn store_or_close(who: &T::AccountId, bond: Bond<T>) -> bool {
		if bond.is_empty() {
			Bonds::<T>::remove(who);
			if let Some(node) = NodeInfo::<T>::take(who) {
				ReceiptKeys::<T>::remove(node.receipt_key);
			}
			Validators::<T>::mutate(|validators| {
				if let Ok(index) = validators.binary_search(who) {
					validators.remove(index);
				}
			});
			true
		} else {
			Bonds::<T>::insert(who, bond);
			false
		}
	}
}
