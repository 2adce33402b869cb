//! `GET /v1/nodes`, `/v1/validators`, `/v1/dashboard`, `/health` and `/metrics`.

use super::{extract::ApiQuery, paginate, AppState, PageQuery};
use crate::{
	error::{ApiError, ErrorBody},
	views::{Dashboard, Health, NodePage, ValidatorPage},
};
use axum::{
	extract::State,
	http::{header, StatusCode},
	response::IntoResponse,
	Json,
};

/// List execution nodes by account.
#[utoipa::path(
	get,
	path = "/v1/nodes",
	tag = "network",
	params(PageQuery),
	responses(
		(status = 200, description = "A page of execution nodes", body = NodePage),
		(status = 400, description = "Bad query", body = ErrorBody),
	)
)]
pub async fn nodes(
	State(state): State<AppState>,
	ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<NodePage>, ApiError> {
	let page = paginate(query.limit, query.offset)?;
	let (items, total) = state
		.db
		.nodes(state.status.indexed(), state.status.heartbeat_epoch(), page.limit, page.offset)
		.await?;
	Ok(Json(NodePage { items, total, limit: page.limit, offset: page.offset }))
}

/// List validators by account.
#[utoipa::path(
	get,
	path = "/v1/validators",
	tag = "network",
	params(PageQuery),
	responses(
		(status = 200, description = "A page of validators", body = ValidatorPage),
		(status = 400, description = "Bad query", body = ErrorBody),
	)
)]
pub async fn validators(
	State(state): State<AppState>,
	ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<ValidatorPage>, ApiError> {
	let page = paginate(query.limit, query.offset)?;
	let (items, total) = state.db.validators(page.limit, page.offset).await?;
	Ok(Json(ValidatorPage { items, total, limit: page.limit, offset: page.offset }))
}

/// Network totals.
#[utoipa::path(
	get,
	path = "/v1/dashboard",
	tag = "network",
	responses((status = 200, description = "Totals", body = Dashboard))
)]
pub async fn dashboard(State(state): State<AppState>) -> Result<Json<Dashboard>, ApiError> {
	Ok(Json(
		state
			.db
			.dashboard(
				state.status.indexed(),
				state.status.heartbeat_epoch(),
				state.status.finalized(),
			)
			.await?,
	))
}

/// Health: `ok` when the database answers and the chain is connected (or, with `--no-index`,
/// not followed), `degraded` when the chain is not, `pruned` when the node discarded the state
/// of the next block to index (it prunes history; indexing cannot go on), `unavailable` (503)
/// when the database is not; with the indexed and finalized heights, and the problem and its
/// fix when not `ok`.
#[utoipa::path(
	get,
	path = "/health",
	tag = "service",
	responses(
		(status = 200, description = "Serving", body = Health),
		(status = 503, description = "Database unreachable", body = Health),
	)
)]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
	let indexed_block = state.status.indexed();
	let finalized_block = state.status.finalized();
	let (code, status, problem) = match state.db.ping().await {
		Err(err) => {
			tracing::error!(error = %err, "health: database unreachable");
			(
				StatusCode::SERVICE_UNAVAILABLE,
				"unavailable",
				Some("the database is unreachable".into()),
			)
		}
		Ok(()) if state.limits.follows_chain && state.chain.get().is_none() => {
			(StatusCode::OK, "degraded", Some("the chain node is not connected; retrying".into()))
		}
		Ok(()) => match state.status.pruned_at() {
			Some(block) => (
				StatusCode::OK,
				"pruned",
				Some(format!(
					"the node discarded the state of block {block}, which is not indexed yet: \
					 run it with --state-pruning archive --blocks-pruning archive (or index a \
					 fresh database from a recent block)"
				)),
			),
			None => (StatusCode::OK, "ok", None),
		},
	};
	(code, Json(Health { status: status.to_string(), problem, indexed_block, finalized_block }))
}

/// Prometheus metrics (text format).
#[utoipa::path(
	get,
	path = "/metrics",
	tag = "service",
	responses((status = 200, description = "Prometheus text format", body = String))
)]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
	let text = state.metrics.render().map_err(|e| ApiError::internal("metrics", &e))?;
	Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}
