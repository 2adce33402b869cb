//! A small chain history, written through the indexer's own write path, and an API over it.

use axum::{
	body::Body,
	http::{HeaderMap, Request, StatusCode},
	Router,
};
use havn_orchestrator::{
	api::{self, AppState},
	db::Db,
	model::*,
	views::ChainEarnings,
};
use havn_primitives::{ComputeClass, Verdict, HAI};
use std::sync::Arc;
use subxt_signer::sr25519::dev;
use tower::ServiceExt;

/// Canonical SS58 of a dev key.
pub fn ss58(pair: &subxt_signer::sr25519::Keypair) -> String {
	pair.public_key().to_account_id().to_string()
}

/// The cast.
pub struct Cast {
	pub alice: String,
	pub bob: String,
	pub charlie: String,
	pub dave: String,
	pub eve: String,
	pub ferdie: String,
	pub treasury: String,
}

pub fn cast() -> Cast {
	Cast {
		alice: ss58(&dev::alice()),
		bob: ss58(&dev::bob()),
		charlie: ss58(&dev::charlie()),
		dave: ss58(&dev::dave()),
		eve: ss58(&dev::eve()),
		ferdie: ss58(&dev::ferdie()),
		treasury: "5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z".to_string(),
	}
}

/// Job 0's fee: large enough that a float would lose planck.
pub const FEE: u128 = 123_456_789 * HAI + 987_654_321_123;

/// A block with the given events (indexed from 0).
pub fn block(number: u32, events: Vec<HavnEvent>) -> BlockData {
	BlockData {
		number,
		hash: format!("0x{:064x}", number),
		parent_hash: format!("0x{:064x}", number.saturating_sub(1)),
		timestamp_ms: 1_700_000_000_000 + u64::from(number) * 3_000,
		events: events
			.into_iter()
			.enumerate()
			.map(|(i, event)| IndexedEvent { index: i as u32 * 2 + 1, event })
			.collect(),
		validators: None,
	}
}

pub fn record(
	owner: &str,
	version: u32,
	deps: Vec<(u64, u32)>,
	parent: Option<u64>,
) -> WorkflowRecord {
	WorkflowRecord {
		owner: owner.to_string(),
		kind: "workflow",
		manifest_hash: format!("0x{:064x}", 0xaa00 + u64::from(version)),
		manifest_uri: format!("ipfs://manifest-v{version}"),
		compute_class: ComputeClass::S,
		base_fee: Planck(10 * HAI),
		royalty: havn_primitives::RoyaltySplit::DEFAULT.into(),
		dependencies: deps,
		parent,
		depth: u32::from(parent.is_some()),
		version,
		deprecated: false,
		flag: None,
		deposit: Planck(HAI),
		created_at: 1,
	}
}

/// Blocks 1 to 6: two workflows, a node, two validators, a relay; job 0 runs to payment, job 1
/// expires.
pub fn history(c: &Cast) -> Vec<BlockData> {
	let node_share = FEE / 4;
	let validator_share = FEE / 40;
	let creator_share = FEE * 45 / 100;
	let upstream_share = FEE / 5;
	let treasury_share = FEE - node_share - 2 * validator_share - creator_share - upstream_share;
	let mut b1 = block(
		1,
		vec![
			HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowPublished {
				id: 0,
				owner: c.alice.clone(),
				manifest_hash: format!("0x{:064x}", 0xaa01),
				parent: None,
				record: record(&c.alice, 1, vec![], None),
				first_manifest_uri: "ipfs://manifest-v1".into(),
			}),
			HavnEvent::StakeGuard(StakeEvent::Bonded {
				who: c.bob.clone(),
				role: BondRole::ExecutionNode,
				compute_class: Some(ComputeClass::M),
				amount: Planck(5_000 * HAI),
				ledger: Some(Ledger { bonded: Planck(5_000 * HAI), unbonding: Planck(0) }),
			}),
			HavnEvent::StakeGuard(StakeEvent::NodeRegistered {
				who: c.bob.clone(),
				receipt_key: format!("0x{:064x}", 0xb0b),
				capabilities: Some(Capabilities {
					compute_class: ComputeClass::M,
					gpu_model: "NVIDIA L4".into(),
					vram_gib: 24,
					models: vec!["minilm".into()],
				}),
			}),
			HavnEvent::StakeGuard(StakeEvent::Bonded {
				who: c.charlie.clone(),
				role: BondRole::Validator,
				compute_class: None,
				amount: Planck(10_000 * HAI),
				ledger: Some(Ledger { bonded: Planck(10_000 * HAI), unbonding: Planck(0) }),
			}),
			HavnEvent::StakeGuard(StakeEvent::Bonded {
				who: c.dave.clone(),
				role: BondRole::Validator,
				compute_class: None,
				amount: Planck(10_000 * HAI),
				ledger: Some(Ledger { bonded: Planck(10_000 * HAI), unbonding: Planck(0) }),
			}),
			HavnEvent::StakeGuard(StakeEvent::Bonded {
				who: c.eve.clone(),
				role: BondRole::Relay,
				compute_class: None,
				amount: Planck(1_000 * HAI),
				ledger: Some(Ledger { bonded: Planck(1_000 * HAI), unbonding: Planck(0) }),
			}),
		],
	);
	b1.validators = Some(vec![c.charlie.clone(), c.dave.clone()]);
	vec![
		b1,
		block(
			2,
			vec![
				HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowPublished {
					id: 1,
					owner: c.dave.clone(),
					manifest_hash: format!("0x{:064x}", 0xbb01),
					parent: Some(0),
					record: record(&c.dave, 2, vec![(0, 1_000_000)], Some(0)),
					first_manifest_uri: "ipfs://dave-v1".into(),
				}),
				HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowVersionPublished {
					id: 1,
					version: 2,
					manifest_hash: format!("0x{:064x}", 0xaa02),
					manifest_uri: "ipfs://manifest-v2".into(),
				}),
				HavnEvent::StakeGuard(StakeEvent::HeartbeatReceived {
					who: c.bob.clone(),
					block: 2,
					metrics: Some(GpuMetrics {
						utilization_percent: 40,
						memory_used_mib: 2_048,
						power_milliwatts: 70_000,
						temperature_c: 55,
					}),
				}),
				HavnEvent::ExecutionLog(JobEvent::JobSubmitted {
					job_id: 0,
					workflow_id: 1,
					payer: c.ferdie.clone(),
					fee: Planck(FEE),
					compute_class: ComputeClass::S,
					deadline: 102,
					details: JobDetails {
						redundancy: 1,
						input_digest: format!("0x{:064x}", 0x1),
						input_uri: "ipfs://input-0".into(),
					},
				}),
			],
		),
		block(
			3,
			vec![
				HavnEvent::ExecutionLog(JobEvent::JobAssigned {
					job_id: 0,
					nodes: vec![c.bob.clone()],
					by: c.eve.clone(),
				}),
				HavnEvent::ExecutionLog(JobEvent::JobSubmitted {
					job_id: 1,
					workflow_id: 0,
					payer: c.alice.clone(),
					fee: Planck(HAI),
					compute_class: ComputeClass::M,
					deadline: 6,
					details: JobDetails {
						redundancy: 1,
						input_digest: format!("0x{:064x}", 0x2),
						input_uri: "ipfs://input-1".into(),
					},
				}),
			],
		),
		block(
			4,
			vec![
				HavnEvent::ExecutionLog(JobEvent::ReceiptSubmitted {
					job_id: 0,
					node: c.bob.clone(),
					runtime_hash: format!("0x{:064x}", 0x77),
					outputs_cid: "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"
						.into(),
					details: ReceiptDetails {
						latency_ms: 1_234,
						energy_mj: 56_789,
						signature: format!("0x{}", "ab".repeat(64)),
					},
				}),
				HavnEvent::ExecutionLog(JobEvent::JobAttesting {
					job_id: 0,
					committee: vec![c.charlie.clone(), c.dave.clone()],
					sampled: true,
				}),
			],
		),
		block(
			5,
			vec![
				HavnEvent::ExecutionLog(JobEvent::AttestationSubmitted {
					job_id: 0,
					validator: c.charlie.clone(),
					verdict: Verdict::Valid,
					reexecution_digest: Some(format!("0x{:064x}", 0x77)),
					batched_by: None,
				}),
				HavnEvent::ExecutionLog(JobEvent::AttestationSubmitted {
					job_id: 0,
					validator: c.dave.clone(),
					verdict: Verdict::Valid,
					reexecution_digest: Some(format!("0x{:064x}", 0x77)),
					batched_by: Some(c.charlie.clone()),
				}),
				HavnEvent::ExecutionLog(JobEvent::AttestationsBatched {
					aggregator: c.charlie.clone(),
					count: 2,
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.dave.clone(),
					role: PayeeRole::Creator,
					amount: Planck(creator_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.alice.clone(),
					role: PayeeRole::Upstream,
					amount: Planck(upstream_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.bob.clone(),
					role: PayeeRole::Node,
					amount: Planck(node_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.charlie.clone(),
					role: PayeeRole::Validator,
					amount: Planck(validator_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.dave.clone(),
					role: PayeeRole::Validator,
					amount: Planck(validator_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: 0,
					payee: c.treasury.clone(),
					role: PayeeRole::Treasury,
					amount: Planck(treasury_share),
				}),
				HavnEvent::PayoutRouter(PayoutEvent::JobSettled {
					job_id: 0,
					workflow_id: 1,
					fee: Planck(FEE),
					shares: Shares {
						creator: Planck(creator_share),
						upstream: Planck(upstream_share),
						node: Planck(node_share),
						validators: Planck(2 * validator_share),
						treasury: Planck(treasury_share),
					},
				}),
				HavnEvent::ExecutionLog(JobEvent::JobFinalized { job_id: 0, fee: Planck(FEE) }),
				HavnEvent::Reputation(ReputationEvent::ReputationUpdated {
					who: c.bob.clone(),
					outcome: "job_finalized",
					score_ppm: 666_666,
				}),
			],
		),
		block(
			6,
			vec![
				HavnEvent::ExecutionLog(JobEvent::JobExpired { job_id: 1 }),
				HavnEvent::Faucet(FaucetEvent::Dripped {
					who: c.ferdie.clone(),
					amount: Planck(100 * HAI),
				}),
			],
		),
	]
}

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> (tempfile::TempDir, Db) {
	let dir = tempfile::tempdir().unwrap();
	let url = format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display());
	let db = Db::connect(&url).await.unwrap();
	(dir, db)
}

/// An API over `db` (artifacts in `dir`), with `genesis` known.
pub async fn app(dir: &std::path::Path, db: Db, limits: api::ApiLimits) -> (AppState, Router) {
	let state = AppState::standalone(db, dir, limits).await.unwrap();
	let router = api::router(state.clone());
	(state, router)
}

/// Live chain queries answered from a table (the chain's view of workflow 1's earnings).
pub struct FixedChain;

impl api::ChainQueries for FixedChain {
	fn workflow_earnings(
		&self,
		workflow: u64,
	) -> futures::future::BoxFuture<'_, Result<Option<ChainEarnings>, String>> {
		Box::pin(async move {
			Ok((workflow == 1).then(|| ChainEarnings {
				runs: 1,
				total_fees: FEE.to_string(),
				creator_earned: (FEE * 45 / 100).to_string(),
				upstream_paid: (FEE / 5).to_string(),
				earned_as_upstream: "0".into(),
			}))
		})
	}

	fn job_committee(
		&self,
		job: u64,
	) -> futures::future::BoxFuture<
		'_,
		Result<Option<(havn_primitives::api::JobPhase, Vec<String>)>, String>,
	> {
		// The fixture chain's best block: job 1 still submitted (as indexed), and job 42, which
		// the index has not caught up with, attesting with Charlie alone on its committee.
		use havn_primitives::api::JobPhase;
		Box::pin(async move {
			Ok(match job {
				1 => Some((JobPhase::Submitted, vec![])),
				42 => Some((JobPhase::Attesting, vec![ss58(&dev::charlie())])),
				_ => None,
			})
		})
	}

	fn may_upload(
		&self,
		account: subxt::utils::AccountId32,
	) -> futures::future::BoxFuture<'_, Result<bool, String>> {
		// The fixture chain's participants: Alice (funded), Bob (bonded); nobody else.
		Box::pin(async move {
			Ok([dev::alice(), dev::bob()].iter().any(|k| k.public_key().to_account_id() == account))
		})
	}
}

/// An API over the whole history, connected to [`FixedChain`].
pub async fn indexed_app() -> (tempfile::TempDir, Cast, AppState, Router) {
	let (dir, db) = sqlite().await;
	let c = cast();
	for b in history(&c) {
		db.apply_block(&b).await.unwrap();
	}
	let (state, router) = app(dir.path(), db, Default::default()).await;
	state.status.set_indexed(6, &state.metrics);
	state.status.set_finalized(8, &state.metrics);
	state.chain.set(Some(Arc::new(FixedChain)));
	(dir, c, state, router)
}

/// The genesis hash of the fixture chain whose accounts sign uploads and attestations.
pub const UPLOAD_GENESIS: [u8; 32] = crate::pool::GENESIS;

/// An API over `db` that takes uploads: the fixture chain's genesis known and [`FixedChain`]
/// answering who may upload (Alice and Bob).
pub async fn store_app(
	dir: &std::path::Path,
	db: Db,
	limits: api::ApiLimits,
) -> (AppState, Router) {
	let (state, router) = app(dir, db, limits).await;
	state.status.set_genesis(UPLOAD_GENESIS);
	state.chain.set(Some(Arc::new(FixedChain)));
	(state, router)
}

/// `POST /v1/artifacts` of `bytes` (with its `Content-Length`) signed by `signer` for
/// [`UPLOAD_GENESIS`], with `content_type` if given.
pub fn upload_as(
	signer: &havn_client::Signer,
	bytes: Vec<u8>,
	content_type: Option<&str>,
) -> Request<Body> {
	let cid = havn_primitives::cid::cid_of(&bytes);
	signed_upload(signer, &cid, content_type)
		.header(axum::http::header::CONTENT_LENGTH, bytes.len())
		.body(Body::from(bytes))
		.unwrap()
}

/// A `POST /v1/artifacts` request builder carrying `signer`'s signature of `cid`.
pub fn signed_upload(
	signer: &havn_client::Signer,
	cid: &str,
	content_type: Option<&str>,
) -> axum::http::request::Builder {
	let mut request = Request::post("/v1/artifacts");
	let genesis = havn_primitives::Digest::from(UPLOAD_GENESIS);
	for (name, value) in havn_client::artifacts::upload_headers(signer, genesis, cid) {
		request = request.header(name, value);
	}
	if let Some(ct) = content_type {
		request = request.header(axum::http::header::CONTENT_TYPE, ct);
	}
	request
}

/// Send `request`; return the status, headers and body.
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
	let response = router.clone().oneshot(request).await.unwrap();
	let status = response.status();
	let headers = response.headers().clone();
	let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
	(status, headers, body.to_vec())
}

/// `GET uri` as JSON.
pub async fn get_json(router: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
	let (status, _, body) = send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
	let json = serde_json::from_slice(&body)
		.unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
	(status, json)
}

/// Assert an error answer with `status` and `code`.
pub fn assert_error(got: (StatusCode, serde_json::Value), status: StatusCode, code: &str) {
	assert_eq!(got.0, status, "{}", got.1);
	assert_eq!(got.1["error"]["code"], code, "{}", got.1);
	assert!(got.1["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}
