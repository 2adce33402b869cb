//! `havn submit WORKFLOW --input FILE …`: pay for a job and follow it.
//!
//! 1. Quote the fee with `HavnApi::quote_fee(workflow, class, redundancy)` (the class defaults to
//!    the workflow's own); `--max-fee` defaults to the quote, and a quote above `--max-fee` stops
//!    here (exit code 2).
//! 2. Store the input in the artifact store (its CID is the job's `input_uri`) and compute its
//!    blake2-256 (`input_digest`).
//! 3. `ExecutionLog::submit_job`; print the job id (from `JobSubmitted`).
//! 4. Unless `--no-wait`: poll `HavnApi::job` about once a second and print a line per phase
//!    change (Submitted → Assigned → Attesting → Finalized / Rejected / Expired) with its block,
//!    until a final phase (exit 0 when finalized, 3 when rejected or expired) or `--timeout`
//!    seconds (exit 4).

use crate::{
	chain::{self, Chain},
	cli::SubmitArgs,
	failure::{Failure, EXIT_ERROR, EXIT_JOB_FAILED, EXIT_TIMEOUT},
	render::{job_json, progress_line, quote_error_text, quote_json, title, Job},
	Ctx, Report,
};
use anyhow::{Context as _, Result};
use havn_client::amount::{amount_json, display_hai};
use havn_client::{api, artifacts::ArtifactClient, Static};
use havn_primitives::{api::JobPhase, manifest::manifest_digest, JobId};
use serde_json::json;
use std::{
	io::{IsTerminal as _, Write as _},
	path::Path,
	time::{Duration, Instant},
};

/// Time between two polls of `HavnApi::job`.
const POLL: Duration = Duration::from_secs(1);

/// Run `havn submit`.
pub async fn run(ctx: &Ctx, args: SubmitArgs) -> Result<Report> {
	let path = args.input.display().to_string();
	let input = std::fs::read(&args.input).with_context(|| format!("reading {path}"))?;
	let signer = chain::signer(&ctx.opts)?;
	let chain = Chain::connect(&ctx.opts).await?;

	let workflow = args.workflow_id;
	let class = match args.class {
		Some(class) => class,
		None => chain.workflow_class(workflow).await?.ok_or_else(|| Failure {
			code: EXIT_ERROR,
			message: format!("no workflow {workflow} on this chain"),
			details: json!({ "workflow_id": workflow }),
		})?,
	};
	let quote = chain.quote_fee(workflow, class, args.redundancy).await?.map_err(|e| Failure {
		code: EXIT_ERROR,
		message: format!(
			"no fee quote for workflow {workflow} on class {} × {}: {}",
			<&str>::from(class),
			args.redundancy,
			quote_error_text(e)
		),
		details: json!({ "quote_error": format!("{e:?}") }),
	})?;
	let max_fee = args.max_fee.unwrap_or(quote.total);
	if quote.total > max_fee {
		return Err(Failure::bad_input(format!(
			"the fee is {} but --max-fee is {}",
			display_hai(quote.total),
			display_hai(max_fee)
		))
		.with_details(json!({ "quote": quote_json(&quote), "max_fee": amount_json(max_fee) }))
		.into());
	}

	let input_cid = ArtifactClient::new(&ctx.opts.orchestrator)
		.with_uploader(signer.clone(), chain.client().genesis_hash())
		.upload(input.clone(), media_type(&args.input))
		.await
		.with_context(|| format!("storing {path} in the artifact store"))?;
	let input_digest = manifest_digest(&input);
	let call = api::tx().execution_log().submit_job(
		workflow,
		input_digest,
		input_cid.as_bytes().to_vec(),
		Static(class),
		max_fee,
		args.redundancy,
		args.deadline,
	);
	let included = chain.submit(&call, &signer).await?;
	let submitted: api::execution_log::events::JobSubmitted =
		chain::event(&included, "ExecutionLog.JobSubmitted")?;
	let job_id = submitted.job_id;

	let mut json = json!({
		"job_id": job_id,
		"workflow_id": workflow,
		"input_cid": input_cid,
		"input_digest": format!("{input_digest:?}"),
		"compute_class": <&str>::from(class),
		"redundancy": args.redundancy,
		"quote": quote_json(&quote),
		"fee": amount_json(submitted.fee),
		"deadline_block": submitted.deadline,
		"block_hash": format!("{:?}", included.block_hash),
	});
	let submitted_line = format!(
		"submitted job {job_id}: workflow {workflow}, class {}, fee {}, expires after block {}",
		<&str>::from(class),
		display_hai(submitted.fee),
		submitted.deadline
	);
	if args.no_wait {
		return Ok(Report::ok(json, format!("{submitted_line}\n")));
	}
	ctx.progress(&submitted_line);

	let spinner = Spinner::new(!ctx.opts.json && std::io::stderr().is_terminal());
	match follow(ctx, &chain, job_id, Duration::from_secs(args.timeout), spinner).await? {
		Followed::Final(job) => {
			crate::set(&mut json, "phase", <&str>::from(job.phase));
			crate::set(&mut json, "job", job_json(&job));
			let block = job.timeline.last().map_or(0, |(_, b)| *b);
			let (code, text) = match job.phase {
				JobPhase::Finalized => (
					crate::failure::EXIT_OK,
					format!(
						"job {job_id} finalized in block {block}; see `havn status {job_id} --outputs`\n"
					),
				),
				phase => (
					EXIT_JOB_FAILED,
					format!(
						"job {job_id} {} in block {block}: the escrow was refunded\n",
						<&str>::from(phase)
					),
				),
			};
			Ok(Report { json, text, code })
		}
		Followed::TimedOut(job) => {
			let phase = job.as_ref().map_or(JobPhase::Submitted, |j| j.phase);
			Err(Failure {
				code: EXIT_TIMEOUT,
				message: format!(
					"job {job_id} is still {} after {} s (it keeps going on chain: `havn status {job_id}`)",
					title(phase),
					args.timeout
				),
				details: json!({
					"job_id": job_id,
					"phase": <&str>::from(phase),
					"job": job.as_ref().map(job_json),
				}),
			}
			.into())
		}
	}
}

/// How following a job ended.
enum Followed {
	/// It reached a final phase.
	Final(Job),
	/// `--timeout` passed first; the last view seen, if any.
	TimedOut(Option<Job>),
}

/// Poll the job until a final phase or `timeout`, printing each new timeline entry once.
async fn follow(
	ctx: &Ctx,
	chain: &Chain,
	job_id: JobId,
	timeout: Duration,
	mut spinner: Spinner,
) -> Result<Followed> {
	let started = Instant::now();
	let mut printed = 0;
	let mut last = None;
	loop {
		if let Some(job) = chain.job(job_id).await? {
			for (phase, block) in job.timeline.iter().skip(printed) {
				spinner.clear();
				ctx.progress(&progress_line(&job, *phase, *block));
			}
			printed = job.timeline.len();
			if job.phase.is_closed() {
				spinner.clear();
				return Ok(Followed::Final(job));
			}
			last = Some(job);
		}
		if started.elapsed() >= timeout {
			spinner.clear();
			return Ok(Followed::TimedOut(last));
		}
		let phase = last.as_ref().map_or(JobPhase::Submitted, |j| j.phase);
		spinner.tick(&format!("{} · {} s", title(phase), started.elapsed().as_secs()));
		tokio::time::sleep(POLL).await;
	}
}

/// A one-line spinner on stderr, only on a terminal.
struct Spinner {
	enabled: bool,
	frame: usize,
	shown: bool,
}

impl Spinner {
	const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

	fn new(enabled: bool) -> Self {
		Self { enabled, frame: 0, shown: false }
	}

	fn tick(&mut self, status: &str) {
		if !self.enabled {
			return;
		}
		let frame = Self::FRAMES.get(self.frame % Self::FRAMES.len()).copied().unwrap_or('|');
		self.frame = self.frame.wrapping_add(1);
		let mut err = std::io::stderr();
		// Write errors on a terminal spinner are not worth failing the command for.
		let _ = write!(err, "\r\x1b[2K{frame} {status}");
		let _ = err.flush();
		self.shown = true;
	}

	fn clear(&mut self) {
		if self.shown {
			let mut err = std::io::stderr();
			let _ = write!(err, "\r\x1b[2K");
			let _ = err.flush();
			self.shown = false;
		}
	}
}

/// The media type the input is stored under, from its extension.
fn media_type(path: &Path) -> &'static str {
	match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
		Some("json") => "application/json",
		Some("txt" | "md") => "text/plain",
		Some("wav") => "audio/wav",
		_ => "application/octet-stream",
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn media_types() {
		assert_eq!(media_type(Path::new("in.json")), "application/json");
		assert_eq!(media_type(Path::new("dir/prompt.TXT")), "text/plain");
		assert_eq!(media_type(Path::new("a.wav")), "audio/wav");
		assert_eq!(media_type(Path::new("blob")), "application/octet-stream");
	}
}
