//! The OpenAPI document of the REST API, served on `/openapi.json`.

use super::{artifacts, attestations, jobs, network, workflows};
use crate::{error, model, pool, views};
use axum::Json;
use utoipa::OpenApi;

/// The API description.
#[derive(OpenApi)]
#[openapi(
	info(
		title = "Havn orchestrator",
		description = "Indexed Havn chain data (workflows, jobs, nodes, validators, payouts), \
			the artifact store and the attestation pool. Amounts are HAI planck as decimal \
			strings (1 HAI = 10^12 planck); blocks are block numbers; scores are ppm."
	),
	paths(
		workflows::list,
		workflows::detail,
		jobs::list,
		jobs::detail,
		network::nodes,
		network::validators,
		network::dashboard,
		network::health,
		network::metrics,
		artifacts::upload,
		artifacts::download,
		attestations::submit,
		attestations::pending,
	),
	components(schemas(
		error::ErrorBody,
		error::ErrorDetail,
		model::RoyaltyPpm,
		model::Capabilities,
		model::GpuMetrics,
		pool::AttestationRequest,
		artifacts::ArtifactBytes,
		views::WorkflowSummary,
		views::WorkflowPage,
		views::WorkflowDetail,
		views::VersionView,
		views::DependencyView,
		views::LineageView,
		views::RoleAmounts,
		views::IndexedEarnings,
		views::ChainEarnings,
		views::EarningsView,
		views::Verdicts,
		views::JobSummary,
		views::JobPage,
		views::JobDetail,
		views::TimelineEntry,
		views::EventView,
		views::ReceiptView,
		views::AttestationView,
		views::PayoutView,
		views::NodeView,
		views::NodePage,
		views::ValidatorView,
		views::ValidatorPage,
		views::Dashboard,
		views::Health,
		views::ArtifactStored,
		views::PooledAttestation,
		views::PendingAttestations,
	)),
	tags(
		(name = "workflows", description = "Registered workflows"),
		(name = "jobs", description = "Jobs and their timelines"),
		(name = "network", description = "Nodes, validators and totals"),
		(name = "artifacts", description = "Content-addressed artifact store"),
		(name = "attestations", description = "The lead aggregator's attestation pool"),
		(name = "service", description = "Health and metrics"),
	)
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
	Json(ApiDoc::openapi())
}
