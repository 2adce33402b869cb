//! The REST fuzz of the hardening issue: malformed paths, queries and bodies thrown at every
//! route of the API, generated as a table (every route × every malformed part). Every answer
//! must be below 500, every 4xx a JSON error with a code, and nothing may be written: the
//! attestation pool, the index and the artifact store keep exactly what they held.

use crate::fixtures::*;
use axum::{
	body::Body,
	http::{header, Method, Request, StatusCode},
};

/// Every route, with `{}` where its path parameter goes.
const GET_ROUTES: &[&str] = &[
	"/v1/workflows",
	"/v1/workflows/{}",
	"/v1/jobs",
	"/v1/jobs/{}",
	"/v1/nodes",
	"/v1/validators",
	"/v1/dashboard",
	"/v1/artifacts/{}",
	"/v1/attestations/pending",
	"/health",
	"/metrics",
	"/openapi.json",
];

/// `items` as owned strings.
fn owned(items: &[&str]) -> Vec<String> {
	items.iter().map(|i| i.to_string()).collect()
}

/// Malformed path parameters (already percent-encoded where a URI needs it).
fn bad_params() -> Vec<String> {
	let mut params = owned(&[
		"-1",
		"abc",
		"18446744073709551616",
		"99999999999999999999999999",
		"1.5",
		"0x10",
		"%00",
		"%ff%fe",
		"%F0%9F%92%A5",
		"..%2F..%2Fetc%2Fpasswd",
		"bafy",
		"bafkrei!!",
		"%20",
	]);
	params.push("9".repeat(4_096));
	params.push("a".repeat(4_096));
	params
}

/// Malformed query strings, each thrown at every GET route.
fn bad_queries() -> Vec<String> {
	let mut queries = owned(&[
		"limit=-1",
		"limit=abc",
		"limit=1&limit=2",
		"offset=1e9999",
		"offset=-0",
		"after=abc",
		"after=-5",
		"job_id=-5",
		"job_id=18446744073709551616",
		"phase=%00",
		"phase=submitted%00",
		"payer=%F0%9F%92%A5",
		"node=0x",
		"workflow=1.0",
		"sort=%ff",
		"x=%zz",
		"=&&==&",
	]);
	queries.push(format!("limit={}", "9".repeat(400)));
	queries.push(format!("payer={}", "5".repeat(4_096)));
	queries
}

/// Malformed bodies for the POST routes, with the content type each is sent with.
fn bad_bodies() -> Vec<(Vec<u8>, Option<&'static str>)> {
	let json = Some("application/json");
	let mut bodies: Vec<(Vec<u8>, Option<&'static str>)> =
		["", "{", "null", "[]", "{\"a\":", "\"text\"", "{\"job_id\": 1e400}", "{\"job_id\": -1}"]
			.iter()
			.map(|b| (b.as_bytes().to_vec(), json))
			.collect();
	bodies.push((vec![0xff, 0xfe, 0x00, 0x80], json));
	bodies.push(("[".repeat(10_000).into_bytes(), json));
	bodies.push((b"{}".to_vec(), Some("text/plain")));
	bodies.push((b"{}".to_vec(), None));
	bodies.push((b"{}".to_vec(), Some("application/json; charset=%ff")));
	bodies
}

/// What the API may have written: pooled attestations, indexed rows, stored artifacts.
async fn written(
	state: &havn_orchestrator::api::AppState,
	dir: &std::path::Path,
) -> (i64, i64, usize) {
	use sqlx::Row;
	let count = |sql: &'static str| async move {
		sqlx::query(sql).fetch_one(state.db.pool()).await.unwrap().get::<i64, _>("n")
	};
	let pooled = count("SELECT COUNT(*) AS n FROM pool_attestations").await;
	let events = count("SELECT COUNT(*) AS n FROM events").await;
	let files = walk(&dir.join("artifacts"));
	(pooled, events, files)
}

/// Files under `dir`, recursively.
fn walk(dir: &std::path::Path) -> usize {
	std::fs::read_dir(dir)
		.map(|entries| {
			entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
		})
		.unwrap_or(0)
}

/// Check one answer: below 500; a 4xx is a JSON error with a non-empty code.
async fn check(router: &axum::Router, request: Request<Body>, what: &str) {
	let (status, _, body) = send(router, request).await;
	assert!(!status.is_server_error(), "{what}: {status}: {}", String::from_utf8_lossy(&body));
	if status.is_client_error() {
		let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
			panic!("{what}: {status} not JSON ({e}): {}", String::from_utf8_lossy(&body))
		});
		assert!(
			json["error"]["code"].as_str().is_some_and(|c| !c.is_empty()),
			"{what}: {status} without an error code: {json}"
		);
	}
}

#[tokio::test]
async fn malformed_paths_queries_and_bodies_get_4xx_json_and_write_nothing() {
	let (dir, _c, state, router) = indexed_app().await;
	state.status.set_genesis([1; 32]);
	let before = written(&state, dir.path()).await;
	let mut sent = 0usize;

	for route in GET_ROUTES {
		let paths: Vec<String> = if route.contains("{}") {
			bad_params().iter().map(|p| route.replace("{}", p)).collect()
		} else {
			vec![route.to_string()]
		};
		for path in &paths {
			for query in std::iter::once(String::new()).chain(bad_queries()) {
				let uri = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };
				let request = Request::get(&uri).body(Body::empty()).unwrap();
				check(&router, request, &format!("GET {uri}")).await;
				sent += 1;
			}
		}
		// Methods the route does not take.
		for method in [Method::PUT, Method::DELETE, Method::PATCH] {
			let uri = route.replace("{}", "1");
			let request = Request::builder().method(method.clone()).uri(&uri).body(Body::empty());
			check(&router, request.unwrap(), &format!("{method} {uri}")).await;
			sent += 1;
		}
	}
	for (body, content_type) in bad_bodies() {
		for uri in ["/v1/attestations", "/v1/attestations?x=%zz"] {
			let mut request = Request::builder().method(Method::POST).uri(uri);
			if let Some(ct) = content_type {
				request = request.header(header::CONTENT_TYPE, ct);
			}
			let what =
				format!("POST {uri} {:?}", String::from_utf8_lossy(&body[..body.len().min(40)]));
			check(&router, request.body(Body::from(body.clone())).unwrap(), &what).await;
			sent += 1;
		}
	}
	// An unsigned empty upload (refused as unsigned before its body is read); a well-formed
	// upload is not malformed, so none is sent.
	let request = Request::post("/v1/artifacts").body(Body::empty()).unwrap();
	let (status, _, _) = send(&router, request).await;
	assert_eq!(status, StatusCode::UNAUTHORIZED);
	sent += 1;

	assert!(sent > 500, "only {sent} requests");
	assert_eq!(written(&state, dir.path()).await, before, "a malformed request wrote something");
}
