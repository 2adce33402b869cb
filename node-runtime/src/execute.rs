//! Role `execute`: bond, register, heartbeat, and run every job assigned to this node.
//!
//! 1. At start: if the account holds no StakeGuard role and a bond is configured, bond
//!    `Role::ExecutionNode(class)`; then register (or re-register) the receipt key and the
//!    capabilities (GPU model and VRAM from NVML, or the CPU).
//! 2. Four times per heartbeat epoch ([`heartbeat_every`]): `StakeGuard::heartbeat` with GPU
//!    metrics where present.
//! 3. On every best block: for each `JobAssigned` naming this node, and at start for every open
//!    job already assigned to it, fetch and verify the manifest and inputs, run the steps,
//!    store the outputs in the artifact store, sign the receipt with the receipt key and submit
//!    it.
//! 4. A job of this node's class that no relay routes within `RelayTimeout` blocks (the
//!    orchestrator may be down) is claimed with `ExecutionLog::claim`, while at least
//!    `ExecutionWindow` blocks are left before its deadline (the chain refuses later claims).
//! 5. A job this node cannot run is given back with `ExecutionLog::release`, without penalty
//!    (finding 1 of `docs/security.md`): at once when a digest does not match or the executors
//!    refuse the manifest or the inputs, after [`FETCH_ATTEMPTS`] failed runs when the artifact
//!    store does not serve them, and when its deadline leaves too little time to run it
//!    ([`job::MIN_BLOCKS_TO_RUN`]; [`job::run_deadline`] is also the deadline the executors
//!    run by, which caps every `http` request's timeout).
//!
//! Jobs run side by side, at most [`MAX_JOBS`] at once, each on its own task; the executors'
//! model slot lets one `embed` or `llm` step run at a time, so a job waiting on an operator's
//! `http` server never holds the models from the others (finding 12 of `docs/security.md`).
//!
//! Each executed job logs one `receipt submitted` line with the wall time of every phase, in
//! milliseconds: `chain_ms` (reading the job and its manifest version from the chain),
//! `queue_ms` (waiting for the model slot), `fetch_ms`, `verify_ms`, `compute_ms`,
//! `executor_other_ms`, `hash_ms` (see [`job::Phases`]), `store_ms` (uploading the outputs),
//! `sign_ms` (building and signing the receipt), `submit_ms` (from the start of the submission
//! until the node's pool accepted the receipt: `Included::validated`) and `included_ms` (until
//! the receipt extrinsic is in a best block), plus `submit_started_us`, the wall-clock time (µs
//! since the Unix epoch) at which the submission started, against which
//! `scripts/bench-executors.sh` places the RPC client's trace lines.

use crate::{job, kept::Output, telemetry::Telemetry, Shared};
use anyhow::Context;
use havn_client::{
	api,
	errors::{ExecutionLogError, RuntimeError},
	view::ChainParams,
	ClientError, Signer, Static,
};
use havn_primitives::{cid, Receipt, ReleaseReason, Role};
use std::{
	sync::Arc,
	time::{Duration, Instant, SystemTime},
};

/// Blocks between heartbeats: a quarter of StakeGuard's `HeartbeatEpoch` as it stands now
/// (governance can change it), so a node misses three before the epoch runs out.
pub fn heartbeat_every(params: &ChainParams) -> u64 {
	u64::from(params.heartbeat_epoch / 4).max(1)
}

/// Bond if asked and needed, then register the receipt key and capabilities.
pub async fn prepare(shared: &Shared, receipt_key: &Signer) -> anyhow::Result<()> {
	let class = shared.config.compute_class;
	crate::ensure_role(shared, Role::ExecutionNode(class), "an execution node").await?;
	let (gpu_model, vram_gib) = shared.telemetry.capabilities();
	let caps = api::runtime_types::pallet_stake_guard::types::Capabilities {
		compute_class: Static(class),
		gpu_model: gpu_model.clone().into_bytes(),
		vram_gib,
		models: [havn_executors::EMBED_MODEL, havn_executors::LLM_MODEL]
			.iter()
			.map(|m| m.as_bytes().to_vec())
			.collect(),
	};
	let key = receipt_key.public_key().0;
	// Proof of possession: the receipt key signs this account on this chain.
	let account = shared.signer.public_key().0;
	let payload =
		havn_primitives::proofs::receipt_key_proof_payload(&account, shared.client.genesis_hash());
	let proof = receipt_key.sign(&payload).0;
	shared
		.client
		.submit(&api::tx().stake_guard().register_node(key, proof, caps), &shared.signer)
		.await
		.context("registering the node")?;
	tracing::info!(gpu = %gpu_model, vram_gib, "registered the receipt key and capabilities");
	Ok(())
}

/// Send a heartbeat with the current GPU metrics (none on CPU nodes).
pub async fn heartbeat(shared: &Shared) -> Result<(), ClientError> {
	let metrics = shared.telemetry.reading().map(|r| {
		api::runtime_types::pallet_stake_guard::types::GpuMetrics {
			utilization_percent: r.utilization_percent,
			memory_used_mib: r.memory_used_mib,
			power_milliwatts: r.power_milliwatts,
			temperature_c: r.temperature_c,
		}
	});
	shared.client.submit(&api::tx().stake_guard().heartbeat(metrics), &shared.signer).await?;
	Ok(())
}

/// Most jobs a node runs at once (each holds a blocking thread while it runs; the models run
/// one step at a time whatever this is).
pub const MAX_JOBS: usize = 8;

/// Failed runs of a job whose manifest or inputs the artifact store does not serve before the
/// node releases it as `InputUnavailable` (a rescan retries a failed job every
/// `RESCAN_EVERY` blocks, so the store gets about 20 blocks to come back).
pub const FETCH_ATTEMPTS: u32 = 3;

/// Give `job_id` back (`ExecutionLog::release`) for `reason`; whether the chain took it.
pub async fn release(shared: &Shared, job_id: u64, reason: ReleaseReason) -> bool {
	let call = api::tx().execution_log().release(job_id, Static(reason));
	match shared.client.submit(&call, &shared.signer).await {
		Ok(_) => {
			tracing::warn!(job_id, %reason, "released a job this node cannot run");
			true
		}
		Err(e) => {
			tracing::warn!(job_id, %reason, error = %e, "release refused");
			false
		}
	}
}

/// After the `attempt`-th failed run of `job_id` (from 1): release the job when the error
/// shows this node cannot run it ([`crate::job::CannotRun`]): at once for a digest mismatch or
/// a manifest or input the executors refuse, from the [`FETCH_ATTEMPTS`]-th attempt for
/// artifacts the store does not serve. Whether it was released (no retry then).
pub async fn release_if_unrunnable(
	shared: &Shared,
	job_id: u64,
	error: &anyhow::Error,
	attempt: u32,
) -> bool {
	let Some(cannot) = job::CannotRun::find(error) else { return false };
	if cannot.reason == ReleaseReason::InputUnavailable && attempt < FETCH_ATTEMPTS {
		return false;
	}
	release(shared, job_id, cannot.reason).await
}

/// Run one assigned job end to end and submit its receipt.
pub async fn run_job(
	shared: Arc<Shared>,
	receipt_key: Arc<Signer>,
	telemetry: Arc<Telemetry>,
	job_id: u64,
) -> anyhow::Result<()> {
	let started = Instant::now();
	let facts = job::facts(&shared.client, job_id).await?;
	let chain = started.elapsed();
	let _running = shared.jobs.acquire().await?;
	let best = shared.client.best_number().await?;
	let Some(deadline) = job::run_deadline(best, facts.deadline, shared.block_time()) else {
		release(&shared, job_id, ReleaseReason::Declined).await;
		return Ok(());
	};
	let meter = telemetry.start();
	let mut run = job::run(shared.engine.clone(), &shared.store, &facts, Some(deadline)).await?;
	let (latency_ms, energy_mj) = telemetry.finish(meter, run.phases.queue);
	// The blobs, then the outputs document that names them: stored in that order, then kept.
	let mut outputs: Vec<Output> = std::mem::take(&mut run.output.blobs)
		.into_iter()
		.map(|b| Output { cid: b.cid, media_type: b.media_type, bytes: b.bytes })
		.collect();
	outputs.push(Output {
		cid: run.outputs_cid.clone(),
		media_type: "application/json".into(),
		bytes: std::mem::take(&mut run.output.document),
	});
	let started = Instant::now();
	for output in &outputs {
		let stored = shared.store.upload(output.bytes.clone(), &output.media_type).await?;
		debug_assert_eq!(stored, output.cid);
	}
	let store = started.elapsed();
	let until = facts.deadline.saturating_add(u64::from(shared.params().challenge_window));
	shared.kept_outputs().keep(job_id, until, outputs);
	let started = Instant::now();
	let receipt = Receipt {
		workflow_id: facts.workflow_id,
		job_id,
		runtime_hash: run.runtime_hash,
		outputs_cid: cid::to_bounded(&run.outputs_cid)?,
		latency_ms: u32::try_from(latency_ms).unwrap_or(u32::MAX),
		energy_estimate: energy_mj,
	};
	let signature = receipt_key.sign(&receipt.signing_payload(shared.client.genesis_hash()));
	let call = api::tx().execution_log().submit_receipt(job_id, Static(receipt), signature.0);
	let sign = started.elapsed();
	let submit_started_us = SystemTime::now()
		.duration_since(SystemTime::UNIX_EPOCH)
		.map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
	let started = Instant::now();
	let done = shared.client.submit(&call, &shared.signer).await?;
	let included = started.elapsed();
	// Until the node's pool accepted the receipt; NaN when the node reported no `validated`.
	let submit_ms = done.validated.map_or(f64::NAN, |at| ms(at.duration_since(started)));
	let phases = &run.phases;
	tracing::info!(
		job_id,
		outputs_cid = %run.outputs_cid,
		runtime_hash = ?run.runtime_hash,
		latency_ms,
		energy_mj,
		chain_ms = ms(chain),
		queue_ms = ms(phases.queue),
		fetch_ms = ms(phases.fetch),
		verify_ms = ms(phases.verify),
		compute_ms = ms(phases.compute),
		executor_other_ms = ms(phases.executor_other),
		hash_ms = ms(phases.hash),
		store_ms = ms(store),
		sign_ms = ms(sign),
		submit_started_us,
		submit_ms,
		included_ms = ms(included),
		"receipt submitted"
	);
	Ok(())
}

/// Upload again every kept output (see [`crate::kept`]) that the store no longer has: a store
/// that lost an output must not make this node look fraudulent to the attestors, who wait
/// [`crate::attest::receipts::AVAILABILITY_GRACE`] blocks for it. `best` is the best block.
pub async fn reprovide(shared: &Shared, best: u64) {
	let current = shared.kept_outputs().current(best);
	for (job_id, cid) in current {
		match shared.store.exists(&cid).await {
			Ok(true) => {}
			Ok(false) => {
				let Some(output) = shared.kept_outputs().output(job_id, &cid) else { continue };
				match shared.store.upload(output.bytes, &output.media_type).await {
					Ok(_) => {
						tracing::warn!(job_id, %cid, "the store had lost an output: provided it again")
					}
					Err(e) => {
						tracing::warn!(job_id, %cid, error = %e, "providing a lost output again failed")
					}
				}
			}
			Err(e) => tracing::debug!(job_id, error = %e, "cannot ask the store for an output"),
		}
	}
}

/// `d` in milliseconds, to the microsecond (for the timing line).
fn ms(d: Duration) -> f64 {
	(d.as_secs_f64() * 1e6).round() / 1e3
}

/// Claim `job_id` after the relay timeout; the `JobAssigned` that completes the claim starts the
/// run. Refusals other than "too early" are final (another node took it, or this node is not
/// eligible for it).
pub async fn claim(shared: &Shared, job_id: u64) {
	for _ in 0..20 {
		match shared.client.submit(&api::tx().execution_log().claim(job_id), &shared.signer).await {
			Ok(_) => {
				tracing::info!(job_id, "claimed a job no relay routed");
				return;
			}
			Err(e)
				if matches!(
					e.module_error(),
					Some(RuntimeError::ExecutionLog(ExecutionLogError::RelayWindowOpen))
				) =>
			{
				tokio::time::sleep(std::time::Duration::from_secs(3)).await
			}
			Err(e) => {
				tracing::debug!(job_id, error = %e, "not claiming");
				return;
			}
		}
	}
}
