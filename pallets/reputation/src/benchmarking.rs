//! Benchmarks of the Reputation pallet (frame-benchmarking v2).

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the account has a record that must be decayed over many epochs.
	fn seed<T: Config>(who: &T::AccountId) {
		Pallet::<T>::do_record(who, Outcome::JobFinalized);
		Pallet::<T>::do_record(who, Outcome::JobRejected);
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::DecayEpoch::get().saturating_mul(1_000u32.into()));
		frame_system::Pallet::<T>::set_block_number(later);
	}

	#[benchmark]
	fn reset() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("node", 0, 0);
		seed::<T>(&who);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Records::<T>::get(&who).is_none());
		Ok(())
	}

	/// The `ReputationHooks::record` hot path other pallets call.
	#[benchmark]
	fn record() {
		let who: T::AccountId = account("node", 0, 0);
		seed::<T>(&who);

		#[block]
		{
			Pallet::<T>::do_record(&who, Outcome::DisputeLost);
		}

		assert_eq!(Records::<T>::get(&who).map(|r| r.outcomes), Some(3));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
