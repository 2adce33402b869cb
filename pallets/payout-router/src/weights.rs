//! Weights for pallet_payout_router. PLACEHOLDER until scripts/benchmark.sh regenerates this file from the benchmarks.
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
// --pallet=pallet_payout_router
// --extrinsic=*
// --steps=50
// --repeat=20
// --wasm-execution=compiled
// --output=pallets/payout-router/src/weights.rs
// --template=scripts/frame-weight-template.hbs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_payout_router`.
pub trait WeightInfo {
	fn distribute(u: u32, n: u32, v: u32, ) -> Weight;
}

/// Weights for `pallet_payout_router` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `PayoutRouter::Settled` (r:1 w:1)
	/// Proof: `PayoutRouter::Settled` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `WorkflowRegistry::Workflows` (r:17 w:0)
	/// Proof: `WorkflowRegistry::Workflows` (`max_values`: None, `max_size`: Some(1024), added: 3499, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:40 w:40)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::EarningsOf` (r:39 w:39)
	/// Proof: `PayoutRouter::EarningsOf` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::WorkflowStats` (r:17 w:17)
	/// Proof: `PayoutRouter::WorkflowStats` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::TotalPaid` (r:1 w:1)
	/// Proof: `PayoutRouter::TotalPaid` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::TotalSettledFees` (r:1 w:1)
	/// Proof: `PayoutRouter::TotalSettledFees` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// The range of component `u` is `[0, 16]`.
	/// The range of component `n` is `[1, 5]`.
	/// The range of component `v` is `[1, 16]`.
	fn distribute(u: u32, n: u32, v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `612 + u * (96 ±0) + n * (32 ±0) + v * (32 ±0)`
		//  Estimated: `6196 + u * (3499 ±0) + n * (2603 ±0) + v * (2603 ±0)`
		// Minimum execution time: 95_000_000 picoseconds.
		Weight::from_parts(60_000_000, 6196)
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(38_000_000, 0).saturating_mul(u.into()))
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(32_000_000, 0).saturating_mul(n.into()))
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(32_000_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(u.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(v.into())))
			.saturating_add(T::DbWeight::get().writes(10_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(u.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3499).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(v.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `PayoutRouter::Settled` (r:1 w:1)
	/// Proof: `PayoutRouter::Settled` (`max_values`: None, `max_size`: Some(112), added: 2587, mode: `MaxEncodedLen`)
	/// Storage: `WorkflowRegistry::Workflows` (r:17 w:0)
	/// Proof: `WorkflowRegistry::Workflows` (`max_values`: None, `max_size`: Some(1024), added: 3499, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:40 w:40)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::EarningsOf` (r:39 w:39)
	/// Proof: `PayoutRouter::EarningsOf` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::WorkflowStats` (r:17 w:17)
	/// Proof: `PayoutRouter::WorkflowStats` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::TotalPaid` (r:1 w:1)
	/// Proof: `PayoutRouter::TotalPaid` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `PayoutRouter::TotalSettledFees` (r:1 w:1)
	/// Proof: `PayoutRouter::TotalSettledFees` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// The range of component `u` is `[0, 16]`.
	/// The range of component `n` is `[1, 5]`.
	/// The range of component `v` is `[1, 16]`.
	fn distribute(u: u32, n: u32, v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `612 + u * (96 ±0) + n * (32 ±0) + v * (32 ±0)`
		//  Estimated: `6196 + u * (3499 ±0) + n * (2603 ±0) + v * (2603 ±0)`
		// Minimum execution time: 95_000_000 picoseconds.
		Weight::from_parts(60_000_000, 6196)
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(38_000_000, 0).saturating_mul(u.into()))
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(32_000_000, 0).saturating_mul(n.into()))
			// Standard Error: 20_000
			.saturating_add(Weight::from_parts(32_000_000, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(u.into())))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(v.into())))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(u.into())))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 3499).saturating_mul(u.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(v.into()))
	}
}
