//! Pure Beta-reputation math, free of FRAME so it can be reasoned about and property-tested on
//! its own (model: Acurast `pallets/marketplace/reputation`, after Jøsang and Ismail's *Beta
//! Reputation System*).
//!
//! An account's reputation is a Beta distribution over "the next outcome is good", with `alpha`
//! units of good evidence and `beta` units of bad evidence on top of the uniform prior
//! Beta(1, 1). The score is the distribution's mean:
//!
//! ```text
//! score = (alpha + 1) / (alpha + beta + 2)
//! ```
//!
//! so a newcomer (no evidence) scores exactly 50%. Evidence is stored as integers in
//! [`UNIT`]ths of an observation (micro-observations) so that decay can shrink it smoothly, and is
//! capped at [`MAX_EVIDENCE`] so every sum below fits in a `u64`.
//!
//! Decay: for every elapsed decay epoch both `alpha` and `beta` are multiplied by
//! `1 - decay_per_epoch` (closed form, `O(log epochs)`), so old evidence fades and the score moves
//! back toward 50%.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use havn_primitives::{traits::Outcome, ReputationLevel};
use scale_info::TypeInfo;
use sp_runtime::{traits::Saturating, Perbill, Permill};

/// One observation's worth of evidence, in micro-observations.
pub const UNIT: u64 = 1_000_000;

/// Cap on each of `alpha` and `beta`: one million observations. With it, `alpha + beta + 2 * UNIT`
/// stays far below `u64::MAX`.
pub const MAX_EVIDENCE: u64 = 1_000_000 * UNIT;

/// Score below which an account is [`ReputationLevel::Untrusted`] (25%).
pub const UNTRUSTED_BELOW: Permill = Permill::from_percent(25);
/// Score from which an account with evidence is [`ReputationLevel::Trusted`] (50%).
pub const TRUSTED_FROM: Permill = Permill::from_percent(50);
/// Score from which an account is [`ReputationLevel::Elite`] (80%).
pub const ELITE_FROM: Permill = Permill::from_percent(80);

/// Good (`alpha`) and bad (`beta`) evidence, each in micro-observations ([`UNIT`]) and at most
/// [`MAX_EVIDENCE`].
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Evidence {
	/// Good evidence, in micro-observations.
	pub alpha: u64,
	/// Bad evidence, in micro-observations.
	pub beta: u64,
}

impl Evidence {
	/// No evidence at all: a newcomer (or an account whose evidence has decayed away).
	pub const NONE: Evidence = Evidence { alpha: 0, beta: 0 };

	/// Evidence of `alpha` good and `beta` bad observations (whole observations), capped.
	pub fn from_observations(alpha: u64, beta: u64) -> Self {
		Evidence {
			alpha: alpha.saturating_mul(UNIT).min(MAX_EVIDENCE),
			beta: beta.saturating_mul(UNIT).min(MAX_EVIDENCE),
		}
	}

	/// Whether there is no evidence.
	pub fn is_empty(&self) -> bool {
		self.alpha == 0 && self.beta == 0
	}

	/// This evidence plus `other`, each side capped at [`MAX_EVIDENCE`].
	pub fn plus(self, other: Evidence) -> Self {
		Evidence {
			alpha: self.alpha.saturating_add(other.alpha).min(MAX_EVIDENCE),
			beta: self.beta.saturating_add(other.beta).min(MAX_EVIDENCE),
		}
	}

	/// This evidence after `epochs` decay epochs at `per_epoch`: both sides multiplied by
	/// `(1 - per_epoch)^epochs`, rounded down.
	pub fn decayed(self, per_epoch: Perbill, epochs: u32) -> Self {
		if epochs == 0 || per_epoch.is_zero() {
			return self;
		}
		let exponent = usize::try_from(epochs).unwrap_or(usize::MAX);
		let keep = Perbill::one().saturating_sub(per_epoch).saturating_pow(exponent);
		Evidence { alpha: keep.mul_floor(self.alpha), beta: keep.mul_floor(self.beta) }
	}

	/// The score `(alpha + 1) / (alpha + beta + 2)`, rounded down to a `Permill`.
	pub fn score(&self) -> Permill {
		let good = self.alpha.saturating_add(UNIT);
		let all = self.alpha.saturating_add(self.beta).saturating_add(UNIT.saturating_mul(2));
		Permill::from_rational(good, all)
	}

	/// The level: [`ReputationLevel::Novice`] while there is no evidence (a newcomer's 50% score
	/// says nothing yet), otherwise from the score: below 25% `Untrusted`, below 50% `Novice`,
	/// below 80% `Trusted`, else `Elite`.
	pub fn level(&self) -> ReputationLevel {
		if self.is_empty() {
			return ReputationLevel::Novice;
		}
		level_of_score(self.score())
	}
}

/// The level of an account that has evidence and `score`.
pub fn level_of_score(score: Permill) -> ReputationLevel {
	if score < UNTRUSTED_BELOW {
		ReputationLevel::Untrusted
	} else if score < TRUSTED_FROM {
		ReputationLevel::Novice
	} else if score < ELITE_FROM {
		ReputationLevel::Trusted
	} else {
		ReputationLevel::Elite
	}
}

/// The evidence one `outcome` adds, in whole observations: `(good, bad)`.
///
/// | outcome | good | bad |
/// |---|---|---|
/// | `JobFinalized` | 1 | 0 |
/// | `AttestationAgreed` | 1 | 0 |
/// | `DisputeWon` | 2 | 0 |
/// | `JobRejected` | 0 | 4 |
/// | `JobExpired` | 0 | 2 |
/// | `AttestationDisagreed` | 0 | 2 |
/// | `DisputeLost` | 0 | 8 |
/// | `Quarantined` | 0 | 2 |
///
/// Bad outcomes weigh more than good ones: one rejected job undoes four finalized ones.
pub fn outcome_weight(outcome: Outcome) -> (u64, u64) {
	match outcome {
		Outcome::JobFinalized => (1, 0),
		Outcome::AttestationAgreed => (1, 0),
		Outcome::DisputeWon => (2, 0),
		Outcome::JobRejected => (0, 4),
		Outcome::JobExpired => (0, 2),
		Outcome::AttestationDisagreed => (0, 2),
		Outcome::DisputeLost => (0, 8),
		Outcome::Quarantined => (0, 2),
	}
}

/// The evidence one `outcome` adds.
pub fn outcome_evidence(outcome: Outcome) -> Evidence {
	let (good, bad) = outcome_weight(outcome);
	Evidence::from_observations(good, bad)
}

/// Whether `outcome` is good news (adds only good evidence).
pub fn is_good(outcome: Outcome) -> bool {
	outcome_weight(outcome).1 == 0
}

#[cfg(test)]
mod tests {
	#![allow(clippy::arithmetic_side_effects)]
	use super::*;
	use proptest::prelude::*;

	const ALL_OUTCOMES: [Outcome; 8] = [
		Outcome::JobFinalized,
		Outcome::JobRejected,
		Outcome::JobExpired,
		Outcome::AttestationAgreed,
		Outcome::AttestationDisagreed,
		Outcome::DisputeWon,
		Outcome::DisputeLost,
		Outcome::Quarantined,
	];

	fn evidence() -> impl Strategy<Value = Evidence> {
		(0..=MAX_EVIDENCE, 0..=MAX_EVIDENCE).prop_map(|(alpha, beta)| Evidence { alpha, beta })
	}

	fn small_evidence() -> impl Strategy<Value = Evidence> {
		(0..=1_000 * UNIT, 0..=1_000 * UNIT).prop_map(|(alpha, beta)| Evidence { alpha, beta })
	}

	fn distance_from_half(score: Permill) -> u32 {
		score.deconstruct().abs_diff(500_000)
	}

	#[test]
	fn newcomer_scores_half_and_is_novice() {
		assert_eq!(Evidence::NONE.score(), Permill::from_percent(50));
		assert_eq!(Evidence::NONE.level(), ReputationLevel::Novice);
	}

	#[test]
	fn known_scores() {
		// One finalized job: 2/3.
		assert_eq!(Evidence::from_observations(1, 0).score(), Permill::from_parts(666_666));
		// One rejected job: 1/6.
		assert_eq!(Evidence::from_observations(0, 4).score(), Permill::from_parts(166_666));
		// Balanced evidence sits at 50% and, having evidence, is Trusted.
		assert_eq!(Evidence::from_observations(3, 3).score(), Permill::from_percent(50));
		assert_eq!(Evidence::from_observations(3, 3).level(), ReputationLevel::Trusted);
		// 3 good: 4/5 = 80%: Elite.
		assert_eq!(Evidence::from_observations(3, 0).level(), ReputationLevel::Elite);
		assert_eq!(Evidence::from_observations(2, 0).level(), ReputationLevel::Trusted);
		// 1 good, 2 bad: 2/5 = 40%: Novice.
		assert_eq!(Evidence::from_observations(1, 2).level(), ReputationLevel::Novice);
		// 0 good, 4 bad: 1/6: Untrusted.
		assert_eq!(Evidence::from_observations(0, 4).level(), ReputationLevel::Untrusted);
	}

	#[test]
	fn level_boundaries() {
		assert_eq!(level_of_score(Permill::from_parts(249_999)), ReputationLevel::Untrusted);
		assert_eq!(level_of_score(Permill::from_percent(25)), ReputationLevel::Novice);
		assert_eq!(level_of_score(Permill::from_parts(499_999)), ReputationLevel::Novice);
		assert_eq!(level_of_score(Permill::from_percent(50)), ReputationLevel::Trusted);
		assert_eq!(level_of_score(Permill::from_parts(799_999)), ReputationLevel::Trusted);
		assert_eq!(level_of_score(Permill::from_percent(80)), ReputationLevel::Elite);
		assert_eq!(level_of_score(Permill::one()), ReputationLevel::Elite);
	}

	#[test]
	fn decay_closed_form() {
		let e = Evidence::from_observations(100, 10);
		// 10% per epoch, twice: 81%.
		assert_eq!(
			e.decayed(Perbill::from_percent(10), 2),
			Evidence { alpha: 81 * UNIT, beta: 81 * UNIT / 10 }
		);
		assert_eq!(e.decayed(Perbill::from_percent(10), 0), e);
		assert_eq!(e.decayed(Perbill::zero(), 1_000), e);
		assert_eq!(e.decayed(Perbill::one(), 1), Evidence::NONE);
		// A huge number of epochs is cheap and wipes everything.
		assert_eq!(e.decayed(Perbill::from_percent(1), u32::MAX), Evidence::NONE);
	}

	#[test]
	fn evidence_is_capped() {
		let e = Evidence::from_observations(u64::MAX, u64::MAX);
		assert_eq!(e, Evidence { alpha: MAX_EVIDENCE, beta: MAX_EVIDENCE });
		assert_eq!(e.plus(outcome_evidence(Outcome::DisputeLost)), e);
		assert_eq!(e.score(), Permill::from_percent(50));
	}

	#[test]
	fn good_outcomes_add_only_alpha() {
		for outcome in ALL_OUTCOMES {
			let e = outcome_evidence(outcome);
			assert!(!e.is_empty());
			if is_good(outcome) {
				assert_eq!(e.beta, 0);
			} else {
				assert_eq!(e.alpha, 0);
			}
		}
	}

	proptest! {
		#[test]
		fn score_is_a_probability(e in evidence()) {
			let s = e.score();
			prop_assert!(s <= Permill::one());
			prop_assert!(s > Permill::zero());
		}

		#[test]
		fn more_good_evidence_never_lowers_the_score(e in evidence(), extra in 0..=MAX_EVIDENCE) {
			let more = e.plus(Evidence { alpha: extra, beta: 0 });
			prop_assert!(more.score() >= e.score());
		}

		#[test]
		fn more_bad_evidence_never_raises_the_score(e in evidence(), extra in 0..=MAX_EVIDENCE) {
			let more = e.plus(Evidence { alpha: 0, beta: extra });
			prop_assert!(more.score() <= e.score());
		}

		#[test]
		fn good_outcomes_never_lower_and_bad_never_raise(e in evidence(), i in 0usize..8) {
			let outcome = ALL_OUTCOMES[i];
			let after = e.plus(outcome_evidence(outcome));
			if is_good(outcome) {
				prop_assert!(after.score() >= e.score());
			} else {
				prop_assert!(after.score() <= e.score());
			}
		}

		#[test]
		fn decay_moves_the_score_toward_half(
			e in evidence(),
			rate in 0u32..=1_000_000_000,
			epochs in 0u32..10_000,
		) {
			let before = e.score();
			let after = e.decayed(Perbill::from_parts(rate), epochs).score();
			let half = Permill::from_percent(50);
			// Decay never crosses 50% ...
			if before > half {
				prop_assert!(after >= half);
			}
			if before < half {
				prop_assert!(after <= half);
			}
			// ... and never moves away from it (up to 2 ppm from rounding the evidence and the
			// score down).
			prop_assert!(distance_from_half(after) <= distance_from_half(before) + 2);
		}

		#[test]
		fn decay_never_adds_evidence(e in evidence(), rate in 0u32..=1_000_000_000, epochs in 0u32..100) {
			let d = e.decayed(Perbill::from_parts(rate), epochs);
			prop_assert!(d.alpha <= e.alpha && d.beta <= e.beta);
		}

		#[test]
		fn decay_composes(e in small_evidence(), rate in 0u32..=1_000_000_000, a in 0u32..50, b in 0u32..50) {
			// Decaying in two steps matches one step up to rounding.
			let once = e.decayed(Perbill::from_parts(rate), a + b);
			let twice = e.decayed(Perbill::from_parts(rate), a).decayed(Perbill::from_parts(rate), b);
			// (`Perbill` powers round to 1e-9 per step: allow 1 ppm of the original evidence.)
			prop_assert!(once.alpha.abs_diff(twice.alpha) <= e.alpha / 1_000_000 + 2);
			prop_assert!(once.beta.abs_diff(twice.beta) <= e.beta / 1_000_000 + 2);
		}

		#[test]
		fn level_is_monotone_in_score(e in evidence(), f in evidence()) {
			prop_assume!(!e.is_empty() && !f.is_empty());
			if e.score() <= f.score() {
				prop_assert!(e.level() <= f.level());
			}
		}
	}
}
