//! The two-step transfer: `transfer_ownership` offers, `accept_ownership` takes the workflow and
//! its deposit, `cancel_ownership_offer` withdraws.

use super::*;
use crate::{Error, OwnershipOffers};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::traits::WorkflowInspect;

/// `from` offers workflow `id` to `to`, who accepts.
fn transfer(from: AccountId, id: WorkflowId, to: AccountId) {
	assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(from), id, to));
	assert_ok!(WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(to), id));
}

#[test]
fn accepting_an_offer_moves_the_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		System::reset_events();
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB));
		// An offer moves nothing.
		assert_eq!(wf(0).owner, ALICE);
		assert_eq!(held(ALICE), DEPOSIT_10);
		assert_eq!(held(BOB), 0);
		assert_eq!(OwnershipOffers::<Test>::get(0), Some(BOB));
		assert_ok!(WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(BOB), 0));
		assert_eq!(wf(0).owner, BOB);
		assert_eq!(OwnershipOffers::<Test>::get(0), None);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), RICH);
		assert_eq!(held(BOB), DEPOSIT_10);
		assert_eq!(Balances::free_balance(BOB), RICH - DEPOSIT_10);
		assert_eq!(WorkflowRegistry::payees(0).unwrap().creator, BOB);
		let reason = RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit);
		assert_eq!(
			System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
			vec![
				Event::OwnershipOffered { id: 0, from: ALICE, to: BOB }.into(),
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
		transfer(BOB, 0, ALICE);
		assert_eq!(held(BOB), 0);
		assert_eq!(held(ALICE), DEPOSIT_10);
	});
}

/// The hardening issue's finding 6: `transfer_ownership` to an unwilling account moved the
/// deposit hold onto it at once (the victim can be a pallet account that can never move it
/// back). Now the victim has to accept; until then nothing of theirs changes.
#[test]
fn an_offer_moves_nothing_onto_an_unwilling_account() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, CHARLIE));
		assert_eq!(wf(0).owner, ALICE);
		assert_eq!(held(CHARLIE), 0);
		assert_eq!(Balances::free_balance(CHARLIE), RICH);
		// Nobody else can take the offer.
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::NoOwnershipOffer
		);
	});
}

#[test]
fn transfer_keeps_the_new_owners_other_deposits() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(BOB, 2);
		transfer(ALICE, 0, BOB);
		assert_eq!(held(BOB), 2 * DEPOSIT_10);
		assert_eq!(held(ALICE), 0);
	});
}

#[test]
fn a_new_offer_replaces_the_old_one_and_the_owner_can_withdraw_it() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB));
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, CHARLIE));
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(BOB), 0),
			Error::<Test>::NoOwnershipOffer
		);
		assert_noop!(
			WorkflowRegistry::cancel_ownership_offer(RuntimeOrigin::signed(CHARLIE), 0),
			Error::<Test>::NotOwner
		);
		assert_ok!(WorkflowRegistry::cancel_ownership_offer(RuntimeOrigin::signed(ALICE), 0));
		System::assert_last_event(Event::OwnershipOfferCancelled { id: 0, to: CHARLIE }.into());
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(CHARLIE), 0),
			Error::<Test>::NoOwnershipOffer
		);
		assert_noop!(
			WorkflowRegistry::cancel_ownership_offer(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::NoOwnershipOffer
		);
	});
}

#[test]
fn transfer_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, BOB),
			Error::<Test>::UnknownWorkflow
		);
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(BOB), 0),
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
		// Eve has nothing: the offer stands, but she cannot take it on.
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, EVE));
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(EVE), 0),
			Error::<Test>::NewOwnerCannotAffordDeposit
		);
		assert_noop!(
			WorkflowRegistry::transfer_ownership(RuntimeOrigin::none(), 0, BOB),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::none(), 0),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn new_owner_must_afford_the_whole_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		// 100 + 2 * 50 = 200 is all Dave has: he cannot hold it and stay alive.
		commit(ALICE, 1);
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
		assert_ok!(WorkflowRegistry::transfer_ownership(RuntimeOrigin::signed(ALICE), 0, DAVE));
		assert_noop!(
			WorkflowRegistry::accept_ownership(RuntimeOrigin::signed(DAVE), 0),
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
		transfer(ALICE, 0, CHARLIE);
		assert_eq!(wf(0).owner, CHARLIE);
		assert_eq!(held(CHARLIE), DEPOSIT_10);
	});
}
