//! The orchestrator's indexer lag behind finality, sampled from its `/metrics` while a
//! workload runs.

use super::*;

/// Samples the orchestrator's indexer lag once a second in the background.
pub(super) struct LagSampler {
	rx: tokio::sync::mpsc::UnboundedReceiver<i64>,
	stop: tokio::sync::oneshot::Sender<()>,
	task: tokio::task::JoinHandle<()>,
}

impl LagSampler {
	pub(super) fn start(client: &HavnClient, url: String) -> Self {
		let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
		let (stop, mut stopped) = tokio::sync::oneshot::channel();
		let client = client.clone();
		let task = tokio::spawn(async move {
			let http = reqwest::Client::new();
			loop {
				if let (Ok(finalized), Ok(indexed)) =
					(client.finalized_number().await, indexed_block(&http, &url).await)
				{
					let _ = tx.send(finalized as i64 - indexed);
				}
				tokio::select! {
					_ = tokio::time::sleep(Duration::from_secs(1)) => {}
					_ = &mut stopped => return,
				}
			}
		});
		Self { rx, stop, task }
	}

	pub(super) fn drain(&mut self) -> Vec<i64> {
		let mut out = Vec::new();
		while let Ok(v) = self.rx.try_recv() {
			out.push(v);
		}
		out
	}

	/// Stop sampling; the samples not drained yet, and the orchestrator's time per indexed
	/// block (from its `block_index_duration_seconds` histogram) when it answers.
	pub(super) async fn stop(self, url: &str) -> (Vec<i64>, Option<IndexTimes>) {
		let Self { mut rx, stop, task } = self;
		let _ = stop.send(());
		let _ = task.await;
		let mut out = Vec::new();
		while let Ok(v) = rx.try_recv() {
			out.push(v);
		}
		let times = async {
			let text = reqwest::get(url).await.ok()?.text().await.ok()?;
			Some(IndexTimes {
				fetch: step_times(&text, "fetch")?,
				write: step_times(&text, "write")?,
			})
		}
		.await;
		(out, times)
	}
}

/// The orchestrator's time per indexed block, by step, over every block it indexed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IndexTimes {
	/// Reading the block and its storage over RPC: (blocks, mean ms, ms bound of the slowest).
	pub fetch: (u64, f64, f64),
	/// Writing it to the database: (blocks, mean ms, ms bound of the slowest).
	pub write: (u64, f64, f64),
}

/// Blocks, mean ms and the upper bound (ms) of the histogram bucket holding the slowest block,
/// of `step` in the Prometheus text `text`.
fn step_times(text: &str, step: &str) -> Option<(u64, f64, f64)> {
	let label = format!("step=\"{step}\"");
	let value = |suffix: &str| -> Option<f64> {
		text.lines().find_map(|l| {
			let (name, v) = l.rsplit_once(' ')?;
			(name.contains(&format!("block_index_duration_seconds_{suffix}"))
				&& name.contains(&label))
			.then(|| v.parse().ok())
			.flatten()
		})
	};
	let (sum, count) = (value("sum")?, value("count")?);
	let slowest = text
		.lines()
		.filter(|l| l.contains("block_index_duration_seconds_bucket") && l.contains(&label))
		.filter_map(|l| {
			let le = l.split("le=\"").nth(1)?.split('"').next()?.parse::<f64>().ok()?;
			let n = l.rsplit_once(' ')?.1.parse::<f64>().ok()?;
			Some((le, n))
		})
		.find(|(_, n)| *n >= count)
		.map_or(f64::INFINITY, |(le, _)| le);
	(count > 0.0).then(|| (count as u64, 1e3 * sum / count, 1e3 * slowest))
}

/// The orchestrator's `indexed_block` gauge.
async fn indexed_block(http: &reqwest::Client, url: &str) -> Result<i64> {
	let text = http.get(url).send().await?.error_for_status()?.text().await?;
	text.lines()
		.filter(|l| !l.starts_with('#'))
		.find_map(|l| {
			let (name, value) = l.split_once(' ')?;
			(name == "indexed_block" || name.ends_with("_indexed_block"))
				.then(|| value.trim().parse::<f64>().ok())
				.flatten()
		})
		.map(|v| v as i64)
		.ok_or_else(|| anyhow!("{url} has no indexed_block gauge"))
}
