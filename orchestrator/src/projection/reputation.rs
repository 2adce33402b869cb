//! The Reputation projection: the score of each account (`accounts.reputation_ppm`).

use super::{ctx::ss58, fields, writer::BlockWriter, Coverage, PalletEvent};
use crate::model::Account;
use havn_client::api::reputation::Event;
use serde::Serialize;

/// A Reputation event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum ReputationEvent {
	/// `ReputationUpdated`.
	ReputationUpdated {
		/// Account.
		who: Account,
		/// Outcome (`job_finalized`, `attestation_agreed`, …).
		outcome: &'static str,
		/// New score, ppm.
		score_ppm: u32,
	},
	/// `ReputationReset`.
	ReputationReset {
		/// Account.
		who: Account,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "Reputation",
	indexed: <ReputationEvent as strum::VariantNames>::VARIANTS,
	ignored: &[],
};

impl PalletEvent for ReputationEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn account(&self) -> Option<&Account> {
		match self {
			Self::ReputationUpdated { who, .. } | Self::ReputationReset { who } => Some(who),
		}
	}
}

/// The chain's event as a [`ReputationEvent`].
pub fn decode(event: Event) -> ReputationEvent {
	match event {
		Event::ReputationUpdated { who, outcome, score } => ReputationEvent::ReputationUpdated {
			who: ss58(&who),
			outcome: outcome.0.into(),
			score_ppm: score.0,
		},
		Event::ReputationReset { who } => ReputationEvent::ReputationReset { who: ss58(&who) },
	}
}

/// Stage the event's rows (the last score of the block wins).
pub fn apply(w: &mut BlockWriter<'_>, event: &ReputationEvent) {
	match event {
		ReputationEvent::ReputationUpdated { who, score_ppm, .. } => {
			w.set_reputation(who, Some(*score_ppm))
		}
		ReputationEvent::ReputationReset { who } => w.set_reputation(who, None),
	}
}
