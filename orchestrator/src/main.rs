//! `havn-orchestrator`: the Havn indexer, REST API, artifact store, attestation pool and
//! relay. See `havn-orchestrator --help` and the library docs.

use clap::Parser;
use havn_orchestrator::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let config = Config::parse();
	havn_client::logs::init(config.log_format, &config.log_filter, false)?;
	havn_orchestrator::run(config).await
}
