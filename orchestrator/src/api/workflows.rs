//! `GET /v1/workflows` and `GET /v1/workflows/{id}`.

use super::{
	extract::{ApiPath, ApiQuery},
	paginate, AppState, PageQuery,
};
use crate::{
	db::read::JobFilter,
	error::{ApiError, ErrorBody},
	views::{ChainEarnings, EarningsView, WorkflowDetail, WorkflowPage},
};
use axum::{extract::State, Json};

/// Runs shown in a workflow's detail.
const RECENT_RUNS: u32 = 20;

/// List workflows, lowest id first.
#[utoipa::path(
	get,
	path = "/v1/workflows",
	tag = "workflows",
	params(PageQuery),
	responses(
		(status = 200, description = "A page of workflows", body = WorkflowPage),
		(status = 400, description = "Bad query", body = ErrorBody),
	)
)]
pub async fn list(
	State(state): State<AppState>,
	ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<WorkflowPage>, ApiError> {
	let page = paginate(query.limit, query.offset)?;
	let (items, total) = state.db.workflows(page.limit, page.offset).await?;
	Ok(Json(WorkflowPage { items, total, limit: page.limit, offset: page.offset }))
}

/// A workflow with its versions, lineage, recent runs and earnings.
#[utoipa::path(
	get,
	path = "/v1/workflows/{id}",
	tag = "workflows",
	params(("id" = u64, Path, description = "Workflow id")),
	responses(
		(status = 200, description = "The workflow", body = WorkflowDetail),
		(status = 400, description = "Malformed id", body = ErrorBody),
		(status = 404, description = "No such workflow", body = ErrorBody),
	)
)]
pub async fn detail(
	State(state): State<AppState>,
	ApiPath(id): ApiPath<u64>,
) -> Result<Json<WorkflowDetail>, ApiError> {
	let workflow = state.db.workflow(id).await?.ok_or(ApiError::WorkflowNotFound(id))?;
	let versions = state.db.workflow_versions(id).await?;
	let lineage = state.db.lineage(id, workflow.parent).await?;
	let (recent_runs, _) = state
		.db
		.jobs(&JobFilter { workflow: Some(id), ..Default::default() }, RECENT_RUNS, 0)
		.await?;
	let indexed = state.db.indexed_earnings(id, &workflow.owner).await?;
	let chain = chain_earnings(&state, id).await;
	Ok(Json(WorkflowDetail {
		workflow,
		versions,
		lineage,
		recent_runs,
		earnings: EarningsView { indexed, chain },
	}))
}

/// The chain's view of a workflow's earnings, when the chain answers in time.
async fn chain_earnings(state: &AppState, id: u64) -> Option<ChainEarnings> {
	let chain = state.chain.get()?;
	match tokio::time::timeout(state.limits.chain_query_timeout, chain.workflow_earnings(id)).await
	{
		Ok(Ok(earnings)) => earnings,
		Ok(Err(err)) => {
			tracing::warn!(workflow_id = id, error = %err, "workflow_earnings failed");
			None
		}
		Err(_) => {
			tracing::warn!(workflow_id = id, "workflow_earnings timed out");
			None
		}
	}
}
