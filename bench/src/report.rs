//! The figures of one run, as a markdown table and as JSON.

use crate::{load::Run, Args};
use serde_json::{json, Value};

/// Throughput and fullness of one workload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rate {
	/// Items completed.
	pub items: usize,
	/// Blocks from the first inclusion to the last completion, both included.
	pub blocks: u64,
	/// Milliseconds of block time over those blocks (from the block before the first).
	pub ms: u64,
	/// Items per second.
	pub per_sec: f64,
	/// Items per block, over the saturated blocks (all blocks of the span but the last).
	pub per_block: f64,
	/// Mean and max normal-class fullness over the span, 0..1.
	pub fullness_mean: f64,
	/// Max normal-class fullness.
	pub fullness_max: f64,
}

impl Rate {
	fn of(run: &Run) -> Self {
		let Some((first, last)) = run.span() else { return Self::default() };
		let blocks = last - first + 1;
		let start_ts = run
			.blocks
			.get(&(first - 1))
			.map(|b| b.ts_ms)
			.or_else(|| {
				// The block before was not seen: assume one block interval before the first.
				let f = run.blocks.get(&first)?.ts_ms;
				let s = run.blocks.get(&(first + 1))?.ts_ms;
				Some(f.saturating_sub(s.saturating_sub(f)))
			})
			.unwrap_or_default();
		let end_ts = run.blocks.get(&last).map(|b| b.ts_ms).unwrap_or_default();
		let ms = end_ts.saturating_sub(start_ts).max(1);
		let fullness: Vec<f64> = (first..=last)
			.filter_map(|n| run.blocks.get(&n))
			.map(|b| b.normal_ref_time as f64 / run.normal_limit.max(1) as f64)
			.collect();
		let items = run.settled();
		Self {
			items,
			blocks,
			ms,
			per_sec: items as f64 * 1000.0 / ms as f64,
			per_block: items as f64 / blocks as f64,
			fullness_mean: fullness.iter().sum::<f64>() / fullness.len().max(1) as f64,
			fullness_max: fullness.iter().cloned().fold(0.0, f64::max),
		}
	}
}

/// Percentile `p` (0..=100) of sorted `values`, nearest rank.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
	if sorted.is_empty() {
		return None;
	}
	let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
	sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied()
}

/// Everything one run measured.
pub struct Figures {
	label: String,
	transfers: Rate,
	jobs: Rate,
	latency_blocks: Vec<u64>,
	latency_ms: Vec<u64>,
	light_blocks: Vec<u64>,
	light_ms: Vec<u64>,
	light_in_flight: u32,
	lag: Vec<i64>,
	index_times: Option<crate::load::IndexTimes>,
	failed: usize,
	refused: usize,
}

impl Figures {
	/// Collect the figures of both workloads.
	pub fn new(args: &Args, transfers: &Run, jobs: &Run, light: &Run) -> Self {
		let sorted = |run: &Run, f: fn(&(u64, u64)) -> u64| {
			let mut v: Vec<u64> = run.latencies.iter().map(f).collect();
			v.sort_unstable();
			v
		};
		let mut lag = jobs.lag.clone();
		lag.sort_unstable();
		Self {
			label: args.label.clone(),
			transfers: Rate::of(transfers),
			jobs: Rate::of(jobs),
			latency_blocks: sorted(jobs, |l| l.0),
			latency_ms: sorted(jobs, |l| l.1),
			light_blocks: sorted(light, |l| l.0),
			light_ms: sorted(light, |l| l.1),
			light_in_flight: args.latency_in_flight,
			lag,
			index_times: jobs.index_times,
			failed: jobs.failed + transfers.failed + light.failed,
			refused: jobs.refused + transfers.refused + light.refused,
		}
	}

	fn ratio(&self) -> f64 {
		if self.transfers.per_sec > 0.0 {
			self.jobs.per_sec / self.transfers.per_sec
		} else {
			0.0
		}
	}

	fn lag_pct(&self, p: f64) -> Option<i64> {
		if self.lag.is_empty() {
			return None;
		}
		let rank = ((p / 100.0) * self.lag.len() as f64).ceil() as usize;
		self.lag.get(rank.saturating_sub(1).min(self.lag.len() - 1)).copied()
	}

	/// The markdown table the script prints and `docs/performance.md` quotes.
	pub fn table(&self) -> String {
		let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
		let row = |name: &str, r: &Rate| {
			format!(
				"| {name} | {} | {} | {:.1} | {:.1} | {:.1} | {:.0}% | {:.0}% |\n",
				r.items,
				r.blocks,
				r.ms as f64 / 1000.0,
				r.per_sec,
				r.per_block,
				100.0 * r.fullness_mean,
				100.0 * r.fullness_max
			)
		};
		let mut s = String::new();
		s.push_str(&format!("Chain benchmark {}\n\n", self.label));
		s.push_str("| workload | settled | blocks | seconds | per second | per block | fullness mean | fullness max |\n");
		s.push_str("|---|---|---|---|---|---|---|---|\n");
		s.push_str(&row("transfer_keep_alive", &self.transfers));
		s.push_str(&row("job lifecycle (quorum 5, batched)", &self.jobs));
		s.push_str(&format!("\njob-to-transfer ratio (measured): {:.3}\n", self.ratio()));
		let latency = |name: &str, blocks: &[u64], ms: &[u64]| {
			format!(
				"submission inclusion -> payout, {name}: p50 {} blocks / {} ms, p95 {} blocks / {} ms, max {} blocks ({} jobs)\n",
				opt(percentile(blocks, 50.0)),
				opt(percentile(ms, 50.0)),
				opt(percentile(blocks, 95.0)),
				opt(percentile(ms, 95.0)),
				opt(blocks.last().copied()),
				blocks.len()
			)
		};
		s.push_str(&latency(
			&format!("below capacity ({} in flight)", self.light_in_flight),
			&self.light_blocks,
			&self.light_ms,
		));
		s.push_str(&latency("saturated (throughput pass)", &self.latency_blocks, &self.latency_ms));
		match (self.lag_pct(50.0), self.lag.last()) {
			(Some(p50), Some(max)) => s.push_str(&format!(
				"indexer lag behind finality while jobs ran: p50 {p50} blocks, max {max} blocks ({} samples, 1/s)\n",
				self.lag.len()
			)),
			_ => s.push_str("indexer lag: not sampled (no --indexer-metrics)\n"),
		}
		if let Some(t) = self.index_times {
			s.push_str(&format!(
				"indexer time per block ({} blocks): fetch mean {:.0} ms (slowest <= {:.0} ms), \
				 write mean {:.0} ms (slowest <= {:.0} ms)\n",
				t.write.0, t.fetch.1, t.fetch.2, t.write.1, t.write.2
			));
		}
		s.push_str(&format!(
			"extrinsics refused by the pool: {}; batch items or extrinsics failed in dispatch: {}\n",
			self.refused, self.failed
		));
		s
	}

	/// The same figures as JSON.
	pub fn json(&self) -> Value {
		let rate = |r: &Rate| {
			json!({
				"settled": r.items, "blocks": r.blocks, "ms": r.ms, "per_sec": r.per_sec,
				"per_block": r.per_block, "fullness_mean": r.fullness_mean,
				"fullness_max": r.fullness_max,
			})
		};
		json!({
			"label": self.label,
			"transfers": rate(&self.transfers),
			"jobs": rate(&self.jobs),
			"ratio": self.ratio(),
			"latency_blocks": {
				"p50": percentile(&self.latency_blocks, 50.0),
				"p95": percentile(&self.latency_blocks, 95.0),
				"max": self.latency_blocks.last(),
			},
			"latency_ms": {
				"p50": percentile(&self.latency_ms, 50.0),
				"p95": percentile(&self.latency_ms, 95.0),
			},
			"latency_below_capacity": {
				"in_flight": self.light_in_flight,
				"blocks_p50": percentile(&self.light_blocks, 50.0),
				"blocks_p95": percentile(&self.light_blocks, 95.0),
				"ms_p50": percentile(&self.light_ms, 50.0),
				"ms_p95": percentile(&self.light_ms, 95.0),
			},
			"indexer_lag_blocks": {
				"p50": self.lag_pct(50.0), "max": self.lag.last(), "samples": self.lag.len(),
			},
			"refused": self.refused,
			"failed": self.failed,
		})
	}
}
