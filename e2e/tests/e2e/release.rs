//! The hardening issue on the README's devnet. Finding 1: a job whose input does not match its
//! digest on chain cannot be run, and the execute daemon (`havn-exec`) gives it back with
//! `ExecutionLog::release` instead of retrying it until it expires on the node (which recorded
//! `JobExpired` against it); the relay does not route it back to that node. Finding 2: an ended
//! job's storage deposit comes back to its payer when the relay prunes it.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{api, artifacts::ArtifactClient, keys, HavnClient, Static};
use havn_e2e::{get_json, wait_for, workspace_root};
use havn_primitives::{manifest::manifest_digest, ComputeClass, HAI};
use serde_json::Value;
use std::time::Duration;

/// Submit, as `//User`, a job of `workflow` whose input in the store is not the input its
/// digest names (the payer's mistake, or a store serving other bytes); the devnet's execute
/// node (`//Ferdie`) releases it with `digest_mismatch`, and the relay leaves it unassigned.
pub async fn a_job_whose_input_does_not_match_is_released(
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	workflow: u64,
) {
	let input = std::fs::read(workspace_root().join("workflows/inputs/embedding.json")).unwrap();
	let input_cid = ArtifactClient::new(rest).upload(input, "application/json").await.unwrap();
	let call = api::tx().execution_log().submit_job(
		workflow,
		manifest_digest(b"other bytes than the stored input"),
		input_cid.as_bytes().to_vec(),
		Static(ComputeClass::S),
		100 * HAI,
		1,
		100,
	);
	let job_id = submit_as_user(client, &call).await;
	let (job, event) = wait_for_job_event(http, rest, job_id, "JobReleased", 120).await;
	let ferdie = keys::ss58(&keys::account_of(&keys::signer_from_suri("//Ferdie").unwrap()));
	assert_eq!(event["data"]["node"].as_str(), Some(ferdie.as_str()), "{job}");
	assert_eq!(event["data"]["reason"], "digest_mismatch", "{job}");

	// Five blocks on, the relay (which routes every block) has not given it back to //Ferdie,
	// the devnet's only execute node: the job waits for another node, or expires.
	let at = client.best_number().await.unwrap();
	wait_for("five blocks", Duration::from_secs(60), || async {
		(client.best_number().await.ok()? >= at + 5).then_some(())
	})
	.await
	.unwrap();
	let view = client.job(job_id).await.unwrap().expect("job on chain");
	assert!(
		matches!(view.phase, havn_primitives::api::JobPhase::Submitted) && view.nodes.is_empty(),
		"job {job_id} was routed again: {:?} {:?}",
		view.phase,
		view.nodes
	);
	let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.unwrap();
	let assigned = job["events"].as_array().unwrap().iter().filter(|e| e["name"] == "JobAssigned");
	assert_eq!(assigned.count(), 1, "{job}");
}

/// Submit, as `//User`, a job of `workflow` on compute class XL, which no node of the devnet
/// serves, with the shortest deadline the chain takes: it expires unrouted. Returns its id.
pub async fn submit_a_job_no_node_serves(client: &HavnClient, workflow: u64) -> u64 {
	let call = api::tx().execution_log().submit_job(
		workflow,
		manifest_digest(b"an input no node fetches"),
		b"ipfs://bafkreinone".to_vec(),
		Static(ComputeClass::XL),
		100 * HAI,
		1,
		30,
	);
	submit_as_user(client, &call).await
}

/// Finding 2 of the hardening issue on the README's devnet: a job holds a storage deposit
/// until it is pruned, and the orchestrator's relay prunes ended jobs, so the payer gets it back
/// without acting: `job_id` (from [`submit_a_job_no_node_serves`]) expires, then is pruned.
pub async fn an_expired_job_is_pruned_and_its_deposit_returned(
	client: &HavnClient,
	http: &reqwest::Client,
	rest: &str,
	job_id: u64,
) {
	let (job, event) = wait_for_job_event(http, rest, job_id, "JobPruned", 180).await;
	assert_eq!(job["phase"], "expired", "{job}");
	assert!(job["pruned_block"].as_u64().is_some(), "{job}");
	let user = keys::ss58(&keys::account_of(&user()));
	assert_eq!(event["data"]["payer"].as_str(), Some(user.as_str()), "{job}");
	// The runtime's `JobDeposit` (the devnet keeps its default) went back to the payer.
	let deposit = client
		.at_best()
		.await
		.unwrap()
		.constants()
		.entry(api::constants().execution_log().job_deposit())
		.unwrap();
	assert_eq!(event["data"]["deposit"], deposit.to_string(), "{job}");
	assert!(client.job(job_id).await.unwrap().is_none(), "job {job_id} still on chain");
	// The index keeps the job's history.
	assert!(job["events"].as_array().unwrap().iter().any(|e| e["name"] == "JobExpired"), "{job}");
}

/// The devnet's payer of these jobs.
fn user() -> havn_client::Signer {
	keys::signer_from_suri("//User").unwrap()
}

/// Submit `call` (a `submit_job`) as `//User`; the new job's id.
async fn submit_as_user(
	client: &HavnClient,
	call: &impl havn_client::subxt::transactions::Payload,
) -> u64 {
	let included = client.submit(call, &user()).await.unwrap();
	included
		.events
		.find_first::<api::execution_log::events::JobSubmitted>()
		.unwrap()
		.expect("JobSubmitted")
		.job_id
}

/// Wait up to `secs` seconds until the orchestrator's index shows job `job_id` with an event
/// named `name`; the job (`GET /v1/jobs/{id}`) and that event.
async fn wait_for_job_event(
	http: &reqwest::Client,
	rest: &str,
	job_id: u64,
	name: &str,
	secs: u64,
) -> (Value, Value) {
	let event_of = |job: &Value| -> Option<Value> {
		job["events"].as_array()?.iter().find(|e| e["name"] == name).cloned()
	};
	let what = format!("{name} of job {job_id}");
	let job = wait_for(&what, Duration::from_secs(secs), || async {
		let job = get_json(http, &format!("{rest}/v1/jobs/{job_id}")).await.ok()?;
		event_of(&job).map(|_| job)
	})
	.await
	.unwrap();
	let event = event_of(&job).unwrap();
	(job, event)
}
