//! `POST /v1/artifacts`, `GET` and `HEAD /v1/artifacts/{cid}`.

use super::{extract::ApiPath, now_ms, AppState};
use crate::{
	error::{ApiError, ErrorBody},
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

/// Store the raw request body under its CID.
///
/// Idempotent: uploading the same bytes again (even concurrently) answers the same CID.
#[utoipa::path(
	post,
	path = "/v1/artifacts",
	tag = "artifacts",
	request_body(content = ArtifactBytes, content_type = "application/octet-stream",
		description = "The artifact's bytes; `Content-Type` is recorded"),
	responses(
		(status = 201, description = "Stored (or already stored)", body = ArtifactStored),
		(status = 400, description = "Empty body", body = ErrorBody),
		(status = 413, description = "Above --max-artifact-bytes", body = ErrorBody),
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
	let media_type = headers
		.get(header::CONTENT_TYPE)
		.and_then(|v| v.to_str().ok())
		.filter(|v| !v.is_empty() && v.len() <= MAX_MEDIA_TYPE_LEN)
		.unwrap_or(DEFAULT_MEDIA_TYPE)
		.to_string();
	let (cid, created) =
		state.artifacts.put(&bytes).await.map_err(|e| ApiError::internal("artifact write", &e))?;
	let size = bytes.len() as u64;
	state.db.insert_artifact(&cid, size, &media_type, now_ms()).await?;
	if created {
		tracing::info!(cid = %cid, size, "artifact stored");
	}
	Ok((StatusCode::CREATED, Json(ArtifactStored { cid, size })))
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
