//! Finding 2 of `docs/security.md` on-chain: a job's storage deposit, returned when the ended
//! job is pruned, and a deadline slot that one payer cannot fill for the others.
use super::*;
use frame_support::{assert_noop, dispatch::Pays};

fn prune(who: AccountId, job: JobId) -> frame_support::dispatch::DispatchResultWithPostInfo {
	ExecutionLog::prune(RuntimeOrigin::signed(who), job)
}

/// `payer` submits a job of `WF` (class S, one node) due `deadline` blocks from now.
fn submit_as(payer: AccountId, deadline: u64) -> frame_support::dispatch::DispatchResult {
	ExecutionLog::submit_job(
		RuntimeOrigin::signed(payer),
		WF,
		H256::repeat_byte(1),
		uri(),
		ComputeClass::S,
		u128::MAX,
		1,
		deadline,
	)
}

#[test]
fn a_job_holds_its_deposit_until_it_is_pruned_after_it_ended() {
	ExtBuilder::default().build_and_execute(|| {
		let deposit = JobDeposit::get();
		let job = attesting(&[0]);
		assert_eq!(deposit_of(&alice()), deposit);
		// Open: not prunable, by anyone.
		assert_noop!(prune(bob(), job), Error::<Test>::JobNotEnded);
		for m in committee(job).iter().take(3) {
			attest(m, job, Verdict::Valid);
		}
		assert_eq!(phase(job), JobPhase::Finalized);
		// Finalized, but within its challenge window: it may still be challenged.
		let finalized_at = Jobs::<Test>::get(job).unwrap().finalized_at.unwrap();
		run_to_block(finalized_at + ChallengeWindow::get());
		assert_noop!(prune(bob(), job), Error::<Test>::JobNotEnded);
		run_to_block(finalized_at + ChallengeWindow::get() + 1);

		// Anyone may prune it, for free; the deposit goes back to the payer.
		let free = Balances::free_balance(alice());
		let post = prune(bob(), job).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(
			el_events().last(),
			Some(&Event::JobPruned { job_id: job, payer: alice(), deposit })
		);
		assert_eq!(deposit_of(&alice()), 0);
		assert_eq!(Balances::free_balance(alice()), free + deposit);
		assert!(Jobs::<Test>::get(job).is_none());
		assert_eq!(crate::Receipts::<Test>::iter_prefix(job).count(), 0);
		// Once.
		assert_noop!(prune(bob(), job), Error::<Test>::UnknownJob);
		assert_noop!(prune(bob(), 99), Error::<Test>::UnknownJob);
	});
}

#[test]
fn expired_and_rejected_jobs_are_prunable_at_once() {
	ExtBuilder::default().build_and_execute(|| {
		let expired = submit(1, 7);
		let rejected = attesting(&[1]);
		for m in committee(rejected).iter().take(3) {
			attest(m, rejected, Verdict::Invalid);
		}
		assert_eq!(phase(rejected), JobPhase::Rejected);
		assert_ok!(prune(alice(), rejected));
		assert_noop!(prune(alice(), expired), Error::<Test>::JobNotEnded);
		run_to_block(8);
		assert_eq!(phase(expired), JobPhase::Expired);
		assert_ok!(prune(alice(), expired));
		// Every planck is back: fees refunded at expiry and rejection, deposits at pruning.
		assert_eq!(deposit_of(&alice()), 0);
		assert_eq!(escrow_of(&alice()), 0);
		assert_eq!(Balances::free_balance(alice()), INITIAL);
	});
}

#[test]
fn a_job_whose_deposit_cannot_be_held_is_refused_whole() {
	ExtBuilder::default().build_and_execute(|| {
		// Enough for the fee (100, class S), not for the deposit on top.
		let poor = challenger();
		let _ = <Balances as frame_support::traits::fungible::Mutate<_>>::set_balance(
			&poor,
			100 + JobDeposit::get() - 1,
		);
		assert_noop!(submit_as(poor.clone(), 10), sp_runtime::TokenError::FundsUnavailable);
		assert_eq!(escrow_of(&poor), 0);
	});
}

#[test]
fn one_payer_cannot_fill_a_deadline_slot_for_the_others() {
	ExtBuilder::default().build_and_execute(|| {
		// The slot takes 4 jobs; a payer may have 2 of them.
		MaxJobsPerPayerPerBlock::set(&2);
		assert_ok!(submit_as(alice(), 10));
		assert_ok!(submit_as(alice(), 10));
		// The attack: the rest of the slot, so every other payer gets `DeadlineSlotFull`.
		assert_noop!(submit_as(alice(), 10), Error::<Test>::PayerSlotFull);
		// Another deadline is still open to the attacker, and this one to everyone else.
		assert_ok!(submit_as(alice(), 11));
		assert_ok!(submit_as(bob(), 10));
		assert_eq!(crate::PayerSlotUse::<Test>::get(11, alice()), 2);
		// A processed slot takes its counts with it.
		run_to_block(11);
		assert_eq!(crate::PayerSlotUse::<Test>::iter_prefix(11).count(), 0);
		assert_eq!(crate::PayerSlotUse::<Test>::iter_prefix(12).count(), 1);
	});
}
