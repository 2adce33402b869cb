//! `claim`: payment, the rate limit, the per-block cap and a dry pot.

use super::*;
use crate::{ClaimsInBlock, Error, LastClaim};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn a_zero_balance_account_is_paid() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Balances::free_balance(ALICE), 0);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_eq!(Balances::free_balance(ALICE), 100);
		assert_eq!(Balances::free_balance(pot()), POT - 100);
		assert_eq!(LastClaim::<Test>::get(ALICE), Some(1));
		assert_eq!(ClaimsInBlock::<Test>::get(), Some((1, 1)));
		System::assert_has_event(
			pallet_balances::Event::Transfer { from: pot(), to: ALICE, amount: 100 }.into(),
		);
		System::assert_last_event(Event::Dripped { who: ALICE, amount: 100 }.into());
	});
}

#[test]
fn funded_accounts_may_claim_too() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), CHARLIE));
		assert_eq!(Balances::free_balance(CHARLIE), CHARLIE_BALANCE + 100);
	});
}

#[test]
fn one_claim_per_account_per_period() {
	ExtBuilder::default().build_and_execute(|| {
		// Period 10: blocks 0..=9 are period 0, 10..=19 period 1.
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::RateLimited);
		assert_eq!(Faucet::next_claim_at(&ALICE), 10);
		run_to_block(9);
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::RateLimited);
		// Another account is not limited by Alice's claim.
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), BOB));
		run_to_block(10);
		assert_eq!(Faucet::next_claim_at(&ALICE), 10);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_eq!(Balances::free_balance(ALICE), 200);
		assert_eq!(LastClaim::<Test>::get(ALICE), Some(10));
		assert_eq!(Faucet::next_claim_at(&ALICE), 20);
		assert_eq!(
			faucet_events(),
			vec![
				Event::Dripped { who: ALICE, amount: 100 },
				Event::Dripped { who: BOB, amount: 100 },
				Event::Dripped { who: ALICE, amount: 100 },
			]
		);
	});
}

#[test]
fn a_zero_period_allows_one_claim_per_block() {
	ExtBuilder::default().build_and_execute(|| {
		Period::set(&0);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::RateLimited);
		run_to_block(2);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
	});
}

#[test]
fn claims_per_block_are_capped() {
	ExtBuilder::default().build_and_execute(|| {
		// MaxClaimsPerBlock is 3.
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 10));
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 11));
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 12));
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), 13), Error::<Test>::TooManyClaimsInBlock);
		assert_eq!(ClaimsInBlock::<Test>::get(), Some((1, 3)));
		// The count starts again in the next block.
		run_to_block(2);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 13));
		assert_eq!(ClaimsInBlock::<Test>::get(), Some((2, 1)));
	});
}

#[test]
fn the_pot_keeps_the_existential_deposit() {
	ExtBuilder::default().pot(300).build_and_execute(|| {
		// 300 - 10 (ED) = 290 spendable: two drips of 100.
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 10));
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 11));
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), 12), Error::<Test>::FaucetDry);
		assert_eq!(Balances::free_balance(pot()), 100);
	});
}

#[test]
fn an_unfunded_pot_is_dry() {
	ExtBuilder::default().pot(0).build_and_execute(|| {
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::FaucetDry);
	});
}

#[test]
fn a_drip_below_the_existential_deposit_cannot_open_an_account() {
	ExtBuilder::default().build_and_execute(|| {
		DripAmount::set(&(ED - 1));
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::CannotReceiveDrip);
		// An existing account can receive it.
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), CHARLIE));
		assert_eq!(Balances::free_balance(CHARLIE), CHARLIE_BALANCE + ED - 1);
	});
}

#[test]
fn a_disabled_faucet_refuses_claims() {
	ExtBuilder::default().disabled().build_and_execute(|| {
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), ALICE), Error::<Test>::FaucetDisabled);
	});
}

#[test]
fn claim_must_be_unsigned() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Faucet::claim(RuntimeOrigin::signed(CHARLIE), ALICE),
			DispatchError::BadOrigin
		);
		assert_noop!(Faucet::claim(RuntimeOrigin::root(), ALICE), DispatchError::BadOrigin);
	});
}

#[test]
fn claimable_reports_what_a_claim_would_do() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(matches!(Faucet::claimable(&ALICE), Ok(100)));
		assert_eq!(Faucet::next_claim_at(&ALICE), 1);
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert!(matches!(Faucet::claimable(&ALICE), Err(Error::<Test>::RateLimited)));
	});
}

#[test]
fn try_state_detects_claims_in_the_future() {
	ExtBuilder::default().build_and_execute(|| {
		LastClaim::<Test>::insert(ALICE, 5);
		assert!(Faucet::do_try_state().is_err());
		LastClaim::<Test>::insert(ALICE, 1);
		ClaimsInBlock::<Test>::put((1, 4));
		assert!(Faucet::do_try_state().is_err());
		ClaimsInBlock::<Test>::put((2, 1));
		assert!(Faucet::do_try_state().is_err());
		ClaimsInBlock::<Test>::put((1, 1));
	});
}
