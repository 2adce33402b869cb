//! The REST API (axum): workflows, jobs, nodes, validators, the dashboard, artifacts, the
//! attestation pool, `/health`, `/metrics` and `/openapi.json`.
//!
//! Every error is JSON (`{"error": {"code", "message"}}`, see [`crate::error`]); client
//! mistakes are 4xx, never 500. JSON bodies are limited to `--max-json-bytes`, artifacts to
//! `--max-artifact-bytes`; every request is traced, counted and timed per route, and times out
//! after `--request-timeout-ms` (503).

pub mod artifacts;
pub mod attestations;
pub mod extract;
pub mod jobs;
pub mod network;
pub mod openapi;
pub mod workflows;

use crate::{
	artifacts::ArtifactStore,
	db::Db,
	error::ApiError,
	metrics::{ChainStatus, Metrics},
	views::ChainEarnings,
};
use axum::{
	extract::{DefaultBodyLimit, MatchedPath, Request, State},
	http::StatusCode,
	middleware::{self, Next},
	response::Response,
	routing::{get, post},
	Router,
};
use futures::future::BoxFuture;
use serde::Deserialize;
use std::{
	sync::{Arc, RwLock},
	time::{Duration, Instant},
};
use tower_http::{
	timeout::TimeoutLayer,
	trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 500;

/// Live queries to the chain the API makes (implemented over the chain client).
pub trait ChainQueries: Send + Sync + 'static {
	/// `HavnApi::workflow_earnings(workflow)` at the finalized head.
	fn workflow_earnings(
		&self,
		workflow: u64,
	) -> BoxFuture<'_, Result<Option<ChainEarnings>, String>>;

	/// `HavnApi::job(job)` at the best block: its phase and its deciding committee (the
	/// adjudicators while challenged), SS58; `None` if the chain has no such job. The attestation
	/// pool asks it about jobs the index has not caught up with yet.
	fn job_committee(
		&self,
		job: u64,
	) -> BoxFuture<'_, Result<Option<(havn_primitives::api::JobPhase, Vec<String>)>, String>>;

	/// Whether `account` may store artifacts, at the best block: it holds a StakeGuard bond,
	/// or free balance of at least `ExecutionLog::JobDeposit` (see [`crate::uploads`]).
	fn may_upload(&self, account: subxt::utils::AccountId32)
		-> BoxFuture<'_, Result<bool, String>>;
}

/// The live chain queries of the API, replaced on every reconnection.
#[derive(Default)]
pub struct ChainSlot(RwLock<Option<Arc<dyn ChainQueries>>>);

impl ChainSlot {
	/// The current connection's queries, if connected.
	pub fn get(&self) -> Option<Arc<dyn ChainQueries>> {
		match self.0.read() {
			Ok(guard) => guard.clone(),
			Err(poisoned) => poisoned.into_inner().clone(),
		}
	}

	/// Install (or clear) the queries.
	pub fn set(&self, queries: Option<Arc<dyn ChainQueries>>) {
		match self.0.write() {
			Ok(mut guard) => *guard = queries,
			Err(poisoned) => *poisoned.into_inner() = queries,
		}
	}
}

/// Default `--upload-quota-bytes`: 1 GiB of new bytes per account per 24 h.
pub const DEFAULT_UPLOAD_QUOTA_BYTES: u64 = 1 << 30;

/// Default `--max-concurrent-uploads`: at most this many uploads buffered at once (16 MiB
/// each at most).
pub const DEFAULT_MAX_CONCURRENT_UPLOADS: u32 = 8;

/// Limits and knobs of the API.
#[derive(Clone, Copy, Debug)]
pub struct ApiLimits {
	/// Largest artifact, bytes.
	pub max_artifact_bytes: usize,
	/// Largest JSON body, bytes.
	pub max_json_bytes: usize,
	/// Timeout of one request.
	pub request_timeout: Duration,
	/// Timeout of one live chain query (the answer goes without it).
	pub chain_query_timeout: Duration,
	/// Whether the service follows a chain (`false` with `--no-index`: `/health` does not
	/// report the absent chain connection as `degraded`).
	pub follows_chain: bool,
	/// New bytes one account may store per [`crate::uploads::QUOTA_WINDOW_MS`].
	pub upload_quota_bytes: u64,
	/// Uploads read at once, in all (at least 1).
	pub max_concurrent_uploads: u32,
}

impl Default for ApiLimits {
	fn default() -> Self {
		Self {
			max_artifact_bytes: 16 * 1024 * 1024,
			max_json_bytes: 64 * 1024,
			request_timeout: Duration::from_secs(30),
			chain_query_timeout: Duration::from_secs(2),
			follows_chain: true,
			upload_quota_bytes: DEFAULT_UPLOAD_QUOTA_BYTES,
			max_concurrent_uploads: DEFAULT_MAX_CONCURRENT_UPLOADS,
		}
	}
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
	/// The database.
	pub db: Db,
	/// The artifact store.
	pub artifacts: ArtifactStore,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// Indexed and finalized heights, genesis hash.
	pub status: Arc<ChainStatus>,
	/// Live chain queries, while connected.
	pub chain: Arc<ChainSlot>,
	/// Limits.
	pub limits: ApiLimits,
	/// The uploads being read (`limits.max_concurrent_uploads` at most).
	pub uploads: crate::uploads::UploadGate,
}

impl AppState {
	/// A state over `db` that follows no chain: the artifact store under `dir/artifacts`, fresh
	/// metrics and status, no live chain queries. For tests and the benchmark tools.
	///
	/// Errors: the artifact directory cannot be created, or the metrics cannot be registered.
	pub async fn standalone(
		db: Db,
		dir: &std::path::Path,
		limits: ApiLimits,
	) -> anyhow::Result<Self> {
		Ok(Self {
			db,
			artifacts: ArtifactStore::open(dir.join("artifacts")).await?,
			metrics: Arc::new(Metrics::new()?),
			status: Arc::new(ChainStatus::new()),
			chain: Default::default(),
			uploads: crate::uploads::UploadGate::new(limits.max_concurrent_uploads),
			limits,
		})
	}
}

/// `limit` and `offset` of a list, validated.
#[derive(Clone, Copy, Debug)]
pub struct Pagination {
	/// Page size (1..=500).
	pub limit: u32,
	/// Rows skipped.
	pub offset: u64,
}

/// Check `limit` (default 50, 1..=500) and `offset` (default 0, within the database's range).
pub fn paginate(limit: Option<u32>, offset: Option<u64>) -> Result<Pagination, ApiError> {
	let limit = limit.unwrap_or(DEFAULT_LIMIT);
	if !(1..=MAX_LIMIT).contains(&limit) {
		return Err(ApiError::InvalidQuery(format!("limit must be 1 to {MAX_LIMIT}")));
	}
	let offset = offset.unwrap_or(0);
	if i64::try_from(offset).is_err() {
		return Err(ApiError::InvalidQuery("offset is out of range".into()));
	}
	Ok(Pagination { limit, offset })
}

/// Only `limit` and `offset`.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
	/// Page size, 1 to 500 (default 50).
	pub limit: Option<u32>,
	/// Rows to skip (default 0).
	pub offset: Option<u64>,
}

/// The API's router over `state`.
pub fn router(state: AppState) -> Router {
	let limits = state.limits;
	Router::new()
		.route("/v1/workflows", get(workflows::list))
		.route("/v1/workflows/{id}", get(workflows::detail))
		.route("/v1/jobs", get(jobs::list))
		.route("/v1/jobs/{id}", get(jobs::detail))
		.route("/v1/nodes", get(network::nodes))
		.route("/v1/validators", get(network::validators))
		.route("/v1/dashboard", get(network::dashboard))
		.route("/v1/artifacts", post(artifacts::upload))
		.route("/v1/artifacts/{cid}", get(artifacts::download))
		.route("/v1/attestations", post(attestations::submit))
		.route("/v1/attestations/pending", get(attestations::pending))
		.route("/health", get(network::health))
		.route("/metrics", get(network::metrics))
		.route("/openapi.json", get(openapi::serve))
		.fallback(not_found)
		.method_not_allowed_fallback(method_not_allowed)
		.layer(DefaultBodyLimit::max(limits.max_json_bytes))
		.layer(TimeoutLayer::with_status_code(
			StatusCode::SERVICE_UNAVAILABLE,
			limits.request_timeout,
		))
		.layer(middleware::from_fn_with_state(state.clone(), track))
		.layer(
			TraceLayer::new_for_http()
				.make_span_with(DefaultMakeSpan::new().level(Level::INFO))
				.on_response(DefaultOnResponse::new().level(Level::INFO)),
		)
		.with_state(state)
}

async fn not_found() -> ApiError {
	ApiError::RouteNotFound
}

async fn method_not_allowed() -> ApiError {
	ApiError::MethodNotAllowed
}

/// Count and time every request by its route template.
async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
	let route = request
		.extensions()
		.get::<MatchedPath>()
		.map(|p| p.as_str().to_string())
		.unwrap_or_else(|| "unmatched".to_string());
	let method = request.method().as_str().to_string();
	let started = Instant::now();
	let response = next.run(request).await;
	state
		.metrics
		.http_requests
		.with_label_values(&[route.as_str(), method.as_str(), response.status().as_str()])
		.inc();
	state
		.metrics
		.http_latency
		.with_label_values(&[route.as_str()])
		.observe(started.elapsed().as_secs_f64());
	response
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
		.unwrap_or(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pagination_bounds() {
		let p = paginate(None, None).unwrap();
		assert_eq!((p.limit, p.offset), (DEFAULT_LIMIT, 0));
		assert!(paginate(Some(0), None).is_err());
		assert!(paginate(Some(MAX_LIMIT + 1), None).is_err());
		assert_eq!(paginate(Some(MAX_LIMIT), Some(7)).unwrap().offset, 7);
		assert!(paginate(None, Some(u64::MAX)).is_err());
	}
}
