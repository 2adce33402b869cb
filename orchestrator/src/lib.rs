//! # Havn orchestrator
//!
//! The off-chain hub of a Havn network:
//!
//! - **Indexer** ([`indexer`]): follows finalized blocks from `last_indexed + 1`, decodes every
//!   Havn event (WorkflowRegistry, StakeGuard, ExecutionLog, PayoutRouter, Reputation, Faucet)
//!   with the storage records it needs, and writes each block in one transaction
//!   ([`db::Db::apply_block`]): exactly once, resumable after a crash.
//! - **REST API** ([`api`], documented by `/openapi.json`): workflows with lineage and
//!   earnings, jobs with their full timeline, nodes, validators, a dashboard, `/health` and
//!   Prometheus `/metrics`.
//! - **Artifact store** ([`artifacts`]): content-addressed (CIDv1) uploads and downloads.
//! - **Attestation pool** ([`pool`]): signed attestations checked and kept for the lead
//!   aggregator.
//! - **Relay** ([`relay`], [`routing`]): with a relay key, bonds as a StakeGuard relay and
//!   assigns each submitted job to the best eligible execution nodes.
//!
//! The benchmark seeder (`havn-bench-seed`) lives in `bench/`, outside the service.
//!
//! Storage is SQLite by default and PostgreSQL with a `postgres://` `DATABASE_URL` ([`db`]).
//! Units throughout: amounts are HAI planck (1 HAI = 10^12 planck, decimal strings in JSON),
//! durations on-chain are blocks, latencies milliseconds.

pub mod accounts;
pub mod api;
pub mod artifacts;
pub mod chain;
pub mod config;
pub mod db;
pub mod error;
pub mod indexer;
pub mod metrics;
pub mod model;
pub mod pool;
pub mod projection;
pub mod relay;
pub mod routing;
pub mod shutdown;
pub mod uploads;
pub mod views;

use anyhow::Context;
use std::{sync::Arc, time::Duration};
use tokio::sync::watch;

/// Run the orchestrator until SIGINT or SIGTERM: open the database and the artifact store,
/// serve the API, and follow the chain (indexer, relay) in the background.
pub async fn run(config: config::Config) -> anyhow::Result<()> {
	tokio::fs::create_dir_all(&config.data_dir)
		.await
		.with_context(|| format!("create the data directory {}", config.data_dir.display()))?;
	let db = db::Db::connect(&config.database_url()).await.context("open the database")?;
	let artifacts = artifacts::ArtifactStore::open(config.artifact_dir())
		.await
		.with_context(|| format!("open the artifact store {}", config.artifact_dir().display()))?;
	let metrics = Arc::new(metrics::Metrics::new().context("register the metrics")?);
	let status = Arc::new(metrics::ChainStatus::new());
	if let Some(last) = db.last_indexed().await.context("read the indexer state")? {
		status.set_indexed(last, &metrics);
	}
	if let Some(genesis) = db.state(db::GENESIS_KEY).await.context("read the genesis hash")? {
		status.set_genesis(chain::parse_hash(&genesis).context("stored genesis hash")?);
	}
	let relay = relay::RelayConfig::from_config(&config).context("relay configuration")?;
	let chain_queries = Arc::new(api::ChainSlot::default());
	let limits = api::ApiLimits {
		max_artifact_bytes: config.max_artifact_bytes,
		max_json_bytes: config.max_json_bytes,
		request_timeout: Duration::from_millis(config.request_timeout_ms),
		follows_chain: !config.no_index,
		upload_quota_bytes: config.upload_quota_bytes,
		max_concurrent_uploads: config.max_concurrent_uploads,
		..Default::default()
	};
	let state = api::AppState {
		db: db.clone(),
		artifacts,
		metrics: metrics.clone(),
		status: status.clone(),
		chain: chain_queries.clone(),
		uploads: uploads::UploadGate::new(limits.max_concurrent_uploads),
		limits,
	};

	let listener = tokio::net::TcpListener::bind(config.listen)
		.await
		.with_context(|| format!("listen on {}", config.listen))?;
	tracing::info!(listen = %config.listen, "REST API listening");

	let (shutdown_tx, shutdown_rx) = watch::channel(false);
	let shutdown_tx = Arc::new(shutdown_tx);
	let background = if config.no_index {
		tracing::info!("--no-index: serving the database without following a chain");
		tokio::spawn(follow_database(
			db,
			metrics,
			status,
			Duration::from_millis(config.poll_ms),
			shutdown_rx.clone(),
		))
	} else {
		let follower = chain::follow(
			chain::Follower {
				rpc_url: config.rpc_url.clone(),
				db,
				metrics,
				status,
				chain_queries,
				index_from: config.index_from,
				poll: Duration::from_millis(config.poll_ms),
				relay,
			},
			shutdown_rx.clone(),
		);
		// A follower that fails for good (a database of another chain) stops the whole service.
		let shutdown_tx = shutdown_tx.clone();
		tokio::spawn(async move {
			let result = follower.await;
			if let Err(err) = &result {
				tracing::error!(error = %err, "chain follower failed; stopping");
				let _ = shutdown_tx.send(true);
			}
			result
		})
	};

	axum::serve(listener, api::router(state))
		.with_graceful_shutdown(shutdown_signal(shutdown_tx, shutdown_rx))
		.await
		.context("serve the REST API")?;
	match background.await {
		Ok(result) => result.context("chain follower")?,
		Err(err) => anyhow::bail!("chain follower panicked: {err}"),
	}
	tracing::info!("stopped");
	Ok(())
}

/// With `--no-index`: re-read the last indexed block from the database every `poll` (another
/// orchestrator may be indexing into it) until shutdown.
async fn follow_database(
	db: db::Db,
	metrics: Arc<metrics::Metrics>,
	status: Arc<metrics::ChainStatus>,
	poll: Duration,
	mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
	loop {
		match db.last_indexed().await {
			Ok(Some(last)) if status.indexed() != Some(last) => status.set_indexed(last, &metrics),
			Ok(_) => {}
			Err(err) => tracing::warn!(error = %err, "cannot read the indexed height"),
		}
		if !shutdown::pause(poll, &mut shutdown).await {
			return Ok(());
		}
	}
}

/// Resolve on SIGINT, SIGTERM or a stop requested on `stopped`, telling the background tasks
/// to stop.
async fn shutdown_signal(shutdown: Arc<watch::Sender<bool>>, mut stopped: watch::Receiver<bool>) {
	let ctrl_c = async {
		if let Err(err) = tokio::signal::ctrl_c().await {
			tracing::error!(error = %err, "cannot listen for SIGINT");
			std::future::pending::<()>().await;
		}
	};
	#[cfg(unix)]
	let terminate = async {
		match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
			Ok(mut signal) => {
				signal.recv().await;
			}
			Err(err) => {
				tracing::error!(error = %err, "cannot listen for SIGTERM");
				std::future::pending::<()>().await;
			}
		}
	};
	#[cfg(not(unix))]
	let terminate = std::future::pending::<()>();
	tokio::select! {
		() = ctrl_c => {},
		() = terminate => {},
		_ = stopped.wait_for(|stop| *stop) => {},
	}
	tracing::info!("shutting down");
	let _ = shutdown.send(true);
}
