//! The governance floors on a workflow's terms (finding 2 of `docs/security.md`): a least base
//! fee and least node, validator and treasury parts of the royalty split, at `publish` and at
//! every run.

use super::*;
use crate::Error;
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{traits::WorkflowInspect, MinShares as Floors, RoyaltySplit};

/// `who` publishes `hash(n)` (committed to beforehand) with `base_fee` and `royalty`.
fn publish_terms(
	who: AccountId,
	n: u8,
	base_fee: Balance,
	royalty: RoyaltySplit,
) -> frame_support::dispatch::DispatchResult {
	WorkflowRegistry::publish(
		RuntimeOrigin::signed(who),
		WorkflowKind::Workflow,
		hash(n),
		uri(),
		ComputeClass::S,
		base_fee,
		Some(royalty),
		deps(&[]),
		None,
	)
}

/// The default split with `part` set to 0 and its share given to the creator.
fn without(part: fn(&mut RoyaltySplit) -> &mut Permill) -> RoyaltySplit {
	let mut split = RoyaltySplit::DEFAULT;
	let taken = core::mem::take(part(&mut split));
	split.creator = split.creator + taken;
	split
}

/// The runtime's floors: 1,000 planck here, and 10 / 2 / 1 %.
fn set_runtime_floors() {
	MinBaseFee::set(&1_000);
	MinShares::set(&Floors::DEFAULT);
}

#[test]
fn zero_fee_terms_are_refused_at_publish() {
	ExtBuilder::default().build_and_execute(|| {
		set_runtime_floors();
		let cases: [(Balance, RoyaltySplit, Error<Test>); 4] = [
			(999, RoyaltySplit::DEFAULT, Error::BaseFeeBelowMinimum),
			(1_000, without(|s| &mut s.node), Error::NodeShareBelowMinimum),
			(1_000, without(|s| &mut s.validators), Error::ValidatorShareBelowMinimum),
			(1_000, without(|s| &mut s.treasury), Error::TreasuryShareBelowMinimum),
		];
		// One commitment serves every try: a refused publish leaves it pending.
		commit(ALICE, 1);
		for (fee, split, error) in cases {
			assert!(split.is_valid());
			assert_noop!(publish_terms(ALICE, 1, fee, split), error);
		}
		// Terms at the floors are taken.
		let at_floor = RoyaltySplit {
			creator: Permill::from_percent(87),
			upstream: Permill::zero(),
			node: Permill::from_percent(10),
			validators: Permill::from_percent(2),
			treasury: Permill::from_percent(1),
		};
		assert_ok!(publish_terms(ALICE, 1, 1_000, at_floor));
	});
}

#[test]
fn a_raised_floor_stops_runs_of_workflows_below_it() {
	ExtBuilder::default().build_and_execute(|| {
		// Published while there was no floor: a zero fee, nothing for validators or treasury.
		let zero = RoyaltySplit {
			creator: Permill::from_percent(50),
			upstream: Permill::zero(),
			node: Permill::from_percent(50),
			validators: Permill::zero(),
			treasury: Permill::zero(),
		};
		commit(ALICE, 1);
		assert_ok!(publish_terms(ALICE, 1, 0, zero));
		commit(ALICE, 2);
		assert_ok!(publish_terms(ALICE, 2, 1_000, RoyaltySplit::DEFAULT));
		assert!(WorkflowRegistry::invocable(0).is_ok());

		set_runtime_floors();
		assert_eq!(
			WorkflowRegistry::invocable(0).unwrap_err(),
			Error::<Test>::BaseFeeBelowMinimum.into()
		);
		MinBaseFee::set(&0);
		assert_eq!(
			WorkflowRegistry::invocable(0).unwrap_err(),
			Error::<Test>::ValidatorShareBelowMinimum.into()
		);
		// A workflow that meets the floors still runs.
		assert!(WorkflowRegistry::invocable(1).is_ok());
	});
}
