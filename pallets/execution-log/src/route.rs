//! Routing: a relay's `assign`, the nodes' `claim` after the relay timeout, and node
//! eligibility.

use super::*;

impl<T: Config> Pallet<T> {
	/// Checks of `assign`; returns the job.
	pub(crate) fn ensure_can_assign(
		relay: &T::AccountId,
		job_id: JobId,
		nodes: &[T::AccountId],
	) -> Result<JobOf<T>, DispatchError> {
		ensure!(T::Stake::is_relay(relay), Error::<T>::NotRelay);
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Submitted, Error::<T>::BadPhase);
		ensure!(job.nodes.is_empty(), Error::<T>::JobPartiallyClaimed);
		ensure!(nodes.len() == usize::from(job.redundancy), Error::<T>::WrongNodeCount);
		for (i, node) in nodes.iter().enumerate() {
			ensure!(
				!nodes.iter().skip(i.saturating_add(1)).any(|n| n == node),
				Error::<T>::DuplicateNode
			);
		}
		for node in nodes {
			ensure!(Self::is_eligible(node, job.compute_class), Error::<T>::NodeNotEligible);
		}
		Ok(job)
	}

	/// Writes of `assign`.
	pub(crate) fn do_assign(
		job_id: JobId,
		mut job: JobOf<T>,
		nodes: BoundedVec<T::AccountId, T::MaxRedundancy>,
	) {
		job.nodes = nodes;
		Self::set_phase(&mut job, JobPhase::Assigned);
		Jobs::<T>::insert(job_id, job);
	}

	/// Checks of `claim`; returns the job.
	pub(crate) fn ensure_can_claim(
		node: &T::AccountId,
		job_id: JobId,
	) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(job.phase == JobPhase::Submitted, Error::<T>::BadPhase);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now >= job.submitted_at.saturating_add(T::RelayTimeout::get()),
			Error::<T>::RelayWindowOpen
		);
		ensure!(Self::is_eligible(node, job.compute_class), Error::<T>::NodeNotEligible);
		ensure!(!job.is_node(node), Error::<T>::AlreadyClaimed);
		Ok(job)
	}

	/// Writes of `claim`; returns the full node set when this claim completed it.
	pub(crate) fn do_claim(
		job_id: JobId,
		mut job: JobOf<T>,
		node: T::AccountId,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxRedundancy>>, DispatchError> {
		// The job is `Submitted`, so it has fewer than `redundancy <= MaxRedundancy` nodes.
		job.nodes.try_push(node).map_err(|_| Error::<T>::WrongNodeCount)?;
		let full = job.nodes.len() >= usize::from(job.redundancy);
		let nodes = if full {
			Self::set_phase(&mut job, JobPhase::Assigned);
			Some(job.nodes.clone())
		} else {
			None
		};
		Jobs::<T>::insert(job_id, job);
		Ok(nodes)
	}

	/// Whether `node` may take a job of `class`: eligible in StakeGuard and above `Untrusted`.
	pub fn is_eligible(node: &T::AccountId, class: ComputeClass) -> bool {
		T::Stake::is_eligible_node(node, class)
			&& T::Reputation::level(node) > ReputationLevel::Untrusted
	}
}
