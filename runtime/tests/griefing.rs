//! Finding 1 of the hardening issue (`docs/security.md`), replayed on the real runtime from the
//! attacker's side: a bonded relay tried to knock a node out of the network through its
//! reputation, by assigning it, without its consent, jobs it could not run before their
//! deadline. Each test dispatches what an outside account can send, checks the typed error, and
//! checks that the victim's reputation is untouched and that no planck is created, lost or left
//! held ([`common::run_checked`]).
// Tests may panic on a broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use frame_support::{assert_noop, assert_ok, dispatch::Pays, traits::Get};
use havn_primitives::{api::JobPhase, ReleaseReason, HAI};
use havn_runtime::{
	configs::parameters::dynamic_params::execution, Balance, ExecutionLog, Reputation, Runtime,
	RuntimeOrigin,
};
use pallet_execution_log::Error as ExecError;
use sp_runtime::{BoundedVec, Permill};

/// Base fee of the workflow the tests run.
const FEE: Balance = 10 * HAI;

/// Publish a workflow and bond everyone; the workflow.
fn ready(actors: &Actors) -> u64 {
	let workflow = publish(&actors.creator, b"griefing", FEE, vec![]);
	bond_everyone(actors);
	next_block();
	workflow
}

/// The relay's `assign` of `job` to the node.
fn assign(actors: &Actors, job: u64) -> sp_runtime::DispatchResult {
	ExecutionLog::assign(
		RuntimeOrigin::signed(actors.relay.clone()),
		job,
		BoundedVec::truncate_from(vec![actors.node.clone()]),
	)
}

/// The node's reputation score now.
fn score(actors: &Actors) -> Permill {
	Reputation::score_of(&actors.node)
}

/// The attack as played live: a job due in 1 block, assigned to a node that cannot run it in
/// time. The deadline is refused; so is routing a job with less than the execution window left.
#[test]
fn a_relay_cannot_hand_a_node_a_job_it_has_no_time_to_run() {
	run_checked(|actors| {
		let workflow = ready(actors);
		let shortest = execution::RelayTimeout::get() + execution::ExecutionWindow::get();
		assert_eq!(ExecutionLog::min_deadline(), shortest);
		for deadline in [1, shortest - 1] {
			assert_noop!(
				try_submit_job(actors, workflow, FEE, 1, deadline),
				ExecError::<Runtime>::DeadlineTooSoon
			);
		}
		// A job with the shortest deadline, held back by the relay until too little is left.
		let job = submit_job(actors, workflow, FEE, shortest);
		let deadline = pallet_execution_log::Jobs::<Runtime>::get(job).unwrap().deadline;
		run_to_block(deadline - execution::ExecutionWindow::get() + 1);
		assert_noop!(assign(actors, job), ExecError::<Runtime>::TooLateToRun);
		run_to_block(deadline + 1);
		assert_eq!(ExecutionLog::job_view(job).unwrap().phase, JobPhase::Expired);
		assert_eq!(score(actors), Permill::from_percent(50));
		assert_eq!(held(escrow(), &actors.payer), 0);
	});
}

/// A node assigned a job it cannot run (its input digest does not match, say) gives it back,
/// free of charge and of penalty, and the job is routable again; a node that keeps a job and
/// lets it expire is still held to account.
#[test]
fn a_node_releases_a_job_it_cannot_run_without_penalty() {
	run_checked(|actors| {
		let workflow = ready(actors);
		let released = submit_job(actors, workflow, FEE, 40);
		let kept = submit_job(actors, workflow, FEE, 40);
		assert_ok!(assign(actors, released));
		assert_ok!(assign(actors, kept));
		let info = ExecutionLog::release(
			RuntimeOrigin::signed(actors.node.clone()),
			released,
			ReleaseReason::DigestMismatch,
		)
		.unwrap();
		assert_eq!(info.pays_fee, Pays::No);
		assert_eq!(ExecutionLog::job_view(released).unwrap().phase, JobPhase::Submitted);
		// Only a job's own node may release it.
		assert_noop!(
			ExecutionLog::release(
				RuntimeOrigin::signed(actors.relay.clone()),
				kept,
				ReleaseReason::Declined
			),
			ExecError::<Runtime>::NotAssignedNode
		);
		run_to_block(frame_system::Pallet::<Runtime>::block_number() + 41);
		assert_eq!(ExecutionLog::job_view(released).unwrap().phase, JobPhase::Expired);
		assert_eq!(ExecutionLog::job_view(kept).unwrap().phase, JobPhase::Expired);
		// One `JobExpired` (the kept job: 2 observations of bad evidence), not two.
		assert_eq!(
			Reputation::evidence_of(&actors.node),
			pallet_reputation::Evidence::from_observations(0, 2)
		);
		assert_eq!(held(escrow(), &actors.payer), 0);
	});
}

/// A job whose redundancy is never reached (nodes claimed part of it after the relay timeout)
/// expires without penalty for the claimants: it never got the nodes it needed.
#[test]
fn claimants_of_a_job_that_never_filled_keep_their_reputation() {
	run_checked(|actors| {
		let workflow = ready(actors);
		let job = pallet_execution_log::NextJobId::<Runtime>::get();
		assert_ok!(try_submit_job(actors, workflow, 2 * FEE, 2, 40));
		run_to_block(
			frame_system::Pallet::<Runtime>::block_number() + execution::RelayTimeout::get(),
		);
		assert_ok!(ExecutionLog::claim(RuntimeOrigin::signed(actors.node.clone()), job));
		run_to_block(frame_system::Pallet::<Runtime>::block_number() + 41);
		assert_eq!(ExecutionLog::job_view(job).unwrap().phase, JobPhase::Expired);
		assert_eq!(score(actors), Permill::from_percent(50));
		assert_eq!(held(escrow(), &actors.payer), 0);
	});
}
