//! Tests of the StakeGuard pallet, one file per topic.
#![allow(clippy::arithmetic_side_effects)]

mod bond;
mod genesis;
mod inspect;
mod node;
mod slash;
mod unbond;
