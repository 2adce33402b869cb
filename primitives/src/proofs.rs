//! # Proofs that bind a value to the account that registers it
//!
//! Two registrations were open to squatting because the chain could not tell the rightful owner
//! of a value from whoever submitted it first (the hardening issue, findings 5 and 7):
//!
//! - **Manifest commitments** (commit-reveal publication, as ENS registers names and Bittensor
//!   commits weights). A creator first commits to `blake2_256(MANIFEST_COMMITMENT_DOMAIN ‖
//!   publisher ‖ manifest_hash)` with `WorkflowRegistry::commit_manifest`, then publishes the
//!   manifest in a later block. The commitment reveals nothing about the digest, and it names the
//!   publisher, so someone who learns the digest afterwards (from the transaction pool, or from
//!   the artifact store) cannot publish it: their own commitment would be newer than the block
//!   the rightful publisher reveals in, or not exist at all.
//! - **Receipt key proof of possession.** `StakeGuard::register_node` takes a signature by the
//!   receipt key over `(RECEIPT_KEY_DOMAIN, genesis_hash, account)`, so only the holder of the
//!   key's secret can register it, and only for its own account, on this chain.
//!
//! - **Artifact uploads** (off chain). The orchestrator's artifact store takes an upload only
//!   with the uploader's signature over `(ARTIFACT_UPLOAD_DOMAIN, genesis_hash, cid)`
//!   ([`artifact_upload_payload`]), so every stored byte is charged to an account the chain
//!   knows (the hardening issue, finding 9). A replayed signature can only store the same bytes
//!   again, which the content-addressed store keeps once.
//!
//! The byte layouts are SCALE encodings; the domain tags keep them apart from each other and
//! from receipts, attestations and transaction signatures.

use crate::Digest;
use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;

/// Domain tag of a manifest commitment.
pub const MANIFEST_COMMITMENT_DOMAIN: [u8; 16] = *b"havn/commit/v1\0\0";
/// Domain tag of a receipt key's proof of possession.
pub const RECEIPT_KEY_DOMAIN: [u8; 16] = *b"havn/rkey/v1\0\0\0\0";
/// Domain tag of an artifact upload's signature.
pub const ARTIFACT_UPLOAD_DOMAIN: [u8; 16] = *b"havn/upload/v1\0\0";

/// The commitment `publisher` makes before publishing `manifest_hash`:
/// `blake2_256(SCALE(MANIFEST_COMMITMENT_DOMAIN, publisher, manifest_hash))`.
///
/// ```
/// use havn_primitives::{proofs::manifest_commitment, Digest};
/// let digest = Digest::repeat_byte(7);
/// // Bound to the publisher: another account's commitment to the same digest differs.
/// assert_ne!(manifest_commitment(&[1u8; 32], &digest), manifest_commitment(&[2u8; 32], &digest));
/// ```
pub fn manifest_commitment<A: Encode>(publisher: &A, manifest_hash: &Digest) -> H256 {
	H256::from(sp_io::hashing::blake2_256(
		&(MANIFEST_COMMITMENT_DOMAIN, publisher, manifest_hash).encode(),
	))
}

/// The bytes a receipt key signs to prove that `account` holds it on the chain `genesis_hash`:
/// `SCALE(RECEIPT_KEY_DOMAIN, genesis_hash, account)`.
pub fn receipt_key_proof_payload<A: Encode>(account: &A, genesis_hash: H256) -> Vec<u8> {
	(RECEIPT_KEY_DOMAIN, genesis_hash, account).encode()
}

/// Whether `proof` is `receipt_key`'s sr25519 signature over
/// [`receipt_key_proof_payload`]`(account, genesis_hash)`.
pub fn verify_receipt_key_proof<A: Encode>(
	receipt_key: &sp_core::sr25519::Public,
	proof: &sp_core::sr25519::Signature,
	account: &A,
	genesis_hash: H256,
) -> bool {
	sp_io::crypto::sr25519_verify(
		proof,
		&receipt_key_proof_payload(account, genesis_hash),
		receipt_key,
	)
}

/// The bytes an uploader's account key signs to store the artifact `cid` (its CID text, as
/// `crate::cid::cid_of` writes it) in an artifact store of the chain `genesis_hash`:
/// `SCALE(ARTIFACT_UPLOAD_DOMAIN, genesis_hash, cid)`.
pub fn artifact_upload_payload(genesis_hash: H256, cid: &str) -> Vec<u8> {
	(ARTIFACT_UPLOAD_DOMAIN, genesis_hash, cid.as_bytes()).encode()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	#[test]
	fn a_proof_binds_the_key_to_one_account_on_one_chain() {
		let key = sr25519::Pair::from_string("//NodeKey", None).unwrap();
		let (alice, mallory) = ([1u8; 32], [2u8; 32]);
		let genesis = H256::repeat_byte(9);
		let proof = key.sign(&receipt_key_proof_payload(&alice, genesis));
		assert!(verify_receipt_key_proof(&key.public(), &proof, &alice, genesis));
		// Not for another account, not on another chain, not by another key.
		assert!(!verify_receipt_key_proof(&key.public(), &proof, &mallory, genesis));
		assert!(!verify_receipt_key_proof(&key.public(), &proof, &alice, H256::repeat_byte(8)));
		let other = sr25519::Pair::from_string("//Other", None).unwrap();
		let forged = other.sign(&receipt_key_proof_payload(&alice, genesis));
		assert!(!verify_receipt_key_proof(&key.public(), &forged, &alice, genesis));
	}
}
