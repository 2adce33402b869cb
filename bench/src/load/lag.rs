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

	pub(super) async fn stop(self) -> Vec<i64> {
		let Self { mut rx, stop, task } = self;
		let _ = stop.send(());
		let _ = task.await;
		let mut out = Vec::new();
		while let Ok(v) = rx.try_recv() {
			out.push(v);
		}
		out
	}
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
