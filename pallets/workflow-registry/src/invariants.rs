//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::{
	BalanceOf, Config, HoldReason, ManifestCommitments, ManifestIndex, NextWorkflowId,
	OwnershipOffers, Pallet, Versions, Workflows,
};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::fungible::InspectHold as _};
use havn_primitives::WorkflowId;
use sp_runtime::{traits::Saturating, Permill};

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants:
	///
	/// 1. Every registered id is below [`NextWorkflowId`].
	/// 2. Every royalty split sums to exactly 100%.
	/// 3. Every dependency is a registered workflow with a smaller id, listed once, and a
	///    non-empty list's weights sum to exactly 100%.
	/// 4. A parent is a registered workflow with a smaller id; `depth` is 0 for a root and the
	///    parent's depth plus one otherwise, at most [`Config::MaxLineageDepth`].
	/// 5. A workflow's `version` is in `1..=MaxVersions`; [`Versions`] holds exactly the
	///    versions `1..=version` of every registered workflow (and nothing for unregistered
	///    ids); the current manifest (digest and URI) is that of the latest version; `uri_bytes`
	///    is the total length of the stored URIs.
	/// 6. Every stored version's digest is in [`ManifestIndex`], and every [`ManifestIndex`]
	///    entry points to a registered workflow that has that digest in its version history.
	///    (Before commit-reveal publication, a declared derivative could republish its parent's
	///    digest and left the entry to the parent, so a digest may appear in two histories.)
	/// 7. For every owner, the deposits of its workflows sum to the balance it has on hold under
	///    [`HoldReason::WorkflowDeposit`].
	/// 8. Every ownership offer is of a registered workflow, to an account other than its owner.
	/// 9. No account has an empty or duplicated commitment list, and no commitment is from a
	///    future block.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let next = NextWorkflowId::<T>::get();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, wf) in Workflows::<T>::iter() {
			ensure!(id < next, "workflow id not below NextWorkflowId");
			ensure!(wf.royalty.is_valid(), "royalty split does not sum to 100%");

			let mut total: u64 = 0;
			let mut seen: Vec<WorkflowId> = Vec::new();
			for (dep, weight) in wf.dependencies.iter() {
				ensure!(!seen.contains(dep), "duplicate dependency");
				seen.push(*dep);
				ensure!(*dep < id, "dependency id not below the dependant's");
				ensure!(Workflows::<T>::contains_key(dep), "unknown dependency");
				total = total.saturating_add(u64::from(weight.deconstruct()));
			}
			ensure!(
				wf.dependencies.is_empty() || total == u64::from(Permill::one().deconstruct()),
				"dependency weights do not sum to 100%"
			);

			match wf.parent {
				None => ensure!(wf.depth == 0, "root with non-zero depth"),
				Some(p) => {
					ensure!(p < id, "parent id not below the child's");
					let parent = Workflows::<T>::get(p).ok_or("unknown parent")?;
					ensure!(
						parent.depth.checked_add(1) == Some(wf.depth),
						"depth is not the parent's plus one"
					);
				}
			}
			ensure!(wf.depth <= T::MaxLineageDepth::get(), "lineage too deep");

			ensure!(wf.version >= 1 && wf.version <= T::MaxVersions::get(), "version out of range");
			let mut bytes: u32 = 0;
			let mut count: u32 = 0;
			for (v, record) in Versions::<T>::iter_prefix(id) {
				ensure!(v >= 1 && v <= wf.version, "stored version out of range");
				count = count.saturating_add(1);
				bytes = bytes.saturating_add(record.manifest_uri.len() as u32);
				ensure!(
					ManifestIndex::<T>::contains_key(record.manifest_hash),
					"stored version digest not indexed"
				);
			}
			ensure!(count == wf.version, "version history incomplete");
			ensure!(bytes == wf.uri_bytes, "uri_bytes is not the total of stored URIs");
			let latest = Versions::<T>::get(id, wf.version).ok_or("latest version missing")?;
			ensure!(
				latest.manifest_hash == wf.manifest_hash && latest.manifest_uri == wf.manifest_uri,
				"current manifest is not the latest version's"
			);

			let entry = deposits.entry(wf.owner.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(wf.deposit);
		}

		for (id, _version) in Versions::<T>::iter_keys() {
			ensure!(Workflows::<T>::contains_key(id), "version of an unregistered workflow");
		}

		for (hash, id) in ManifestIndex::<T>::iter() {
			ensure!(Workflows::<T>::contains_key(id), "manifest index points to nothing");
			ensure!(
				Versions::<T>::iter_prefix_values(id).any(|r| r.manifest_hash == hash),
				"manifest index entry not in the workflow's history"
			);
		}

		for (id, to) in OwnershipOffers::<T>::iter() {
			let wf =
				Workflows::<T>::get(id).ok_or("ownership offer of an unregistered workflow")?;
			ensure!(wf.owner != to, "ownership offered to its owner");
		}

		let now = frame_system::Pallet::<T>::block_number();
		for (_, pending) in ManifestCommitments::<T>::iter() {
			ensure!(!pending.is_empty(), "empty commitment list stored");
			for (i, (commitment, at)) in pending.iter().enumerate() {
				ensure!(*at <= now, "commitment from a future block");
				ensure!(
					!pending.iter().skip(i.saturating_add(1)).any(|(c, _)| c == commitment),
					"duplicate commitment"
				);
			}
		}

		for (owner, deposit) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::WorkflowDeposit.into(), &owner)
					== deposit,
				"held deposit differs from the owner's workflow deposits"
			);
		}
		Ok(())
	}
}
