//! `submit_receipt`: signatures, replays and the committee draw.
use super::*;
use frame_support::assert_noop;

#[test]
fn receipts_move_job_to_attesting() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 20);
		assign(job, &[0, 1]);
		send_receipt(job, 0, HASH);
		System::assert_last_event(
			Event::ReceiptSubmitted {
				job_id: job,
				node: node(0),
				runtime_hash: HASH,
				outputs_cid: receipt(job, HASH).outputs_cid,
			}
			.into(),
		);
		assert_eq!(phase(job), JobPhase::Assigned);
		assert!(Receipts::<Test>::get(job, node(0)).is_some());
		send_receipt(job, 1, HASH);
		let j = Jobs::<Test>::get(job).unwrap();
		assert_eq!(j.phase, JobPhase::Attesting);
		// 8 validators, committee size 5.
		assert_eq!(j.committee.len(), 5);
		assert!(!j.sampled);
		System::assert_last_event(
			Event::JobAttesting { job_id: job, committee: j.committee.clone(), sampled: false }
				.into(),
		);
	});
}

#[test]
fn receipt_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 20);
		let r = receipt(job, HASH);
		let sig = sign_receipt(0, &r);
		let send = |who: AccountId, job: JobId, r: Receipt, sig| {
			ExecutionLog::submit_receipt(RuntimeOrigin::signed(who), job, r, sig)
		};
		assert_noop!(send(node(0), 9, r.clone(), sig), Error::<Test>::UnknownJob);
		assert_noop!(send(node(0), job, r.clone(), sig), Error::<Test>::BadPhase);
		assign(job, &[0, 1]);
		assert_noop!(send(node(2), job, r.clone(), sig), Error::<Test>::NotAssignedNode);
		let mut other_wf = r.clone();
		other_wf.workflow_id = WF_L;
		assert_noop!(send(node(0), job, other_wf, sig), Error::<Test>::ReceiptMismatch);
		let mut other_job = r.clone();
		other_job.job_id = job + 1;
		assert_noop!(send(node(0), job, other_job, sig), Error::<Test>::ReceiptMismatch);
		// Forged: signed with another key (node 1's).
		assert_noop!(
			send(node(0), job, r.clone(), sign_receipt(1, &r)),
			Error::<Test>::ReceiptSignatureInvalid
		);
		// Signed for another chain's genesis hash.
		let foreign = receipt_pair(0).sign(&r.signing_payload(H256::repeat_byte(0x42)));
		assert_noop!(
			send(node(0), job, r.clone(), foreign),
			Error::<Test>::ReceiptSignatureInvalid
		);
		// No receipt key.
		set_receipt_key(&node(1), None);
		let r1 = receipt(job, HASH);
		assert_noop!(
			send(node(1), job, r1.clone(), sign_receipt(1, &r1)),
			Error::<Test>::ReceiptSignatureInvalid
		);
		set_receipt_key(&node(1), Some(receipt_pair(1).public()));
		assert_ok!(send(node(0), job, r.clone(), sig));
		assert_noop!(send(node(0), job, r, sig), Error::<Test>::ReceiptAlreadySubmitted);
	});
}

#[test]
fn receipt_of_a_node_no_longer_eligible_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(1, 20);
		assign(job, &[0]);
		// The node unbonded (or was quarantined) after the relay assigned it the job.
		set_role(&node(0), None);
		let r = receipt(job, HASH);
		let sig = sign_receipt(0, &r);
		assert_noop!(
			ExecutionLog::submit_receipt(RuntimeOrigin::signed(node(0)), job, r.clone(), sig),
			Error::<Test>::NodeNotEligible
		);
		set_role(
			&node(0),
			Some(havn_primitives::Role::ExecutionNode(havn_primitives::ComputeClass::M)),
		);
		assert_ok!(ExecutionLog::submit_receipt(RuntimeOrigin::signed(node(0)), job, r, sig));
	});
}

#[test]
fn receipt_replayed_on_another_job_fails() {
	ExtBuilder::default().build_and_execute(|| {
		let a = submit(1, 20);
		let b = submit(1, 20);
		assign(a, &[0]);
		assign(b, &[0]);
		let ra = receipt(a, HASH);
		let sig = sign_receipt(0, &ra);
		assert_ok!(ExecutionLog::submit_receipt(
			RuntimeOrigin::signed(node(0)),
			a,
			ra.clone(),
			sig
		));
		// The same signature on a receipt naming job b does not verify.
		let mut rb = ra;
		rb.job_id = b;
		assert_noop!(
			ExecutionLog::submit_receipt(RuntimeOrigin::signed(node(0)), b, rb, sig),
			Error::<Test>::ReceiptSignatureInvalid
		);
	});
}

#[test]
fn node_never_sits_on_its_own_committee() {
	ExtBuilder::default().validators(3).committee(16).build_and_execute(|| {
		// Every node is also reported as an active validator.
		EXTRA_VALIDATORS.with(|e| *e.borrow_mut() = vec![node(0), node(1), node(2)]);
		for _ in 0..5 {
			run_to_block(System::block_number() + 1);
			let job = attesting(&[0, 1]);
			let c = committee(job);
			assert_eq!(c.len(), 4);
			assert!(!c.contains(&node(0)) && !c.contains(&node(1)));
			assert!(c.contains(&node(2)));
			assert_noop!(
				ExecutionLog::attest(
					RuntimeOrigin::signed(node(0)),
					att(job, Verdict::Valid, Some(HASH))
				),
				Error::<Test>::NotInCommittee
			);
		}
	});
}

#[test]
fn disagreeing_receipts_force_sampling() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(3, 20);
		assign(job, &[0, 1, 2]);
		send_receipt(job, 0, HASH);
		send_receipt(job, 1, H256::repeat_byte(1));
		send_receipt(job, 2, HASH);
		let j = Jobs::<Test>::get(job).unwrap();
		assert!(j.sampled);
		assert_eq!(j.reference_hash(), Some(HASH));
		for m in j.committee.iter().take(3) {
			attest(m, job, Verdict::Valid);
		}
		assert_eq!(phase(job), JobPhase::Finalized);
		// Only the majority is paid; the dissenter is slashed.
		assert_eq!(slashes(), vec![(node(1), SlashReason::Fraud, FraudSlash::get())]);
		assert!(outcomes().contains(&(node(1), Outcome::JobRejected)));
		assert!(outcomes().contains(&(node(0), Outcome::JobFinalized)));
	});
}

#[test]
fn sampling_follows_rate_and_reputation() {
	// 100%: always sampled.
	ExtBuilder::default().reexecution(Permill::one()).build_and_execute(|| {
		let job = attesting(&[0]);
		assert!(Jobs::<Test>::get(job).unwrap().sampled);
	});
	// 0%: never.
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..10 {
			run_to_block(System::block_number() + 1);
			let job = attesting(&[0]);
			assert!(!Jobs::<Test>::get(job).unwrap().sampled);
		}
	});
	// 50% base with score 0 (but eligible? level needs >= 25%): use score 25% => rate 87.5%;
	// with score 100% => rate 50%. Over many jobs the low-reputation node is sampled more.
	let count = |score: Permill| {
		let mut n = 0;
		ExtBuilder::default().reexecution(Permill::from_percent(50)).build_and_execute(|| {
			set_score(&node(0), score);
			for _ in 0..60 {
				run_to_block(System::block_number() + 1);
				let job = attesting(&[0]);
				if Jobs::<Test>::get(job).unwrap().sampled {
					n += 1;
				}
				run_to_block(System::block_number() + 60);
			}
		});
		n
	};
	assert!(count(Permill::from_percent(25)) > count(Permill::one()));
}
