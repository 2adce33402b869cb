//! Log set-up shared by the daemons (`havn-exec`, `havn-orchestrator`, `havn-bench-chain`):
//! `tracing` to stdout, filtered by an `EnvFilter` (`--log-filter`, or `$RUST_LOG`, default
//! `info`), as text or one JSON object per line (`--log-format json`: structured fields such as
//! `job_id` become keys).

use crate::ClientError;

/// Log output format (`--log-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
	/// Human-readable lines (ANSI colours on a terminal).
	#[default]
	Text,
	/// One JSON object per line.
	Json,
}

/// Install the global `tracing` subscriber: `filter` in `EnvFilter` syntax (`info`,
/// `havn_orchestrator=debug`), `format` as above; logs go to stdout, or to stderr when
/// `to_stderr` (for tools whose stdout is their report).
///
/// Errors: [`ClientError::Logs`] for a filter that does not parse or a subscriber already set.
pub fn init(format: LogFormat, filter: &str, to_stderr: bool) -> Result<(), ClientError> {
	let filter = tracing_subscriber::EnvFilter::try_new(filter)
		.map_err(|e| ClientError::Logs(format!("bad log filter `{filter}`: {e}")))?;
	let terminal = if to_stderr {
		std::io::IsTerminal::is_terminal(&std::io::stderr())
	} else {
		std::io::IsTerminal::is_terminal(&std::io::stdout())
	};
	let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(terminal);
	let done = match (format, to_stderr) {
		(LogFormat::Json, false) => {
			builder.json().flatten_event(true).with_current_span(false).try_init()
		}
		(LogFormat::Json, true) => builder
			.json()
			.flatten_event(true)
			.with_current_span(false)
			.with_writer(std::io::stderr)
			.try_init(),
		(LogFormat::Text, false) => builder.try_init(),
		(LogFormat::Text, true) => builder.with_writer(std::io::stderr).try_init(),
	};
	done.map_err(|e| ClientError::Logs(e.to_string()))
}

/// The default filter: `$RUST_LOG` if set, else `info`.
pub fn default_filter() -> String {
	std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into())
}
