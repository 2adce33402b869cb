//! `POST /v1/artifacts`, `GET` and `HEAD /v1/artifacts/{cid}`.

use super::{extract::ApiPath, now_ms, AppState};
use crate::{
	error::{ApiError, ErrorBody},
	uploads::{verify_upload, SignedUpload, UploadPermit, QUOTA_WINDOW_MS},
	views::ArtifactStored,
};
use axum::{
	body::Body,
	extract::State,
	http::{header, HeaderMap, HeaderValue, Method, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use futures::StreamExt;
use havn_client::artifacts::CID_HEADER;

/// Media type recorded when the upload names none (or an unusable one).
const DEFAULT_MEDIA_TYPE: &str = "application/octet-stream";
/// Longest recorded media type, bytes.
const MAX_MEDIA_TYPE_LEN: usize = 255;
/// The response header that reports the media type the uploader declared (artifacts are always
/// served as [`DEFAULT_MEDIA_TYPE`]).
pub const MEDIA_TYPE_HEADER: &str = "x-havn-media-type";

/// An artifact's bytes on the wire: the raw body, not JSON. The OpenAPI document describes it
/// as `type: string, format: binary` (a `Vec<u8>` would read as a JSON array of integers, and a
/// client generated from that would store the wrong bytes under the wrong CID).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ArtifactBytes(pub Vec<u8>);

/// Store the raw request body under its CID, signed by its uploader.
///
/// The uploader signs the CID of the body (see [`crate::uploads`] for who may upload and how
/// much); every check runs before the body is read, and the body must then hash to the CID
/// named. Idempotent: uploading the same bytes again (even concurrently) answers the same CID,
/// and bytes already stored cost no quota.
#[utoipa::path(
	post,
	path = "/v1/artifacts",
	tag = "artifacts",
	params(
		("x-havn-cid" = String, Header, description = "CID of the body (CIDv1, raw, sha2-256, base32)"),
		("x-havn-uploader" = String, Header, description = "The uploader's account (SS58 or 0x-hex)"),
		("x-havn-signature" = String, Header, description = "The uploader's sr25519 signature \
			over `SCALE(\"havn/upload/v1\\0\\0\", genesis_hash, cid)`, 0x-hex (64 bytes)"),
	),
	request_body(content = ArtifactBytes, content_type = "application/octet-stream",
		description = "The artifact's bytes; `Content-Type` is recorded"),
	responses(
		(status = 201, description = "Stored (or already stored)", body = ArtifactStored),
		(status = 400, description = "Empty body, a malformed header, or a body that is not \
			the CID named", body = ErrorBody),
		(status = 401, description = "Unsigned, or the signature does not verify", body = ErrorBody),
		(status = 403, description = "The uploader holds no bond and cannot pay for a job",
			body = ErrorBody),
		(status = 413, description = "Above --max-artifact-bytes", body = ErrorBody),
		(status = 429, description = "The uploader's quota is spent, or it has 2 uploads in \
			flight", body = ErrorBody),
		(status = 503, description = "The chain is not reached, or the store is reading \
			--max-concurrent-uploads uploads", body = ErrorBody),
	)
)]
pub async fn upload(
	State(state): State<AppState>,
	headers: HeaderMap,
	body: Body,
) -> Result<(StatusCode, Json<ArtifactStored>), ApiError> {
	let limit = state.limits.max_artifact_bytes;
	let too_large = ApiError::ArtifactTooLarge { limit };
	let declared = headers
		.get(header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse::<u64>().ok());
	if declared.is_some_and(|len| len > limit as u64) {
		return Err(too_large);
	}
	if declared == Some(0) {
		return Err(ApiError::EmptyArtifact);
	}
	let Admitted { signed, stored, _permit } =
		admit(&state, &headers, declared.unwrap_or(0)).await?;
	let mut bytes = Vec::with_capacity(declared.map_or(0, |d| d as usize));
	let mut stream = body.into_data_stream();
	while let Some(chunk) = stream.next().await {
		let chunk = chunk.map_err(|e| ApiError::InvalidField {
			field: "body",
			reason: format!("could not read the body: {e}"),
		})?;
		if bytes.len().saturating_add(chunk.len()) > limit {
			return Err(too_large);
		}
		bytes.extend_from_slice(&chunk);
	}
	if bytes.is_empty() {
		return Err(ApiError::EmptyArtifact);
	}
	if havn_primitives::cid::cid_of(&bytes) != signed.cid {
		return Err(ApiError::InvalidField {
			field: CID_HEADER,
			reason: "the body is not the artifact this CID names".into(),
		});
	}
	let uploader = signed.uploader.to_string();
	let size = bytes.len() as u64;
	if declared.is_none() && !stored {
		check_quota(&state, &uploader, size).await?;
	}
	let media_type = headers
		.get(header::CONTENT_TYPE)
		.and_then(|v| v.to_str().ok())
		.filter(|v| !v.is_empty() && v.len() <= MAX_MEDIA_TYPE_LEN)
		.unwrap_or(DEFAULT_MEDIA_TYPE)
		.to_string();
	let (cid, created) =
		state.artifacts.put(&bytes).await.map_err(|e| ApiError::internal("artifact write", &e))?;
	let at = now_ms();
	state.db.insert_artifact(&cid, size, &media_type, at).await?;
	if created {
		state.db.record_upload(&uploader, &cid, size, at).await?;
		tracing::info!(cid = %cid, size, uploader = %uploader, "artifact stored");
	}
	Ok((StatusCode::CREATED, Json(ArtifactStored { cid, size })))
}

/// An upload let in by [`admit`].
struct Admitted {
	/// Its verified signature.
	signed: SignedUpload,
	/// Whether the store already holds its CID (then it costs no quota).
	stored: bool,
	/// Its place in the gate, held while the body is read.
	_permit: UploadPermit,
}

/// The admission of an upload of `size` bytes (0 when not declared) before its body is read
/// (see [`crate::uploads`]): its signature, its uploader's standing on chain, its quota and a
/// place in the gate.
async fn admit(state: &AppState, headers: &HeaderMap, size: u64) -> Result<Admitted, ApiError> {
	let genesis = state.status.genesis().ok_or(ApiError::ChainUnavailable)?;
	let signed = verify_upload(headers, genesis.into())?;
	// The gate before the chain is asked: a full gate costs the node nothing.
	let permit = state.uploads.admit(&signed.uploader)?;
	let chain = state.chain.get().ok_or(ApiError::ChainUnavailable)?;
	let may =
		tokio::time::timeout(state.limits.chain_query_timeout, chain.may_upload(signed.uploader))
			.await
			.map_err(|_| ApiError::ChainUnavailable)?
			.map_err(|e| {
				tracing::warn!(error = %e, "reading an uploader's standing");
				ApiError::ChainUnavailable
			})?;
	let uploader = signed.uploader.to_string();
	if !may {
		return Err(ApiError::UploaderNotEligible(uploader));
	}
	// Bytes already stored (by anyone) cost no quota.
	let stored = state
		.artifacts
		.size(&signed.cid)
		.await
		.map_err(|e| ApiError::internal("artifact read", &e))?;
	let stored = stored.is_some();
	check_quota(state, &uploader, if stored { 0 } else { size }).await?;
	Ok(Admitted { signed, stored, _permit: permit })
}

/// Refuse `size` more bytes from `uploader` when they would pass its quota.
async fn check_quota(state: &AppState, uploader: &str, size: u64) -> Result<(), ApiError> {
	let quota = state.limits.upload_quota_bytes;
	let since = now_ms().saturating_sub(QUOTA_WINDOW_MS);
	let used = state.db.uploaded_bytes_since(uploader, since).await?;
	if used.saturating_add(size) > quota {
		return Err(ApiError::UploadQuotaExceeded { account: uploader.to_string(), quota });
	}
	Ok(())
}

/// The bytes of an artifact, with its `ETag` (the CID); `HEAD` answers the headers only.
///
/// Every artifact is served as `application/octet-stream` with `X-Content-Type-Options:
/// nosniff`, `Content-Disposition: attachment` and a sandboxing `Content-Security-Policy`, so a
/// browser never renders an upload as a page of this origin (which also serves the web
/// console): an upload declared `text/html` would otherwise be stored XSS. The type the
/// uploader declared is only reported, in `X-Havn-Media-Type`.
#[utoipa::path(
	get,
	path = "/v1/artifacts/{cid}",
	tag = "artifacts",
	params(("cid" = String, Path, description = "CIDv1 (raw, sha2-256, base32)")),
	responses(
		(status = 200, description = "The bytes, always as `application/octet-stream` with \
			`nosniff` and `Content-Disposition: attachment`; the declared type in \
			`X-Havn-Media-Type`", content_type = "application/octet-stream", body = ArtifactBytes),
		(status = 304, description = "`If-None-Match` matched"),
		(status = 400, description = "Malformed CID", body = ErrorBody),
		(status = 404, description = "Not stored", body = ErrorBody),
	)
)]
pub async fn download(
	State(state): State<AppState>,
	method: Method,
	headers: HeaderMap,
	ApiPath(cid): ApiPath<String>,
) -> Result<Response, ApiError> {
	let cid = havn_primitives::cid::parse(&cid).map_err(|e| ApiError::InvalidCid(e.to_string()))?;
	let etag = format!("\"{cid}\"");
	let read = |e: std::io::Error| ApiError::internal("artifact read", &e);
	let Some(size) = state.artifacts.size(&cid).await.map_err(read)? else {
		return Err(ApiError::ArtifactNotFound(cid));
	};
	let media_type =
		state.db.artifact_media_type(&cid).await?.unwrap_or_else(|| DEFAULT_MEDIA_TYPE.to_string());
	let declared =
		HeaderValue::from_str(&media_type).unwrap_or(HeaderValue::from_static(DEFAULT_MEDIA_TYPE));
	let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{cid}\""))
		.map_err(|e| ApiError::internal("content-disposition", &e))?;
	let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::internal("etag", &e))?;
	let matches = headers
		.get(header::IF_NONE_MATCH)
		.and_then(|v| v.to_str().ok())
		.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
	let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
	if matches {
		return Ok((
			StatusCode::NOT_MODIFIED,
			[(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
		)
			.into_response());
	}
	let headers = [
		(header::ETAG, etag_value),
		(header::CONTENT_TYPE, HeaderValue::from_static(DEFAULT_MEDIA_TYPE)),
		(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
		(header::CONTENT_DISPOSITION, disposition),
		(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
		(header::HeaderName::from_static(MEDIA_TYPE_HEADER), declared),
		(header::CACHE_CONTROL, cache),
		(header::CONTENT_LENGTH, HeaderValue::from(size)),
	];
	if method == Method::HEAD {
		return Ok((headers, Body::empty()).into_response());
	}
	let Some(bytes) = state.artifacts.get(&cid).await.map_err(read)? else {
		return Err(ApiError::ArtifactNotFound(cid));
	};
	Ok((headers, bytes).into_response())
}
