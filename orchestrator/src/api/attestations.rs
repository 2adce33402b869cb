//! `POST /v1/attestations` and `GET /v1/attestations/pending`: the lead aggregator's pool.

use super::{
	extract::{ApiJson, ApiQuery},
	now_ms, AppState,
};
use crate::{
	db::pool::PoolInsert,
	error::{ApiError, ErrorBody},
	pool::{verify_attestation, AttestationRequest},
	views::{PendingAttestations, PooledAttestation},
};
use axum::{extract::State, http::StatusCode, Json};
use havn_primitives::api::JobPhase;
use serde::Deserialize;

/// Add a signed attestation to the pool.
///
/// The signature must verify with the validator's account key over
/// `Attestation { job_id, verdict, reexecution_digest }.signing_payload(genesis_hash)`. A job
/// the orchestrator has indexed must still take verdicts, and the validator must sit on its
/// deciding committee. Posting the same attestation again answers 200 with the stored one.
#[utoipa::path(
	post,
	path = "/v1/attestations",
	tag = "attestations",
	request_body = AttestationRequest,
	responses(
		(status = 201, description = "Stored", body = PooledAttestation),
		(status = 200, description = "Already stored", body = PooledAttestation),
		(status = 400, description = "Malformed, or the signature does not verify",
			body = ErrorBody),
		(status = 409, description = "Job closed, validator not on the committee, or a \
			different attestation already stored", body = ErrorBody),
		(status = 503, description = "The chain was never reached (genesis hash unknown)",
			body = ErrorBody),
	)
)]
pub async fn submit(
	State(state): State<AppState>,
	ApiJson(request): ApiJson<AttestationRequest>,
) -> Result<(StatusCode, Json<PooledAttestation>), ApiError> {
	let genesis = state.status.genesis().ok_or(ApiError::ChainUnavailable)?;
	let row = verify_attestation(&request, genesis, now_ms())?;
	if let Some((phase, committee)) = state.db.job_phase(row.job_id).await? {
		let phase = phase.parse::<JobPhase>().ok();
		match phase {
			Some(p) if p.is_closed() => return Err(ApiError::JobClosed(row.job_id)),
			Some(p) if p.takes_verdicts() && !committee.contains(&row.validator) => {
				return Err(ApiError::NotInCommittee {
					job_id: row.job_id,
					validator: row.validator,
				})
			}
			_ => {}
		}
	}
	match state.db.insert_pool_attestation(&row).await? {
		PoolInsert::Stored => {
			tracing::info!(job_id = row.job_id, validator = %row.validator, "attestation pooled");
			Ok((StatusCode::CREATED, Json(row)))
		}
		PoolInsert::Duplicate => {
			let stored = state.db.pool_attestation(row.job_id, &row.validator).await?;
			Ok((StatusCode::OK, Json(stored.unwrap_or(row))))
		}
		PoolInsert::Conflict => {
			Err(ApiError::AttestationConflict { job_id: row.job_id, validator: row.validator })
		}
	}
}

/// `GET /v1/attestations/pending` query.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
	/// Only this job's attestations.
	pub job_id: Option<u64>,
}

/// Pooled attestations not yet seen on-chain, for jobs still taking verdicts.
#[utoipa::path(
	get,
	path = "/v1/attestations/pending",
	tag = "attestations",
	params(PendingQuery),
	responses(
		(status = 200, description = "Pending attestations, oldest first",
			body = PendingAttestations),
		(status = 400, description = "Bad query", body = ErrorBody),
	)
)]
pub async fn pending(
	State(state): State<AppState>,
	ApiQuery(query): ApiQuery<PendingQuery>,
) -> Result<Json<PendingAttestations>, ApiError> {
	if query.job_id.is_some_and(|id| i64::try_from(id).is_err()) {
		return Err(ApiError::InvalidQuery("job_id is out of range".into()));
	}
	Ok(Json(PendingAttestations { items: state.db.pending_attestations(query.job_id).await? }))
}
