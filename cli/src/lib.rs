//! # `havn`: the Havn command line
//!
//! One binary for creators, node operators and users of a Havn chain:
//!
//! | command | what it does |
//! |---|---|
//! | `havn faucet [ACCOUNT]` | unsigned `Faucet::claim`: testnet HAI for an account with none |
//! | `havn publish FILE [--dry-run]` | validate a `havn.workflow/v1` manifest, store it in the orchestrator's artifact store, `WorkflowRegistry::publish` it (idempotent: an already registered manifest reports its id) |
//! | `havn bond --role node\|validator\|relay [--class S\|M\|L\|XL] --amount HAI` | `StakeGuard::bond` |
//! | `havn submit WORKFLOW --input FILE …` | store the input, quote the fee (`HavnApi::quote_fee`), `ExecutionLog::submit_job`, then follow the job phase by phase |
//! | `havn status JOB [--outputs]` | `HavnApi::job` plus the orchestrator's indexed receipts, attestations and payouts; `--outputs` fetches and verifies the outputs document |
//! | `havn earnings WORKFLOW\|ACCOUNT` | `HavnApi::workflow_earnings` or `HavnApi::account` |
//! | `havn dev set-params …` | `Sudo::sudo(Parameters::set_parameter)` for devnets |
//!
//! Global options: `--chain` (`$HAVN_CHAIN`, default `ws://127.0.0.1:9944`), `--orchestrator`
//! (`$HAVN_ORCHESTRATOR`, default `http://127.0.0.1:8080`), the signer as `--suri`
//! (`$HAVN_SURI`) or `--keystore FILE` (password in `$HAVN_KEY_PASSWORD`), and `--json` (one
//! JSON object on stdout; progress, if any, goes to stderr).
//!
//! Units: amounts are HAI with 12 decimals (1 HAI = 10^12 planck), given as `12.5` or
//! `12500000000000planck` and printed as both (`havn_client::amount`); deadlines and timeouts on chain are
//! blocks (3 s each). Exit codes are listed in [`failure`].

pub use havn_client::amount;
mod chain;
pub mod cli;
mod commands;
pub mod failure;
mod indexer;
pub mod render;

use cli::{Cli, Command, DevCommand, GlobalOpts};

/// What a command prints when it returns: JSON for `--json`, text otherwise, and its exit code.
#[derive(Debug)]
pub struct Report {
	/// The `--json` object.
	pub json: serde_json::Value,
	/// The text for people (ends with a newline).
	pub text: String,
	/// Process exit code ([`failure::EXIT_OK`] unless the job failed).
	pub code: u8,
}

impl Report {
	/// A successful report.
	pub fn ok(json: serde_json::Value, text: String) -> Self {
		Self { json, text, code: failure::EXIT_OK }
	}
}

/// How a running command talks to the user.
pub struct Ctx {
	/// The global options.
	pub opts: GlobalOpts,
}

impl Ctx {
	/// A progress line: on stdout for people, on stderr under `--json` (stdout carries only the
	/// final object).
	pub fn progress(&self, line: &str) {
		if self.opts.json {
			eprintln!("{line}");
		} else {
			println!("{line}");
		}
	}
}

/// Set `key` on a JSON object (nothing happens to any other kind of value).
pub(crate) fn set(object: &mut serde_json::Value, key: &str, value: impl Into<serde_json::Value>) {
	if let Some(map) = object.as_object_mut() {
		map.insert(key.to_string(), value.into());
	}
}

/// Run one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<Report> {
	let ctx = Ctx { opts: cli.global };
	match cli.command {
		Command::Faucet(args) => commands::faucet::run(&ctx, args).await,
		Command::Publish(args) => commands::publish::run(&ctx, args).await,
		Command::Bond(args) => commands::bond::run(&ctx, args).await,
		Command::Submit(args) => commands::submit::run(&ctx, args).await,
		Command::Status(args) => commands::status::run(&ctx, args).await,
		Command::Earnings(args) => commands::earnings::run(&ctx, args).await,
		Command::Dev(DevCommand::SetParams(args)) => commands::dev::set_params(&ctx, args).await,
	}
}
