//! # havn-bench-chain
//!
//! The load generator of `scripts/bench-chain.sh`: against one running `havn-node` it drives two
//! workloads back to back in one run and prints one table.
//!
//! 1. **Transfers**: `N` `Balances::transfer_keep_alive` calls, signed before the clock starts
//!    by 64 senders and submitted all at once.
//! 2. **Job lifecycles**: `N` jobs taken through the whole protocol, batched wherever the
//!    protocol allows:
//!    - payers submit jobs in `Utility::force_batch`es of `submit_job`;
//!    - one bonded relay routes them with `force_batch`es of `assign`;
//!    - each execution node sends its receipts in a `force_batch` of `submit_receipt` (a real
//!      sr25519 receipt signature each, by its registered receipt key);
//!    - the first `QuorumSize` members of every committee sign an attestation and the current
//!      lead aggregator lands them with `submit_attestations` (up to `MaxBatch` items each);
//!    - the quorum finalizes the job and PayoutRouter pays it out.
//!
//!    Jobs are fed closed-loop: at each new best block the generator tops the jobs in flight up
//!    to `--in-flight`, so the chain stays saturated without an unbounded pool.
//!
//! The generator plays the relay, the nodes and the validators itself (it holds their dev keys),
//! so no model runs: this measures the chain's path, not inference (see `scripts/bench-executors.sh`
//! for that). Every figure comes from the chain itself: the blocks that include the extrinsics,
//! their `Timestamp::Now`, their events and `System::BlockWeight`.
//!
//! ## Figures
//! - *settled jobs/s* = jobs finalized ÷ the time from the block before the first `submit_job`
//!   was included to the block of the last `JobFinalized` (block timestamps, ms);
//! - *transfers/s* likewise for `Transfer` events;
//! - their ratio;
//! - p50/p95 from the block including `submit_job` to the block paying the job out, in blocks
//!   and in ms of block time: under saturation (the throughput pass, where it is mostly queueing)
//!   and in a second pass of `--latency-jobs` with only `--latency-in-flight` jobs open, below
//!   the chain's capacity (the protocol's own latency);
//! - block fullness: normal-class ref time used ÷ the normal-class limit, mean and max over the
//!   blocks of each workload;
//! - with `--indexer-metrics`, the orchestrator's indexer lag behind the chain's finalized head,
//!   sampled every second while the jobs run.

mod load;
mod report;

use anyhow::{Context, Result};
use clap::Parser;
use std::time::Duration;

/// Command-line arguments.
#[derive(Parser, Debug, Clone)]
#[command(name = "havn-bench-chain", about = "Job lifecycles against transfers on one Havn node")]
pub struct Args {
	/// WebSocket RPC of the node under test (`--rpc-url` is an alias).
	#[arg(
		long = "chain",
		visible_alias = "rpc-url",
		env = "HAVN_CHAIN",
		default_value = havn_client::DEFAULT_CHAIN
	)]
	pub rpc_url: String,
	/// Job lifecycles to settle (N).
	#[arg(long, default_value_t = 2000)]
	pub jobs: u32,
	/// `transfer_keep_alive` calls (defaults to N).
	#[arg(long)]
	pub transfers: Option<u32>,
	/// Jobs kept in flight (submitted and not yet paid out).
	#[arg(long, default_value_t = 1500)]
	pub in_flight: u32,
	/// Jobs of the latency pass, run after the throughput pass below saturation.
	#[arg(long, default_value_t = 200)]
	pub latency_jobs: u32,
	/// Jobs in flight during the latency pass.
	#[arg(long, default_value_t = 20)]
	pub latency_in_flight: u32,
	/// Calls per `force_batch` (submit_job, assign, submit_receipt).
	#[arg(long, default_value_t = 100)]
	pub batch: usize,
	/// Execution nodes (compute class S) the jobs are spread over.
	#[arg(long, default_value_t = 4)]
	pub nodes: u32,
	/// Attestation validators to bond (at least the committee size).
	#[arg(long, default_value_t = 9)]
	pub validators: u32,
	/// Payers submitting jobs.
	#[arg(long, default_value_t = 8)]
	pub payers: u32,
	/// The orchestrator's Prometheus endpoint (e.g. `http://127.0.0.1:8080/metrics`), to sample
	/// indexer lag while the jobs run.
	#[arg(long)]
	pub indexer_metrics: Option<String>,
	/// Give up on a workload after this many seconds without progress.
	#[arg(long, default_value_t = 60)]
	pub stall_secs: u64,
	/// Where to write the figures as JSON.
	#[arg(long)]
	pub json_out: Option<std::path::PathBuf>,
	/// Label of the run, printed in the table (machine, build).
	#[arg(long, default_value = "")]
	pub label: String,
}

#[tokio::main]
async fn main() -> Result<()> {
	havn_client::logs::init(
		havn_client::logs::LogFormat::Text,
		&havn_client::logs::default_filter(),
		true,
	)?;
	let args = Args::parse();
	let client = havn_client::HavnClient::connect(&args.rpc_url, Duration::from_secs(60))
		.await
		.with_context(|| format!("connecting to {}", args.rpc_url))?;
	let mut bench = load::Bench::setup(client, &args).await?;
	let transfers = bench.transfers(args.transfers.unwrap_or(args.jobs)).await?;
	let jobs = bench.jobs(args.jobs, args.in_flight).await?;
	let latency = bench.jobs(args.latency_jobs, args.latency_in_flight).await?;
	let figures = report::Figures::new(&args, &transfers, &jobs, &latency);
	println!("{}", figures.table());
	for (error, count) in jobs.failures.iter().chain(latency.failures.iter()) {
		tracing::warn!(count, error, "dispatch failures");
	}
	if let Some(path) = &args.json_out {
		std::fs::write(path, serde_json::to_vec_pretty(&figures.json())?)
			.with_context(|| format!("writing {}", path.display()))?;
	}
	if jobs.settled() < args.jobs as usize || latency.settled() < args.latency_jobs as usize {
		anyhow::bail!("not every job was paid out");
	}
	Ok(())
}
