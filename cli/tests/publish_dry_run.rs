//! The built `havn` binary on manifests in a temporary directory: `publish --dry-run` needs no
//! chain and no orchestrator, so these run anywhere. Bad manifests exit with code 2 and name the
//! offending field; good ones report the digest and CID the chain and the store would get.
// The helpers below are test code too: a failed set-up should panic.
#![allow(clippy::expect_used)]

use std::{path::Path, process::Output};

const GOOD: &str = r#"{
	"schema": "havn.workflow/v1",
	"name": "text-embedding",
	"version": "1.0.0",
	"compute_class": "S",
	"base_fee": "1500000000000",
	"royalty": { "creator": 45, "upstream": 20, "node": 25, "validators": 5, "treasury": 5 },
	"steps": [ { "id": "embed", "executor": "embed", "model": "all-MiniLM-L6-v2" } ]
}"#;

/// Run `havn` with `args`, pointing the chain and the orchestrator at a closed port so that any
/// attempt to reach them would fail loudly.
fn havn(dir: &Path, args: &[&str]) -> Output {
	std::process::Command::new(env!("CARGO_BIN_EXE_havn"))
		.args(args)
		.current_dir(dir)
		.env("HAVN_CHAIN", "ws://127.0.0.1:9")
		.env("HAVN_ORCHESTRATOR", "http://127.0.0.1:9")
		.env_remove("HAVN_SURI")
		.output()
		.expect("the havn binary runs")
}

fn write(dir: &Path, name: &str, text: &str) {
	std::fs::write(dir.join(name), text).expect("write manifest");
}

fn stdout_json(out: &Output) -> serde_json::Value {
	serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
		panic!("stdout is not one JSON object ({e}): {}", String::from_utf8_lossy(&out.stdout))
	})
}

#[test]
fn bad_royalty_exits_2_naming_the_field() {
	let dir = tempfile::tempdir().unwrap();
	write(dir.path(), "bad.json", &GOOD.replace("\"creator\": 45", "\"creator\": 46"));

	let out = havn(dir.path(), &["publish", "bad.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(2));
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("bad.json"), "{stderr}");
	assert!(stderr.contains("`royalty`"), "{stderr}");
	assert!(stderr.contains("sum to exactly 100"), "{stderr}");
	assert!(out.stdout.is_empty(), "text mode prints errors on stderr only");

	let out = havn(dir.path(), &["publish", "bad.json", "--dry-run", "--json"]);
	assert_eq!(out.status.code(), Some(2));
	let json = stdout_json(&out);
	assert_eq!(json["exit_code"], 2);
	assert_eq!(json["field"], "royalty");
	assert!(json["error"].as_str().unwrap().contains("bad.json"), "{json}");
}

#[test]
fn each_bad_field_is_named() {
	let dir = tempfile::tempdir().unwrap();
	let cases = [
		("\"base_fee\": \"1500000000000\"", "\"base_fee\": \"1.5\"", "base_fee"),
		("\"name\": \"text-embedding\"", "\"name\": \"\"", "name"),
		("\"id\": \"embed\"", "\"id\": \"input\"", "steps.id"),
		(", \"model\": \"all-MiniLM-L6-v2\"", "", "steps.model"),
		("\"treasury\": 5 }", "\"treasury\": 5.00001 }", "royalty.treasury"),
	];
	for (from, to, field) in cases {
		write(dir.path(), "m.json", &GOOD.replace(from, to));
		let out = havn(dir.path(), &["--json", "publish", "m.json", "--dry-run"]);
		assert_eq!(out.status.code(), Some(2), "{field}");
		assert_eq!(stdout_json(&out)["field"], field);
	}
}

#[test]
fn malformed_json_and_schema_exit_2() {
	let dir = tempfile::tempdir().unwrap();
	write(dir.path(), "broken.json", "{ \"schema\": ");
	let out = havn(dir.path(), &["publish", "broken.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(2));
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("not valid JSON"), "{stderr}");
	assert!(stderr.contains("line 1"), "serde's position is kept: {stderr}");

	write(dir.path(), "v9.json", &GOOD.replace("havn.workflow/v1", "havn.workflow/v9"));
	let out = havn(dir.path(), &["--json", "publish", "v9.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(2));
	assert_eq!(stdout_json(&out)["field"], "schema");

	write(dir.path(), "extra.json", &GOOD.replace("\"steps\"", "\"stepz\""));
	let out = havn(dir.path(), &["publish", "extra.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(2));
	assert!(String::from_utf8_lossy(&out.stderr).contains("stepz"));
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
	let dir = tempfile::tempdir().unwrap();
	let out = havn(dir.path(), &["publish", "nope.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(1));
	assert!(String::from_utf8_lossy(&out.stderr).contains("reading nope.json"));
}

#[test]
fn good_manifest_dry_run_reports_digest_and_cid_offline() {
	let dir = tempfile::tempdir().unwrap();
	write(dir.path(), "workflow.json", GOOD);
	let out = havn(dir.path(), &["publish", "./workflow.json", "--dry-run", "--json"]);
	assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
	let json = stdout_json(&out);
	let expected_hash = havn_primitives::manifest::manifest_digest(GOOD.as_bytes());
	assert_eq!(json["manifest_hash"], format!("0x{}", hex::encode(expected_hash.as_bytes())));
	assert_eq!(json["manifest_cid"], havn_primitives::cid::cid_of(GOOD.as_bytes()));
	assert_eq!(json["dry_run"], true);
	assert_eq!(json["base_fee"], serde_json::json!({ "hai": "1.5", "planck": "1500000000000" }));
	assert_eq!(json["compute_class"], "S");
	assert_eq!(json["royalty"]["creator_ppm"], 450_000);

	let out = havn(dir.path(), &["publish", "workflow.json", "--dry-run"]);
	assert_eq!(out.status.code(), Some(0));
	let text = String::from_utf8_lossy(&out.stdout);
	assert!(text.contains("valid manifest"), "{text}");
	assert!(text.contains("base fee       1.5 HAI"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
	let dir = tempfile::tempdir().unwrap();
	let out = havn(dir.path(), &["bond", "--role", "node", "--amount", "5000"]);
	assert_eq!(out.status.code(), Some(2), "a node needs --class");
	let out = havn(dir.path(), &["submit", "1", "--input", "x", "--max-fee", "1.0000000000001"]);
	assert_eq!(out.status.code(), Some(2));
	assert!(String::from_utf8_lossy(&out.stderr).contains("more than 12 decimals"));
}
