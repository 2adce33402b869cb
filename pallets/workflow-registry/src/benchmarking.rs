//! Benchmarks of the WorkflowRegistry (frame-benchmarking v2).

use super::*;
use crate::Pallet as WorkflowRegistry;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating};

const SEED: u32 = 0;

/// Give `who` enough for the largest deposits, many times over.
fn fund<T: Config>(who: &T::AccountId) {
	let max_bytes = T::MaxUriLen::get().saturating_mul(T::MaxVersions::get());
	let amount = WorkflowRegistry::<T>::deposit_for(max_bytes)
		.saturating_mul(1_000u32.into())
		.saturating_add(T::Currency::minimum_balance())
		.min(BalanceOf::<T>::max_value().checked_div(&4u32.into()).unwrap_or_else(Zero::zero));
	T::Currency::set_balance(who, amount);
}

/// A distinct manifest digest for `seed`.
fn digest(seed: u64) -> Digest {
	Digest::from(sp_io::hashing::blake2_256(&seed.to_le_bytes()))
}

/// A manifest URI of `len` bytes (clamped to `MaxUriLen`).
fn uri<T: Config>(len: u32) -> ManifestUriOf<T> {
	let len = len.min(T::MaxUriLen::get()) as usize;
	BoundedVec::truncate_from(vec![b'u'; len])
}

/// Publish a workflow by `who` with digest `digest(seed)` and a `len`-byte URI; returns its id.
fn publish_one<T: Config>(
	who: &T::AccountId,
	seed: u64,
	len: u32,
) -> Result<WorkflowId, BenchmarkError> {
	let id = NextWorkflowId::<T>::get();
	WorkflowRegistry::<T>::publish(
		RawOrigin::Signed(who.clone()).into(),
		WorkflowKind::Model,
		digest(seed),
		uri::<T>(len),
		ComputeClass::M,
		1_000u32.into(),
		None,
		BoundedVec::new(),
		None,
	)
	.map_err(|_| BenchmarkError::Stop("publish failed"))?;
	Ok(id)
}

/// `d` dependencies on fresh workflows whose weights sum to exactly 100%.
fn dependencies<T: Config>(d: u32) -> Result<DependenciesOf<T>, BenchmarkError> {
	let owner: T::AccountId = account("upstream", 0, SEED);
	fund::<T>(&owner);
	let one = Permill::one().deconstruct();
	let each = one.checked_div(d).unwrap_or(0);
	let mut list = vec![];
	for i in 0..d {
		let id = publish_one::<T>(&owner, u64::from(i).saturating_add(1_000), 1)?;
		let weight = if i == 0 {
			one.saturating_sub(each.saturating_mul(d.saturating_sub(1)))
		} else {
			each
		};
		list.push((id, Permill::from_parts(weight)));
	}
	DependenciesOf::<T>::try_from(list).map_err(|_| BenchmarkError::Stop("too many dependencies"))
}

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: `d` dependencies to check, a `u`-byte URI, and a parent whose digest is
	/// republished (the declared-derivative path).
	#[benchmark]
	fn publish(
		d: Linear<0, { T::MaxDependencies::get() }>,
		u: Linear<1, { T::MaxUriLen::get() }>,
	) -> Result<(), BenchmarkError> {
		let deps = dependencies::<T>(d)?;
		let parent_owner: T::AccountId = account("parent", 0, SEED);
		fund::<T>(&parent_owner);
		let parent = publish_one::<T>(&parent_owner, 1, 1)?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = NextWorkflowId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			WorkflowKind::Workflow,
			digest(1),
			uri::<T>(u),
			ComputeClass::XL,
			1_000u32.into(),
			None,
			deps,
			Some(parent),
		);

		assert_last_event::<T>(Event::WorkflowPublished {
			id,
			owner: caller,
			manifest_hash: digest(1),
			parent: Some(parent),
		});
		Ok(())
	}

	#[benchmark]
	fn publish_version(u: Linear<1, { T::MaxUriLen::get() }>) -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = publish_one::<T>(&caller, 1, 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, digest(2), uri::<T>(u));

		assert_last_event::<T>(Event::WorkflowVersionPublished {
			id,
			version: 2,
			manifest_hash: digest(2),
		});
		Ok(())
	}

	#[benchmark]
	fn transfer_ownership() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = publish_one::<T>(&caller, 1, T::MaxUriLen::get())?;
		let new_owner: T::AccountId = account("new_owner", 0, SEED);
		fund::<T>(&new_owner);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id, new_owner.clone());

		assert_last_event::<T>(Event::OwnershipTransferred { id, from: caller, to: new_owner });
		Ok(())
	}

	#[benchmark]
	fn deprecate() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = publish_one::<T>(&caller, 1, T::MaxUriLen::get())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert_last_event::<T>(Event::WorkflowDeprecated { id });
		Ok(())
	}

	#[benchmark]
	fn flag(r: Linear<0, { T::MaxReasonLen::get() }>) -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		fund::<T>(&owner);
		let id = publish_one::<T>(&owner, 1, T::MaxUriLen::get())?;
		let origin =
			T::FlagOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let reason = FlagReasonOf::<T>::truncate_from(vec![b'r'; r as usize]);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, reason.clone());

		assert_last_event::<T>(Event::WorkflowFlagged { id, reason });
		Ok(())
	}

	#[benchmark]
	fn unflag() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		fund::<T>(&owner);
		let id = publish_one::<T>(&owner, 1, T::MaxUriLen::get())?;
		let origin =
			T::FlagOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let reason = FlagReasonOf::<T>::truncate_from(vec![b'r'; T::MaxReasonLen::get() as usize]);
		WorkflowRegistry::<T>::flag(origin.clone(), id, reason)
			.map_err(|_| BenchmarkError::Stop("flag failed"))?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);

		assert_last_event::<T>(Event::WorkflowUnflagged { id });
		Ok(())
	}

	impl_benchmark_test_suite!(WorkflowRegistry, crate::mock::new_test_ext(), crate::mock::Test);
}
