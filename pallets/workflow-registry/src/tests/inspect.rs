//! `WorkflowInspect`, `lineage`, `workflow` and the try-state checks.

use super::*;
use crate::{Error, ManifestIndex, NextWorkflowId, Workflows};
use frame_support::assert_ok;
use havn_primitives::{
	traits::{UpstreamPayee, WorkflowInspect, WorkflowPayees, WorkflowTerms},
	RoyaltySplit,
};

#[test]
fn invocable_gives_the_current_terms() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_eq!(
			WorkflowRegistry::invocable(0),
			Ok(WorkflowTerms {
				manifest_hash: hash(1),
				compute_class: ComputeClass::M,
				base_fee: 1_000
			})
		);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		assert_eq!(WorkflowRegistry::invocable(0).unwrap().manifest_hash, hash(2));
	});
}

#[test]
fn invocable_refuses_unknown_flagged_and_deprecated() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(WorkflowRegistry::invocable(0), Err(Error::<Test>::UnknownWorkflow.into()));
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		assert_eq!(WorkflowRegistry::invocable(0), Err(Error::<Test>::WorkflowFlagged.into()));
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0));
		// The flag is reported first.
		assert_eq!(WorkflowRegistry::invocable(0), Err(Error::<Test>::WorkflowFlagged.into()));
		assert_ok!(WorkflowRegistry::unflag(RuntimeOrigin::root(), 0));
		assert_eq!(WorkflowRegistry::invocable(0), Err(Error::<Test>::WorkflowDeprecated.into()));
	});
}

#[test]
fn payees_follow_current_owners_and_ignore_flags() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(WorkflowRegistry::payees(0), None);
		publish_plain(ALICE, 1);
		publish_plain(BOB, 2);
		publish_with(CHARLIE, 3, deps(&[(0, 70), (1, 30)]), None);
		let expected = |upstream_a: AccountId| WorkflowPayees {
			creator: CHARLIE,
			royalty: RoyaltySplit::DEFAULT,
			upstream: vec![
				UpstreamPayee {
					workflow_id: 0,
					creator: upstream_a,
					weight: Permill::from_percent(70),
				},
				UpstreamPayee { workflow_id: 1, creator: BOB, weight: Permill::from_percent(30) },
			],
		};
		assert_eq!(WorkflowRegistry::payees(2), Some(expected(ALICE)));
		// A dependency changes hands: its new owner is paid.
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, DAVE));
		assert_ok!(WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(DAVE), 0));
		assert_eq!(WorkflowRegistry::payees(2), Some(expected(DAVE)));
		// Flags and deprecation do not stop payment of runs under way.
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 2, Default::default()));
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(BOB), 1));
		assert_eq!(WorkflowRegistry::payees(2), Some(expected(DAVE)));
		// No dependencies: no upstream payees.
		assert_eq!(WorkflowRegistry::payees(1).unwrap().upstream, vec![]);
	});
}

#[test]
fn lineage_lists_ancestors_nearest_first() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(WorkflowRegistry::lineage(0), None);
		publish_plain(ALICE, 1);
		publish_with(BOB, 2, child_of(0), Some(0));
		publish_with(CHARLIE, 3, deps(&[(0, 40), (1, 60)]), Some(1));
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 2, Default::default()));
		assert_eq!(
			WorkflowRegistry::lineage(2),
			Some(havn_primitives::api::Lineage {
				id: 2,
				manifest_hash: hash(3),
				ancestors: vec![1, 0],
				dependencies: vec![(0, Permill::from_percent(40)), (1, Permill::from_percent(60))],
				flagged: true,
			})
		);
		let root = WorkflowRegistry::lineage(0).unwrap();
		assert_eq!(root.ancestors, Vec::<WorkflowId>::new());
		assert!(!root.flagged);
		assert_eq!(WorkflowRegistry::workflow(1).unwrap().owner, BOB);
		assert_eq!(WorkflowRegistry::workflow(3), None);
		assert_eq!(WorkflowRegistry::version(0, 1).unwrap().manifest_hash, hash(1));
		assert_eq!(WorkflowRegistry::version(0, 2), None);
	});
}

#[test]
fn lineage_of_the_deepest_chain_is_complete() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_with(ALICE, 2, child_of(0), Some(0));
		publish_with(ALICE, 3, child_of(1), Some(1));
		publish_with(ALICE, 4, child_of(2), Some(2));
		assert_eq!(WorkflowRegistry::lineage(3).unwrap().ancestors, vec![2, 1, 0]);
	});
}

#[test]
fn try_state_detects_broken_invariants() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(BOB, 2);
		assert_ok!(WorkflowRegistry::do_try_state());

		// A deposit that is not held.
		Workflows::<Test>::mutate(0, |w| w.as_mut().unwrap().deposit += 1);
		assert!(WorkflowRegistry::do_try_state().is_err());
		Workflows::<Test>::mutate(0, |w| w.as_mut().unwrap().deposit -= 1);

		// An id at or above NextWorkflowId.
		NextWorkflowId::<Test>::put(1);
		assert!(WorkflowRegistry::do_try_state().is_err());
		NextWorkflowId::<Test>::put(2);

		// An invalid royalty.
		Workflows::<Test>::mutate(0, |w| w.as_mut().unwrap().royalty.treasury = Permill::zero());
		assert!(WorkflowRegistry::do_try_state().is_err());
		Workflows::<Test>::mutate(0, |w| w.as_mut().unwrap().royalty = RoyaltySplit::DEFAULT);

		// Bad dependency weights.
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().dependencies = deps(&[(0, 50)]));
		assert!(WorkflowRegistry::do_try_state().is_err());
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().dependencies = deps(&[]));

		// A dangling manifest index entry.
		ManifestIndex::<Test>::insert(hash(7), 5);
		assert!(WorkflowRegistry::do_try_state().is_err());
		ManifestIndex::<Test>::remove(hash(7));

		// A wrong depth.
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().depth = 1);
		assert!(WorkflowRegistry::do_try_state().is_err());
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().depth = 0);

		// A version count that disagrees with the history.
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().version = 2);
		assert!(WorkflowRegistry::do_try_state().is_err());
		Workflows::<Test>::mutate(1, |w| w.as_mut().unwrap().version = 1);

		assert_ok!(WorkflowRegistry::do_try_state());
	});
}
