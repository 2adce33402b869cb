//! The running counts and earnings: kept by the block writes exactly as a rebuild from the rows
//! computes them.

use crate::{fixtures::*, indexer_db::aggregates};
use havn_orchestrator::{
	db::aggregates::AGGREGATES_KEY,
	model::{HavnEvent, PayeeRole, PayoutEvent, Planck, Shares},
};
use havn_primitives::HAI;
use std::collections::HashMap;

fn as_map(rows: Vec<(String, String)>) -> HashMap<String, String> {
	rows.into_iter().collect()
}

#[tokio::test]
async fn block_writes_keep_the_aggregates_a_rebuild_computes() {
	let (_dir, db) = sqlite().await;
	assert_eq!(db.state(AGGREGATES_KEY).await.unwrap().as_deref(), Some("1"));
	let c = cast();
	for block in history(&c) {
		db.apply_block(&block).await.unwrap();
	}
	let kept = aggregates(&db).await;
	db.rebuild_aggregates().await.unwrap();
	assert_eq!(aggregates(&db).await, kept);

	let got = as_map(kept);
	assert_eq!(got["count jobs"], "2");
	assert_eq!(got["count jobs:phase:finalized"], "1");
	assert_eq!(got["count jobs:phase:expired"], "1");
	assert!(!got.contains_key("count jobs:phase:submitted"), "moved out: zero");
	assert_eq!(got[&format!("count jobs:payer:{}", c.ferdie)], "1");
	assert_eq!(got["count jobs:workflow:1"], "1");
	assert_eq!(got[&format!("count jobs:node:{}", c.bob)], "1");
	assert_eq!(got[&format!("count jobs:node:{}:finalized", c.bob)], "1");
	assert_eq!(got[&format!("count attestations:{}", c.charlie)], "1");
	assert_eq!(got["earned workflow:1:settled"], format!("{FEE}x1"));
	assert_eq!(got["earned workflow:1:paid:validator"], format!("{}x2", 2 * (FEE / 40)));
	assert_eq!(got[&format!("earned upstream:{}", c.alice)], format!("{}x1", FEE / 5));
	assert_eq!(got[&format!("earned upstream:{}:1", c.alice)], format!("{}x1", FEE / 5));
}

#[tokio::test]
async fn payouts_move_to_the_settled_workflow() {
	let (_dir, db) = sqlite().await;
	let c = cast();
	// Indexing starts after job 9 was submitted: its payouts have no workflow until it settles.
	let fee = 10 * HAI;
	let pay = |payee: &str, role, amount| {
		HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
			job_id: 9,
			payee: payee.to_string(),
			role,
			amount: Planck(amount),
		})
	};
	let shares = Shares {
		creator: Planck(6 * HAI),
		upstream: Planck(4 * HAI),
		node: Planck(0),
		validators: Planck(0),
		treasury: Planck(0),
	};
	db.apply_block(&block(
		50,
		vec![
			pay(&c.dave, PayeeRole::Creator, 6 * HAI),
			pay(&c.alice, PayeeRole::Upstream, 4 * HAI),
			HavnEvent::PayoutRouter(PayoutEvent::JobSettled {
				job_id: 9,
				workflow_id: 3,
				fee: Planck(fee),
				shares,
			}),
		],
	))
	.await
	.unwrap();
	let kept = aggregates(&db).await;
	db.rebuild_aggregates().await.unwrap();
	assert_eq!(aggregates(&db).await, kept);
	let got = as_map(kept);
	assert_eq!(got["earned workflow:3:paid:creator"], format!("{}x1", 6 * HAI));
	assert_eq!(got["earned workflow:3:paid:upstream"], format!("{}x1", 4 * HAI));
	assert_eq!(got[&format!("earned upstream:{}", c.alice)], format!("{}x1", 4 * HAI));
	assert_eq!(got[&format!("earned upstream:{}:3", c.alice)], format!("{}x1", 4 * HAI));
	assert_eq!(got["earned workflow:3:settled"], format!("{fee}x1"));
	assert!(!got.contains_key("count jobs"), "job 9 itself was never indexed");

	// The owner's upstream income leaves out what its own workflow paid it.
	let earnings = db.indexed_earnings(3, &c.alice).await.unwrap();
	assert_eq!(earnings.owner_upstream_income, "0");
	assert_eq!(earnings.runs, 1);
	let earnings = db.indexed_earnings(4, &c.alice).await.unwrap();
	assert_eq!(earnings.owner_upstream_income, (4 * HAI).to_string());
	assert_eq!(earnings.runs, 0);
}
