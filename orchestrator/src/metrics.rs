//! Prometheus metrics, served as text on `/metrics`, and the shared chain status behind
//! `/health`.

use prometheus::{
	Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
	TextEncoder,
};
use std::sync::{
	atomic::{AtomicU64, Ordering},
	OnceLock,
};

/// The orchestrator's metrics (prefix `havn_orchestrator_`).
#[derive(Clone)]
pub struct Metrics {
	registry: Registry,
	/// HTTP requests by route, method and status.
	pub http_requests: IntCounterVec,
	/// HTTP request latency by route, seconds.
	pub http_latency: HistogramVec,
	/// Last indexed block.
	pub indexed_height: IntGauge,
	/// Finalized head of the chain.
	pub finalized_height: IntGauge,
	/// Finalized minus indexed, blocks.
	pub lag_blocks: IntGauge,
	/// Havn events indexed.
	pub indexed_events: IntCounter,
	/// Indexer failures (each is retried).
	pub indexer_errors: IntCounter,
	/// SQL statements the indexer ran to write blocks.
	pub sql_statements: IntCounter,
	/// Routing decisions by outcome (`assigned`, `no_candidates`, `rejected`, `failed`).
	pub routing_decisions: IntCounterVec,
	/// Time to index one block by step (`fetch`: reading it over RPC; `write`: its database
	/// transaction), seconds.
	pub block_seconds: HistogramVec,
}

impl Metrics {
	/// Create and register every metric.
	pub fn new() -> Result<Self, prometheus::Error> {
		let registry = Registry::new_custom(Some("havn_orchestrator".into()), None)?;
		let http_requests = IntCounterVec::new(
			Opts::new("http_requests_total", "HTTP requests by route, method and status"),
			&["route", "method", "status"],
		)?;
		let http_latency = HistogramVec::new(
			HistogramOpts::new("http_request_duration_seconds", "HTTP request latency, seconds")
				.buckets(vec![0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
			&["route"],
		)?;
		let indexed_height = IntGauge::new("indexed_block", "Last indexed block")?;
		let finalized_height = IntGauge::new("finalized_block", "Finalized head of the chain")?;
		let lag_blocks = IntGauge::new("indexer_lag_blocks", "Finalized minus indexed, blocks")?;
		let indexed_events = IntCounter::new("indexed_events_total", "Havn events indexed")?;
		let indexer_errors =
			IntCounter::new("indexer_errors_total", "Indexer failures (each is retried)")?;
		let sql_statements = IntCounter::new(
			"indexer_sql_statements_total",
			"SQL statements the indexer ran to write blocks",
		)?;
		registry.register(Box::new(sql_statements.clone()))?;
		let routing_decisions = IntCounterVec::new(
			Opts::new("routing_decisions_total", "Routing decisions by outcome"),
			&["outcome"],
		)?;
		registry.register(Box::new(http_requests.clone()))?;
		registry.register(Box::new(http_latency.clone()))?;
		registry.register(Box::new(indexed_height.clone()))?;
		registry.register(Box::new(finalized_height.clone()))?;
		registry.register(Box::new(lag_blocks.clone()))?;
		registry.register(Box::new(indexed_events.clone()))?;
		registry.register(Box::new(indexer_errors.clone()))?;
		let block_seconds = HistogramVec::new(
			HistogramOpts::new(
				"block_index_duration_seconds",
				"Time to index one block by step (fetch over RPC, database write), seconds",
			)
			.buckets(vec![0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0]),
			&["step"],
		)?;
		registry.register(Box::new(routing_decisions.clone()))?;
		registry.register(Box::new(block_seconds.clone()))?;
		Ok(Self {
			registry,
			http_requests,
			http_latency,
			indexed_height,
			finalized_height,
			lag_blocks,
			indexed_events,
			indexer_errors,
			sql_statements,
			routing_decisions,
			block_seconds,
		})
	}

	/// Every metric in the Prometheus text format.
	pub fn render(&self) -> Result<String, prometheus::Error> {
		let mut out = Vec::new();
		TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
		String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
	}
}

/// Sentinel of an unknown block number.
const UNKNOWN: u64 = u64::MAX;

/// What the indexer knows about the chain, shared with the API.
#[derive(Debug)]
pub struct ChainStatus {
	indexed: AtomicU64,
	finalized: AtomicU64,
	genesis: OnceLock<[u8; 32]>,
	/// StakeGuard's `HeartbeatEpoch` as the chain last gave it, blocks (0: not known yet).
	heartbeat_epoch: std::sync::atomic::AtomicU32,
	/// StakeGuard's node floors (S, M, L, XL), planck, as the chain last gave them.
	node_floors: std::sync::RwLock<Option<[u128; 4]>>,
	/// ExecutionLog's `ExecutionWindow` as the chain last gave it, blocks (0: not known yet).
	execution_window: std::sync::atomic::AtomicU32,
	/// ExecutionLog's `ChallengeWindow` as the chain last gave it, blocks (`u32::MAX`: not
	/// known yet, so no finalized job counts as ended).
	challenge_window: std::sync::atomic::AtomicU32,
	/// The block whose state the node had discarded when the indexer last asked for it
	/// ([`UNKNOWN`]: none).
	pruned_at: AtomicU64,
}

impl Default for ChainStatus {
	fn default() -> Self {
		Self::new()
	}
}

impl ChainStatus {
	/// Nothing known yet.
	pub fn new() -> Self {
		Self {
			indexed: AtomicU64::new(UNKNOWN),
			finalized: AtomicU64::new(UNKNOWN),
			genesis: OnceLock::new(),
			heartbeat_epoch: std::sync::atomic::AtomicU32::new(0),
			node_floors: std::sync::RwLock::new(None),
			execution_window: std::sync::atomic::AtomicU32::new(0),
			challenge_window: std::sync::atomic::AtomicU32::new(u32::MAX),
			pruned_at: AtomicU64::new(UNKNOWN),
		}
	}

	/// StakeGuard's heartbeat epoch, blocks: as the chain last gave it (the follower reads it
	/// on connecting and whenever governance changes a parameter), else the runtime's default.
	pub fn heartbeat_epoch(&self) -> u32 {
		match self.heartbeat_epoch.load(Ordering::Acquire) {
			0 => crate::routing::HEARTBEAT_EPOCH,
			epoch => epoch,
		}
	}

	/// StakeGuard's collateral floors of execution nodes (S, M, L, XL), planck, as the chain
	/// last gave them; `None` until the chain has been read.
	pub fn node_floors(&self) -> Option<[u128; 4]> {
		self.node_floors.read().map(|f| *f).unwrap_or(None)
	}

	/// ExecutionLog's execution window, blocks: `assign` needs this many blocks left before a
	/// job's deadline. 0 until the chain has been read.
	pub fn execution_window(&self) -> u32 {
		self.execution_window.load(Ordering::Acquire)
	}

	/// ExecutionLog's challenge window, blocks: a finalized job can be pruned this many blocks
	/// after its finalization. `u32::MAX` until the chain has been read.
	pub fn challenge_window(&self) -> u32 {
		self.challenge_window.load(Ordering::Acquire)
	}

	/// Record the runtime parameters the orchestrator acts on (at connecting, and whenever
	/// governance changes a parameter): the heartbeat epoch, the node floors, the execution
	/// window and the challenge window.
	pub fn set_params(&self, params: &havn_client::view::ChainParams) {
		self.heartbeat_epoch.store(params.heartbeat_epoch, Ordering::Release);
		self.execution_window.store(params.execution_window, Ordering::Release);
		self.challenge_window.store(params.challenge_window, Ordering::Release);
		if let Ok(mut f) = self.node_floors.write() {
			*f = Some(params.node_floors);
		}
	}

	/// The block the indexer needs whose state the node has discarded (it prunes history), if
	/// that is what stops the indexer now.
	pub fn pruned_at(&self) -> Option<u32> {
		Self::load(&self.pruned_at)
	}

	/// Record that the node discarded the state of `block` (or, `None`, that indexing goes on).
	pub fn set_pruned_at(&self, block: Option<u32>) {
		self.pruned_at.store(block.map_or(UNKNOWN, u64::from), Ordering::Release);
	}

	fn load(cell: &AtomicU64) -> Option<u32> {
		u32::try_from(cell.load(Ordering::Acquire)).ok()
	}

	/// Last indexed block.
	pub fn indexed(&self) -> Option<u32> {
		Self::load(&self.indexed)
	}

	/// Finalized head, as last seen.
	pub fn finalized(&self) -> Option<u32> {
		Self::load(&self.finalized)
	}

	/// Record the last indexed block.
	pub fn set_indexed(&self, block: u32, metrics: &Metrics) {
		self.indexed.store(u64::from(block), Ordering::Release);
		metrics.indexed_height.set(i64::from(block));
		self.update_lag(metrics);
	}

	/// Record the finalized head.
	pub fn set_finalized(&self, block: u32, metrics: &Metrics) {
		self.finalized.store(u64::from(block), Ordering::Release);
		metrics.finalized_height.set(i64::from(block));
		self.update_lag(metrics);
	}

	fn update_lag(&self, metrics: &Metrics) {
		if let Some(finalized) = self.finalized() {
			let lag = finalized.saturating_sub(self.indexed().unwrap_or(0));
			metrics.lag_blocks.set(i64::from(lag));
		}
	}

	/// The chain's genesis hash, once known.
	pub fn genesis(&self) -> Option<[u8; 32]> {
		self.genesis.get().copied()
	}

	/// Record the genesis hash (the first value stays).
	pub fn set_genesis(&self, hash: [u8; 32]) {
		let _ = self.genesis.set(hash);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn renders_and_tracks_lag() {
		let metrics = Metrics::new().unwrap();
		let status = ChainStatus::new();
		assert_eq!((status.indexed(), status.finalized()), (None, None));
		status.set_finalized(12, &metrics);
		status.set_indexed(9, &metrics);
		assert_eq!(metrics.lag_blocks.get(), 3);
		metrics.routing_decisions.with_label_values(&["assigned"]).inc();
		let text = metrics.render().unwrap();
		assert!(text.contains("havn_orchestrator_indexed_block 9"));
		assert!(text.contains("havn_orchestrator_indexer_lag_blocks 3"));
		assert!(text.contains("havn_orchestrator_routing_decisions_total{outcome=\"assigned\"} 1"));
	}
}
