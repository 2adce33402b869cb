//! What other pallets and the runtime API see: the [`StakeInspect`] and [`StakeSlash`] impls
//! and [`Pallet::standing`].

use crate::{BalanceOf, Bonds, Config, Event, NodeInfo, Pallet, Validators, LOG_TARGET};
use alloc::vec::Vec;
use havn_primitives::{
	traits::{StakeInspect, StakeSlash},
	ComputeClass, Role, SlashReason,
};
use sp_core::sr25519;
use sp_runtime::{traits::Zero, Perbill};

impl<T: Config> Pallet<T> {
	/// `who`'s standing, for the runtime API: the bonded role (also while only unbonding
	/// stake is left), active stake and unbonding stake in planck, and whether the node is
	/// quarantined.
	pub fn standing(who: &T::AccountId) -> (Option<Role>, BalanceOf<T>, BalanceOf<T>, bool) {
		match Bonds::<T>::get(who) {
			Some(bond) => {
				(Some(bond.role), bond.active, bond.unbonding_total(), Self::is_quarantined(who))
			}
			None => (None, Zero::zero(), Zero::zero(), false),
		}
	}
}

impl<T: Config> StakeInspect<T::AccountId> for Pallet<T> {
	fn role(who: &T::AccountId) -> Option<Role> {
		Bonds::<T>::get(who).filter(|bond| !bond.active.is_zero()).map(|bond| bond.role)
	}

	fn is_eligible_node(who: &T::AccountId, class: ComputeClass) -> bool {
		let Some(bond) = Bonds::<T>::get(who) else { return false };
		let Role::ExecutionNode(bonded) = bond.role else { return false };
		if !bonded.serves(class) || !Self::meets_floor(&bond) {
			return false;
		}
		let now = frame_system::Pallet::<T>::block_number();
		NodeInfo::<T>::get(who).is_some_and(|node| !Self::is_quarantined_at(&node, now))
	}

	fn receipt_key(who: &T::AccountId) -> Option<sr25519::Public> {
		NodeInfo::<T>::get(who).map(|node| node.receipt_key)
	}

	fn is_active_validator(who: &T::AccountId) -> bool {
		Validators::<T>::get().binary_search(who).is_ok()
	}

	fn is_relay(who: &T::AccountId) -> bool {
		Bonds::<T>::get(who)
			.is_some_and(|bond| bond.role == Role::Relay && Self::meets_floor(&bond))
	}

	fn active_validators() -> Vec<T::AccountId> {
		Validators::<T>::get().into_inner()
	}
}

impl<T: Config> StakeSlash<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn slash(who: &T::AccountId, reason: SlashReason, fraction: Perbill) -> BalanceOf<T> {
		let Ok(bond) = Self::ensure_can_slash(who) else { return Zero::zero() };
		match Self::do_slash(who, bond, fraction) {
			Ok((amount, closed)) => {
				Self::deposit_event(Event::Slashed { who: who.clone(), reason, amount });
				if closed {
					Self::deposit_event(Event::BondClosed { who: who.clone() });
				}
				amount
			}
			Err(e) => {
				log::error!(target: LOG_TARGET, "slash of {who:?} failed: {e:?}");
				Zero::zero()
			}
		}
	}
}
