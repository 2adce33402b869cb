//! REST over a real SQLite database filled through the indexer's write path.

use crate::fixtures::*;
use axum::{
	body::Body,
	http::{header, Method, Request, StatusCode},
};
use serde_json::json;

#[tokio::test]
async fn workflows_list_and_detail() {
	let (_dir, c, _state, router) = indexed_app().await;

	let (status, page) = get_json(&router, "/v1/workflows").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(page["total"], 2);
	assert_eq!(page["limit"], 50);
	assert_eq!(page["items"][0]["id"], 0);
	assert_eq!(page["items"][0]["royalty"]["creator"], 450_000);
	assert_eq!(page["items"][1]["owner"], c.dave);
	assert_eq!(page["items"][1]["version"], 2);
	assert_eq!(page["items"][1]["manifest_uri"], "ipfs://manifest-v2");

	let (_, page) = get_json(&router, "/v1/workflows?limit=1&offset=1").await;
	assert_eq!(page["items"].as_array().unwrap().len(), 1);
	assert_eq!(page["items"][0]["id"], 1);
	assert_eq!(page["total"], 2);
	let (_, page) = get_json(&router, "/v1/workflows?offset=5").await;
	assert_eq!(page["items"], json!([]));

	let (status, wf) = get_json(&router, "/v1/workflows/1").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(wf["creator"], c.dave);
	let versions: Vec<_> =
		wf["versions"].as_array().unwrap().iter().map(|v| v["version"].clone()).collect();
	assert_eq!(versions, vec![json!(1), json!(2)]);
	assert_eq!(wf["versions"][0]["manifest_uri"], "ipfs://dave-v1");
	assert_eq!(wf["lineage"]["ancestors"], json!([0]));
	assert_eq!(wf["lineage"]["dependencies"], json!([{"workflow_id": 0, "weight_ppm": 1_000_000}]));
	assert_eq!(wf["recent_runs"][0]["id"], 0);
	assert_eq!(wf["recent_runs"][0]["nodes"], json!([c.bob]));
	let earnings = &wf["earnings"]["indexed"];
	assert_eq!(earnings["runs"], 1);
	assert_eq!(earnings["total_fees"], FEE.to_string());
	assert_eq!(earnings["paid_by_role"]["creator"], (FEE * 45 / 100).to_string());
	assert_eq!(earnings["paid_by_role"]["validator"], (2 * (FEE / 40)).to_string());
	assert_eq!(wf["earnings"]["chain"]["runs"], 1);
	assert_eq!(wf["earnings"]["chain"]["total_fees"], FEE.to_string());

	let (_, model) = get_json(&router, "/v1/workflows/0").await;
	assert_eq!(
		model["lineage"]["dependants"],
		json!([{"workflow_id": 1, "weight_ppm": 1_000_000}])
	);
	assert_eq!(model["lineage"]["derivatives"], json!([1]));
	assert_eq!(model["lineage"]["ancestors"], json!([]));
	// Alice earned the upstream royalty of workflow 1's run.
	assert_eq!(model["earnings"]["indexed"]["owner_upstream_income"], (FEE / 5).to_string());
	assert_eq!(model["recent_runs"][0]["phase"], "expired");
	assert_eq!(model["earnings"]["chain"], serde_json::Value::Null);

	assert_error(
		get_json(&router, "/v1/workflows/7").await,
		StatusCode::NOT_FOUND,
		"workflow_not_found",
	);
	assert_error(
		get_json(&router, "/v1/workflows/18446744073709551615").await,
		StatusCode::NOT_FOUND,
		"workflow_not_found",
	);
	assert_error(
		get_json(&router, "/v1/workflows/-1").await,
		StatusCode::BAD_REQUEST,
		"invalid_path",
	);
	assert_error(
		get_json(&router, "/v1/workflows/x").await,
		StatusCode::BAD_REQUEST,
		"invalid_path",
	);
}

#[tokio::test]
async fn jobs_filters_and_detail() {
	let (_dir, c, _state, router) = indexed_app().await;

	let (_, page) = get_json(&router, "/v1/jobs").await;
	assert_eq!(page["total"], 2);
	assert_eq!(page["items"][0]["id"], 1, "newest first");
	let ids = |page: &serde_json::Value| -> Vec<u64> {
		page["items"].as_array().unwrap().iter().map(|j| j["id"].as_u64().unwrap()).collect()
	};
	assert_eq!(ids(&get_json(&router, "/v1/jobs?phase=finalized").await.1), vec![0]);
	assert_eq!(ids(&get_json(&router, "/v1/jobs?phase=expired").await.1), vec![1]);
	assert_eq!(ids(&get_json(&router, "/v1/jobs?phase=attesting").await.1), Vec::<u64>::new());
	assert_eq!(ids(&get_json(&router, "/v1/jobs?workflow=0").await.1), vec![1]);
	assert_eq!(ids(&get_json(&router, &format!("/v1/jobs?payer={}", c.ferdie)).await.1), vec![0]);
	assert_eq!(ids(&get_json(&router, &format!("/v1/jobs?node={}", c.bob)).await.1), vec![0]);
	assert_eq!(
		ids(&get_json(&router, &format!("/v1/jobs?node={}", c.eve)).await.1),
		Vec::<u64>::new()
	);
	// Hex accounts are accepted.
	let bob_hex = format!("0x{}", hex::encode(subxt_signer::sr25519::dev::bob().public_key().0));
	assert_eq!(
		ids(&get_json(&router, &format!("/v1/jobs?node={bob_hex}&phase=finalized")).await.1),
		vec![0]
	);
	let (_, page) = get_json(&router, "/v1/jobs?limit=1&offset=1").await;
	assert_eq!((ids(&page), page["total"].as_u64()), (vec![0], Some(2)));

	let (status, job) = get_json(&router, "/v1/jobs/0").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(job["fee"], FEE.to_string());
	assert_eq!(job["phase"], "finalized");
	assert_eq!(job["redundancy"], 1);
	assert_eq!(job["sampled"], true);
	assert_eq!(job["verdicts"], json!({"valid": 2, "invalid": 0}));
	assert_eq!(job["assigned_by"], c.eve);
	assert_eq!(job["committee"], json!([c.charlie, c.dave]));
	let timeline: Vec<_> = job["timeline"]
		.as_array()
		.unwrap()
		.iter()
		.map(|t| (t["phase"].as_str().unwrap().to_string(), t["block"].as_u64().unwrap()))
		.collect();
	assert_eq!(
		timeline,
		vec![
			("submitted".to_string(), 2),
			("assigned".to_string(), 3),
			("attesting".to_string(), 4),
			("finalized".to_string(), 5)
		]
	);
	assert_eq!(job["timeline"][0]["timestamp_ms"], 1_700_000_006_000u64);
	assert_eq!(job["receipts"][0]["latency_ms"], 1_234);
	assert_eq!(job["receipts"][0]["energy_mj"], 56_789);
	assert_eq!(job["attestations"][1]["batched_by"], c.charlie);
	assert_eq!(job["attestations"][0]["stage"], "attestation");
	let paid: u128 = job["payouts"]
		.as_array()
		.unwrap()
		.iter()
		.map(|p| p["amount"].as_str().unwrap().parse::<u128>().unwrap())
		.sum();
	assert_eq!(paid, FEE, "payouts sum to the fee, to the planck");
	assert_eq!(job["payouts"].as_array().unwrap().len(), 6);
	// Every event about the job, in order, with its fields.
	let names: Vec<_> =
		job["events"].as_array().unwrap().iter().map(|e| e["name"].clone()).collect();
	assert_eq!(names.first(), Some(&json!("JobSubmitted")));
	assert_eq!(names.last(), Some(&json!("JobFinalized")));
	assert_eq!(job["events"][0]["data"]["details"]["input_uri"], "ipfs://input-0");

	assert_error(get_json(&router, "/v1/jobs/2").await, StatusCode::NOT_FOUND, "job_not_found");
}

#[tokio::test]
async fn bad_queries_are_400_never_500() {
	let (_dir, _c, _state, router) = indexed_app().await;
	for uri in [
		"/v1/jobs?limit=0",
		"/v1/jobs?limit=501",
		"/v1/jobs?limit=abc",
		"/v1/jobs?limit=-1",
		"/v1/jobs?offset=18446744073709551615",
		"/v1/jobs?phase=bogus",
		"/v1/jobs?workflow=abc",
		"/v1/jobs?workflow=18446744073709551615",
		"/v1/jobs?unknown=1",
		"/v1/workflows?limit=100000000000",
		"/v1/nodes?offset=x",
		"/v1/validators?sort=asc",
		"/v1/attestations/pending?job_id=abc",
	] {
		assert_error(get_json(&router, uri).await, StatusCode::BAD_REQUEST, "invalid_query");
	}
	assert_error(
		get_json(&router, "/v1/jobs?payer=nobody").await,
		StatusCode::BAD_REQUEST,
		"invalid_account",
	);
	assert_error(
		get_json(&router, "/v1/jobs?node=0x1234").await,
		StatusCode::BAD_REQUEST,
		"invalid_account",
	);
	assert_error(get_json(&router, "/v1/jobs/abc").await, StatusCode::BAD_REQUEST, "invalid_path");
	assert_error(get_json(&router, "/v1/nope").await, StatusCode::NOT_FOUND, "not_found");

	let (status, _, body) =
		send(&router, Request::delete("/v1/jobs").body(Body::empty()).unwrap()).await;
	let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_error((status, body), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn nodes_validators_dashboard_health_metrics_openapi() {
	let (_dir, c, _state, router) = indexed_app().await;

	let (_, nodes) = get_json(&router, "/v1/nodes").await;
	assert_eq!(nodes["total"], 1);
	let bob = &nodes["items"][0];
	assert_eq!(bob["account"], c.bob);
	assert_eq!(bob["compute_class"], "M");
	assert_eq!(bob["bonded"], (5_000 * havn_primitives::HAI).to_string());
	assert_eq!(bob["earned"], (FEE / 4).to_string());
	assert_eq!(bob["capabilities"]["gpu_model"], "NVIDIA L4");
	assert_eq!(bob["gpu_metrics"]["power_milliwatts"], 70_000);
	assert_eq!(bob["last_heartbeat"], 2);
	assert_eq!(bob["heartbeat_age_blocks"], 4);
	assert_eq!(bob["quarantined"], false);
	assert_eq!(bob["reputation_ppm"], 666_666);
	assert_eq!((bob["jobs_assigned"].clone(), bob["jobs_finalized"].clone()), (json!(1), json!(1)));

	let (_, validators) = get_json(&router, "/v1/validators").await;
	assert_eq!(validators["total"], 2);
	let charlie = validators["items"]
		.as_array()
		.unwrap()
		.iter()
		.find(|v| v["account"] == c.charlie.as_str())
		.unwrap()
		.clone();
	assert_eq!(charlie["active"], true);
	assert_eq!(charlie["attestations"], 1);
	assert_eq!(charlie["reputation_ppm"], 500_000);
	assert_eq!(charlie["earned"], (FEE / 40).to_string());

	let (_, dash) = get_json(&router, "/v1/dashboard").await;
	assert_eq!(dash["workflows"], 2);
	assert_eq!(dash["jobs"], 2);
	assert_eq!(dash["jobs_by_phase"]["finalized"], 1);
	assert_eq!(dash["jobs_by_phase"]["expired"], 1);
	assert_eq!(dash["jobs_by_phase"]["submitted"], 0);
	assert_eq!(dash["jobs_settled"], 1);
	assert_eq!(dash["fees_settled"], FEE.to_string());
	assert_eq!(dash["paid_by_role"]["node"], (FEE / 4).to_string());
	assert_eq!(dash["faucet_dripped"], (100 * havn_primitives::HAI).to_string());
	assert_eq!((dash["nodes"].clone(), dash["active_nodes"].clone()), (json!(1), json!(1)));
	assert_eq!(dash["active_validators"], 2);
	assert_eq!(dash["relays"], 1);
	assert_eq!(
		(
			dash["indexed_block"].clone(),
			dash["finalized_block"].clone(),
			dash["lag_blocks"].clone()
		),
		(json!(6), json!(8), json!(2))
	);

	let (status, health) = get_json(&router, "/health").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(
		health,
		json!({"status": "ok", "problem": null, "indexed_block": 6, "finalized_block": 8})
	);

	let (status, headers, body) =
		send(&router, Request::get("/metrics").body(Body::empty()).unwrap()).await;
	assert_eq!(status, StatusCode::OK);
	assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
	let text = String::from_utf8(body).unwrap();
	assert!(text.contains("havn_orchestrator_indexed_block 6"), "{text}");
	assert!(text.contains("havn_orchestrator_indexer_lag_blocks 2"), "{text}");
	assert!(
		text.contains(
			"havn_orchestrator_http_requests_total{method=\"GET\",route=\"/v1/nodes\",status=\"200\"} 1"
		),
		"{text}"
	);
	assert!(
		text.contains("havn_orchestrator_http_request_duration_seconds_bucket{route=\"/health\"")
	);

	let (status, doc) = get_json(&router, "/openapi.json").await;
	assert_eq!(status, StatusCode::OK);
	for path in [
		"/v1/workflows",
		"/v1/workflows/{id}",
		"/v1/jobs",
		"/v1/jobs/{id}",
		"/v1/nodes",
		"/v1/validators",
		"/v1/dashboard",
		"/v1/artifacts",
		"/v1/artifacts/{cid}",
		"/v1/attestations",
		"/v1/attestations/pending",
		"/health",
		"/metrics",
	] {
		assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
	}
	assert!(doc["components"]["schemas"]["JobDetail"].is_object());
}

/// The hardening issue's finding 14: `/openapi.json` described artifact bodies as an array of
/// integers (`Vec<u8>`), so a client generated from it sent JSON arrays and stored the wrong
/// bytes under the wrong CID. Both directions are now `string`/`binary` under
/// `application/octet-stream`, and the raw bytes round-trip under their own CID.
#[tokio::test]
async fn the_openapi_document_describes_artifact_bodies_as_bytes() {
	let (_dir, _c, state, router) = indexed_app().await;
	let (_, doc) = get_json(&router, "/openapi.json").await;
	let resolve = |schema: &serde_json::Value| match schema["$ref"].as_str() {
		Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
		None => schema.clone(),
	};
	let upload = &doc["paths"]["/v1/artifacts"]["post"]["requestBody"]["content"];
	let download = &doc["paths"]["/v1/artifacts/{cid}"]["get"]["responses"]["200"]["content"];
	for (what, content) in [("upload", upload), ("download", download)] {
		let schema = resolve(&content["application/octet-stream"]["schema"]);
		assert_eq!(schema["type"], "string", "{what}: {schema}");
		assert_eq!(schema["format"], "binary", "{what}: {schema}");
	}
	// What the document says is what the wire carries: raw bytes in, the same bytes out.
	let bytes = b"\x00\x01havn raw bytes\xff".to_vec();
	state.status.set_genesis(UPLOAD_GENESIS);
	let request = upload_as(
		&subxt_signer::sr25519::dev::alice(),
		bytes.clone(),
		Some("application/octet-stream"),
	);
	let (status, _, body) = send(&router, request).await;
	assert_eq!(status, StatusCode::CREATED);
	let stored: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(stored["cid"], havn_primitives::cid::cid_of(&bytes));
	let request = Request::builder()
		.uri(format!("/v1/artifacts/{}", stored["cid"].as_str().unwrap()))
		.body(Body::empty())
		.unwrap();
	let (status, _, body) = send(&router, request).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(body, bytes);
}

/// The hardening issue's finding 14: behind a node that prunes history, an indexer started late
/// (or back from an outage) retried forever on `State already discarded`, and `/health` said
/// `degraded` as if the chain were unreachable. The indexer now recognises the node's error, and
/// `/health` says `pruned`, with the fix.
#[tokio::test]
async fn health_reports_a_node_that_pruned_the_state_to_index() {
	use havn_orchestrator::indexer::{is_pruned_state, IndexerError};
	// The node's error, as subxt reports a read of a pruned block.
	let discarded = IndexerError::Chain(
		"Rpc error: RPC error: User error: State already discarded for \
		 0xb9cf5fb6f7eefdcb4451dfb220075dfa0de89029003f239e7b83d0003a2d1121"
			.into(),
	);
	assert!(is_pruned_state(&discarded));
	assert!(!is_pruned_state(&IndexerError::Chain("connection reset".into())));

	let (_dir, _c, state, router) = indexed_app().await;
	state.status.set_pruned_at(Some(7));
	let (status, health) = get_json(&router, "/health").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(health["status"], "pruned");
	let problem = health["problem"].as_str().unwrap();
	assert!(
		problem.contains("block 7") && problem.contains("--state-pruning archive"),
		"{problem}"
	);
	state.status.set_pruned_at(None);
	let (_, health) = get_json(&router, "/health").await;
	assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn health_without_chain_is_degraded() {
	let (dir, db) = sqlite().await;
	let (_state, router) = app(dir.path(), db, Default::default()).await;
	let (status, health) = get_json(&router, "/health").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(
		health,
		json!({
			"status": "degraded",
			"problem": "the chain node is not connected; retrying",
			"indexed_block": null,
			"finalized_block": null
		})
	);
	let (_, dash) = get_json(&router, "/v1/dashboard").await;
	assert_eq!(dash["jobs"], 0);
	assert_eq!(dash["fees_settled"], "0");
}

#[tokio::test]
async fn bad_json_bodies() {
	let (_dir, _c, state, router) = indexed_app().await;
	state.status.set_genesis([1; 32]);
	let post = |body: &str, content_type: Option<&str>| {
		let mut request = Request::builder().method(Method::POST).uri("/v1/attestations");
		if let Some(ct) = content_type {
			request = request.header(header::CONTENT_TYPE, ct);
		}
		request.body(Body::from(body.to_string())).unwrap()
	};
	let json_of = |(status, _, body): (StatusCode, _, Vec<u8>)| {
		(status, serde_json::from_slice::<serde_json::Value>(&body).unwrap())
	};
	assert_error(
		json_of(send(&router, post("{not json", Some("application/json"))).await),
		StatusCode::BAD_REQUEST,
		"invalid_json",
	);
	assert_error(
		json_of(
			send(&router, post(r#"{"validator": 1, "job_id": "x"}"#, Some("application/json")))
				.await,
		),
		StatusCode::BAD_REQUEST,
		"invalid_json",
	);
	let unknown_verdict = format!(
		r#"{{"validator": "{}", "job_id": 0, "verdict": "maybe", "reexecution_digest": null, "signature": "0x00"}}"#,
		ss58(&subxt_signer::sr25519::dev::bob())
	);
	assert_error(
		json_of(send(&router, post(&unknown_verdict, Some("application/json"))).await),
		StatusCode::BAD_REQUEST,
		"invalid_json",
	);
	assert_error(
		json_of(send(&router, post("{}", None)).await),
		StatusCode::UNSUPPORTED_MEDIA_TYPE,
		"unsupported_media_type",
	);
	let huge = format!(r#"{{"validator": "{}"}}"#, "x".repeat(200 * 1024));
	assert_error(
		json_of(send(&router, post(&huge, Some("application/json"))).await),
		StatusCode::PAYLOAD_TOO_LARGE,
		"body_too_large",
	);
}
