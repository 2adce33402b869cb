//! `transfer_ownership`: the workflow and its deposit change hands.

use super::*;
use crate::Error;
use frame_support::{assert_noop, assert_ok};
use havn_primitives::traits::WorkflowInspect;

#[test]
fn transfer_moves_the_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		System::reset_events();
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB));
		assert_eq!(wf(0).owner, BOB);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), RICH);
		assert_eq!(held(BOB), DEPOSIT_10);
		assert_eq!(Balances::free_balance(BOB), RICH - DEPOSIT_10);
		assert_eq!(WorkflowRegistry::payees(0).unwrap().creator, BOB);
		let reason = RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit);
		assert_eq!(
			System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
			vec![
				RuntimeEvent::Balances(pallet_balances::Event::Released {
					reason,
					who: ALICE,
					amount: DEPOSIT_10,
				}),
				RuntimeEvent::Balances(pallet_balances::Event::Held {
					reason,
					who: BOB,
					amount: DEPOSIT_10,
				}),
				Event::OwnershipTransferred { id: 0, from: ALICE, to: BOB }.into(),
			]
		);
		// Only the new owner can act now.
		assert_noop!(
			WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::NotOwner
		);
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(BOB), 0, ALICE));
		assert_eq!(held(BOB), 0);
		assert_eq!(held(ALICE), DEPOSIT_10);
	});
}

#[test]
fn transfer_keeps_the_new_owners_other_deposits() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(BOB, 2);
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB));
		assert_eq!(held(BOB), 2 * DEPOSIT_10);
		assert_eq!(held(ALICE), 0);
	});
}

#[test]
fn transfer_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB),
			Error::<Test>::UnknownWorkflow
		);
		publish_plain(ALICE, 1);
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(BOB), 0, CHARLIE),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, ALICE),
			Error::<Test>::NewOwnerIsCurrentOwner
		);
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, EVE),
			Error::<Test>::NewOwnerCannotAffordDeposit
		);
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::none(), 0, BOB),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn new_owner_must_afford_the_whole_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		// 100 + 2 * 50 = 200 is all Dave has: he cannot hold it and stay alive.
		assert_ok!(WorkflowRegistry::publish(
			RuntimeOrigin::signed(ALICE),
			WorkflowKind::Prompt,
			hash(1),
			uri_of_len(50),
			ComputeClass::S,
			0,
			None,
			deps(&[]),
			None,
		));
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, DAVE),
			Error::<Test>::NewOwnerCannotAffordDeposit
		);
		assert_eq!(held(ALICE), 200);
		assert_eq!(held(DAVE), 0);
	});
}

#[test]
fn deprecated_and_flagged_workflows_can_be_transferred() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0));
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, CHARLIE));
		assert_eq!(wf(0).owner, CHARLIE);
		assert_eq!(held(CHARLIE), DEPOSIT_10);
	});
}
