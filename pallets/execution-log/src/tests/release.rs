//! Accountability (finding 1 of `docs/security.md`): the shortest deadline, the execution window
//! of `assign` and `claim`, `release`, and who expiry holds to account.
use super::*;
use frame_support::{assert_noop, dispatch::Pays};

/// The shortest deadline in the mock: `RelayTimeout` (5) + `ExecutionWindow` (2).
const MIN: u64 = 7;

#[test]
fn deadlines_shorter_than_routing_and_running_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(ExecutionLog::min_deadline(), MIN);
		// The attack: a job due next block, so that its node expires before it can run it.
		for deadline in [1, MIN - 1] {
			assert_noop!(
				ExecutionLog::submit_job(
					RuntimeOrigin::signed(alice()),
					WF,
					H256::zero(),
					uri(),
					ComputeClass::M,
					u128::MAX,
					1,
					deadline
				),
				Error::<Test>::DeadlineTooSoon
			);
		}
		submit(1, MIN);
	});
}

#[test]
fn assign_and_claim_leave_the_node_the_execution_window() {
	ExtBuilder::default().build_and_execute(|| {
		// Submitted in block 1, due in block 8.
		let job = submit(2, MIN);
		let relay_job = submit(1, MIN);
		// Claims open in block 6 = 8 - ExecutionWindow: the last block either route may take.
		run_to_block(1 + RelayTimeout::get());
		assert_ok!(ExecutionLog::claim(RuntimeOrigin::signed(node(0)), job));
		run_to_block(7);
		assert_noop!(
			ExecutionLog::claim(RuntimeOrigin::signed(node(1)), job),
			Error::<Test>::TooLateToRun
		);
		assert_noop!(
			ExecutionLog::assign(RuntimeOrigin::signed(relay()), relay_job, nodes_vec(&[1])),
			Error::<Test>::TooLateToRun
		);
	});
}

#[test]
fn a_node_releases_a_job_without_penalty_and_it_is_routed_again() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(1, 20);
		assign(job, &[0]);
		let release =
			|i: u32, reason| ExecutionLog::release(RuntimeOrigin::signed(node(i)), job, reason);
		assert_noop!(release(1, ReleaseReason::Declined), Error::<Test>::NotAssignedNode);
		assert_noop!(
			ExecutionLog::release(RuntimeOrigin::signed(node(0)), 9, ReleaseReason::Declined),
			Error::<Test>::UnknownJob
		);
		let info = release(0, ReleaseReason::DigestMismatch).unwrap();
		assert_eq!(info.pays_fee, Pays::No);
		System::assert_last_event(
			Event::JobReleased {
				job_id: job,
				node: node(0),
				reason: ReleaseReason::DigestMismatch,
			}
			.into(),
		);
		let stored = Jobs::<Test>::get(job).unwrap();
		assert_eq!((stored.phase, stored.nodes.len()), (JobPhase::Submitted, 0));
		assert_eq!(escrow_of(&alice()), 200);
		assert_noop!(release(0, ReleaseReason::Declined), Error::<Test>::NotAssignedNode);
		// Routed again, to another node; the timeline keeps the first assignment only.
		assign(job, &[1]);
		let timeline = Jobs::<Test>::get(job).unwrap().timeline;
		assert_eq!(timeline.iter().filter(|(p, _)| *p == JobPhase::Assigned).count(), 1);
		// It expires undelivered: only the node that kept it is held to account.
		run_to_block(21);
		assert_eq!(phase(job), JobPhase::Expired);
		assert_eq!(outcomes(), vec![(node(1), Outcome::JobExpired)]);
		assert_eq!(escrow_of(&alice()), 0);
	});
}

#[test]
fn release_is_refused_after_the_receipt_and_outside_routing() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 20);
		assign(job, &[0, 1]);
		send_receipt(job, 0, HASH);
		assert_noop!(
			ExecutionLog::release(RuntimeOrigin::signed(node(0)), job, ReleaseReason::Declined),
			Error::<Test>::ReceiptAlreadySubmitted
		);
		// The other node gives it back: the receipt stays, a claim fills the free seat.
		assert_ok!(ExecutionLog::release(
			RuntimeOrigin::signed(node(1)),
			job,
			ReleaseReason::InputUnavailable
		));
		assert_eq!(phase(job), JobPhase::Submitted);
		run_to_block(1 + RelayTimeout::get());
		assert_ok!(ExecutionLog::claim(RuntimeOrigin::signed(node(2)), job));
		assert_eq!(phase(job), JobPhase::Assigned);
		send_receipt(job, 2, HASH);
		assert_eq!(phase(job), JobPhase::Attesting);
		assert_noop!(
			ExecutionLog::release(RuntimeOrigin::signed(node(2)), job, ReleaseReason::Declined),
			Error::<Test>::BadPhase
		);
	});
}

#[test]
fn claimants_of_a_job_that_never_filled_are_not_penalised() {
	ExtBuilder::default().build_and_execute(|| {
		// Redundancy 3, one claim only: the job never runs.
		let job = submit(3, 20);
		run_to_block(1 + RelayTimeout::get());
		assert_ok!(ExecutionLog::claim(RuntimeOrigin::signed(node(0)), job));
		run_to_block(21);
		assert_eq!(phase(job), JobPhase::Expired);
		assert_eq!(outcomes(), vec![]);
		assert_eq!(escrow_of(&alice()), 0);
	});
}
