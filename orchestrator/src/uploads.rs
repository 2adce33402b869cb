//! Who may store artifacts, and how much: the artifact store's admission (the hardening issue,
//! finding 9: anonymous uploads had no quota, and each buffered up to 16 MiB in memory).
//!
//! An upload is taken only when, in this order (each check before the body is read):
//! 1. it names its body's CID, its uploader's account and the uploader's sr25519 signature over
//!    `havn_primitives::proofs::artifact_upload_payload(genesis_hash, cid)`
//!    ([`verify_upload`]; headers `x-havn-cid`, `x-havn-uploader`, `x-havn-signature`, as
//!    `havn_client::artifacts::upload_headers` writes them);
//! 2. the chain knows the uploader as a participant: it holds a StakeGuard bond, or free
//!    balance of at least `ExecutionLog::JobDeposit`, the least a job holds (it can pay for one)
//!    ([`crate::api::ChainQueries::may_upload`]);
//! 3. the uploader has stored fewer than `--upload-quota-bytes` new bytes in the last
//!    [`QUOTA_WINDOW_MS`] (bytes already stored, by anyone, cost nothing: the store is
//!    content-addressed);
//! 4. fewer than `--max-concurrent-uploads` uploads are being read in all, and fewer than
//!    [`MAX_UPLOADS_PER_ACCOUNT`] by this uploader ([`UploadGate`]).
//!
//! The body must then hash to the CID it named. Refusals are typed (`ApiError`): 401
//! `upload_unauthenticated` / `upload_signature_invalid`, 403 `uploader_not_eligible`, 429
//! `upload_quota_exceeded` / `too_many_uploads`, 503 `uploads_busy`, 400 for a body that is
//! not the named CID; nothing is stored or counted on a refusal.

use crate::{accounts::parse_account, error::ApiError, pool::hex_bytes};
use axum::http::HeaderMap;
use havn_client::artifacts::{CID_HEADER, SIGNATURE_HEADER, UPLOADER_HEADER};
use havn_primitives::{cid, proofs::artifact_upload_payload, Digest};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex, PoisonError},
};
use subxt::utils::AccountId32;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The window of the per-account upload quota, in ms (24 h).
pub const QUOTA_WINDOW_MS: u64 = 24 * 3_600_000;

/// Most uploads one account may have in flight at once.
pub const MAX_UPLOADS_PER_ACCOUNT: u32 = 2;

/// An upload whose signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedUpload {
	/// The uploader.
	pub uploader: AccountId32,
	/// The CID the body must have (canonical text).
	pub cid: String,
}

/// Check an upload's headers and signature for the chain `genesis_hash`.
///
/// Errors: [`ApiError::UploadUnauthenticated`] when a header is missing,
/// [`ApiError::InvalidCid`] / [`ApiError::InvalidAccount`] / [`ApiError::InvalidField`] when one is
/// malformed, [`ApiError::UploadSignatureInvalid`] when the signature does not verify.
pub fn verify_upload(headers: &HeaderMap, genesis_hash: Digest) -> Result<SignedUpload, ApiError> {
	let header = |name: &'static str| -> Result<&str, ApiError> {
		let value = headers.get(name).ok_or(ApiError::UploadUnauthenticated)?;
		value.to_str().map_err(|_| ApiError::InvalidField {
			field: name,
			reason: "is not visible ASCII".into(),
		})
	};
	let cid = cid::parse(header(CID_HEADER)?).map_err(|e| ApiError::InvalidCid(e.to_string()))?;
	let uploader = parse_account(header(UPLOADER_HEADER)?)?;
	let signature = hex_bytes::<64>(SIGNATURE_HEADER, header(SIGNATURE_HEADER)?)?;
	let valid = subxt_signer::sr25519::verify(
		&subxt_signer::sr25519::Signature(signature),
		artifact_upload_payload(genesis_hash, &cid),
		&subxt_signer::sr25519::PublicKey(uploader.0),
	);
	if !valid {
		return Err(ApiError::UploadSignatureInvalid);
	}
	Ok(SignedUpload { uploader, cid })
}

/// The uploads being read: at most `total` at once, at most [`MAX_UPLOADS_PER_ACCOUNT`] per
/// account. A full gate refuses at once (no queue for an attacker to fill).
#[derive(Clone)]
pub struct UploadGate {
	total: Arc<Semaphore>,
	per_account: Arc<Mutex<HashMap<[u8; 32], u32>>>,
}

/// One admitted upload; dropping it frees its places.
pub struct UploadPermit {
	_total: OwnedSemaphorePermit,
	account: [u8; 32],
	per_account: Arc<Mutex<HashMap<[u8; 32], u32>>>,
}

impl UploadGate {
	/// A gate taking at most `total` uploads at once (1 at least).
	pub fn new(total: u32) -> Self {
		let total = usize::try_from(total).unwrap_or(1).clamp(1, Semaphore::MAX_PERMITS);
		Self { total: Arc::new(Semaphore::new(total)), per_account: Default::default() }
	}

	/// Admit an upload by `account`.
	///
	/// Errors: [`ApiError::TooManyUploads`] when the account has [`MAX_UPLOADS_PER_ACCOUNT`] in
	/// flight, [`ApiError::UploadsBusy`] when the gate is full.
	pub fn admit(&self, account: &AccountId32) -> Result<UploadPermit, ApiError> {
		let mut counts = self.per_account.lock().unwrap_or_else(PoisonError::into_inner);
		let mine = counts.get(&account.0).copied().unwrap_or(0);
		if mine >= MAX_UPLOADS_PER_ACCOUNT {
			return Err(ApiError::TooManyUploads { limit: MAX_UPLOADS_PER_ACCOUNT });
		}
		let total = self.total.clone().try_acquire_owned().map_err(|_| ApiError::UploadsBusy)?;
		counts.insert(account.0, mine.saturating_add(1));
		Ok(UploadPermit {
			_total: total,
			account: account.0,
			per_account: self.per_account.clone(),
		})
	}
}

impl Drop for UploadPermit {
	fn drop(&mut self) {
		let mut counts = self.per_account.lock().unwrap_or_else(PoisonError::into_inner);
		if let Some(n) = counts.get_mut(&self.account) {
			*n = n.saturating_sub(1);
			if *n == 0 {
				counts.remove(&self.account);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt_signer::sr25519::dev;

	fn headers(signer: &havn_client::Signer, genesis: Digest, cid: &str) -> HeaderMap {
		let mut map = HeaderMap::new();
		for (name, value) in havn_client::artifacts::upload_headers(signer, genesis, cid) {
			map.insert(name, value.parse().unwrap());
		}
		map
	}

	#[test]
	fn an_upload_is_signed_by_its_uploader_for_this_cid_on_this_chain() {
		let genesis = Digest::repeat_byte(7);
		let cid = cid::cid_of(b"bytes");
		let good = headers(&dev::alice(), genesis, &cid);
		let signed = verify_upload(&good, genesis).unwrap();
		assert_eq!(signed.uploader, dev::alice().public_key().to_account_id());
		assert_eq!(signed.cid, cid);
		// Another chain, another CID, another uploader named: refused.
		let refused =
			|h: &HeaderMap, g| matches!(verify_upload(h, g), Err(ApiError::UploadSignatureInvalid));
		assert!(refused(&good, Digest::repeat_byte(8)));
		let mut other_cid = good.clone();
		other_cid.insert(CID_HEADER, cid::cid_of(b"other").parse().unwrap());
		assert!(refused(&other_cid, genesis));
		let mut other_uploader = good.clone();
		let bob = havn_client::keys::ss58(&dev::bob().public_key().to_account_id());
		other_uploader.insert(UPLOADER_HEADER, bob.parse().unwrap());
		assert!(refused(&other_uploader, genesis));
		// Anonymous: unauthenticated.
		assert!(matches!(
			verify_upload(&HeaderMap::new(), genesis),
			Err(ApiError::UploadUnauthenticated)
		));
	}

	#[test]
	fn the_gate_bounds_uploads_in_all_and_per_account() {
		let gate = UploadGate::new(3);
		let (alice, bob, charlie) = (
			dev::alice().public_key().to_account_id(),
			dev::bob().public_key().to_account_id(),
			dev::charlie().public_key().to_account_id(),
		);
		let a1 = gate.admit(&alice).unwrap();
		let _a2 = gate.admit(&alice).unwrap();
		assert!(matches!(gate.admit(&alice), Err(ApiError::TooManyUploads { .. })));
		let _b1 = gate.admit(&bob).unwrap();
		assert!(matches!(gate.admit(&charlie), Err(ApiError::UploadsBusy)));
		drop(a1);
		let _c1 = gate.admit(&charlie).unwrap();
		assert!(matches!(gate.admit(&alice), Err(ApiError::UploadsBusy)));
	}
}
