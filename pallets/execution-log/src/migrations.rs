//! Storage migrations of the ExecutionLog, each a [`VersionedMigration`] with try-runtime checks
//! (the runtime lists them in its `Migrations`).

use super::*;
use frame_support::{migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade};

#[cfg(feature = "try-runtime")]
use alloc::vec::Vec;

/// Version 0 → 1: every job gains its storage `deposit` (finding 2 of `docs/security.md`).
pub mod v1 {
	use super::*;
	use crate::types::MaxTimeline;

	/// A [`Job`] as version 0 stored it: every field of today's job but `deposit`, in order
	/// (see [`Job`] for each field's meaning).
	#[allow(missing_docs)]
	#[derive(Encode, Decode)]
	pub struct JobV0<
		AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
		Balance: Clone + PartialEq + Eq + core::fmt::Debug,
		BlockNumber,
		R: Get<u32>,
		C: Get<u32>,
		U: Get<u32>,
	> {
		pub workflow_id: WorkflowId,
		pub payer: AccountId,
		pub fee: Balance,
		pub compute_class: ComputeClass,
		pub manifest_hash: Digest,
		pub input_digest: H256,
		pub input_uri: BoundedVec<u8, U>,
		pub redundancy: u8,
		pub deadline: BlockNumber,
		pub submitted_at: BlockNumber,
		pub phase: JobPhase,
		pub nodes: BoundedVec<AccountId, R>,
		pub receipts: BoundedVec<(AccountId, Digest), R>,
		pub committee: BoundedVec<AccountId, C>,
		pub sampled: bool,
		pub verdicts: BoundedVec<(AccountId, Verdict), C>,
		pub timeline: BoundedVec<(JobPhase, BlockNumber), MaxTimeline>,
		pub finalized_at: Option<BlockNumber>,
		pub challenge: Option<Challenge<AccountId, Balance, C>>,
	}

	/// [`JobV0`] with the runtime's types.
	pub type JobV0Of<T> = JobV0<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxRedundancy,
		<T as Config>::MaxCommittee,
		<T as Config>::MaxInputUriLen,
	>;

	/// The unversioned body of [`MigrateV0ToV1`]; use that instead.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		/// Rewrites every job with `deposit: 0`: jobs submitted before the upgrade held none,
		/// and pruning them releases nothing. Weight: one read and one write per job.
		fn on_runtime_upgrade() -> Weight {
			let mut jobs = 0u64;
			Jobs::<T>::translate::<JobV0Of<T>, _>(|_, old| {
				jobs = jobs.saturating_add(1);
				Some(Job {
					workflow_id: old.workflow_id,
					payer: old.payer,
					fee: old.fee,
					compute_class: old.compute_class,
					manifest_hash: old.manifest_hash,
					input_digest: old.input_digest,
					input_uri: old.input_uri,
					redundancy: old.redundancy,
					deadline: old.deadline,
					submitted_at: old.submitted_at,
					phase: old.phase,
					nodes: old.nodes,
					receipts: old.receipts,
					committee: old.committee,
					sampled: old.sampled,
					verdicts: old.verdicts,
					timeline: old.timeline,
					finalized_at: old.finalized_at,
					challenge: old.challenge,
					deposit: Zero::zero(),
				})
			});
			T::DbWeight::get().reads_writes(jobs, jobs)
		}

		/// The number of stored jobs before the upgrade.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok((Jobs::<T>::iter_keys().count() as u64).encode())
		}

		/// Every job is still there and decodes, with a zero deposit.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u64::decode(&mut &state[..]).map_err(|_| "bad pre-upgrade state")?;
			let mut after = 0u64;
			for (_, job) in Jobs::<T>::iter() {
				ensure!(job.deposit.is_zero(), "a migrated job has a deposit");
				after = after.saturating_add(1);
			}
			ensure!(before == after, "jobs lost or undecodable after the migration");
			Ok(())
		}
	}

	/// ExecutionLog storage version 0 → 1: [`Job::deposit`] added, 0 for every existing job.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
