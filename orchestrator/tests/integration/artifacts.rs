//! The artifact store over HTTP.

use crate::fixtures::*;
use axum::{
	body::Body,
	http::{header, Method, Request, StatusCode},
};
use havn_orchestrator::api::ApiLimits;

fn upload(bytes: Vec<u8>, content_type: Option<&str>) -> Request<Body> {
	let mut request = Request::builder().method(Method::POST).uri("/v1/artifacts");
	if let Some(ct) = content_type {
		request = request.header(header::CONTENT_TYPE, ct);
	}
	request.body(Body::from(bytes)).unwrap()
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
	let mut names: Vec<_> = std::fs::read_dir(dir)
		.unwrap()
		.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
		.collect();
	names.sort();
	names
}

#[tokio::test]
async fn upload_download_round_trip() {
	let (dir, db) = sqlite().await;
	let (_state, router) = app(dir.path(), db, ApiLimits::default()).await;
	let bytes = b"{\"output\": \"hello\"}".to_vec();
	let cid = havn_primitives::cid::cid_of(&bytes);

	let (status, _, body) = send(&router, upload(bytes.clone(), Some("application/json"))).await;
	assert_eq!(status, StatusCode::CREATED);
	let stored: serde_json::Value = serde_json::from_slice(&body).unwrap();
	assert_eq!(stored, serde_json::json!({"cid": cid, "size": bytes.len()}));
	assert_eq!(files_in(&dir.path().join("artifacts")), vec![cid.clone()]);

	let (status, headers, body) =
		send(&router, Request::get(format!("/v1/artifacts/{cid}")).body(Body::empty()).unwrap())
			.await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(body, bytes);
	assert_eq!(headers[header::ETAG], format!("\"{cid}\"").as_str());
	// Served as bytes whatever was declared (hardening finding 9); the declared type is reported.
	assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
	assert_eq!(headers["x-havn-media-type"], "application/json");
	assert!(havn_primitives::cid::verify(&cid, &body).is_ok());

	let (status, headers, body) =
		send(&router, Request::head(format!("/v1/artifacts/{cid}")).body(Body::empty()).unwrap())
			.await;
	assert_eq!(status, StatusCode::OK);
	assert!(body.is_empty());
	assert_eq!(headers[header::CONTENT_LENGTH], bytes.len().to_string().as_str());

	let (status, _, body) = send(
		&router,
		Request::get(format!("/v1/artifacts/{cid}"))
			.header(header::IF_NONE_MATCH, format!("\"{cid}\""))
			.body(Body::empty())
			.unwrap(),
	)
	.await;
	assert_eq!(status, StatusCode::NOT_MODIFIED);
	assert!(body.is_empty());

	// Uploading again is idempotent.
	let (status, _, body) = send(&router, upload(bytes.clone(), None)).await;
	assert_eq!(status, StatusCode::CREATED);
	assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["cid"], cid.as_str());
	assert_eq!(files_in(&dir.path().join("artifacts")), vec![cid]);
}

#[tokio::test]
async fn errors_write_nothing() {
	let (dir, db) = sqlite().await;
	let limits = ApiLimits { max_artifact_bytes: 1_024, ..Default::default() };
	let (_state, router) = app(dir.path(), db, limits).await;
	let json = |(status, _, body): (StatusCode, _, Vec<u8>)| {
		(status, serde_json::from_slice::<serde_json::Value>(&body).unwrap())
	};

	assert_error(
		json(send(&router, upload(vec![7; 1_025], None)).await),
		StatusCode::PAYLOAD_TOO_LARGE,
		"artifact_too_large",
	);
	// Without a Content-Length (streamed): counted while reading.
	let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..5).map(|_| Ok(vec![1u8; 300])).collect();
	let streamed = Request::builder()
		.method(Method::POST)
		.uri("/v1/artifacts")
		.body(Body::from_stream(futures::stream::iter(chunks)))
		.unwrap();
	assert_error(
		json(send(&router, streamed).await),
		StatusCode::PAYLOAD_TOO_LARGE,
		"artifact_too_large",
	);
	assert_error(
		json(send(&router, upload(Vec::new(), None)).await),
		StatusCode::BAD_REQUEST,
		"empty_artifact",
	);
	assert!(files_in(&dir.path().join("artifacts")).is_empty(), "nothing written");

	// Exactly the limit is fine.
	let (status, _, _) = send(&router, upload(vec![7; 1_024], None)).await;
	assert_eq!(status, StatusCode::CREATED);

	for bad in ["hello", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "bafy"] {
		assert_error(
			get_json(&router, &format!("/v1/artifacts/{bad}")).await,
			StatusCode::BAD_REQUEST,
			"invalid_cid",
		);
	}
	let missing = havn_primitives::cid::cid_of(b"never uploaded");
	assert_error(
		get_json(&router, &format!("/v1/artifacts/{missing}")).await,
		StatusCode::NOT_FOUND,
		"artifact_not_found",
	);
}

#[tokio::test]
async fn concurrent_duplicate_uploads_are_idempotent() {
	let (dir, db) = sqlite().await;
	let (_state, router) = app(dir.path(), db, ApiLimits::default()).await;
	let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
	let cid = havn_primitives::cid::cid_of(&bytes);
	let uploads = (0..8).map(|_| {
		let router = router.clone();
		let bytes = bytes.clone();
		tokio::spawn(async move { send(&router, upload(bytes, None)).await })
	});
	for result in futures::future::join_all(uploads).await {
		let (status, _, body) = result.unwrap();
		assert_eq!(status, StatusCode::CREATED);
		assert_eq!(
			serde_json::from_slice::<serde_json::Value>(&body).unwrap()["cid"],
			cid.as_str()
		);
	}
	assert_eq!(
		files_in(&dir.path().join("artifacts")),
		vec![cid.clone()],
		"one file, no temp files"
	);
	let (status, _, body) =
		send(&router, Request::get(format!("/v1/artifacts/{cid}")).body(Body::empty()).unwrap())
			.await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(body, bytes);
}

#[tokio::test]
async fn the_client_crate_round_trips_over_tcp() {
	let (dir, db) = sqlite().await;
	let (_state, router) = app(dir.path(), db, ApiLimits::default()).await;
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let base = format!("http://{}", listener.local_addr().unwrap());
	let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
	let server = tokio::spawn(async move {
		axum::serve(listener, router)
			.with_graceful_shutdown(async {
				let _ = stopped.await;
			})
			.await
	});

	// `havn_client::artifacts` is what havn-exec and the CLI use.
	let client = havn_client::artifacts::ArtifactClient::new(&base);
	let bytes = b"outputs of job 7".to_vec();
	let cid = client.upload(bytes.clone(), "text/plain").await.unwrap();
	assert_eq!(client.download(&format!("ipfs://{cid}")).await.unwrap(), bytes);

	let http = reqwest::Client::new();
	let head = http.head(format!("{base}/v1/artifacts/{cid}")).send().await.unwrap();
	assert_eq!(head.status(), reqwest::StatusCode::OK);
	assert_eq!(head.headers()["content-length"], bytes.len().to_string().as_str());
	assert_eq!(head.headers()["content-type"], "application/octet-stream");
	assert_eq!(head.headers()["x-havn-media-type"], "text/plain");
	let missing = http
		.get(format!("{base}/v1/artifacts/{}", havn_primitives::cid::cid_of(b"nope")))
		.send()
		.await
		.unwrap();
	assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
	let body: serde_json::Value = missing.json().await.unwrap();
	assert_eq!(body["error"]["code"], "artifact_not_found");

	stop.send(()).unwrap();
	server.await.unwrap().unwrap();
}

/// Hardening finding 9: an upload declared `text/html` is never served as a page of the
/// orchestrator's origin (stored XSS on the origin of the web console).
#[tokio::test]
async fn an_html_upload_is_served_as_inert_bytes() {
	let (dir, db) = sqlite().await;
	let (_state, router) = app(dir.path(), db, ApiLimits::default()).await;
	let page =
		b"<html><script>fetch('/v1/attestations', {method: 'POST'})</script></html>".to_vec();
	let (status, _, body) = send(&router, upload(page.clone(), Some("text/html"))).await;
	assert_eq!(status, StatusCode::CREATED);
	let cid = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["cid"]
		.as_str()
		.unwrap()
		.to_string();
	let (status, headers, body) =
		send(&router, Request::get(format!("/v1/artifacts/{cid}")).body(Body::empty()).unwrap())
			.await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(body, page);
	assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
	assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
	assert_eq!(
		headers[header::CONTENT_DISPOSITION],
		format!("attachment; filename=\"{cid}\"").as_str()
	);
	assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "default-src 'none'; sandbox");
	assert_eq!(headers["x-havn-media-type"], "text/html");
}
