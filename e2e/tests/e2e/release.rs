//! The hardening issue on the README's devnet. Finding 1: a job whose input does not match its
//! digest on chain cannot be run, and the execute daemon (`havn-exec`) gives it back with
//! `ExecutionLog::release` instead of retrying it until it expires on the node (which recorded
//! `JobExpired` against it); the relay does not route it back to that node. Finding 2: an ended
//! job's storage deposit comes back to its payer when the relay prunes it. Finding 12: a job
//! waiting on a slow `http` server does not keep the node's models from other jobs.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{api, artifacts::ArtifactClient, keys, HavnClient, Static};
use havn_e2e::{get_json, wait_for, workspace_root};
use havn_primitives::{manifest::manifest_digest, ComputeClass, HAI};
use serde_json::Value;
use std::{
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::Duration,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Submit, as `//User`, a job of `workflow` whose input in the store is not the input its
/// digest names (the payer's mistake, or a store serving other bytes); the devnet's execute
/// node (`//Ferdie`) releases it with `digest_mismatch`, and the relay leaves it unassigned.
pub async fn a_job_whose_input_does_not_match_is_released(
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	workflow: u64,
) {
	let input = std::fs::read(workspace_root().join("workflows/inputs/embedding.json")).unwrap();
	let input_cid = store(client, rest).upload(input, "application/json").await.unwrap();
	let call = api::tx().execution_log().submit_job(
		workflow,
		manifest_digest(b"other bytes than the stored input"),
		input_cid.as_bytes().to_vec(),
		Static(ComputeClass::S),
		100 * HAI,
		1,
		100,
	);
	let job_id = submit_as_user(client, &call).await;
	let (job, event) = wait_for_job_event(http, rest, job_id, "JobReleased", 120).await;
	let ferdie = keys::ss58(&keys::account_of(&keys::signer_from_suri("//Ferdie").unwrap()));
	assert_eq!(event["data"]["node"].as_str(), Some(ferdie.as_str()), "{job}");
	assert_eq!(event["data"]["reason"], "digest_mismatch", "{job}");

	// Five blocks on, the relay (which routes every block) has not given it back to //Ferdie,
	// the devnet's only execute node: the job waits for another node, or expires.
	let at = client.best_number().await.unwrap();
	wait_for("five blocks", Duration::from_secs(60), || async {
		(client.best_number().await.ok()? >= at + 5).then_some(())
	})
	.await
	.unwrap();
	let view = client.job(job_id).await.unwrap().expect("job on chain");
	assert!(
		matches!(view.phase, havn_primitives::api::JobPhase::Submitted) && view.nodes.is_empty(),
		"job {job_id} was routed again: {:?} {:?}",
		view.phase,
		view.nodes
	);
	let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.unwrap();
	let assigned = job["events"].as_array().unwrap().iter().filter(|e| e["name"] == "JobAssigned");
	assert_eq!(assigned.count(), 1, "{job}");
}

/// Submit, as `//User`, a job of `workflow` on compute class XL, which no node of the devnet
/// serves, with the shortest deadline the chain takes: it expires unrouted. Returns its id.
pub async fn submit_a_job_no_node_serves(client: &HavnClient, workflow: u64) -> u64 {
	let call = api::tx().execution_log().submit_job(
		workflow,
		manifest_digest(b"an input no node fetches"),
		b"ipfs://bafkreinone".to_vec(),
		Static(ComputeClass::XL),
		100 * HAI,
		1,
		30,
	);
	submit_as_user(client, &call).await
}

/// Finding 2 of the hardening issue on the README's devnet: a job holds a storage deposit
/// until it is pruned, and the orchestrator's relay prunes ended jobs, so the payer gets it back
/// without acting: `job_id` (from [`submit_a_job_no_node_serves`]) expires, then is pruned.
pub async fn an_expired_job_is_pruned_and_its_deposit_returned(
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	job_id: u64,
) {
	let (job, event) = wait_for_job_event(http, rest, job_id, "JobPruned", 180).await;
	assert_eq!(job["phase"], "expired", "{job}");
	assert!(job["pruned_block"].as_u64().is_some(), "{job}");
	let user = keys::ss58(&keys::account_of(&user()));
	assert_eq!(event["data"]["payer"].as_str(), Some(user.as_str()), "{job}");
	// The runtime's `JobDeposit` (the devnet keeps its default) went back to the payer.
	let deposit = client
		.at_best()
		.await
		.unwrap()
		.constants()
		.entry(api::constants().execution_log().job_deposit())
		.unwrap();
	assert_eq!(event["data"]["deposit"], deposit.to_string(), "{job}");
	assert!(client.job(job_id).await.unwrap().is_none(), "job {job_id} still on chain");
	// The index keeps the job's history.
	assert!(job["events"].as_array().unwrap().iter().any(|e| e["name"] == "JobExpired"), "{job}");
}

/// Finding 12 of the hardening issue on the README's devnet: a creator publishes an `http`
/// workflow whose server (here a loopback server of the test, which the devnet's nodes are
/// allowed to reach) holds every request; while the execute node (`//Ferdie`, the devnet's only
/// one) waits on it for one job, it still runs and delivers an embedding job, because an `http`
/// step does not hold the model slot. The server then answers, and the `http` job's receipt
/// comes in too.
pub async fn a_slow_http_job_leaves_the_models_to_other_jobs(
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	chain: &str,
	embedding_workflow: u64,
) {
	let server = HeldServer::start().await;
	let tmp = tempfile::tempdir().unwrap();
	let manifest = tmp.path().join("slow-remote.json");
	let doc = serde_json::json!({
		"schema": "havn.workflow/v1",
		"name": "slow-remote",
		"version": "1.0.0",
		"compute_class": "S",
		"base_fee": "1000000000000",
		"royalty": { "creator": 45, "upstream": 0, "node": 40, "validators": 10, "treasury": 5 },
		"steps": [{ "id": "chat", "executor": "http", "model": "remote-model",
			"params": { "api": "openai-chat", "url": server.url, "timeout_ms": 600_000 } }],
	});
	std::fs::write(&manifest, serde_json::to_vec(&doc).unwrap()).unwrap();
	let out = havn_e2e::havn(&[
		"--chain",
		chain,
		"--orchestrator",
		rest,
		"--suri",
		"//Alice",
		"--json",
		"publish",
		manifest.to_str().unwrap(),
	])
	.unwrap();
	let published: Value = serde_json::from_str(&out).unwrap();
	let remote = published["workflow_id"].as_u64().expect("workflow_id");

	let held = submit_stored_input(client, rest, remote, br#"{"prompt": "hello"}"#.to_vec()).await;
	wait_for("the node's request to the held server", Duration::from_secs(120), || async {
		server.asked().then_some(())
	})
	.await
	.unwrap();
	let input = std::fs::read(workspace_root().join("workflows/inputs/embedding.json")).unwrap();
	let embedding = submit_stored_input(client, rest, embedding_workflow, input).await;
	wait_for_job_event(http, rest, embedding, "ReceiptSubmitted", 120).await;
	assert!(!server.answered(), "the server answered before the embedding job's receipt");
	server.release();
	wait_for_job_event(http, rest, held, "ReceiptSubmitted", 120).await;
}

/// Store `input` and submit, as `//User`, a job of `workflow` on it (class S, 1 node, 100
/// blocks); the job's id.
async fn submit_stored_input(
	client: &HavnClient,
	rest: &str,
	workflow: u64,
	input: Vec<u8>,
) -> u64 {
	let digest = manifest_digest(&input);
	let cid = store(client, rest).upload(input, "application/json").await.unwrap();
	let call = api::tx().execution_log().submit_job(
		workflow,
		digest,
		cid.as_bytes().to_vec(),
		Static(ComputeClass::S),
		100 * HAI,
		1,
		100,
	);
	submit_as_user(client, &call).await
}

/// A loopback stand-in for an operator's OpenAI-compatible server that holds every request
/// until [`HeldServer::release`] (or 180 s), then answers it.
struct HeldServer {
	url: String,
	asked: Arc<AtomicBool>,
	answered: Arc<AtomicBool>,
	release: tokio::sync::watch::Sender<bool>,
}

impl HeldServer {
	async fn start() -> Self {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let url = format!("http://{}", listener.local_addr().unwrap());
		let (asked, answered) =
			(Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
		let (release, released) = tokio::sync::watch::channel(false);
		let (a, b) = (asked.clone(), answered.clone());
		tokio::spawn(async move {
			while let Ok((stream, _)) = listener.accept().await {
				let (a, b, mut released) = (a.clone(), b.clone(), released.clone());
				tokio::spawn(async move {
					let mut stream = stream;
					if read_request(&mut stream).await.is_none() {
						return;
					}
					a.store(true, Ordering::SeqCst);
					let _ =
						tokio::time::timeout(Duration::from_secs(180), released.wait_for(|r| *r))
							.await;
					let body = r#"{"choices":[{"message":{"content":"held answer"}}]}"#;
					let response = format!(
						"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
						 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
						body.len()
					);
					b.store(true, Ordering::SeqCst);
					let _ = stream.write_all(response.as_bytes()).await;
				});
			}
		});
		Self { url, asked, answered, release }
	}

	fn asked(&self) -> bool {
		self.asked.load(Ordering::SeqCst)
	}

	fn answered(&self) -> bool {
		self.answered.load(Ordering::SeqCst)
	}

	fn release(&self) {
		self.release.send_replace(true);
	}
}

/// Read one HTTP/1.1 request (headers, then `Content-Length` bytes of body); `None` if the
/// peer closed first.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<()> {
	let mut buf = Vec::new();
	let mut chunk = [0u8; 4096];
	loop {
		let n = stream.read(&mut chunk).await.ok()?;
		if n == 0 {
			return None;
		}
		buf.extend_from_slice(&chunk[..n]);
		let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
		let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
		let length = head
			.lines()
			.find_map(|l| l.strip_prefix("content-length:"))
			.and_then(|v| v.trim().parse::<usize>().ok())
			.unwrap_or(0);
		if buf.len() >= end + 4 + length {
			return Some(());
		}
	}
}

/// The store at `rest`, uploading as `//User`.
fn store(client: &HavnClient, rest: &str) -> ArtifactClient {
	ArtifactClient::new(rest).with_uploader(user(), client.genesis_hash())
}

/// The devnet's payer of these jobs.
fn user() -> havn_client::Signer {
	keys::signer_from_suri("//User").unwrap()
}

/// Submit `call` (a `submit_job`) as `//User`; the new job's id.
async fn submit_as_user(
	client: &HavnClient,
	call: &impl havn_client::subxt::transactions::Payload,
) -> u64 {
	let included = client.submit(call, &user()).await.unwrap();
	included
		.events
		.find_first::<api::execution_log::events::JobSubmitted>()
		.unwrap()
		.expect("JobSubmitted")
		.job_id
}

/// Wait up to `secs` seconds until the orchestrator's index shows job `job_id` with an event
/// named `name`; the job (`GET /v1/jobs/{id}`) and that event.
async fn wait_for_job_event(
	http: &reqwest::Client,
	rest: &str,
	job_id: u64,
	name: &str,
	secs: u64,
) -> (Value, Value) {
	let event_of = |job: &Value| -> Option<Value> {
		job["events"].as_array()?.iter().find(|e| e["name"] == name).cloned()
	};
	let what = format!("{name} of job {job_id}");
	let job = wait_for(&what, Duration::from_secs(secs), || async {
		let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.ok()?;
		event_of(&job).map(|_| job)
	})
	.await
	.unwrap();
	let event = event_of(&job).unwrap();
	(job, event)
}
