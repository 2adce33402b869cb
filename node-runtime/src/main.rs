//! # havn-exec
//!
//! The Havn execution node daemon. One process runs one account in one of two roles:
//!
//! - `execute` ([`execute`]): bonds for a compute class if asked, registers its receipt key and
//!   capabilities (NVML GPU facts, or the CPU), sends heartbeats, and runs every job assigned to
//!   it with the real models (`havn-executors`), storing outputs in the artifact store and
//!   submitting a signed receipt.
//! - `attest` ([`attest`]): checks the receipts of jobs in its committee, re-executes sampled
//!   jobs and compares digests, and attests; as lead aggregator it batches the committee's signed
//!   attestations.
//!
//! One account holds one StakeGuard role, so a process runs one role.
//!
//! Configured by a TOML file (`--config`, see [`config`]) plus flags. Keys: `--suri` for dev, a
//! polkadot.js keystore file (`--keystore`, password in `$HAVN_KEY_PASSWORD`) otherwise. The
//! receipt key is a separate sr25519 key: `--receipt-suri`, by default the account key's
//! `//receipt` derivation.
//!
//! See `docs/running-an-execution-node.md`.

mod attest;
mod config;
mod execute;
mod job;
mod kept;
mod scan;
mod telemetry;

use anyhow::Context;
use clap::Parser;
use config::{Config, FileConfig, Reexecute, RoleKind};
use havn_client::{
	api,
	artifacts::ArtifactClient,
	keys::{self, KeySource},
	logs::LogFormat,
	view::ChainParams,
	HavnClient, Signer, Static,
};
use havn_executors::{DeviceChoice, Engine};
use havn_primitives::{ComputeClass, Role};
use std::{collections::BTreeSet, path::PathBuf, sync::Arc, time::Duration};
use telemetry::Telemetry;

/// Command-line flags (each overrides the config file).
#[derive(Debug, Parser)]
#[command(name = "havn-exec", version, about = "Havn execution node and attestor daemon")]
pub struct Cli {
	/// TOML configuration file.
	#[arg(long, env = "HAVN_EXEC_CONFIG")]
	pub config: Option<PathBuf>,
	/// WebSocket RPC endpoint of a Havn node (default `ws://127.0.0.1:9944`).
	#[arg(long, env = "HAVN_CHAIN")]
	pub chain: Option<String>,
	/// Base URL of the orchestrator: artifact store and attestation pool (default
	/// `http://127.0.0.1:8080`).
	#[arg(long, env = "HAVN_ORCHESTRATOR")]
	pub orchestrator: Option<String>,
	/// Role(s) to run; repeat for both.
	#[arg(long, value_enum)]
	pub role: Vec<RoleKind>,
	/// Secret URI of the account (dev and tests only).
	#[arg(long, env = "HAVN_SURI", hide_env_values = true)]
	pub suri: Option<String>,
	/// polkadot.js keystore file of the account; password in $HAVN_KEY_PASSWORD.
	#[arg(long)]
	pub keystore: Option<PathBuf>,
	/// Secret URI of the receipt key (default: the account's `//receipt` derivation).
	#[arg(long)]
	pub receipt_suri: Option<String>,
	/// Directory with the models from scripts/fetch-models.sh.
	#[arg(long)]
	pub models_dir: Option<PathBuf>,
	/// Compute class to bond and register for (S, M, L, XL).
	#[arg(long, value_parser = havn_client::args::parse_class)]
	pub compute_class: Option<ComputeClass>,
	/// Bond this many HAI at start if the account holds no role.
	#[arg(long)]
	pub bond_hai: Option<u64>,
	/// `cpu` or `cuda:N`.
	#[arg(long)]
	pub device: Option<String>,
	/// Attest: re-execute `sampled` jobs or `always`.
	#[arg(long, value_enum)]
	pub reexecute: Option<Reexecute>,
	/// Watts per busy CPU core for the energy estimate without a GPU.
	#[arg(long)]
	pub cpu_watts: Option<f64>,
	/// Log format.
	#[arg(long, env = "HAVN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
	pub log_format: LogFormat,
	/// Log filter (tracing `EnvFilter` syntax).
	#[arg(long, env = "RUST_LOG", default_value = "info")]
	pub log_filter: String,
}

/// What every task of the daemon shares.
pub struct Shared {
	/// The resolved configuration.
	pub config: Config,
	/// The chain.
	pub client: HavnClient,
	/// The account key.
	pub signer: Signer,
	/// The artifact store.
	pub store: ArtifactClient,
	/// The executors (models loaded once).
	pub engine: Arc<Engine>,
	/// Hardware facts and energy.
	pub telemetry: Arc<Telemetry>,
	/// HTTP client of the orchestrator's attestation pool.
	pub http: reqwest::Client,
	/// How the lead aggregator's own batches and its pool sweeps stay apart.
	pub coordination: std::sync::Mutex<attest::lead::Coordination>,
	/// The jobs running ([`execute::MAX_JOBS`] at most).
	pub jobs: tokio::sync::Semaphore,
	/// Outputs of this node's receipts, kept to provide again to a store that lost them.
	pub kept: std::sync::Mutex<kept::KeptOutputs>,
	/// Outputs CIDs the attestor found missing from the store, with the block it first did
	/// (see `attest::receipts::AVAILABILITY_GRACE`).
	pub missing: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
	/// The runtime parameters the daemon acts on, re-read whenever a block carries
	/// `Parameters::Updated` (governance changed one).
	pub params: std::sync::RwLock<ChainParams>,
}

impl Shared {
	/// The runtime parameters as last read.
	pub fn params(&self) -> ChainParams {
		match self.params.read() {
			Ok(p) => *p,
			Err(poisoned) => *poisoned.into_inner(),
		}
	}

	/// The kept outputs, locked (a poisoned lock is taken over: the data stays consistent).
	pub fn kept_outputs(&self) -> std::sync::MutexGuard<'_, kept::KeptOutputs> {
		self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
	}

	/// The outputs CIDs the attestor found missing, locked.
	pub fn missing(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<String, u64>> {
		self.missing.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
	}

	/// One block of the chain's target block time.
	pub fn block_time(&self) -> Duration {
		self.params().block_time()
	}

	/// Re-read the runtime parameters at the best block.
	pub async fn refresh_params(&self) -> anyhow::Result<()> {
		let params = ChainParams::at(&self.client.at_best().await?).await?;
		if let Ok(mut p) = self.params.write() {
			if *p != params {
				tracing::info!(?params, "runtime parameters changed");
			}
			*p = params;
		}
		Ok(())
	}
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let cli = Cli::parse();
	havn_client::logs::init(cli.log_format, &cli.log_filter, false)?;
	let file = match &cli.config {
		Some(path) => FileConfig::load(path)?,
		None => FileConfig::default(),
	};
	let config = Config::resolve(file, &cli)?;
	let signer =
		KeySource::from_flags(config.key.suri.as_deref(), config.key.keystore.as_deref(), None)?
			.context("no key configured")?
			.signer()?;
	let receipt_key = match &cli.receipt_suri {
		Some(s) => keys::signer_from_suri(s)?,
		None => signer.derive([havn_client::subxt_signer::DeriveJunction::hard("receipt")]),
	};
	let device = match config.device.as_str() {
		"cpu" => DeviceChoice::Cpu,
		d => match d.strip_prefix("cuda:").and_then(|n| n.parse().ok()) {
			Some(n) => DeviceChoice::Cuda(n),
			None => anyhow::bail!("device must be `cpu` or `cuda:N`, not `{d}`"),
		},
	};
	let engine = Arc::new(Engine::new(&config.models_dir, device)?);
	let client = HavnClient::connect(&config.chain, Duration::from_secs(60)).await?;
	let telemetry = Arc::new(Telemetry::probe(config.cpu_watts));
	tracing::info!(
		account = %keys::ss58(&keys::account_of(&signer)),
		roles = ?config.roles,
		device = %engine.device_name(),
		gpu = telemetry.has_gpu(),
		"havn-exec starting"
	);
	// Outputs are uploaded signed by this node's account (the store charges them to it).
	let store = ArtifactClient::new(&config.orchestrator)
		.with_uploader(signer.clone(), client.genesis_hash());
	let params = ChainParams::at(&client.at_best().await?).await?;
	let shared = Arc::new(Shared {
		config,
		client,
		signer,
		store,
		engine,
		telemetry: telemetry.clone(),
		http: reqwest::Client::new(),
		coordination: Default::default(),
		jobs: tokio::sync::Semaphore::new(execute::MAX_JOBS),
		kept: Default::default(),
		missing: Default::default(),
		params: std::sync::RwLock::new(params),
	});
	let executes = shared.config.roles.contains(&RoleKind::Execute);
	let attests = shared.config.roles.contains(&RoleKind::Attest);
	let receipt_key = Arc::new(receipt_key);
	if executes {
		execute::prepare(&shared, &receipt_key).await?;
		execute::heartbeat(&shared).await.context("first heartbeat")?;
	}
	if attests {
		ensure_role(&shared, Role::Validator, "a validator").await?;
	}
	let daemon = Daemon {
		me: keys::account_of(&shared.signer),
		shared,
		receipt_key,
		telemetry,
		executes,
		attests,
		started: Default::default(),
		attempts: Default::default(),
		sweeping: Default::default(),
		reproviding: Default::default(),
	};
	daemon.run().await
}

/// The event loop of both roles.
struct Daemon {
	shared: Arc<Shared>,
	receipt_key: Arc<Signer>,
	telemetry: Arc<Telemetry>,
	me: havn_client::AccountId,
	executes: bool,
	attests: bool,
	/// Jobs being worked on: `(job_id, role)` where role is `false` for execute, `true` for
	/// attest. A task removes its entry when it fails, so the next rescan retries the job,
	/// unless it released the job.
	started: Arc<std::sync::Mutex<BTreeSet<(u64, bool)>>>,
	/// Failed runs of each job this node executes (see `execute::release_if_unrunnable`).
	attempts: Arc<std::sync::Mutex<std::collections::BTreeMap<u64, u32>>>,
	/// Set while a lead-aggregator pool sweep (`attest::sweep_pool`) runs: one at a time, so a
	/// sweep never batches what the previous one is still submitting.
	sweeping: Arc<std::sync::atomic::AtomicBool>,
	/// Set while a round of `execute::reprovide` runs: one at a time.
	reproviding: Arc<std::sync::atomic::AtomicBool>,
}

/// Jobs seen submitted and not yet routed, by id: (the block they were seen in, their deadline).
type Unrouted = std::collections::BTreeMap<u64, (u64, u64)>;

/// Blocks between rescans of the chain for work this daemon should be doing (jobs assigned or
/// committees joined while it was down or while a block was skipped, and failed tasks).
const RESCAN_EVERY: u64 = 10;

impl Daemon {
	async fn run(self) -> anyhow::Result<()> {
		// Subscribe first, then scan: work appearing in between is seen twice, never missed
		// (`started` removes duplicates).
		let mut blocks = self.shared.client.online().stream_best_blocks().await?;
		self.rescan().await;
		let mut last_heartbeat = 0u64;
		let mut last_rescan = 0u64;
		// Jobs seen submitted and not yet routed: (the block they were seen in, their deadline).
		let mut unrouted: Unrouted = Default::default();
		loop {
			let next = tokio::select! {
				b = blocks.next() => b,
				_ = tokio::signal::ctrl_c() => {
					tracing::info!("stopping");
					return Ok(());
				},
			};
			let block = match next {
				Some(Ok(block)) => block,
				Some(Err(e)) => {
					tracing::warn!(error = %e, "block stream error; resubscribing");
					blocks = self.resubscribe().await;
					continue;
				}
				None => {
					tracing::warn!("the node closed the block subscription; resubscribing");
					blocks = self.resubscribe().await;
					continue;
				}
			};
			let number = block.number();
			if self.executes
				&& number >= last_heartbeat + execute::heartbeat_every(&self.shared.params())
			{
				last_heartbeat = number;
				let s = self.shared.clone();
				tokio::spawn(async move {
					if let Err(e) = execute::heartbeat(&s).await {
						tracing::warn!(error = %e, "heartbeat failed");
					}
				});
			}
			if number >= last_rescan + RESCAN_EVERY {
				last_rescan = number;
				self.rescan().await;
				if self.executes {
					self.spawn_reprovide(number);
				}
			}
			if self.attests {
				self.spawn_sweep();
			}
			if let Err(e) = self.on_block(&block, number, &mut unrouted).await {
				// One undecodable block must not stop the daemon; the rescan catches up.
				tracing::warn!(block = number, error = format!("{e:#}"), "skipping a block");
			}
		}
	}

	async fn resubscribe(&self) -> havn_client::subxt::client::Blocks<havn_client::HavnConfig> {
		loop {
			match self.shared.client.online().stream_best_blocks().await {
				Ok(b) => return b,
				Err(e) => {
					tracing::warn!(error = %e, "cannot resubscribe yet");
					tokio::time::sleep(self.shared.block_time()).await;
				}
			}
		}
	}

	async fn on_block(
		&self,
		block: &havn_client::subxt::client::Block<havn_client::HavnConfig>,
		number: u64,
		unrouted: &mut Unrouted,
	) -> anyhow::Result<()> {
		let events = block.at().await?.events().fetch().await?;
		if events.find_first::<api::parameters::events::Updated>().is_some() {
			self.shared.refresh_params().await?;
		}
		let params = self.shared.params();
		let relay_timeout = u64::from(params.relay_timeout);
		let window = u64::from(params.execution_window);
		for ev in events.find::<api::execution_log::events::JobAssigned>() {
			let ev = ev?;
			unrouted.remove(&ev.job_id);
			if self.executes && ev.nodes.contains(&self.me) {
				self.spawn_execute(ev.job_id);
			}
		}
		if self.executes {
			for ev in events.find::<api::execution_log::events::JobSubmitted>() {
				let ev = ev?;
				if self.shared.config.compute_class.serves(*ev.compute_class) {
					unrouted.insert(ev.job_id, (number, u64::from(ev.deadline)));
				}
			}
			// Claim jobs no relay routed within the relay timeout (the orchestrator may be down),
			// while the chain still leaves a claimant its execution window (the claim lands in
			// the next block).
			unrouted.retain(|_, (_, deadline)| number + 1 + window <= *deadline);
			let due: Vec<u64> = unrouted
				.iter()
				.filter(|(_, (at, _))| number >= *at + relay_timeout)
				.map(|(job_id, _)| *job_id)
				.collect();
			for job_id in due {
				unrouted.remove(&job_id);
				let s = self.shared.clone();
				tokio::spawn(async move { execute::claim(&s, job_id).await });
			}
		}
		for ev in events.find::<api::execution_log::events::JobAttesting>() {
			let ev = ev?;
			if self.attests && ev.committee.contains(&self.me) {
				self.spawn_attest(ev.job_id, ev.sampled, attest::Stage::Attestation);
			}
		}
		for ev in events.find::<api::execution_log::events::JobChallenged>() {
			let ev = ev?;
			if self.attests && ev.committee.contains(&self.me) {
				// Adjudicators always re-execute, and attest directly.
				self.spawn_attest(ev.job_id, true, attest::Stage::Adjudication);
			}
		}
		Ok(())
	}

	/// Look for work this daemon owes: assigned jobs without its receipt, committees without
	/// its verdict.
	async fn rescan(&self) {
		match scan::open_work(&self.shared, &self.me).await {
			Ok(work) => {
				if self.executes {
					for job_id in work.to_execute {
						self.spawn_execute(job_id);
					}
				}
				if self.attests {
					for (job_id, sampled, stage) in work.to_attest {
						self.spawn_attest(job_id, sampled, stage);
					}
				}
			}
			Err(e) => tracing::warn!(error = format!("{e:#}"), "rescan failed"),
		}
	}

	/// Provide lost outputs again (`execute::reprovide`), unless the last round still runs.
	fn spawn_reprovide(&self, best: u64) {
		use std::sync::atomic::Ordering;
		if self.reproviding.swap(true, Ordering::AcqRel) {
			return;
		}
		let (shared, flag) = (self.shared.clone(), self.reproviding.clone());
		tokio::spawn(async move {
			execute::reprovide(&shared, best).await;
			flag.store(false, Ordering::Release);
		});
	}

	/// Sweep the attestation pool as the lead aggregator, unless a sweep is still running.
	fn spawn_sweep(&self) {
		use std::sync::atomic::Ordering;
		if self.sweeping.swap(true, Ordering::AcqRel) {
			return;
		}
		/// Clears the flag however the sweep ends (error, timeout or panic).
		struct Done(Arc<std::sync::atomic::AtomicBool>);
		impl Drop for Done {
			fn drop(&mut self) {
				self.0.store(false, Ordering::Release);
			}
		}
		let (s, done) = (self.shared.clone(), Done(self.sweeping.clone()));
		tokio::spawn(async move {
			let _done = done;
			// A hung pool or a stuck extrinsic must not stop the sweeps for good.
			let limit = s.block_time() * attest::FALLBACK_BLOCKS as u32;
			match tokio::time::timeout(limit, attest::lead::sweep_pool(&s)).await {
				Ok(Ok(_)) => {}
				Ok(Err(e)) => {
					tracing::warn!(
						error = format!("{e:#}"),
						"pool sweep failed; retrying next block"
					)
				}
				Err(_) => tracing::warn!("pool sweep timed out; retrying next block"),
			}
		});
	}

	/// Mark `(job_id, role)` started; false if it already was.
	fn claim_slot(&self, job_id: u64, attest: bool) -> bool {
		match self.started.lock() {
			Ok(mut set) => set.insert((job_id, attest)),
			Err(_) => false,
		}
	}

	fn spawn_execute(&self, job_id: u64) {
		if !self.claim_slot(job_id, false) {
			return;
		}
		let (s, k, t, started, attempts) = (
			self.shared.clone(),
			self.receipt_key.clone(),
			self.telemetry.clone(),
			self.started.clone(),
			self.attempts.clone(),
		);
		tokio::spawn(async move {
			tracing::info!(job_id, "running assigned job");
			let Err(e) = execute::run_job(s.clone(), k, t, job_id).await else {
				if let Ok(mut a) = attempts.lock() {
					a.remove(&job_id);
				}
				return;
			};
			let attempt = match attempts.lock() {
				Ok(mut a) => {
					let n = a.entry(job_id).or_default();
					*n = n.saturating_add(1);
					*n
				}
				Err(_) => 1,
			};
			if execute::release_if_unrunnable(&s, job_id, &e, attempt).await {
				if let Ok(mut a) = attempts.lock() {
					a.remove(&job_id);
				}
				tracing::error!(job_id, error = format!("{e:#}"), "job cannot run here; released");
				return;
			}
			tracing::error!(job_id, attempt, error = format!("{e:#}"), "job failed; will retry");
			if let Ok(mut set) = started.lock() {
				set.remove(&(job_id, false));
			}
		});
	}

	fn spawn_attest(&self, job_id: u64, sampled: bool, stage: attest::Stage) {
		if !self.claim_slot(job_id, true) {
			return;
		}
		let (s, started) = (self.shared.clone(), self.started.clone());
		tokio::spawn(async move {
			if let Err(e) = attest::attest_job(s, job_id, sampled, stage).await {
				tracing::error!(
					job_id,
					?stage,
					error = format!("{e:#}"),
					"attestation failed; will retry"
				);
				if let Ok(mut set) = started.lock() {
					set.remove(&(job_id, true));
				}
			}
		});
	}
}

/// Make sure the account holds `role`: bond it when `--bond-hai` is set, otherwise wait (polling
/// every block) until someone bonds it (`havn bond`), so a devnet can start its daemons before
/// the demo bonds them.
pub async fn ensure_role(shared: &Shared, role: Role, what: &str) -> anyhow::Result<()> {
	let me = keys::account_of(&shared.signer);
	let mut announced = false;
	loop {
		let standing =
			shared.client.runtime_call(api::runtime_apis().havn_api().account(me)).await?;
		match standing.role {
			Some(r) if r == role => return Ok(()),
			Some(_) => {
				anyhow::bail!("{} holds another StakeGuard role than {what}", keys::ss58(&me))
			}
			None if shared.config.bond_hai > 0 => {
				let amount = u128::from(shared.config.bond_hai) * havn_primitives::HAI;
				let call = api::tx().stake_guard().bond(Static(role), amount);
				shared.client.submit(&call, &shared.signer).await?;
				tracing::info!(hai = shared.config.bond_hai, "bonded as {what}");
			}
			None => {
				if !announced {
					tracing::info!(account = %keys::ss58(&me), "waiting to be bonded as {what}");
					announced = true;
				}
				tokio::time::sleep(shared.block_time()).await;
			}
		}
	}
}
