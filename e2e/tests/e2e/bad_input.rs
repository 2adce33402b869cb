//! Bad input at every door gets a clear, typed error and writes nothing: malformed manifests
//! through `havn publish`, oversized and malformed artifacts, bad REST bodies and queries, and
//! a forged receipt on-chain.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{api, keys, HavnClient};
use havn_e2e::{bin, free_port, get_json, wait_for, DevNode, Proc};
use havn_primitives::cid;
use serde_json::{json, Value};
use std::{process::Command, time::Duration};

/// Send `POST path` with `Content-Length: len` and no body; return the status and the body.
fn post_headers_only(port: u16, path: &str, len: usize) -> (u16, String) {
	use std::io::{Read, Write};
	let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
	conn.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
	write!(
		conn,
		"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n\
		 Content-Length: {len}\r\nConnection: close\r\n\r\n"
	)
	.unwrap();
	let mut answer = Vec::new();
	let _ = conn.read_to_end(&mut answer);
	let text = String::from_utf8_lossy(&answer).into_owned();
	let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
	let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
	(status, body)
}

fn assert_error_body(body: &Value, code: &str) {
	assert_eq!(body["error"]["code"], code, "{body}");
	let message = body["error"]["message"].as_str().unwrap_or_default();
	assert!(!message.is_empty(), "{body}");
	for leak in ["sqlx", "panicked", "/root", "src/", "Backtrace"] {
		assert!(!message.contains(leak), "internal detail `{leak}` leaked: {body}");
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_nothing_written() {
	let tmp = tempfile::tempdir().unwrap();
	let node = DevNode::start(tmp.path()).await.unwrap();
	let client = HavnClient::connect(&node.url, Duration::from_secs(60)).await.unwrap();
	let port = free_port().unwrap();
	let base = format!("http://127.0.0.1:{port}");
	let mut cmd = Command::new(bin("havn-orchestrator").unwrap());
	cmd.args(["--rpc-url", &node.url, "--listen", &format!("127.0.0.1:{port}")])
		.arg("--data-dir")
		.arg(tmp.path().join("orchestrator"));
	let orch = Proc::spawn(cmd, &tmp.path().join("orchestrator.log")).unwrap();
	let http = reqwest::Client::new();
	wait_for("the orchestrator", Duration::from_secs(60), || async {
		http.get(format!("{base}/health")).send().await.ok().filter(|r| r.status().is_success())
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", orch.tail(30)));
	let next_workflow = || async {
		let at = client.at_best().await.unwrap();
		at.storage()
			.fetch(api::storage().workflow_registry().next_workflow_id(), ())
			.await
			.unwrap()
			.decode()
			.unwrap()
	};
	let before = next_workflow().await;

	// 1. Malformed manifests: exit 2, the field named, nothing uploaded, nothing on-chain.
	let good = std::fs::read_to_string(concat!(
		env!("CARGO_MANIFEST_DIR"),
		"/../workflows/text-embedding.json"
	))
	.unwrap();
	let cases = [
		(good.replace("\"creator\": 45", "\"creator\": 55"), "royalty"),
		(good.replace("\"base_fee\": \"1000000000000\"", "\"base_fee\": \"-1\""), "base_fee"),
		(good.replace("\"executor\": \"embed\"", "\"executor\": \"shell\""), "shell"),
		(good.replace("havn.workflow/v1", "havn.workflow/v0"), "schema"),
		("{\"schema\": ".to_string(), "line 1"),
		(format!("{{\"pad\": \"{}\"}}", "x".repeat(70_000)), "limit"),
	];
	for (i, (text, expect)) in cases.iter().enumerate() {
		let path = tmp.path().join(format!("bad-{i}.json"));
		std::fs::write(&path, text).unwrap();
		let out = Command::new(bin("havn").unwrap())
			.args(["--chain", &node.url, "--orchestrator", &base, "--suri", "//Alice", "publish"])
			.arg(&path)
			.output()
			.unwrap();
		let stderr = String::from_utf8_lossy(&out.stderr);
		assert_eq!(out.status.code(), Some(2), "case {i}: {stderr}");
		assert!(stderr.contains(expect), "case {i}: `{expect}` not in: {stderr}");
		let stored = http
			.get(format!("{base}/v1/artifacts/{}", cid::cid_of(text.as_bytes())))
			.send()
			.await
			.unwrap();
		assert_eq!(stored.status(), 404, "case {i}: the bad manifest was not uploaded");
	}
	assert_eq!(next_workflow().await, before, "no workflow was registered");

	// 2. Artifacts: oversized → 413; unsigned → 401; empty → 400; malformed CID → 400;
	// unknown CID → 404.
	// The store refuses an oversized upload from its Content-Length, before reading the body.
	// (A client that streams the body into an early 413 races the server closing the
	// connection, so the request is written by hand: headers only, then the answer is read.)
	let big = vec![7u8; 16 * 1024 * 1024 + 1];
	let big_cid = cid::cid_of(&big);
	let (status, body) = post_headers_only(port, "/v1/artifacts", big.len());
	assert_eq!(status, 413, "{body}");
	assert_error_body(&serde_json::from_str(&body).unwrap(), "artifact_too_large");
	let r = http.get(format!("{base}/v1/artifacts/{big_cid}")).send().await.unwrap();
	assert_eq!(r.status(), 404, "the oversized artifact was not stored");
	// Unsigned (hardening finding 9: the store takes bytes only from accounts the chain knows).
	let r = http.post(format!("{base}/v1/artifacts")).body(b"anonymous".to_vec()).send().await;
	let r = r.unwrap();
	assert_eq!(r.status(), 401);
	assert_error_body(&r.json().await.unwrap(), "upload_unauthenticated");
	let r = http.get(format!("{base}/v1/artifacts/{}", cid::cid_of(b"anonymous"))).send().await;
	assert_eq!(r.unwrap().status(), 404, "the unsigned upload was not stored");
	// Signed by //Alice (a funded account), but empty.
	let alice = keys::signer_from_suri("//Alice").unwrap();
	let mut empty = http.post(format!("{base}/v1/artifacts")).body(Vec::new());
	for (name, value) in
		havn_client::artifacts::upload_headers(&alice, client.genesis_hash(), &cid::cid_of(b""))
	{
		empty = empty.header(name, value);
	}
	let r = empty.send().await.unwrap();
	assert_eq!(r.status(), 400);
	assert_error_body(&r.json().await.unwrap(), "empty_artifact");
	let r = http.get(format!("{base}/v1/artifacts/not-a-cid")).send().await.unwrap();
	assert_eq!(r.status(), 400);
	assert_error_body(&r.json().await.unwrap(), "invalid_cid");
	let r =
		http.get(format!("{base}/v1/artifacts/{}", cid::cid_of(b"never"))).send().await.unwrap();
	assert_eq!(r.status(), 404);
	assert_error_body(&r.json().await.unwrap(), "artifact_not_found");

	// 3. Bad REST bodies and queries: 4xx with a JSON error, nothing stored.
	let post = |body: String| {
		http.post(format!("{base}/v1/attestations"))
			.header("content-type", "application/json")
			.body(body)
			.send()
	};
	let bob = keys::signer_from_suri("//Bob").unwrap();
	let valid_shape = json!({
		"validator": keys::ss58(&keys::account_of(&bob)),
		"job_id": 0,
		"verdict": "valid",
		"reexecution_digest": null,
		"signature": format!("0x{}", "11".repeat(64)),
	});
	for body in [
		"{not json".to_string(),
		json!({"job_id": "zero"}).to_string(),
		json!({"validator": "alice", "job_id": 0, "verdict": "valid", "signature": "0x00"})
			.to_string(),
		valid_shape.to_string(),
	] {
		let r = post(body.clone()).await.unwrap();
		assert!(r.status().is_client_error(), "{body}: {}", r.status());
		let v: Value = r.json().await.unwrap();
		assert!(v["error"]["code"].is_string(), "{body}: {v}");
	}
	let r = post(valid_shape.to_string()).await.unwrap();
	assert_error_body(&r.json().await.unwrap(), "invalid_signature");
	let pending = get_json(&http, &format!("{base}/v1/attestations/pending")).await.unwrap();
	assert_eq!(pending["items"], json!([]), "nothing was pooled");
	for (path, status) in [
		("/v1/jobs/abc", 400),
		("/v1/jobs/99999999", 404),
		("/v1/workflows?limit=100000", 400),
		("/v1/jobs?phase=flying", 400),
		("/v1/nope", 404),
	] {
		let r = http.get(format!("{base}{path}")).send().await.unwrap();
		assert_eq!(r.status(), status, "{path}");
		let v: Value = r.json().await.unwrap_or(Value::Null);
		assert!(v["error"]["code"].is_string(), "{path}: {v}");
	}

	// 4. A forged receipt on-chain: typed error, no state change (the job does not exist, and
	// even for a real job the signature check refuses; see the pallet tests).
	let receipt = havn_primitives::Receipt {
		workflow_id: 0,
		job_id: 4242,
		runtime_hash: Default::default(),
		outputs_cid: cid::to_bounded(&cid::cid_of(b"x")).unwrap(),
		latency_ms: 1,
		energy_estimate: 1,
	};
	let call =
		api::tx().execution_log().submit_receipt(4242, havn_client::Static(receipt), [0u8; 64]);
	let Err(err) = client.submit(&call, &keys::signer_from_suri("//Ferdie").unwrap()).await else {
		panic!("a receipt for a job that does not exist was accepted");
	};
	assert_eq!(err.dispatch_error(), Some("ExecutionLog::UnknownJob"), "{err}");
	assert!(
		matches!(
			err.module_error(),
			Some(havn_client::errors::RuntimeError::ExecutionLog(
				havn_client::errors::ExecutionLogError::UnknownJob
			))
		),
		"{err}"
	);
	drop(orch);
	drop(node);
}
