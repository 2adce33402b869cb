//! Against a running dev node (ignored by default):
//! `HAVN_TEST_NODE_WS=ws://127.0.0.1:9944 cargo test -p havn-orchestrator -- --ignored live`.
//!
//! Starts the follower (indexer and relay) in-process on a fresh SQLite database, then with fresh
//! accounts funded by //Alice: bonds and registers an execution node, heartbeats, publishes a
//! workflow and submits a job. The relay must assign the job to the node, and the index must
//! show every step.

use clap::Parser;
use havn_client::{api, keys, HavnClient, Signer, Static};
use havn_orchestrator::{
	api::ChainSlot,
	chain::{follow, Follower},
	config::Config,
	db::Db,
	metrics::{ChainStatus, Metrics},
	relay::RelayConfig,
};
use havn_primitives::{ComputeClass, Role, WorkflowKind, HAI};
use std::{sync::Arc, time::Duration};
use subxt::utils::{MultiAddress, H256};
use subxt_signer::sr25519::dev;

async fn fund(client: &HavnClient, who: &Signer, amount: u128) {
	let dest = MultiAddress::Id(keys::account_of(who));
	client
		.submit(&api::tx().balances().transfer_keep_alive(dest, amount), &dev::alice())
		.await
		.unwrap();
}

#[tokio::test]
#[ignore = "needs a dev node in HAVN_TEST_NODE_WS"]
async fn live_relay_assigns_and_indexer_follows() {
	let url = std::env::var("HAVN_TEST_NODE_WS").expect("HAVN_TEST_NODE_WS names a dev node");
	let client = HavnClient::connect(&url, Duration::from_secs(30)).await.unwrap();
	let tag =
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
	let relay_suri = format!("//Eve//orchestrator-test-{tag}");
	let relay = keys::signer_from_suri(&relay_suri).unwrap();
	let node = keys::signer_from_suri(&format!("//Ferdie//orchestrator-test-{tag}")).unwrap();
	let receipt_key =
		keys::signer_from_suri(&format!("//Ferdie//orchestrator-test-{tag}//receipt")).unwrap();
	fund(&client, &relay, 1_100 * HAI).await;
	fund(&client, &node, 2_100 * HAI).await;

	// The follower: index from the current head, bond the relay, route.
	let dir = tempfile::tempdir().unwrap();
	let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display()))
		.await
		.unwrap();
	let config = Config::try_parse_from([
		"havn-orchestrator",
		"--relay-suri",
		&relay_suri,
		"--bond-relay",
		"1000",
	])
	.unwrap();
	let head = u32::try_from(client.finalized_number().await.unwrap()).unwrap();
	let metrics = Arc::new(Metrics::new().unwrap());
	let status = Arc::new(ChainStatus::new());
	let (stop, stopped) = tokio::sync::watch::channel(false);
	let follower = tokio::spawn(follow(
		Follower {
			rpc_url: url.clone(),
			db: db.clone(),
			metrics: metrics.clone(),
			status: status.clone(),
			chain_queries: Arc::new(ChainSlot::default()),
			index_from: head + 1,
			poll: Duration::from_millis(500),
			relay: RelayConfig::from_config(&config).unwrap(),
		},
		stopped,
	));

	// An execution node of class S with a receipt key, heartbeating.
	let class = Static(ComputeClass::S);
	client
		.submit(
			&api::tx()
				.stake_guard()
				.bond(Static(Role::ExecutionNode(ComputeClass::S)), 2_000 * HAI),
			&node,
		)
		.await
		.unwrap();
	let capabilities = api::runtime_types::pallet_stake_guard::types::Capabilities {
		compute_class: class.clone(),
		gpu_model: Vec::new(),
		vram_gib: 0,
		models: Vec::new(),
	};
	let proof = receipt_key
		.sign(&havn_primitives::proofs::receipt_key_proof_payload(
			&node.public_key().0,
			client.genesis_hash(),
		))
		.0;
	client
		.submit(
			&api::tx().stake_guard().register_node(receipt_key.public_key().0, proof, capabilities),
			&node,
		)
		.await
		.unwrap();
	client.submit(&api::tx().stake_guard().heartbeat(None), &node).await.unwrap();

	// A workflow and a job.
	let mut manifest = [0u8; 32];
	manifest[..16].copy_from_slice(&tag.to_le_bytes());
	client.commit_manifests(&dev::alice(), &[H256(manifest)]).await.unwrap();
	let published = client
		.submit(
			&api::tx().workflow_registry().publish(
				Static(WorkflowKind::Workflow),
				H256(manifest),
				b"ipfs://orchestrator-test".to_vec(),
				class.clone(),
				HAI,
				None,
				Vec::new(),
				None,
			),
			&dev::alice(),
		)
		.await
		.unwrap();
	let workflow_id = published
		.events
		.find_first::<api::workflow_registry::events::WorkflowPublished>()
		.unwrap()
		.unwrap()
		.id;
	let submitted = client
		.submit(
			&api::tx().execution_log().submit_job(
				workflow_id,
				H256([7; 32]),
				b"ipfs://input".to_vec(),
				class,
				10 * HAI,
				1,
				60,
			),
			&dev::alice(),
		)
		.await
		.unwrap();
	let job_id = submitted
		.events
		.find_first::<api::execution_log::events::JobSubmitted>()
		.unwrap()
		.unwrap()
		.job_id;

	let node_account = keys::account_of(&node).to_string();
	let relay_account = keys::account_of(&relay).to_string();
	let mut assigned = None;
	for _ in 0..120 {
		if let Some(job) = db.job(job_id).await.unwrap() {
			if job.job.phase != "submitted" {
				assigned = Some(job);
				break;
			}
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	stop.send(true).unwrap();
	follower.await.unwrap().unwrap();

	let job = assigned.expect("the relay assigned the job within a minute");
	assert_eq!(job.job.phase, "assigned");
	assert_eq!(job.job.nodes, vec![node_account.clone()]);
	assert_eq!(job.assigned_by.as_deref(), Some(relay_account.as_str()));
	assert_eq!(job.job.redundancy, Some(1));
	assert_eq!(job.input_uri.as_deref(), Some("ipfs://input"));
	let phases: Vec<_> = job.timeline.iter().map(|t| t.phase.as_str()).collect();
	assert_eq!(phases, vec!["submitted", "assigned"]);
	assert!(job.timeline.iter().all(|t| t.timestamp_ms > 1_600_000_000_000));

	let workflow = db.workflow(workflow_id).await.unwrap().expect("workflow indexed");
	assert_eq!(workflow.manifest_uri, "ipfs://orchestrator-test");
	assert_eq!(workflow.base_fee, HAI.to_string());
	let (nodes, _) = db.nodes(status.indexed(), 100, 500, 0).await.unwrap();
	let indexed_node = nodes.iter().find(|n| n.account == node_account).expect("node indexed");
	assert_eq!(indexed_node.compute_class.as_deref(), Some("S"));
	assert_eq!(indexed_node.bonded, (2_000 * HAI).to_string());
	assert!(indexed_node.receipt_key.is_some() && indexed_node.last_heartbeat.is_some());
	assert_eq!(db.account_role(&relay_account).await.unwrap().as_deref(), Some("relay"));
	assert!(metrics
		.render()
		.unwrap()
		.contains("havn_orchestrator_routing_decisions_total{outcome=\"assigned\"} 1"));
	assert!(status.indexed().is_some_and(|i| i > head));
}
