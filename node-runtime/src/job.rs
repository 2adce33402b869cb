//! One run of a job: fetch and verify its manifest and inputs, run the steps, hash the result.
//!
//! Both roles use this: the executor to produce its receipt, the attestor to re-execute a
//! sampled job and compare `runtime_hash`es bit for bit.

use anyhow::{anyhow, Context};
use havn_client::{
	api, artifacts::ArtifactClient, subxt::utils::AccountId32, ClientError, HavnClient,
};
use havn_executors::{Engine, ExecError, RunOutput, EXECUTOR_VERSION};
use havn_primitives::{
	manifest::Manifest, receipt::runtime_hash, Digest, JobId, ReleaseReason, WorkflowId,
};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};

/// What the chain says about a job, read at the latest best state.
#[derive(Clone, Debug)]
pub struct JobFacts {
	/// The job.
	pub job_id: JobId,
	/// Its workflow.
	pub workflow_id: WorkflowId,
	/// blake2-256 of the inputs.
	pub input_digest: Digest,
	/// Where the inputs are (a CID).
	pub input_uri: String,
	/// blake2-256 of the manifest pinned on the job at submission.
	pub manifest_hash: Digest,
	/// Where the manifest is (a CID).
	pub manifest_uri: String,
	/// The job's nodes.
	pub nodes: Vec<AccountId32>,
	/// `(node, runtime_hash)` of the receipts in, in the order the chain accepted them.
	pub receipts: Vec<(AccountId32, Digest)>,
	/// The block the job expires in.
	pub deadline: u64,
}

/// Why this node cannot run a job: the [`ReleaseReason`] the execute role reports when it gives
/// the job back (`ExecutionLog::release`), and what happened.
#[derive(Debug, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct CannotRun {
	/// The reason reported on chain.
	pub reason: ReleaseReason,
	/// The underlying error, as text.
	pub detail: String,
}

impl CannotRun {
	fn new(reason: ReleaseReason, detail: impl std::fmt::Display) -> Self {
		Self { reason, detail: detail.to_string() }
	}

	/// The [`CannotRun`] somewhere in `error`'s chain, if any.
	pub fn find(error: &anyhow::Error) -> Option<&Self> {
		error.chain().find_map(|e| e.downcast_ref::<Self>())
	}
}

/// A finished run.
pub struct Run {
	/// The executors' result.
	pub output: RunOutput,
	/// `runtime_hash` of the run (see `havn_primitives::receipt::runtime_hash`).
	pub runtime_hash: Digest,
	/// CID of the outputs document.
	pub outputs_cid: String,
	/// Where the run's wall time went.
	pub phases: Phases,
}

/// Wall time of each phase of [`run`] (the per-job timing line of the execute role reports
/// them; see `docs/performance.md`, section Executors).
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
	/// Downloading the manifest and the inputs from the artifact store, including the CID
	/// (sha2-256) check that the store client makes on every download.
	pub fetch: Duration,
	/// Checking both blake2-256 digests against the chain and parsing the manifest.
	pub verify: Duration,
	/// Waiting for the engine's model slot while another job's `embed` or `llm` step held it.
	pub queue: Duration,
	/// Model compute as the executors report it (model loading excluded).
	pub compute: Duration,
	/// The rest of the executor call: handing it to a blocking thread, parsing the input JSON,
	/// building and serialising the outputs document, loading a model on first use.
	pub executor_other: Duration,
	/// `runtime_hash` and the outputs CID.
	pub hash: Duration,
}

/// Download `uri` from `store` and check its blake2-256 digest against `digest`
/// (`ArtifactClient::download_checked` in two timed halves).
async fn fetch_checked(
	store: &ArtifactClient,
	uri: &str,
	digest: Digest,
	phases: &mut Phases,
) -> anyhow::Result<Vec<u8>> {
	let started = Instant::now();
	let bytes = store
		.download(uri)
		.await
		.map_err(|e| CannotRun::new(ReleaseReason::InputUnavailable, e))?;
	phases.fetch += started.elapsed();
	let started = Instant::now();
	havn_client::artifacts::check_digest(uri, &bytes, digest)
		.map_err(|e| CannotRun::new(ReleaseReason::DigestMismatch, e))?;
	phases.verify += started.elapsed();
	Ok(bytes)
}

/// Read a job and the manifest version pinned on it from the chain (at the best block).
pub async fn facts(client: &HavnClient, job_id: JobId) -> anyhow::Result<JobFacts> {
	let at = client.at_best().await?;
	let job = at
		.storage()
		.try_fetch(api::storage().execution_log().jobs(), (job_id,))
		.await
		.map_err(ClientError::subxt)?
		.ok_or_else(|| anyhow!("job {job_id} is not on chain"))?
		.decode()
		.map_err(ClientError::subxt)?;
	// The manifest version pinned on the job at submission (a newer version published since
	// must not change what runs): find its URI among the workflow's versions.
	let mut versions = at
		.storage()
		.iter(api::storage().workflow_registry().versions(), (job.workflow_id,))
		.await
		.map_err(ClientError::subxt)?;
	let mut manifest_uri = None;
	while let Some(entry) = versions.next().await {
		let record =
			entry.map_err(ClientError::subxt)?.value().decode().map_err(ClientError::subxt)?;
		if record.manifest_hash == job.manifest_hash {
			manifest_uri = Some(record.manifest_uri);
			break;
		}
	}
	let manifest_uri = manifest_uri.ok_or_else(|| {
		anyhow!("workflow {} has no version with manifest {:?}", job.workflow_id, job.manifest_hash)
	})?;
	Ok(JobFacts {
		job_id,
		workflow_id: job.workflow_id,
		input_digest: job.input_digest,
		input_uri: String::from_utf8(job.input_uri).context("input URI is not UTF-8")?,
		manifest_hash: job.manifest_hash,
		manifest_uri: String::from_utf8(manifest_uri).context("manifest URI is not UTF-8")?,
		nodes: job.nodes,
		receipts: job.receipts,
		deadline: u64::from(job.deadline),
	})
}

/// Blocks a job needs left when its run starts (one to run, one to include the receipt); with
/// fewer, an execution node releases it as `Declined` instead of being held to account at
/// expiry.
pub const MIN_BLOCKS_TO_RUN: u64 = 2;

/// When a run of a job expiring in block `deadline` must be done, seen at best block `best`
/// with blocks of `block_time`. The job expires in `on_initialize` of block `deadline`, so its
/// receipt (or attestation) must be in block `deadline − 1` at the latest: it must reach the pool
/// before that block is authored, about `deadline − best − 1` blocks from now. The run gets that
/// time less half a block, left to store its outputs and submit. `None` when fewer than
/// [`MIN_BLOCKS_TO_RUN`] blocks are left.
pub fn run_deadline(best: u64, deadline: u64, block_time: Duration) -> Option<Instant> {
	let blocks = deadline.checked_sub(best)?.checked_sub(MIN_BLOCKS_TO_RUN - 1)?;
	if blocks == 0 {
		return None;
	}
	let block_ms = u64::try_from(block_time.as_millis()).unwrap_or(u64::MAX);
	let ms = block_ms.saturating_mul(blocks).saturating_sub(block_ms / 2);
	Instant::now().checked_add(Duration::from_millis(ms))
}

/// Fetch (and verify) the manifest and inputs of `facts`, run them on `engine` in a blocking
/// thread by `deadline` (see [`run_deadline`] and `Engine::run_until`), and compute the
/// runtime hash and the outputs CID.
///
/// Errors: a [`CannotRun`] (in the chain, see [`CannotRun::find`]) when an artifact cannot be
/// fetched, a digest does not match, the executors refuse the manifest or the inputs
/// (`Unrunnable`), or the deadline came first (`Declined`); other errors otherwise.
pub async fn run(
	engine: Arc<Engine>,
	store: &ArtifactClient,
	facts: &JobFacts,
	deadline: Option<Instant>,
) -> anyhow::Result<Run> {
	let mut phases = Phases::default();
	let manifest_bytes =
		fetch_checked(store, &facts.manifest_uri, facts.manifest_hash, &mut phases)
			.await
			.context("fetching the manifest")?;
	let input = fetch_checked(store, &facts.input_uri, facts.input_digest, &mut phases)
		.await
		.context("fetching the inputs")?;
	let started = Instant::now();
	let manifest = Manifest::parse(&manifest_bytes)
		.map_err(|e| CannotRun::new(ReleaseReason::Unrunnable, e))
		.context("the registered manifest")?;
	phases.verify += started.elapsed();
	let started = Instant::now();
	let output = tokio::task::spawn_blocking(move || engine.run_until(&manifest, &input, deadline))
		.await
		.context("executor thread")?
		.map_err(|e| {
			let reason = match e {
				ExecError::DeadlineReached { .. } => ReleaseReason::Declined,
				_ => ReleaseReason::Unrunnable,
			};
			CannotRun::new(reason, format!("{e:#}"))
		})
		.context("running the workflow")?;
	phases.compute = output.compute;
	phases.queue = output.queue;
	phases.executor_other =
		started.elapsed().saturating_sub(output.compute).saturating_sub(output.queue);
	let started = Instant::now();
	let runtime_hash =
		runtime_hash(facts.manifest_hash, facts.input_digest, &output.document, EXECUTOR_VERSION);
	let outputs_cid = havn_primitives::cid::cid_of(&output.document);
	phases.hash = started.elapsed();
	Ok(Run { output, runtime_hash, outputs_cid, phases })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_run_leaves_the_block_before_the_deadline_to_its_receipt() {
		let block = Duration::from_secs(3);
		let before = Instant::now();
		// Blocks 11 and 12 can still include the receipt: it must reach the pool before block 12
		// is authored, two blocks from now, less half a block to store and submit.
		let by = run_deadline(10, 13, block).unwrap();
		let budget = 2 * block - block / 2;
		assert!(by >= before + budget && by <= Instant::now() + budget);
		assert!(run_deadline(10, 12, block).is_some());
		assert_eq!(run_deadline(10, 11, block), None, "one block left: none to run in");
		assert_eq!(run_deadline(10, 10, block), None);
		assert_eq!(run_deadline(10, 3, block), None, "past its deadline");
	}
}
