//! Role `attest`: check the receipts of jobs in this validator's committee, re-execute sampled
//! jobs, and attest; as the lead aggregator, batch the others' signed attestations.
//!
//! For each `JobAttesting` event whose committee holds this validator:
//!
//! 1. Every node's receipt (`ExecutionLog::Receipts`) must name the job and its workflow, carry a
//!    canonical CID, and verify against the node's registered receipt key
//!    (`StakeGuard::NodeInfo`) over `Receipt::signing_payload(genesis_hash)`; the outputs must be
//!    in the artifact store under that CID.
//! 2. When the chain sampled the job (or `reexecute = "always"`), the validator re-runs the
//!    workflow on the same inputs and compares its `runtime_hash` with the receipts' reference
//!    hash; on a sampled job a `Valid` verdict carries that hash, as the chain requires.
//! 3. The verdict is signed over `Attestation::signing_payload(genesis_hash)` with the account
//!    key. The current lead aggregator (`HavnApi::lead_aggregator`) collects the committee's
//!    signed attestations from the orchestrator's pool and submits them in one
//!    `ExecutionLog::submit_attestations`; the others post theirs to the pool, and submit it
//!    directly with `ExecutionLog::attest` if it is not on-chain within `FALLBACK_BLOCKS`.
//!    On every best block the lead also sweeps the pool ([`sweep_pool`]), so an attestation
//!    pooled after the lead's own batch still goes through it.
//!
//! On a `JobChallenged` event naming it in the adjudication committee, the validator always
//! re-executes and submits its verdict directly.

use crate::{job, Shared};
use anyhow::{anyhow, Context};
use havn_client::subxt_signer::sr25519;
use havn_client::{api, convert::recode, keys, subxt::utils::AccountId32, ClientError};
use havn_primitives::{cid, Attestation, Digest, Receipt, Verdict};
use std::{collections::BTreeSet, sync::Arc, time::Duration};

/// A block's view (storage, constants, runtime calls).
type Block = havn_client::subxt::client::OnlineClientAtBlock<havn_client::HavnConfig>;

/// Blocks a non-lead waits for the lead's batch before attesting directly.
pub const FALLBACK_BLOCKS: u64 = 4;
/// Block time, ms (3 s slots).
pub const BLOCK_MS: u64 = 3_000;

/// Which committee this validator sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
	/// The attestation committee: attestations may go through the lead aggregator.
	Attestation,
	/// The adjudication committee of a challenge: always re-execute, attest directly.
	Adjudication,
}

/// A checked receipt: its node, the receipt, whether its signature verified.
struct Checked {
	receipt: Receipt,
	valid: bool,
	why: Option<String>,
}

/// Attest one job whose committee holds this validator.
pub async fn attest_job(
	shared: Arc<Shared>,
	job_id: u64,
	sampled: bool,
	stage: Stage,
) -> anyhow::Result<()> {
	let facts = job::facts(&shared.client, job_id).await?;
	let genesis = shared.client.genesis_hash();
	let mut checked = Vec::new();
	for node in &facts.nodes {
		checked.push(check_receipt(&shared, &facts, node, genesis).await?);
	}
	anyhow::ensure!(!checked.is_empty(), "job {job_id} has no nodes at the best block");
	let all_valid = checked.iter().all(|c| c.valid);
	for c in checked.iter().filter(|c| !c.valid) {
		tracing::warn!(job_id, reason = c.why.as_deref().unwrap_or(""), "receipt refused");
	}
	let reference = reference_hash(&facts.receipts);
	let reexecute = sampled || shared.config.reexecute == crate::config::Reexecute::Always;
	let (verdict, digest) = if !all_valid {
		(Verdict::Invalid, None)
	} else if reexecute {
		let run =
			job::run(shared.engine.clone(), &shared.store, &facts).await.context("re-executing")?;
		let agrees = Some(run.runtime_hash) == reference
			&& checked.iter().any(|c| {
				c.receipt.runtime_hash == run.runtime_hash
					&& c.receipt.outputs_cid.as_slice() == run.outputs_cid.as_bytes()
			});
		tracing::info!(
			job_id,
			ours = ?run.runtime_hash,
			reference = ?reference,
			agrees,
			"re-executed"
		);
		if agrees {
			(Verdict::Valid, Some(run.runtime_hash))
		} else {
			(Verdict::Invalid, None)
		}
	} else {
		(Verdict::Valid, None)
	};
	let attestation = Attestation { job_id, verdict, reexecution_digest: digest };
	if stage == Stage::Adjudication {
		let call = api::tx().execution_log().attest(recode(&attestation)?);
		shared.client.submit(&call, &shared.signer).await?;
		tracing::info!(job_id, ?verdict, "adjudication verdict submitted");
		return Ok(());
	}
	let signature = shared.signer.sign(&attestation.signing_payload(genesis));
	submit(&shared, attestation, signature).await
}

async fn check_receipt(
	shared: &Shared,
	facts: &job::JobFacts,
	node: &AccountId32,
	genesis: Digest,
) -> anyhow::Result<Checked> {
	let at = shared.client.at_best().await?;
	let stored = at
		.storage()
		.try_fetch(api::storage().execution_log().receipts(), (facts.job_id, *node))
		.await
		.map_err(ClientError::subxt)?
		.ok_or_else(|| anyhow!("no receipt of {} for job {}", keys::ss58(node), facts.job_id))?
		.decode()
		.map_err(ClientError::subxt)?;
	let receipt: Receipt = recode(&stored.0)?;
	let signature = sr25519::Signature(stored.1);
	let refuse = |why: String| Checked { receipt: receipt.clone(), valid: false, why: Some(why) };
	if receipt.job_id != facts.job_id || receipt.workflow_id != facts.workflow_id {
		return Ok(refuse("receipt names another job or workflow".into()));
	}
	let node_info = at
		.storage()
		.try_fetch(api::storage().stake_guard().node_info(), (*node,))
		.await
		.map_err(ClientError::subxt)?;
	let Some(node_info) = node_info else {
		return Ok(refuse("node has no registered receipt key".into()));
	};
	let node_info = node_info.decode().map_err(ClientError::subxt)?;
	let key = sr25519::PublicKey(node_info.receipt_key);
	if !sr25519::verify(&signature, receipt.signing_payload(genesis), &key) {
		return Ok(refuse("receipt signature does not verify".into()));
	}
	let cid_text = String::from_utf8(receipt.outputs_cid.to_vec()).unwrap_or_default();
	if let Err(e) = cid::parse(&cid_text) {
		return Ok(refuse(format!("outputs CID: {e}")));
	}
	let outputs = match shared.store.download(&cid_text).await {
		Ok(bytes) => bytes,
		// The node never stored what it signed for.
		Err(ClientError::ArtifactNotFound(_)) => {
			return Ok(refuse("outputs are not in the artifact store".into()))
		}
		// The store is unreachable, failing or serving wrong bytes: that is no fault of the node,
		// so no verdict yet (the caller retries).
		Err(e) => return Err(e).context("fetching the outputs"),
	};
	let expected = havn_primitives::receipt::runtime_hash(
		facts.manifest_hash,
		facts.input_digest,
		&outputs,
		havn_executors::EXECUTOR_VERSION,
	);
	if expected != receipt.runtime_hash {
		return Ok(refuse("runtime_hash does not cover the stored outputs".into()));
	}
	Ok(Checked { receipt, valid: true, why: None })
}

/// The most common runtime hash of `receipts` (in the chain's acceptance order; the earliest
/// receipt wins a tie), exactly as `Job::reference_hash` computes it on-chain.
pub fn reference_hash<A>(receipts: &[(A, Digest)]) -> Option<Digest> {
	let mut best: Option<(Digest, usize)> = None;
	for (_, h) in receipts {
		let n = receipts.iter().filter(|(_, o)| o == h).count();
		if best.map(|(_, m)| n > m).unwrap_or(true) {
			best = Some((*h, n));
		}
	}
	best.map(|(h, _)| h)
}

/// How many of the most recent job ids a rescan looks at.
pub const SCAN_WINDOW: u64 = 64;

/// `ExecutionLog::NextJobId` at `at`: one past the newest job id.
async fn next_job_id(at: &Block) -> anyhow::Result<u64> {
	Ok(at
		.storage()
		.fetch(api::storage().execution_log().next_job_id(), ())
		.await
		.map_err(ClientError::subxt)?
		.decode()
		.map_err(ClientError::subxt)?)
}

/// Work a daemon owes, found by [`open_work`].
#[derive(Default)]
pub struct OpenWork {
	/// Assigned jobs naming this account without its receipt.
	pub to_execute: Vec<u64>,
	/// `(job_id, sampled, stage)` of committees holding this account without its verdict.
	pub to_attest: Vec<(u64, bool, Stage)>,
}

/// Scan the last [`SCAN_WINDOW`] jobs at the best block for work `me` owes. (Job deadlines
/// are bounded, so open jobs are recent ones.)
pub async fn open_work(shared: &Shared, me: &AccountId32) -> anyhow::Result<OpenWork> {
	use api::runtime_types::havn_primitives::api::JobPhase;
	let at = shared.client.at_best().await?;
	let next = next_job_id(&at).await?;
	let mut work = OpenWork::default();
	for job_id in next.saturating_sub(SCAN_WINDOW)..next {
		let Some(job) = at
			.storage()
			.try_fetch(api::storage().execution_log().jobs(), (job_id,))
			.await
			.map_err(ClientError::subxt)?
		else {
			continue;
		};
		let job = job.decode().map_err(ClientError::subxt)?;
		match job.phase {
			JobPhase::Assigned
				if job.nodes.0.contains(me) && !job.receipts.0.iter().any(|(n, _)| n == me) =>
			{
				work.to_execute.push(job_id)
			}
			JobPhase::Attesting
				if job.committee.0.contains(me) && !job.verdicts.0.iter().any(|(v, _)| v == me) =>
			{
				work.to_attest.push((job_id, job.sampled, Stage::Attestation))
			}
			JobPhase::Challenged => {
				if let Some(c) = &job.challenge {
					if c.committee.0.contains(me) && !c.verdicts.0.iter().any(|(v, _)| v == me) {
						work.to_attest.push((job_id, true, Stage::Adjudication));
					}
				}
			}
			_ => {}
		}
	}
	Ok(work)
}

/// The JSON the orchestrator's attestation pool takes.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PoolItem {
	/// SS58 of the validator.
	pub validator: String,
	/// The job.
	pub job_id: u64,
	/// `valid` or `invalid`.
	pub verdict: String,
	/// `0x…` or null.
	pub reexecution_digest: Option<String>,
	/// `0x…`, 64 bytes.
	pub signature: String,
}

async fn submit(
	shared: &Shared,
	attestation: Attestation,
	signature: sr25519::Signature,
) -> anyhow::Result<()> {
	let me = keys::account_of(&shared.signer);
	let job_id = attestation.job_id;
	let lead = shared.client.runtime_call(api::runtime_apis().havn_api().lead_aggregator()).await?;
	let item = PoolItem {
		validator: keys::ss58(&me),
		job_id,
		verdict: match attestation.verdict {
			Verdict::Valid => "valid".into(),
			Verdict::Invalid => "invalid".into(),
		},
		reexecution_digest: attestation.reexecution_digest.map(|d| format!("0x{}", hex::encode(d))),
		signature: format!("0x{}", hex::encode(signature.0)),
	};
	if lead.as_ref() == Some(&me) {
		return lead_batch(shared, attestation, signature).await;
	}
	// Not the lead: hand the signed attestation to the pool, then make sure it lands.
	let posted = shared
		.http
		.post(format!("{}/v1/attestations", shared.config.orchestrator))
		.json(&item)
		.send()
		.await;
	match posted {
		Ok(r) if r.status().is_success() => {
			tracing::info!(job_id, "attestation pooled for the lead")
		}
		Ok(r) => tracing::warn!(job_id, status = %r.status(), "pool refused the attestation"),
		Err(e) => tracing::warn!(job_id, error = %e, "pool unreachable"),
	}
	let start = shared.client.best_number().await?;
	loop {
		tokio::time::sleep(Duration::from_millis(BLOCK_MS)).await;
		if decided_or_attested(shared, job_id, &me).await? {
			return Ok(());
		}
		if shared.client.best_number().await? >= start + FALLBACK_BLOCKS {
			break;
		}
	}
	tracing::info!(job_id, "lead did not batch in time: attesting directly");
	attest_directly(shared, &attestation).await
}

/// `ExecutionLog::attest` with this validator's own verdict; a job already decided, or a
/// verdict already in (through a batch), is not an error.
async fn attest_directly(shared: &Shared, attestation: &Attestation) -> anyhow::Result<()> {
	let call = api::tx().execution_log().attest(recode(attestation)?);
	match shared.client.submit(&call, &shared.signer).await {
		Ok(_) => Ok(()),
		Err(e)
			if matches!(
				e.dispatch_error(),
				Some("ExecutionLog::AlreadyAttested" | "ExecutionLog::BadPhase")
			) =>
		{
			Ok(())
		}
		Err(e) => Err(e.into()),
	}
}

/// Whether the job left `Attesting` or already holds this validator's verdict.
async fn decided_or_attested(
	shared: &Shared,
	job_id: u64,
	me: &AccountId32,
) -> anyhow::Result<bool> {
	let at = shared.client.at_best().await?;
	Ok(attesting(&at, job_id).await?.is_none_or(|s| s.voted.contains(me)))
}

/// As the lead: wait briefly for the committee's pooled attestations, then batch them with ours.
///
/// The chain applies a batch all or nothing, so only items that can land go in (see [`admit`]),
/// no more than the quorum still needs. If the batch fails anyway (a verdict landed meanwhile,
/// say), the lead attests directly. Attestations pooled after this batch are picked up by
/// [`sweep_pool`] on a later block.
async fn lead_batch(
	shared: &Shared,
	attestation: Attestation,
	signature: sr25519::Signature,
) -> anyhow::Result<()> {
	let job_id = attestation.job_id;
	// While this runs, the sweep leaves this job alone, and what the sweep is submitting right
	// now stays out of this batch: two batches with the same verdict would make the later one
	// fail whole.
	let _leading = Leading::enter(shared, job_id);
	let me = keys::account_of(&shared.signer);
	let wanted = {
		let at = shared.client.at_best().await?;
		attesting(&at, job_id).await?.map_or(0, |s| s.committee.len().saturating_sub(1))
	};
	let mut pooled: Vec<PoolItem> = Vec::new();
	for _ in 0..FALLBACK_BLOCKS.saturating_sub(1) {
		pooled = fetch_pending(shared, Some(job_id)).await;
		pooled.retain(|p| p.validator != keys::ss58(&me));
		if pooled.len() >= wanted {
			break;
		}
		tokio::time::sleep(Duration::from_millis(BLOCK_MS)).await;
	}
	// Read the sweep's in-flight items before the chain state: whatever the sweep finished in
	// between is then in the state read below.
	let in_flight = shared.coordination.lock().map(|c| c.in_flight.clone()).unwrap_or_default();
	let at = shared.client.at_best().await?;
	let Some(state) = attesting(&at, job_id).await? else { return Ok(()) };
	let mut batch = Vec::new();
	if !state.voted.contains(&me) {
		batch.push((me, recode(&attestation)?, multisig(signature)));
	}
	pooled.retain(|p| {
		keys::parse_account(&p.validator).map_or(true, |v| !in_flight.contains(&(job_id, v)))
	});
	admit(pooled, &state, &mut batch);
	batch.truncate(state.needed);
	if batch.is_empty() {
		return Ok(());
	}
	let count = batch.len();
	let call = api::tx().execution_log().submit_attestations(
		api::runtime_types::bounded_collections::bounded_vec::BoundedVec(batch),
	);
	match shared.client.submit(&call, &shared.signer).await {
		Ok(_) => {
			tracing::info!(job_id, count, "submitted the attestation batch as lead aggregator");
			Ok(())
		}
		Err(e) => {
			tracing::warn!(job_id, error = %e, "batch refused; attesting directly");
			attest_directly(shared, &attestation).await
		}
	}
}

/// Most jobs one [`sweep_pool`] batches (one extrinsic each).
pub const MAX_SWEPT_JOBS: usize = 16;

/// As the lead aggregator, batch the pooled attestations that can land now, so that a verdict
/// pooled after the lead's own batch (a slow re-execution, a validator that restarted) still
/// goes through the lead, well inside the others' `FALLBACK_BLOCKS`. The daemon calls it on
/// every best block, one sweep at a time.
///
/// - Only jobs among the last [`SCAN_WINDOW`] ids, still `Attesting`, at most
///   [`MAX_SWEPT_JOBS`] of them per sweep.
/// - A job whose committee holds the lead without its verdict is left to [`lead_batch`]: the
///   lead's own verdict goes in first (and earns its share), as does a job whose `lead_batch`
///   is running.
/// - One `ExecutionLog::submit_attestations` per job, all sent at once (they land in the same
///   block), so one job's bad item cannot sink another's. A job whose batch is refused is left
///   to the others' direct fallback from then on.
///
/// Returns how many attestations landed (0 when this validator is not the lead).
pub async fn sweep_pool(shared: &Shared) -> anyhow::Result<usize> {
	let me = keys::account_of(&shared.signer);
	let lead = shared.client.runtime_call(api::runtime_apis().havn_api().lead_aggregator()).await?;
	if lead.as_ref() != Some(&me) {
		return Ok(0);
	}
	let at = shared.client.at_best().await?;
	let next = next_job_id(&at).await?;
	let mut by_job: std::collections::BTreeMap<u64, Vec<PoolItem>> = Default::default();
	for item in fetch_pending(shared, None).await {
		if item.job_id < next && item.job_id >= next.saturating_sub(SCAN_WINDOW) {
			by_job.entry(item.job_id).or_default().push(item);
		}
	}
	let refused = {
		let mut c = shared.coordination.lock().map_err(|_| anyhow!("coordination lock"))?;
		// Forget refusals of jobs no longer pending.
		c.sweep_refused.retain(|j| by_job.contains_key(j));
		c.sweep_refused.clone()
	};
	let mut batches = Vec::new();
	for (job_id, pooled) in by_job {
		if batches.len() >= MAX_SWEPT_JOBS {
			break;
		}
		if refused.contains(&job_id) {
			continue;
		}
		let Some(state) = attesting(&at, job_id).await? else { continue };
		if state.committee.contains(&me) && !state.voted.contains(&me) {
			continue;
		}
		let mut items = Vec::new();
		admit(pooled, &state, &mut items);
		items.truncate(state.needed);
		if !items.is_empty() {
			batches.push((job_id, items));
		}
	}
	// Claim the items, unless `lead_batch` took the job meanwhile (one check, one lock).
	{
		let mut c = shared.coordination.lock().map_err(|_| anyhow!("coordination lock"))?;
		batches.retain(|(job_id, _)| !c.leading.contains(job_id));
		for (job_id, items) in &batches {
			c.in_flight.extend(items.iter().map(|(v, ..)| (*job_id, *v)));
		}
	}
	// Released however this ends, a timeout included.
	let _claimed = Claimed {
		shared,
		keys: batches
			.iter()
			.flat_map(|(job_id, items)| items.iter().map(move |(v, ..)| (*job_id, *v)))
			.collect(),
	};
	let results =
		futures::future::join_all(batches.into_iter().map(|(job_id, items)| async move {
			let count = items.len();
			let call = api::tx().execution_log().submit_attestations(
				api::runtime_types::bounded_collections::bounded_vec::BoundedVec(items),
			);
			(job_id, count, shared.client.submit(&call, &shared.signer).await)
		}))
		.await;
	let mut landed = 0;
	{
		let mut c = shared.coordination.lock().map_err(|_| anyhow!("coordination lock"))?;
		for (job_id, count, result) in results {
			match result {
				Ok(_) => {
					landed += count;
					tracing::info!(job_id, count, "swept pooled attestations into a lead batch");
				}
				Err(e) => {
					tracing::warn!(job_id, error = %e, "swept batch refused; leaving the job");
					c.sweep_refused.insert(job_id);
				}
			}
		}
	}
	Ok(landed)
}

/// How the lead's two ways of batching stay out of each other's way (`Shared::coordination`).
#[derive(Default)]
pub struct Coordination {
	/// Jobs whose [`lead_batch`] is collecting; the sweep leaves them alone.
	pub leading: BTreeSet<u64>,
	/// `(job, validator)` items a sweep is submitting; `lead_batch` leaves them out.
	pub in_flight: BTreeSet<(u64, AccountId32)>,
	/// Jobs whose swept batch the chain refused; later sweeps leave them to the direct fallback.
	pub sweep_refused: BTreeSet<u64>,
}

/// A sweep's claim on the items it is submitting (`Coordination::in_flight`), for as long as it
/// lives.
struct Claimed<'a> {
	shared: &'a Shared,
	keys: Vec<(u64, AccountId32)>,
}

impl Drop for Claimed<'_> {
	fn drop(&mut self) {
		if let Ok(mut c) = self.shared.coordination.lock() {
			for key in &self.keys {
				c.in_flight.remove(key);
			}
		}
	}
}

/// Marks a job as being batched by [`lead_batch`] for as long as it lives.
struct Leading<'a> {
	shared: &'a Shared,
	job_id: u64,
}

impl<'a> Leading<'a> {
	fn enter(shared: &'a Shared, job_id: u64) -> Self {
		if let Ok(mut c) = shared.coordination.lock() {
			c.leading.insert(job_id);
		}
		Self { shared, job_id }
	}
}

impl Drop for Leading<'_> {
	fn drop(&mut self) {
		if let Ok(mut c) = self.shared.coordination.lock() {
			c.leading.remove(&self.job_id);
		}
	}
}

/// What decides whether an attestation of a job in `Attesting` can land now.
pub struct AttestingJob {
	/// The job.
	pub job_id: u64,
	/// Its attestation committee.
	pub committee: Vec<AccountId32>,
	/// Validators with a verdict on it.
	pub voted: Vec<AccountId32>,
	/// Verdicts the quorum still needs (at least 1).
	pub needed: usize,
	/// Whether it was sampled for re-execution (a `Valid` verdict must then carry a digest).
	pub sampled: bool,
	/// The receipts' reference hash, which a `Valid` verdict's digest must equal.
	pub reference: Option<Digest>,
}

/// The job at `at` if it is in `Attesting` (else `None`), with the quorum read from the runtime
/// parameters at that block ([`quorum_at`]).
async fn attesting(at: &Block, job_id: u64) -> anyhow::Result<Option<AttestingJob>> {
	use api::runtime_types::havn_primitives::api::JobPhase;
	let job = at
		.storage()
		.try_fetch(api::storage().execution_log().jobs(), (job_id,))
		.await
		.map_err(ClientError::subxt)?;
	let Some(job) = job else { return Ok(None) };
	let job = job.decode().map_err(ClientError::subxt)?;
	if !matches!(job.phase, JobPhase::Attesting) {
		return Ok(None);
	}
	let quorum = quorum_at(at).await? as usize;
	let voted: Vec<AccountId32> = job.verdicts.0.iter().map(|(v, _)| *v).collect();
	Ok(Some(AttestingJob {
		job_id,
		committee: job.committee.0,
		needed: quorum.saturating_sub(voted.len()).max(1),
		voted,
		sampled: job.sampled,
		reference: reference_hash(&job.receipts.0),
	}))
}

/// `ExecutionLog`'s quorum at `at`: the `QuorumSize` runtime parameter as governance last set
/// it (`Parameters::Parameters`), else its default (the `quorum_size` constant of the metadata
/// this client holds).
async fn quorum_at(at: &Block) -> anyhow::Result<u32> {
	use api::runtime_types::havn_runtime::configs::parameters::{
		dynamic_params::execution, RuntimeParametersKey, RuntimeParametersValue,
	};
	let key = RuntimeParametersKey::Execution(execution::ParametersKey::QuorumSize(
		execution::QuorumSize,
	));
	let stored = at
		.storage()
		.try_fetch(api::storage().parameters().parameters(), (key,))
		.await
		.map_err(ClientError::subxt)?;
	if let Some(value) = stored {
		if let RuntimeParametersValue::Execution(execution::ParametersValue::QuorumSize(q)) =
			value.decode().map_err(ClientError::subxt)?
		{
			return Ok(q);
		}
	}
	Ok(at
		.constants()
		.entry(api::constants().execution_log().quorum_size())
		.map_err(ClientError::subxt)?)
}

/// Append to `batch` the pooled attestations of `job` that can land, by the checks of
/// `ExecutionLog::ensure_can_attest`: well formed, for this job, signed by a committee member
/// with no verdict yet, one per validator, and a `Valid` verdict with the digest the chain wants
/// (the reference hash; required on a sampled job). Anything else would fail the whole batch.
fn admit(pooled: Vec<PoolItem>, job: &AttestingJob, batch: &mut Vec<BatchItem>) {
	let job_id = job.job_id;
	for p in pooled {
		if p.job_id != job_id {
			continue;
		}
		let digest_ok = |a: &Attestation| match (a.verdict, a.reexecution_digest) {
			(Verdict::Invalid, _) => true,
			(Verdict::Valid, None) => !job.sampled,
			(Verdict::Valid, Some(d)) => Some(d) == job.reference,
		};
		match decode_item(&p) {
			Ok((item, attestation))
				if job.committee.contains(&item.0)
					&& !job.voted.contains(&item.0)
					&& digest_ok(&attestation) =>
			{
				if !batch.iter().any(|(v, ..)| v == &item.0) {
					batch.push(item);
				}
			}
			Ok(_) => tracing::debug!(job_id, validator = %p.validator, "pooled item cannot land"),
			Err(e) => tracing::warn!(job_id, error = %e, "skipping a malformed pooled attestation"),
		}
	}
}

/// The pooled attestations not yet on-chain, of `job_id` or of every job (empty if the pool is
/// unreachable).
async fn fetch_pending(shared: &Shared, job_id: Option<u64>) -> Vec<PoolItem> {
	let mut url = format!("{}/v1/attestations/pending", shared.config.orchestrator);
	if let Some(job_id) = job_id {
		url.push_str(&format!("?job_id={job_id}"));
	}
	let Ok(resp) = shared.http.get(url).send().await else { return Vec::new() };
	if !resp.status().is_success() {
		return Vec::new();
	}
	resp.json::<PendingList>().await.map(|l| l.items).unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct PendingList {
	items: Vec<PoolItem>,
}

type BatchItem = (
	AccountId32,
	api::runtime_types::havn_primitives::receipt::Attestation,
	api::runtime_types::sp_runtime::MultiSignature,
);

fn multisig(signature: sr25519::Signature) -> api::runtime_types::sp_runtime::MultiSignature {
	api::runtime_types::sp_runtime::MultiSignature::Sr25519(signature.0)
}

/// A pool item as a batch item, with the attestation it carries.
fn decode_item(p: &PoolItem) -> anyhow::Result<(BatchItem, Attestation)> {
	let validator = keys::parse_account(&p.validator)?;
	let verdict = match p.verdict.as_str() {
		"valid" => Verdict::Valid,
		"invalid" => Verdict::Invalid,
		other => anyhow::bail!("unknown verdict {other}"),
	};
	let digest = match &p.reexecution_digest {
		Some(h) => Some(parse_digest(h)?),
		None => None,
	};
	let sig: [u8; 64] = hex::decode(p.signature.trim_start_matches("0x"))?
		.try_into()
		.map_err(|_| anyhow!("signature is not 64 bytes"))?;
	let attestation = Attestation { job_id: p.job_id, verdict, reexecution_digest: digest };
	Ok(((validator, recode(&attestation)?, multisig(sr25519::Signature(sig))), attestation))
}

fn parse_digest(h: &str) -> anyhow::Result<Digest> {
	let bytes: [u8; 32] = hex::decode(h.trim_start_matches("0x"))?
		.try_into()
		.map_err(|_| anyhow!("digest is not 32 bytes"))?;
	Ok(Digest::from(bytes))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn h(b: u8) -> Digest {
		Digest::repeat_byte(b)
	}

	#[test]
	fn reference_hash_follows_the_chain_order() {
		// Most common wins.
		assert_eq!(reference_hash(&[(1, h(1)), (2, h(2)), (3, h(2))]), Some(h(2)));
		// A tie goes to the earliest receipt the chain accepted, whatever the node order.
		assert_eq!(reference_hash(&[(2, h(2)), (1, h(1))]), Some(h(2)));
		assert_eq!(reference_hash(&[(1, h(1)), (2, h(2))]), Some(h(1)));
		assert_eq!(reference_hash::<u8>(&[]), None);
	}

	#[test]
	fn pool_items_round_trip_and_bad_ones_are_refused() {
		let bob = keys::signer_from_suri("//Bob").unwrap();
		let attestation =
			Attestation { job_id: 7, verdict: Verdict::Valid, reexecution_digest: Some(h(9)) };
		let sig = bob.sign(&attestation.signing_payload(h(0)));
		let item = PoolItem {
			validator: keys::ss58(&keys::account_of(&bob)),
			job_id: 7,
			verdict: "valid".into(),
			reexecution_digest: Some(format!("0x{}", hex::encode(h(9)))),
			signature: format!("0x{}", hex::encode(sig.0)),
		};
		// The JSON has exactly the orchestrator's `AttestationRequest` fields.
		let json = serde_json::to_value(&item).unwrap();
		let mut keys_of: Vec<&str> = json.as_object().unwrap().keys().map(|k| k.as_str()).collect();
		keys_of.sort();
		assert_eq!(keys_of, ["job_id", "reexecution_digest", "signature", "validator", "verdict"]);
		let ((validator, generated, signature), decoded) = decode_item(&item).unwrap();
		assert_eq!(decoded, attestation);
		assert_eq!(validator, keys::account_of(&bob));
		assert_eq!(recode::<_, Attestation>(&generated).unwrap(), attestation);
		let api::runtime_types::sp_runtime::MultiSignature::Sr25519(bytes) = signature else {
			panic!("not sr25519")
		};
		assert_eq!(bytes, sig.0);
		for bad in [
			PoolItem { verdict: "maybe".into(), ..clone(&item) },
			PoolItem { signature: "0x00".into(), ..clone(&item) },
			PoolItem { reexecution_digest: Some("0x12".into()), ..clone(&item) },
			PoolItem { validator: "bob".into(), ..clone(&item) },
		] {
			assert!(decode_item(&bad).is_err());
		}
	}

	/// A pool item of `suri` for job 7 (the signature is not checked by `admit`: the chain and
	/// the pool check it).
	fn item(suri: &str, job_id: u64, verdict: &str, digest: Option<Digest>) -> PoolItem {
		PoolItem {
			validator: keys::ss58(&keys::account_of(&keys::signer_from_suri(suri).unwrap())),
			job_id,
			verdict: verdict.into(),
			reexecution_digest: digest.map(|d| format!("0x{}", hex::encode(d))),
			signature: format!("0x{}", hex::encode([1u8; 64])),
		}
	}

	#[test]
	fn admit_keeps_only_items_the_chain_accepts() {
		let account = |suri: &str| keys::account_of(&keys::signer_from_suri(suri).unwrap());
		let job = AttestingJob {
			job_id: 7,
			committee: vec![account("//Bob"), account("//Charlie"), account("//Dave")],
			voted: vec![account("//Charlie")],
			needed: 2,
			sampled: true,
			reference: Some(h(9)),
		};
		let admitted = |pooled: Vec<PoolItem>| {
			let mut batch = Vec::new();
			admit(pooled, &job, &mut batch);
			batch.into_iter().map(|(v, ..)| keys::ss58(&v)).collect::<Vec<_>>()
		};
		let ss58 = |suri: &str| keys::ss58(&account(suri));
		// Valid with the reference digest, and Invalid: in, once per validator.
		assert_eq!(
			admitted(vec![
				item("//Bob", 7, "valid", Some(h(9))),
				item("//Bob", 7, "valid", Some(h(9))),
				item("//Dave", 7, "invalid", None),
			]),
			vec![ss58("//Bob"), ss58("//Dave")]
		);
		// Each of these would fail the whole batch on-chain.
		for bad in [
			item("//Charlie", 7, "valid", Some(h(9))), // AlreadyAttested
			item("//Eve", 7, "valid", Some(h(9))),     // NotInCommittee
			item("//Bob", 7, "valid", Some(h(8))),     // ReexecutionMismatch
			item("//Bob", 7, "valid", None),           // ReexecutionDigestMissing (sampled)
			item("//Bob", 8, "valid", Some(h(9))),     // another job
			item("//Bob", 7, "maybe", None),           // malformed
		] {
			assert!(admitted(vec![bad]).is_empty());
		}
		// On a job not sampled, a Valid verdict needs no digest.
		let unsampled = AttestingJob { sampled: false, ..job };
		let mut batch = Vec::new();
		admit(vec![item("//Bob", 7, "valid", None)], &unsampled, &mut batch);
		assert_eq!(batch.len(), 1);
	}

	fn clone(p: &PoolItem) -> PoolItem {
		serde_json::from_value(serde_json::to_value(p).unwrap()).unwrap()
	}
}
