//! Deadline expiry and pause.
use super::*;

#[test]
fn open_jobs_expire_and_refund() {
	ExtBuilder::default().build_and_execute(|| {
		let submitted = submit(1, 7);
		let assigned = submit(2, 7);
		assign(assigned, &[0, 1]);
		send_receipt(assigned, 0, HASH);
		let attest_job = submit(1, 7);
		assign(attest_job, &[2]);
		send_receipt(attest_job, 2, HASH);
		assert_eq!(escrow_of(&alice()), 200 + 400 + 200);
		run_to_block(7);
		assert_eq!(phase(submitted), JobPhase::Submitted);
		run_to_block(8);
		assert_eq!(
			el_events(),
			vec![
				Event::JobExpired { job_id: submitted },
				Event::JobExpired { job_id: assigned },
				Event::JobExpired { job_id: attest_job },
			]
		);
		assert_eq!(escrow_of(&alice()), 0);
		// The deposits stay held until the jobs are pruned.
		assert_eq!(Balances::free_balance(alice()), INITIAL - 3 * JobDeposit::get());
		// Only the node that did not deliver is marked.
		assert_eq!(outcomes(), vec![(node(1), Outcome::JobExpired)]);
		assert!(ExpiryQueue::<Test>::get(8).is_empty());
		assert_eq!(ExpiryCursor::<Test>::get(), Some(9));
	});
}

#[test]
fn expiry_is_bounded_per_block_and_waits_while_paused() {
	ExtBuilder::default().build_and_execute(|| {
		// Four jobs (a full slot) at block 8, four at block 9 (the shortest deadline, 7).
		let mut first = vec![];
		for _ in 0..4 {
			first.push(submit(1, 7));
		}
		run_to_block(2);
		let mut second = vec![];
		for _ in 0..4 {
			second.push(submit(1, 7));
		}
		set_paused(true);
		run_to_block(10);
		assert!(first.iter().chain(&second).all(|j| phase(*j) == JobPhase::Submitted));
		assert_eq!(escrow_of(&alice()), 1_600);
		set_paused(false);
		// Catch-up: two slots per block from the cursor (3, left there by the pause): slots 3
		// and 4 in block 11, 5 and 6 in block 12, 7 and 8 in block 13.
		run_to_block(13);
		assert!(first.iter().all(|j| phase(*j) == JobPhase::Expired));
		assert!(second.iter().all(|j| phase(*j) == JobPhase::Submitted));
		assert_eq!(ExpiryCursor::<Test>::get(), Some(9));
		run_to_block(14);
		assert!(second.iter().all(|j| phase(*j) == JobPhase::Expired));
		assert_eq!(el_events().len(), 4);
		assert_eq!(escrow_of(&alice()), 0);
		run_to_block(16);
		assert_eq!(ExpiryCursor::<Test>::get(), Some(15));
	});
}

#[test]
fn finalized_jobs_do_not_expire() {
	ExtBuilder::default().build_and_execute(|| {
		let job = attesting(&[0]);
		for m in committee(job).iter().take(3) {
			attest(m, job, Verdict::Valid);
		}
		run_to_block(60);
		assert_eq!(phase(job), JobPhase::Finalized);
		assert_eq!(distribute_calls(), vec![job]);
	});
}
