//! The REST API's error type and its JSON body.
//!
//! Every error answers `{"error": {"code": "snake_case_code", "message": "..."}}` with a fitting
//! status. Client mistakes are 4xx; internal failures (database, file system) are a 500
//! `internal` with a generic message, their details only in the log.

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use serde::Serialize;

/// An error the API answers with; its code is the variant's name in snake_case.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ApiError {
	/// Malformed query string, unknown query parameter or out-of-range value.
	#[error("invalid query: {0}")]
	InvalidQuery(String),
	/// Malformed path parameter.
	#[error("invalid path parameter: {0}")]
	InvalidPath(String),
	/// Malformed JSON body or wrong field types.
	#[error("invalid JSON body: {0}")]
	InvalidJson(String),
	/// A body that is not `application/json` where JSON is required.
	#[error("expected a JSON body with `Content-Type: application/json`")]
	UnsupportedMediaType,
	/// A body above the route's limit (`--max-json-bytes` for JSON bodies).
	#[error("request body too large")]
	BodyTooLarge,
	/// A method the route does not serve.
	#[error("method not allowed on this path")]
	MethodNotAllowed,
	/// An artifact above `--max-artifact-bytes`.
	#[error("artifact too large (limit {limit} bytes)")]
	ArtifactTooLarge {
		/// The limit, bytes.
		limit: usize,
	},
	/// An empty artifact upload.
	#[error("artifact body is empty")]
	EmptyArtifact,
	/// A string that is not a Havn CID.
	#[error("invalid CID: {0}")]
	InvalidCid(String),
	/// A string that is not an SS58 (or 0x-hex 32-byte) account.
	#[error("invalid account `{0}`")]
	InvalidAccount(String),
	/// A bad field in a request body.
	#[error("invalid field `{field}`: {reason}")]
	InvalidField {
		/// The field.
		field: &'static str,
		/// What is wrong.
		reason: String,
	},
	/// An attestation whose signature does not verify.
	#[error("the signature does not verify for this validator, attestation and chain")]
	InvalidSignature,
	/// An attestation for a job that takes no verdicts yet (no receipt is in).
	#[error("job {0} takes no attestations yet: its receipts are not all in")]
	JobNotAttestable(u64),
	/// A validator with [`crate::pool::MAX_PENDING_PER_VALIDATOR`] attestations already
	/// pending in the pool.
	#[error("validator {validator} already has {limit} attestations pending; retry when some are on-chain")]
	PoolQuotaExceeded {
		/// The validator.
		validator: String,
		/// The limit.
		limit: u32,
	},
	/// An attestation for a job that no longer takes verdicts.
	#[error("job {0} is closed: it takes no more attestations")]
	JobClosed(u64),
	/// An attestation by a validator outside the job's deciding committee.
	#[error("{validator} is not on the deciding committee of job {job_id}")]
	NotInCommittee {
		/// The job.
		job_id: u64,
		/// The validator.
		validator: String,
	},
	/// A second, different attestation by the same validator for the same job.
	#[error("validator {validator} already gave a different attestation for job {job_id}")]
	AttestationConflict {
		/// The job.
		job_id: u64,
		/// The validator.
		validator: String,
	},
	/// An upload without the uploader's signature headers (`orchestrator::uploads`).
	#[error("uploads are signed: send x-havn-cid, x-havn-uploader and x-havn-signature")]
	UploadUnauthenticated,
	/// An upload whose signature does not verify for its uploader, CID and chain.
	#[error("the upload's signature does not verify for this uploader, CID and chain")]
	UploadSignatureInvalid,
	/// An uploader the chain does not know as a participant (no bond, and less free balance
	/// than a job's deposit).
	#[error("{0} may not store artifacts: it holds no bond and cannot pay for a job")]
	UploaderNotEligible(String),
	/// An uploader over its quota of new bytes.
	#[error("{account} stored its quota of {quota} bytes in the last 24 h; retry later")]
	UploadQuotaExceeded {
		/// The uploader.
		account: String,
		/// The quota, bytes.
		quota: u64,
	},
	/// An uploader with too many uploads in flight.
	#[error("at most {limit} uploads per account at once; retry when one ends")]
	TooManyUploads {
		/// The limit.
		limit: u32,
	},
	/// The store is reading as many uploads as it takes at once.
	#[error("the artifact store is busy; retry shortly")]
	UploadsBusy,
	/// The chain's genesis hash is not known yet (the chain was never reached).
	#[error("the chain has not been reached yet; retry later")]
	ChainUnavailable,
	/// No such workflow.
	#[error("workflow {0} not found")]
	WorkflowNotFound(u64),
	/// No such job.
	#[error("job {0} not found")]
	JobNotFound(u64),
	/// No such artifact.
	#[error("artifact {0} not found")]
	ArtifactNotFound(String),
	/// No such route.
	#[error("no route for this path")]
	#[strum(serialize = "not_found")]
	RouteNotFound,
	/// An internal failure; the details are logged, not returned.
	#[error("internal error")]
	Internal,
}

impl ApiError {
	/// The HTTP status.
	pub fn status(&self) -> StatusCode {
		use ApiError::*;
		match self {
			InvalidQuery(_)
			| InvalidPath(_)
			| InvalidJson(_)
			| EmptyArtifact
			| InvalidCid(_)
			| InvalidAccount(_)
			| InvalidField { .. }
			| InvalidSignature => StatusCode::BAD_REQUEST,
			UploadUnauthenticated | UploadSignatureInvalid => StatusCode::UNAUTHORIZED,
			UploaderNotEligible(_) => StatusCode::FORBIDDEN,
			UploadQuotaExceeded { .. } | TooManyUploads { .. } => StatusCode::TOO_MANY_REQUESTS,
			UploadsBusy => StatusCode::SERVICE_UNAVAILABLE,
			UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
			BodyTooLarge | ArtifactTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
			JobClosed(_)
			| JobNotAttestable(_)
			| NotInCommittee { .. }
			| AttestationConflict { .. } => StatusCode::CONFLICT,
			PoolQuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
			ChainUnavailable => StatusCode::SERVICE_UNAVAILABLE,
			MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
			WorkflowNotFound(_) | JobNotFound(_) | ArtifactNotFound(_) | RouteNotFound => {
				StatusCode::NOT_FOUND
			}
			Internal => StatusCode::INTERNAL_SERVER_ERROR,
		}
	}

	/// The machine-readable code (`invalid_query`, `job_not_found`…).
	pub fn code(&self) -> &'static str {
		self.into()
	}

	/// Log an internal failure with its details and return the generic [`ApiError::Internal`].
	pub fn internal(context: &str, err: &dyn std::fmt::Display) -> Self {
		tracing::error!(error = %err, "{context}");
		ApiError::Internal
	}
}

/// The JSON error body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
	/// The error.
	pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
	/// Machine-readable code, snake_case (`job_not_found`, `invalid_query`, …).
	pub code: String,
	/// Human-readable message.
	pub message: String,
}

/// Longest error message sent, in bytes (then `…`): messages quote the offending input, and a
/// client's multi-kilobyte field must not come back in the answer.
pub const MAX_ERROR_MESSAGE: usize = 256;

/// `message` cut to [`MAX_ERROR_MESSAGE`] bytes on a character boundary.
fn clipped(mut message: String) -> String {
	if message.len() > MAX_ERROR_MESSAGE {
		let end = (0..=MAX_ERROR_MESSAGE).rev().find(|&i| message.is_char_boundary(i)).unwrap_or(0);
		message.truncate(end);
		message.push('…');
	}
	message
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let body = ErrorBody {
			error: ErrorDetail {
				code: self.code().to_string(),
				message: clipped(self.to_string()),
			},
		};
		(self.status(), Json(body)).into_response()
	}
}

impl From<crate::db::DbError> for ApiError {
	fn from(err: crate::db::DbError) -> Self {
		ApiError::internal("database error", &err)
	}
}
