//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use havn_client::amount::parse_amount;
use havn_primitives::{Balance, ComputeClass};
use std::path::PathBuf;

/// `havn`: publish workflows, bond, submit jobs and follow them on a Havn chain.
///
/// Amounts are HAI (`12.5`, up to 12 decimals) or planck (`12500000000000planck`); durations on
/// chain are blocks (3 s each).
#[derive(Debug, Parser)]
#[command(name = "havn", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
	/// Connection, signer and output options.
	#[command(flatten)]
	pub global: GlobalOpts,
	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalOpts {
	/// WebSocket RPC endpoint of a Havn node.
	#[arg(long, global = true, env = "HAVN_CHAIN", default_value = havn_client::DEFAULT_CHAIN)]
	pub chain: String,

	/// Base URL of the Havn orchestrator (artifact store and indexer REST API).
	#[arg(
		long,
		global = true,
		env = "HAVN_ORCHESTRATOR",
		default_value = havn_client::DEFAULT_ORCHESTRATOR
	)]
	pub orchestrator: String,

	/// Secret URI of the signing key (`//Alice`, a mnemonic with optional derivations).
	#[arg(long, global = true, env = "HAVN_SURI", hide_env_values = true)]
	pub suri: Option<String>,

	/// polkadot.js keystore file (sr25519) of the signing key, taking precedence over `--suri`;
	/// its password is read from `$HAVN_KEY_PASSWORD`.
	#[arg(long, global = true, value_name = "FILE")]
	pub keystore: Option<PathBuf>,

	/// Print one JSON object on stdout instead of text.
	#[arg(long, global = true)]
	pub json: bool,

	/// Seconds to keep retrying the connection to the node.
	#[arg(long, global = true, value_name = "SECONDS", default_value_t = 10)]
	pub connect_timeout: u64,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Claim testnet HAI from the faucet (an unsigned extrinsic: no fee, no balance needed).
	Faucet(FaucetArgs),
	/// Validate a workflow manifest, store it in the artifact store and register it on chain.
	Publish(PublishArgs),
	/// Bond HAI as an execution node, a validator or a relay.
	Bond(BondArgs),
	/// Submit a paid job and follow it until it is finalized, rejected or expired.
	Submit(SubmitArgs),
	/// Show a job: phase, timeline, nodes, committee, verdicts, fee, and the indexer's view.
	Status(StatusArgs),
	/// Show what a workflow (by id) or an account (SS58 or 0x-hex) has earned.
	Earnings(EarningsArgs),
	/// Devnet helpers (need the sudo key).
	#[command(subcommand)]
	Dev(DevCommand),
}

/// `havn faucet`.
#[derive(Debug, Args)]
pub struct FaucetArgs {
	/// Account to pay (SS58 or 0x + 64 hex digits); default: the signer's account.
	pub account: Option<String>,
}

/// `havn publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
	/// The manifest file (`havn.workflow/v1` JSON).
	pub manifest: PathBuf,
	/// Validate and print what would be published; touches neither the store nor the chain.
	#[arg(long)]
	pub dry_run: bool,
}

/// The role to bond for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
	/// An execution node (needs `--class`).
	Node,
	/// An attestation validator.
	Validator,
	/// A relay (routes jobs to nodes).
	Relay,
}

/// `havn bond`.
#[derive(Debug, Args)]
pub struct BondArgs {
	/// The role.
	#[arg(long, value_enum)]
	pub role: RoleArg,
	/// Compute class of an execution node (required with `--role node`, refused otherwise).
	#[arg(long, value_parser = havn_client::args::parse_class, required_if_eq("role", "node"))]
	pub class: Option<ComputeClass>,
	/// Stake to bond: HAI (`2000`) or planck (`…planck`); at least the role's floor.
	#[arg(long, value_parser = parse_amount_arg)]
	pub amount: Balance,
}

/// `havn submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
	/// The workflow to run.
	pub workflow_id: u64,
	/// The input file; it is stored in the artifact store and its blake2-256 registered.
	#[arg(long, value_name = "FILE")]
	pub input: PathBuf,
	/// Compute class to run on; default: the workflow's own class.
	#[arg(long, value_parser = havn_client::args::parse_class)]
	pub class: Option<ComputeClass>,
	/// Number of nodes that run the job (the fee scales with it).
	#[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..))]
	pub redundancy: u8,
	/// Blocks from now after which the job expires (and is refunded); at least the chain's
	/// `RelayTimeout + ExecutionWindow` (30 blocks by default), or `DeadlineTooSoon`.
	#[arg(long, value_name = "BLOCKS", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
	pub deadline: u32,
	/// Most to escrow: HAI or planck; default: the runtime's quote.
	#[arg(long, value_parser = parse_amount_arg)]
	pub max_fee: Option<Balance>,
	/// Print the job id and return without following the job.
	#[arg(long)]
	pub no_wait: bool,
	/// Seconds to follow the job before giving up (exit code 4).
	#[arg(long, value_name = "SECONDS", default_value_t = 300)]
	pub timeout: u64,
}

/// `havn status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
	/// The job.
	pub job_id: u64,
	/// Also download the outputs document (checked against its CID) and print it; in text mode a
	/// long numeric array (an embedding) shows its first values and its length.
	#[arg(long)]
	pub outputs: bool,
}

/// `havn earnings`.
#[derive(Debug, Args)]
pub struct EarningsArgs {
	/// A workflow id (a number), an account (SS58 or 0x + 64 hex digits), or `me` (the signer).
	pub target: String,
}

/// `havn dev …`.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
	/// Change ExecutionLog parameters through `Sudo::sudo(Parameters::set_parameter)`.
	SetParams(SetParamsArgs),
}

/// `havn dev set-params`: at least one parameter.
#[derive(Debug, Args)]
#[group(id = "params", required = true, multiple = true)]
pub struct SetParamsArgs {
	/// Matching verdicts that decide a job (`QuorumSize`).
	#[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
	pub quorum_size: Option<u32>,
	/// Validators drawn into each committee (`CommitteeSize`).
	#[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
	pub committee_size: Option<u32>,
	/// Base share of jobs sampled for re-execution, in percent with up to 4 decimals
	/// (`ReexecutionRate`).
	#[arg(long, value_name = "PERCENT")]
	pub reexecution_percent: Option<f64>,
	/// Blocks a relay has to assign a job before nodes may claim it (`RelayTimeout`).
	#[arg(long, value_name = "BLOCKS")]
	pub relay_timeout: Option<u32>,
}

fn parse_amount_arg(s: &str) -> Result<Balance, String> {
	parse_amount(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;
	use havn_primitives::HAI;

	fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("havn").chain(args.iter().copied()))
	}

	#[test]
	fn clap_definition_is_consistent() {
		use clap::CommandFactory;
		Cli::command().debug_assert();
	}

	#[test]
	fn global_flags_and_defaults() {
		let cli = parse(&["status", "7"]).unwrap();
		assert!(!cli.global.json);
		assert_eq!(cli.global.connect_timeout, 10);
		assert!(matches!(cli.command, Command::Status(StatusArgs { job_id: 7, outputs: false })));

		// Global flags go before or after the command.
		let cli = parse(&[
			"--chain",
			"ws://node:9944",
			"status",
			"7",
			"--json",
			"--orchestrator",
			"http://o:1",
			"--suri",
			"//Bob",
		])
		.unwrap();
		assert_eq!(cli.global.chain, "ws://node:9944");
		assert_eq!(cli.global.orchestrator, "http://o:1");
		assert_eq!(cli.global.suri.as_deref(), Some("//Bob"));
		assert!(cli.global.json);

		let cli = parse(&["faucet", "--keystore", "k.json"]).unwrap();
		assert_eq!(cli.global.keystore, Some(PathBuf::from("k.json")));
		assert!(parse(&["status"]).is_err());
		assert!(parse(&["status", "x"]).is_err());
	}

	#[test]
	fn bond_role_and_class() {
		let cli = parse(&["bond", "--role", "node", "--class", "M", "--amount", "5000"]).unwrap();
		let Command::Bond(b) = cli.command else { panic!("not bond") };
		assert_eq!(
			(b.role, b.class, b.amount),
			(RoleArg::Node, Some(ComputeClass::M), 5_000 * HAI)
		);

		let cli = parse(&["bond", "--role", "relay", "--amount", "1000.5"]).unwrap();
		let Command::Bond(b) = cli.command else { panic!("not bond") };
		assert_eq!((b.role, b.class, b.amount), (RoleArg::Relay, None, 1_000 * HAI + HAI / 2));

		let cli =
			parse(&["bond", "--role", "node", "--class", "xl", "--amount", "1planck"]).unwrap();
		let Command::Bond(b) = cli.command else { panic!("not bond") };
		assert_eq!((b.class, b.amount), (Some(ComputeClass::XL), 1));

		// A node needs a class; amounts are checked.
		assert!(parse(&["bond", "--role", "node", "--amount", "5000"]).is_err());
		assert!(parse(&["bond", "--role", "validator"]).is_err());
		assert!(parse(&["bond", "--role", "validator", "--amount", "1.0000000000001"]).is_err());
		assert!(parse(&["bond", "--role", "miner", "--amount", "1"]).is_err());
	}

	#[test]
	fn submit_defaults_and_limits() {
		let cli = parse(&["submit", "3", "--input", "in.json"]).unwrap();
		let Command::Submit(s) = cli.command else { panic!("not submit") };
		assert_eq!(s.workflow_id, 3);
		assert_eq!(s.input, PathBuf::from("in.json"));
		assert_eq!((s.class, s.redundancy, s.deadline, s.max_fee), (None, 1, 100, None));
		assert_eq!((s.no_wait, s.timeout), (false, 300));

		let cli = parse(&[
			"submit",
			"3",
			"--input",
			"in.json",
			"--class",
			"L",
			"--redundancy",
			"3",
			"--deadline",
			"20",
			"--max-fee",
			"12.5",
			"--no-wait",
			"--timeout",
			"60",
		])
		.unwrap();
		let Command::Submit(s) = cli.command else { panic!("not submit") };
		assert_eq!(s.class, Some(ComputeClass::L));
		assert_eq!((s.redundancy, s.deadline, s.max_fee), (3, 20, Some(12 * HAI + HAI / 2)));
		assert!(s.no_wait);
		assert_eq!(s.timeout, 60);

		assert!(parse(&["submit", "3"]).is_err(), "--input is required");
		assert!(parse(&["submit", "3", "--input", "x", "--redundancy", "0"]).is_err());
		assert!(parse(&["submit", "3", "--input", "x", "--redundancy", "256"]).is_err());
		assert!(parse(&["submit", "3", "--input", "x", "--deadline", "0"]).is_err());
		assert!(parse(&["submit", "3", "--input", "x", "--max-fee", "lots"]).is_err());
	}

	#[test]
	fn publish_faucet_earnings() {
		let cli = parse(&["publish", "./workflow.json", "--dry-run"]).unwrap();
		let Command::Publish(p) = cli.command else { panic!("not publish") };
		assert_eq!(p.manifest, PathBuf::from("./workflow.json"));
		assert!(p.dry_run);

		let cli = parse(&["faucet"]).unwrap();
		assert!(matches!(cli.command, Command::Faucet(FaucetArgs { account: None })));
		let cli = parse(&["faucet", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"]).unwrap();
		assert!(matches!(cli.command, Command::Faucet(FaucetArgs { account: Some(_) })));

		let cli = parse(&["earnings", "12"]).unwrap();
		assert!(
			matches!(cli.command, Command::Earnings(EarningsArgs { ref target }) if target == "12")
		);
	}

	#[test]
	fn dev_set_params_needs_a_parameter() {
		assert!(parse(&["dev", "set-params"]).is_err());
		let cli = parse(&[
			"dev",
			"set-params",
			"--quorum-size",
			"1",
			"--committee-size",
			"2",
			"--reexecution-percent",
			"12.5",
			"--relay-timeout",
			"0",
		])
		.unwrap();
		let Command::Dev(DevCommand::SetParams(p)) = cli.command else { panic!("not dev") };
		assert_eq!(p.quorum_size, Some(1));
		assert_eq!(p.committee_size, Some(2));
		assert_eq!(p.reexecution_percent, Some(12.5));
		assert_eq!(p.relay_timeout, Some(0));
		assert!(parse(&["dev", "set-params", "--quorum-size", "0"]).is_err());
	}
}
