//! `publish`: validation, deposit, the republish rule, dependencies and parents.

use super::*;
use crate::{
	Error, ManifestIndex, NextWorkflowId, VersionRecord, Versions, Workflow, WorkflowStatus,
};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::RoyaltySplit;
use sp_runtime::{ArithmeticError, DispatchError};

fn publish_call(
	who: AccountId,
	n: u8,
	uri: ManifestUriOf<Test>,
	royalty: Option<RoyaltySplit>,
	dependencies: DependenciesOf<Test>,
	parent: Option<WorkflowId>,
) -> frame_support::dispatch::DispatchResult {
	WorkflowRegistry::publish(
		RuntimeOrigin::signed(who),
		WorkflowKind::Model,
		hash(n),
		uri,
		ComputeClass::L,
		5_000,
		royalty,
		dependencies,
		parent,
	)
}

#[test]
fn publish_stores_everything_and_holds_the_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		System::set_block_number(7);
		let royalty = RoyaltySplit {
			creator: Permill::from_percent(50),
			upstream: Permill::from_percent(10),
			node: Permill::from_percent(30),
			validators: Permill::from_percent(5),
			treasury: Permill::from_percent(5),
		};
		commit(ALICE, 1);
		assert_ok!(publish_call(ALICE, 1, uri_of_len(20), Some(royalty), deps(&[]), None));

		let deposit = DEPOSIT_BASE + DEPOSIT_PER_BYTE * 20;
		assert_eq!(
			wf(0),
			Workflow {
				owner: ALICE,
				kind: WorkflowKind::Model,
				manifest_hash: hash(1),
				manifest_uri: uri_of_len(20),
				compute_class: ComputeClass::L,
				base_fee: 5_000,
				royalty,
				dependencies: deps(&[]),
				parent: None,
				depth: 0,
				version: 1,
				status: WorkflowStatus::Active,
				flag: None,
				uri_bytes: 20,
				deposit,
				created_at: 7,
			}
		);
		assert_eq!(
			Versions::<Test>::get(0, 1),
			Some(VersionRecord {
				manifest_hash: hash(1),
				manifest_uri: uri_of_len(20),
				published_at: 7
			})
		);
		assert_eq!(ManifestIndex::<Test>::get(hash(1)), Some(0));
		assert_eq!(NextWorkflowId::<Test>::get(), 1);
		assert_eq!(held(ALICE), deposit);
		assert_eq!(Balances::free_balance(ALICE), RICH - deposit);
		assert_eq!(
			System::events().into_iter().map(|r| r.event).collect::<Vec<_>>(),
			vec![
				RuntimeEvent::WorkflowRegistry(Event::ManifestCommitted {
					who: ALICE,
					commitment: commitment_of(ALICE, 1),
				}),
				RuntimeEvent::Balances(pallet_balances::Event::Held {
					reason: RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
					who: ALICE,
					amount: deposit,
				}),
				RuntimeEvent::WorkflowRegistry(Event::WorkflowPublished {
					id: 0,
					owner: ALICE,
					manifest_hash: hash(1),
					parent: None,
				}),
			]
		);
	});
}

#[test]
fn ids_are_sequential_and_deposits_add_up() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(publish_plain(ALICE, 1), 0);
		assert_eq!(publish_plain(ALICE, 2), 1);
		assert_eq!(publish_plain(BOB, 3), 2);
		assert_eq!(NextWorkflowId::<Test>::get(), 3);
		assert_eq!(held(ALICE), 2 * DEPOSIT_10);
		assert_eq!(held(BOB), DEPOSIT_10);
	});
}

#[test]
fn default_royalty_is_used_when_none_given() {
	ExtBuilder::default().build_and_execute(|| {
		let custom = RoyaltySplit {
			creator: Permill::from_percent(60),
			upstream: Permill::from_percent(10),
			node: Permill::from_percent(20),
			validators: Permill::from_percent(5),
			treasury: Permill::from_percent(5),
		};
		publish_plain(ALICE, 1);
		assert_eq!(wf(0).royalty, RoyaltySplit::DEFAULT);
		DefaultRoyalty::set(&custom);
		publish_plain(ALICE, 2);
		assert_eq!(wf(1).royalty, custom);
	});
}

#[test]
fn royalty_must_sum_to_hundred_percent() {
	ExtBuilder::default().build_and_execute(|| {
		let mut bad = RoyaltySplit::DEFAULT;
		bad.treasury = Permill::from_percent(6);
		assert_noop!(
			publish_call(ALICE, 1, uri(), Some(bad), deps(&[]), None),
			Error::<Test>::RoyaltyNotHundredPercent
		);
		bad.treasury = Permill::from_percent(4);
		assert_noop!(
			publish_call(ALICE, 1, uri(), Some(bad), deps(&[]), None),
			Error::<Test>::RoyaltyNotHundredPercent
		);
		// An invalid governance default is refused too.
		DefaultRoyalty::set(&bad);
		assert_noop!(
			publish_call(ALICE, 1, uri(), None, deps(&[]), None),
			Error::<Test>::RoyaltyNotHundredPercent
		);
	});
}

#[test]
fn empty_uri_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			publish_call(ALICE, 1, uri_of_len(0), None, deps(&[]), None),
			Error::<Test>::ManifestUriEmpty
		);
	});
}

#[test]
fn unaffordable_deposit_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		commit(EVE, 1);
		assert_noop!(
			publish_call(EVE, 1, uri(), None, deps(&[]), None),
			Error::<Test>::InsufficientDeposit
		);
		// Dave has 200: a 10-byte URI (120) fits once, the existential deposit stays free.
		commit(DAVE, 1);
		assert_ok!(publish_call(DAVE, 1, uri(), None, deps(&[]), None));
		commit(DAVE, 2);
		assert_noop!(
			publish_call(DAVE, 2, uri(), None, deps(&[]), None),
			Error::<Test>::InsufficientDeposit
		);
		assert_eq!(Balances::free_balance(DAVE), POOR - DEPOSIT_10);
		assert_eq!(held(DAVE), DEPOSIT_10);
	});
}

#[test]
fn deposit_that_takes_the_whole_balance_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		// Dave has exactly 200 = 100 + 2 * 50: holding it all would reap the account.
		commit(DAVE, 1);
		assert_noop!(
			publish_call(DAVE, 1, uri_of_len(50), None, deps(&[]), None),
			Error::<Test>::InsufficientDeposit
		);
		assert_ok!(publish_call(DAVE, 1, uri_of_len(49), None, deps(&[]), None));
		assert_eq!(held(DAVE), 198);
		assert_eq!(Balances::free_balance(DAVE), 2);
	});
}

#[test]
fn republishing_a_registered_manifest_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_noop!(
			publish_call(BOB, 1, uri(), None, deps(&[]), None),
			Error::<Test>::ManifestAlreadyRegistered
		);
		// Claiming another workflow as parent, with a commitment, does not help.
		publish_plain(BOB, 2);
		commit(BOB, 1);
		assert_noop!(
			publish_call(BOB, 1, uri(), None, child_of(1), Some(1)),
			Error::<Test>::ManifestAlreadyRegistered
		);
	});
}

/// The hardening issue's finding 4: anyone could republish a registered digest as a "declared
/// derivative" of its registrant, with its own fee and a 100% creator split, so the clone's runs
/// paid the original creator nothing, and a flagged manifest ran again under the clone's id.
/// (This test replaces `a_declared_derivative_may_republish_its_parents_manifest`, which pinned
/// that exception as intended.)
#[test]
fn a_declared_derivative_cannot_republish_its_parents_manifest() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		let all_to_the_clone = RoyaltySplit {
			creator: Permill::one(),
			upstream: Permill::zero(),
			node: Permill::zero(),
			validators: Permill::zero(),
			treasury: Permill::zero(),
		};
		commit(BOB, 1);
		assert_noop!(
			publish_call(BOB, 1, uri(), Some(all_to_the_clone), deps(&[]), Some(0)),
			Error::<Test>::ParentNotADependency
		);
		assert_noop!(
			publish_call(BOB, 1, uri(), None, deps(&[]), None),
			Error::<Test>::ManifestAlreadyRegistered
		);
		// The flag follows the digest: the only entry that runs it is the flagged one.
		assert_eq!(ManifestIndex::<Test>::get(hash(1)), Some(0));
		assert_eq!(
			<WorkflowRegistry as havn_primitives::traits::WorkflowInspect<_, _>>::invocable(0),
			Err(Error::<Test>::WorkflowFlagged.into())
		);
	});
}

#[test]
fn a_declared_derivative_pays_its_parent() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(CHARLIE, 2);
		commit(BOB, 3);
		// The parent must be a dependency...
		assert_noop!(
			publish_call(BOB, 3, uri(), None, deps(&[(1, 100)]), Some(0)),
			Error::<Test>::ParentNotADependency
		);
		// ...weighted to at least MinParentShare (10%) of each run: 20% upstream × 40% = 8%.
		assert_noop!(
			publish_call(BOB, 3, uri(), None, deps(&[(0, 40), (1, 60)]), Some(0)),
			Error::<Test>::ParentShareTooLow
		);
		// 20% × 50% = 10%.
		assert_ok!(publish_call(BOB, 3, uri(), None, deps(&[(0, 50), (1, 50)]), Some(0)));
		let payees =
			<WorkflowRegistry as havn_primitives::traits::WorkflowInspect<_, _>>::payees(2)
				.unwrap();
		assert_eq!(payees.upstream[0].creator, ALICE);
		assert_eq!(payees.upstream[0].weight, Permill::from_percent(50));
	});
}

#[test]
fn a_hash_registered_as_a_later_version_is_covered_by_the_rule() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		commit(ALICE, 2);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		commit(BOB, 2);
		assert_noop!(
			publish_call(BOB, 2, uri(), None, deps(&[]), None),
			Error::<Test>::ManifestAlreadyRegistered
		);
		assert_noop!(
			publish_call(BOB, 2, uri(), None, child_of(0), Some(0)),
			Error::<Test>::ManifestAlreadyRegistered
		);
	});
}

#[test]
fn parent_must_exist() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			publish_call(ALICE, 1, uri(), None, deps(&[]), Some(0)),
			Error::<Test>::UnknownParent
		);
	});
}

#[test]
fn lineage_depth_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		// MaxLineageDepth is 3: a root and three generations of derivatives.
		publish_plain(ALICE, 1);
		publish_with(ALICE, 2, child_of(0), Some(0));
		publish_with(ALICE, 3, child_of(1), Some(1));
		publish_with(ALICE, 4, child_of(2), Some(2));
		assert_eq!(wf(3).depth, 3);
		assert_noop!(
			publish_call(ALICE, 5, uri(), None, deps(&[]), Some(3)),
			Error::<Test>::LineageTooDeep
		);
		// A shallower parent is fine.
		publish_with(ALICE, 5, child_of(2), Some(2));
		assert_eq!(wf(4).depth, 3);
	});
}

/// A derivative's parent is one of its dependencies, so a flagged or deprecated parent cannot be
/// derived from (this replaces `flagged_or_deprecated_parent_is_allowed`, which pinned the
/// opposite: with the republish exception gone, a derivative of a flagged manifest would be a
/// way around the flag).
#[test]
fn flagged_or_deprecated_parent_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(ALICE, 2);
		assert_ok!(WorkflowRegistry::flag(
			RuntimeOrigin::root(),
			0,
			b"bad".to_vec().try_into().unwrap()
		));
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(ALICE), 1));
		commit(BOB, 3);
		assert_noop!(
			publish_call(BOB, 3, uri(), None, child_of(0), Some(0)),
			Error::<Test>::DependencyFlagged
		);
		assert_noop!(
			publish_call(BOB, 3, uri(), None, child_of(1), Some(1)),
			Error::<Test>::DependencyDeprecated
		);
	});
}

#[test]
fn dependencies_are_validated() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(BOB, 2);
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (7, 50)]), None),
			Error::<Test>::UnknownDependency
		);
		// The new workflow's own id does not exist yet, so it cannot depend on itself.
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(2, 100)]), None),
			Error::<Test>::UnknownDependency
		);
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (0, 50)]), None),
			Error::<Test>::DuplicateDependency
		);
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (1, 49)]), None),
			Error::<Test>::DependencyWeightsNotHundredPercent
		);
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (1, 51)]), None),
			Error::<Test>::DependencyWeightsNotHundredPercent
		);
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 0)]), None),
			Error::<Test>::DependencyWeightsNotHundredPercent
		);

		assert_ok!(WorkflowRegistry::flag(RuntimeOrigin::root(), 0, Default::default()));
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (1, 50)]), None),
			Error::<Test>::DependencyFlagged
		);
		assert_ok!(WorkflowRegistry::unflag(RuntimeOrigin::root(), 0));
		assert_ok!(WorkflowRegistry::deprecate(RuntimeOrigin::signed(BOB), 1));
		assert_noop!(
			publish_call(CHARLIE, 3, uri(), None, deps(&[(0, 50), (1, 50)]), None),
			Error::<Test>::DependencyDeprecated
		);

		let id = publish_with(CHARLIE, 3, deps(&[(0, 100)]), None);
		assert_eq!(wf(id).dependencies, deps(&[(0, 100)]));
	});
}

#[test]
fn weights_of_odd_parts_sum_exactly() {
	ExtBuilder::default().build_and_execute(|| {
		publish_plain(ALICE, 1);
		publish_plain(ALICE, 2);
		publish_plain(ALICE, 3);
		let odd: DependenciesOf<Test> = vec![
			(0, Permill::from_parts(333_333)),
			(1, Permill::from_parts(333_333)),
			(2, Permill::from_parts(333_334)),
		]
		.try_into()
		.unwrap();
		publish_with(BOB, 4, odd.clone(), None);
		assert_eq!(wf(3).dependencies, odd);
	});
}

#[test]
fn exhausted_ids_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		NextWorkflowId::<Test>::put(u64::MAX);
		commit(ALICE, 1);
		assert_noop!(
			publish_call(ALICE, 1, uri(), None, deps(&[]), None),
			DispatchError::Arithmetic(ArithmeticError::Overflow)
		);
		NextWorkflowId::<Test>::put(0);
	});
}

#[test]
fn unsigned_origin_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			WorkflowRegistry::publish(
				RuntimeOrigin::none(),
				WorkflowKind::Workflow,
				hash(1),
				uri(),
				ComputeClass::S,
				0,
				None,
				deps(&[]),
				None,
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn deposit_is_base_plus_per_byte() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(WorkflowRegistry::deposit_for(0), DEPOSIT_BASE);
		assert_eq!(WorkflowRegistry::deposit_for(10), DEPOSIT_10);
		assert_eq!(
			WorkflowRegistry::deposit_for(u32::MAX),
			DEPOSIT_BASE + DEPOSIT_PER_BYTE * u128::from(u32::MAX)
		);
	});
}
