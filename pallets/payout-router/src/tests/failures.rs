//! Every way `distribute` refuses, and that a refusal moves nothing.

use super::*;
use crate::{Error, Pallet, WorkflowStats, WorkflowStatsRecord};
use frame_support::{assert_noop, assert_ok, traits::fungible::MutateHold};
use havn_primitives::{traits::DistributeFee, RoyaltySplit};
use sp_runtime::{ArithmeticError, DispatchError, Permill, TokenError};

fn distribute(
	s: &havn_primitives::traits::Settlement<AccountId, Balance>,
) -> Result<havn_primitives::FeeShares, DispatchError> {
	<Pallet<Test> as DistributeFee<_, _, _>>::distribute(s, &ESCROW)
}

#[test]
fn a_job_is_paid_only_once() {
	ExtBuilder::default().build_and_execute(|| {
		let s = settlement(1, WF, 1_000_000, vec![NODE_1], vec![VAL_1]);
		escrow(PAYER, 2_000_000);
		assert!(!<Pallet<Test> as DistributeFee<_, _, _>>::is_settled(1));
		assert_ok!(distribute(&s));
		assert!(<Pallet<Test> as DistributeFee<_, _, _>>::is_settled(1));
		let balances: Vec<Balance> =
			[PAYER, CREATOR, UP_A, UP_B, NODE_1, VAL_1, TREASURY].map(free).to_vec();
		let events = System::events().len();

		// The payer still has enough escrowed: only the settled record refuses.
		assert_noop!(distribute(&s), Error::<Test>::AlreadySettled);
		assert_eq!(
			[PAYER, CREATOR, UP_A, UP_B, NODE_1, VAL_1, TREASURY].map(free).to_vec(),
			balances
		);
		assert_eq!(escrowed(), 1_000_000);
		assert_eq!(System::events().len(), events);
		// Another job with the same id but other parties is refused too.
		assert_noop!(
			distribute(&settlement(1, WF_SOLO, 10, vec![NODE_2], vec![])),
			Error::<Test>::AlreadySettled
		);
	});
}

#[test]
fn an_unknown_workflow_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000);
		assert_noop!(
			distribute(&settlement(1, 404, 1_000, vec![NODE_1], vec![VAL_1])),
			Error::<Test>::UnknownWorkflow
		);
	});
}

#[test]
fn an_invalid_royalty_split_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let mut split = RoyaltySplit::DEFAULT;
		split.creator = Permill::from_percent(60); // 115% in all
		set_workflow(7, CREATOR, split, vec![]);
		escrow(PAYER, 1_000);
		assert_noop!(
			distribute(&settlement(1, 7, 1_000, vec![NODE_1], vec![VAL_1])),
			Error::<Test>::InvalidRoyaltySplit
		);
	});
}

#[test]
fn less_than_the_fee_in_escrow_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let s = settlement(1, WF, 1_000, vec![NODE_1], vec![VAL_1]);
		// Nothing held.
		assert_noop!(distribute(&s), Error::<Test>::EscrowShortfall);
		// One planck short.
		escrow(PAYER, 999);
		assert_noop!(distribute(&s), Error::<Test>::EscrowShortfall);
		// Held, but under another reason.
		Balances::hold(&OTHER_HOLD, &PAYER, 5_000).unwrap();
		assert_noop!(distribute(&s), Error::<Test>::EscrowShortfall);
	});
}

#[test]
fn a_missing_treasury_that_cannot_receive_fails_everything() {
	ExtBuilder::default().without_treasury().build_and_execute(|| {
		// Fee 7: the creator's 3 is paid first, then the treasury's 4 would leave the
		// non-existent treasury below the ED: the whole distribution rolls back.
		escrow(PAYER, 7);
		assert_noop!(
			distribute(&settlement(1, WF, 7, vec![NODE_1, NODE_2], vec![VAL_1])),
			DispatchError::Token(TokenError::CannotCreate)
		);
		assert_eq!(free(CREATOR), FUNDED);
		assert_eq!(escrowed(), 7);
	});
}

#[test]
fn a_stats_overflow_fails_everything() {
	ExtBuilder::default().build_and_execute(|| {
		WorkflowStats::<Test>::insert(
			WF_SOLO,
			WorkflowStatsRecord { runs: u64::MAX, ..Default::default() },
		);
		escrow(PAYER, 1_000);
		assert_noop!(
			distribute(&settlement(1, WF_SOLO, 1_000, vec![NODE_1], vec![VAL_1])),
			DispatchError::Arithmetic(ArithmeticError::Overflow)
		);
		assert_eq!(escrowed(), 1_000);
		// Restore a consistent state for the invariants.
		WorkflowStats::<Test>::remove(WF_SOLO);
	});
}
