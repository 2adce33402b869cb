//! The earnings ledgers and the read helpers for the runtime API.

use super::*;
use crate::{Pallet, SettlementRecord};
use havn_primitives::{api::WorkflowEarnings, traits::DistributeFee, FeeShares};

fn distribute(s: &havn_primitives::traits::Settlement<AccountId, Balance>) -> FeeShares {
	<Pallet<Test> as DistributeFee<_, _, _>>::distribute(s, &ESCROW).unwrap()
}

#[test]
fn earnings_accumulate_per_account_and_per_workflow() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 3_000_000);
		let first = distribute(&settlement(1, WF, 1_000_000, vec![NODE_1], vec![VAL_1]));
		run_to_block(4);
		let second = distribute(&settlement(2, WF, 2_000_000, vec![NODE_1, NODE_2], vec![VAL_1]));

		assert_eq!(PayoutRouter::earned(&CREATOR), 450_000 + 900_000);
		assert_eq!(PayoutRouter::earned(&UP_A), 120_000 + 240_000);
		assert_eq!(PayoutRouter::earned(&UP_B), 80_000 + 160_000);
		assert_eq!(PayoutRouter::earned(&NODE_1), 250_000 + 250_000);
		assert_eq!(PayoutRouter::earned(&NODE_2), 250_000);
		assert_eq!(PayoutRouter::earned(&VAL_1), 50_000 + 100_000);
		assert_eq!(PayoutRouter::earned(&TREASURY), 50_000 + 100_000);
		assert_eq!(PayoutRouter::earned(&VAL_2), 0);

		assert_eq!(
			PayoutRouter::workflow_earnings(WF),
			Some(WorkflowEarnings {
				runs: 2,
				total_fees: 3_000_000,
				creator_earned: 1_350_000,
				upstream_paid: 600_000,
				earned_as_upstream: 0,
			})
		);
		// The dependencies never ran, but earned as upstream.
		assert_eq!(
			PayoutRouter::workflow_earnings(DEP_A),
			Some(WorkflowEarnings { earned_as_upstream: 360_000, ..Default::default() })
		);
		assert_eq!(
			PayoutRouter::workflow_earnings(DEP_B),
			Some(WorkflowEarnings { earned_as_upstream: 240_000, ..Default::default() })
		);
		assert_eq!(PayoutRouter::workflow_earnings(WF_SOLO), None);

		assert_eq!(
			PayoutRouter::settlement(1),
			Some(SettlementRecord { block: 1, workflow_id: WF, fee: 1_000_000, shares: first })
		);
		assert_eq!(
			PayoutRouter::settlement(2),
			Some(SettlementRecord { block: 4, workflow_id: WF, fee: 2_000_000, shares: second })
		);
		assert_eq!(PayoutRouter::settlement(3), None);
		assert_eq!(crate::TotalSettledFees::<Test>::get(), 3_000_000);
		assert_eq!(crate::TotalPaid::<Test>::get(), 3_000_000);
	});
}

#[test]
fn a_dependency_that_runs_keeps_both_tallies() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 2_000_000);
		distribute(&settlement(1, WF, 1_000_000, vec![NODE_1], vec![VAL_1]));
		distribute(&settlement(2, DEP_A, 1_000_000, vec![NODE_1], vec![VAL_1]));
		assert_eq!(
			PayoutRouter::workflow_earnings(DEP_A),
			Some(WorkflowEarnings {
				runs: 1,
				total_fees: 1_000_000,
				creator_earned: 650_000,
				upstream_paid: 0,
				earned_as_upstream: 120_000,
			})
		);
	});
}

#[test]
fn redirected_payments_are_not_tallied_as_upstream() {
	ExtBuilder::default().build_and_execute(|| {
		// DEP_A now belongs to an account that does not exist; at 30% of the upstream 20 of a
		// 101 fee it would receive 6 < ED 10, so its part goes to the treasury.
		set_workflow(
			8,
			CREATOR,
			havn_primitives::RoyaltySplit::DEFAULT,
			vec![
				(DEP_A, FRESH, sp_runtime::Permill::from_percent(30)),
				(DEP_B, UP_B, sp_runtime::Permill::from_percent(70)),
			],
		);
		escrow(PAYER, 101);
		let shares = distribute(&settlement(1, 8, 101, vec![NODE_1], vec![VAL_1]));
		// upstream 20: 6 (redirected) + 14; node 25; validator 5; treasury 6 + 6.
		assert_eq!(
			shares,
			FeeShares { creator: 45, upstream: 14, node: 25, validators: 5, treasury: 12 }
		);
		assert_eq!(PayoutRouter::workflow_earnings(DEP_A), None);
		assert_eq!(PayoutRouter::workflow_earnings(DEP_B).unwrap().earned_as_upstream, 14);
		assert_eq!(PayoutRouter::workflow_earnings(8).unwrap().upstream_paid, 14);
	});
}
