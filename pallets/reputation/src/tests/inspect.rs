//! `ReputationInspect`: scores and levels.

use crate::mock::*;
use havn_primitives::{
	traits::{Outcome, ReputationHooks, ReputationInspect},
	ReputationLevel,
};
use sp_runtime::Permill;

fn score(who: u64) -> Permill {
	<Reputation as ReputationInspect<u64>>::score(&who)
}

fn level(who: u64) -> ReputationLevel {
	<Reputation as ReputationInspect<u64>>::level(&who)
}

#[test]
fn newcomers_score_half_and_are_novice() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(score(7), Permill::from_percent(50));
		assert_eq!(level(7), ReputationLevel::Novice);
		assert!(Reputation::record_of(&7).is_none());
	});
}

#[test]
fn levels_follow_the_score() {
	ExtBuilder.build_and_execute(|| {
		// One finalized job: 66.7%: Trusted.
		Reputation::record(&1, Outcome::JobFinalized);
		assert_eq!(level(1), ReputationLevel::Trusted);
		// Three: 80%: Elite.
		Reputation::record(&1, Outcome::JobFinalized);
		Reputation::record(&1, Outcome::AttestationAgreed);
		assert_eq!(score(1), Permill::from_percent(80));
		assert_eq!(level(1), ReputationLevel::Elite);
		// One expiry: 4 / 7 = 57%: Trusted.
		Reputation::record(&1, Outcome::JobExpired);
		assert_eq!(level(1), ReputationLevel::Trusted);
		// A rejection: 4 / 11 = 36%: Novice.
		Reputation::record(&1, Outcome::JobRejected);
		assert_eq!(level(1), ReputationLevel::Novice);
		// A lost dispute: 4 / 19 = 21%: Untrusted.
		Reputation::record(&1, Outcome::DisputeLost);
		assert_eq!(level(1), ReputationLevel::Untrusted);
	});
}

#[test]
fn balanced_evidence_is_trusted_not_novice() {
	ExtBuilder.build_and_execute(|| {
		Reputation::record(&1, Outcome::DisputeWon);
		Reputation::record(&1, Outcome::JobExpired);
		assert_eq!(score(1), Permill::from_percent(50));
		assert_eq!(level(1), ReputationLevel::Trusted);
	});
}
