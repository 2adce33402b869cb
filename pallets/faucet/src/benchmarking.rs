//! Benchmarks of the Faucet (frame-benchmarking v2).

use super::*;
use crate::Pallet as Faucet;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the destination claimed in an earlier period and another claim is already
	/// in the block.
	#[benchmark]
	fn claim() -> Result<(), BenchmarkError> {
		let drip = T::DripAmount::get();
		let pot = Faucet::<T>::account_id();
		T::Currency::set_balance(
			&pot,
			drip.saturating_mul(10u32.into()).saturating_add(T::Currency::minimum_balance()),
		);
		Enabled::<T>::put(true);
		let dest: T::AccountId = account("dest", 0, 0);
		let now = T::Period::get().max(1u32.into()).saturating_mul(2u32.into());
		frame_system::Pallet::<T>::set_block_number(now);
		LastClaim::<T>::insert(&dest, now.saturating_sub(T::Period::get().max(1u32.into())));
		ClaimsInBlock::<T>::put((now, 0u32));
		let before = T::Currency::balance(&dest);

		#[extrinsic_call]
		_(RawOrigin::None, dest.clone());

		assert_eq!(T::Currency::balance(&dest), before.saturating_add(drip));
		assert_eq!(LastClaim::<T>::get(&dest), Some(now));
		Ok(())
	}

	#[benchmark]
	fn set_enabled() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, true);

		assert!(Enabled::<T>::get());
		Ok(())
	}

	impl_benchmark_test_suite!(Faucet, crate::mock::new_test_ext(), crate::mock::Test);
}
