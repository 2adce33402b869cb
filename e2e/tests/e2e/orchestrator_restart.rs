//! The orchestrator's indexer is killed (SIGKILL) twice while the chain keeps producing Havn
//! events (once while following the head, once while catching up after a restart) and restarted
//! on the same database. Afterwards every workflow and faucet drip of the chain is indexed exactly
//! once and the indexed blocks are contiguous from block 1 to the finalized head.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{api, keys, HavnClient, Static};
use havn_e2e::{bin, free_port, get_json, havn, wait_for, DevNode, Proc};
use havn_primitives::{cid, manifest::manifest_digest, ComputeClass, HAI};
use serde_json::Value;
use std::{path::Path, process::Command, time::Duration};

const WORKFLOWS: u64 = 12;
const DRIPS: u64 = 4;

fn orchestrator(node: &DevNode, data: &Path, port: u16, log: &Path) -> Proc {
	let mut cmd = Command::new(bin("havn-orchestrator").unwrap());
	cmd.args([
		"--rpc-url",
		&node.url,
		"--listen",
		&format!("127.0.0.1:{port}"),
		"--poll-ms",
		"300",
	])
	.arg("--data-dir")
	.arg(data);
	Proc::spawn(cmd, log).unwrap()
}

async fn health(http: &reqwest::Client, base: &str) -> Option<(u32, u32)> {
	let v: Value = http.get(format!("{base}/health")).send().await.ok()?.json().await.ok()?;
	Some((v["indexed_block"].as_u64()? as u32, v["finalized_block"].as_u64()? as u32))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexer_survives_kills_without_gaps_or_duplicates() {
	let tmp = tempfile::tempdir().unwrap();
	let node = DevNode::start(tmp.path()).await.unwrap();
	let client = HavnClient::connect(&node.url, Duration::from_secs(60)).await.unwrap();
	let port = free_port().unwrap();
	let base = format!("http://127.0.0.1:{port}");
	let data = tmp.path().join("orchestrator");
	let log = tmp.path().join("orchestrator.log");
	let http = reqwest::Client::new();
	let mut orch = orchestrator(&node, &data, port, &log);

	// Activity while the indexer comes and goes: Alice publishes workflows one block after
	// another; fresh accounts claim from the faucet in between.
	let url = node.url.clone();
	let activity = tokio::spawn(async move {
		let alice = keys::signer_from_suri("//Alice").unwrap();
		let manifest = |i: u64| format!("{{\"restart-test\": {i}}}");
		let digests: Vec<_> =
			(0..WORKFLOWS).map(|i| manifest_digest(manifest(i).as_bytes())).collect();
		client.commit_manifests(&alice, &digests).await.unwrap();
		for i in 0..WORKFLOWS {
			let manifest = manifest(i);
			let call = api::tx().workflow_registry().publish(
				Static(havn_primitives::WorkflowKind::Prompt),
				manifest_digest(manifest.as_bytes()),
				cid::cid_of(manifest.as_bytes()).into_bytes(),
				Static(ComputeClass::S),
				HAI,
				None,
				vec![],
				None,
			);
			client.submit(&call, &alice).await.unwrap();
			if i % 3 == 0 && i / 3 < DRIPS {
				havn(&["--chain", &url, "--suri", &format!("//Load{i}"), "faucet"]).unwrap();
			}
		}
		client
	});

	// First kill: while following the chain.
	let (first_kill, _) = wait_for("the first indexed blocks", Duration::from_secs(90), || async {
		health(&http, &base).await.filter(|(i, _)| *i >= 3)
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", orch.tail(30)));
	orch.kill();
	tokio::time::sleep(Duration::from_secs(7)).await;

	// Second kill: right after the restart, while it catches up on what it missed.
	let mut orch2 = orchestrator(&node, &data, port, &log);
	// The restarted indexer answers with the progress it saved, then indexes what it missed.
	let (resumed_at, _) = wait_for("the restarted indexer", Duration::from_secs(60), || async {
		health(&http, &base).await
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", orch2.tail(30)));
	assert!(resumed_at >= first_kill, "resumed at {resumed_at}, had indexed {first_kill}");
	wait_for("progress after the restart", Duration::from_secs(60), || async {
		health(&http, &base).await.filter(|(i, _)| *i > resumed_at)
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", orch2.tail(30)));
	orch2.kill();
	tokio::time::sleep(Duration::from_secs(4)).await;
	let _orch3 = orchestrator(&node, &data, port, &log);

	let client = activity.await.unwrap();
	// Everything the activity submitted is in a best block; wait for it to be finalized.
	let best = client.best_number().await.unwrap();
	let head = wait_for("finality of the last activity", Duration::from_secs(60), || async {
		client.finalized_number().await.ok().filter(|f| *f >= best)
	})
	.await
	.unwrap();
	let head = u32::try_from(head).unwrap();
	wait_for("the indexer to reach the finalized head", Duration::from_secs(90), || async {
		health(&http, &base).await.filter(|(i, _)| *i >= head)
	})
	.await
	.unwrap();

	// Every workflow, once.
	let list = get_json(&http, &format!("{base}/v1/workflows?limit=500")).await.unwrap();
	let mut ids: Vec<u64> = list["items"]
		.as_array()
		.or(list.as_array())
		.unwrap_or_else(|| panic!("workflow list: {list}"))
		.iter()
		.map(|w| w["id"].as_u64().unwrap())
		.collect();
	ids.sort();
	assert_eq!(ids, (0..WORKFLOWS).collect::<Vec<_>>(), "no workflow lost or duplicated");
	let dash = get_json(&http, &format!("{base}/v1/dashboard")).await.unwrap();
	assert_eq!(dash["workflows"], WORKFLOWS, "{dash}");
	assert_eq!(
		dash["faucet_dripped"].as_str().unwrap(),
		(u128::from(DRIPS) * 100 * HAI).to_string(),
		"every drip counted once: {dash}"
	);

	// Blocks 1..=indexed, each once, and every Havn event of the chain, once.
	let db = format!("sqlite://{}?mode=ro", data.join("havn.db").display());
	let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
	let (count, min, max): (i64, i64, i64) =
		sqlx::query_as("SELECT COUNT(*), MIN(number), MAX(number) FROM blocks")
			.fetch_one(&pool)
			.await
			.unwrap();
	assert_eq!(min, 1);
	assert!(max >= i64::from(head));
	assert_eq!(count, max - min + 1, "indexed blocks are contiguous");
	let (published,): (i64,) =
		sqlx::query_as("SELECT COUNT(*) FROM events WHERE name = 'WorkflowPublished'")
			.fetch_one(&pool)
			.await
			.unwrap();
	assert_eq!(published, WORKFLOWS as i64);
	let (dripped,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events WHERE name = 'Dripped'")
		.fetch_one(&pool)
		.await
		.unwrap();
	assert_eq!(dripped, DRIPS as i64);
	drop(node);
}
