//! ExecutionLog events decoded, with the job, receipt and attestation details read at the
//! block.

use super::JobEvent;
use crate::{
	indexer::IndexerError,
	model::{JobDetails, Planck, ReceiptDetails},
	projection::{
		ctx::{hex32, ss58, utf8},
		BlockCtx,
	},
};
use havn_client::{
	api::{self, execution_log::Event},
	AccountId,
};
use std::collections::HashMap;
use subxt::events::Phase;

/// The chain's event as a [`JobEvent`], with what it implies read at the block; `aggregators`
/// maps an extrinsic index to the lead aggregator that batched its attestations.
pub async fn decode(
	ctx: &BlockCtx<'_>,
	phase: Phase,
	event: Event,
	aggregators: &HashMap<u32, AccountId>,
) -> Result<Option<JobEvent>, IndexerError> {
	Ok(Some(match event {
		Event::JobSubmitted { job_id, workflow_id, payer, fee, compute_class, deadline } => {
			JobEvent::JobSubmitted {
				job_id,
				workflow_id,
				payer: ss58(&payer),
				fee: Planck(fee),
				compute_class: *compute_class,
				deadline,
				details: job_details(ctx, job_id).await?,
			}
		}
		Event::JobAssigned { job_id, nodes, by } => {
			JobEvent::JobAssigned { job_id, nodes: nodes.iter().map(ss58).collect(), by: ss58(&by) }
		}
		Event::JobClaimed { job_id, node } => JobEvent::JobClaimed { job_id, node: ss58(&node) },
		Event::ReceiptSubmitted { job_id, node, runtime_hash, outputs_cid } => {
			JobEvent::ReceiptSubmitted {
				job_id,
				details: receipt_details(ctx, job_id, &node).await?,
				node: ss58(&node),
				runtime_hash: hex32(runtime_hash.0),
				outputs_cid: utf8(&outputs_cid),
			}
		}
		Event::JobAttesting { job_id, committee, sampled } => JobEvent::JobAttesting {
			job_id,
			committee: committee.iter().map(ss58).collect(),
			sampled,
		},
		Event::AttestationSubmitted { job_id, validator, verdict } => {
			let (reexecution_digest, batched_by) = match phase {
				Phase::ApplyExtrinsic(i) => (
					attestation_digest(ctx, i, job_id, &validator).await?,
					aggregators.get(&i).map(ss58),
				),
				_ => (None, None),
			};
			JobEvent::AttestationSubmitted {
				job_id,
				validator: ss58(&validator),
				verdict: verdict.0,
				reexecution_digest,
				batched_by,
			}
		}
		Event::AttestationsBatched { aggregator, count } => {
			JobEvent::AttestationsBatched { aggregator: ss58(&aggregator), count }
		}
		Event::JobFinalized { job_id, fee } => JobEvent::JobFinalized { job_id, fee: Planck(fee) },
		Event::JobRejected { job_id } => JobEvent::JobRejected { job_id },
		Event::JobExpired { job_id } => JobEvent::JobExpired { job_id },
		Event::JobChallenged { job_id, challenger, committee } => JobEvent::JobChallenged {
			job_id,
			challenger: ss58(&challenger),
			committee: committee.iter().map(ss58).collect(),
		},
		Event::ChallengeUpheld { job_id, challenger } => {
			JobEvent::ChallengeUpheld { job_id, challenger: ss58(&challenger) }
		}
		Event::ChallengeRejected { job_id, challenger, bond } => JobEvent::ChallengeRejected {
			job_id,
			challenger: ss58(&challenger),
			bond: Planck(bond),
		},
		Event::JobReleased { job_id, node, reason } => {
			JobEvent::JobReleased { job_id, node: ss58(&node), reason: reason.0 }
		}
		Event::JobPruned { job_id, payer, deposit } => {
			JobEvent::JobPruned { job_id, payer: ss58(&payer), deposit: Planck(deposit) }
		}
	}))
}

/// The records the decode of `event` reads: a submitted job's, a receipt's.
pub fn storage_keys(ctx: &BlockCtx<'_>, event: &Event) -> Result<Vec<Vec<u8>>, IndexerError> {
	let log = api::storage().execution_log();
	Ok(match event {
		Event::JobSubmitted { job_id, .. } => vec![ctx.key(log.jobs(), (*job_id,))?],
		Event::ReceiptSubmitted { job_id, node, .. } => {
			vec![ctx.key(log.receipts(), (*job_id, *node))?]
		}
		_ => Vec::new(),
	})
}

/// `ExecutionLog::Jobs(job_id)` at the block: what `JobSubmitted` does not carry.
async fn job_details(ctx: &BlockCtx<'_>, job_id: u64) -> Result<JobDetails, IndexerError> {
	let job = ctx
		.read(api::storage().execution_log().jobs(), (job_id,))
		.await?
		.ok_or_else(|| ctx.missing(format!("ExecutionLog::Jobs({job_id})")))?;
	Ok(JobDetails {
		redundancy: job.redundancy,
		input_digest: hex32(job.input_digest.0),
		input_uri: utf8(&job.input_uri),
	})
}

/// `ExecutionLog::Receipts(job_id, node)` at the block: what `ReceiptSubmitted` does not carry.
async fn receipt_details(
	ctx: &BlockCtx<'_>,
	job_id: u64,
	node: &AccountId,
) -> Result<ReceiptDetails, IndexerError> {
	let (receipt, signature) = ctx
		.read(api::storage().execution_log().receipts(), (job_id, *node))
		.await?
		.ok_or_else(|| ctx.missing(format!("ExecutionLog::Receipts({job_id}, {node})")))?;
	Ok(ReceiptDetails {
		latency_ms: receipt.latency_ms,
		energy_mj: receipt.energy_estimate,
		signature: format!("0x{}", hex::encode(signature)),
	})
}

/// The re-execution digest `validator` gave for `job_id` in extrinsic `index` (a direct
/// `attest` or a lead aggregator's batch); `None` for other call shapes.
async fn attestation_digest(
	ctx: &BlockCtx<'_>,
	index: u32,
	job_id: u64,
	validator: &AccountId,
) -> Result<Option<String>, IndexerError> {
	use api::execution_log::Call as X;
	let calls = ctx.calls().await?;
	let attestation = match calls.get(index as usize).and_then(|c| c.as_ref()) {
		Some(api::Call::ExecutionLog(X::attest { attestation })) => Some(attestation),
		Some(api::Call::ExecutionLog(X::submit_attestations { batch })) => {
			batch.iter().find(|(v, a, _)| v == validator && a.job_id == job_id).map(|(_, a, _)| a)
		}
		_ => None,
	};
	Ok(attestation.and_then(|a| a.reexecution_digest.as_ref()).map(|d| hex32(d.0)))
}
