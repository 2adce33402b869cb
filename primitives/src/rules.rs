//! # Chain rules
//!
//! Pure rules of the ExecutionLog pallet that the runtime and the off-chain services (the
//! `havn-exec` validator daemon, the orchestrator) must apply identically. They live here so that
//! both sides call the same code instead of keeping copies in step: nothing in this module reads
//! storage, every input is passed in, and everything is `no_std` (`core` only).
//!
//! - [`reference_hash`]: the runtime hash a job is judged against (the "Reference hash" of the
//!   ExecutionLog crate docs).
//! - [`check_attestation`]: whether a committee member's attestation of a job can be accepted,
//!   and if not, why ([`AttestationRejection`]); the ExecutionLog's `attest` (and every item of
//!   a lead aggregator's batch) applies it, so an off-chain aggregator that applies it too never
//!   submits an item that fails the whole batch.

use crate::{Attestation, Digest, Verdict};

/// The reference runtime hash of a job: the digest that most of its receipts carry; the earliest
/// receipt wins a tie. `None` when there is no receipt yet.
///
/// `receipts` are `(node, runtime_hash)` pairs in the order the chain accepted them (the
/// ExecutionLog's `Job::receipts`); the node `A` is not looked at, so any account type (or a
/// placeholder) works. Quadratic in the number of receipts, which is at most the job's
/// redundancy.
///
/// This is the rule of the ExecutionLog crate docs ("Reference hash"): on a sampled job a `Valid`
/// verdict must carry it as its re-execution digest (see [`check_attestation`]), and on a valid
/// quorum only the nodes whose receipt matches it are paid.
///
/// ```
/// use havn_primitives::{rules::reference_hash, Digest};
/// let (a, b) = (Digest::repeat_byte(1), Digest::repeat_byte(2));
/// // The most common digest wins...
/// assert_eq!(reference_hash(&[(1, a), (2, b), (3, b)]), Some(b));
/// // ...and a tie goes to the earliest receipt.
/// assert_eq!(reference_hash(&[(2, b), (1, a)]), Some(b));
/// assert_eq!(reference_hash::<u8>(&[]), None);
/// ```
pub fn reference_hash<A>(receipts: &[(A, Digest)]) -> Option<Digest> {
	let mut best: Option<(Digest, usize)> = None;
	for (_, hash) in receipts {
		let count = receipts.iter().filter(|(_, h)| h == hash).count();
		match best {
			Some((_, c)) if c >= count => {}
			_ => best = Some((*hash, count)),
		}
	}
	best.map(|(h, _)| h)
}

/// Why [`check_attestation`] refuses an attestation. The ExecutionLog maps each variant to its
/// dispatch error of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttestationRejection {
	/// The validator is not on the job's deciding committee.
	NotInCommittee,
	/// The validator already gave its verdict on the job (to this committee).
	AlreadyAttested,
	/// A `Valid` verdict on a job that must be re-executed carries no re-execution digest.
	ReexecutionDigestMissing,
	/// The re-execution digest differs from the job's reference hash.
	ReexecutionMismatch,
}

/// Whether `validator` may give `attestation` on a job now, given the job's deciding committee.
///
/// Inputs, all about the job that `attestation.job_id` names (this function does not look at the
/// id; the caller picked the job by it and checked that the job is being decided):
/// - `committee`: the deciding committee (the attestation committee while the job is
///   `Attesting`, the adjudication committee while it is `Challenged`);
/// - `voted`: the members that already gave a verdict to that committee;
/// - `must_reexecute`: whether a `Valid` verdict must carry a re-execution digest (the job was
///   sampled, or it is being adjudicated: adjudicators always re-execute);
/// - `reference`: the job's [`reference_hash`].
///
/// The checks, in this order (the first that fails is returned):
/// 1. `validator` is in `committee`, else [`AttestationRejection::NotInCommittee`];
/// 2. `validator` is not in `voted`, else [`AttestationRejection::AlreadyAttested`];
/// 3. for a `Valid` verdict only: without a digest, `must_reexecute` is false, else
///    [`AttestationRejection::ReexecutionDigestMissing`]; with a digest, it equals `reference`,
///    else [`AttestationRejection::ReexecutionMismatch`] (a digest is checked even when
///    re-execution was not required). An `Invalid` verdict needs no digest and its digest is not
///    checked.
///
/// These are the ExecutionLog's `ensure_can_attest` checks after its phase check, in its order.
///
/// ```
/// use havn_primitives::{
///     rules::{check_attestation, AttestationRejection},
///     Attestation, Digest, Verdict,
/// };
/// let reference = Some(Digest::repeat_byte(9));
/// let valid = |d| Attestation { job_id: 7, verdict: Verdict::Valid, reexecution_digest: d };
/// // Member 2 of committee [1, 2, 3], where 3 already voted, on a sampled job.
/// let check = |who, a: &Attestation| {
///     check_attestation(&who, a, &[1, 2, 3], &[3], true, reference)
/// };
/// assert_eq!(check(2, &valid(reference)), Ok(()));
/// assert_eq!(check(2, &valid(None)), Err(AttestationRejection::ReexecutionDigestMissing));
/// assert_eq!(check(3, &valid(reference)), Err(AttestationRejection::AlreadyAttested));
/// assert_eq!(check(4, &valid(reference)), Err(AttestationRejection::NotInCommittee));
/// ```
pub fn check_attestation<'a, A: PartialEq + 'a>(
	validator: &A,
	attestation: &Attestation,
	committee: &[A],
	voted: impl IntoIterator<Item = &'a A>,
	must_reexecute: bool,
	reference: Option<Digest>,
) -> Result<(), AttestationRejection> {
	if !committee.iter().any(|m| m == validator) {
		return Err(AttestationRejection::NotInCommittee);
	}
	if voted.into_iter().any(|m| m == validator) {
		return Err(AttestationRejection::AlreadyAttested);
	}
	if attestation.verdict == Verdict::Valid {
		match attestation.reexecution_digest {
			None if must_reexecute => return Err(AttestationRejection::ReexecutionDigestMissing),
			Some(digest) if Some(digest) != reference => {
				return Err(AttestationRejection::ReexecutionMismatch)
			}
			_ => {}
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn h(b: u8) -> Digest {
		Digest::repeat_byte(b)
	}

	#[test]
	fn reference_hash_follows_the_chain_order() {
		// Most common wins.
		assert_eq!(reference_hash(&[(1, h(1)), (2, h(2)), (3, h(2))]), Some(h(2)));
		// A tie goes to the earliest receipt the chain accepted, whatever the node order.
		assert_eq!(reference_hash(&[(2, h(2)), (1, h(1))]), Some(h(2)));
		assert_eq!(reference_hash(&[(1, h(1)), (2, h(2))]), Some(h(1)));
		assert_eq!(reference_hash::<u8>(&[]), None);
	}

	#[test]
	fn reference_hash_of_agreeing_receipts_is_their_digest() {
		assert_eq!(reference_hash(&[(1, h(5))]), Some(h(5)));
		assert_eq!(reference_hash(&[(1, h(5)), (2, h(5)), (3, h(5))]), Some(h(5)));
		// A later majority beats an earlier single receipt.
		assert_eq!(reference_hash(&[(1, h(1)), (2, h(2)), (3, h(3)), (4, h(3))]), Some(h(3)));
	}

	fn att(verdict: Verdict, digest: Option<Digest>) -> Attestation {
		Attestation { job_id: 7, verdict, reexecution_digest: digest }
	}

	/// Member `who` of committee `[1, 2, 3]` where `3` already voted, reference `h(9)`.
	fn check(who: u8, a: &Attestation, must_reexecute: bool) -> Result<(), AttestationRejection> {
		check_attestation(&who, a, &[1, 2, 3], [3u8].iter(), must_reexecute, Some(h(9)))
	}

	#[test]
	fn accepts_what_the_chain_accepts() {
		for must in [false, true] {
			assert_eq!(check(1, &att(Verdict::Valid, Some(h(9))), must), Ok(()));
			assert_eq!(check(1, &att(Verdict::Invalid, None), must), Ok(()));
			// The digest of an `Invalid` verdict is not checked.
			assert_eq!(check(2, &att(Verdict::Invalid, Some(h(8))), must), Ok(()));
		}
		// Without re-execution a `Valid` verdict needs no digest.
		assert_eq!(check(1, &att(Verdict::Valid, None), false), Ok(()));
	}

	#[test]
	fn refuses_in_the_chain_order() {
		use AttestationRejection::*;
		let valid = |d| att(Verdict::Valid, d);
		assert_eq!(check(4, &valid(None), true), Err(NotInCommittee));
		assert_eq!(check(4, &valid(Some(h(8))), true), Err(NotInCommittee));
		assert_eq!(check(3, &valid(None), true), Err(AlreadyAttested));
		assert_eq!(check(3, &att(Verdict::Invalid, None), false), Err(AlreadyAttested));
		assert_eq!(check(1, &valid(None), true), Err(ReexecutionDigestMissing));
		assert_eq!(check(1, &valid(Some(h(8))), true), Err(ReexecutionMismatch));
		// A wrong digest is refused even where re-execution was not required.
		assert_eq!(check(1, &valid(Some(h(8))), false), Err(ReexecutionMismatch));
		// Before any receipt there is no reference: every digest mismatches.
		assert_eq!(
			check_attestation(&1, &valid(Some(h(9))), &[1], [].iter(), false, None),
			Err(ReexecutionMismatch)
		);
		// An empty committee admits no one.
		assert_eq!(
			check_attestation(&1, &att(Verdict::Invalid, None), &[], [].iter(), false, None),
			Err(NotInCommittee)
		);
	}
}
