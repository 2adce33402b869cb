//! The artifact store over HTTP.

use crate::fixtures::*;
use axum::{
	body::Body,
	http::{header, HeaderMap, Request, StatusCode},
};
use havn_orchestrator::api::ApiLimits;
use subxt_signer::sr25519::dev;

/// An upload of `bytes` signed by Alice, a participant of the fixture chain.
fn upload(bytes: Vec<u8>, content_type: Option<&str>) -> Request<Body> {
	upload_as(&dev::alice(), bytes, content_type)
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
	let (_state, router) = store_app(dir.path(), db, ApiLimits::default()).await;
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
	let (_state, router) = store_app(dir.path(), db, limits).await;
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
	let cid = havn_primitives::cid::cid_of(&[1u8; 1_500]);
	let streamed = signed_upload(&dev::alice(), &cid, None)
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
	let (_state, router) = store_app(dir.path(), db, ApiLimits::default()).await;
	let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
	let cid = havn_primitives::cid::cid_of(&bytes);
	// Two at once from each of the two uploaders (the most one account may have in flight).
	let uploads = (0..4).map(|i| {
		let router = router.clone();
		let bytes = bytes.clone();
		let signer = if i % 2 == 0 { dev::alice() } else { dev::bob() };
		tokio::spawn(async move { send(&router, upload_as(&signer, bytes, None)).await })
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
	let (_state, router) = store_app(dir.path(), db, ApiLimits::default()).await;
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
	let client = havn_client::artifacts::ArtifactClient::new(&base)
		.with_uploader(dev::alice(), UPLOAD_GENESIS.into());
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
	let (_state, router) = store_app(dir.path(), db, ApiLimits::default()).await;
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

/// Hardening finding 9: the store takes bytes only from accounts the chain knows, signed for
/// the CID they send, within a quota per account and a cap on uploads read at once; every
/// refusal comes before the body is read and stores nothing.
#[tokio::test]
async fn uploads_are_signed_by_participants_within_their_quota() {
	let (dir, db) = sqlite().await;
	let limits =
		ApiLimits { upload_quota_bytes: 2_048, max_concurrent_uploads: 3, ..Default::default() };
	let (_state, router) = store_app(dir.path(), db, limits).await;
	let stored = || files_in(&dir.path().join("artifacts"));
	let bytes = vec![5u8; 1_500];
	let cid = havn_primitives::cid::cid_of(&bytes);

	// Anonymous: refused, as before any signature existed it was taken.
	let anonymous = Request::post("/v1/artifacts")
		.header(header::CONTENT_LENGTH, bytes.len())
		.body(Body::from(bytes.clone()))
		.unwrap();
	assert_error(
		json(send(&router, anonymous).await),
		StatusCode::UNAUTHORIZED,
		"upload_unauthenticated",
	);
	// Alice's name, Mallory's signature.
	let mallory = subxt_signer::sr25519::Keypair::from_uri(&"//Mallory".parse().unwrap()).unwrap();
	let mut forged = upload_as(&mallory, bytes.clone(), None);
	let alice = havn_client::keys::ss58(&dev::alice().public_key().to_account_id());
	forged.headers_mut().insert("x-havn-uploader", alice.parse().unwrap());
	assert_error(
		json(send(&router, forged).await),
		StatusCode::UNAUTHORIZED,
		"upload_signature_invalid",
	);
	// A fresh account the chain does not know as a participant (no bond, no funds).
	assert_error(
		json(send(&router, upload_as(&dev::dave(), bytes.clone(), None)).await),
		StatusCode::FORBIDDEN,
		"uploader_not_eligible",
	);
	// Signed for one CID, sending other bytes.
	let swapped =
		signed_upload(&dev::alice(), &cid, None).body(Body::from(vec![6u8; 1_500])).unwrap();
	assert_error(json(send(&router, swapped).await), StatusCode::BAD_REQUEST, "invalid_field");
	assert!(stored().is_empty(), "nothing stored: {:?}", stored());

	// The quota: 1,500 new bytes fit in 2,048, 1,000 more do not; the same bytes again cost
	// nothing; another account has its own quota.
	let (status, _, _) = send(&router, upload(bytes.clone(), None)).await;
	assert_eq!(status, StatusCode::CREATED);
	assert_error(
		json(send(&router, upload(vec![7u8; 1_000], None)).await),
		StatusCode::TOO_MANY_REQUESTS,
		"upload_quota_exceeded",
	);
	let (status, _, _) = send(&router, upload(bytes.clone(), None)).await;
	assert_eq!(status, StatusCode::CREATED, "bytes already stored cost no quota");
	let (status, _, _) = send(&router, upload_as(&dev::bob(), vec![7u8; 1_000], None)).await;
	assert_eq!(status, StatusCode::CREATED);
	assert_eq!(stored().len(), 2);

	// Uploads in flight: bodies that never finish hold their places.
	let mut held = Vec::new();
	let mut hold = |signer: havn_client::Signer, tag: u8| {
		let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
		let request = signed_upload(&signer, &havn_primitives::cid::cid_of(&[tag]), None)
			.body(Body::from_stream(tokio_stream_of(rx)))
			.unwrap();
		let router = router.clone();
		held.push((tx, tokio::spawn(async move { send(&router, request).await })));
	};
	hold(dev::alice(), 1);
	hold(dev::alice(), 2);
	tokio::time::sleep(std::time::Duration::from_millis(200)).await;
	let third = upload(vec![8u8; 10], None);
	assert_error(
		json(send(&router, third).await),
		StatusCode::TOO_MANY_REQUESTS,
		"too_many_uploads",
	);
	hold(dev::bob(), 3);
	tokio::time::sleep(std::time::Duration::from_millis(200)).await;
	assert_error(
		json(send(&router, upload_as(&dev::bob(), vec![9u8; 10], None)).await),
		StatusCode::SERVICE_UNAVAILABLE,
		"uploads_busy",
	);
	// The held uploads end (their senders drop): the places free.
	for (tx, task) in held {
		drop(tx);
		let _ = task.await.unwrap();
	}
	let (status, _, _) = send(&router, upload_as(&dev::bob(), vec![9u8; 10], None)).await;
	assert_eq!(status, StatusCode::CREATED);
}

/// The status and JSON body of an answer.
fn json((status, _, body): (StatusCode, HeaderMap, Vec<u8>)) -> (StatusCode, serde_json::Value) {
	(status, serde_json::from_slice(&body).unwrap())
}

/// A body stream fed by `rx`, ending when its sender drops.
fn tokio_stream_of(
	mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
	futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
