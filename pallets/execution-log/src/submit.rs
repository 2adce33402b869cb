//! `submit_job`: the checks (fee quote, deadline slot and the payer's share of it, job id) and
//! the writes (escrow and deposit holds, job record, expiry slot) of a new job.

use super::*;

impl<T: Config> Pallet<T> {
	/// Checks of `submit_job`; returns the new job's id, its fee, its deadline block and the
	/// workflow's current manifest digest (pinned on the job).
	pub(crate) fn ensure_can_submit_job(
		payer: &T::AccountId,
		workflow_id: WorkflowId,
		class: ComputeClass,
		max_fee: BalanceOf<T>,
		redundancy: u8,
		deadline: BlockNumberFor<T>,
	) -> Result<(JobId, BalanceOf<T>, BlockNumberFor<T>, Digest), DispatchError> {
		ensure!(!T::Paused::is_paused(), Error::<T>::ChainPaused);
		let terms = T::Workflows::invocable(workflow_id)?;
		let quote = Self::quote_terms(&terms, class, redundancy).map_err(|e| match e {
			QuoteError::ClassTooSmall => Error::<T>::ClassTooSmall,
			QuoteError::BadRedundancy => Error::<T>::BadRedundancy,
			_ => Error::<T>::FeeOverflow,
		})?;
		ensure!(!deadline.is_zero() && deadline <= T::MaxDeadline::get(), Error::<T>::BadDeadline);
		ensure!(deadline >= Self::min_deadline(), Error::<T>::DeadlineTooSoon);
		ensure!(quote.total <= max_fee, Error::<T>::FeeAboveMax);
		let now = frame_system::Pallet::<T>::block_number();
		let deadline_block = now.checked_add(&deadline).ok_or(Error::<T>::BadDeadline)?;
		ensure!(
			(ExpiryQueue::<T>::decode_len(deadline_block).unwrap_or(0) as u32)
				< T::MaxJobsPerBlock::get(),
			Error::<T>::DeadlineSlotFull
		);
		ensure!(
			PayerSlotUse::<T>::get(deadline_block, payer) < T::MaxJobsPerPayerPerBlock::get(),
			Error::<T>::PayerSlotFull
		);
		let job_id = NextJobId::<T>::get();
		job_id.checked_add(1).ok_or(Error::<T>::JobIdOverflow)?;
		Ok((job_id, quote.total, deadline_block, terms.manifest_hash))
	}

	/// The shortest deadline `submit_job` takes, in blocks from submission: `RelayTimeout +
	/// ExecutionWindow`, time for a relay (or, after the relay timeout, a claim) to route the
	/// job and for its nodes to run it.
	pub fn min_deadline() -> BlockNumberFor<T> {
		T::RelayTimeout::get().saturating_add(T::ExecutionWindow::get())
	}

	/// Writes of `submit_job`: hold the fee and the storage deposit, store the job, queue its
	/// expiry and count it against the payer's share of the slot; then `JobSubmitted`.
	pub(crate) fn do_submit_job(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::JobEscrow.into(), &job.payer, job.fee)?;
		T::Currency::hold(&HoldReason::JobDeposit.into(), &job.payer, job.deposit)?;
		ExpiryQueue::<T>::try_mutate(job.deadline, |slot| slot.try_push(job_id))
			.map_err(|_| Error::<T>::DeadlineSlotFull)?;
		PayerSlotUse::<T>::try_mutate(job.deadline, &job.payer, |used| {
			*used = used.checked_add(1).ok_or(Error::<T>::PayerSlotFull)?;
			Ok::<_, Error<T>>(())
		})?;
		let next = job_id.checked_add(1).ok_or(Error::<T>::JobIdOverflow)?;
		NextJobId::<T>::put(next);
		Self::push_timeline(&mut job, JobPhase::Submitted);
		Self::deposit_event(Event::JobSubmitted {
			job_id,
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			compute_class: job.compute_class,
			deadline: job.deadline,
		});
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}
}
