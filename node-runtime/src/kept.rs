//! The outputs an execution node keeps after its receipt, to provide them again to a store that
//! lost them (finding 9 of `docs/security.md`: a store that loses a file must not make an honest
//! node look fraudulent).
//!
//! After each receipt the execute role keeps the job's outputs (the outputs document and its
//! blobs) until its challenge window can have closed (the job's deadline block plus
//! `ChallengeWindow`: adjudicators of a challenge check the outputs too), at most [`KEEP_JOBS`]
//! jobs and [`KEEP_BYTES`] bytes (the oldest go first). On every rescan it asks the store (`HEAD`) for each kept output and
//! uploads again what the store no longer has, while attestors hold back their verdict on a
//! missing output for [`crate::attest::receipts::AVAILABILITY_GRACE`] blocks.

use std::collections::VecDeque;

/// Most jobs whose outputs are kept.
pub const KEEP_JOBS: usize = 64;

/// Most bytes of outputs kept, in all (256 MiB).
pub const KEEP_BYTES: usize = 256 * 1024 * 1024;

/// One stored output: its CID, media type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
	/// CID of `bytes`.
	pub cid: String,
	/// Media type it was uploaded with.
	pub media_type: String,
	/// The content.
	pub bytes: Vec<u8>,
}

/// The kept outputs, oldest job first.
#[derive(Debug, Default)]
pub struct KeptOutputs {
	jobs: VecDeque<(u64, u64, Vec<Output>)>,
	bytes: usize,
}

impl KeptOutputs {
	/// Keep `outputs` of `job_id` until block `until`, dropping the oldest jobs to stay
	/// within [`KEEP_JOBS`] and [`KEEP_BYTES`]. Outputs larger than [`KEEP_BYTES`] in all are not
	/// kept.
	pub fn keep(&mut self, job_id: u64, until: u64, outputs: Vec<Output>) {
		let size: usize = outputs.iter().map(|o| o.bytes.len()).sum();
		if size > KEEP_BYTES {
			return;
		}
		while self.jobs.len() >= KEEP_JOBS || self.bytes.saturating_add(size) > KEEP_BYTES {
			let Some((_, _, old)) = self.jobs.pop_front() else { break };
			self.bytes = self.bytes.saturating_sub(old.iter().map(|o| o.bytes.len()).sum());
		}
		self.jobs.push_back((job_id, until, outputs));
		self.bytes = self.bytes.saturating_add(size);
	}

	/// Forget the jobs kept until before `best`; `(job_id, cid)` of the outputs of the others.
	pub fn current(&mut self, best: u64) -> Vec<(u64, String)> {
		let before = self.jobs.len();
		self.jobs.retain(|(_, until, _)| *until >= best);
		if self.jobs.len() != before {
			self.bytes = self.jobs.iter().flat_map(|(_, _, o)| o).map(|o| o.bytes.len()).sum();
		}
		self.jobs
			.iter()
			.flat_map(|(job_id, _, outputs)| outputs.iter().map(|o| (*job_id, o.cid.clone())))
			.collect()
	}

	/// The kept output `cid` of `job_id`, if still kept.
	pub fn output(&self, job_id: u64, cid: &str) -> Option<Output> {
		let (_, _, outputs) = self.jobs.iter().find(|(j, _, _)| *j == job_id)?;
		outputs.iter().find(|o| o.cid == cid).cloned()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn output(tag: u8, len: usize) -> Output {
		Output {
			cid: format!("cid-{tag}"),
			media_type: "application/json".into(),
			bytes: vec![tag; len],
		}
	}

	#[test]
	fn outputs_are_kept_until_their_deadline_within_the_bounds() {
		let mut kept = KeptOutputs::default();
		kept.keep(1, 10, vec![output(1, 4)]);
		kept.keep(2, 20, vec![output(2, 4), output(3, 4)]);
		assert_eq!(kept.current(10).len(), 3);
		assert_eq!(kept.current(11).iter().map(|(j, _)| *j).collect::<Vec<_>>(), vec![2, 2]);
		assert_eq!(kept.output(2, "cid-3"), Some(output(3, 4)));
		assert_eq!(kept.output(1, "cid-1"), None, "forgotten after its block");
		for job in 0..KEEP_JOBS as u64 + 5 {
			kept.keep(100 + job, 1_000, vec![output(4, 1)]);
		}
		let now = kept.current(0);
		assert_eq!(now.len(), KEEP_JOBS);
		assert_eq!(now[0].0, 105, "the oldest went first");
		kept.keep(9, 1_000, vec![output(5, KEEP_BYTES + 1)]);
		assert!(kept.current(0).iter().all(|(j, _)| *j != 9), "too large to keep");
	}
}
