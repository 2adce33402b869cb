//! `ValidateUnsigned`: what the transaction pool accepts and refuses.
#![allow(deprecated)]

use super::*;
use crate::{
	Call, CLAIM_PRIORITY, CLAIM_TAG, INVALID_CANNOT_RECEIVE, INVALID_DISABLED, INVALID_DRY,
	INVALID_RATE_LIMITED,
};
use codec::Encode;
use frame_support::{assert_ok, pallet_prelude::*};
use sp_runtime::traits::ValidateUnsigned;

fn validate(dest: AccountId) -> TransactionValidity {
	Faucet::validate_unsigned(TransactionSource::External, &Call::claim { dest })
}

fn custom(code: u8) -> TransactionValidity {
	Err(InvalidTransaction::Custom(code).into())
}

#[test]
fn a_valid_claim_is_tagged_per_account_and_period() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(
			validate(ALICE),
			Ok(ValidTransaction {
				priority: CLAIM_PRIORITY,
				requires: vec![],
				provides: vec![(CLAIM_TAG, ALICE, 0u64).encode()],
				longevity: 9,
				propagate: true,
			})
		);
		run_to_block(10);
		let v = validate(ALICE).unwrap();
		assert_eq!(v.provides, vec![(CLAIM_TAG, ALICE, 1u64).encode()]);
		assert_eq!(v.longevity, 10);
		run_to_block(19);
		assert_eq!(validate(ALICE).unwrap().longevity, 1);
		assert_ne!(validate(ALICE).unwrap().provides, validate(BOB).unwrap().provides);
	});
}

#[test]
fn refusals_carry_their_codes() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_eq!(validate(ALICE), custom(INVALID_RATE_LIMITED));

		DripAmount::set(&(ED - 1));
		assert_eq!(validate(BOB), custom(INVALID_CANNOT_RECEIVE));
		DripAmount::set(&10_000);
		assert_eq!(validate(BOB), custom(INVALID_DRY));
		DripAmount::set(&100);

		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 10));
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), 11));
		assert_eq!(validate(BOB), Err(InvalidTransaction::ExhaustsResources.into()));

		assert_ok!(Faucet::set_enabled(RuntimeOrigin::root(), false));
		assert_eq!(validate(BOB), custom(INVALID_DISABLED));
	});
}

#[test]
fn pre_dispatch_runs_the_same_checks() {
	ExtBuilder::default().build_and_execute(|| {
		let call = Call::claim { dest: ALICE };
		assert_ok!(Faucet::pre_dispatch(&call));
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_eq!(
			Faucet::pre_dispatch(&call),
			Err(InvalidTransaction::Custom(INVALID_RATE_LIMITED).into())
		);
	});
}

#[test]
fn other_calls_are_not_unsigned() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(
			Faucet::validate_unsigned(
				TransactionSource::External,
				&Call::set_enabled { enabled: false }
			),
			Err(InvalidTransaction::Call.into())
		);
	});
}
