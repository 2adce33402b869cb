//! `submit_job` and `quote`.
use super::*;
use frame_support::assert_noop;
use havn_primitives::api::QuoteError;

fn try_submit(
	wf: WorkflowId,
	class: ComputeClass,
	max_fee: Balance,
	r: u8,
	deadline: u64,
) -> DispatchResult {
	ExecutionLog::submit_job(
		RuntimeOrigin::signed(alice()),
		wf,
		H256::zero(),
		uri(),
		class,
		max_fee,
		r,
		deadline,
	)
}

#[test]
fn submit_escrows_fee_and_queues_expiry() {
	ExtBuilder::default().build_and_execute(|| {
		// 100 × 2 (M) × 3 nodes.
		assert_ok!(try_submit(WF, ComputeClass::M, 600, 3, 10));
		System::assert_last_event(
			Event::JobSubmitted {
				job_id: 0,
				workflow_id: WF,
				payer: alice(),
				fee: 600,
				compute_class: ComputeClass::M,
				deadline: 11,
			}
			.into(),
		);
		assert_eq!(escrow_of(&alice()), 600);
		assert_eq!(Balances::free_balance(alice()), INITIAL - 600 - JobDeposit::get());
		assert_eq!(deposit_of(&alice()), JobDeposit::get());
		assert_eq!(ExpiryQueue::<Test>::get(11).to_vec(), vec![0]);
		assert_eq!(NextJobId::<Test>::get(), 1);
		let view = ExecutionLog::job_view(0).unwrap();
		assert_eq!(view.phase, JobPhase::Submitted);
		assert_eq!(view.timeline, vec![(JobPhase::Submitted, 1)]);
		assert_eq!(view.deadline, 11);
	});
}

#[test]
fn submit_errors() {
	ExtBuilder::default().build_and_execute(|| {
		set_paused(true);
		assert_noop!(try_submit(WF, ComputeClass::M, 600, 3, 10), Error::<Test>::ChainPaused);
		set_paused(false);
		assert_noop!(
			try_submit(99, ComputeClass::M, 600, 3, 10),
			DispatchError::Other("UnknownWorkflow")
		);
		assert_noop!(
			try_submit(WF_FLAGGED, ComputeClass::M, 600, 3, 10),
			DispatchError::Other("WorkflowNotInvocable")
		);
		assert_noop!(
			try_submit(WF_L, ComputeClass::M, u128::MAX, 1, 10),
			Error::<Test>::ClassTooSmall
		);
		assert_noop!(
			try_submit(WF, ComputeClass::M, u128::MAX, 0, 10),
			Error::<Test>::BadRedundancy
		);
		assert_noop!(
			try_submit(WF, ComputeClass::M, u128::MAX, 6, 10),
			Error::<Test>::BadRedundancy
		);
		assert_noop!(try_submit(WF, ComputeClass::M, u128::MAX, 1, 0), Error::<Test>::BadDeadline);
		assert_noop!(
			try_submit(WF, ComputeClass::M, u128::MAX, 1, 101),
			Error::<Test>::BadDeadline
		);
		assert_noop!(try_submit(WF, ComputeClass::M, 599, 3, 10), Error::<Test>::FeeAboveMax);
		set_workflow(50, ComputeClass::S, u128::MAX / 2, true);
		assert_noop!(
			try_submit(50, ComputeClass::XL, u128::MAX, 1, 10),
			Error::<Test>::FeeOverflow
		);
		set_workflow(51, ComputeClass::S, INITIAL, true);
		assert!(try_submit(51, ComputeClass::S, u128::MAX, 1, 10).is_err());
		for _ in 0..4 {
			assert_ok!(try_submit(WF, ComputeClass::S, u128::MAX, 1, 10));
		}
		assert_noop!(
			try_submit(WF, ComputeClass::S, u128::MAX, 1, 10),
			Error::<Test>::DeadlineSlotFull
		);
		NextJobId::<Test>::put(u64::MAX);
		assert_noop!(
			try_submit(WF, ComputeClass::S, u128::MAX, 1, 11),
			Error::<Test>::JobIdOverflow
		);
		NextJobId::<Test>::put(4);
	});
}

#[test]
fn quote_matches_submit() {
	ExtBuilder::default().build_and_execute(|| {
		let q = ExecutionLog::quote(WF, ComputeClass::XL, 2).unwrap();
		assert_eq!(
			(q.base_fee, q.class_multiplier_times, q.redundancy, q.total),
			(100, 8, 2, 1_600)
		);
		assert_eq!(q.class_multiplier, Permill::zero());
		assert_eq!(ExecutionLog::quote(99, ComputeClass::S, 1), Err(QuoteError::UnknownWorkflow));
		assert_eq!(
			ExecutionLog::quote(WF_FLAGGED, ComputeClass::S, 1),
			Err(QuoteError::NotInvocable)
		);
		assert_eq!(ExecutionLog::quote(WF_L, ComputeClass::S, 1), Err(QuoteError::ClassTooSmall));
		assert_eq!(ExecutionLog::quote(WF, ComputeClass::S, 0), Err(QuoteError::BadRedundancy));
		set_workflow(50, ComputeClass::S, u128::MAX, true);
		assert_eq!(ExecutionLog::quote(50, ComputeClass::M, 1), Err(QuoteError::Overflow));
		assert_ok!(try_submit(WF, ComputeClass::XL, 1_600, 2, 10));
		assert_eq!(escrow_of(&alice()), 1_600);
	});
}
