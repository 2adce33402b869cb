//! Weights for pallet_stake_guard. PLACEHOLDER until scripts/benchmark.sh regenerates this file from the benchmarks.
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
// --pallet=pallet_stake_guard
// --extrinsic=*
// --steps=50
// --repeat=20
// --wasm-execution=compiled
// --output=pallets/stake-guard/src/weights.rs
// --template=scripts/frame-weight-template.hbs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_stake_guard`.
pub trait WeightInfo {
	fn bond(v: u32, ) -> Weight;
	fn bond_extra(v: u32, ) -> Weight;
	fn register_node(m: u32, ) -> Weight;
	fn heartbeat() -> Weight;
	fn unbond(v: u32, ) -> Weight;
	fn withdraw_unbonded(c: u32, ) -> Weight;
	fn slash(c: u32, ) -> Weight;
}

/// Weights for `pallet_stake_guard` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn bond(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 40_000_000 picoseconds.
		Weight::from_parts(40_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(120_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn bond_extra(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 38_000_000 picoseconds.
		Weight::from_parts(38_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(120_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:0)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::ReceiptKeys` (r:1 w:2)
	/// Proof: `StakeGuard::ReceiptKeys` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[0, 128]`.
	fn register_node(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 25_000_000 picoseconds.
		Weight::from_parts(25_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(350_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	fn heartbeat() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 22_000_000 picoseconds.
		Weight::from_parts(22_000_000, 4290)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn unbond(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(110_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::ReceiptKeys` (r:0 w:1)
	/// Proof: `StakeGuard::ReceiptKeys` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `c` is `[0, 128]`.
	fn withdraw_unbonded(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(150_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `c` is `[0, 128]`.
	fn slash(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(180_000, 0).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn bond(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 40_000_000 picoseconds.
		Weight::from_parts(40_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(120_000, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn bond_extra(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 38_000_000 picoseconds.
		Weight::from_parts(38_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(120_000, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:0)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::ReceiptKeys` (r:1 w:2)
	/// Proof: `StakeGuard::ReceiptKeys` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `m` is `[0, 128]`.
	fn register_node(m: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 25_000_000 picoseconds.
		Weight::from_parts(25_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(350_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Reputation::Records` (r:1 w:1)
	/// Proof: `Reputation::Records` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	fn heartbeat() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 22_000_000 picoseconds.
		Weight::from_parts(22_000_000, 4290)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[0, 128]`.
	fn unbond(v: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4096`
		// Minimum execution time: 20_000_000 picoseconds.
		Weight::from_parts(20_000_000, 4096)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(110_000, 0).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::NodeInfo` (r:1 w:1)
	/// Proof: `StakeGuard::NodeInfo` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::ReceiptKeys` (r:0 w:1)
	/// Proof: `StakeGuard::ReceiptKeys` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `c` is `[0, 128]`.
	fn withdraw_unbonded(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 45_000_000 picoseconds.
		Weight::from_parts(45_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(150_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `StakeGuard::Bonds` (r:1 w:1)
	/// Proof: `StakeGuard::Bonds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// Storage: `StakeGuard::Validators` (r:1 w:1)
	/// Proof: `StakeGuard::Validators` (`max_values`: None, `max_size`: Some(600), added: 3075, mode: `MaxEncodedLen`)
	/// The range of component `c` is `[0, 128]`.
	fn slash(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `4290`
		// Minimum execution time: 60_000_000 picoseconds.
		Weight::from_parts(60_000_000, 4290)
			// Standard Error: 1_000
			.saturating_add(Weight::from_parts(180_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
}
