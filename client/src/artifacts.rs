//! HTTP client of the orchestrator's content-addressed artifact store.
//!
//! `POST {base}/v1/artifacts` stores bytes and answers their CID; `GET {base}/v1/artifacts/{cid}`
//! returns them. Every download is checked against its CID (and, where the chain registered one,
//! its blake2-256 digest) before use, so a store that serves wrong bytes is caught, not trusted.
//!
//! Uploads are signed ([`ArtifactClient::with_uploader`]): the store takes bytes only from an
//! account the chain knows, charged to its quota. The request carries the CID of the body
//! ([`CID_HEADER`]), the uploader's account ([`UPLOADER_HEADER`]) and its sr25519 signature
//! over `havn_primitives::proofs::artifact_upload_payload(genesis_hash, cid)`
//! ([`SIGNATURE_HEADER`], 0x-hex).

use crate::{keys, ClientError, Signer};
use havn_primitives::{cid, proofs::artifact_upload_payload, Digest};

/// Request header of an upload: the CID of its body.
pub const CID_HEADER: &str = "x-havn-cid";
/// Request header of an upload: the uploader's account (SS58 or 0x-hex).
pub const UPLOADER_HEADER: &str = "x-havn-uploader";
/// Request header of an upload: the uploader's signature (0x-hex, 64 bytes).
pub const SIGNATURE_HEADER: &str = "x-havn-signature";

/// The headers that sign the upload of the artifact `cid` by `signer` to a store of the chain
/// `genesis_hash`: `[(CID_HEADER, cid), (UPLOADER_HEADER, SS58), (SIGNATURE_HEADER, 0x-hex)]`.
pub fn upload_headers(
	signer: &Signer,
	genesis_hash: Digest,
	cid: &str,
) -> [(&'static str, String); 3] {
	let signature = signer.sign(&artifact_upload_payload(genesis_hash, cid));
	[
		(CID_HEADER, cid.to_string()),
		(UPLOADER_HEADER, keys::ss58(&keys::account_of(signer))),
		(SIGNATURE_HEADER, format!("0x{}", hex::encode(signature.0))),
	]
}

/// Attempts of an upload while the store is busy ([`ArtifactClient::upload`]).
pub const UPLOAD_ATTEMPTS: u32 = 6;

/// Largest artifact a client downloads by default, in bytes (16 MiB).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A client of one artifact store.
#[derive(Clone)]
pub struct ArtifactClient {
	base: String,
	http: reqwest::Client,
	max_bytes: usize,
	/// Who signs uploads, for which chain (its genesis hash).
	uploader: Option<(Signer, Digest)>,
}

impl core::fmt::Debug for ArtifactClient {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("ArtifactClient")
			.field("base", &self.base)
			.field("max_bytes", &self.max_bytes)
			.field(
				"uploader",
				&self.uploader.as_ref().map(|(s, _)| keys::ss58(&keys::account_of(s))),
			)
			.finish()
	}
}

#[derive(serde::Deserialize)]
struct Stored {
	cid: String,
}

impl ArtifactClient {
	/// A client of the store at `base` (e.g. `http://127.0.0.1:8080`).
	pub fn new(base: &str) -> Self {
		Self {
			base: base.trim_end_matches('/').to_string(),
			http: reqwest::Client::new(),
			max_bytes: DEFAULT_MAX_BYTES,
			uploader: None,
		}
	}

	/// Sign uploads with `signer`'s account key for the chain `genesis_hash` (the store refuses
	/// unsigned uploads).
	pub fn with_uploader(mut self, signer: Signer, genesis_hash: Digest) -> Self {
		self.uploader = Some((signer, genesis_hash));
		self
	}

	/// Refuse downloads above `max_bytes`.
	pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
		self.max_bytes = max_bytes;
		self
	}

	/// The store's base URL.
	pub fn base(&self) -> &str {
		&self.base
	}

	/// Store `bytes`, signed by the uploader ([`Self::with_uploader`]; without one the store
	/// refuses the upload); returns their CID (checked against the local computation).
	///
	/// A store that is busy (`503 uploads_busy`) or reading this uploader's other uploads (`429
	/// too_many_uploads`) is asked again, up to [`UPLOAD_ATTEMPTS`] times over about 6 s; other
	/// refusals are final.
	pub async fn upload(&self, bytes: Vec<u8>, media_type: &str) -> Result<String, ClientError> {
		let expected = cid::cid_of(&bytes);
		let mut pause = std::time::Duration::from_millis(250);
		for attempt in 1..=UPLOAD_ATTEMPTS {
			let mut request = self
				.http
				.post(format!("{}/v1/artifacts", self.base))
				.header("content-type", media_type);
			if let Some((signer, genesis)) = &self.uploader {
				for (name, value) in upload_headers(signer, *genesis, &expected) {
					request = request.header(name, value);
				}
			}
			let resp = request
				.body(bytes.clone())
				.send()
				.await
				.map_err(|e| ClientError::Artifact(format!("upload to {}: {e}", self.base)))?;
			let status = resp.status();
			if !status.is_success() {
				let body = resp.text().await.unwrap_or_default();
				let busy = status == reqwest::StatusCode::SERVICE_UNAVAILABLE
					|| (status == reqwest::StatusCode::TOO_MANY_REQUESTS
						&& body.contains("\"too_many_uploads\""));
				if busy && attempt < UPLOAD_ATTEMPTS {
					tokio::time::sleep(pause).await;
					pause = (pause * 2).min(std::time::Duration::from_secs(2));
					continue;
				}
				return Err(ClientError::Artifact(format!("upload refused ({status}): {body}")));
			}
			let stored: Stored = resp
				.json()
				.await
				.map_err(|e| ClientError::Artifact(format!("upload answer: {e}")))?;
			if stored.cid != expected {
				return Err(ClientError::Artifact(format!(
					"store answered CID {} for content whose CID is {expected}",
					stored.cid
				)));
			}
			return Ok(expected);
		}
		Err(ClientError::Artifact(format!("upload to {}: the store stayed busy", self.base)))
	}

	/// Whether the store holds the artifact `cid` (`HEAD`, no body read).
	pub async fn exists(&self, cid: &str) -> Result<bool, ClientError> {
		let resp = self
			.http
			.head(format!("{}/v1/artifacts/{cid}", self.base))
			.send()
			.await
			.map_err(|e| ClientError::Artifact(format!("HEAD {cid}: {e}")))?;
		match resp.status() {
			s if s.is_success() => Ok(true),
			reqwest::StatusCode::NOT_FOUND => Ok(false),
			s => Err(ClientError::Artifact(format!("HEAD {cid}: HTTP {s}"))),
		}
	}

	/// Fetch the artifact `cid_text` (a CID, optionally as `ipfs://<cid>` or a URL ending in
	/// `/<cid>`) and check the bytes against it.
	pub async fn download(&self, cid_text: &str) -> Result<Vec<u8>, ClientError> {
		let cid =
			cid::parse(cid_from_uri(cid_text)).map_err(|e| ClientError::Artifact(e.to_string()))?;
		let mut resp = self
			.http
			.get(format!("{}/v1/artifacts/{cid}", self.base))
			.send()
			.await
			.map_err(|e| ClientError::Artifact(format!("download {cid}: {e}")))?;
		let status = resp.status();
		if status == reqwest::StatusCode::NOT_FOUND {
			return Err(ClientError::ArtifactNotFound(cid));
		}
		if !status.is_success() {
			return Err(ClientError::Artifact(format!("download {cid}: HTTP {status}")));
		}
		let mut bytes = Vec::new();
		while let Some(chunk) =
			resp.chunk().await.map_err(|e| ClientError::Artifact(format!("download {cid}: {e}")))?
		{
			if bytes.len() + chunk.len() > self.max_bytes {
				return Err(ClientError::Artifact(format!(
					"{cid} is larger than {} bytes",
					self.max_bytes
				)));
			}
			bytes.extend_from_slice(&chunk);
		}
		cid::verify(&cid, &bytes).map_err(|_| ClientError::ArtifactMismatch(cid.clone()))?;
		Ok(bytes)
	}

	/// Fetch `uri` and also check its blake2-256 digest against `digest` (the on-chain
	/// `manifest_hash` or `input_digest`).
	pub async fn download_checked(
		&self,
		uri: &str,
		digest: Digest,
	) -> Result<Vec<u8>, ClientError> {
		let bytes = self.download(uri).await?;
		check_digest(uri, &bytes, digest)?;
		Ok(bytes)
	}
}

/// Check that `bytes`, fetched from `uri`, have the blake2-256 `digest` the chain registered
/// (what [`ArtifactClient::download_checked`] does after downloading).
pub fn check_digest(uri: &str, bytes: &[u8], digest: Digest) -> Result<(), ClientError> {
	let actual = havn_primitives::manifest::manifest_digest(bytes);
	if actual != digest {
		return Err(ClientError::Artifact(format!(
			"{uri}: blake2-256 is {actual:?}, the chain registered {digest:?}"
		)));
	}
	Ok(())
}

/// The CID part of an artifact URI: `ipfs://<cid>`, `…/v1/artifacts/<cid>` or a bare CID.
pub fn cid_from_uri(uri: &str) -> &str {
	let uri = uri.strip_prefix("ipfs://").unwrap_or(uri);
	uri.rsplit('/').next().unwrap_or(uri)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn uri_forms() {
		let c = cid::cid_of(b"x");
		assert_eq!(cid_from_uri(&c), c);
		assert_eq!(cid_from_uri(&format!("ipfs://{c}")), c);
		assert_eq!(cid_from_uri(&format!("http://h:1/v1/artifacts/{c}")), c);
	}
}
