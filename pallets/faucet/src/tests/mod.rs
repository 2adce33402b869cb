//! Faucet tests, one file per topic.
#![allow(clippy::arithmetic_side_effects)]

mod admin;
mod claim;
mod validate;

use crate::{mock::*, Event};

/// The faucet's events, oldest first.
pub fn faucet_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Faucet(e) => Some(e),
			_ => None,
		})
		.collect()
}
