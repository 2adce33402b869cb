//! `assign` and `claim`.
use super::*;
use frame_support::assert_noop;

#[test]
fn relay_assigns() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 10);
		assign(job, &[0, 1]);
		System::assert_last_event(
			Event::JobAssigned { job_id: job, nodes: nodes_vec(&[0, 1]), by: relay() }.into(),
		);
		assert_eq!(phase(job), JobPhase::Assigned);
		assert_eq!(ExecutionLog::job_view(job).unwrap().nodes, vec![node(0), node(1)]);
	});
}

#[test]
fn assign_errors() {
	ExtBuilder::default().nodes(4).build_and_execute(|| {
		let job = submit(2, 10);
		let o = || RuntimeOrigin::signed(relay());
		assert_noop!(
			ExecutionLog::assign(RuntimeOrigin::signed(alice()), job, nodes_vec(&[0, 1])),
			Error::<Test>::NotRelay
		);
		assert_noop!(ExecutionLog::assign(o(), 9, nodes_vec(&[0, 1])), Error::<Test>::UnknownJob);
		assert_noop!(
			ExecutionLog::assign(o(), job, nodes_vec(&[0])),
			Error::<Test>::WrongNodeCount
		);
		assert_noop!(
			ExecutionLog::assign(o(), job, nodes_vec(&[0, 0])),
			Error::<Test>::DuplicateNode
		);
		// No bond.
		assert_noop!(
			ExecutionLog::assign(o(), job, nodes_vec(&[0, 9])),
			Error::<Test>::NodeNotEligible
		);
		// Untrusted reputation.
		set_score(&node(1), Permill::from_percent(10));
		assert_noop!(
			ExecutionLog::assign(o(), job, nodes_vec(&[0, 1])),
			Error::<Test>::NodeNotEligible
		);
		// Class too small for an L job.
		set_score(&node(1), Permill::from_percent(50));
		let big = NextJobId::<Test>::get();
		assert_ok!(ExecutionLog::submit_job(
			RuntimeOrigin::signed(alice()),
			WF_L,
			H256::zero(),
			uri(),
			ComputeClass::L,
			u128::MAX,
			1,
			10
		));
		assert_noop!(
			ExecutionLog::assign(o(), big, nodes_vec(&[0])),
			Error::<Test>::NodeNotEligible
		);
		// No receipt key.
		set_receipt_key(&node(3), None);
		assert_noop!(
			ExecutionLog::assign(o(), job, nodes_vec(&[0, 3])),
			Error::<Test>::NodeNotEligible
		);
		assign(job, &[0, 1]);
		assert_noop!(ExecutionLog::assign(o(), job, nodes_vec(&[0, 1])), Error::<Test>::BadPhase);
		// Partly claimed.
		let job2 = submit(2, 20);
		run_to_block(1 + RelayTimeout::get());
		assert_ok!(ExecutionLog::claim(RuntimeOrigin::signed(node(2)), job2));
		assert_noop!(
			ExecutionLog::assign(o(), job2, nodes_vec(&[0, 1])),
			Error::<Test>::JobPartiallyClaimed
		);
	});
}

#[test]
fn nodes_claim_after_relay_timeout() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 20);
		let claim = |i: u32| ExecutionLog::claim(RuntimeOrigin::signed(node(i)), job);
		assert_noop!(claim(0), Error::<Test>::RelayWindowOpen);
		run_to_block(1 + RelayTimeout::get());
		assert_noop!(
			ExecutionLog::claim(RuntimeOrigin::signed(node(0)), 9),
			Error::<Test>::UnknownJob
		);
		assert_noop!(
			ExecutionLog::claim(RuntimeOrigin::signed(alice()), job),
			Error::<Test>::NodeNotEligible
		);
		assert_ok!(claim(0));
		assert_eq!(el_events(), vec![Event::JobClaimed { job_id: job, node: node(0) }]);
		assert_noop!(claim(0), Error::<Test>::AlreadyClaimed);
		assert_eq!(phase(job), JobPhase::Submitted);
		assert_ok!(claim(1));
		assert_eq!(
			el_events(),
			vec![
				Event::JobClaimed { job_id: job, node: node(0) },
				Event::JobClaimed { job_id: job, node: node(1) },
				Event::JobAssigned { job_id: job, nodes: nodes_vec(&[0, 1]), by: node(1) },
			]
		);
		assert_eq!(phase(job), JobPhase::Assigned);
		assert_noop!(claim(2), Error::<Test>::BadPhase);
	});
}
