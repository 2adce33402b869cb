//! Versions: the checks and writes of `publish_version`.

use crate::{
	BalanceOf, Config, Error, ManifestIndex, ManifestUriOf, Pallet, PendingCommitmentsOf,
	VersionRecord, Versions, WorkflowOf, Workflows,
};
use frame_support::pallet_prelude::*;
use havn_primitives::{Digest, WorkflowId};
use sp_runtime::{traits::Saturating, ArithmeticError};

/// What [`Pallet::ensure_can_publish_version`] computed for [`Pallet::do_publish_version`].
pub(crate) struct VersionPlan<T: Config> {
	/// The workflow, as it is now.
	pub workflow: WorkflowOf<T>,
	/// Its new version number.
	pub version: u32,
	/// Its new total of stored URI bytes.
	pub uri_bytes: u32,
	/// Its new deposit, in planck.
	pub deposit: BalanceOf<T>,
	/// The owner's commitments once this version's is revealed.
	pub pending: PendingCommitmentsOf<T>,
}

impl<T: Config> Pallet<T> {
	/// Every check of [`Pallet::publish_version`]. Returns what the write needs.
	pub(crate) fn ensure_can_publish_version(
		who: &T::AccountId,
		id: WorkflowId,
		manifest_hash: Digest,
		manifest_uri: &ManifestUriOf<T>,
	) -> Result<VersionPlan<T>, DispatchError> {
		let workflow = Self::ensure_owned(who, id)?;
		ensure!(!workflow.is_deprecated(), Error::<T>::WorkflowDeprecated);
		ensure!(!manifest_uri.is_empty(), Error::<T>::ManifestUriEmpty);
		ensure!(
			!ManifestIndex::<T>::contains_key(manifest_hash),
			Error::<T>::ManifestAlreadyRegistered
		);
		ensure!(workflow.version < T::MaxVersions::get(), Error::<T>::TooManyVersions);
		let pending = Self::ensure_revealable(who, manifest_hash)?;
		let version = workflow.version.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		let uri_bytes = workflow
			.uri_bytes
			.checked_add(manifest_uri.len() as u32)
			.ok_or(ArithmeticError::Overflow)?;
		let deposit = Self::deposit_for(uri_bytes);
		if deposit > workflow.deposit {
			Self::ensure_can_hold(who, deposit.saturating_sub(workflow.deposit))
				.map_err(|_| Error::<T>::InsufficientDeposit)?;
		}
		Ok(VersionPlan { workflow, version, uri_bytes, deposit, pending })
	}

	/// Make `manifest_hash` the current version of `id` and adjust the deposit (checked by
	/// [`Pallet::ensure_can_publish_version`]).
	pub(crate) fn do_publish_version(
		id: WorkflowId,
		manifest_hash: Digest,
		manifest_uri: ManifestUriOf<T>,
		plan: VersionPlan<T>,
	) -> DispatchResult {
		let VersionPlan { mut workflow, version, uri_bytes, deposit, pending } = plan;
		if deposit > workflow.deposit {
			Self::hold(&workflow.owner, deposit.saturating_sub(workflow.deposit))?;
		} else {
			Self::release(&workflow.owner, workflow.deposit.saturating_sub(deposit))?;
		}
		Self::consume_commitment(&workflow.owner, pending);
		Versions::<T>::insert(
			id,
			version,
			VersionRecord {
				manifest_hash,
				manifest_uri: manifest_uri.clone(),
				published_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		ManifestIndex::<T>::insert(manifest_hash, id);
		workflow.manifest_hash = manifest_hash;
		workflow.manifest_uri = manifest_uri;
		workflow.version = version;
		workflow.uri_bytes = uri_bytes;
		workflow.deposit = deposit;
		Workflows::<T>::insert(id, workflow);
		Ok(())
	}
}
