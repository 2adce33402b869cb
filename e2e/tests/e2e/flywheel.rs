//! The flywheel end to end: the README's main job (`scripts/devnet.sh` then `scripts/demo.sh`)
//! on free ports, then checks of what it left on-chain, in the artifact store and over REST;
//! then a third job with one attestor down until the lead aggregator has batched the other
//! verdicts, whose late verdict must still arrive through the lead's batch; then a job the
//! execute node cannot run, which it releases (`crate::release`).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{api, keys, HavnClient};
use havn_e2e::{cosine, free_port, get_json, tail, workspace_root};
use havn_primitives::{cid, royalty::RoyaltySplit, HAI};
use serde_json::Value;
use std::{process::Command, time::Duration};

/// Stops the devnet when the test ends, however it ends; on a failed check it first prints the
/// demo's output and the services' log tails, after the panic message (so a truncated test log
/// still shows which check failed).
struct Devnet {
	dir: std::path::PathBuf,
	env: Vec<(String, String)>,
	demo_out: String,
}

impl Devnet {
	fn script(&self, script: &str, args: &[&str]) -> std::process::Output {
		let mut cmd = Command::new("bash");
		cmd.arg(workspace_root().join("scripts").join(script)).args(args);
		for (k, v) in &self.env {
			cmd.env(k, v);
		}
		cmd.output().expect("bash runs")
	}
}

impl Drop for Devnet {
	fn drop(&mut self) {
		if std::thread::panicking() {
			println!("\n--- demo output\n{}{}", self.demo_out, logs(&self.dir));
		}
		let _ = self.script("devnet.sh", &["stop"]);
	}
}

fn logs(dir: &std::path::Path) -> String {
	let mut out = String::new();
	for name in
		["node", "orchestrator", "exec-ferdie", "attest-bob", "attest-charlie", "attest-dave"]
	{
		out += &format!(
			"\n--- {name}.log\n{}",
			tail(&dir.join("logs").join(format!("{name}.log")), 25)
		);
	}
	out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_settles_real_jobs_with_the_exact_split() {
	let tmp = tempfile::tempdir().unwrap();
	let dir = tmp.path().join("devnet");
	let (rpc, api_port) = (free_port().unwrap(), free_port().unwrap());
	let summary_path = tmp.path().join("demo.json");
	let target = havn_e2e::bin_dir().parent().unwrap().to_path_buf();
	let mut devnet = Devnet {
		dir: dir.clone(),
		env: vec![
			("HAVN_DEVNET_DIR".into(), dir.display().to_string()),
			("HAVN_SKIP_BUILD".into(), "1".into()),
			("CARGO_TARGET_DIR".into(), target.display().to_string()),
			("HAVN_RPC_PORT".into(), rpc.to_string()),
			("HAVN_API_PORT".into(), api_port.to_string()),
			("HAVN_PROMETHEUS_PORT".into(), free_port().unwrap().to_string()),
			("HAVN_P2P_PORT".into(), free_port().unwrap().to_string()),
			("HAVN_DEMO_JSON".into(), summary_path.display().to_string()),
		],
		demo_out: String::new(),
	};
	let up = devnet.script("devnet.sh", &[]);
	assert!(
		up.status.success(),
		"devnet.sh failed:\n{}{}",
		String::from_utf8_lossy(&up.stdout),
		String::from_utf8_lossy(&up.stderr)
	);
	rpc_refuses_foreign_web_pages(rpc).await;
	let demo = devnet.script("demo.sh", &[]);
	devnet.demo_out = String::from_utf8_lossy(&demo.stdout).into_owned();
	assert!(demo.status.success(), "demo.sh failed:\n{}", String::from_utf8_lossy(&demo.stderr));
	let summary: Value =
		serde_json::from_slice(&std::fs::read(&summary_path).unwrap()).expect("demo summary");
	let client = HavnClient::connect(&format!("ws://127.0.0.1:{rpc}"), Duration::from_secs(30))
		.await
		.unwrap();
	let rest = format!("http://127.0.0.1:{api_port}");
	let http = reqwest::Client::new();
	let emb_wf = summary["workflows"]["text_embedding"].as_u64().unwrap();
	let agent_wf = summary["workflows"]["llm_agent"].as_u64().unwrap();
	let emb_job = summary["jobs"]["embedding"].as_u64().unwrap();
	let llm_job = summary["jobs"]["llm"].as_u64().unwrap();

	// Both jobs settled, and each was sampled: the chain accepted a Valid quorum only with
	// re-execution digests equal to the receipt's runtime hash.
	use havn_primitives::api::JobPhase;
	let mut fees = Vec::new();
	for job_id in [emb_job, llm_job] {
		let view = client.job(job_id).await.unwrap().expect("job on chain");
		assert!(matches!(view.phase, JobPhase::Finalized), "job {job_id} is {:?}", view.phase);
		assert!(view.sampled, "devnet samples every job for re-execution");
		assert_eq!(view.verdicts.0, 3, "three Valid verdicts (the devnet quorum)");
		fees.push(view.fee);
	}

	// The exact split: the creators did not transact between the snapshots, so their balance
	// changes are exactly their shares. text-embedding has no dependencies (its upstream share
	// goes to its creator); llm-agent depends 100% on text-embedding (its upstream share goes to
	// text-embedding's creator).
	let emb_split = RoyaltySplit::DEFAULT.split(fees[0]);
	let agent_split = royalty_of("workflows/llm-agent.json").split(fees[1]);
	assert_eq!(fees, vec![HAI, 2 * HAI], "fees are base fee × class S × 1 node");
	let delta = |who: &str| -> i128 {
		let b: i128 =
			summary["before"][who]["free_balance"]["planck"].as_str().unwrap().parse().unwrap();
		let a: i128 =
			summary["after"][who]["free_balance"]["planck"].as_str().unwrap().parse().unwrap();
		a - b
	};
	assert_eq!(
		delta("//Creator"),
		(emb_split.creator + emb_split.upstream + agent_split.upstream) as i128,
		"text-embedding's creator earns its creator and upstream shares and llm-agent's upstream pool"
	);
	assert_eq!(delta("//Remixer"), agent_split.creator as i128, "llm-agent's creator share");

	// Every job's FeePaid events add up to its fee, role by role, as the split says.
	for (job_id, split) in [(emb_job, emb_split), (llm_job, agent_split)] {
		let paid = fee_paid(&client, job_id).await;
		let by_role =
			|role: &str| paid.iter().filter(|(r, _)| r == role).map(|(_, a)| a).sum::<u128>();
		assert_eq!(by_role("Node"), split.node, "job {job_id} node share");
		assert_eq!(paid.iter().map(|(_, a)| a).sum::<u128>(), split.total(), "job {job_id} total");
		assert_eq!(split.total(), if job_id == emb_job { HAI } else { 2 * HAI });
	}

	// The outputs are in the store under their CIDs, and the receipts point at them.
	let mut docs = Vec::new();
	for job_id in [emb_job, llm_job] {
		// The index follows finalized blocks, a block or two behind the best block that showed
		// the job finalized.
		let job = havn_e2e::wait_for("the job indexed", Duration::from_secs(60), || async {
			let job = get_json(&http, &format!("{rest}/v1/jobs/{job_id}")).await.ok()?;
			(job["attestations"].as_array()?.len() == 3).then_some(job)
		})
		.await
		.unwrap();
		let receipt = &job["receipts"][0];
		let outputs_cid = receipt["outputs_cid"].as_str().expect("receipt with outputs_cid");
		let bytes = http
			.get(format!("{rest}/v1/artifacts/{outputs_cid}"))
			.send()
			.await
			.unwrap()
			.bytes()
			.await
			.unwrap();
		cid::verify(outputs_cid, &bytes).expect("the stored outputs match their CID");
		// The attestors' re-execution digests equal the receipt's runtime hash.
		let runtime_hash = receipt["runtime_hash"].as_str().unwrap();
		let attestations = job["attestations"].as_array().expect("attestations");
		assert_eq!(attestations.len(), 3, "job {job_id}: {job}");
		for a in attestations {
			assert_eq!(a["verdict"], "valid");
			assert_eq!(a["reexecution_digest"].as_str(), Some(runtime_hash), "job {job_id}");
		}
		// The lead aggregator batched (at least its own and one pooled attestation).
		assert!(
			attestations.iter().filter(|a| a["batched_by"].is_string()).count() >= 2,
			"job {job_id}: the lead aggregator did not batch: {job}"
		);
		docs.push(serde_json::from_slice::<Value>(&bytes).unwrap());
	}

	// The embeddings are the real model's: the paraphrases are far closer than the unrelated
	// sentence.
	let e = docs[0]["steps"]["embed"]["embeddings"].as_array().unwrap();
	let v: Vec<Vec<f64>> = e
		.iter()
		.map(|row| row.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect())
		.collect();
	assert_eq!(v.len(), 3);
	assert_eq!(v[0].len(), 384);
	let (para, unrelated) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
	assert!(para > 0.6 && para > unrelated + 0.4, "paraphrase {para}, unrelated {unrelated}");

	// The LLM answered (and the attestors reproduced it bit for bit, checked above).
	let answer = docs[1]["steps"]["answer"]["text"].as_str().unwrap();
	assert!(!answer.trim().is_empty(), "LLM answer is empty: {}", docs[1]);
	assert!(docs[1]["steps"]["retrieve"]["matches"][0]["text"].as_str().unwrap().contains("Paris"));

	// Earnings through the runtime API and REST agree.
	for (wf, creator_earned) in
		[(emb_wf, emb_split.creator + emb_split.upstream), (agent_wf, agent_split.creator)]
	{
		let e = client
			.runtime_call(api::runtime_apis().havn_api().workflow_earnings(wf))
			.await
			.unwrap()
			.expect("earnings");
		assert_eq!(e.runs, 1);
		assert_eq!(e.creator_earned, creator_earned, "workflow {wf}");
		let body = get_json(&http, &format!("{rest}/v1/workflows/{wf}")).await.unwrap();
		let chain_view = &body["earnings"]["chain"];
		let rest_earned: u128 =
			chain_view["creator_earned"].as_str().unwrap_or("0").parse().unwrap();
		assert_eq!(rest_earned, creator_earned, "REST earnings of workflow {wf}: {body}");
		let indexed = &body["earnings"]["indexed"];
		assert_eq!(indexed["runs"], 1, "indexed runs of workflow {wf}: {body}");
		assert_eq!(indexed["total_fees"], chain_view["total_fees"], "workflow {wf}: {body}");
	}
	let emb_e = client
		.runtime_call(api::runtime_apis().havn_api().workflow_earnings(emb_wf))
		.await
		.unwrap()
		.unwrap();
	assert_eq!(emb_e.earned_as_upstream, agent_split.upstream);
	let creator = keys::account_of(&keys::signer_from_suri("//Creator").unwrap());
	let standing =
		client.runtime_call(api::runtime_apis().havn_api().account(creator)).await.unwrap();
	assert_eq!(
		standing.earned,
		emb_split.creator + emb_split.upstream + agent_split.upstream,
		"the creator's lifetime earnings"
	);

	// Expires unrouted in 30 blocks, while the next steps run; the relay then prunes it.
	let unserved = crate::release::submit_a_job_no_node_serves(&client, emb_wf).await;
	late_attestor_goes_through_the_lead(&devnet, &client, &http, &rest, rpc, emb_wf).await;
	crate::release::a_job_whose_input_does_not_match_is_released(&client, &http, &rest, emb_wf)
		.await;
	let chain = format!("ws://127.0.0.1:{rpc}");
	crate::release::a_slow_http_job_leaves_the_models_to_other_jobs(
		&client, &http, &rest, &chain, emb_wf,
	)
	.await;
	crate::release::an_expired_job_is_pruned_and_its_deposit_returned(
		&client, &http, &rest, unserved,
	)
	.await;
	println!("{}", devnet.demo_out);
	drop(devnet);
}

/// A committee member that misses the lead's own batch (here: stopped until the lead has
/// batched the other two verdicts, then restarted) pools its attestation late, and the lead's
/// block-by-block pool sweep still batches it: every verdict of the job arrives through the
/// lead aggregator, none through the 4-block direct fallback. Meanwhile the store loses the
/// job's outputs; the late attestor's verdict is still `Valid` (finding 9).
async fn late_attestor_goes_through_the_lead(
	devnet: &Devnet,
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	rpc: u16,
	workflow: u64,
) {
	use havn_primitives::api::JobPhase;
	// The lead rotates every lead epoch: start early in one, so that the validator stopped here
	// does not become the lead while it is down.
	let epoch = u64::from(
		client
			.online()
			.at_current_block()
			.await
			.unwrap()
			.constants()
			.entry(api::constants().execution_log().epoch_length())
			.unwrap(),
	);
	let best = client.best_number().await.unwrap();
	if best % epoch > epoch.saturating_sub(40) {
		let wait = Duration::from_secs(3 * (epoch - best % epoch) + 30);
		havn_e2e::wait_for("the next lead epoch", wait, || async {
			(client.best_number().await.ok()? % epoch < 20).then_some(())
		})
		.await
		.unwrap();
	}
	let lead = client
		.runtime_call(api::runtime_apis().havn_api().lead_aggregator())
		.await
		.unwrap()
		.expect("a lead aggregator");
	let late = ["Bob", "Charlie", "Dave"]
		.into_iter()
		.find(|v| keys::account_of(&keys::signer_from_suri(&format!("//{v}")).unwrap()) != lead)
		.unwrap();
	let late_account = keys::account_of(&keys::signer_from_suri(&format!("//{late}")).unwrap());
	let pid_file = devnet.dir.join("pids").join(format!("attest-{}.pid", late.to_lowercase()));
	let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_string();
	let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
	let argv: Vec<String> = cmdline
		.split(|b| *b == 0)
		.filter(|a| !a.is_empty())
		.map(|a| String::from_utf8_lossy(a).into_owned())
		.collect();
	assert!(Command::new("kill").arg(&pid).status().unwrap().success());
	havn_e2e::wait_for("the attestor to stop", Duration::from_secs(30), || async {
		(!std::path::Path::new(&format!("/proc/{pid}")).exists()).then_some(())
	})
	.await
	.unwrap();

	// Submit while it is down; the CLI stops waiting after 1 s (exit 4), the job goes on.
	let out = Command::new(havn_e2e::bin("havn").unwrap())
		.current_dir(workspace_root())
		.args(["--chain", &format!("ws://127.0.0.1:{rpc}"), "--orchestrator", rest])
		.args(["--suri", "//User", "--json", "submit", &workflow.to_string()])
		.args(["--input", "workflows/inputs/embedding.json", "--timeout", "1"])
		.output()
		.unwrap();
	let submitted: Value = serde_json::from_slice(&out.stdout)
		.unwrap_or_else(|_| panic!("havn submit: {}", String::from_utf8_lossy(&out.stderr)));
	let job_id = submitted["job_id"].as_u64().expect("job_id");
	// The lead batches the two verdicts it has; the quorum of 3 still waits for the third.
	havn_e2e::wait_for("the lead's batch of two verdicts", Duration::from_secs(180), || async {
		let view = client.job(job_id).await.ok().flatten()?;
		(view.verdicts.0 == 2).then_some(())
	})
	.await
	.unwrap();
	let view = client.job(job_id).await.unwrap().unwrap();
	assert!(matches!(view.phase, JobPhase::Attesting), "job {job_id} is {:?}", view.phase);

	// Hardening finding 9: the store loses the job's outputs while the attestor is down. The
	// attestor gives no verdict on them for a grace period, in which the execute node (which
	// keeps its outputs) provides them again; an honest node is not refused for the store's loss.
	let indexed = havn_e2e::wait_for("the receipt indexed", Duration::from_secs(60), || async {
		let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.ok()?;
		job["receipts"][0]["outputs_cid"].as_str().map(str::to_string)
	})
	.await
	.unwrap();
	let stored = devnet.dir.join("orchestrator").join("artifacts").join(&indexed);
	std::fs::remove_file(&stored).unwrap();

	// Back up: the attestor's first rescan finds the committee it owes a verdict to.
	// Killed when the test ends, however it ends.
	let mut cmd = Command::new(&argv[0]);
	cmd.args(&argv[1..]);
	let log = devnet.dir.join("logs").join(format!("attest-{}.log", late.to_lowercase()));
	let _restarted = havn_e2e::Proc::spawn(cmd, &log).unwrap();
	havn_e2e::wait_for("the late verdict", Duration::from_secs(180), || async {
		let view = client.job(job_id).await.ok().flatten()?;
		matches!(view.phase, JobPhase::Finalized).then_some(())
	})
	.await
	.unwrap();
	assert!(stored.is_file(), "the execute node provided the lost outputs again");

	// Every attestation of the job came in a batch of the lead of its block, the late one
	// included.
	let job = havn_e2e::wait_for("the job indexed", Duration::from_secs(60), || async {
		let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.ok()?;
		(job["attestations"].as_array()?.len() == 3).then_some(job)
	})
	.await
	.unwrap();
	for a in job["attestations"].as_array().unwrap() {
		let block = a["block"].as_u64().expect("attestation block");
		let lead_then = client
			.online()
			.at_block(block)
			.await
			.unwrap()
			.runtime_apis()
			.call(api::runtime_apis().havn_api().lead_aggregator())
			.await
			.unwrap()
			.map(|l| keys::ss58(&l));
		assert_eq!(a["batched_by"].as_str(), lead_then.as_deref(), "job {job_id}: {job}");
	}
	assert!(
		job["attestations"]
			.as_array()
			.unwrap()
			.iter()
			.any(|a| a["validator"].as_str() == Some(keys::ss58(&late_account).as_str())),
		"job {job_id}: no attestation of the late //{late}: {job}"
	);
}

/// A web page the devnet's operator opens cannot reach the node's key store (hardening finding
/// 13: the devnet ran with `--rpc-cors all` and served the unsafe methods):
/// - the unsafe methods (`author_insertKey` among them) are not served at all, to any caller,
///   since a page can open a WebSocket to loopback whatever CORS says;
/// - the browser's CORS preflight for a JSON-RPC POST from a foreign origin gets no
///   `Access-Control-Allow-Origin`, so the browser never sends the call; polkadot.js apps gets
///   one.
async fn rpc_refuses_foreign_web_pages(rpc: u16) {
	let http = reqwest::Client::new();
	let url = format!("http://127.0.0.1:{rpc}");
	let insert_key = serde_json::json!({
		"id": 1, "jsonrpc": "2.0", "method": "author_insertKey",
		"params": ["aura", "//Mallory", format!("0x{}", "11".repeat(32))],
	});
	let answer: Value =
		http.post(&url).json(&insert_key).send().await.unwrap().json().await.unwrap();
	assert!(
		answer.get("result").is_none() && answer.get("error").is_some(),
		"author_insertKey was served: {answer}"
	);
	for (origin, allowed) in [("http://evil.example", false), ("https://polkadot.js.org", true)] {
		let response = http
			.request(reqwest::Method::OPTIONS, &url)
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type")
			.send()
			.await
			.unwrap();
		let allow = response.headers().get("access-control-allow-origin").cloned();
		assert_eq!(allow.is_some(), allowed, "CORS preflight from {origin}: {allow:?}");
	}
}

fn royalty_of(path: &str) -> RoyaltySplit {
	let bytes = std::fs::read(workspace_root().join(path)).unwrap();
	havn_primitives::manifest::Manifest::parse(&bytes).unwrap().royalty_split().unwrap().unwrap()
}

/// `(role, amount)` of every `PayoutRouter::FeePaid` of `job_id`, from the block that settled it.
async fn fee_paid(client: &HavnClient, job_id: u64) -> Vec<(String, u128)> {
	use havn_primitives::api::JobPhase;
	let view = client.job(job_id).await.unwrap().unwrap();
	let block = view
		.timeline
		.iter()
		.find(|(p, _)| matches!(p, JobPhase::Finalized))
		.map(|(_, b)| *b)
		.expect("finalized in the timeline");
	let at = client.online().at_block(u64::from(block)).await.unwrap();
	let events = at.events().fetch().await.unwrap();
	events
		.find::<api::payout_router::events::FeePaid>()
		.map(|e| e.unwrap())
		.filter(|e| e.job_id == job_id)
		.map(|e| (format!("{:?}", e.role), e.amount))
		.collect()
}
