//! `havn-orchestrator`: the Havn indexer, REST API, artifact store, attestation pool and
//! relay. See `havn-orchestrator --help` and the library docs.

use anyhow::Context;
use clap::Parser;
use havn_orchestrator::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let config = Config::parse();
	let filter = EnvFilter::try_new(&config.log_filter)
		.with_context(|| format!("bad log filter `{}`", config.log_filter))?;
	let subscriber = tracing_subscriber::fmt()
		.with_env_filter(filter)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
	match config.log_format {
		LogFormat::Json => subscriber.json().flatten_event(true).with_current_span(false).init(),
		LogFormat::Text => subscriber.init(),
	}
	havn_orchestrator::run(config).await
}
