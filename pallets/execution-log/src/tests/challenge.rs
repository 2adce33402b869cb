//! Challenges and adjudication.
use super::*;
use frame_support::assert_noop;

/// A finalized job (nodes 0 and 1) with 16 validators, plus its original committee.
fn finalized() -> (JobId, Vec<AccountId>) {
	let job = attesting(&[0, 1]);
	let c = committee(job);
	for m in c.iter().take(3) {
		attest(m, job, Verdict::Valid);
	}
	assert_eq!(phase(job), JobPhase::Finalized);
	(job, c)
}

#[test]
fn challenge_upheld() {
	ExtBuilder::default().validators(16).build_and_execute(|| {
		let (job, original) = finalized();
		System::reset_events();
		assert_ok!(ExecutionLog::challenge(RuntimeOrigin::signed(challenger()), job));
		let adj = committee(job);
		assert_eq!(adj.len(), 5);
		assert!(adj.iter().all(|m| !original.contains(m)));
		System::assert_last_event(
			Event::JobChallenged {
				job_id: job,
				challenger: challenger(),
				committee: adj.clone().try_into().unwrap(),
			}
			.into(),
		);
		assert_eq!(bond_of(&challenger()), 1_000);
		assert_eq!(phase(job), JobPhase::Challenged);
		// Original members cannot vote in the adjudication.
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(original[0].clone()),
				att(job, Verdict::Invalid, None)
			),
			Error::<Test>::NotInCommittee
		);
		// Adjudicators always re-execute.
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(adj[0].clone()),
				att(job, Verdict::Valid, None)
			),
			Error::<Test>::ReexecutionDigestMissing
		);
		let before = outcomes().len();
		for m in adj.iter().take(3) {
			attest(m, job, Verdict::Invalid);
		}
		assert_eq!(
			el_events().last(),
			Some(&Event::ChallengeUpheld { job_id: job, challenger: challenger() })
		);
		assert_eq!(phase(job), JobPhase::Rejected);
		assert_eq!(bond_of(&challenger()), 0);
		assert_eq!(Balances::free_balance(challenger()), INITIAL);
		// The payment stays made.
		assert_eq!(distribute_calls(), vec![job]);
		assert_eq!(Balances::free_balance(payout_sink()), INITIAL + 400);
		let mut expected = vec![
			(node(0), SlashReason::Fraud, FraudSlash::get()),
			(node(1), SlashReason::Fraud, FraudSlash::get()),
		];
		for m in original.iter().take(3) {
			expected.push((m.clone(), SlashReason::Collusion, CollusionSlash::get()));
		}
		assert_eq!(slashes(), expected);
		let new = &outcomes()[before..];
		assert_eq!(new[0], (challenger(), Outcome::DisputeWon));
		assert_eq!(new[1], (node(0), Outcome::DisputeLost));
		assert!(new.contains(&(original[0].clone(), Outcome::DisputeLost)));
		assert!(new.contains(&(adj[0].clone(), Outcome::AttestationAgreed)));
		// Once only.
		assert_noop!(
			ExecutionLog::challenge(RuntimeOrigin::signed(challenger()), job),
			Error::<Test>::AlreadyChallenged
		);
	});
}

#[test]
fn challenge_rejected_pays_bond_to_treasury() {
	ExtBuilder::default().validators(16).build_and_execute(|| {
		let (job, _) = finalized();
		assert_ok!(ExecutionLog::challenge(RuntimeOrigin::signed(challenger()), job));
		let adj = committee(job);
		attest(&adj[0], job, Verdict::Invalid);
		for m in adj.iter().skip(1).take(3) {
			attest(m, job, Verdict::Valid);
		}
		System::assert_last_event(
			Event::ChallengeRejected { job_id: job, challenger: challenger(), bond: 1_000 }.into(),
		);
		assert_eq!(phase(job), JobPhase::Finalized);
		assert_eq!(bond_of(&challenger()), 0);
		assert_eq!(Balances::free_balance(challenger()), INITIAL - 1_000);
		assert_eq!(Balances::free_balance(treasury()), INITIAL + 1_000);
		assert!(slashes().is_empty());
		assert!(outcomes().contains(&(challenger(), Outcome::DisputeLost)));
		assert!(outcomes().contains(&(adj[0].clone(), Outcome::AttestationDisagreed)));
		assert_eq!(distribute_calls(), vec![job]);
		assert_noop!(
			ExecutionLog::challenge(RuntimeOrigin::signed(relay()), job),
			Error::<Test>::AlreadyChallenged
		);
	});
}

#[test]
fn challenge_errors() {
	ExtBuilder::default().validators(16).build_and_execute(|| {
		let ch = |who: AccountId, job| ExecutionLog::challenge(RuntimeOrigin::signed(who), job);
		assert_noop!(ch(alice(), 0), Error::<Test>::NotBonded);
		assert_noop!(ch(challenger(), 9), Error::<Test>::UnknownJob);
		let open = submit(1, 90);
		assert_noop!(ch(challenger(), open), Error::<Test>::BadPhase);
		let (job, _) = finalized();
		assert_noop!(ch(node(0), job), Error::<Test>::ChallengerIsJobNode);
		run_to_block(1 + ChallengeWindow::get() + 1);
		assert_noop!(ch(challenger(), job), Error::<Test>::ChallengeWindowClosed);
	});
	// 8 validators: 5 in the committee leaves 3 = QuorumSize; with the challenger a validator, 2.
	ExtBuilder::default().validators(7).build_and_execute(|| {
		let (job, _) = finalized();
		assert_noop!(
			ExecutionLog::challenge(RuntimeOrigin::signed(challenger()), job),
			Error::<Test>::NotEnoughValidators
		);
	});
	// Not enough balance for the bond.
	ExtBuilder::default().validators(16).build_and_execute(|| {
		let (job, _) = finalized();
		let poor = validator(20);
		set_role(&poor, Some(havn_primitives::Role::Relay));
		assert!(ExecutionLog::challenge(RuntimeOrigin::signed(poor), job).is_err());
	});
}
