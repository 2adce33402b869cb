//! `attest`, quorum, settlement and the lead aggregator's batch.
use super::*;
use frame_support::assert_noop;
use sp_runtime::MultiSignature;

#[test]
fn full_lifecycle_pays_once() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(2, 20);
		assign(job, &[0, 1]);
		send_receipt(job, 0, HASH);
		send_receipt(job, 1, HASH);
		let c = committee(job);
		System::reset_events();
		attest(&c[0], job, Verdict::Valid);
		attest(&c[1], job, Verdict::Invalid);
		attest(&c[2], job, Verdict::Valid);
		assert_eq!(phase(job), JobPhase::Attesting);
		attest(&c[3], job, Verdict::Valid);
		assert_eq!(
			el_events(),
			vec![
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[0].clone(),
					verdict: Verdict::Valid
				},
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[1].clone(),
					verdict: Verdict::Invalid
				},
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[2].clone(),
					verdict: Verdict::Valid
				},
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[3].clone(),
					verdict: Verdict::Valid
				},
				Event::JobFinalized { job_id: job, fee: 400 },
			]
		);
		// The whole escrow went to the payout (mock sink), once.
		assert_eq!(escrow_of(&alice()), 0);
		assert_eq!(Balances::free_balance(alice()), INITIAL - 400 - JobDeposit::get());
		assert_eq!(Balances::free_balance(payout_sink()), INITIAL + 400);
		assert_eq!(distribute_calls(), vec![job]);
		assert_eq!(
			outcomes(),
			vec![
				(node(0), Outcome::JobFinalized),
				(node(1), Outcome::JobFinalized),
				(c[0].clone(), Outcome::AttestationAgreed),
				(c[1].clone(), Outcome::AttestationDisagreed),
				(c[2].clone(), Outcome::AttestationAgreed),
				(c[3].clone(), Outcome::AttestationAgreed),
			]
		);
		let view = ExecutionLog::job_view(job).unwrap();
		assert_eq!(view.verdicts, (3, 1));
		assert_eq!(
			view.timeline,
			vec![
				(JobPhase::Submitted, 1),
				(JobPhase::Assigned, 1),
				(JobPhase::Attesting, 1),
				(JobPhase::Finalized, 1)
			]
		);
		// Double settlement is impossible: the job is no longer attesting.
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(c[4].clone()),
				att(job, Verdict::Valid, None)
			),
			Error::<Test>::BadPhase
		);
		run_to_block(30);
		assert_eq!(phase(job), JobPhase::Finalized);
		assert_eq!(distribute_calls(), vec![job]);
	});
}

#[test]
fn invalid_quorum_rejects_refunds_and_slashes() {
	ExtBuilder::default().build_and_execute(|| {
		let job = attesting(&[0, 1]);
		let c = committee(job);
		System::reset_events();
		attest(&c[0], job, Verdict::Invalid);
		attest(&c[1], job, Verdict::Valid);
		attest(&c[2], job, Verdict::Invalid);
		attest(&c[3], job, Verdict::Invalid);
		assert_eq!(el_events().last(), Some(&Event::JobRejected { job_id: job }));
		assert_eq!(phase(job), JobPhase::Rejected);
		assert_eq!(escrow_of(&alice()), 0);
		assert_eq!(Balances::free_balance(alice()), INITIAL - JobDeposit::get());
		assert!(distribute_calls().is_empty());
		assert_eq!(
			slashes(),
			vec![
				(node(0), SlashReason::Fraud, FraudSlash::get()),
				(node(1), SlashReason::Fraud, FraudSlash::get())
			]
		);
		assert_eq!(
			outcomes(),
			vec![
				(node(0), Outcome::JobRejected),
				(node(1), Outcome::JobRejected),
				(c[0].clone(), Outcome::AttestationAgreed),
				(c[1].clone(), Outcome::AttestationDisagreed),
				(c[2].clone(), Outcome::AttestationAgreed),
				(c[3].clone(), Outcome::AttestationAgreed),
			]
		);
	});
}

#[test]
fn attest_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(1, 20);
		let v0 = validator(0);
		let go = |who: &AccountId, a: Attestation| {
			ExecutionLog::attest(RuntimeOrigin::signed(who.clone()), a)
		};
		assert_noop!(go(&v0, att(9, Verdict::Valid, None)), Error::<Test>::UnknownJob);
		assert_noop!(go(&v0, att(job, Verdict::Valid, None)), Error::<Test>::BadPhase);
		assign(job, &[0]);
		send_receipt(job, 0, HASH);
		let c = committee(job);
		let outsider = (0..8).map(validator).find(|v| !c.contains(v)).unwrap();
		assert_noop!(go(&outsider, att(job, Verdict::Valid, None)), Error::<Test>::NotInCommittee);
		assert_noop!(go(&alice(), att(job, Verdict::Valid, None)), Error::<Test>::NotInCommittee);
		// A digest, when given, must match even if the job is not sampled.
		assert_noop!(
			go(&c[0], att(job, Verdict::Valid, Some(H256::zero()))),
			Error::<Test>::ReexecutionMismatch
		);
		assert_ok!(go(&c[0], att(job, Verdict::Valid, None)));
		assert_noop!(go(&c[0], att(job, Verdict::Invalid, None)), Error::<Test>::AlreadyAttested);
	});
}

#[test]
fn sampled_job_needs_matching_reexecution() {
	ExtBuilder::default().reexecution(Permill::one()).build_and_execute(|| {
		let job = attesting(&[0]);
		assert!(Jobs::<Test>::get(job).unwrap().sampled);
		let c = committee(job);
		let go = |a: Attestation| ExecutionLog::attest(RuntimeOrigin::signed(c[0].clone()), a);
		assert_noop!(go(att(job, Verdict::Valid, None)), Error::<Test>::ReexecutionDigestMissing);
		assert_noop!(
			go(att(job, Verdict::Valid, Some(H256::repeat_byte(3)))),
			Error::<Test>::ReexecutionMismatch
		);
		// An invalid verdict needs no digest.
		assert_ok!(go(att(job, Verdict::Invalid, None)));
		assert_ok!(ExecutionLog::attest(
			RuntimeOrigin::signed(c[1].clone()),
			att(job, Verdict::Valid, Some(HASH))
		));
	});
}

#[test]
fn committee_smaller_than_quorum_never_decides_and_expires() {
	ExtBuilder::default().validators(2).build_and_execute(|| {
		let job = attesting(&[0]);
		let c = committee(job);
		assert_eq!(c.len(), 2);
		let fee = Jobs::<Test>::get(job).unwrap().fee;
		let payer_before = Balances::free_balance(alice());
		attest(&c[0], job, Verdict::Valid);
		attest(&c[1], job, Verdict::Valid);
		// Two unanimous verdicts are still short of the quorum: a thin validator set cannot
		// finalize a job on its own.
		assert_eq!(phase(job), JobPhase::Attesting);
		// The job expires at its deadline and the payer gets the whole fee back.
		run_to_block(60);
		assert_eq!(phase(job), JobPhase::Expired);
		assert_eq!(Balances::free_balance(alice()), payer_before + fee);
	});
}

fn signed(who: &AccountId, a: Attestation) -> (AccountId, Attestation, MultiSignature) {
	let sig =
		validator_pair(validator_index(who)).sign(&a.signing_payload(ExecutionLog::genesis_hash()));
	(who.clone(), a, sig.into())
}

fn batch(
	items: Vec<(AccountId, Attestation, MultiSignature)>,
) -> BoundedVec<(AccountId, Attestation, MultiSignature), MaxBatch> {
	items.try_into().unwrap()
}

#[test]
fn lead_aggregator_submits_batches() {
	ExtBuilder::default().build_and_execute(|| {
		// Block 1, epoch 0: the lowest validator account leads.
		let validators = MockStake::active_validators();
		assert_eq!(ExecutionLog::current_lead(), Some(validators[0].clone()));
		run_to_block(10);
		assert_eq!(ExecutionLog::current_lead(), Some(validators[1].clone()));
		let lead = validators[1].clone();
		let job = attesting(&[0]);
		let c = committee(job);
		let items =
			batch(c.iter().take(3).map(|m| signed(m, att(job, Verdict::Valid, None))).collect());
		System::reset_events();
		assert_ok!(ExecutionLog::submit_attestations(RuntimeOrigin::signed(lead.clone()), items));
		assert_eq!(phase(job), JobPhase::Finalized);
		assert_eq!(
			el_events(),
			vec![
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[0].clone(),
					verdict: Verdict::Valid
				},
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[1].clone(),
					verdict: Verdict::Valid
				},
				Event::AttestationSubmitted {
					job_id: job,
					validator: c[2].clone(),
					verdict: Verdict::Valid
				},
				Event::JobFinalized { job_id: job, fee: 200 },
				Event::AttestationsBatched { aggregator: lead, count: 3 },
			]
		);
	});
}

#[test]
fn batch_errors_are_atomic() {
	ExtBuilder::default().build_and_execute(|| {
		let lead = ExecutionLog::current_lead().unwrap();
		let job = attesting(&[0]);
		let c = committee(job);
		let good = signed(&c[0], att(job, Verdict::Valid, None));
		let not_lead = c.iter().find(|m| **m != lead).unwrap().clone();
		assert_noop!(
			ExecutionLog::submit_attestations(
				RuntimeOrigin::signed(not_lead),
				batch(vec![good.clone()])
			),
			Error::<Test>::NotLeadAggregator
		);
		// Forged: c[1]'s attestation signed by c[2]'s key.
		let (_, a, forged) = signed(&c[2], att(job, Verdict::Valid, None));
		assert_noop!(
			ExecutionLog::submit_attestations(
				RuntimeOrigin::signed(lead.clone()),
				batch(vec![good.clone(), (c[1].clone(), a, forged)])
			),
			Error::<Test>::AttestationSignatureInvalid
		);
		// Signed for another chain.
		let a = att(job, Verdict::Valid, None);
		let foreign: MultiSignature = validator_pair(validator_index(&c[1]))
			.sign(&a.signing_payload(H256::repeat_byte(0x42)))
			.into();
		assert_noop!(
			ExecutionLog::submit_attestations(
				RuntimeOrigin::signed(lead.clone()),
				batch(vec![(c[1].clone(), a, foreign)])
			),
			Error::<Test>::AttestationSignatureInvalid
		);
		// A valid first item is reverted with a failing second one (double vote).
		assert_noop!(
			ExecutionLog::submit_attestations(
				RuntimeOrigin::signed(lead.clone()),
				batch(vec![good.clone(), good])
			),
			Error::<Test>::AlreadyAttested
		);
		assert!(Jobs::<Test>::get(job).unwrap().verdicts.is_empty());
	});
}
