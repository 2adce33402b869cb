//! The attestation pool of the lead aggregator.
//!
//! Validators post their signed attestations here; the lead aggregator of the epoch fetches the
//! pending ones and submits them in one `ExecutionLog::submit_attestations` batch. A posted
//! attestation is accepted only if its sr25519 signature verifies, with the validator's account
//! key, over [`havn_primitives::Attestation::signing_payload`] with this chain's genesis hash,
//! exactly as the chain checks batched attestations. The indexer marks an attestation included
//! when its verdict appears on-chain (`AttestationSubmitted`).
//!
//! The pool is bounded (the hardening issue's finding 8: 200 self-signed attestations by
//! non-validators, for jobs that did not exist, were stored forever and served unpaged to every
//! lead each block):
//! - only jobs the index holds, in a phase that takes verdicts, from a member of the deciding
//!   committee (so only active validators);
//! - at most [`MAX_PENDING_PER_VALIDATOR`] pending attestations per validator;
//! - pending attestations older than [`POOL_TTL_MS`], or of jobs that closed, are dropped;
//! - `GET /v1/attestations/pending` pages, at most [`PENDING_PAGE_MAX`] items a page.

use crate::{accounts::parse_account, error::ApiError, views::PooledAttestation};
use havn_primitives::{Attestation, Digest, JobId, Verdict};
use serde::Deserialize;
use utoipa::ToSchema;

/// Longest a pending attestation stays in the pool, in ms (1 h): a job takes verdicts for a few
/// blocks, so an attestation not on-chain by then never will be.
pub const POOL_TTL_MS: u64 = 3_600_000;

/// Most attestations one validator may have pending at once.
pub const MAX_PENDING_PER_VALIDATOR: u32 = 1_024;

/// Items of a `GET /v1/attestations/pending` page when `limit` is not given.
pub const PENDING_PAGE_DEFAULT: u32 = 256;

/// Most items of a `GET /v1/attestations/pending` page.
pub const PENDING_PAGE_MAX: u32 = 1_024;

/// `POST /v1/attestations` body.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestationRequest {
	/// The validator's account (SS58); its public key checks the signature.
	pub validator: String,
	/// The job attested.
	pub job_id: JobId,
	/// `valid` or `invalid`.
	#[schema(value_type = String, example = "valid")]
	pub verdict: Verdict,
	/// For a sampled job: the runtime hash reproduced, 0x-hex (32 bytes).
	pub reexecution_digest: Option<String>,
	/// sr25519 signature over the attestation's signing payload, 0x-hex (64 bytes).
	pub signature: String,
}

/// Decode `0x`-prefixed (or bare) hex of exactly `N` bytes.
pub fn hex_bytes<const N: usize>(field: &'static str, s: &str) -> Result<[u8; N], ApiError> {
	let digits = s.strip_prefix("0x").unwrap_or(s);
	let bytes = hex::decode(digits)
		.map_err(|e| ApiError::InvalidField { field, reason: format!("not hex: {e}") })?;
	<[u8; N]>::try_from(bytes.as_slice()).map_err(|_| ApiError::InvalidField {
		field,
		reason: format!("expected {N} bytes, got {}", bytes.len()),
	})
}

/// Check `request`'s fields and signature for the chain `genesis_hash`; return the pool row.
pub fn verify_attestation(
	request: &AttestationRequest,
	genesis_hash: [u8; 32],
	received_at_ms: u64,
) -> Result<PooledAttestation, ApiError> {
	// The index stores job ids as SQLite INTEGER (i64): a larger id can name no job it holds.
	if i64::try_from(request.job_id).is_err() {
		return Err(ApiError::InvalidField {
			field: "job_id",
			reason: format!(
				"{} is above 2^63 - 1, the largest job id the index holds",
				request.job_id
			),
		});
	}
	let validator = parse_account(&request.validator)?;
	let digest = request
		.reexecution_digest
		.as_deref()
		.map(|d| hex_bytes::<32>("reexecution_digest", d))
		.transpose()?;
	let signature = hex_bytes::<64>("signature", &request.signature)?;
	let attestation = Attestation {
		job_id: request.job_id,
		verdict: request.verdict,
		reexecution_digest: digest.map(Digest::from),
	};
	let payload = attestation.signing_payload(Digest::from(genesis_hash));
	let valid = subxt_signer::sr25519::verify(
		&subxt_signer::sr25519::Signature(signature),
		&payload,
		&subxt_signer::sr25519::PublicKey(validator.0),
	);
	if !valid {
		return Err(ApiError::InvalidSignature);
	}
	Ok(PooledAttestation {
		job_id: request.job_id,
		validator: validator.to_string(),
		verdict: attestation.verdict.to_string(),
		reexecution_digest: digest.map(|d| format!("0x{}", hex::encode(d))),
		signature: format!("0x{}", hex::encode(signature)),
		received_at_ms,
		included_block: None,
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt_signer::sr25519::dev;

	fn signed(genesis: [u8; 32], job_id: u64, digest: Option<[u8; 32]>) -> AttestationRequest {
		let bob = dev::bob();
		let attestation = Attestation {
			job_id,
			verdict: Verdict::Valid,
			reexecution_digest: digest.map(Digest::from),
		};
		let sig = bob.sign(&attestation.signing_payload(Digest::from(genesis)));
		AttestationRequest {
			validator: bob.public_key().to_account_id().to_string(),
			job_id,
			verdict: Verdict::Valid,
			reexecution_digest: digest.map(|d| format!("0x{}", hex::encode(d))),
			signature: format!("0x{}", hex::encode(sig.0)),
		}
	}

	#[test]
	fn accepts_a_good_signature_and_refuses_forgeries() {
		let genesis = [7u8; 32];
		let good = signed(genesis, 4, Some([1; 32]));
		let row = verify_attestation(&good, genesis, 10).unwrap();
		assert_eq!(row.validator, dev::bob().public_key().to_account_id().to_string());
		assert_eq!(row.verdict, "valid");

		// Another chain.
		assert!(matches!(verify_attestation(&good, [8; 32], 10), Err(ApiError::InvalidSignature)));
		// Another verdict, job or digest than signed.
		let mut flipped = good.clone();
		flipped.verdict = Verdict::Invalid;
		assert!(matches!(
			verify_attestation(&flipped, genesis, 10),
			Err(ApiError::InvalidSignature)
		));
		let mut other_job = good.clone();
		other_job.job_id = 5;
		assert!(matches!(
			verify_attestation(&other_job, genesis, 10),
			Err(ApiError::InvalidSignature)
		));
		let mut no_digest = good.clone();
		no_digest.reexecution_digest = None;
		assert!(matches!(
			verify_attestation(&no_digest, genesis, 10),
			Err(ApiError::InvalidSignature)
		));
		// Claimed by another validator.
		let mut alice = good.clone();
		alice.validator = dev::alice().public_key().to_account_id().to_string();
		assert!(matches!(verify_attestation(&alice, genesis, 10), Err(ApiError::InvalidSignature)));
		// Malformed fields.
		let mut short = good.clone();
		short.signature = "0x1234".into();
		assert!(matches!(
			verify_attestation(&short, genesis, 10),
			Err(ApiError::InvalidField { field: "signature", .. })
		));
		let mut bad_account = good;
		bad_account.validator = "not-an-account".into();
		assert!(matches!(
			verify_attestation(&bad_account, genesis, 10),
			Err(ApiError::InvalidAccount(_))
		));
	}
}
