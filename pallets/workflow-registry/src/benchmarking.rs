//! Benchmarks of the WorkflowRegistry (frame-benchmarking v2).

use super::*;
use crate::Pallet as WorkflowRegistry;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_system::RawOrigin;
use havn_primitives::proofs::manifest_commitment;
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

/// Fill `who`'s commitments with `MaxPendingCommitments - 1` unrelated ones, then commit to
/// `manifest_hash` last (the longest scan), and let [`Config::MinCommitmentAge`] blocks pass.
fn commit<T: Config>(who: &T::AccountId, manifest_hash: Digest) -> Result<(), BenchmarkError> {
	let others = T::MaxPendingCommitments::get().saturating_sub(1);
	let now = frame_system::Pallet::<T>::block_number();
	let mut pending = ManifestCommitments::<T>::get(who);
	pending.clear();
	for i in 0..others {
		pending
			.try_push((Digest::from(sp_io::hashing::blake2_256(&i.to_le_bytes())), now))
			.map_err(|_| BenchmarkError::Stop("too many commitments"))?;
	}
	pending
		.try_push((manifest_commitment(who, &manifest_hash), now))
		.map_err(|_| BenchmarkError::Stop("too many commitments"))?;
	ManifestCommitments::<T>::insert(who, pending);
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::MinCommitmentAge::get()));
	Ok(())
}

/// A base fee the governance floor admits: `MinBaseFee`, or 1,000 planck without a floor.
fn base_fee<T: Config>() -> BalanceOf<T> {
	T::MinBaseFee::get().max(1_000u32.into())
}

/// Publish a workflow by `who` with digest `digest(seed)` and a `len`-byte URI; returns its id.
fn publish_one<T: Config>(
	who: &T::AccountId,
	seed: u64,
	len: u32,
) -> Result<WorkflowId, BenchmarkError> {
	let id = NextWorkflowId::<T>::get();
	commit::<T>(who, digest(seed))?;
	WorkflowRegistry::<T>::publish(
		RawOrigin::Signed(who.clone()).into(),
		WorkflowKind::Model,
		digest(seed),
		uri::<T>(len),
		ComputeClass::M,
		base_fee::<T>(),
		None,
		BoundedVec::new(),
		None,
	)
	.map_err(|_| BenchmarkError::Stop("publish failed"))?;
	Ok(id)
}

/// `d` dependencies on fresh workflows whose weights sum to exactly 100%: 1 ppm each but the
/// first, which takes the rest (so that it can be a declared parent).
fn dependencies<T: Config>(d: u32) -> Result<DependenciesOf<T>, BenchmarkError> {
	let owner: T::AccountId = account("upstream", 0, SEED);
	fund::<T>(&owner);
	let one = Permill::one().deconstruct();
	let each = 1;
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

	/// Worst case: `d` dependencies to check, a `u`-byte URI, a full list of commitments with
	/// the revealed one last, and a parent (the declared-derivative path: the parent is the
	/// first dependency, or the only one when `d` is 0).
	#[benchmark]
	fn publish(
		d: Linear<0, { T::MaxDependencies::get() }>,
		u: Linear<1, { T::MaxUriLen::get() }>,
	) -> Result<(), BenchmarkError> {
		let mut deps = dependencies::<T>(d)?;
		let parent = match deps.first() {
			Some((first, _)) => *first,
			None => {
				let parent_owner: T::AccountId = account("parent", 0, SEED);
				fund::<T>(&parent_owner);
				let parent = publish_one::<T>(&parent_owner, 1, 1)?;
				deps = BoundedVec::truncate_from(vec![(parent, Permill::one())]);
				parent
			}
		};
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		commit::<T>(&caller, digest(2))?;
		let id = NextWorkflowId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			WorkflowKind::Workflow,
			digest(2),
			uri::<T>(u),
			ComputeClass::XL,
			base_fee::<T>(),
			None,
			deps,
			Some(parent),
		);

		assert_last_event::<T>(Event::WorkflowPublished {
			id,
			owner: caller,
			manifest_hash: digest(2),
			parent: Some(parent),
		});
		Ok(())
	}

	#[benchmark]
	fn publish_version(u: Linear<1, { T::MaxUriLen::get() }>) -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = publish_one::<T>(&caller, 1, 1)?;
		commit::<T>(&caller, digest(2))?;

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

		assert_last_event::<T>(Event::OwnershipOffered { id, from: caller, to: new_owner });
		Ok(())
	}

	#[benchmark]
	fn accept_ownership() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		fund::<T>(&owner);
		let id = publish_one::<T>(&owner, 1, T::MaxUriLen::get())?;
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		WorkflowRegistry::<T>::transfer_ownership(
			RawOrigin::Signed(owner.clone()).into(),
			id,
			caller.clone(),
		)
		.map_err(|_| BenchmarkError::Stop("offer failed"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id);

		assert_last_event::<T>(Event::OwnershipTransferred { id, from: owner, to: caller });
		Ok(())
	}

	#[benchmark]
	fn cancel_ownership_offer() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = publish_one::<T>(&caller, 1, T::MaxUriLen::get())?;
		let to: T::AccountId = account("new_owner", 0, SEED);
		WorkflowRegistry::<T>::transfer_ownership(
			RawOrigin::Signed(caller.clone()).into(),
			id,
			to.clone(),
		)
		.map_err(|_| BenchmarkError::Stop("offer failed"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert_last_event::<T>(Event::OwnershipOfferCancelled { id, to });
		Ok(())
	}

	/// Worst case: `MaxPendingCommitments - 1` unlapsed commitments to scan before the push.
	#[benchmark]
	fn commit_manifest() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let now = frame_system::Pallet::<T>::block_number();
		let pending = (1..T::MaxPendingCommitments::get())
			.map(|i| (Digest::from(sp_io::hashing::blake2_256(&i.to_le_bytes())), now))
			.collect::<alloc::vec::Vec<_>>();
		ManifestCommitments::<T>::insert(
			&caller,
			PendingCommitmentsOf::<T>::truncate_from(pending),
		);
		let commitment = manifest_commitment(&caller, &digest(1));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), commitment);

		assert_last_event::<T>(Event::ManifestCommitted { who: caller, commitment });
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
