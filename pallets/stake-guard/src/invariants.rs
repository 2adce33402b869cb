//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::{Bonds, Config, NodeInfo, Pallet, ReceiptKeys, Validators};
use alloc::vec::Vec;
use frame_support::{ensure, traits::fungible::InspectHold};
use havn_primitives::Role;
use sp_runtime::traits::Zero;
// Only a doc link names it here.
#[cfg(doc)]
use crate::HoldReason;

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	///
	/// 1. For every bond, active plus unbonding stake equals the balance held on the account
	///    under [`HoldReason::Bond`]; no bond is empty and no unbonding chunk is zero.
	/// 2. [`Validators`] is sorted strictly ascending (so without duplicates), and its members
	///    are exactly the accounts bonded as validators whose active stake meets the floor. (A
	///    runtime upgrade that changes `ValidatorFloor` must rebuild the set in a migration.)
	/// 3. [`ReceiptKeys`] and [`NodeInfo`] agree: every key maps to a node that registered it
	///    and every node's key maps back to it.
	/// 4. Every registered node has a bond as an execution node.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut expected_validators = Vec::new();
		for (who, bond) in Bonds::<T>::iter() {
			let held = T::Currency::balance_on_hold(&Self::hold_reason(), &who);
			ensure!(bond.total() == held, "bond ledger differs from the held balance");
			ensure!(!bond.is_empty(), "empty bond left in storage");
			ensure!(
				bond.unbonding.iter().all(|chunk| !chunk.amount.is_zero()),
				"zero unbonding chunk"
			);
			if bond.role == Role::Validator && Self::meets_floor(&bond) {
				expected_validators.push(who);
			}
		}
		expected_validators.sort();
		let validators = Validators::<T>::get();
		ensure!(
			validators.windows(2).all(|pair| matches!(pair, [a, b] if a < b)),
			"validators not strictly sorted"
		);
		ensure!(validators.into_inner() == expected_validators, "validator set out of date");
		for (key, who) in ReceiptKeys::<T>::iter() {
			let node = NodeInfo::<T>::get(&who).ok_or("receipt key of an unregistered node")?;
			ensure!(node.receipt_key == key, "receipt key index out of date");
		}
		for (who, node) in NodeInfo::<T>::iter() {
			ensure!(
				ReceiptKeys::<T>::get(node.receipt_key).as_ref() == Some(&who),
				"node key missing from the index"
			);
			let bond = Bonds::<T>::get(&who).ok_or("registered node without a bond")?;
			ensure!(
				matches!(bond.role, Role::ExecutionNode(_)),
				"registered node not bonded as a node"
			);
		}
		Ok(())
	}
}
