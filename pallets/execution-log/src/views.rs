//! Reads: the chain's genesis hash, fee quotes, and the runtime API's views (`quote`,
//! `job_view`, `current_lead`, `committee_of`).

use super::*;

impl<T: Config> Pallet<T> {
	/// Genesis hash of this chain (signed into receipts and attestations).
	pub fn genesis_hash() -> H256 {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// The fee rule of `submit_job` and [`Pallet::quote`]: `base_fee × ClassMultiplier(class) ×
	/// redundancy`, for a class at least the workflow's and `1..=MaxRedundancy` nodes.
	pub(crate) fn quote_terms(
		terms: &WorkflowTerms<BalanceOf<T>>,
		class: ComputeClass,
		redundancy: u8,
	) -> Result<FeeQuote<BalanceOf<T>>, QuoteError> {
		ensure!(class >= terms.compute_class, QuoteError::ClassTooSmall);
		ensure!(
			redundancy >= 1 && u32::from(redundancy) <= T::MaxRedundancy::get(),
			QuoteError::BadRedundancy
		);
		let multiplier = T::ClassMultiplier::convert(class);
		let base: u128 = terms.base_fee.try_into().map_err(|_| QuoteError::Overflow)?;
		let total = multiplier
			.checked_mul_int(base)
			.and_then(|per_node| per_node.checked_mul(u128::from(redundancy)))
			.ok_or(QuoteError::Overflow)?;
		let total: BalanceOf<T> = total.try_into().map_err(|_| QuoteError::Overflow)?;
		let inner = multiplier.into_inner();
		let div = FixedU128::DIV;
		let times = u32::try_from(inner.checked_div(div).unwrap_or(0)).unwrap_or(u32::MAX);
		// FixedU128 has 18 decimals, Permill 6.
		let frac = inner.checked_rem(div).unwrap_or(0).checked_div(1_000_000_000_000).unwrap_or(0);
		Ok(FeeQuote {
			base_fee: terms.base_fee,
			class_multiplier: Permill::from_parts(u32::try_from(frac).unwrap_or(0)),
			class_multiplier_times: times,
			redundancy,
			total,
		})
	}

	/// Quote the fee of a job of `workflow_id` on `class` with `redundancy` nodes.
	pub fn quote(
		workflow_id: WorkflowId,
		class: ComputeClass,
		redundancy: u8,
	) -> Result<FeeQuote<BalanceOf<T>>, QuoteError> {
		let terms = T::Workflows::invocable(workflow_id).map_err(|_| {
			if T::Workflows::payees(workflow_id).is_some() {
				QuoteError::NotInvocable
			} else {
				QuoteError::UnknownWorkflow
			}
		})?;
		Self::quote_terms(&terms, class, redundancy)
	}

	/// A job's status and timeline. While `Challenged`, `committee` and `verdicts` are the
	/// adjudication's; otherwise the original committee's.
	pub fn job_view(job_id: JobId) -> Option<JobViewOf<T>> {
		let job = Jobs::<T>::get(job_id)?;
		let (committee, verdicts) = match (&job.phase, &job.challenge) {
			(JobPhase::Challenged, Some(c)) => (c.committee.to_vec(), &c.verdicts),
			_ => (job.committee.to_vec(), &job.verdicts),
		};
		let valid = verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).count() as u32;
		let invalid = (verdicts.len() as u32).saturating_sub(valid);
		Some(JobView {
			job_id,
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			phase: job.phase,
			nodes: job.nodes.to_vec(),
			committee,
			sampled: job.sampled,
			verdicts: (valid, invalid),
			timeline: job.timeline.to_vec(),
			deadline: job.deadline,
		})
	}

	/// The current lead aggregator: `active_validators()[(now / EpochLength) mod n]`.
	pub fn current_lead() -> Option<T::AccountId> {
		let validators = T::Stake::active_validators();
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let epoch_len: u64 = T::EpochLength::get().unique_saturated_into();
		let epoch = now.checked_div(epoch_len.max(1)).unwrap_or(0);
		let index = epoch.checked_rem(validators.len() as u64)?;
		validators.into_iter().nth(usize::try_from(index).ok()?)
	}

	/// The committee deciding `job_id` now (the adjudication committee while `Challenged`).
	pub fn committee_of(job_id: JobId) -> Option<Vec<T::AccountId>> {
		let job = Jobs::<T>::get(job_id)?;
		Some(match (&job.phase, &job.challenge) {
			(JobPhase::Challenged, Some(c)) => c.committee.to_vec(),
			_ => job.committee.to_vec(),
		})
	}
}
