//! # havn-node
//!
//! The Havn node: Aura block production, GRANDPA finality, ParityDB storage, the standard
//! Substrate JSON-RPC (polkadot.js and subxt connect with no custom types) and Prometheus
//! metrics. Chain specs: `dev` (Alice alone), `local` (Alice, Bob, Charlie), and `aurora`
//! testnets built with `havn-node aurora-spec` from authority keys. Subcommands: `key`,
//! `build-spec`, `aurora-spec`, `purge-chain` and the other usual `sc-cli` ones, plus `benchmark`
//! in a node built with `--features runtime-benchmarks` (scripts/benchmark.sh builds one).

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod pool;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
