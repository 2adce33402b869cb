//! Attestation: a committee member's `attest`, the lead aggregator's batch
//! (`submit_attestations`) and what they price.

use super::*;
use havn_primitives::rules::{check_attestation, AttestationRejection};

/// What one attestation did, with the sizes that price it (see
/// [`WeightInfo::attest`] and [`WeightInfo::finalize`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Attested {
	/// The job's redundancy (nodes).
	pub redundancy: u32,
	/// Members of the deciding committee.
	pub committee: u32,
	/// Verdicts the deciding committee has given, this one included.
	pub verdicts: u32,
	/// Whether this attestation reached a quorum and decided the job.
	pub decided: bool,
	/// Dependencies of the job's workflow when it decided the job (the upstream payees of the
	/// payout), else 0.
	pub upstream: u32,
}

/// Which committee is deciding a job.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
	/// The original attestation committee (phase `Attesting`).
	Attestation,
	/// The adjudication committee of a challenge (phase `Challenged`).
	Adjudication,
}

impl<T: Config> Pallet<T> {
	/// `attest` for `validator` (also each item of a batch): check, record, announce, resolve.
	/// Returns the sizes that priced it.
	pub(crate) fn attest_as(
		validator: T::AccountId,
		attestation: Attestation,
	) -> Result<Attested, DispatchError> {
		let (job, stage) = Self::ensure_can_attest(&validator, &attestation)?;
		let job_id = attestation.job_id;
		let job = Self::do_attest(job, stage, validator.clone(), attestation.verdict);
		Self::deposit_event(Event::AttestationSubmitted {
			job_id,
			validator,
			verdict: attestation.verdict,
		});
		let (committee, verdicts) = match (stage, &job.challenge) {
			(Stage::Adjudication, Some(c)) => (c.committee.len(), c.verdicts.len()),
			_ => (job.committee.len(), job.verdicts.len()),
		};
		let workflow_id = job.workflow_id;
		let sizes = Attested {
			redundancy: u32::from(job.redundancy),
			committee: committee as u32,
			verdicts: verdicts as u32,
			decided: false,
			upstream: 0,
		};
		let decided = Self::resolve(job_id, job, stage)?;
		let upstream = if decided {
			T::Workflows::dependency_count(workflow_id).min(T::MaxUpstream::get())
		} else {
			0
		};
		Ok(Attested { decided, upstream, ..sizes })
	}

	/// Pre-dispatch weight of `submit_attestations` with `b` items: each item may decide a job
	/// of maximal size, whose workflow has `MaxUpstream` dependencies to pay.
	pub fn submit_attestations_weight(b: u32) -> Weight {
		T::WeightInfo::submit_attestations(b).saturating_add(
			T::WeightInfo::finalize(
				T::MaxRedundancy::get(),
				T::MaxCommittee::get(),
				T::MaxUpstream::get(),
			)
			.saturating_mul(u64::from(b)),
		)
	}

	/// Checks of `attest`; returns the job and which committee decides it.
	pub(crate) fn ensure_can_attest(
		validator: &T::AccountId,
		attestation: &Attestation,
	) -> Result<(JobOf<T>, Stage), DispatchError> {
		let job = Jobs::<T>::get(attestation.job_id).ok_or(Error::<T>::UnknownJob)?;
		let (stage, committee, verdicts, must_reexecute) = match (&job.phase, &job.challenge) {
			(JobPhase::Attesting, _) => {
				(Stage::Attestation, &job.committee, &job.verdicts, job.sampled)
			}
			(JobPhase::Challenged, Some(c)) => {
				(Stage::Adjudication, &c.committee, &c.verdicts, true)
			}
			_ => return Err(Error::<T>::BadPhase.into()),
		};
		check_attestation(
			validator,
			attestation,
			committee,
			verdicts.iter().map(|(m, _)| m),
			must_reexecute,
			job.reference_hash(),
		)
		.map_err(Error::<T>::from)?;
		Ok((job, stage))
	}

	/// Writes of `attest`: record the verdict; returns the updated job.
	pub(crate) fn do_attest(
		mut job: JobOf<T>,
		stage: Stage,
		validator: T::AccountId,
		verdict: Verdict,
	) -> JobOf<T> {
		let job_id_verdicts = match (stage, job.challenge.as_mut()) {
			(Stage::Adjudication, Some(c)) => &mut c.verdicts,
			_ => &mut job.verdicts,
		};
		// A member votes once and the committee is bounded by `MaxCommittee`: there is room.
		let _ = job_id_verdicts.try_push((validator, verdict));
		job
	}

	/// Checks of `submit_attestations`: the lead and every signature.
	pub(crate) fn ensure_can_submit_attestations(
		aggregator: &T::AccountId,
		batch: &[BatchItemOf<T>],
	) -> DispatchResult {
		ensure!(Self::current_lead().as_ref() == Some(aggregator), Error::<T>::NotLeadAggregator);
		let genesis = Self::genesis_hash();
		for (validator, attestation, signature) in batch {
			ensure!(
				signature.verify(&attestation.signing_payload(genesis)[..], validator),
				Error::<T>::AttestationSignatureInvalid
			);
		}
		Ok(())
	}

	/// Writes of `submit_attestations`: each item as `attest` (the call is transactional, so a
	/// failing item reverts the whole batch). Returns the items that decided a job.
	pub(crate) fn do_submit_attestations(
		batch: BoundedVec<BatchItemOf<T>, T::MaxBatch>,
	) -> Result<Vec<Attested>, DispatchError> {
		let mut decided = Vec::new();
		for (validator, attestation, _) in batch {
			let done = Self::attest_as(validator, attestation)?;
			if done.decided {
				decided.push(done);
			}
		}
		Ok(decided)
	}
}

/// Each refusal of [`check_attestation`] is the dispatch error of the same name.
impl<T> From<AttestationRejection> for Error<T> {
	fn from(rejection: AttestationRejection) -> Self {
		match rejection {
			AttestationRejection::NotInCommittee => Self::NotInCommittee,
			AttestationRejection::AlreadyAttested => Self::AlreadyAttested,
			AttestationRejection::ReexecutionDigestMissing => Self::ReexecutionDigestMissing,
			AttestationRejection::ReexecutionMismatch => Self::ReexecutionMismatch,
		}
	}
}
