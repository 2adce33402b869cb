//! Tests of the Reputation pallet, one file per topic.
#![allow(clippy::arithmetic_side_effects)]

mod decay;
mod inspect;
mod record;
mod reset;
