//! `set_enabled` and the genesis switch.

use super::*;
use crate::{Enabled, Error};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn genesis_sets_the_switch() {
	ExtBuilder::default().build_and_execute(|| assert!(Enabled::<Test>::get()));
	ExtBuilder::default().disabled().build_and_execute(|| assert!(!Enabled::<Test>::get()));
}

#[test]
fn root_switches_the_faucet() {
	ExtBuilder::default().disabled().build_and_execute(|| {
		assert_ok!(Faucet::set_enabled(RuntimeOrigin::root(), true));
		assert!(Enabled::<Test>::get());
		assert_ok!(Faucet::claim(RuntimeOrigin::none(), ALICE));
		assert_ok!(Faucet::set_enabled(RuntimeOrigin::root(), false));
		assert!(!Enabled::<Test>::get());
		assert_noop!(Faucet::claim(RuntimeOrigin::none(), BOB), Error::<Test>::FaucetDisabled);
		assert_eq!(
			faucet_events(),
			vec![
				Event::FaucetToggled { enabled: true },
				Event::Dripped { who: ALICE, amount: 100 },
				Event::FaucetToggled { enabled: false },
			]
		);
	});
}

#[test]
fn only_the_admin_origin_switches() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Faucet::set_enabled(RuntimeOrigin::signed(CHARLIE), false),
			DispatchError::BadOrigin
		);
		assert_noop!(Faucet::set_enabled(RuntimeOrigin::none(), false), DispatchError::BadOrigin);
	});
}
