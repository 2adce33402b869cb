//! Finding 2 of the hardening issue (`docs/security.md`), replayed on the real runtime from the
//! attacker's side: zero-fee workflows, and one `utility.batch` of cheap jobs that filled a
//! deadline slot (`MaxJobsPerBlock`, 256) so that every other payer targeting it got
//! `DeadlineSlotFull`. Each refused call writes nothing; the attacker's jobs hold their storage
//! deposits until they are pruned, and no planck is created or lost
//! ([`common::check_invariants`]: issuance plus every pallet's `try_state`).
// Tests may panic on a broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use frame_support::{assert_noop, assert_ok, traits::Get};
use havn_primitives::{ComputeClass, RoyaltySplit, WorkflowKind};
use havn_runtime::{
	configs::parameters::dynamic_params::registry::MinBaseFee, ExecutionLog, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, System, WorkflowRegistry,
};
use pallet_execution_log::{Error as ExecError, Jobs};
use pallet_workflow_registry::Error as RegistryError;
use sp_core::H256;
use sp_runtime::{traits::Dispatchable, BoundedVec, Permill};

/// The deadline the attacker targets (the CLI's default makes it predictable).
const DEADLINE: u32 = 60;

/// The manifest digest of `seed`.
fn digest(seed: &[u8]) -> H256 {
	H256(sp_io::hashing::blake2_256(seed))
}

/// `who` publishes `seed`'s digest (committed to beforehand) with `base_fee` and `royalty`, as
/// dispatched.
fn try_publish(
	who: &havn_runtime::AccountId,
	seed: &[u8],
	base_fee: u128,
	royalty: RoyaltySplit,
) -> sp_runtime::DispatchResult {
	WorkflowRegistry::publish(
		RuntimeOrigin::signed(who.clone()),
		WorkflowKind::Workflow,
		digest(seed),
		BoundedVec::truncate_from(b"ipfs://bafkreispam".to_vec()),
		ComputeClass::S,
		base_fee,
		Some(royalty),
		BoundedVec::truncate_from(vec![]),
		None,
	)
}

/// `payer`'s `submit_job` of `workflow` due in [`DEADLINE`] blocks, as a call.
fn submit_call(workflow: u64) -> RuntimeCall {
	RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_job {
		workflow_id: workflow,
		input_digest: H256::repeat_byte(0x11),
		input_uri: BoundedVec::truncate_from(b"ipfs://bafkinputs".to_vec()),
		compute_class: ComputeClass::S,
		max_fee: u128::MAX,
		redundancy: 1,
		deadline: DEADLINE,
	})
}

#[test]
fn zero_fee_workflows_are_refused() {
	run_checked(|actors| {
		let attacker = &actors.creator;
		let zero_shares = RoyaltySplit {
			creator: Permill::from_percent(100),
			upstream: Permill::zero(),
			node: Permill::zero(),
			validators: Permill::zero(),
			treasury: Permill::zero(),
		};
		commit(attacker, digest(b"free"));
		assert_noop!(
			try_publish(attacker, b"free", 0, RoyaltySplit::DEFAULT),
			RegistryError::<Runtime>::BaseFeeBelowMinimum
		);
		assert_noop!(
			try_publish(attacker, b"free", MinBaseFee::get(), zero_shares),
			RegistryError::<Runtime>::NodeShareBelowMinimum
		);
		// Node paid, validators and treasury not: the self-dealing farm still costs nothing.
		let self_dealing = RoyaltySplit {
			node: Permill::from_percent(50),
			creator: Permill::from_percent(50),
			..zero_shares
		};
		assert_noop!(
			try_publish(attacker, b"free", MinBaseFee::get(), self_dealing),
			RegistryError::<Runtime>::ValidatorShareBelowMinimum
		);
	});
}

#[test]
fn one_payer_cannot_fill_a_deadline_slot_and_gets_its_deposits_back() {
	run_checked(|actors| {
		let attacker = actors.creator.clone();
		commit(&attacker, digest(b"cheap"));
		assert_ok!(try_publish(&attacker, b"cheap", MinBaseFee::get(), RoyaltySplit::DEFAULT));
		let workflow = 0;
		next_block();
		// The attack: one batch of 255 cheap jobs, all due in the same block.
		let share: u32 = <Runtime as pallet_execution_log::Config>::MaxJobsPerPayerPerBlock::get();
		let calls = (0..255).map(|_| submit_call(workflow)).collect();
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch { calls });
		assert_ok!(batch.dispatch(RuntimeOrigin::signed(attacker.clone())));
		// The batch stopped at the payer's share of the slot.
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Utility(pallet_utility::Event::BatchInterrupted { index, error })
				if *index == share
					&& *error == ExecError::<Runtime>::PayerSlotFull.into()
		)));
		assert_eq!(Jobs::<Runtime>::iter().count(), share as usize);
		let deposits = u128::from(share) * job_deposit();
		assert_eq!(held(job_deposit_reason(), &attacker), deposits);
		// Every other payer still gets a seat in that block.
		let job = submit_job(actors, workflow, u128::MAX, DEADLINE);
		assert_eq!(
			Jobs::<Runtime>::get(job).unwrap().deadline,
			Jobs::<Runtime>::get(0).unwrap().deadline
		);
		assert_noop!(
			submit_call(workflow)
				.dispatch(RuntimeOrigin::signed(attacker.clone()))
				.map_err(|e| e.error),
			ExecError::<Runtime>::PayerSlotFull
		);

		// No node took the jobs: they expire, the fees come back, and pruning returns every
		// deposit (anyone may prune; here the attacker's own jobs, by the honest payer).
		run_to_block(System::block_number() + DEADLINE);
		for id in 0..=job {
			assert_ok!(ExecutionLog::prune(RuntimeOrigin::signed(actors.payer.clone()), id));
		}
		assert_eq!(held(job_deposit_reason(), &attacker), 0);
		assert_eq!(held(escrow(), &attacker), 0);
		assert_eq!(Jobs::<Runtime>::iter().count(), 0);
	});
}
