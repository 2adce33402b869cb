//! Benchmarks of the PayoutRouter's hot path, `DistributeFee::distribute` (no extrinsics).

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate, MutateHold};

const SEED: u32 = 0;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: `u` dependencies, `n` nodes and `v` validators, every payee a new account
	/// that receives at least the existential deposit (so every payment creates an account).
	#[benchmark]
	fn distribute(
		u: Linear<0, 16>,
		n: Linear<1, 5>,
		v: Linear<1, 16>,
	) -> Result<(), BenchmarkError> {
		let workflow_id = T::BenchmarkHelper::workflow_with_upstream(u);
		let reason = T::BenchmarkHelper::escrow_reason();
		let ed = T::Currency::minimum_balance().max(1);
		// Large enough that every payee's part is well above the existential deposit.
		let fee: Balance = ed.saturating_mul(1_000_000_000);
		let payer: T::AccountId = account("payer", 0, SEED);
		T::Currency::set_balance(&payer, fee.saturating_mul(2));
		T::Currency::hold(&reason, &payer, fee)?;
		let treasury = T::TreasuryAccount::get();
		if T::Currency::balance(&treasury) < ed {
			T::Currency::set_balance(&treasury, ed);
		}
		let nodes: Vec<T::AccountId> = (0..n).map(|i| account("node", i, SEED)).collect();
		let validators: Vec<T::AccountId> = (0..v).map(|i| account("validator", i, SEED)).collect();
		let job_id: JobId = 1;
		let settlement = Settlement { job_id, workflow_id, payer, fee, nodes, validators };

		#[block]
		{
			<Pallet<T> as DistributeFee<_, _, _>>::distribute(&settlement, &reason)?;
		}

		assert!(Settled::<T>::contains_key(job_id));
		assert_eq!(T::Currency::balance_on_hold(&reason, &settlement.payer), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
