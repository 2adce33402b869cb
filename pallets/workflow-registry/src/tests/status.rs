//! `deprecate`, `flag` and `unflag`.

use super::*;
use crate::{Error, FlagReasonOf, WorkflowStatus};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn reason(text: &str) -> FlagReasonOf<Test> {
	text.as_bytes().to_vec().try_into().unwrap()
}

#[test]
fn deprecate_is_final_and_keeps_the_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0));
		assert_eq!(wf(0).status, WorkflowStatus::Deprecated);
		assert!(wf(0).is_deprecated());
		assert_eq!(held(ALICE), DEPOSIT_10);
		System::assert_last_event(Event::WorkflowDeprecated { id: 0 }.into());
		assert_noop!(
			WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::WorkflowDeprecated
		);
	});
}

#[test]
fn deprecate_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::UnknownWorkflow
		);
		publish_plain(ALICE, 1);
		assert_noop!(
			WorkflowRegistry::deprecate(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			WorkflowRegistry::deprecate(RuntimeOrigin::root(), 0),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn flag_and_unflag() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, reason("malware")));
		assert_eq!(wf(0).flag, Some(reason("malware")));
		assert!(wf(0).is_flagged());
		assert_ok!(WorkflowRegistry::unflag(RuntimeOrigin::root(), 0));
		assert_eq!(wf(0).flag, None);
		assert_eq!(
			registry_events(),
			vec![
				Event::ManifestCommitted { who: ALICE, commitment: commitment_of(ALICE, 1) },
				Event::WorkflowPublished {
					id: 0,
					owner: ALICE,
					manifest_hash: hash(1),
					parent: None
				},
				Event::WorkflowFlagged { id: 0, reason: reason("malware") },
				Event::WorkflowUnflagged { id: 0 },
			]
		);
		// Flags do not touch the deposit.
		assert_eq!(held(ALICE), DEPOSIT_10);
	});
}

#[test]
fn flag_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::flag(RuntimeOrigin::root(), 0, reason("x")),
			Error::<Test>::UnknownWorkflow
		);
		publish_plain(ALICE, 1);
		assert_noop!(
			WorkflowRegistry::flag(RuntimeOrigin::signed(ALICE), 0, reason("x")),
			DispatchError::BadOrigin
		);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, reason("x")));
		assert_noop!(
			WorkflowRegistry::flag(RuntimeOrigin::root(), 0, reason("y")),
			Error::<Test>::WorkflowFlagged
		);
	});
}

#[test]
fn unflag_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::unflag(RuntimeOrigin::root(), 0),
			Error::<Test>::UnknownWorkflow
		);
		publish_plain(ALICE, 1);
		assert_noop!(
			WorkflowRegistry::unflag(RuntimeOrigin::root(), 0),
			Error::<Test>::WorkflowNotFlagged
		);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, reason("x")));
		assert_noop!(
			WorkflowRegistry::unflag(RuntimeOrigin::signed(ALICE), 0),
			DispatchError::BadOrigin
		);
	});
}
