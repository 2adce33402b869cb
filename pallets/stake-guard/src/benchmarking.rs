//! Benchmarks of the StakeGuard pallet (frame-benchmarking v2). Every setup builds the worst
//! case of its call: full validator sets, maximal capabilities, full unbonding queues.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use havn_primitives::ComputeClass;
use sp_runtime::traits::{One, Saturating};

/// A funded account: `seed`, with ten times the biggest floor plus the existential deposit.
fn funded<T: Config>(name: &'static str, seed: u32) -> T::AccountId {
	let who: T::AccountId = account(name, seed, 0);
	let biggest = [
		T::FloorS::get(),
		T::FloorM::get(),
		T::FloorL::get(),
		T::FloorXL::get(),
		T::ValidatorFloor::get(),
		T::RelayFloor::get(),
	]
	.into_iter()
	.max()
	.unwrap_or_default();
	let amount = biggest
		.saturating_mul(10u32.into())
		.saturating_add(<T::Currency as fungible::Inspect<_>>::minimum_balance());
	T::Currency::set_balance(&who, amount);
	who
}

/// A bond amount for `role`: its floor, or one planck if the floor is zero.
fn stake_for<T: Config>(role: Role) -> BalanceOf<T> {
	Pallet::<T>::floor_of(role).max(One::one())
}

/// Fill the validator set with `n` validators whose accounts sort anywhere.
fn validators<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	for i in 0..n {
		let who = funded::<T>("validator", i);
		Pallet::<T>::bond(
			RawOrigin::Signed(who).into(),
			Role::Validator,
			stake_for::<T>(Role::Validator),
		)?;
	}
	Ok(())
}

/// Capabilities with `m` models of maximal length and a maximal GPU name.
fn capabilities<T: Config>(class: ComputeClass, m: u32) -> CapabilitiesOf<T> {
	let model = BoundedVec::truncate_from(alloc::vec![b'm'; T::MaxModelIdLen::get() as usize]);
	Capabilities {
		compute_class: class,
		gpu_model: BoundedVec::truncate_from(alloc::vec![b'g'; T::MaxGpuModelLen::get() as usize]),
		vram_gib: 80,
		models: BoundedVec::truncate_from(alloc::vec![model; m as usize]),
	}
}

/// Key type of the receipt keys generated in the benchmark's keystore.
const BENCH_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"hvsg");

/// A fresh receipt key and its proof of possession for `who`.
fn receipt_key<T: Config>(who: &T::AccountId) -> (sr25519::Public, sr25519::Signature) {
	let key = sp_io::crypto::sr25519_generate(BENCH_KEY_TYPE, None);
	let payload =
		havn_primitives::proofs::receipt_key_proof_payload(who, Pallet::<T>::genesis_hash());
	// The key was generated in the same keystore just before; a missing key is a set-up bug,
	// which the benchmark's own assertion then reports.
	let proof = sp_io::crypto::sr25519_sign(BENCH_KEY_TYPE, &key, &payload).unwrap_or_default();
	(key, proof)
}

/// A bonded and registered XL node.
fn node<T: Config>(seed: u32) -> Result<T::AccountId, BenchmarkError> {
	let who = funded::<T>("node", seed);
	let role = Role::ExecutionNode(ComputeClass::XL);
	Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), role, stake_for::<T>(role))?;
	let (key, proof) = receipt_key::<T>(&who);
	Pallet::<T>::register_node(
		RawOrigin::Signed(who.clone()).into(),
		key,
		proof,
		capabilities::<T>(ComputeClass::XL, T::MaxModels::get()),
	)?;
	Ok(who)
}

/// Give `who` `c` unbonding chunks, one per block, and leave the block number at the last.
fn chunks<T: Config>(who: &T::AccountId, c: u32) -> Result<(), BenchmarkError> {
	for _ in 0..c {
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(One::one()));
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), One::one())?;
	}
	Ok(())
}

/// Make sure the treasury can receive any slash.
fn fund_treasury<T: Config>() {
	T::Currency::set_balance(
		&T::TreasuryAccount::get(),
		<T::Currency as fungible::Inspect<_>>::minimum_balance(),
	);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn bond(
		v: Linear<1, { T::MaxValidators::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		validators::<T>(v)?;
		let who = funded::<T>("bonder", 0);
		let amount = stake_for::<T>(Role::Validator);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Role::Validator, amount);

		assert!(Validators::<T>::get().contains(&who));
		assert_eq!(Validators::<T>::get().len() as u32, v.saturating_add(1));
		Ok(())
	}

	/// A validator below the floor (after a partial unbond) tops up and rejoins the set.
	#[benchmark]
	fn bond_extra(
		v: Linear<1, { T::MaxValidators::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		validators::<T>(v)?;
		let who = funded::<T>("bonder", 0);
		let amount = stake_for::<T>(Role::Validator);
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), Role::Validator, amount)?;
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), One::one())?;
		assert!(!Validators::<T>::get().contains(&who));

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), One::one());

		assert!(Validators::<T>::get().contains(&who));
		Ok(())
	}

	/// Re-registration with a new key: the old key index entry is removed too.
	#[benchmark]
	fn register_node(m: Linear<0, { T::MaxModels::get() }>) -> Result<(), BenchmarkError> {
		let who = node::<T>(1)?;
		let (key, proof) = receipt_key::<T>(&who);
		let caps = capabilities::<T>(ComputeClass::XL, m);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, proof, caps);

		assert_eq!(ReceiptKeys::<T>::get(key), Some(who));
		Ok(())
	}

	/// Worst case: the node comes back from quarantine (the reputation hook runs).
	#[benchmark]
	fn heartbeat() -> Result<(), BenchmarkError> {
		let who = node::<T>(1)?;
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(Pallet::<T>::quarantine_after())
			.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(later);
		assert!(Pallet::<T>::is_quarantined(&who));
		let metrics = GpuMetrics {
			utilization_percent: 90,
			memory_used_mib: 70_000,
			power_milliwatts: 650_000,
			temperature_c: 71,
		};

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Some(metrics));

		assert!(!Pallet::<T>::is_quarantined(&who));
		Ok(())
	}

	/// Worst case: a validator leaves a set of `v + 1`.
	#[benchmark]
	fn unbond(
		v: Linear<1, { T::MaxValidators::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		validators::<T>(v)?;
		let who = funded::<T>("bonder", 0);
		let amount = stake_for::<T>(Role::Validator);
		Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), Role::Validator, amount)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert!(!Validators::<T>::get().contains(&who));
		Ok(())
	}

	/// Worst case: `c` matured chunks and the bond closes with a node registration.
	#[benchmark]
	fn withdraw_unbonded(
		c: Linear<1, { T::MaxUnbondingChunks::get() }>,
	) -> Result<(), BenchmarkError> {
		let who = node::<T>(1)?;
		// `c - 1` chunks of one planck, then the rest of the stake in the last chunk.
		chunks::<T>(&who, c.saturating_sub(1))?;
		let rest = Bonds::<T>::get(&who).ok_or(BenchmarkError::Stop("no bond"))?.active;
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(One::one()));
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), rest)?;
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::UnbondingPeriod::get())
			.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Bonds::<T>::get(&who).is_none());
		Ok(())
	}

	/// Worst case: a slash of everything through `c` unbonding chunks of a node.
	#[benchmark]
	fn slash(c: Linear<0, { T::MaxUnbondingChunks::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::SlashOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fund_treasury::<T>();
		let who = node::<T>(1)?;
		chunks::<T>(&who, c)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), SlashReason::Fraud, Perbill::one());

		assert!(Bonds::<T>::get(&who).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
