//! The hardening issue's finding 14: the OpenAPI document matches the wire. Every JSON answer of
//! every route, success and error alike, validates against the schema `/openapi.json` documents
//! for its status and content type, and the request a client sends to `POST /v1/attestations`
//! validates against the documented request body. A client generated from the document reads
//! and writes what the server does.

use crate::{
	fixtures::*,
	pool::{body, post_json, GENESIS},
};
use axum::{
	body::Body,
	http::{Request, StatusCode},
};
use havn_primitives::Verdict;
use serde_json::{json, Value};
use subxt_signer::sr25519::dev;

/// The documented schema at `schema`, as a JSON Schema (2020-12) that resolves the document's
/// `#/components/schemas/...` references.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
	let mut root = schema.clone();
	root["components"] = doc["components"].clone();
	jsonschema::draft202012::new(&root).unwrap_or_else(|e| panic!("bad schema {schema}: {e}"))
}

/// `instance` validates against `schema`, or the test fails naming every violation.
fn assert_valid(doc: &Value, schema: &Value, instance: &Value, what: &str) {
	let validator = validator(doc, schema);
	let errors: Vec<String> =
		validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect();
	assert!(errors.is_empty(), "{what}: {errors:?}\n{instance}");
}

/// The documented JSON schema of `method path` answering `status`.
fn response_schema(doc: &Value, method: &str, path: &str, status: StatusCode) -> Value {
	let op = &doc["paths"][path][method];
	assert!(op.is_object(), "{method} {path} is not documented");
	let response = &op["responses"][status.as_str()];
	assert!(response.is_object(), "{method} {path}: status {status} is not documented");
	let schema = &response["content"]["application/json"]["schema"];
	assert!(schema.is_object(), "{method} {path} {status}: no application/json schema");
	schema.clone()
}

#[tokio::test]
async fn every_json_answer_matches_its_documented_schema() {
	let (_dir, c, state, router) = indexed_app().await;
	let (_, doc) = get_json(&router, "/openapi.json").await;
	let job_page = format!("/v1/jobs?payer={}&limit=1", c.alice);
	// (documented path, the request's URI): the fixtures' workflows, jobs and accounts, and
	// what the API refuses (unknown ids, malformed parameters).
	let gets: Vec<(&str, String)> = vec![
		("/v1/workflows", "/v1/workflows".into()),
		("/v1/workflows", "/v1/workflows?limit=1&offset=1".into()),
		("/v1/workflows", "/v1/workflows?limit=0".into()),
		("/v1/workflows/{id}", "/v1/workflows/0".into()),
		("/v1/workflows/{id}", "/v1/workflows/1".into()),
		("/v1/workflows/{id}", "/v1/workflows/999".into()),
		("/v1/workflows/{id}", "/v1/workflows/x".into()),
		("/v1/jobs", "/v1/jobs".into()),
		("/v1/jobs", job_page),
		("/v1/jobs", "/v1/jobs?phase=nonsense".into()),
		("/v1/jobs/{id}", "/v1/jobs/0".into()),
		("/v1/jobs/{id}", "/v1/jobs/1".into()),
		("/v1/jobs/{id}", "/v1/jobs/999".into()),
		("/v1/jobs/{id}", "/v1/jobs/-1".into()),
		("/v1/nodes", "/v1/nodes".into()),
		("/v1/validators", "/v1/validators".into()),
		("/v1/dashboard", "/v1/dashboard".into()),
		("/v1/attestations/pending", "/v1/attestations/pending".into()),
		("/v1/attestations/pending", "/v1/attestations/pending?limit=100000".into()),
		("/health", "/health".into()),
	];
	// The schemas constrain: a job without its fields is not a job.
	let job = response_schema(&doc, "get", "/v1/jobs/{id}", StatusCode::OK);
	assert!(validator(&doc, &job).iter_errors(&json!({"id": "0"})).next().is_some());
	let mut statuses = std::collections::BTreeSet::new();
	for (path, uri) in &gets {
		let (status, answer) = get_json(&router, uri).await;
		statuses.insert(status.as_u16());
		let schema = response_schema(&doc, "get", path, status);
		assert_valid(&doc, &schema, &answer, &format!("GET {uri} ({status})"));
	}
	// Successes and refusals were both checked.
	assert!(statuses.contains(&200) && statuses.contains(&404) && statuses.contains(&400));

	// POST /v1/attestations: the documented request body takes what a validator sends, and
	// each answer (created, bad field, chain unknown) is documented.
	let request_schema = doc["paths"]["/v1/attestations"]["post"]["requestBody"]["content"]
		["application/json"]["schema"]
		.clone();
	let charlie = dev::charlie();
	let good = body(&charlie, &charlie, GENESIS, 0, Verdict::Valid, Some([9; 32]));
	assert_valid(&doc, &request_schema, &good, "the attestation request");
	let (status, answer) = post_json(&router, &good).await;
	assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
	let schema = response_schema(&doc, "post", "/v1/attestations", status);
	assert_valid(&doc, &schema, &answer, "POST /v1/attestations (chain unknown)");
	state.status.set_genesis(GENESIS);
	let mut bad = good.clone();
	bad["signature"] = json!("0xdead");
	for request in [&good, &bad] {
		let (status, answer) = post_json(&router, request).await;
		let schema = response_schema(&doc, "post", "/v1/attestations", status);
		assert_valid(&doc, &schema, &answer, &format!("POST /v1/attestations ({status})"));
	}

	// POST /v1/artifacts answers JSON: the stored artifact, or a refusal (empty, unsigned,
	// by an account that may not upload).
	state.chain.set(Some(std::sync::Arc::new(FixedChain)));
	let unsigned = Request::post("/v1/artifacts").body(Body::from(b"raw".to_vec())).unwrap();
	for request in [
		upload_as(&dev::alice(), b"raw".to_vec(), Some("application/octet-stream")),
		upload_as(&dev::alice(), vec![], None),
		unsigned,
		upload_as(&dev::dave(), b"raw".to_vec(), None),
	] {
		let (status, _, answer) = send(&router, request).await;
		let answer: Value = serde_json::from_slice(&answer).unwrap();
		let schema = response_schema(&doc, "post", "/v1/artifacts", status);
		assert_valid(&doc, &schema, &answer, &format!("POST /v1/artifacts ({status})"));
	}
}
