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
//!    On every best block the lead also sweeps the pool ([`lead::sweep_pool`]), so an
//!    attestation pooled after the lead's own batch still goes through it.
//!
//! The concerns live apart: [`receipts`] (the receipt checks), [`pool`] (the pool's client),
//! [`lead`] (the lead aggregator's batches); the chain views come from `havn_client::view`.
//!
//! On a `JobChallenged` event naming it in the adjudication committee, the validator always
//! re-executes and submits its verdict directly.

pub mod lead;
pub mod pool;
pub mod receipts;

use crate::{job, Shared};
use anyhow::Context;
use havn_client::{
	api,
	errors::{ExecutionLogError, RuntimeError},
	keys,
	subxt::utils::AccountId32,
	subxt_signer::sr25519,
	view::AttestingJob,
	Static,
};
use havn_primitives::{rules::reference_hash, Attestation, Verdict};
use std::sync::Arc;

/// Blocks a non-lead waits for the lead's batch before attesting directly (a policy of this
/// daemon, not a chain rule).
pub const FALLBACK_BLOCKS: u64 = 4;

/// Which committee this validator sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
	/// The attestation committee: attestations may go through the lead aggregator.
	Attestation,
	/// The adjudication committee of a challenge: always re-execute, attest directly.
	Adjudication,
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
		checked.push(receipts::check(&shared, &facts, node, genesis, stage).await?);
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
		// An attestation must land before the job expires; an adjudication (a challenge of a
		// finalized job, usually after its deadline) has no deadline.
		let deadline = match stage {
			Stage::Attestation => {
				let best = shared.client.best_number().await?;
				Some(
					job::run_deadline(best, facts.deadline, shared.block_time())
						.context("too late to re-execute before the job's deadline")?,
				)
			}
			Stage::Adjudication => None,
		};
		let run = job::run(shared.engine.clone(), &shared.store, &facts, deadline)
			.await
			.context("re-executing")?;
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
		let call = api::tx().execution_log().attest(Static(attestation));
		shared.client.submit(&call, &shared.signer).await?;
		tracing::info!(job_id, ?verdict, "adjudication verdict submitted");
		return Ok(());
	}
	let signature = shared.signer.sign(&attestation.signing_payload(genesis));
	submit(&shared, attestation, signature).await
}

async fn submit(
	shared: &Shared,
	attestation: Attestation,
	signature: sr25519::Signature,
) -> anyhow::Result<()> {
	let me = keys::account_of(&shared.signer);
	let job_id = attestation.job_id;
	let lead = shared.client.runtime_call(api::runtime_apis().havn_api().lead_aggregator()).await?;
	if lead.as_ref() == Some(&me) {
		return lead::lead_batch(shared, attestation, signature).await;
	}
	// Not the lead: hand the signed attestation to the pool, then make sure it lands.
	pool::post(shared, &pool::PoolItem::new(&me, &attestation, &signature)).await;
	let start = shared.client.best_number().await?;
	loop {
		tokio::time::sleep(shared.block_time()).await;
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
	let call = api::tx().execution_log().attest(Static(attestation.clone()));
	match shared.client.submit(&call, &shared.signer).await {
		Ok(_) => Ok(()),
		Err(e)
			if matches!(
				e.module_error(),
				Some(RuntimeError::ExecutionLog(
					ExecutionLogError::AlreadyAttested | ExecutionLogError::BadPhase
				))
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
	Ok(AttestingJob::at(&at, job_id).await?.is_none_or(|s| s.voted.contains(me)))
}
