//! `bond` and `bond_extra`.

use crate::{mock::*, Bond, Bonds, Error, Event, Validators};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{ComputeClass, Role};
use sp_runtime::{BoundedVec, DispatchError, TokenError};

#[test]
fn bond_holds_the_amount_for_each_role() {
	ExtBuilder::default().build_and_execute(|| {
		let cases = [
			(1, Role::ExecutionNode(ComputeClass::S), FLOOR_S),
			(2, Role::ExecutionNode(ComputeClass::M), FLOOR_M),
			(3, Role::ExecutionNode(ComputeClass::L), FLOOR_L),
			(4, Role::ExecutionNode(ComputeClass::XL), FLOOR_XL + 1),
			(5, Role::Validator, VALIDATOR_FLOOR),
			(6, Role::Relay, RELAY_FLOOR),
		];
		for (who, role, amount) in cases {
			assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(who), role, amount));
			System::assert_last_event(Event::Bonded { who, role, amount }.into());
			assert_eq!(held(who), amount);
			assert_eq!(free(who), ENDOWMENT - amount);
			assert_eq!(
				Bonds::<Test>::get(who),
				Some(Bond { role, active: amount, unbonding: BoundedVec::new(), since: 1 })
			);
		}
		assert_eq!(Validators::<Test>::get().into_inner(), vec![5]);
	});
}

#[test]
fn bond_keeps_validators_sorted() {
	ExtBuilder::default().build_and_execute(|| {
		for who in [7, 3, 9, 1] {
			assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(who), Role::Validator, 600));
		}
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 3, 7, 9]);
	});
}

#[test]
fn bond_fails_when_the_validator_set_is_full() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=4 {
			assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(who), Role::Validator, 600));
		}
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::signed(5), Role::Validator, 600),
			Error::<Test>::TooManyValidators
		);
		// Other roles are unaffected.
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(5), Role::Relay, 600));
	});
}

#[test]
fn bond_below_the_floor_fails() {
	ExtBuilder::default().build_and_execute(|| {
		let cases = [
			(Role::ExecutionNode(ComputeClass::S), FLOOR_S),
			(Role::ExecutionNode(ComputeClass::M), FLOOR_M),
			(Role::ExecutionNode(ComputeClass::L), FLOOR_L),
			(Role::ExecutionNode(ComputeClass::XL), FLOOR_XL),
			(Role::Validator, VALIDATOR_FLOOR),
			(Role::Relay, RELAY_FLOOR),
		];
		for (role, floor) in cases {
			assert_noop!(
				StakeGuard::bond(RuntimeOrigin::signed(1), role, floor - 1),
				Error::<Test>::BelowCollateralFloor
			);
		}
	});
}

#[test]
fn bond_twice_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, 600),
			Error::<Test>::AlreadyBonded
		);
		// Still bonded while only unbonding stake is left.
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 100));
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100),
			Error::<Test>::AlreadyBonded
		);
	});
}

#[test]
fn bond_zero_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 0),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn bond_more_than_free_fails() {
	ExtBuilder::default().build_and_execute(|| {
		// The existential deposit stays free.
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, ENDOWMENT),
			TokenError::FundsUnavailable
		);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, ENDOWMENT - ED));
		assert_eq!(free(1), ED);
	});
}

#[test]
fn bond_needs_a_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::bond(RuntimeOrigin::root(), Role::Relay, 100),
			DispatchError::BadOrigin
		);
		assert_noop!(StakeGuard::bond_extra(RuntimeOrigin::none(), 100), DispatchError::BadOrigin);
	});
}

#[test]
fn bond_extra_adds_to_the_active_stake() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::bond_extra(RuntimeOrigin::signed(1), 25));
		System::assert_last_event(Event::BondedExtra { who: 1, amount: 25 }.into());
		assert_eq!(Bonds::<Test>::get(1).unwrap().active, 125);
		assert_eq!(held(1), 125);
		assert_eq!(free(1), ENDOWMENT - 125);
	});
}

#[test]
fn bond_extra_brings_a_validator_back() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, VALIDATOR_FLOOR));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1));
		assert!(Validators::<Test>::get().is_empty());
		assert_ok!(StakeGuard::bond_extra(RuntimeOrigin::signed(1), 1));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1]);
	});
}

#[test]
fn bond_extra_fails_when_the_validator_set_is_full() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, VALIDATOR_FLOOR));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1));
		for who in 2..=5 {
			assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(who), Role::Validator, 600));
		}
		assert_noop!(
			StakeGuard::bond_extra(RuntimeOrigin::signed(1), 1),
			Error::<Test>::TooManyValidators
		);
	});
}

#[test]
fn bond_extra_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::bond_extra(RuntimeOrigin::signed(1), 10),
			Error::<Test>::NotBonded
		);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_noop!(
			StakeGuard::bond_extra(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			StakeGuard::bond_extra(RuntimeOrigin::signed(1), ENDOWMENT),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn bond_extra_overflow_fails() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		// Corrupt the ledger so that the next addition overflows.
		Bonds::<Test>::mutate(1, |bond| bond.as_mut().unwrap().active = u64::MAX - 10);
		assert_noop!(StakeGuard::bond_extra(RuntimeOrigin::signed(1), 11), Error::<Test>::Overflow);
		// Restore the ledger for the invariant check.
		Bonds::<Test>::mutate(1, |bond| bond.as_mut().unwrap().active = 100);
	});
}
