//! Weights for pallet_execution_log. PLACEHOLDER until scripts/benchmark.sh regenerates this file from the benchmarks.
//!
//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: PLACEHOLDER, STEPS: `50`, REPEAT: `20`, LOW RANGE: `[]`, HIGH RANGE: `[]`
//! WORST CASE MAP SIZE: `1000000`
//! HOSTNAME: `PLACEHOLDER`, CPU: `PLACEHOLDER`
//! WASM-EXECUTION: `Compiled`, CHAIN: `Some("dev")`, DB CACHE: `1024`

// Executed Command:
// ./scripts/benchmark.sh
// pallet_execution_log

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_execution_log`.
pub trait WeightInfo {
	fn submit_job() -> Weight;
	fn assign(r: u32, ) -> Weight;
	fn claim(r: u32, ) -> Weight;
	fn submit_receipt(r: u32, c: u32, ) -> Weight;
	fn attest(r: u32, c: u32, ) -> Weight;
	fn submit_attestations(b: u32, ) -> Weight;
	fn challenge(c: u32, ) -> Weight;
	fn on_initialize_expiry(j: u32, ) -> Weight;
}

/// Weights for `pallet_execution_log` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: Workflows, NextJobId, ExpiryQueue, Balances::Holds (r:4 w:4)
	fn submit_job() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1333`
		//  Estimated: `4000`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: Jobs, StakeGuard, Reputation (per node) (r:2 w:1)
	/// The range of component `r` is `[1, 5]`.
	fn assign(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `3000`
		//  Estimated: `9000`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 9000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(6_000_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
	}
	/// Storage: Jobs, StakeGuard, Reputation (r:4 w:1)
	/// The range of component `r` is `[1, 5]`.
	fn claim(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `3000`
		//  Estimated: `9000`
		// Minimum execution time: 22_000_000 picoseconds.
		Weight::from_parts(22_000_000, 9000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(300_000, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
	}
	/// Storage: Jobs, Receipts, StakeGuard (key, validators), Reputation (per node) (r:5 w:2)
	/// The range of component `r` is `[1, 5]`.
	/// The range of component `c` is `[1, 16]`.
	fn submit_receipt(r: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4000`
		//  Estimated: `12000`
		// Minimum execution time: 80_000_000 picoseconds.
		Weight::from_parts(80_000_000, 12000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(r.into()))
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(1_500_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: Jobs, PayoutRouter, Reputation (per node and member) (r:8 w:6)
	/// The range of component `r` is `[1, 5]`.
	/// The range of component `c` is `[1, 16]`.
	fn attest(r: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5000`
		//  Estimated: `15000`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 15000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(9_000_000, 0).saturating_mul(r.into()))
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(6_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(c.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: StakeGuard validators, then per item as attest (r:2 w:0)
	/// The range of component `b` is `[1, 16]`.
	fn submit_attestations(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5000`
		//  Estimated: `15000`
		// Minimum execution time: 30_000_000 picoseconds.
		Weight::from_parts(30_000_000, 15000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(110_000_000, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((10_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes(0_u64))
			.saturating_add(T::DbWeight::get().writes((8_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(b.into()))
	}
	/// Storage: StakeGuard, Jobs, Balances::Holds (r:5 w:2)
	/// The range of component `c` is `[1, 16]`.
	fn challenge(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4000`
		//  Estimated: `12000`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 12000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(800_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: ExpiryQueue, Jobs, Balances::Holds (per job) (r:1 w:1)
	/// The range of component `j` is `[0, 64]`.
	fn on_initialize_expiry(j: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1000`
		//  Estimated: `3000`
		// Minimum execution time: 5_000_000 picoseconds.
		Weight::from_parts(5_000_000, 3000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(j.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(j.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(j.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(j.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: Workflows, NextJobId, ExpiryQueue, Balances::Holds (r:4 w:4)
	fn submit_job() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1333`
		//  Estimated: `4000`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: Jobs, StakeGuard, Reputation (per node) (r:2 w:1)
	/// The range of component `r` is `[1, 5]`.
	fn assign(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `3000`
		//  Estimated: `9000`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 9000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(6_000_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
	}
	/// Storage: Jobs, StakeGuard, Reputation (r:4 w:1)
	/// The range of component `r` is `[1, 5]`.
	fn claim(r: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `3000`
		//  Estimated: `9000`
		// Minimum execution time: 22_000_000 picoseconds.
		Weight::from_parts(22_000_000, 9000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(300_000, 0).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
	}
	/// Storage: Jobs, Receipts, StakeGuard (key, validators), Reputation (per node) (r:5 w:2)
	/// The range of component `r` is `[1, 5]`.
	/// The range of component `c` is `[1, 16]`.
	fn submit_receipt(r: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4000`
		//  Estimated: `12000`
		// Minimum execution time: 80_000_000 picoseconds.
		Weight::from_parts(80_000_000, 12000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(r.into()))
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(1_500_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: Jobs, PayoutRouter, Reputation (per node and member) (r:8 w:6)
	/// The range of component `r` is `[1, 5]`.
	/// The range of component `c` is `[1, 16]`.
	fn attest(r: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5000`
		//  Estimated: `15000`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 15000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(9_000_000, 0).saturating_mul(r.into()))
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(c.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: StakeGuard validators, then per item as attest (r:2 w:0)
	/// The range of component `b` is `[1, 16]`.
	fn submit_attestations(b: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `5000`
		//  Estimated: `15000`
		// Minimum execution time: 30_000_000 picoseconds.
		Weight::from_parts(30_000_000, 15000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(110_000_000, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((10_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes(0_u64))
			.saturating_add(RocksDbWeight::get().writes((8_u64).saturating_mul(b.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(b.into()))
	}
	/// Storage: StakeGuard, Jobs, Balances::Holds (r:5 w:2)
	/// The range of component `c` is `[1, 16]`.
	fn challenge(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `4000`
		//  Estimated: `12000`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 12000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(800_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(c.into()))
	}
	/// Storage: ExpiryQueue, Jobs, Balances::Holds (per job) (r:1 w:1)
	/// The range of component `j` is `[0, 64]`.
	fn on_initialize_expiry(j: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `1000`
		//  Estimated: `3000`
		// Minimum execution time: 5_000_000 picoseconds.
		Weight::from_parts(5_000_000, 3000)
			// Standard Error: 10_000
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(j.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(j.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(j.into())))
			.saturating_add(Weight::from_parts(0, 2_600).saturating_mul(j.into()))
	}
}
