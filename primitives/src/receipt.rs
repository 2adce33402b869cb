//! Execution receipts and attestations, and the exact bytes that are signed.
//!
//! A node that ran a job signs a [`Receipt`] with the sr25519 key it registered in StakeGuard.
//! The signed bytes are the SCALE encoding of [`ReceiptPayload`]: a domain tag, the chain's
//! genesis hash and the receipt. Because the receipt carries the `job_id` and the payload carries
//! the genesis hash, a signature cannot be replayed on another job or on another chain; because
//! of the domain tag, it cannot be confused with an attestation or a transaction signature.
//!
//! Validators sign [`Attestation`]s the same way ([`AttestationPayload`]), with their account key,
//! so that the lead aggregator can submit other validators' attestations in one batch.

use crate::{Digest, JobId, WorkflowId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::BoundedVec;

/// Domain tag that prefixes every signed receipt.
pub const RECEIPT_DOMAIN: [u8; 16] = *b"havn/receipt/v1\0";
/// Domain tag that prefixes every signed attestation.
pub const ATTESTATION_DOMAIN: [u8; 16] = *b"havn/attest/v1\0\0";

/// Longest accepted content identifier, in bytes.
pub const MAX_CID_LEN: u32 = 96;
/// A content identifier: a CIDv1 in its canonical multibase string form (base32, `b` prefix),
/// as ASCII bytes, at most [`MAX_CID_LEN`] bytes.
pub type Cid = BoundedVec<u8, ConstU32<MAX_CID_LEN>>;

/// What an execution node signs after running a job.
///
/// SCALE layout, in order: `workflow_id: u64`, `job_id: u64`, `runtime_hash: [u8; 32]`,
/// `outputs_cid: Vec<u8>` (compact length prefix, ≤ 96 bytes), `latency_ms: u32`,
/// `energy_estimate: u64`.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Receipt {
	/// The workflow that ran.
	pub workflow_id: WorkflowId,
	/// The job it ran for.
	pub job_id: JobId,
	/// blake2-256 over the manifest digest, the input digest, the outputs digest and the executor
	/// version: re-executing the job on the same build reproduces it bit for bit.
	pub runtime_hash: H256,
	/// Where the outputs are stored (content-addressed).
	pub outputs_cid: Cid,
	/// Wall-clock execution time, in milliseconds.
	pub latency_ms: u32,
	/// Energy the run used, in millijoules (measured from GPU power where present, else
	/// estimated from CPU time; see the execution-node docs).
	pub energy_estimate: u64,
}

/// Domain tag of [`runtime_hash`].
pub const RUNTIME_HASH_DOMAIN: [u8; 16] = *b"havn/runtime/v1\0";

/// The `runtime_hash` of a run: `blake2_256` of the SCALE encoding of
/// `(RUNTIME_HASH_DOMAIN, manifest_hash, input_digest, blake2_256(outputs), executor_version)`.
///
/// `manifest_hash` and `input_digest` are the blake2-256 digests registered on-chain,
/// `outputs` the exact bytes of the outputs document (whose CID is `outputs_cid`) and
/// `executor_version` the executor build's version string. Two runs of the same job on the same
/// build give the same hash; an attestor re-executing a sampled job compares it with the
/// receipt's.
pub fn runtime_hash(
	manifest_hash: H256,
	input_digest: H256,
	outputs: &[u8],
	executor_version: &str,
) -> H256 {
	let outputs_digest = sp_io::hashing::blake2_256(outputs);
	H256(sp_io::hashing::blake2_256(
		&(RUNTIME_HASH_DOMAIN, manifest_hash, input_digest, outputs_digest, executor_version)
			.encode(),
	))
}

/// The bytes a node signs: `(RECEIPT_DOMAIN, genesis_hash, receipt)`, SCALE-encoded.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ReceiptPayload {
	/// Always [`RECEIPT_DOMAIN`].
	pub domain: [u8; 16],
	/// Genesis hash of the chain the receipt is for.
	pub genesis_hash: H256,
	/// The receipt.
	pub receipt: Receipt,
}

impl Receipt {
	/// The exact bytes to sign (and to verify) for this receipt on the chain whose genesis hash
	/// is `genesis_hash`.
	pub fn signing_payload(&self, genesis_hash: H256) -> Vec<u8> {
		ReceiptPayload { domain: RECEIPT_DOMAIN, genesis_hash, receipt: self.clone() }.encode()
	}

	/// Verify an sr25519 `signature` by `signer` over this receipt on the chain `genesis_hash`.
	pub fn verify(
		&self,
		genesis_hash: H256,
		signature: &sp_core::sr25519::Signature,
		signer: &sp_core::sr25519::Public,
	) -> bool {
		sp_io::crypto::sr25519_verify(signature, &self.signing_payload(genesis_hash), signer)
	}
}

/// A validator's verdict on a job's receipt(s).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Verdict {
	/// The receipt is well-formed, correctly signed and (if sampled) reproduced.
	Valid,
	/// The receipt is wrong: bad outputs, or a re-execution that did not reproduce it.
	Invalid,
}

/// Why an execution node gave a job back with `ExecutionLog::release` (recorded in the
/// `JobReleased` event; the chain cannot check off-chain evidence, so the reason is the node's
/// report, and releasing costs the node the job's fee, never reputation).
///
/// The idea: a node is held to account only for work it took on and could do (finding 1 of the
/// hardening issue, `docs/security.md`).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReleaseReason {
	/// The node will not take the job (busy: it could not start it in time).
	Declined,
	/// The manifest or the inputs could not be fetched from the artifact store.
	InputUnavailable,
	/// Fetched bytes do not match the manifest or input digest on chain.
	DigestMismatch,
	/// The executors refused the manifest or the inputs (malformed, or a step this node does
	/// not support).
	Unrunnable,
}

/// A validator's attestation of one job.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Attestation {
	/// The job attested.
	pub job_id: JobId,
	/// The verdict.
	pub verdict: Verdict,
	/// For a job sampled for re-execution: the `runtime_hash` the validator obtained by running
	/// the job again. A `Valid` verdict on a sampled job must carry the receipt's runtime hash.
	pub reexecution_digest: Option<Digest>,
}

/// The bytes a validator signs: `(ATTESTATION_DOMAIN, genesis_hash, attestation)`, SCALE-encoded.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct AttestationPayload {
	/// Always [`ATTESTATION_DOMAIN`].
	pub domain: [u8; 16],
	/// Genesis hash of the chain.
	pub genesis_hash: H256,
	/// The attestation.
	pub attestation: Attestation,
}

impl Attestation {
	/// The exact bytes to sign (and to verify) for this attestation on the chain `genesis_hash`.
	pub fn signing_payload(&self, genesis_hash: H256) -> Vec<u8> {
		AttestationPayload { domain: ATTESTATION_DOMAIN, genesis_hash, attestation: self.clone() }
			.encode()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	fn receipt(job_id: JobId) -> Receipt {
		Receipt {
			workflow_id: 7,
			job_id,
			runtime_hash: H256::repeat_byte(1),
			outputs_cid: b"bafkreiexample".to_vec().try_into().unwrap(),
			latency_ms: 120,
			energy_estimate: 5_000,
		}
	}

	#[test]
	fn signature_binds_job_and_chain() {
		let pair = sr25519::Pair::from_string("//Alice", None).unwrap();
		let genesis = H256::repeat_byte(9);
		let r = receipt(1);
		let sig = pair.sign(&r.signing_payload(genesis));
		assert!(r.verify(genesis, &sig, &pair.public()));
		// Replayed on another job.
		assert!(!receipt(2).verify(genesis, &sig, &pair.public()));
		// Replayed on another chain.
		assert!(!r.verify(H256::repeat_byte(8), &sig, &pair.public()));
		// Signed by someone else.
		let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
		assert!(!r.verify(genesis, &sig, &bob.public()));
	}

	#[test]
	fn payload_layout_is_stable() {
		let r = receipt(1);
		let bytes = r.signing_payload(H256::zero());
		assert_eq!(&bytes[..16], &RECEIPT_DOMAIN);
		assert_eq!(&bytes[16..48], H256::zero().as_bytes());
		assert_eq!(&bytes[48..], r.encode().as_slice());
	}

	#[test]
	fn attestation_and_receipt_domains_differ() {
		assert_ne!(RECEIPT_DOMAIN, ATTESTATION_DOMAIN);
	}
}
