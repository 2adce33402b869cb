//! How a fee is split: exact balances for every party, remainders, empty sets, redirects.

use super::*;
use crate::{Pallet, SettlementRecord};
use frame_support::assert_ok;
use havn_primitives::{traits::DistributeFee, FeeShares, HAI};

fn distribute(s: &havn_primitives::traits::Settlement<AccountId, Balance>) -> FeeShares {
	<Pallet<Test> as DistributeFee<_, _, _>>::distribute(s, &ESCROW).unwrap()
}

#[test]
fn default_split_pays_every_party_exactly() {
	ExtBuilder::default().build_and_execute(|| {
		let fee = 1_000_000;
		escrow(PAYER, fee);
		let issuance = Balances::total_issuance();
		let payer_free = free(PAYER);

		let s = settlement(1, WF, fee, vec![NODE_1, NODE_2], vec![VAL_1, VAL_2, VAL_3]);
		let shares = distribute(&s);

		// 45 / 20 / 25 / 5 / 5; upstream 60/40; validators' 50_000 / 3 leaves 2 for the treasury.
		let expected = FeeShares {
			creator: 450_000,
			upstream: 200_000,
			node: 250_000,
			validators: 49_998,
			treasury: 50_002,
		};
		assert_eq!(shares, expected);
		assert_eq!(free(CREATOR), FUNDED + 450_000);
		assert_eq!(free(UP_A), FUNDED + 120_000);
		assert_eq!(free(UP_B), FUNDED + 80_000);
		assert_eq!(free(NODE_1), FUNDED + 125_000);
		assert_eq!(free(NODE_2), FUNDED + 125_000);
		for v in [VAL_1, VAL_2, VAL_3] {
			assert_eq!(free(v), FUNDED + 16_666);
		}
		assert_eq!(free(TREASURY), FUNDED + 50_002);
		assert_eq!(escrowed(), 0);
		assert_eq!(free(PAYER), payer_free);
		assert_eq!(Balances::total_issuance(), issuance);

		assert_eq!(
			payout_events(),
			vec![
				paid(1, CREATOR, PayeeRole::Creator, 450_000),
				paid(1, UP_A, PayeeRole::Upstream, 120_000),
				paid(1, UP_B, PayeeRole::Upstream, 80_000),
				paid(1, NODE_1, PayeeRole::Node, 125_000),
				paid(1, NODE_2, PayeeRole::Node, 125_000),
				paid(1, VAL_1, PayeeRole::Validator, 16_666),
				paid(1, VAL_2, PayeeRole::Validator, 16_666),
				paid(1, VAL_3, PayeeRole::Validator, 16_666),
				paid(1, TREASURY, PayeeRole::Treasury, 50_002),
				Event::JobSettled { job_id: 1, workflow_id: WF, fee, shares: expected },
			]
		);
		System::assert_last_event(
			Event::JobSettled { job_id: 1, workflow_id: WF, fee, shares: expected }.into(),
		);
		assert_eq!(
			PayoutRouter::settlement(1),
			Some(SettlementRecord { block: 1, workflow_id: WF, fee, shares: expected })
		);
	});
}

#[test]
fn rounding_remainders_go_to_the_treasury() {
	// (fee, creator, up_a, up_b, each node, each validator, treasury); 2 nodes, 3 validators.
	let cases: [(Balance, Balance, Balance, Balance, Balance, Balance, Balance); 3] = [
		// 7: 3 / 1 / 1 / 0 / 2; upstream 1 splits 0 + 0 (+1), node 1 splits 0 + 0 (+1).
		(7, 3, 0, 0, 0, 0, 4),
		// 101: 45 / 20 / 25 / 5 / 6; nodes 12 + 12 (+1), validators 1 + 1 + 1 (+2).
		(101, 45, 12, 8, 12, 1, 9),
		// 10^12 + 3: 450_000_000_001 / 200_000_000_000 / 250_000_000_000 / 50_000_000_000 /
		// 50_000_000_002; validators 16_666_666_666 x 3 (+2).
		(
			HAI + 3,
			450_000_000_001,
			120_000_000_000,
			80_000_000_000,
			125_000_000_000,
			16_666_666_666,
			50_000_000_004,
		),
	];
	for (fee, creator, up_a, up_b, node, validator, treasury) in cases {
		ExtBuilder::default().build_and_execute(|| {
			escrow(PAYER, fee);
			let issuance = Balances::total_issuance();
			let s = settlement(1, WF, fee, vec![NODE_1, NODE_2], vec![VAL_1, VAL_2, VAL_3]);
			let shares = distribute(&s);
			let expected = FeeShares {
				creator,
				upstream: up_a + up_b,
				node: 2 * node,
				validators: 3 * validator,
				treasury,
			};
			assert_eq!(shares, expected, "fee {fee}");
			assert_eq!(shares.total(), fee);
			assert_eq!(free(CREATOR), FUNDED + creator);
			assert_eq!(free(UP_A), FUNDED + up_a);
			assert_eq!(free(UP_B), FUNDED + up_b);
			assert_eq!(free(NODE_1), FUNDED + node);
			assert_eq!(free(NODE_2), FUNDED + node);
			for v in [VAL_1, VAL_2, VAL_3] {
				assert_eq!(free(v), FUNDED + validator);
			}
			assert_eq!(free(TREASURY), FUNDED + treasury);
			assert_eq!(escrowed(), 0);
			assert_eq!(Balances::total_issuance(), issuance);

			// Zero amounts are skipped: only the non-zero payments have events.
			let mut events: Vec<Event<Test>> = [
				(CREATOR, PayeeRole::Creator, creator),
				(UP_A, PayeeRole::Upstream, up_a),
				(UP_B, PayeeRole::Upstream, up_b),
				(NODE_1, PayeeRole::Node, node),
				(NODE_2, PayeeRole::Node, node),
				(VAL_1, PayeeRole::Validator, validator),
				(VAL_2, PayeeRole::Validator, validator),
				(VAL_3, PayeeRole::Validator, validator),
				(TREASURY, PayeeRole::Treasury, treasury),
			]
			.into_iter()
			.filter(|(_, _, amount)| *amount > 0)
			.map(|(who, role, amount)| paid(1, who, role, amount))
			.collect();
			events.push(Event::JobSettled { job_id: 1, workflow_id: WF, fee, shares: expected });
			assert_eq!(payout_events(), events);
		});
	}
}

#[test]
fn without_dependencies_the_upstream_share_goes_to_the_creator() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		let shares = distribute(&settlement(1, WF_SOLO, 1_000_000, vec![NODE_1], vec![VAL_1]));
		let expected = FeeShares {
			creator: 650_000,
			upstream: 0,
			node: 250_000,
			validators: 50_000,
			treasury: 50_000,
		};
		assert_eq!(shares, expected);
		assert_eq!(free(CREATOR), FUNDED + 650_000);
		assert_eq!(free(NODE_1), FUNDED + 250_000);
		assert_eq!(free(VAL_1), FUNDED + 50_000);
		assert_eq!(free(TREASURY), FUNDED + 50_000);
		assert_eq!(
			payout_events(),
			vec![
				paid(1, CREATOR, PayeeRole::Creator, 650_000),
				paid(1, NODE_1, PayeeRole::Node, 250_000),
				paid(1, VAL_1, PayeeRole::Validator, 50_000),
				paid(1, TREASURY, PayeeRole::Treasury, 50_000),
				Event::JobSettled {
					job_id: 1,
					workflow_id: WF_SOLO,
					fee: 1_000_000,
					shares: expected
				},
			]
		);
		let stats = PayoutRouter::workflow_earnings(WF_SOLO).unwrap();
		assert_eq!((stats.creator_earned, stats.upstream_paid), (650_000, 0));
	});
}

#[test]
fn without_validators_their_share_goes_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		let shares = distribute(&settlement(1, WF, 1_000_000, vec![NODE_1], vec![]));
		assert_eq!(
			shares,
			FeeShares {
				creator: 450_000,
				upstream: 200_000,
				node: 250_000,
				validators: 0,
				treasury: 100_000
			}
		);
		assert_eq!(free(CREATOR), FUNDED + 450_000);
		assert_eq!(free(UP_A), FUNDED + 120_000);
		assert_eq!(free(UP_B), FUNDED + 80_000);
		assert_eq!(free(NODE_1), FUNDED + 250_000);
		assert_eq!(free(TREASURY), FUNDED + 100_000);
		assert_eq!(escrowed(), 0);
	});
}

#[test]
fn without_nodes_their_share_goes_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		let shares = distribute(&settlement(1, WF_SOLO, 1_000_000, vec![], vec![VAL_1]));
		assert_eq!(
			shares,
			FeeShares {
				creator: 650_000,
				upstream: 0,
				node: 0,
				validators: 50_000,
				treasury: 300_000
			}
		);
		assert_eq!(free(TREASURY), FUNDED + 300_000);
		assert_eq!(free(VAL_1), FUNDED + 50_000);
	});
}

#[test]
fn a_payee_left_below_the_existential_deposit_is_paid_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 101);
		// FRESH does not exist; its 5 planck would leave it below the ED of 10.
		let shares = distribute(&settlement(1, WF, 101, vec![NODE_1], vec![FRESH]));
		let expected =
			FeeShares { creator: 45, upstream: 20, node: 25, validators: 0, treasury: 11 };
		assert_eq!(shares, expected);
		assert_eq!(free(FRESH), 0);
		assert!(!frame_system::Account::<Test>::contains_key(FRESH));
		assert_eq!(PayoutRouter::earned(&FRESH), 0);
		assert_eq!(free(TREASURY), FUNDED + 11);
		assert_eq!(
			payout_events(),
			vec![
				paid(1, CREATOR, PayeeRole::Creator, 45),
				paid(1, UP_A, PayeeRole::Upstream, 12),
				paid(1, UP_B, PayeeRole::Upstream, 8),
				paid(1, NODE_1, PayeeRole::Node, 25),
				Event::PaymentRedirected {
					job_id: 1,
					payee: FRESH,
					role: PayeeRole::Validator,
					amount: 5
				},
				paid(1, TREASURY, PayeeRole::Treasury, 11),
				Event::JobSettled { job_id: 1, workflow_id: WF, fee: 101, shares: expected },
			]
		);
	});
}

#[test]
fn a_new_payee_receiving_at_least_the_existential_deposit_is_created() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		distribute(&settlement(1, WF_SOLO, 1_000_000, vec![FRESH], vec![VAL_1]));
		assert_eq!(free(FRESH), 250_000);
		assert_eq!(PayoutRouter::earned(&FRESH), 250_000);
	});
}

#[test]
fn an_account_in_several_roles_is_paid_once_per_role() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		distribute(&settlement(1, WF_SOLO, 1_000_000, vec![CREATOR], vec![VAL_1]));
		assert_eq!(free(CREATOR), FUNDED + 900_000);
		assert_eq!(PayoutRouter::earned(&CREATOR), 900_000);
		let events = payout_events();
		assert_eq!(events[0], paid(1, CREATOR, PayeeRole::Creator, 650_000));
		assert_eq!(events[1], paid(1, CREATOR, PayeeRole::Node, 250_000));
	});
}

#[test]
fn the_payer_can_be_a_payee() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_000);
		let payer_free = free(PAYER);
		distribute(&settlement(1, WF_SOLO, 1_000_000, vec![NODE_1], vec![PAYER]));
		assert_eq!(free(PAYER), payer_free + 50_000);
		assert_eq!(escrowed(), 0);
	});
}

#[test]
fn only_the_fee_leaves_the_escrow() {
	ExtBuilder::default().build_and_execute(|| {
		escrow(PAYER, 1_000_500);
		distribute(&settlement(1, WF_SOLO, 1_000_000, vec![NODE_1], vec![VAL_1]));
		assert_eq!(escrowed(), 500);
	});
}

#[test]
fn a_zero_fee_settles_without_payments() {
	ExtBuilder::default().build_and_execute(|| {
		let shares = distribute(&settlement(1, WF, 0, vec![NODE_1], vec![VAL_1]));
		assert_eq!(shares, FeeShares::default());
		assert_eq!(
			payout_events(),
			vec![Event::JobSettled {
				job_id: 1,
				workflow_id: WF,
				fee: 0,
				shares: FeeShares::default()
			}]
		);
		assert!(<Pallet<Test> as DistributeFee<_, _, _>>::is_settled(1));
		assert_eq!(PayoutRouter::workflow_earnings(WF).unwrap().runs, 1);
	});
}

#[test]
fn zero_dependency_weights_send_the_upstream_share_to_the_treasury() {
	ExtBuilder::default().build_and_execute(|| {
		set_workflow(
			7,
			CREATOR,
			havn_primitives::RoyaltySplit::DEFAULT,
			vec![(DEP_A, UP_A, sp_runtime::Permill::zero())],
		);
		escrow(PAYER, 1_000_000);
		let shares = distribute(&settlement(1, 7, 1_000_000, vec![NODE_1], vec![VAL_1]));
		assert_eq!(
			shares,
			FeeShares {
				creator: 450_000,
				upstream: 0,
				node: 250_000,
				validators: 50_000,
				treasury: 250_000
			}
		);
		assert_eq!(free(UP_A), FUNDED);
	});
}

#[test]
fn distribute_works_at_any_block() {
	ExtBuilder::default().build_and_execute(|| {
		run_to_block(5);
		escrow(PAYER, 1_000);
		assert_ok!(<Pallet<Test> as DistributeFee<_, _, _>>::distribute(
			&settlement(3, WF, 1_000, vec![NODE_1], vec![VAL_1]),
			&ESCROW
		));
		assert_eq!(PayoutRouter::settlement(3).unwrap().block, 5);
	});
}
