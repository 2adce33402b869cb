//! HTTP client of the orchestrator's content-addressed artifact store.
//!
//! `POST {base}/v1/artifacts` stores bytes and answers their CID; `GET {base}/v1/artifacts/{cid}`
//! returns them. Every download is checked against its CID (and, where the chain registered one,
//! its blake2-256 digest) before use, so a store that serves wrong bytes is caught, not trusted.

use crate::ClientError;
use havn_primitives::{cid, Digest};

/// Largest artifact a client downloads by default, in bytes (16 MiB).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A client of one artifact store.
#[derive(Clone, Debug)]
pub struct ArtifactClient {
	base: String,
	http: reqwest::Client,
	max_bytes: usize,
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
		}
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

	/// Store `bytes`; returns their CID (checked against the local computation).
	pub async fn upload(&self, bytes: Vec<u8>, media_type: &str) -> Result<String, ClientError> {
		let expected = cid::cid_of(&bytes);
		let resp = self
			.http
			.post(format!("{}/v1/artifacts", self.base))
			.header("content-type", media_type)
			.body(bytes)
			.send()
			.await
			.map_err(|e| ClientError::Artifact(format!("upload to {}: {e}", self.base)))?;
		let status = resp.status();
		if !status.is_success() {
			let body = resp.text().await.unwrap_or_default();
			return Err(ClientError::Artifact(format!("upload refused ({status}): {body}")));
		}
		let stored: Stored =
			resp.json().await.map_err(|e| ClientError::Artifact(format!("upload answer: {e}")))?;
		if stored.cid != expected {
			return Err(ClientError::Artifact(format!(
				"store answered CID {} for content whose CID is {expected}",
				stored.cid
			)));
		}
		Ok(expected)
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
