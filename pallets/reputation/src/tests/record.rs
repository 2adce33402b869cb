//! Recording outcomes through `ReputationHooks`.

use crate::{mock::*, score::UNIT, Event, Evidence, Records, ReputationRecord};
use havn_primitives::traits::{Outcome, ReputationHooks};
use sp_runtime::Permill;

#[test]
fn first_outcome_creates_a_record() {
	ExtBuilder.build_and_execute(|| {
		assert!(Records::<Test>::get(1).is_none());
		<Reputation as ReputationHooks<u64>>::record(&1, Outcome::JobFinalized);
		assert_eq!(
			Records::<Test>::get(1),
			Some(ReputationRecord {
				evidence: Evidence { alpha: UNIT, beta: 0 },
				last_update: 1,
				outcomes: 1
			})
		);
		System::assert_last_event(
			Event::ReputationUpdated {
				who: 1,
				outcome: Outcome::JobFinalized,
				score: Permill::from_parts(666_666),
			}
			.into(),
		);
	});
}

#[test]
fn every_outcome_adds_its_weight() {
	ExtBuilder.build_and_execute(|| {
		let cases = [
			(Outcome::JobFinalized, 1, 0),
			(Outcome::AttestationAgreed, 1, 0),
			(Outcome::DisputeWon, 2, 0),
			(Outcome::JobRejected, 0, 4),
			(Outcome::JobExpired, 0, 2),
			(Outcome::AttestationDisagreed, 0, 2),
			(Outcome::DisputeLost, 0, 8),
			(Outcome::Quarantined, 0, 2),
		];
		for (who, (outcome, good, bad)) in cases.into_iter().enumerate() {
			let who = who as u64 + 10;
			Reputation::record(&who, outcome);
			assert_eq!(
				Records::<Test>::get(who).unwrap().evidence,
				Evidence { alpha: good * UNIT, beta: bad * UNIT }
			);
		}
	});
}

#[test]
fn outcomes_accumulate_and_emit_in_order() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::JobFinalized);
		Reputation::record(&1, Outcome::JobFinalized);
		Reputation::record(&1, Outcome::JobRejected);
		let record = Records::<Test>::get(1).unwrap();
		assert_eq!(record.evidence, Evidence { alpha: 2 * UNIT, beta: 4 * UNIT });
		assert_eq!(record.outcomes, 3);
		// (2 + 1) / (2 + 4 + 2) = 37.5%.
		assert_eq!(Reputation::score_of(&1), Permill::from_parts(375_000));
		let events: Vec<_> = System::events().into_iter().map(|r| r.event).collect();
		assert_eq!(
			events,
			vec![
				Event::ReputationUpdated {
					who: 1,
					outcome: Outcome::JobFinalized,
					score: Permill::from_parts(666_666)
				}
				.into(),
				Event::ReputationUpdated {
					who: 1,
					outcome: Outcome::JobFinalized,
					score: Permill::from_percent(75)
				}
				.into(),
				Event::ReputationUpdated {
					who: 1,
					outcome: Outcome::JobRejected,
					score: Permill::from_parts(375_000)
				}
				.into(),
			]
		);
	});
}

#[test]
fn accounts_are_independent() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeLost);
		assert_eq!(Reputation::score_of(&2), Permill::from_percent(50));
		assert!(Records::<Test>::get(2).is_none());
		// (0 + 1) / (8 + 2) = 10%.
		assert_eq!(Reputation::score_of(&1), Permill::from_percent(10));
	});
}

#[test]
fn record_applies_pending_decay_before_adding() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeWon); // alpha 2
		run_to_block(DECAY_EPOCH + 5); // one epoch boundary crossed: alpha 1.8
		Reputation::record(&1, Outcome::JobExpired); // beta 2
		assert_eq!(
			Records::<Test>::get(1).unwrap(),
			ReputationRecord {
				evidence: Evidence { alpha: 18 * UNIT / 10, beta: 2 * UNIT },
				last_update: DECAY_EPOCH + 5,
				outcomes: 2,
			}
		);
	});
}
