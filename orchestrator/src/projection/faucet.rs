//! The Faucet projection: its drips add to the `faucet` running total.

use super::{ctx::ss58, fields, writer::BlockWriter, Coverage, PalletEvent};
use crate::model::{Account, Planck};
use havn_client::api::faucet::Event;
use serde::Serialize;

/// A Faucet event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum FaucetEvent {
	/// `Dripped`.
	Dripped {
		/// Account paid.
		who: Account,
		/// Amount, planck.
		amount: Planck,
	},
	/// `FaucetToggled`.
	FaucetToggled {
		/// Whether claims are accepted.
		enabled: bool,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "Faucet",
	indexed: <FaucetEvent as strum::VariantNames>::VARIANTS,
	ignored: &[],
};

impl PalletEvent for FaucetEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn account(&self) -> Option<&Account> {
		match self {
			Self::Dripped { who, .. } => Some(who),
			Self::FaucetToggled { .. } => None,
		}
	}
}

/// The chain's event as a [`FaucetEvent`].
pub fn decode(event: Event) -> FaucetEvent {
	match event {
		Event::Dripped { who, amount } => {
			FaucetEvent::Dripped { who: ss58(&who), amount: Planck(amount) }
		}
		Event::FaucetToggled { enabled } => FaucetEvent::FaucetToggled { enabled },
	}
}

/// Stage the event's rows.
pub fn apply(w: &mut BlockWriter<'_>, event: &FaucetEvent) {
	match event {
		FaucetEvent::Dripped { amount, .. } => w.add_total("faucet", amount.0),
		FaucetEvent::FaucetToggled { .. } => {}
	}
}
