//! Lazy decay of evidence.

use crate::{mock::*, score::UNIT, Evidence, Pallet, Records};
use havn_primitives::{
	traits::{Outcome, ReputationHooks},
	ReputationLevel,
};
use sp_runtime::Permill;

#[test]
fn decay_is_counted_in_whole_epochs() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(Pallet::<Test>::decay_epochs(1, 1), 0);
		assert_eq!(Pallet::<Test>::decay_epochs(1, DECAY_EPOCH - 1), 0);
		assert_eq!(Pallet::<Test>::decay_epochs(1, DECAY_EPOCH), 1);
		assert_eq!(Pallet::<Test>::decay_epochs(DECAY_EPOCH - 1, DECAY_EPOCH), 1);
		assert_eq!(Pallet::<Test>::decay_epochs(DECAY_EPOCH, 3 * DECAY_EPOCH + 7), 2);
		assert_eq!(Pallet::<Test>::decay_epochs(DECAY_EPOCH - 1, 3 * DECAY_EPOCH + 7), 3);
		// Backwards: none.
		assert_eq!(Pallet::<Test>::decay_epochs(5 * DECAY_EPOCH, DECAY_EPOCH), 0);
	});
}

#[test]
fn reads_apply_decay_without_writing() {
	ExtBuilder.build_and_execute(|| {
		for _ in 0..10 {
			Reputation::record(&1, Outcome::JobFinalized);
		}
		let stored = Records::<Test>::get(1).unwrap();
		assert_eq!(stored.evidence, Evidence { alpha: 10 * UNIT, beta: 0 });
		run_to_block(2 * DECAY_EPOCH);
		// Two epochs at 10%: 81%.
		assert_eq!(Reputation::evidence_of(&1), Evidence { alpha: 81 * UNIT / 10, beta: 0 });
		assert_eq!(Reputation::record_of(&1).unwrap().evidence.alpha, 81 * UNIT / 10);
		assert_eq!(Reputation::record_of(&1).unwrap().last_update, 1);
		// Storage untouched.
		assert_eq!(Records::<Test>::get(1).unwrap(), stored);
	});
}

#[test]
fn frequent_updates_do_not_escape_decay() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::JobRejected); // beta 4
												// Record something every 60 blocks: epoch boundaries are crossed at 100 and 200.
		run_to_block(61);
		Reputation::record(&2, Outcome::JobFinalized);
		run_to_block(121);
		Reputation::record(&1, Outcome::AttestationAgreed); // one epoch since block 1
		assert_eq!(Records::<Test>::get(1).unwrap().evidence.beta, 36 * UNIT / 10);
		run_to_block(181);
		assert_eq!(Reputation::evidence_of(&1).beta, 36 * UNIT / 10);
		run_to_block(201);
		assert_eq!(Reputation::evidence_of(&1).beta, 324 * UNIT / 100);
	});
}

#[test]
fn decay_brings_scores_back_to_half_and_levels_to_novice() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeLost);
		assert_eq!(Reputation::level_of(&1), ReputationLevel::Untrusted);
		let mut previous = Reputation::score_of(&1);
		for epoch in 1..=400u64 {
			run_to_block(epoch * DECAY_EPOCH);
			let score = Reputation::score_of(&1);
			assert!(score >= previous);
			assert!(score <= Permill::from_percent(50));
			previous = score;
		}
		// Ten observations decay to nothing well within 400 epochs at 10%.
		assert_eq!(Reputation::evidence_of(&1), Evidence::NONE);
		assert_eq!(Reputation::score_of(&1), Permill::from_percent(50));
		assert_eq!(Reputation::level_of(&1), ReputationLevel::Novice);
	});
}
