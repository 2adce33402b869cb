//! The relay's routing candidates, read from the index as the relay reads them.

use crate::fixtures::*;
use havn_orchestrator::{
	model::{HavnEvent, JobDetails, JobEvent, Planck, StakeEvent},
	projection::Ledger,
	relay::candidates,
};
use havn_primitives::{ComputeClass, HAI};
use std::collections::HashMap;

/// `JobSubmitted` of job `job_id` (workflow 0, paid by Alice, 1 HAI, due in block 1,000, one
/// node) on `compute_class`.
fn submitted(c: &Cast, job_id: u64, compute_class: ComputeClass) -> HavnEvent {
	HavnEvent::ExecutionLog(JobEvent::JobSubmitted {
		job_id,
		workflow_id: 0,
		payer: c.alice.clone(),
		fee: Planck(HAI),
		compute_class,
		deadline: 1_000,
		details: JobDetails {
			redundancy: 1,
			input_digest: format!("0x{:064x}", job_id),
			input_uri: "ipfs://input".into(),
		},
	})
}

/// The runtime's floors, S to XL, in planck.
const FLOORS: [u128; 4] = [2_000 * HAI, 5_000 * HAI, 9_000 * HAI, 18_000 * HAI];

/// The hardening issue's finding 13: the relay kept a node that had unbonded as a routing
/// candidate; it learned of it only from a failed `assign` (`NodeNotEligible`), then cooled it
/// down for a while and tried it again. Now a node bonded below its class's floor is no candidate.
#[tokio::test]
async fn a_node_that_unbonded_is_no_routing_candidate() {
	let (_dir, db) = sqlite().await;
	let c = cast();
	for b in history(&c).into_iter().take(2) {
		db.apply_block(&b).await.unwrap();
	}
	let routable = |rows| {
		candidates(rows, 2, Some(FLOORS), &HashMap::new(), &HashMap::new())
			.into_iter()
			.map(|c| c.account)
			.collect::<Vec<_>>()
	};
	// Bob bonded 5,000 HAI as an M node (the M floor) and heartbeated.
	assert_eq!(routable(db.node_rows().await.unwrap()), vec![c.bob.clone()]);

	// Bob starts unbonding 1 HAI: below the M floor, the chain would refuse him.
	let unbond = block(
		3,
		vec![HavnEvent::StakeGuard(StakeEvent::Unbonded {
			who: c.bob.clone(),
			amount: Planck(HAI),
			unlock_at: 100,
			ledger: Some(Ledger { bonded: Planck(4_999 * HAI), unbonding: Planck(HAI) }),
		})],
	);
	db.apply_block(&unbond).await.unwrap();
	assert_eq!(routable(db.node_rows().await.unwrap()), Vec::<String>::new());
	// Until the floors are known (the chain not read yet), nothing is filtered out.
	let unknown =
		candidates(db.node_rows().await.unwrap(), 2, None, &HashMap::new(), &HashMap::new());
	assert_eq!(unknown.len(), 1);
}

/// The hardening issue's finding 1: a job its node gives back (`JobReleased`) is open for
/// routing again, but not to that node; and a job with too little time left for a node to run
/// it (the relay passes the head plus the chain's execution window) is not offered at all. The
/// index keeps the counts a rebuild computes.
#[tokio::test]
async fn a_released_job_is_routed_again_but_not_to_its_releasing_node() {
	let (_dir, db) = sqlite().await;
	let c = cast();
	// Job 0 (deadline 102) is assigned to Bob in block 3; job 1 (deadline 6) is submitted.
	for b in history(&c).into_iter().take(3) {
		db.apply_block(&b).await.unwrap();
	}
	let ids = |jobs: &[havn_orchestrator::db::read::OpenJob]| {
		jobs.iter().map(|j| j.id).collect::<Vec<_>>()
	};
	assert_eq!(ids(&db.open_jobs(3, None, 32).await.unwrap()), vec![1]);
	let release = block(
		4,
		vec![HavnEvent::ExecutionLog(JobEvent::JobReleased {
			job_id: 0,
			node: c.bob.clone(),
			reason: havn_primitives::ReleaseReason::DigestMismatch,
		})],
	);
	db.apply_block(&release).await.unwrap();
	let open = db.open_jobs(4, None, 32).await.unwrap();
	assert_eq!(ids(&open), vec![0, 1]);
	assert_eq!(open[0].released_by, vec![c.bob.clone()]);
	assert!(open[1].released_by.is_empty());
	// Head 4 plus a window of 20 blocks: job 1 (deadline 6) cannot be run in time.
	assert_eq!(ids(&db.open_jobs(4 + 20, None, 32).await.unwrap()), vec![0]);

	let kept = crate::indexer_db::aggregates(&db).await;
	db.rebuild_aggregates().await.unwrap();
	assert_eq!(crate::indexer_db::aggregates(&db).await, kept);
	let counts: HashMap<String, String> = kept.into_iter().collect();
	assert_eq!(counts["count jobs:phase:submitted"], "2");
	assert!(!counts.contains_key(&format!("count jobs:node:{}", c.bob)), "Bob left job 0");
}

/// The hardening issue's finding 2 (relay starvation): a routable job submitted behind more
/// unroutable ones than the relay reads per round (here class-XL jobs, which no node serves)
/// was never routed, since the relay read only the oldest page. The relay now walks the open
/// jobs page by page (`next_cursor`), so the routable job is on the next round's page.
#[tokio::test]
async fn a_routable_job_behind_a_full_page_of_unroutable_ones_is_reached() {
	use havn_orchestrator::relay::next_cursor;
	let (_dir, db) = sqlite().await;
	let c = cast();
	const PAGE: u32 = 32;
	let job = |job_id: u64, compute_class| submitted(&c, job_id, compute_class);
	let mut events: Vec<HavnEvent> =
		(0..u64::from(PAGE)).map(|i| job(i, ComputeClass::XL)).collect();
	events.push(job(u64::from(PAGE), ComputeClass::S));
	db.apply_block(&block(1, events)).await.unwrap();

	let first = db.open_jobs(2, None, PAGE).await.unwrap();
	let ids: Vec<u64> = first.iter().map(|j| j.id).collect();
	assert_eq!(ids, (0..u64::from(PAGE)).collect::<Vec<_>>(), "the oldest page: all XL");
	let cursor = next_cursor(&ids, PAGE);
	assert_eq!(cursor, Some(u64::from(PAGE) - 1));
	let second = db.open_jobs(2, cursor, PAGE).await.unwrap();
	assert_eq!(
		second.iter().map(|j| (j.id, j.compute_class.as_str())).collect::<Vec<_>>(),
		vec![(u64::from(PAGE), "S")]
	);
	// A short page: the next round starts over from the oldest.
	assert_eq!(next_cursor(&[u64::from(PAGE)], PAGE), None);
}

/// Finding 2 (the storage deposit): the relay prunes ended jobs so that their payers get their
/// deposits back. It reads them here: an expired or rejected job at once, a finalized one only
/// after its challenge window, none still open, and none whose `JobPruned` is indexed.
#[tokio::test]
async fn ended_jobs_are_prunable_until_their_prune_is_indexed() {
	let (_dir, db) = sqlite().await;
	let c = cast();
	let ev = HavnEvent::ExecutionLog;
	// Jobs 0 to 3 submitted in block 1; in block 2 job 0 expires, 1 is rejected, 2 finalized;
	// job 3 stays open.
	db.apply_block(&block(1, (0..4).map(|id| submitted(&c, id, ComputeClass::S)).collect()))
		.await
		.unwrap();
	db.apply_block(&block(
		2,
		vec![
			ev(JobEvent::JobExpired { job_id: 0 }),
			ev(JobEvent::JobRejected { job_id: 1 }),
			ev(JobEvent::JobFinalized { job_id: 2, fee: Planck(HAI) }),
		],
	))
	.await
	.unwrap();
	// A challenge window of 100 blocks: job 2 is prunable from block 103 on.
	assert_eq!(db.prunable_jobs(102, 100, 8).await.unwrap(), vec![0, 1]);
	assert_eq!(db.prunable_jobs(103, 100, 8).await.unwrap(), vec![0, 1, 2]);
	assert_eq!(db.prunable_jobs(103, 100, 1).await.unwrap(), vec![0]);
	// The window not known yet: no finalized job is taken.
	assert_eq!(db.prunable_jobs(103, u32::MAX, 8).await.unwrap(), vec![0, 1]);

	db.apply_block(&block(
		3,
		vec![ev(JobEvent::JobPruned { job_id: 0, payer: c.alice.clone(), deposit: Planck(10) })],
	))
	.await
	.unwrap();
	assert_eq!(db.prunable_jobs(103, 100, 8).await.unwrap(), vec![1, 2]);
	// The index keeps the pruned job, and says when the chain let it go.
	assert_eq!(db.job(0).await.unwrap().unwrap().job.pruned_block, Some(3));
	assert_eq!(db.job(1).await.unwrap().unwrap().job.pruned_block, None);
}
