//! Property tests of the money path: every planck conserved, and never a double payout.

use super::*;
use crate::{Error, Pallet};
use havn_primitives::{traits::DistributeFee, RoyaltySplit, WorkflowId};
use proptest::prelude::*;
use sp_runtime::{DispatchError, Permill};

/// Funded accounts (2..=9, besides the payer) and accounts that do not exist (20..=29).
const POOL: [AccountId; 19] =
	[PAYER, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
/// A workflow registered per case.
const WORKFLOW: WorkflowId = 500;

fn arb_split() -> impl Strategy<Value = RoyaltySplit> {
	(0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000).prop_map(
		|(a, b, c, d)| {
			let mut cuts = [a, b, c, d];
			cuts.sort_unstable();
			RoyaltySplit {
				creator: Permill::from_parts(cuts[0]),
				upstream: Permill::from_parts(cuts[1] - cuts[0]),
				node: Permill::from_parts(cuts[2] - cuts[1]),
				validators: Permill::from_parts(cuts[3] - cuts[2]),
				treasury: Permill::from_parts(1_000_000 - cuts[3]),
			}
		},
	)
}

fn arb_account() -> impl Strategy<Value = AccountId> {
	proptest::sample::select(POOL.to_vec())
}

fn arb_fee() -> impl Strategy<Value = Balance> {
	prop_oneof![0u128..=200, 0u128..=1_000_000, 0u128..=4 * havn_primitives::HAI]
}

/// Free balances of every account that can be paid.
fn snapshot() -> Vec<Balance> {
	POOL.iter().chain([TREASURY].iter()).map(|a| free(*a)).collect()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(256))]

	#[test]
	fn every_planck_is_conserved_and_paid_once(
		fee in arb_fee(),
		split in arb_split(),
		creator in arb_account(),
		deps in proptest::collection::vec((arb_account(), 0u32..=1_000_000), 0..=4),
		nodes in proptest::collection::vec(arb_account(), 0..=5),
		validators in proptest::collection::vec(arb_account(), 0..=16),
	) {
		ExtBuilder::default().build_and_execute(|| {
			let deps: Vec<_> = deps
				.iter()
				.enumerate()
				.map(|(i, (who, w))| (600 + i as WorkflowId, *who, Permill::from_parts(*w)))
				.collect();
			set_workflow(WORKFLOW, creator, split, deps);
			if fee > 0 {
				escrow(PAYER, fee);
			}
			let issuance = Balances::total_issuance();
			let before = snapshot();
			let held = escrowed();

			let s = Settlement {
				job_id: 9,
				workflow_id: WORKFLOW,
				payer: PAYER,
				fee,
				nodes: nodes.clone(),
				validators: validators.clone(),
			};
			let shares = <Pallet<Test> as DistributeFee<_, _, _>>::distribute(&s, &ESCROW).unwrap();

			assert_eq!(shares.total(), fee);
			let gained: Balance =
				snapshot().iter().zip(before.iter()).map(|(after, before)| after - before).sum();
			assert_eq!(gained, fee, "payees' balances must rise by exactly the fee");
			assert_eq!(held - escrowed(), fee, "the escrow must fall by exactly the fee");
			assert_eq!(Balances::total_issuance(), issuance);
			assert_eq!(crate::TotalPaid::<Test>::get(), fee);

			// A second distribution, even fully escrowed again, moves nothing.
			if fee > 0 {
				escrow(PAYER, fee);
			}
			let before = snapshot();
			let held = escrowed();
			assert_eq!(
				<Pallet<Test> as DistributeFee<_, _, _>>::distribute(&s, &ESCROW),
				Err(DispatchError::from(Error::<Test>::AlreadySettled))
			);
			assert_eq!(snapshot(), before);
			assert_eq!(escrowed(), held);
		});
	}

	#[test]
	fn random_call_sequences_never_pay_a_job_twice(
		calls in proptest::collection::vec((0u64..6, 0u128..=10_000_000), 1..20),
	) {
		ExtBuilder::default().build_and_execute(|| {
			let mut settled = std::collections::BTreeMap::new();
			for (job, fee) in calls {
				if fee > 0 {
					escrow(PAYER, fee);
				}
				let s = settlement(job, WF, fee, vec![NODE_1, NODE_2], vec![VAL_1, VAL_2, VAL_3]);
				let result = <Pallet<Test> as DistributeFee<_, _, _>>::distribute(&s, &ESCROW);
				if let std::collections::btree_map::Entry::Vacant(e) = settled.entry(job) {
					assert_eq!(result.map(|shares| shares.total()), Ok(fee));
					e.insert(fee);
				} else {
					assert_eq!(result, Err(DispatchError::from(Error::<Test>::AlreadySettled)));
				}
			}
			let total: Balance = settled.values().sum();
			assert_eq!(crate::TotalPaid::<Test>::get(), total);
			assert_eq!(
				PayoutRouter::workflow_earnings(WF).unwrap().runs,
				settled.len() as u64
			);
		});
	}
}

use havn_primitives::traits::Settlement;
