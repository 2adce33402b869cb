//! Outcomes: resolving a quorum (finalize or reject a job, uphold or reject a challenge),
//! recording the verdicts' reputation outcomes, and phase changes.

use super::*;

impl<T: Config> Pallet<T> {
	/// Decide the job if its deciding committee reached a quorum; store it either way. Returns
	/// whether it decided.
	pub(crate) fn resolve(
		job_id: JobId,
		job: JobOf<T>,
		stage: Stage,
	) -> Result<bool, DispatchError> {
		let verdicts = match (stage, &job.challenge) {
			(Stage::Adjudication, Some(c)) => &c.verdicts,
			_ => &job.verdicts,
		};
		let quorum = T::QuorumSize::get().max(1) as usize;
		let valid = verdicts.iter().filter(|(_, v)| *v == Verdict::Valid).count();
		let invalid = verdicts.len().saturating_sub(valid);
		match stage {
			Stage::Attestation if valid >= quorum => Self::finalize(job_id, job),
			Stage::Attestation if invalid >= quorum => Self::reject(job_id, job),
			Stage::Adjudication if valid >= quorum => Self::reject_challenge(job_id, job),
			Stage::Adjudication if invalid >= quorum => Self::uphold_challenge(job_id, job),
			_ => {
				Jobs::<T>::insert(job_id, job);
				return Ok(false);
			}
		}
		.map(|()| true)
	}

	/// Valid quorum: pay the fee out (once: only an `Attesting` job gets here), record outcomes.
	pub(crate) fn finalize(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let reference = job.reference_hash();
		let (paid, dissenting): (Vec<_>, Vec<_>) =
			job.receipts.iter().partition(|(_, h)| Some(*h) == reference);
		let settlement = Settlement {
			job_id,
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			nodes: paid.iter().map(|(n, _)| n.clone()).collect(),
			validators: job
				.verdicts
				.iter()
				.filter(|(_, v)| *v == Verdict::Valid)
				.map(|(m, _)| m.clone())
				.collect(),
		};
		T::Payout::distribute(&settlement, &HoldReason::JobEscrow.into())?;
		for node in settlement.nodes.iter() {
			T::Reputation::record(node, Outcome::JobFinalized);
		}
		for (node, _) in dissenting {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::JobRejected);
		}
		Self::record_verdicts(&job.verdicts, Verdict::Valid);
		job.finalized_at = Some(frame_system::Pallet::<T>::block_number());
		Self::set_phase(&mut job, JobPhase::Finalized);
		let fee = job.fee;
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobFinalized { job_id, fee });
		Ok(())
	}

	/// Invalid quorum: refund the payer, slash the nodes, record outcomes.
	fn reject(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		T::Currency::release(&HoldReason::JobEscrow.into(), &job.payer, job.fee, Precision::Exact)?;
		for node in job.nodes.iter() {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::JobRejected);
		}
		Self::record_verdicts(&job.verdicts, Verdict::Invalid);
		Self::set_phase(&mut job, JobPhase::Rejected);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobRejected { job_id });
		Ok(())
	}

	/// Adjudication found the job invalid: slash nodes and colluding validators, return the bond.
	/// The payout already made stays paid.
	fn uphold_challenge(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let Some(challenge) = job.challenge.clone() else {
			return Err(Error::<T>::BadPhase.into());
		};
		T::Currency::release(
			&HoldReason::ChallengeBond.into(),
			&challenge.challenger,
			challenge.bond,
			Precision::BestEffort,
		)?;
		T::Reputation::record(&challenge.challenger, Outcome::DisputeWon);
		for node in job.nodes.iter() {
			T::Stake::slash(node, SlashReason::Fraud, T::FraudSlash::get());
			T::Reputation::record(node, Outcome::DisputeLost);
		}
		for (validator, verdict) in job.verdicts.iter() {
			if *verdict == Verdict::Valid {
				T::Stake::slash(validator, SlashReason::Collusion, T::CollusionSlash::get());
				T::Reputation::record(validator, Outcome::DisputeLost);
			}
		}
		Self::record_verdicts(&challenge.verdicts, Verdict::Invalid);
		Self::set_phase(&mut job, JobPhase::Rejected);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::ChallengeUpheld { job_id, challenger: challenge.challenger });
		Ok(())
	}

	/// Adjudication found the job valid: the bond goes to the treasury, the job is `Finalized`
	/// again.
	fn reject_challenge(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
		let Some(challenge) = job.challenge.clone() else {
			return Err(Error::<T>::BadPhase.into());
		};
		let bond = T::Currency::transfer_on_hold(
			&HoldReason::ChallengeBond.into(),
			&challenge.challenger,
			&T::TreasuryAccount::get(),
			challenge.bond,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		T::Reputation::record(&challenge.challenger, Outcome::DisputeLost);
		Self::record_verdicts(&challenge.verdicts, Verdict::Valid);
		Self::set_phase(&mut job, JobPhase::Finalized);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::ChallengeRejected {
			job_id,
			challenger: challenge.challenger,
			bond,
		});
		Ok(())
	}

	/// Record `Agreed` for members whose verdict is `quorum`, `Disagreed` for the others.
	fn record_verdicts(verdicts: &[(T::AccountId, Verdict)], quorum: Verdict) {
		for (member, verdict) in verdicts {
			let outcome = if *verdict == quorum {
				Outcome::AttestationAgreed
			} else {
				Outcome::AttestationDisagreed
			};
			T::Reputation::record(member, outcome);
		}
	}

	/// Append `phase`, at the current block, to the job's timeline.
	pub(crate) fn push_timeline(job: &mut JobOf<T>, phase: JobPhase) {
		// A job released and routed again is `Assigned` a second time: the timeline keeps the
		// first block, so it never holds more than the six phase changes `MaxTimeline` allows.
		if phase == JobPhase::Assigned && job.timeline.iter().any(|(p, _)| *p == phase) {
			return;
		}
		let _ = job.timeline.try_push((phase, frame_system::Pallet::<T>::block_number()));
	}

	/// Move the job to `phase` and record it in its timeline.
	pub(crate) fn set_phase(job: &mut JobOf<T>, phase: JobPhase) {
		job.phase = phase;
		Self::push_timeline(job, phase);
	}
}
