//! `prune`: removing an ended job's record and receipts and returning its storage deposit
//! (finding 2 of `docs/security.md`: jobs and receipts were never removed, and cost nothing).

use super::*;

impl<T: Config> Pallet<T> {
	/// Checks of `prune`: the job exists and has ended (`Rejected`, `Expired`, or `Finalized`
	/// more than `ChallengeWindow` blocks ago). Returns the job.
	pub(crate) fn ensure_can_prune(job_id: JobId) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(Self::has_ended(&job), Error::<T>::JobNotEnded);
		Ok(job)
	}

	/// Whether `job` can change no more: `Rejected`, `Expired`, or `Finalized` with its
	/// challenge window over.
	pub fn has_ended(job: &JobOf<T>) -> bool {
		match job.phase {
			JobPhase::Rejected | JobPhase::Expired => true,
			JobPhase::Finalized => {
				job.finalized_at.is_some_and(|at| !Self::in_challenge_window(at))
			}
			_ => false,
		}
	}

	/// Writes of `prune`: release the deposit to the payer, remove the receipts and the job;
	/// then `JobPruned`.
	pub(crate) fn do_prune(job_id: JobId, job: JobOf<T>) -> DispatchResult {
		T::Currency::release(
			&HoldReason::JobDeposit.into(),
			&job.payer,
			job.deposit,
			Precision::Exact,
		)?;
		let _ = Receipts::<T>::clear_prefix(job_id, T::MaxRedundancy::get(), None);
		Jobs::<T>::remove(job_id);
		Self::deposit_event(Event::JobPruned { job_id, payer: job.payer, deposit: job.deposit });
		Ok(())
	}
}
