//! `challenge`: opening a dispute on a finalized job and drawing its adjudication committee
//! (the adjudication itself is decided in [`crate::outcomes`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// Whether a job finalized in block `finalized_at` may still be challenged: until
	/// `ChallengeWindow` blocks after it, inclusive. After that it can be pruned.
	pub fn in_challenge_window(finalized_at: BlockNumberFor<T>) -> bool {
		frame_system::Pallet::<T>::block_number()
			<= finalized_at.saturating_add(T::ChallengeWindow::get())
	}

	/// Checks of `challenge`; returns the job and the adjudication committee.
	pub(crate) fn ensure_can_challenge(
		challenger: &T::AccountId,
		job_id: JobId,
	) -> Result<(JobOf<T>, BoundedVec<T::AccountId, T::MaxCommittee>), DispatchError> {
		ensure!(T::Stake::role(challenger).is_some(), Error::<T>::NotBonded);
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(!job.is_node(challenger), Error::<T>::ChallengerIsJobNode);
		ensure!(job.challenge.is_none(), Error::<T>::AlreadyChallenged);
		ensure!(job.phase == JobPhase::Finalized, Error::<T>::BadPhase);
		let finalized_at = job.finalized_at.ok_or(Error::<T>::BadPhase)?;
		ensure!(Self::in_challenge_window(finalized_at), Error::<T>::ChallengeWindowClosed);
		let candidates: Vec<T::AccountId> = T::Stake::active_validators()
			.into_iter()
			.filter(|v| !job.is_node(v) && !job.committee.contains(v) && v != challenger)
			.collect();
		let parent = frame_system::Pallet::<T>::parent_hash();
		let seed = committee::committee_seed(parent, job_id, committee::CHALLENGE_TAG);
		let committee = Self::draw(&candidates, seed);
		ensure!(
			committee.len() as u32 >= T::QuorumSize::get().max(1),
			Error::<T>::NotEnoughValidators
		);
		Ok((job, committee))
	}

	/// Writes of `challenge`: hold the bond, open the dispute.
	pub(crate) fn do_challenge(
		job_id: JobId,
		mut job: JobOf<T>,
		challenger: T::AccountId,
		committee: BoundedVec<T::AccountId, T::MaxCommittee>,
	) -> DispatchResult {
		let bond = T::ChallengeBond::get();
		T::Currency::hold(&HoldReason::ChallengeBond.into(), &challenger, bond)?;
		job.challenge =
			Some(Challenge { challenger, bond, committee, verdicts: BoundedVec::new() });
		Self::set_phase(&mut job, JobPhase::Challenged);
		Jobs::<T>::insert(job_id, job);
		Ok(())
	}
}
