//! The rescan: work this daemon owes, read from the chain at the best block (jobs assigned or
//! committees joined while it was down or while a block was skipped, and failed tasks).

use crate::{attest::Stage, Shared};
use havn_client::{api, subxt::utils::AccountId32, view, ClientError};
use havn_primitives::{api::JobPhase, JobId};

/// How many of the most recent job ids a rescan looks at (job deadlines are bounded, so open
/// jobs are recent ones).
pub const SCAN_WINDOW: u64 = 64;

/// Work a daemon owes, found by [`open_work`].
#[derive(Default)]
pub struct OpenWork {
	/// Assigned jobs naming this account without its receipt.
	pub to_execute: Vec<JobId>,
	/// `(job_id, sampled, stage)` of committees holding this account without its verdict.
	pub to_attest: Vec<(JobId, bool, Stage)>,
}

/// Scan the last [`SCAN_WINDOW`] jobs at the best block for work `me` owes.
pub async fn open_work(shared: &Shared, me: &AccountId32) -> anyhow::Result<OpenWork> {
	let at = shared.client.at_best().await?;
	let next = view::next_job_id(&at).await?;
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
		match *job.phase {
			JobPhase::Assigned
				if job.nodes.contains(me) && !job.receipts.iter().any(|(n, _)| n == me) =>
			{
				work.to_execute.push(job_id)
			}
			JobPhase::Attesting
				if job.committee.contains(me) && !job.verdicts.iter().any(|(v, _)| v == me) =>
			{
				work.to_attest.push((job_id, job.sampled, Stage::Attestation))
			}
			JobPhase::Challenged => {
				if let Some(c) = &job.challenge {
					if c.committee.contains(me) && !c.verdicts.iter().any(|(v, _)| v == me) {
						work.to_attest.push((job_id, true, Stage::Adjudication));
					}
				}
			}
			_ => {}
		}
	}
	Ok(work)
}
