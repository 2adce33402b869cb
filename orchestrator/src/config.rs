//! Command-line and environment configuration.

use clap::Parser;
pub use havn_client::logs::LogFormat;
use std::{net::SocketAddr, path::PathBuf};

/// The Havn orchestrator: indexes finalized blocks into SQLite or PostgreSQL, serves the REST
/// API and the artifact store, pools attestations for the lead aggregator and, with a relay key,
/// routes submitted jobs to execution nodes.
#[derive(Clone, Debug, Parser)]
#[command(name = "havn-orchestrator", version, about, long_about = None)]
pub struct Config {
	/// WebSocket RPC endpoint of a Havn node (`--rpc-url` is an alias).
	#[arg(
		long = "chain",
		visible_alias = "rpc-url",
		env = "HAVN_CHAIN",
		default_value = havn_client::DEFAULT_CHAIN
	)]
	pub rpc_url: String,

	/// Address the REST API listens on.
	#[arg(long, env = "HAVN_LISTEN", default_value = "127.0.0.1:8080")]
	pub listen: SocketAddr,

	/// Directory of the default SQLite database and of the artifact store (`artifacts/`).
	#[arg(long, env = "HAVN_DATA_DIR", default_value = "orchestrator-data")]
	pub data_dir: PathBuf,

	/// Database URL: `sqlite://…` or `postgres://…`. Default:
	/// `sqlite://<data-dir>/havn.db?mode=rwc`.
	#[arg(long, env = "DATABASE_URL")]
	pub database_url: Option<String>,

	/// First block to index when the database is empty.
	#[arg(long, env = "HAVN_INDEX_FROM", default_value_t = 1)]
	pub index_from: u32,

	/// How often to poll the finalized head when caught up, in ms: the fallback when the node's
	/// finalized-head subscription (which the indexer follows first) fails or ends.
	#[arg(long, env = "HAVN_POLL_MS", default_value_t = 1_000)]
	pub poll_ms: u64,

	/// Largest accepted artifact, in bytes (default 16 MiB).
	#[arg(long, env = "HAVN_MAX_ARTIFACT_BYTES", default_value_t = 16 * 1024 * 1024)]
	pub max_artifact_bytes: usize,

	/// New artifact bytes one account may store per 24 h (bytes already stored cost nothing).
	#[arg(long, env = "HAVN_UPLOAD_QUOTA_BYTES", default_value_t = crate::api::DEFAULT_UPLOAD_QUOTA_BYTES)]
	pub upload_quota_bytes: u64,

	/// Artifact uploads read at once, in all (each buffers up to `--max-artifact-bytes`);
	/// more are refused with `503 uploads_busy`.
	#[arg(
		long,
		env = "HAVN_MAX_CONCURRENT_UPLOADS",
		default_value_t = crate::api::DEFAULT_MAX_CONCURRENT_UPLOADS,
		value_parser = clap::value_parser!(u32).range(1..=4096)
	)]
	pub max_concurrent_uploads: u32,

	/// Largest accepted JSON request body, in bytes.
	#[arg(long, env = "HAVN_MAX_JSON_BYTES", default_value_t = 64 * 1024)]
	pub max_json_bytes: usize,

	/// Timeout of one HTTP request, in ms.
	#[arg(long, env = "HAVN_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
	pub request_timeout_ms: u64,

	/// Serve the REST API from the database without following a chain: no indexing, no relay,
	/// no live chain queries. For a read replica of a database that another orchestrator
	/// indexes (the indexed height is re-read from it every `--poll-ms`), or for a database
	/// made by `havn-bench-seed`.
	#[arg(
		long,
		env = "HAVN_NO_INDEX",
		conflicts_with_all = ["relay_suri", "relay_keystore", "bond_relay"]
	)]
	pub no_index: bool,

	/// Secret URI of the relay account (for example `//Eve` on a dev chain); enables routing.
	#[arg(
		long,
		env = "HAVN_RELAY_SURI",
		conflicts_with = "relay_keystore",
		hide_env_values = true
	)]
	pub relay_suri: Option<String>,

	/// polkadot.js keystore file (JSON export) of the relay account; enables routing.
	#[arg(long, env = "HAVN_RELAY_KEYSTORE")]
	pub relay_keystore: Option<PathBuf>,

	/// Password of `--relay-keystore` (default: `$HAVN_KEY_PASSWORD`).
	#[arg(long, env = "HAVN_RELAY_PASSWORD", hide_env_values = true)]
	pub relay_password: Option<String>,

	/// Bond the relay account as a StakeGuard relay with this many HAI (decimals allowed) at
	/// start, if it holds no role yet.
	#[arg(long, env = "HAVN_BOND_RELAY")]
	pub bond_relay: Option<String>,

	/// Most jobs the relay assigns per round.
	#[arg(long, env = "HAVN_ROUTE_BATCH", default_value_t = 32)]
	pub route_batch: u32,

	/// Log format.
	#[arg(long, env = "HAVN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
	pub log_format: LogFormat,

	/// Log filter (tracing `EnvFilter` syntax).
	#[arg(long, env = "RUST_LOG", default_value = "info")]
	pub log_filter: String,
}

impl Config {
	/// The database URL to use.
	pub fn database_url(&self) -> String {
		match &self.database_url {
			Some(url) => url.clone(),
			None => format!("sqlite://{}?mode=rwc", self.data_dir.join("havn.db").display()),
		}
	}

	/// The artifact directory.
	pub fn artifact_dir(&self) -> PathBuf {
		self.data_dir.join("artifacts")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn defaults_and_database_url() {
		let mut config =
			Config::try_parse_from(["havn-orchestrator", "--data-dir", "/tmp/x"]).unwrap();
		// Independent of a `DATABASE_URL` in the test environment.
		config.database_url = None;
		assert_eq!(config.database_url(), "sqlite:///tmp/x/havn.db?mode=rwc");
		assert!(Config::try_parse_from([
			"havn-orchestrator",
			"--relay-suri",
			"//Eve",
			"--relay-keystore",
			"/k"
		])
		.is_err());
		assert!(!config.no_index);
		let replica =
			Config::try_parse_from(["havn-orchestrator", "--no-index", "--data-dir", "/tmp/x"])
				.unwrap();
		assert!(replica.no_index);
		assert!(Config::try_parse_from([
			"havn-orchestrator",
			"--no-index",
			"--relay-suri",
			"//Eve"
		])
		.is_err());
	}
}
