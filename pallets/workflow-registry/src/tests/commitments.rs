//! Commit-reveal publication: `commit_manifest`, and `publish`/`publish_version` revealing it.

use super::*;
use crate::{Error, ManifestCommitments, ManifestIndex};
use frame_support::{assert_noop, assert_ok};

/// `who` publishes the plain workflow `hash(n)` (no commitment made here).
fn reveal(who: AccountId, n: u8) -> frame_support::dispatch::DispatchResult {
	reveal_with(who, n, deps(&[]), None)
}

/// The hardening issue's finding 5: the digest of a manifest its author had just uploaded to the
/// public store was registered first by another account. Now a publisher needs a commitment it
/// made `MinCommitmentAge` blocks earlier, so learning the digest later is too late: the
/// squatter's own commitment is still too young when the author reveals, and the author's
/// commitment is of no use to anyone else.
#[test]
fn a_digest_seen_before_it_is_published_cannot_be_squatted() {
	ExtBuilder::default().build_and_execute(|| {
		MinCommitmentAge::set(&2);
		// Block 1: Alice commits, privately.
		commit(ALICE, 1);
		run_to_block(3);
		// Block 3: the digest becomes public (store upload, or Alice's publish in the pool).
		// Mallory (Bob) has no commitment: refused. He commits now.
		assert_noop!(reveal(BOB, 1), Error::<Test>::ManifestNotCommitted);
		// Alice's commitment is of no use to him: it names her.
		assert_eq!(ManifestCommitments::<Test>::get(BOB).len(), 0);
		commit(BOB, 1);
		assert_noop!(reveal(BOB, 1), Error::<Test>::CommitmentTooRecent);
		// Alice reveals in the same block, or within MinCommitmentAge of the leak: hers.
		assert_ok!(reveal(ALICE, 1));
		assert_eq!(ManifestIndex::<Test>::get(hash(1)), Some(0));
		assert_eq!(wf(0).owner, ALICE);
		run_to_block(5);
		assert_noop!(reveal(BOB, 1), Error::<Test>::ManifestAlreadyRegistered);
	});
}

#[test]
fn a_commitment_is_used_once_and_only_after_its_age() {
	ExtBuilder::default().build_and_execute(|| {
		MinCommitmentAge::set(&2);
		commit(ALICE, 1);
		commit(ALICE, 2);
		run_to_block(2);
		assert_noop!(reveal(ALICE, 1), Error::<Test>::CommitmentTooRecent);
		run_to_block(3);
		assert_ok!(reveal(ALICE, 1));
		// Consumed: only the commitment to hash(2) is left.
		assert_eq!(
			ManifestCommitments::<Test>::get(ALICE).to_vec(),
			vec![(commitment_of(ALICE, 2), 1)]
		);
		// A version needs one too.
		assert_noop!(
			WorkflowRegistry::publish_version(RuntimeOrigin::signed(ALICE), 0, hash(3), uri()),
			Error::<Test>::ManifestNotCommitted
		);
		assert_ok!(WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(ALICE),
			0,
			hash(2),
			uri()
		));
		assert!(!ManifestCommitments::<Test>::contains_key(ALICE));
	});
}

#[test]
fn commitments_are_bounded_and_lapse() {
	ExtBuilder::default().build_and_execute(|| {
		// MaxPendingCommitments is 4, CommitmentLifetime 100 blocks.
		for n in 1..=4 {
			commit(ALICE, n);
		}
		assert_noop!(
			WorkflowRegistry::commit_manifest(
				RuntimeOrigin::signed(ALICE),
				commitment_of(ALICE, 5)
			),
			Error::<Test>::TooManyCommitments
		);
		assert_noop!(
			WorkflowRegistry::commit_manifest(
				RuntimeOrigin::signed(ALICE),
				commitment_of(ALICE, 1)
			),
			Error::<Test>::CommitmentAlreadyMade
		);
		run_to_block(102);
		// Lapsed: it reveals nothing, and it is dropped at the next commitment.
		assert_noop!(reveal(ALICE, 1), Error::<Test>::ManifestNotCommitted);
		commit(ALICE, 5);
		assert_eq!(
			ManifestCommitments::<Test>::get(ALICE).to_vec(),
			vec![(commitment_of(ALICE, 5), 102)]
		);
		assert_noop!(
			WorkflowRegistry::commit_manifest(RuntimeOrigin::none(), commitment_of(ALICE, 6)),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}
