//! # Havn end-to-end harness
//!
//! Starts the real binaries (built by `cargo build --workspace` into the same target directory
//! as the tests) on free loopback ports, in temporary directories, and stops them when dropped.
//! The tests in `tests/` use it:
//!
//! - `flywheel`: `scripts/devnet.sh` + `scripts/demo.sh` (the README's main job), then checks the
//!   payouts, the artifacts, the embeddings, the LLM re-execution and the earnings over RPC and
//!   REST;
//! - `orchestrator_restart`: kills the indexer mid-way (SIGKILL) and restarts it, then checks
//!   that no block, workflow or job row was lost or duplicated;
//! - `bad_input`: malformed manifests, oversized artifacts and bad REST bodies get clear errors
//!   and write nothing.

use anyhow::{bail, Context};
use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// The directory holding the workspace's binaries (`havn-node`, `havn-orchestrator`,
/// `havn-exec`, `havn`): two levels above the running test executable (`target/debug/deps/…`).
pub fn bin_dir() -> PathBuf {
	let exe = std::env::current_exe().unwrap_or_default();
	exe.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default()
}

/// Path of a workspace binary; fails with a hint if it was not built.
pub fn bin(name: &str) -> anyhow::Result<PathBuf> {
	let p = bin_dir().join(name);
	if !p.exists() {
		bail!("{} is missing: run `cargo build --workspace` first", p.display());
	}
	Ok(p)
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
	PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A free TCP port on loopback.
pub fn free_port() -> anyhow::Result<u16> {
	let l = TcpListener::bind("127.0.0.1:0")?;
	Ok(l.local_addr()?.port())
}

/// A child process killed (SIGKILL) when dropped; its output goes to a log file.
pub struct Proc {
	/// The process.
	pub child: Child,
	/// Its log.
	pub log: PathBuf,
}

impl Proc {
	/// Start `cmd` with stdout and stderr appended to `log`.
	pub fn spawn(mut cmd: Command, log: &Path) -> anyhow::Result<Self> {
		let out = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
		let err = out.try_clone()?;
		let child = cmd
			.stdout(Stdio::from(out))
			.stderr(Stdio::from(err))
			.spawn()
			.with_context(|| format!("starting {cmd:?}"))?;
		Ok(Self { child, log: log.to_path_buf() })
	}

	/// The last `n` lines of the log (for failure messages).
	pub fn tail(&self, n: usize) -> String {
		tail(&self.log, n)
	}

	/// Kill with SIGKILL and wait.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl Drop for Proc {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The last `n` lines of a file.
pub fn tail(path: &Path, n: usize) -> String {
	let text = std::fs::read_to_string(path).unwrap_or_default();
	let lines: Vec<&str> = text.lines().collect();
	lines.get(lines.len().saturating_sub(n)..).map(|l| l.join("\n")).unwrap_or_default()
}

/// Poll `f` every 500 ms until it returns `Some`, or fail after `timeout` with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut f: F) -> anyhow::Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Option<T>>,
{
	let deadline = Instant::now() + timeout;
	loop {
		if let Some(v) = f().await {
			return Ok(v);
		}
		if Instant::now() > deadline {
			bail!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// A `havn-node --dev` on free ports in a temporary directory.
pub struct DevNode {
	/// The process.
	pub proc: Proc,
	/// `ws://127.0.0.1:<port>`.
	pub url: String,
	/// The RPC port.
	pub rpc_port: u16,
}

impl DevNode {
	/// Start it and wait until its RPC answers.
	pub async fn start(dir: &Path) -> anyhow::Result<Self> {
		let rpc_port = free_port()?;
		let mut cmd = Command::new(bin("havn-node")?);
		cmd.args(["--dev", "--tmp", "--no-telemetry", "--no-prometheus", "--rpc-port"])
			.arg(rpc_port.to_string())
			.args(["--port", &free_port()?.to_string()]);
		let proc = Proc::spawn(cmd, &dir.join("node.log"))?;
		let url = format!("ws://127.0.0.1:{rpc_port}");
		Ok(Self { proc, url, rpc_port })
	}
}

/// Run the `havn` CLI; returns stdout, fails with stderr on a non-zero exit.
pub fn havn(args: &[&str]) -> anyhow::Result<String> {
	let out = Command::new(bin("havn")?).args(args).output()?;
	if !out.status.success() {
		bail!(
			"havn {} failed ({}): {}",
			args.join(" "),
			out.status,
			String::from_utf8_lossy(&out.stderr)
		);
	}
	Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `GET url` and parse the body as JSON (`Null` if it is not JSON).
pub async fn get_json(http: &reqwest::Client, url: &str) -> anyhow::Result<serde_json::Value> {
	let resp = http.get(url).send().await.with_context(|| format!("GET {url}"))?;
	Ok(resp.json().await.unwrap_or(serde_json::Value::Null))
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
	let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
	let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
	let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
	dot / (na * nb)
}
