//! `GET /v1/jobs` and `GET /v1/jobs/{id}`.

use super::{
	extract::{ApiPath, ApiQuery},
	paginate, AppState,
};
use crate::{
	accounts::canonical,
	db::read::JobFilter,
	error::{ApiError, ErrorBody},
	model::PHASES,
	views::{JobDetail, JobPage},
};
use axum::{extract::State, Json};
use havn_primitives::api::JobPhase;
use serde::Deserialize;

/// Filters and page of `GET /v1/jobs`.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
	/// Only jobs of this workflow id.
	pub workflow: Option<u64>,
	/// Only jobs paid by this account (SS58 or 0x-hex).
	pub payer: Option<String>,
	/// Only jobs run by this node (SS58 or 0x-hex).
	pub node: Option<String>,
	/// Only jobs in this phase: `submitted`, `assigned`, `attesting`, `finalized`,
	/// `rejected`, `expired` or `challenged`.
	pub phase: Option<String>,
	/// Page size, 1 to 500 (default 50).
	pub limit: Option<u32>,
	/// Rows to skip (default 0).
	pub offset: Option<u64>,
}

/// List jobs, newest first.
#[utoipa::path(
	get,
	path = "/v1/jobs",
	tag = "jobs",
	params(JobQuery),
	responses(
		(status = 200, description = "A page of jobs", body = JobPage),
		(status = 400, description = "Bad query", body = ErrorBody),
	)
)]
pub async fn list(
	State(state): State<AppState>,
	ApiQuery(query): ApiQuery<JobQuery>,
) -> Result<Json<JobPage>, ApiError> {
	let page = paginate(query.limit, query.offset)?;
	let phase = query
		.phase
		.as_deref()
		.map(|p| {
			p.parse::<JobPhase>().map(<&str>::from).map_err(|_| {
				ApiError::InvalidQuery(format!("unknown phase `{p}`; one of {}", PHASES.join(", ")))
			})
		})
		.transpose()?;
	if let Some(workflow) = query.workflow {
		if i64::try_from(workflow).is_err() {
			return Err(ApiError::InvalidQuery("workflow is out of range".into()));
		}
	}
	let filter = JobFilter {
		workflow: query.workflow,
		payer: query.payer.as_deref().map(canonical).transpose()?,
		node: query.node.as_deref().map(canonical).transpose()?,
		phase,
	};
	let (items, total) = state.db.jobs(&filter, page.limit, page.offset).await?;
	Ok(Json(JobPage { items, total, limit: page.limit, offset: page.offset }))
}

/// A job with its timeline, events, receipts, attestations and payouts.
#[utoipa::path(
	get,
	path = "/v1/jobs/{id}",
	tag = "jobs",
	params(("id" = u64, Path, description = "Job id")),
	responses(
		(status = 200, description = "The job", body = JobDetail),
		(status = 400, description = "Malformed id", body = ErrorBody),
		(status = 404, description = "No such job", body = ErrorBody),
	)
)]
pub async fn detail(
	State(state): State<AppState>,
	ApiPath(id): ApiPath<u64>,
) -> Result<Json<JobDetail>, ApiError> {
	state.db.job(id).await?.map(Json).ok_or(ApiError::JobNotFound(id))
}
