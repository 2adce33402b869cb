//! `publish_version`: history, the republish rule, bounds and the deposit.

use super::*;
use crate::{Error, ManifestIndex, VersionRecord, Versions};
use frame_support::{assert_noop, assert_ok};

#[test]
fn publish_version_bumps_the_version_and_keeps_history() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		run_to_block(5);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri_of_len(20)
		));
		let w = wf(0);
		assert_eq!(w.version, 2);
		assert_eq!(w.manifest_hash, hash(2));
		assert_eq!(w.manifest_uri, uri_of_len(20));
		assert_eq!(w.uri_bytes, 30);
		assert_eq!(w.created_at, 1);
		assert_eq!(
			Versions::<Test>::get(0, 1),
			Some(VersionRecord { manifest_hash: hash(1), manifest_uri: uri(), published_at: 1 })
		);
		assert_eq!(
			Versions::<Test>::get(0, 2),
			Some(VersionRecord {
				manifest_hash: hash(2),
				manifest_uri: uri_of_len(20),
				published_at: 5
			})
		);
		assert_eq!(ManifestIndex::<Test>::get(hash(1)), Some(0));
		assert_eq!(ManifestIndex::<Test>::get(hash(2)), Some(0));
		System::assert_last_event(
			Event::WorkflowVersionPublished { id: 0, version: 2, manifest_hash: hash(2) }.into(),
		);
	});
}

#[test]
fn the_deposit_grows_with_every_stored_uri() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_eq!(held(ALICE), DEPOSIT_10);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri_of_len(20)
		));
		let deposit = DEPOSIT_BASE + DEPOSIT_PER_BYTE * 30;
		assert_eq!(wf(0).deposit, deposit);
		assert_eq!(held(ALICE), deposit);
		assert_eq!(Balances::free_balance(ALICE), RICH - deposit);
		assert_eq!(
			System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
			vec![
				Event::ManifestCommitted { who: ALICE, commitment: commitment_of(ALICE, 1) }.into(),
				RuntimeEvent::Balances(pallet_balances::Event::Held {
					reason: RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
					who: ALICE,
					amount: DEPOSIT_10,
				}),
				Event::WorkflowPublished {
					id: 0,
					owner: ALICE,
					manifest_hash: hash(1),
					parent: None
				}
				.into(),
				Event::ManifestCommitted { who: ALICE, commitment: commitment_of(ALICE, 2) }.into(),
				RuntimeEvent::Balances(pallet_balances::Event::Held {
					reason: RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
					who: ALICE,
					amount: DEPOSIT_PER_BYTE * 20,
				}),
				Event::WorkflowVersionPublished { id: 0, version: 2, manifest_hash: hash(2) }
					.into(),
			]
		);
	});
}

#[test]
fn a_lower_deposit_is_released() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		// Pretend the deposit was taken under higher parameters.
		let high = DEPOSIT_10 + 50;
		assert_ok!(<Balances as frame_support::traits::fungible::MutateHold<_>>::hold(
			&RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
			&ALICE,
			50
		));
		crate::Workflows::<Test>::mutate(0, |w| w.as_mut().unwrap().deposit = high);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		let deposit = DEPOSIT_BASE + DEPOSIT_PER_BYTE * 20;
		assert!(deposit < high);
		assert_eq!(wf(0).deposit, deposit);
		assert_eq!(held(ALICE), deposit);
		System::assert_has_event(
			pallet_balances::Event::Released {
				reason: RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
				who: ALICE,
				amount: high - deposit,
			}
			.into(),
		);
	});
}

#[test]
fn publish_version_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(2), uri()),
			Error::<Test>::UnknownWorkflow
		);
		publish_plain(ALICE, 1);
		publish_plain(BOB, 9);
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(BOB), 0, hash(2), uri()),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			WorkflowRegistry::publish_version(
				RuntimeOrigin::signed(ALICE),
				0,
				hash(2),
				uri_of_len(0)
			),
			Error::<Test>::ManifestUriEmpty
		);
		// Registered anywhere, its own current version included.
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(1), uri()),
			Error::<Test>::ManifestAlreadyRegistered
		);
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(9), uri()),
			Error::<Test>::ManifestAlreadyRegistered
		);
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::none(), 0, hash(2), uri()),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn version_history_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		// MaxVersions is 3.
		publish_plain(ALICE, 1);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		commit(ALICE, 3);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(3),
			uri()
		));
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(4), uri()),
			Error::<Test>::TooManyVersions
		);
		assert_eq!(wf(0).version, 3);
	});
}

#[test]
fn deprecated_workflows_get_no_new_versions() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 0));
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(2), uri()),
			Error::<Test>::WorkflowDeprecated
		);
	});
}

#[test]
fn flagged_workflows_may_publish_a_fix() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		assert!(wf(0).is_flagged());
	});
}

#[test]
fn unaffordable_extra_deposit_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		// Dave has 200; the first version holds 120, a second 10-byte URI needs 20 more, a
		// 40-byte one 80 more, which would take him to 0.
		publish_plain(DAVE, 1);
		commit(DAVE, 2);
		assert_noop!(
			WorkflowRegistry::publish_version(
				RuntimeOrigin::signed(DAVE),
				0,
				hash(2),
				uri_of_len(40)
			),
			Error::<Test>::InsufficientDeposit
		);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(DAVE),
			0,
			hash(2),
			uri()
		));
		assert_eq!(held(DAVE), DEPOSIT_10 + DEPOSIT_PER_BYTE * 10);
	});
}
