//! Routing: a relay's `assign`, the nodes' `claim` after the relay timeout, a node's
//! `release`, the execution window both routes must leave, and node eligibility.

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
		Self::ensure_time_to_run(&job)?;
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
		Self::ensure_time_to_run(&job)?;
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

	/// `TooLateToRun` unless at least `ExecutionWindow` blocks are left before `job`'s deadline:
	/// a node is only ever given a job it has time to run.
	pub(crate) fn ensure_time_to_run(job: &JobOf<T>) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			now.saturating_add(T::ExecutionWindow::get()) <= job.deadline,
			Error::<T>::TooLateToRun
		);
		Ok(())
	}

	/// Checks of `release`; returns the job.
	pub(crate) fn ensure_can_release(
		node: &T::AccountId,
		job_id: JobId,
	) -> Result<JobOf<T>, DispatchError> {
		let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
		ensure!(
			matches!(job.phase, JobPhase::Submitted | JobPhase::Assigned),
			Error::<T>::BadPhase
		);
		ensure!(job.is_node(node), Error::<T>::NotAssignedNode);
		ensure!(!job.receipts.iter().any(|(n, _)| n == node), Error::<T>::ReceiptAlreadySubmitted);
		Ok(job)
	}

	/// Writes of `release`: the node leaves the job, which is `Submitted` again.
	pub(crate) fn do_release(job_id: JobId, mut job: JobOf<T>, node: &T::AccountId) {
		job.nodes.retain(|n| n != node);
		// Back to `Submitted` without a timeline entry: the timeline keeps each phase's first
		// block (see `push_timeline`), and `JobReleased` records the release.
		job.phase = JobPhase::Submitted;
		Jobs::<T>::insert(job_id, job);
	}

	/// Whether `node` may take a job of `class`: eligible in StakeGuard and above `Untrusted`.
	pub fn is_eligible(node: &T::AccountId, class: ComputeClass) -> bool {
		T::Stake::is_eligible_node(node, class)
			&& T::Reputation::level(node) > ReputationLevel::Untrusted
	}
}
