//! The client of the orchestrator's attestation pool (`POST /v1/attestations`,
//! `GET /v1/attestations/pending`), and pooled items as `submit_attestations` batch items.

use crate::Shared;
use anyhow::anyhow;
use havn_client::{
	api::runtime_types::sp_runtime::MultiSignature, keys, subxt::utils::AccountId32,
	subxt_signer::sr25519, Static,
};
use havn_primitives::{Attestation, Digest, JobId, Verdict};

/// The JSON the orchestrator's attestation pool takes and serves (its `AttestationRequest`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PoolItem {
	/// SS58 of the validator.
	pub validator: String,
	/// The job.
	pub job_id: JobId,
	/// `valid` or `invalid`.
	pub verdict: Verdict,
	/// `0x…` (32 bytes) or null.
	pub reexecution_digest: Option<Digest>,
	/// `0x…`, 64 bytes.
	pub signature: String,
}

impl PoolItem {
	/// The pool item of `attestation`, signed by `validator` with `signature`.
	pub fn new(
		validator: &AccountId32,
		attestation: &Attestation,
		signature: &sr25519::Signature,
	) -> Self {
		Self {
			validator: keys::ss58(validator),
			job_id: attestation.job_id,
			verdict: attestation.verdict,
			reexecution_digest: attestation.reexecution_digest,
			signature: format!("0x{}", hex::encode(signature.0)),
		}
	}
}

/// One item of an `ExecutionLog::submit_attestations` batch.
pub type BatchItem = (AccountId32, Static<Attestation>, MultiSignature);

/// An sr25519 signature as the runtime's `MultiSignature`.
pub fn multisig(signature: sr25519::Signature) -> MultiSignature {
	MultiSignature::Sr25519(signature.0)
}

/// A pool item as a batch item, with the attestation it carries.
pub fn decode_item(p: &PoolItem) -> anyhow::Result<(BatchItem, Attestation)> {
	let validator = keys::parse_account(&p.validator)?;
	let sig: [u8; 64] = hex::decode(p.signature.trim_start_matches("0x"))?
		.try_into()
		.map_err(|_| anyhow!("signature is not 64 bytes"))?;
	let attestation = Attestation {
		job_id: p.job_id,
		verdict: p.verdict,
		reexecution_digest: p.reexecution_digest,
	};
	Ok(((validator, Static(attestation.clone()), multisig(sr25519::Signature(sig))), attestation))
}

/// Hand a signed attestation to the pool; whether the pool took it (refusals and an
/// unreachable pool are logged: the caller's direct fallback covers them).
pub async fn post(shared: &Shared, item: &PoolItem) -> bool {
	let job_id = item.job_id;
	let posted = shared
		.http
		.post(format!("{}/v1/attestations", shared.config.orchestrator))
		.json(item)
		.send()
		.await;
	match posted {
		Ok(r) if r.status().is_success() => {
			tracing::info!(job_id, "attestation pooled for the lead");
			true
		}
		Ok(r) => {
			tracing::warn!(job_id, status = %r.status(), "pool refused the attestation");
			false
		}
		Err(e) => {
			tracing::warn!(job_id, error = %e, "pool unreachable");
			false
		}
	}
}

/// The pooled attestations not yet on-chain, of `job_id` or of every job (empty if the pool is
/// unreachable). Malformed items are skipped one by one.
pub async fn fetch_pending(shared: &Shared, job_id: Option<JobId>) -> Vec<PoolItem> {
	let mut url = format!("{}/v1/attestations/pending", shared.config.orchestrator);
	if let Some(job_id) = job_id {
		url.push_str(&format!("?job_id={job_id}"));
	}
	let Ok(resp) = shared.http.get(url).send().await else { return Vec::new() };
	if !resp.status().is_success() {
		return Vec::new();
	}
	let items = resp.json::<PendingList>().await.map(|l| l.items).unwrap_or_default();
	parse_items(items)
}

/// The well-formed items of a pending list.
pub fn parse_items(items: Vec<serde_json::Value>) -> Vec<PoolItem> {
	items
		.into_iter()
		.filter_map(|v| match serde_json::from_value(v) {
			Ok(item) => Some(item),
			Err(e) => {
				tracing::warn!(error = %e, "skipping a malformed pooled attestation");
				None
			}
		})
		.collect()
}

#[derive(serde::Deserialize)]
struct PendingList {
	items: Vec<serde_json::Value>,
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	pub fn h(b: u8) -> Digest {
		Digest::repeat_byte(b)
	}

	#[test]
	fn pool_items_round_trip_and_bad_ones_are_refused() {
		let bob = keys::signer_from_suri("//Bob").unwrap();
		let attestation =
			Attestation { job_id: 7, verdict: Verdict::Valid, reexecution_digest: Some(h(9)) };
		let sig = bob.sign(&attestation.signing_payload(h(0)));
		let item = PoolItem::new(&keys::account_of(&bob), &attestation, &sig);
		// The JSON has exactly the orchestrator's `AttestationRequest` fields and forms.
		let json = serde_json::to_value(&item).unwrap();
		let mut keys_of: Vec<&str> = json.as_object().unwrap().keys().map(|k| k.as_str()).collect();
		keys_of.sort();
		assert_eq!(keys_of, ["job_id", "reexecution_digest", "signature", "validator", "verdict"]);
		assert_eq!(json["verdict"], "valid");
		assert_eq!(json["reexecution_digest"], format!("0x{}", hex::encode(h(9))));
		let ((validator, generated, signature), decoded) = decode_item(&item).unwrap();
		assert_eq!(decoded, attestation);
		assert_eq!(validator, keys::account_of(&bob));
		assert_eq!(generated.0, attestation);
		let MultiSignature::Sr25519(bytes) = signature else { panic!("not sr25519") };
		assert_eq!(bytes, sig.0);
		// A malformed verdict or digest is refused when the pool's list is read, item by item.
		let with = |field: &str, value: serde_json::Value| {
			let mut v = json.clone();
			v[field] = value;
			v
		};
		let parsed = parse_items(vec![
			with("verdict", "maybe".into()),
			with("reexecution_digest", "0x12".into()),
			json.clone(),
		]);
		assert_eq!(parsed.len(), 1);
		// A bad signature or account is refused as a batch item.
		for bad in [
			PoolItem { signature: "0x00".into(), ..item.clone() },
			PoolItem { validator: "bob".into(), ..item.clone() },
		] {
			assert!(decode_item(&bad).is_err());
		}
	}
}
