//! The `reset` call.

use crate::{mock::*, Error, Event, Records};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{
	traits::{Outcome, ReputationHooks},
	ReputationLevel,
};
use sp_runtime::{DispatchError, Permill};

#[test]
fn reset_wipes_the_record() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeLost);
		Reputation::record(&2, Outcome::JobFinalized);
		assert_ok!(Reputation::reset(RuntimeOrigin::root(), 1));
		assert!(Records::<Test>::get(1).is_none());
		assert!(Records::<Test>::get(2).is_some());
		assert_eq!(Reputation::score_of(&1), Permill::from_percent(50));
		assert_eq!(Reputation::level_of(&1), ReputationLevel::Novice);
		System::assert_last_event(Event::ReputationReset { who: 1 }.into());
	});
}

#[test]
fn reset_needs_the_admin_origin() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeLost);
		assert_noop!(Reputation::reset(RuntimeOrigin::signed(1), 1), DispatchError::BadOrigin);
		assert_noop!(Reputation::reset(RuntimeOrigin::none(), 1), DispatchError::BadOrigin);
	});
}

#[test]
fn reset_needs_a_record() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(Reputation::reset(RuntimeOrigin::root(), 1), Error::<Test>::NoRecord);
	});
}
