//! Command-line interface.

use sc_cli::RunCmd;
use std::path::PathBuf;

/// `havn-node` and its subcommands.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: RunCmd,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Print a chain specification (`--chain dev|local|<file>`), optionally `--raw`.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Print an `aurora` testnet chain specification built from authority keys.
	AuroraSpec(AuroraSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block as a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks: `pallet` (runtime weights), `storage`, `overhead`, `extrinsic`, `block`,
	/// `machine`. Only in a node built with `--features runtime-benchmarks`, as
	/// scripts/benchmark.sh builds it: frame-benchmarking-cli brings some 120 crates (XCM, the
	/// parachain runtime, pallet-staking) that no other part of the node needs.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// Options of `havn-node aurora-spec`.
///
/// Authorities come from `--authority AURA,GRANDPA` (repeatable; SS58 public keys, Aura
/// sr25519 then GRANDPA ed25519) and/or `--authorities-file FILE`, a JSON file of the form
/// `{"authorities": [{"aura": "5…", "grandpa": "5…"}], "sudo": "5…", "council": ["5…"],
/// "endowed": ["5…"]}` (every field but `authorities` optional).
#[derive(Debug, clap::Args)]
pub struct AuroraSpecCmd {
	/// An authority as `AURA_SS58,GRANDPA_SS58`. Repeat for several.
	#[arg(long = "authority", value_name = "AURA,GRANDPA")]
	pub authorities: Vec<String>,

	/// A JSON file with authorities (and optionally sudo, council and endowed accounts).
	#[arg(long, value_name = "FILE")]
	pub authorities_file: Option<PathBuf>,

	/// The sudo account (SS58). Defaults to the file's `sudo`, else none.
	#[arg(long, value_name = "SS58")]
	pub sudo: Option<String>,

	/// Print the raw (storage) form of the spec, as nodes of a network should share it.
	#[arg(long)]
	pub raw: bool,
}
