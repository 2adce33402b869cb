//! Attacks on the live devnet (issue "Hardening"), replayed on the real runtime from the
//! attacker's side: each test dispatches what an outside account can send and checks that the
//! chain refuses it with a typed error, and that no planck is created, lost or left held
//! ([`common::check_invariants`]: issuance plus every pallet's `try_state`).
// Tests may panic on a broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{api::JobPhase, ComputeClass, SlashReason, HAI};
use havn_runtime::{
	configs::governance::CouncilCollective, AccountId, Balance, BlockNumber, ExecutionLog, Runtime,
	RuntimeCall, RuntimeOrigin, SafeMode, StakeGuard,
};
use pallet_execution_log::Error as ExecError;
use sp_core::H256;
use sp_runtime::{traits::Dispatchable, BoundedVec, DispatchError, Perbill};

/// Base fee of the workflow the tests run.
const FEE: Balance = 10 * HAI;

/// Publish a workflow, bond everyone, and submit a class-S job with `deadline` blocks that the
/// relay routes to the node. Returns the workflow and the job.
fn assigned_job(actors: &Actors, deadline: BlockNumber) -> (u64, u64) {
	let workflow = publish(&actors.creator, b"hardening", FEE, vec![]);
	bond_everyone(actors);
	next_block();
	let job = submit_job(actors, workflow, FEE, deadline);
	assert_ok!(ExecutionLog::assign(
		RuntimeOrigin::signed(actors.relay.clone()),
		job,
		BoundedVec::truncate_from(vec![actors.node.clone()])
	));
	(workflow, job)
}

/// The node's signed receipt of `job`, submitted.
fn submit_receipt(
	actors: &Actors,
	workflow: u64,
	job: u64,
) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
	let r = receipt(workflow, job, H256::repeat_byte(0x77));
	let signature = sign_receipt(&actors.receipt_key, &r, ExecutionLog::genesis_hash());
	ExecutionLog::submit_receipt(RuntimeOrigin::signed(actors.node.clone()), job, r, signature)
}

/// Whether StakeGuard counts `who` as an eligible class-S node now.
fn eligible(who: &AccountId) -> bool {
	<StakeGuard as havn_primitives::traits::StakeInspect<AccountId>>::is_eligible_node(
		who,
		ComputeClass::S,
	)
}

/// Finding 3: a node that unbonds its stake after assignment can no longer be held to account
/// for the job, so its receipt is refused; the job expires and the payer's escrow comes back.
#[test]
fn a_node_that_unbonded_after_assignment_cannot_submit_its_receipt() {
	run_checked(|actors| {
		let (workflow, job) = assigned_job(actors, 40);
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(actors.node.clone()), FLOOR_S));
		assert!(!eligible(&actors.node));
		assert_noop!(submit_receipt(actors, workflow, job), ExecError::<Runtime>::NodeNotEligible);
		run_to_block(60);
		let j = pallet_execution_log::Jobs::<Runtime>::get(job).unwrap();
		assert_eq!(j.phase, JobPhase::Expired);
		assert_eq!(held(escrow(), &actors.payer), 0);
	});
}

/// Finding 3: a node quarantined after assignment (it missed its heartbeats) is not eligible
/// either, and its receipt is refused until a heartbeat lifts the quarantine.
#[test]
fn a_quarantined_node_cannot_submit_its_receipt_until_its_heartbeat() {
	run_checked(|actors| {
		let (workflow, job) = assigned_job(actors, 1_000);
		let quarantine_after: BlockNumber =
			pallet_stake_guard::Pallet::<Runtime>::quarantine_after();
		run_to_block(frame_system::Pallet::<Runtime>::block_number() + quarantine_after + 1);
		assert!(pallet_stake_guard::Pallet::<Runtime>::is_quarantined(&actors.node));
		assert_noop!(submit_receipt(actors, workflow, job), ExecError::<Runtime>::NodeNotEligible);
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(actors.node.clone()), None));
		assert_ok!(submit_receipt(actors, workflow, job));
	});
}

/// The origin of a Council motion carried by 3 of 5 members, as `pallet-collective` dispatches
/// it.
fn council() -> RuntimeOrigin {
	pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(3, 5).into()
}

/// Finding 11: during the emergency pause the Council can still slash, flag and unflag (its
/// motions are dispatched through the pause's call filter, as every non-root origin is), and a
/// staker can still challenge, since challenge windows keep running; everything else a user
/// sends stays filtered, and the governance calls still refuse every other origin.
#[test]
fn governance_keeps_its_tools_during_the_pause() {
	run_checked(|actors| {
		let (workflow, job) = assigned_job(actors, 40);
		next_block();
		assert_ok!(SafeMode::force_enter(RuntimeOrigin::root()));
		let filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		let dispatch = |call: RuntimeCall, origin: RuntimeOrigin| {
			call.dispatch(origin).map(|_| ()).map_err(|e| e.error)
		};

		let slash = RuntimeCall::StakeGuard(pallet_stake_guard::Call::slash {
			who: actors.relay.clone(),
			reason: SlashReason::Fraud,
			fraction: Perbill::from_percent(10),
		});
		// Not governance: the pallet's origin check refuses it past the filter.
		assert_noop!(
			dispatch(slash.clone(), RuntimeOrigin::signed(actors.payer.clone())),
			DispatchError::BadOrigin
		);
		assert_ok!(dispatch(slash, council()));
		assert_eq!(
			pallet_stake_guard::Bonds::<Runtime>::get(&actors.relay).unwrap().active,
			RELAY_FLOOR * 9 / 10
		);

		let flag = RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::flag {
			id: workflow,
			reason: BoundedVec::truncate_from(b"copied manifest".to_vec()),
		});
		assert_ok!(dispatch(flag, council()));
		let unflag =
			RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::unflag { id: workflow });
		assert_ok!(dispatch(unflag, council()));

		// A challenge passes the filter and reaches the pallet, which judges it on its merits
		// (this job has not been finalized, so there is nothing to challenge yet).
		let challenge =
			RuntimeCall::ExecutionLog(pallet_execution_log::Call::challenge { job_id: job });
		assert_noop!(
			dispatch(challenge, RuntimeOrigin::signed(actors.validators[0].clone())),
			ExecError::<Runtime>::BadPhase
		);

		// A user's job intake stays paused.
		let publish = RuntimeCall::WorkflowRegistry(pallet_workflow_registry::Call::publish {
			kind: havn_primitives::WorkflowKind::Workflow,
			manifest_hash: H256::repeat_byte(0x99),
			manifest_uri: BoundedVec::truncate_from(b"ipfs://x".to_vec()),
			compute_class: ComputeClass::S,
			base_fee: FEE,
			royalty: None,
			dependencies: BoundedVec::new(),
			parent: None,
		});
		assert_noop!(dispatch(publish, RuntimeOrigin::signed(actors.creator.clone())), filtered);
	});
}
