//! `slash` and `StakeSlash`.

use crate::{mock::*, Bonds, Error, Event, NodeInfo, UnlockChunk, Validators};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use havn_primitives::{traits::StakeSlash, ComputeClass, Role, SlashReason};
use sp_runtime::{DispatchError, Perbill, TokenError};

#[test]
fn slash_takes_from_active_first_and_pays_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		let issuance = Balances::total_issuance();
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 1_000));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 400));
		// 10% of 1,000 = 100, all from the 600 active.
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			1,
			SlashReason::Downtime,
			Perbill::from_percent(10)
		));
		System::assert_last_event(
			Event::Slashed { who: 1, reason: SlashReason::Downtime, amount: 100 }.into(),
		);
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.active, 500);
		assert_eq!(bond.unbonding_total(), 400);
		assert_eq!(held(1), 900);
		assert_eq!(free(1), ENDOWMENT - 1_000);
		assert_eq!(free(TREASURY), ED + 100);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn slash_reaches_unbonding_chunks_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 1_000));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 300));
		run_to_block(2);
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 600));
		// Active 100, chunks 300 and 600. 50% = 500: 100 active, 300 first chunk, 100 second.
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			1,
			SlashReason::Fraud,
			Perbill::from_percent(50)
		));
		let bond = Bonds::<Test>::get(1).unwrap();
		assert_eq!(bond.active, 0);
		assert_eq!(
			bond.unbonding.into_inner(),
			vec![UnlockChunk { amount: 500, unlock_at: 2 + UNBONDING_PERIOD }]
		);
		assert_eq!(held(1), 500);
		assert_eq!(free(TREASURY), ED + 500);
	});
}

#[test]
fn slashing_everything_closes_the_bond() {
	ExtBuilder::default().build_and_execute(|| {
		let role = Role::ExecutionNode(ComputeClass::S);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), role, FLOOR_S));
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::S)
		));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 40));
		System::reset_events();
		assert_ok!(StakeGuard::slash(RuntimeOrigin::root(), 1, SlashReason::Fraud, Perbill::one()));
		assert_eq!(
			stake_events(),
			vec![
				Event::Slashed { who: 1, reason: SlashReason::Fraud, amount: FLOOR_S },
				Event::BondClosed { who: 1 },
			]
		);
		assert!(Bonds::<Test>::get(1).is_none());
		assert!(NodeInfo::<Test>::get(1).is_none());
		assert_eq!(held(1), 0);
		assert_eq!(free(TREASURY), ED + FLOOR_S);
	});
}

#[test]
fn slash_below_the_floor_removes_a_validator() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, 550));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), Role::Validator, 1_000));
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			1,
			SlashReason::Collusion,
			Perbill::from_percent(10)
		));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![2]);
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			2,
			SlashReason::Collusion,
			Perbill::from_percent(10)
		));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![2]);
	});
}

#[test]
fn slash_of_nothing_is_zero() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			1,
			SlashReason::Fraud,
			Perbill::zero()
		));
		System::assert_last_event(
			Event::Slashed { who: 1, reason: SlashReason::Fraud, amount: 0 }.into(),
		);
		assert_eq!(held(1), 100);
	});
}

#[test]
fn slash_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::slash(RuntimeOrigin::root(), 1, SlashReason::Fraud, Perbill::one()),
			Error::<Test>::NotBonded
		);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_noop!(
			StakeGuard::slash(RuntimeOrigin::signed(1), 1, SlashReason::Fraud, Perbill::one()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn slash_fails_when_the_treasury_cannot_receive() {
	ExtBuilder::default().existential_deposit(5).build_and_execute(|| {
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		// Reap the treasury: a slash below the existential deposit cannot recreate it.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(TREASURY), 2, 5));
		assert_eq!(Balances::total_balance(&TREASURY), 0);
		assert_noop!(
			StakeGuard::slash(
				RuntimeOrigin::root(),
				1,
				SlashReason::Fraud,
				Perbill::from_percent(1)
			),
			TokenError::CannotCreate
		);
		// The trait's path slashes nothing and emits nothing.
		System::reset_events();
		assert_eq!(
			<StakeGuard as StakeSlash<u64, u64>>::slash(
				&1,
				SlashReason::Fraud,
				Perbill::from_percent(1)
			),
			0
		);
		assert!(System::events().is_empty());
		assert_eq!(held(1), 100);
		// A slash of at least the existential deposit recreates the treasury.
		assert_ok!(StakeGuard::slash(
			RuntimeOrigin::root(),
			1,
			SlashReason::Fraud,
			Perbill::from_percent(5)
		));
		assert_eq!(free(TREASURY), 5);
	});
}

#[test]
fn stake_slash_trait_matches_the_call() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(
			<StakeGuard as StakeSlash<u64, u64>>::slash(&1, SlashReason::Fraud, Perbill::one()),
			0
		);
		assert!(System::events().is_empty());
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 200));
		assert_eq!(
			<StakeGuard as StakeSlash<u64, u64>>::slash(
				&1,
				SlashReason::Downtime,
				Perbill::from_percent(25)
			),
			50
		);
		System::assert_last_event(
			Event::Slashed { who: 1, reason: SlashReason::Downtime, amount: 50 }.into(),
		);
		assert_eq!(held(1), 150);
		assert_eq!(
			<StakeGuard as StakeSlash<u64, u64>>::slash(&1, SlashReason::Fraud, Perbill::one()),
			150
		);
		System::assert_last_event(Event::BondClosed { who: 1 }.into());
		assert_eq!(free(TREASURY), ED + 200);
	});
}
