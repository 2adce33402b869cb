//! `submit_receipt`: a node's signed receipt; after the last one, the committee draw and the
//! re-execution sample (the rules themselves are in [`crate::committee`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// Checks of `submit_receipt`; returns the job.
	pub(crate) fn ensure_can_submit_receipt(
		node: &T::AccountId,
		job_id: JobId,
		receipt: &Receipt,
		signature: &sr25519::Signature,
	) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Assigned, Error::<T>::BadPhase);
		ensure!(job.is_node(node), Error::<T>::NotAssignedNode);
		ensure!(
			receipt.job_id == job_id && receipt.workflow_id == job.workflow_id,
			Error::<T>::ReceiptMismatch
		);
		ensure!(!job.receipts.iter().any(|(n, _)| n == node), Error::<T>::ReceiptAlreadySubmitted);
		let key = T::Stake::receipt_key(node).ok_or(Error::<T>::ReceiptSignatureInvalid)?;
		ensure!(
			receipt.verify(Self::genesis_hash(), signature, &key),
			Error::<T>::ReceiptSignatureInvalid
		);
		// Still bonded at its class's floor and not quarantined: a node that unbonded or went
		// dark after assignment can no longer be held to account for the job.
		ensure!(T::Stake::is_eligible_node(node, job.compute_class), Error::<T>::NodeNotEligible);
		Ok(job)
	}

	/// Writes of `submit_receipt`; after the last receipt, draws the committee and the sample
	/// and returns them, with the number of validators the committee was drawn from (0 before
	/// the last receipt).
	pub(crate) fn do_submit_receipt(
		job_id: JobId,
		mut job: JobOf<T>,
		node: &T::AccountId,
		receipt: Receipt,
		signature: sr25519::Signature,
	) -> (Option<(BoundedVec<T::AccountId, T::MaxCommittee>, bool)>, u32) {
		// The node is one of `job.nodes` and has no receipt yet, so there is room.
		let _ = job.receipts.try_push((node.clone(), receipt.runtime_hash));
		Receipts::<T>::insert(job_id, node, (receipt, signature));
		let mut attesting = None;
		let mut drawn_from = 0u32;
		if job.receipts.len() >= usize::from(job.redundancy) {
			let parent = frame_system::Pallet::<T>::parent_hash();
			let candidates: Vec<T::AccountId> =
				T::Stake::active_validators().into_iter().filter(|v| !job.is_node(v)).collect();
			let seed = committee::committee_seed(parent, job_id, committee::COMMITTEE_TAG);
			drawn_from = candidates.len() as u32;
			job.committee = Self::draw(&candidates, seed);
			job.sampled =
				!job.receipts_agree() || Self::is_sampled(&job, job_id, parent, &signature);
			Self::set_phase(&mut job, JobPhase::Attesting);
			attesting = Some((job.committee.clone(), job.sampled));
		}
		Jobs::<T>::insert(job_id, job);
		(attesting, drawn_from)
	}

	/// A window of up to `min(CommitteeSize, MaxCommittee)` consecutive `candidates` (wrapping),
	/// starting at `seed` (little-endian `u32`) modulo their number: [`committee::draw`] with
	/// this runtime's committee size.
	pub(crate) fn draw(
		candidates: &[T::AccountId],
		seed: [u8; 32],
	) -> BoundedVec<T::AccountId, T::MaxCommittee> {
		// No candidates, no committee (and no read of the committee size, as before the split).
		if candidates.is_empty() {
			return BoundedVec::new();
		}
		let size = T::CommitteeSize::get().min(T::MaxCommittee::get()) as usize;
		BoundedVec::truncate_from(committee::draw(candidates, &seed, size))
	}

	/// The sampling rule of the crate docs: [`committee::is_sampled`] at
	/// [`committee::sampling_rate`] of `ReexecutionRate` and the lowest reputation score among
	/// the job's nodes.
	fn is_sampled(
		job: &JobOf<T>,
		job_id: JobId,
		parent: H256,
		signature: &sr25519::Signature,
	) -> bool {
		let lowest =
			job.nodes.iter().map(T::Reputation::score).min().unwrap_or(Permill::from_parts(0));
		let rate = committee::sampling_rate(T::ReexecutionRate::get(), lowest);
		committee::is_sampled(&committee::sample_seed(parent, job_id, signature), rate)
	}
}
