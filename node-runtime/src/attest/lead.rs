//! The lead aggregator: batching the committee's pooled attestations into
//! `ExecutionLog::submit_attestations`, as the lead of the epoch (`HavnApi::lead_aggregator`).
//!
//! Two ways in, kept apart by [`Coordination`]: [`lead_batch`] when the lead attests a job
//! itself, and [`sweep_pool`] on every best block for verdicts pooled after that. Only items
//! the chain will accept go in ([`admit`], by `havn_primitives::rules::check_attestation`, the
//! rule `ExecutionLog::ensure_can_attest` applies), since the chain applies a batch all or
//! nothing.

use super::{
	attest_directly,
	pool::{decode_item, fetch_pending, multisig, BatchItem, PoolItem},
	FALLBACK_BLOCKS,
};
use crate::{scan::SCAN_WINDOW, Shared};
use anyhow::anyhow;
use havn_client::{
	api, keys,
	subxt::utils::AccountId32,
	subxt_signer::sr25519,
	view::{self, AttestingJob},
	Static,
};
use havn_primitives::{rules, Attestation};
use std::collections::BTreeSet;

/// As the lead: wait briefly for the committee's pooled attestations, then batch them with ours.
///
/// The chain applies a batch all or nothing, so only items that can land go in (see [`admit`]),
/// no more than the quorum still needs. If the batch fails anyway (a verdict landed meanwhile,
/// say), the lead attests directly. Attestations pooled after this batch are picked up by
/// [`sweep_pool`] on a later block.
pub async fn lead_batch(
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
		AttestingJob::at(&at, job_id).await?.map_or(0, |s| s.committee.len().saturating_sub(1))
	};
	let mut pooled: Vec<PoolItem> = Vec::new();
	for _ in 0..FALLBACK_BLOCKS.saturating_sub(1) {
		pooled = fetch_pending(shared, Some(job_id)).await;
		pooled.retain(|p| p.validator != keys::ss58(&me));
		if pooled.len() >= wanted {
			break;
		}
		tokio::time::sleep(shared.block_time()).await;
	}
	// Read the sweep's in-flight items before the chain state: whatever the sweep finished in
	// between is then in the state read below.
	let in_flight = shared.coordination.lock().map(|c| c.in_flight.clone()).unwrap_or_default();
	let at = shared.client.at_best().await?;
	let Some(state) = AttestingJob::at(&at, job_id).await? else { return Ok(()) };
	let mut batch = Vec::new();
	if !state.voted.contains(&me) {
		batch.push((me, Static(attestation.clone()), multisig(signature)));
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
	let call = api::tx().execution_log().submit_attestations(batch);
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
	let next = view::next_job_id(&at).await?;
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
		let Some(state) = AttestingJob::at(&at, job_id).await? else { continue };
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
			let call = api::tx().execution_log().submit_attestations(items);
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

/// Append to `batch` the pooled attestations of `job` that can land: well formed, for this job,
/// one per validator, and admissible by `havn_primitives::rules::check_attestation`, the rule
/// `ExecutionLog::ensure_can_attest` applies (a committee member with no verdict yet, and a
/// `Valid` verdict with the digest the chain wants). Anything else would fail the whole batch.
pub fn admit(pooled: Vec<PoolItem>, job: &AttestingJob, batch: &mut Vec<BatchItem>) {
	let job_id = job.job_id;
	for p in pooled {
		if p.job_id != job_id {
			continue;
		}
		match decode_item(&p) {
			Ok((item, attestation)) => {
				let admissible = rules::check_attestation(
					&item.0,
					&attestation,
					&job.committee,
					&job.voted,
					job.sampled,
					job.reference,
				);
				match admissible {
					Ok(()) if !batch.iter().any(|(v, ..)| v == &item.0) => batch.push(item),
					Ok(()) => {}
					Err(why) => {
						tracing::debug!(job_id, validator = %p.validator, ?why, "pooled item cannot land")
					}
				}
			}
			Err(e) => tracing::warn!(job_id, error = %e, "skipping a malformed pooled attestation"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::attest::pool::tests::h;
	use havn_primitives::{Digest, JobId, Verdict};

	/// A pool item of `suri` (the signature is not checked by `admit`: the chain and the pool
	/// check it).
	fn item(suri: &str, job_id: JobId, verdict: Verdict, digest: Option<Digest>) -> PoolItem {
		PoolItem {
			validator: keys::ss58(&keys::account_of(&keys::signer_from_suri(suri).unwrap())),
			job_id,
			verdict,
			reexecution_digest: digest,
			signature: format!("0x{}", hex::encode([1u8; 64])),
		}
	}

	#[test]
	fn admit_keeps_only_items_the_chain_accepts() {
		use Verdict::{Invalid, Valid};
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
				item("//Bob", 7, Valid, Some(h(9))),
				item("//Bob", 7, Valid, Some(h(9))),
				item("//Dave", 7, Invalid, None),
			]),
			vec![ss58("//Bob"), ss58("//Dave")]
		);
		// Each of these would fail the whole batch on-chain.
		let mut malformed = item("//Bob", 7, Valid, None);
		malformed.signature = "0x1234".into();
		for bad in [
			item("//Charlie", 7, Valid, Some(h(9))), // AlreadyAttested
			item("//Eve", 7, Valid, Some(h(9))),     // NotInCommittee
			item("//Bob", 7, Valid, Some(h(8))),     // ReexecutionMismatch
			item("//Bob", 7, Valid, None),           // ReexecutionDigestMissing (sampled)
			item("//Bob", 8, Valid, Some(h(9))),     // another job
			malformed,                               // malformed
		] {
			assert!(admitted(vec![bad]).is_empty());
		}
		// On a job not sampled, a Valid verdict needs no digest.
		let unsampled = AttestingJob { sampled: false, ..job };
		let mut batch = Vec::new();
		admit(vec![item("//Bob", 7, Valid, None)], &unsampled, &mut batch);
		assert_eq!(batch.len(), 1);
	}
}
