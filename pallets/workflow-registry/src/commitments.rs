//! Commit-reveal publication: `commit_manifest`, and the check that `publish` and
//! `publish_version` reveal a commitment the publisher made at least
//! [`Config::MinCommitmentAge`] blocks earlier (the hardening issue's finding 5: a digest seen in
//! the artifact store or the transaction pool was registered first by someone else).
//!
//! The commitment is [`manifest_commitment`]`(publisher, manifest_hash)`: it hides the digest
//! and names the publisher, so it can be made before anything about the manifest is public, and
//! nobody else can reveal it.

use crate::{Config, Error, ManifestCommitments, Pallet, PendingCommitmentsOf};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{proofs::manifest_commitment, Digest};
use sp_core::H256;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Whether a commitment made at `at` has lapsed at block `now`.
	fn lapsed(at: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(at) > T::CommitmentLifetime::get()
	}

	/// Every check of [`Pallet::commit_manifest`]. Returns `who`'s pending commitments with the
	/// new one added and lapsed ones dropped.
	pub(crate) fn ensure_can_commit_manifest(
		who: &T::AccountId,
		commitment: H256,
	) -> Result<PendingCommitmentsOf<T>, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut pending = ManifestCommitments::<T>::get(who);
		pending.retain(|(_, at)| !Self::lapsed(*at, now));
		ensure!(!pending.iter().any(|(c, _)| *c == commitment), Error::<T>::CommitmentAlreadyMade);
		pending.try_push((commitment, now)).map_err(|_| Error::<T>::TooManyCommitments)?;
		Ok(pending)
	}

	/// Store `who`'s pending commitments (checked by [`Pallet::ensure_can_commit_manifest`]).
	pub(crate) fn do_commit_manifest(who: &T::AccountId, pending: PendingCommitmentsOf<T>) {
		ManifestCommitments::<T>::insert(who, pending);
	}

	/// `who`'s pending commitments without the one that reveals `manifest_hash`, if `who`
	/// committed to it at least [`Config::MinCommitmentAge`] blocks ago and it has not lapsed.
	///
	/// Errors: [`Error::ManifestNotCommitted`] (no such commitment, or it lapsed),
	/// [`Error::CommitmentTooRecent`] (made less than `MinCommitmentAge` blocks ago).
	pub(crate) fn ensure_revealable(
		who: &T::AccountId,
		manifest_hash: Digest,
	) -> Result<PendingCommitmentsOf<T>, DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let commitment = manifest_commitment(who, &manifest_hash);
		let mut pending = ManifestCommitments::<T>::get(who);
		let position = pending
			.iter()
			.position(|(c, at)| *c == commitment && !Self::lapsed(*at, now))
			.ok_or(Error::<T>::ManifestNotCommitted)?;
		let (_, at) = pending.remove(position);
		ensure!(
			now.saturating_sub(at) >= T::MinCommitmentAge::get(),
			Error::<T>::CommitmentTooRecent
		);
		Ok(pending)
	}

	/// Store what [`Pallet::ensure_revealable`] left of `who`'s commitments.
	pub(crate) fn consume_commitment(who: &T::AccountId, pending: PendingCommitmentsOf<T>) {
		if pending.is_empty() {
			ManifestCommitments::<T>::remove(who);
		} else {
			ManifestCommitments::<T>::insert(who, pending);
		}
	}
}
