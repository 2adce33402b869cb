//! Weights for pallet_reputation. PLACEHOLDER until scripts/benchmark.sh regenerates this file from the benchmarks.
//!
//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: PLACEHOLDER, STEPS: `50`, REPEAT: `20`, LOW RANGE: `[]`, HIGH RANGE: `[]`
//! WORST CASE MAP SIZE: `1000000`
//! HOSTNAME: `PLACEHOLDER`, CPU: `PLACEHOLDER`
//! WASM-EXECUTION: `Compiled`, CHAIN: `Some("dev")`, DB CACHE: `1024`

// Executed Command:
// ./target/release/havn-node
// benchmark
// pallet
// --chain=dev
// --pallet=pallet_reputation
// --extrinsic=*
// --steps=50
// --repeat=20
// --wasm-execution=compiled
// --output=pallets/reputation/src/weights.rs
// --template=scripts/frame-weight-template.hbs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_reputation`.
pub trait WeightInfo {
	fn reset() -> Weight;
	fn record() -> Weight;
}

/// Weights for `pallet_reputation` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(72), added: 2547, mode: `MaxEncodedLen`)
	fn reset() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `145`
		//  Estimated: `3537`
		// Minimum execution time: 12_000_000 picoseconds.
		Weight::from_parts(13_000_000, 3537)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(72), added: 2547, mode: `MaxEncodedLen`)
	fn record() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `145`
		//  Estimated: `3537`
		// Minimum execution time: 10_000_000 picoseconds.
		Weight::from_parts(11_000_000, 3537)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(72), added: 2547, mode: `MaxEncodedLen`)
	fn reset() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `145`
		//  Estimated: `3537`
		// Minimum execution time: 12_000_000 picoseconds.
		Weight::from_parts(13_000_000, 3537)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(72), added: 2547, mode: `MaxEncodedLen`)
	fn record() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `145`
		//  Estimated: `3537`
		// Minimum execution time: 10_000_000 picoseconds.
		Weight::from_parts(11_000_000, 3537)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
