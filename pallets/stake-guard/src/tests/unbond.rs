//! `unbond` and `withdraw_unbonded`.

use crate::{mock::*, Bonds, Error, Event, NodeInfo, ReceiptKeys, UnlockChunk, Validators};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{traits::StakeInspect, ComputeClass, Role};

#[test]
fn unbond_moves_stake_to_a_chunk() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		run_to_block(4);
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 30));
		System::assert_last_event(
			Event::Unbonded { who: 1, amount: 30, unlock_at: 4 + UNBONDING_PERIOD }.into(),
		);
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.active, 70);
		assert_eq!(
			bond.unbonding.into_inner(),
			vec![UnlockChunk { amount: 30, unlock_at: 4 + UNBONDING_PERIOD }]
		);
		// Still held.
		assert_eq!(held(1), 100);
		assert_eq!(StakeGuard::standing(&1), (Some(Role::Relay), 70, 30, false));
	});
}

#[test]
fn unbonds_in_one_block_share_a_chunk() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 10));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 15));
		assert_eq!(
			Bonds::<Test>::get(1).unwrap().unbonding.into_inner(),
			vec![UnlockChunk { amount: 25, unlock_at: 1 + UNBONDING_PERIOD }]
		);
	});
}

#[test]
fn unbond_below_the_floor_ends_eligibility() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, 600));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), Role::Relay, RELAY_FLOOR));
		let node = Role::ExecutionNode(ComputeClass::S);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(3), node, FLOOR_S));
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(3),
			key(3),
			proof(3, 3),
			caps(ComputeClass::S)
		));
		assert!(StakeGuard::is_active_validator(&1));
		assert!(StakeGuard::is_relay(&2));
		assert!(StakeGuard::is_eligible_node(&3, ComputeClass::S));

		// The validator stays active at the floor exactly.
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 100));
		assert!(StakeGuard::is_active_validator(&1));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1));
		assert!(!StakeGuard::is_active_validator(&1));
		assert!(Validators::<Test>::get().is_empty());

		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(2), 1));
		assert!(!StakeGuard::is_relay(&2));
		assert_eq!(StakeGuard::role(&2), Some(Role::Relay));

		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(3), FLOOR_S));
		assert!(!StakeGuard::is_eligible_node(&3, ComputeClass::S));
		assert_eq!(StakeGuard::role(&3), None);
		// Registration survives while the bond is unbonding.
		assert_eq!(StakeGuard::receipt_key(&3), Some(key(3)));
	});
}

#[test]
fn unbond_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(StakeGuard::unbond(RuntimeOrigin::signed(1), 10), Error::<Test>::NotBonded);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_noop!(StakeGuard::unbond(RuntimeOrigin::signed(1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			StakeGuard::unbond(RuntimeOrigin::signed(1), 101),
			Error::<Test>::InsufficientActiveBond
		);
		for block in 2..=4 {
			run_to_block(block);
			assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1));
		}
		run_to_block(5);
		assert_noop!(
			StakeGuard::unbond(RuntimeOrigin::signed(1), 1),
			Error::<Test>::TooManyUnbondingChunks
		);
		assert_noop!(
			StakeGuard::unbond(RuntimeOrigin::root(), 1),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn unbond_merge_overflow_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 10));
		// Corrupt the ledger so that merging into the last chunk overflows.
		Bonds::<Test>::mutate(1, |bond| bond.as_mut().unwrap().unbonding[0].amount = u64::MAX);
		assert_noop!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1), Error::<Test>::Overflow);
		Bonds::<Test>::mutate(1, |bond| bond.as_mut().unwrap().unbonding[0].amount = 10);
	});
}

#[test]
fn withdraw_releases_only_matured_chunks() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 10));
		run_to_block(3);
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 20));
		assert_noop!(
			StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::Withdrawn { who: 1, amount: 10 }.into());
		assert_eq!(held(1), 90);
		assert_eq!(free(1), ENDOWMENT - 90);
		assert_eq!(
			Bonds::<Test>::get(1).unwrap().unbonding.into_inner(),
			vec![UnlockChunk { amount: 20, unlock_at: 3 + UNBONDING_PERIOD }]
		);
		assert_noop!(
			StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(3 + UNBONDING_PERIOD);
		assert_ok!(StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 70);
		assert_eq!(Bonds::<Test>::get(1).unwrap().active, 70);
	});
}

#[test]
fn withdrawing_everything_closes_the_bond_and_the_registration() {
	ExtBuilder::default().build_and_execute(|| {
		let role = Role::ExecutionNode(ComputeClass::S);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), role, FLOOR_S));
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::S)
		));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), FLOOR_S));
		run_to_block(1 + UNBONDING_PERIOD);
		System::reset_events();
		assert_ok!(StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(
			stake_events(),
			vec![Event::Withdrawn { who: 1, amount: FLOOR_S }, Event::BondClosed { who: 1 }]
		);
		assert!(Bonds::<Test>::get(1).is_none());
		assert!(NodeInfo::<Test>::get(1).is_none());
		assert!(ReceiptKeys::<Test>::get(key(1)).is_none());
		assert_eq!(held(1), 0);
		assert_eq!(free(1), ENDOWMENT);
		assert_eq!(StakeGuard::standing(&1), (None, 0, 0, false));
		// The account may bond again, and its old key is free.
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, 600));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), role, FLOOR_S));
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(2),
			key(1),
			proof(2, 1),
			caps(ComputeClass::S)
		));
	});
}

#[test]
fn withdraw_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NotBonded
		);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_noop!(
			StakeGuard::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		assert_noop!(
			StakeGuard::withdraw_unbonded(RuntimeOrigin::none()),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}
