//! `POST /v1/attestations` and `GET /v1/attestations/pending`: the lead aggregator's pool.

use super::{
	extract::{ApiJson, ApiQuery},
	now_ms, AppState,
};
use crate::{
	db::pool::{PoolCursor, PoolInsert},
	error::{ApiError, ErrorBody},
	pool::{
		verify_attestation, AttestationRequest, MAX_PENDING_PER_VALIDATOR, PENDING_PAGE_DEFAULT,
		PENDING_PAGE_MAX, POOL_TTL_MS,
	},
	views::{PendingAttestations, PooledAttestation},
};
use axum::{extract::State, http::StatusCode, Json};
use havn_primitives::api::JobPhase;
use serde::Deserialize;

/// Add a signed attestation to the pool.
///
/// The signature must verify with the validator's account key over
/// `Attestation { job_id, verdict, reexecution_digest }.signing_payload(genesis_hash)`. The job
/// must take verdicts (attesting, or challenged: as indexed, or at the chain's best block when
/// the index has not caught up), and the validator must sit on its deciding committee. A
/// validator may have at most 1,024 attestations pending; pending attestations are dropped
/// after an hour or when their job closes. Posting the same
/// attestation again answers 200 with the stored one. A validator the pool refuses submits its
/// attestation on-chain itself.
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
		(status = 404, description = "The chain has no such job", body = ErrorBody),
		(status = 409, description = "Job closed or not attesting yet, validator not on the \
			committee, or a different attestation already stored", body = ErrorBody),
		(status = 429, description = "The validator has too many attestations pending",
			body = ErrorBody),
		(status = 503, description = "The chain was never reached (genesis hash unknown)",
			body = ErrorBody),
	)
)]
pub async fn submit(
	State(state): State<AppState>,
	ApiJson(request): ApiJson<AttestationRequest>,
) -> Result<(StatusCode, Json<PooledAttestation>), ApiError> {
	let genesis = state.status.genesis().ok_or(ApiError::ChainUnavailable)?;
	let now = now_ms();
	let row = verify_attestation(&request, genesis, now)?;
	let indexed = state
		.db
		.job_phase(row.job_id)
		.await?
		.and_then(|(phase, committee)| Some((phase.parse::<JobPhase>().ok()?, committee)));
	let (phase, committee) = match indexed {
		Some((phase, committee)) if phase.takes_verdicts() || phase.is_closed() => {
			(phase, committee)
		}
		// The index follows finalized blocks, a block or two behind the receipts validators
		// react to: ask the chain's best block about a job it has not caught up with.
		_ => {
			let chain = state.chain.get().ok_or(ApiError::ChainUnavailable)?;
			chain
				.job_committee(row.job_id)
				.await
				.map_err(|e| ApiError::internal("reading a job from the chain", &e))?
				.ok_or(ApiError::JobNotFound(row.job_id))?
		}
	};
	if phase.is_closed() {
		return Err(ApiError::JobClosed(row.job_id));
	}
	if !phase.takes_verdicts() {
		return Err(ApiError::JobNotAttestable(row.job_id));
	}
	if !committee.contains(&row.validator) {
		return Err(ApiError::NotInCommittee { job_id: row.job_id, validator: row.validator });
	}
	let dropped = state.db.prune_pool(now.saturating_sub(POOL_TTL_MS)).await?;
	if dropped > 0 {
		tracing::debug!(dropped, "stale pool attestations dropped");
	}
	if state.db.pending_count(&row.validator).await? >= u64::from(MAX_PENDING_PER_VALIDATOR)
		&& state.db.pool_attestation(row.job_id, &row.validator).await?.is_none()
	{
		return Err(ApiError::PoolQuotaExceeded {
			validator: row.validator,
			limit: MAX_PENDING_PER_VALIDATOR,
		});
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
	/// Items per page, 1 to 1,024 (default 256).
	pub limit: Option<u32>,
	/// The previous page's `next` cursor.
	pub after: Option<String>,
}

/// Pooled attestations not yet seen on-chain, for jobs still taking verdicts, received within
/// the last hour; a page at a time (`limit`, then `after` the page's `next`).
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
	let limit = query.limit.unwrap_or(PENDING_PAGE_DEFAULT);
	if !(1..=PENDING_PAGE_MAX).contains(&limit) {
		return Err(ApiError::InvalidQuery(format!("limit must be 1 to {PENDING_PAGE_MAX}")));
	}
	let after = query
		.after
		.as_deref()
		.map(|a| {
			PoolCursor::parse(a).ok_or_else(|| {
				ApiError::InvalidQuery("after is not a cursor this endpoint returned".into())
			})
		})
		.transpose()?;
	let fresh_since = now_ms().saturating_sub(POOL_TTL_MS);
	let items =
		state.db.pending_attestations(query.job_id, after.as_ref(), limit, fresh_since).await?;
	let next =
		(items.len() == limit as usize).then(|| items.last().map(PoolCursor::after)).flatten();
	Ok(Json(PendingAttestations { items, next }))
}
