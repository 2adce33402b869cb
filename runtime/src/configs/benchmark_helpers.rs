//! Benchmark set-up against the real pallets: the ExecutionLog and PayoutRouter benchmarks need
//! registered workflows, bonded nodes, validators and relays, and keys that can sign. Keys are
//! generated in the benchmark's keystore under [`BENCH_KEY_TYPE`].

use alloc::{vec, vec::Vec};
use frame_support::{
	assert_ok,
	traits::{fungible::Mutate, Get},
};
use havn_primitives::{traits::StakeInspect, ComputeClass, Role, WorkflowKind};
use sp_core::{crypto::KeyTypeId, sr25519, H256};
use sp_runtime::{traits::Hash as _, BoundedVec, MultiSignature};

use super::parameters::dynamic_params::stake;
use crate::{
	AccountId, Balances, Runtime, RuntimeHoldReason, RuntimeOrigin, StakeGuard, WorkflowRegistry,
	HAI,
};

/// Key type of the keys generated for benchmarks.
pub const BENCH_KEY_TYPE: KeyTypeId = KeyTypeId(*b"hvbn");

/// The runtime's benchmark helper.
pub struct Helper;

fn funded_key_account() -> (AccountId, sr25519::Public) {
	let public = sp_io::crypto::sr25519_generate(BENCH_KEY_TYPE, None);
	let who = AccountId::from(public);
	<Balances as Mutate<AccountId>>::set_balance(&who, 1_000_000 * HAI);
	(who, public)
}

fn sign(public: &sr25519::Public, payload: &[u8]) -> sr25519::Signature {
	// The key was generated in the same keystore just before; a missing key is a set-up bug.
	sp_io::crypto::sr25519_sign(BENCH_KEY_TYPE, public, payload).unwrap_or_default()
}

/// Publish a workflow with a manifest digest unique to its id.
fn publish(owner: &AccountId, dependencies: Vec<(u64, sp_runtime::Permill)>) -> u64 {
	let id = pallet_workflow_registry::NextWorkflowId::<Runtime>::get();
	let hash =
		H256::from(<Runtime as frame_system::Config>::Hashing::hash_of(&(b"bench-workflow", id)).0);
	assert_ok!(WorkflowRegistry::commit_manifest(
		RuntimeOrigin::signed(owner.clone()),
		havn_primitives::proofs::manifest_commitment(owner, &hash),
	));
	// The commitment must be `MinCommitmentAge` blocks old: publish that far ahead, then come
	// back, so that the benchmarks' jobs keep the block numbers (deadlines, expiry slots) they
	// were set up with.
	let now = frame_system::Pallet::<Runtime>::block_number();
	let age = <Runtime as pallet_workflow_registry::Config>::MinCommitmentAge::get();
	frame_system::Pallet::<Runtime>::set_block_number(now.saturating_add(age));
	assert_ok!(WorkflowRegistry::publish(
		RuntimeOrigin::signed(owner.clone()),
		WorkflowKind::Workflow,
		hash,
		BoundedVec::truncate_from(b"ipfs://bafkbenchmark".to_vec()),
		ComputeClass::S,
		HAI,
		None,
		BoundedVec::truncate_from(dependencies),
		None,
	));
	frame_system::Pallet::<Runtime>::set_block_number(now);
	id
}

impl pallet_execution_log::BenchmarkHelper<AccountId, MultiSignature> for Helper {
	fn setup_workflow() -> u64 {
		let (owner, _) = funded_key_account();
		publish(&owner, vec![])
	}

	fn setup_workflow_with_upstream(d: u32) -> u64 {
		<Self as pallet_payout_router::BenchmarkHelper<_, _>>::workflow_with_upstream(d)
	}

	fn setup_node(class: ComputeClass, _index: u32) -> AccountId {
		let (who, key) = funded_key_account();
		let floor = match class {
			ComputeClass::S => stake::FloorS::get(),
			ComputeClass::M => stake::FloorM::get(),
			ComputeClass::L => stake::FloorL::get(),
			ComputeClass::XL => stake::FloorXL::get(),
		};
		assert_ok!(StakeGuard::bond(
			RuntimeOrigin::signed(who.clone()),
			Role::ExecutionNode(class),
			floor
		));
		let capabilities = pallet_stake_guard::CapabilitiesOf::<Runtime> {
			compute_class: class,
			gpu_model: BoundedVec::truncate_from(b"benchmark".to_vec()),
			vram_gib: 0,
			models: BoundedVec::default(),
		};
		let proof = sign(
			&key,
			&havn_primitives::proofs::receipt_key_proof_payload(&who, StakeGuard::genesis_hash()),
		);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(who.clone()),
			key,
			proof,
			capabilities
		));
		who
	}

	fn sign_receipt(node: &AccountId, payload: &[u8]) -> sr25519::Signature {
		<StakeGuard as StakeInspect<AccountId>>::receipt_key(node)
			.map(|key| sign(&key, payload))
			.unwrap_or_default()
	}

	fn setup_validators(n: u32) -> Vec<AccountId> {
		let active = <StakeGuard as StakeInspect<AccountId>>::active_validators().len() as u32;
		for _ in active..n {
			let (who, _) = funded_key_account();
			assert_ok!(StakeGuard::bond(
				RuntimeOrigin::signed(who),
				Role::Validator,
				stake::ValidatorFloor::get()
			));
		}
		<StakeGuard as StakeInspect<AccountId>>::active_validators()
	}

	fn sign_attestation(validator: &AccountId, payload: &[u8]) -> MultiSignature {
		let public = sr25519::Public::from_raw(*validator.as_ref());
		MultiSignature::Sr25519(sign(&public, payload))
	}

	fn setup_relay() -> AccountId {
		let (who, _) = funded_key_account();
		assert_ok!(StakeGuard::bond(
			RuntimeOrigin::signed(who.clone()),
			Role::Relay,
			stake::RelayFloor::get()
		));
		who
	}

	fn setup_challenger() -> AccountId {
		Self::setup_relay()
	}
}

impl pallet_payout_router::BenchmarkHelper<AccountId, RuntimeHoldReason> for Helper {
	fn workflow_with_upstream(u: u32) -> u64 {
		let mut dependencies = Vec::new();
		for _ in 0..u {
			let (creator, _) = funded_key_account();
			let id = publish(&creator, vec![]);
			dependencies.push(id);
		}
		let weights = havn_primitives::royalty::distribute(1_000_000, &vec![1; dependencies.len()]);
		let mut parts: Vec<(u64, sp_runtime::Permill)> = dependencies
			.iter()
			.zip(weights.0.iter())
			.map(|(id, w)| (*id, sp_runtime::Permill::from_parts(*w as u32)))
			.collect();
		// Give the rounding remainder to the first dependency so the weights sum to 100%.
		if let Some(first) = parts.first_mut() {
			first.1 = sp_runtime::Permill::from_parts(
				first.1.deconstruct().saturating_add(weights.1 as u32),
			);
		}
		let (owner, _) = funded_key_account();
		publish(&owner, parts)
	}

	fn escrow_reason() -> RuntimeHoldReason {
		pallet_execution_log::HoldReason::JobEscrow.into()
	}
}
