//! The attestation pool: signatures, idempotence, committee checks and inclusion.

use crate::fixtures::*;
use axum::{
	body::Body,
	http::{header, Method, Request, StatusCode},
};
use havn_orchestrator::model::{HavnEvent, JobEvent};
use havn_primitives::{Attestation, Digest, Verdict};
use serde_json::json;
use sqlx::Row;
use subxt_signer::sr25519::{dev, Keypair};

pub(crate) const GENESIS: [u8; 32] = [0x42; 32];

pub(crate) fn body(
	signer: &Keypair,
	claimed: &Keypair,
	genesis: [u8; 32],
	job_id: u64,
	verdict: Verdict,
	digest: Option<[u8; 32]>,
) -> serde_json::Value {
	let attestation = Attestation { job_id, verdict, reexecution_digest: digest.map(Digest::from) };
	let signature = signer.sign(&attestation.signing_payload(Digest::from(genesis)));
	json!({
		"validator": ss58(claimed),
		"job_id": job_id,
		"verdict": if verdict == Verdict::Valid { "valid" } else { "invalid" },
		"reexecution_digest": digest.map(|d| format!("0x{}", hex::encode(d))),
		"signature": format!("0x{}", hex::encode(signature.0)),
	})
}

fn post(body: &serde_json::Value) -> Request<Body> {
	Request::builder()
		.method(Method::POST)
		.uri("/v1/attestations")
		.header(header::CONTENT_TYPE, "application/json")
		.body(Body::from(body.to_string()))
		.unwrap()
}

pub(crate) async fn post_json(
	router: &axum::Router,
	body: &serde_json::Value,
) -> (StatusCode, serde_json::Value) {
	let (status, _, bytes) = send(router, post(body)).await;
	(status, serde_json::from_slice(&bytes).unwrap())
}

/// Hardening finding 13: a correctly signed attestation of a job id the index cannot hold
/// (≥ 2^63) gets a 400, not a 500, and nothing is pooled.
#[tokio::test]
async fn a_job_id_beyond_the_index_is_a_bad_request() {
	let (dir, db) = sqlite().await;
	let (state, router) = app(dir.path(), db, Default::default()).await;
	state.status.set_genesis(GENESIS);
	let bob = dev::bob();
	for job_id in [1u64 << 63, u64::MAX] {
		let attestation = body(&bob, &bob, GENESIS, job_id, Verdict::Valid, Some([9; 32]));
		assert_error(
			post_json(&router, &attestation).await,
			StatusCode::BAD_REQUEST,
			"invalid_field",
		);
	}
	let pooled: i64 = sqlx::query("SELECT COUNT(*) AS n FROM pool_attestations")
		.fetch_one(state.db.pool())
		.await
		.unwrap()
		.try_get("n")
		.unwrap();
	assert_eq!(pooled, 0);
}

/// Hardening finding 13: error bodies quote the offending input, but never more than
/// `MAX_ERROR_MESSAGE` bytes of it.
#[tokio::test]
async fn error_bodies_do_not_echo_large_inputs() {
	let (dir, db) = sqlite().await;
	let (state, router) = app(dir.path(), db, Default::default()).await;
	state.status.set_genesis(GENESIS);
	let bob = dev::bob();
	let mut attestation = body(&bob, &bob, GENESIS, 3, Verdict::Valid, None);
	attestation["validator"] = json!("5".repeat(5_000));
	let (status, answer) = post_json(&router, &attestation).await;
	assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
	let message = answer["error"]["message"].as_str().unwrap();
	assert!(
		message.len() <= havn_orchestrator::error::MAX_ERROR_MESSAGE + '…'.len_utf8(),
		"{} bytes echoed",
		message.len()
	);
	attestation["validator"] = json!(ss58(&bob));
	attestation["verdict"] = json!("x".repeat(5_000));
	let (status, answer) = post_json(&router, &attestation).await;
	assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
	assert!(answer["error"]["message"].as_str().unwrap().len() <= 260, "{answer}");
}

/// An orchestrator whose index holds blocks 1 to 4 of the fixture history: job 0 is attesting,
/// with committee [charlie, dave].
async fn attesting_job_0() -> (tempfile::TempDir, havn_orchestrator::db::Db, axum::Router) {
	let (dir, db) = sqlite().await;
	for b in history(&cast()).into_iter().take(4) {
		db.apply_block(&b).await.unwrap();
	}
	let (state, router) = app(dir.path(), db.clone(), Default::default()).await;
	state.status.set_genesis(GENESIS);
	state.chain.set(Some(std::sync::Arc::new(FixedChain)));
	(dir, db, router)
}

async fn pool_rows(db: &havn_orchestrator::db::Db) -> i64 {
	sqlx::query("SELECT COUNT(*) AS n FROM pool_attestations")
		.fetch_one(db.pool())
		.await
		.unwrap()
		.get::<i64, _>("n")
}

#[tokio::test]
async fn signed_attestations_are_pooled_forgeries_refused() {
	let (dir, db) = sqlite().await;
	for b in history(&cast()).into_iter().take(4) {
		db.apply_block(&b).await.unwrap();
	}
	let (state, router) = app(dir.path(), db, Default::default()).await;
	let charlie = dev::charlie();
	let good = body(&charlie, &charlie, GENESIS, 0, Verdict::Valid, Some([9; 32]));

	// Before the chain is reached the genesis hash is unknown.
	assert_error(
		post_json(&router, &good).await,
		StatusCode::SERVICE_UNAVAILABLE,
		"chain_unavailable",
	);
	state.status.set_genesis(GENESIS);

	let (status, stored) = post_json(&router, &good).await;
	assert_eq!(status, StatusCode::CREATED, "{stored}");
	assert_eq!(stored["validator"], ss58(&charlie));
	assert_eq!(stored["included_block"], serde_json::Value::Null);
	// The same attestation again: 200, still one.
	let (status, _) = post_json(&router, &good).await;
	assert_eq!(status, StatusCode::OK);
	// A different verdict by the same validator: conflict.
	let flipped = body(&charlie, &charlie, GENESIS, 0, Verdict::Invalid, None);
	assert_error(post_json(&router, &flipped).await, StatusCode::CONFLICT, "attestation_conflict");

	// Forgeries: another chain, another signer, a tampered field.
	let dave = dev::dave();
	let wrong_chain = body(&dave, &dave, [0x43; 32], 0, Verdict::Valid, None);
	let impostor = body(&dev::alice(), &dave, GENESIS, 0, Verdict::Valid, None);
	let mut tampered = body(&dave, &dave, GENESIS, 0, Verdict::Valid, Some([1; 32]));
	tampered["reexecution_digest"] = json!(format!("0x{}", hex::encode([2u8; 32])));
	for forged in [&wrong_chain, &impostor, &tampered] {
		assert_error(
			post_json(&router, forged).await,
			StatusCode::BAD_REQUEST,
			"invalid_signature",
		);
	}
	let mut short_sig = good.clone();
	short_sig["signature"] = json!("0xdead");
	assert_error(post_json(&router, &short_sig).await, StatusCode::BAD_REQUEST, "invalid_field");

	let (status, pending) = get_json(&router, "/v1/attestations/pending").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(pending["items"].as_array().unwrap().len(), 1, "only charlie's is stored");
	assert_eq!(pending["items"][0]["validator"], ss58(&charlie));
	assert_eq!(pending["items"][0]["reexecution_digest"], format!("0x{}", hex::encode([9u8; 32])));
	let (_, other) = get_json(&router, "/v1/attestations/pending?job_id=4").await;
	assert_eq!(other["items"], json!([]));
}

/// The hardening issue's finding 8: 200 self-signed attestations from non-validators, for job
/// ids that were not indexed, were all stored, with no TTL and no cap, and served unpaged to
/// every lead each block. Now the pool takes only attestations of indexed jobs that take
/// verdicts, from their committee, at most 1,024 pending per validator, for an hour, and pages.
#[tokio::test]
async fn the_pool_refuses_junk_expires_and_pages() {
	let (_dir, db, router) = attesting_job_0().await;
	// A non-validator's correctly signed attestations of jobs that do not exist.
	let eve = dev::eve();
	for job_id in 100..300 {
		assert_error(
			post_json(&router, &body(&eve, &eve, GENESIS, job_id, Verdict::Valid, None)).await,
			StatusCode::NOT_FOUND,
			"job_not_found",
		);
	}
	// Job 1 exists but has no receipt yet: nothing to attest.
	assert_error(
		post_json(&router, &body(&eve, &eve, GENESIS, 1, Verdict::Valid, None)).await,
		StatusCode::CONFLICT,
		"job_not_attestable",
	);
	assert_eq!(pool_rows(&db).await, 0, "nothing was pooled");

	// A job the index has not caught up with is checked against the chain's best block: job 42
	// is attesting there, with Charlie alone on its committee.
	let charlie = dev::charlie();
	assert_error(
		post_json(&router, &body(&eve, &eve, GENESIS, 42, Verdict::Valid, None)).await,
		StatusCode::CONFLICT,
		"not_in_committee",
	);
	let (status, _) =
		post_json(&router, &body(&charlie, &charlie, GENESIS, 42, Verdict::Valid, None)).await;
	assert_eq!(status, StatusCode::CREATED);
	let (_, early) = get_json(&router, "/v1/attestations/pending?job_id=42").await;
	assert_eq!(early["items"].as_array().unwrap().len(), 1, "served until the index has the job");
	sqlx::query("DELETE FROM pool_attestations").execute(db.pool()).await.unwrap();

	// The committee's two attestations, a page at a time.
	for v in [dev::charlie(), dev::dave()] {
		let (status, _) =
			post_json(&router, &body(&v, &v, GENESIS, 0, Verdict::Valid, Some([7; 32]))).await;
		assert_eq!(status, StatusCode::CREATED);
	}
	let (_, first) = get_json(&router, "/v1/attestations/pending?limit=1").await;
	assert_eq!(first["items"].as_array().unwrap().len(), 1);
	let next = first["next"].as_str().unwrap().to_string();
	let (_, second) =
		get_json(&router, &format!("/v1/attestations/pending?limit=1&after={next}")).await;
	assert_eq!(second["items"].as_array().unwrap().len(), 1);
	assert_ne!(first["items"][0]["validator"], second["items"][0]["validator"]);
	let after = second["next"].as_str().unwrap().to_string();
	let (_, last) =
		get_json(&router, &format!("/v1/attestations/pending?limit=1&after={after}")).await;
	assert_eq!(last["items"], json!([]));
	assert_eq!(last["next"], serde_json::Value::Null);
	for bad in ["limit=0", "limit=1025", "after=nonsense", "after=1.2"] {
		let (status, _) = get_json(&router, &format!("/v1/attestations/pending?{bad}")).await;
		assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
	}

	// An attestation older than the pool's TTL is no longer served, and the next post drops it.
	let stale = havn_orchestrator::views::PooledAttestation {
		job_id: 0,
		validator: ss58(&dev::ferdie()),
		verdict: "valid".into(),
		reexecution_digest: None,
		signature: format!("0x{}", hex::encode([0u8; 64])),
		received_at_ms: 1,
		included_block: None,
	};
	db.insert_pool_attestation(&stale).await.unwrap();
	let (_, pending) = get_json(&router, "/v1/attestations/pending").await;
	assert_eq!(pending["items"].as_array().unwrap().len(), 2, "the stale one is not served");
	assert_eq!(pool_rows(&db).await, 3);
	let charlie = dev::charlie();
	let (status, _) =
		post_json(&router, &body(&charlie, &charlie, GENESIS, 0, Verdict::Valid, Some([7; 32])))
			.await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(pool_rows(&db).await, 2, "the stale one was dropped");
}

/// A validator with `MAX_PENDING_PER_VALIDATOR` attestations pending gets a 429.
#[tokio::test]
async fn a_validator_has_a_pending_quota() {
	let (_dir, db, router) = attesting_job_0().await;
	let dave = dev::dave();
	let now =
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
			as u64;
	for job_id in 1_000..1_000 + u64::from(havn_orchestrator::pool::MAX_PENDING_PER_VALIDATOR) {
		let row = havn_orchestrator::views::PooledAttestation {
			job_id,
			validator: ss58(&dave),
			verdict: "valid".into(),
			reexecution_digest: None,
			signature: format!("0x{}", hex::encode([0u8; 64])),
			received_at_ms: now,
			included_block: None,
		};
		db.insert_pool_attestation(&row).await.unwrap();
	}
	assert_error(
		post_json(&router, &body(&dave, &dave, GENESIS, 0, Verdict::Valid, Some([7; 32]))).await,
		StatusCode::TOO_MANY_REQUESTS,
		"pool_quota_exceeded",
	);
	let charlie = dev::charlie();
	let (status, _) =
		post_json(&router, &body(&charlie, &charlie, GENESIS, 0, Verdict::Valid, Some([7; 32])))
			.await;
	assert_eq!(status, StatusCode::CREATED, "another validator is not affected");
}

#[tokio::test]
async fn committee_phase_and_inclusion() {
	let (dir, db) = sqlite().await;
	let c = cast();
	// Blocks 1 to 4: job 0 is attesting with committee [charlie, dave].
	for b in history(&c).into_iter().take(4) {
		db.apply_block(&b).await.unwrap();
	}
	let (state, router) = app(dir.path(), db.clone(), Default::default()).await;
	state.status.set_genesis(GENESIS);

	let eve = dev::eve();
	assert_error(
		post_json(&router, &body(&eve, &eve, GENESIS, 0, Verdict::Valid, Some([7; 32]))).await,
		StatusCode::CONFLICT,
		"not_in_committee",
	);
	let charlie = dev::charlie();
	let dave = dev::dave();
	for v in [&charlie, &dave] {
		let (status, _) =
			post_json(&router, &body(v, v, GENESIS, 0, Verdict::Valid, Some([7; 32]))).await;
		assert_eq!(status, StatusCode::CREATED);
	}
	let (_, pending) = get_json(&router, "/v1/attestations/pending?job_id=0").await;
	assert_eq!(pending["items"].as_array().unwrap().len(), 2);

	// Charlie's verdict lands on-chain without the digest in the event: the pool's is kept.
	let mut b5 = block(
		5,
		vec![HavnEvent::ExecutionLog(JobEvent::AttestationSubmitted {
			job_id: 0,
			validator: c.charlie.clone(),
			verdict: Verdict::Valid,
			reexecution_digest: None,
			batched_by: Some(c.charlie.clone()),
		})],
	);
	b5.validators = None;
	db.apply_block(&b5).await.unwrap();
	let (_, pending) = get_json(&router, "/v1/attestations/pending?job_id=0").await;
	assert_eq!(pending["items"].as_array().unwrap().len(), 1);
	assert_eq!(pending["items"][0]["validator"], ss58(&dave));
	let (_, job) = get_json(&router, "/v1/jobs/0").await;
	assert_eq!(
		job["attestations"][0]["reexecution_digest"],
		format!("0x{}", hex::encode([7u8; 32]))
	);

	// Once the job is decided its leftover attestations are no longer pending, and new ones are
	// refused.
	db.apply_block(&block(6, vec![HavnEvent::ExecutionLog(JobEvent::JobRejected { job_id: 0 })]))
		.await
		.unwrap();
	let (_, pending) = get_json(&router, "/v1/attestations/pending").await;
	assert_eq!(pending["items"], json!([]));
	let ferdie = dev::ferdie();
	assert_error(
		post_json(&router, &body(&ferdie, &ferdie, GENESIS, 0, Verdict::Valid, None)).await,
		StatusCode::CONFLICT,
		"job_closed",
	);
}
