//! Exactly-once indexing: the same block twice, a crash inside a block, gaps and restarts.

use crate::fixtures::*;
use havn_orchestrator::{
	db::{
		write::{write_block, Applied},
		Db, DbError,
	},
	model::{FaucetEvent, HavnEvent, Planck},
};
use sqlx::Row;

/// Row counts of every table the indexer writes, and the amounts it accumulates.
pub async fn snapshot(db: &Db) -> Vec<(String, String)> {
	let mut out = Vec::new();
	for table in [
		"blocks",
		"events",
		"workflows",
		"workflow_versions",
		"workflow_dependencies",
		"jobs",
		"job_nodes",
		"receipts",
		"attestations",
		"payouts",
		"settlements",
		"accounts",
		"totals",
	] {
		let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}")))
			.fetch_one(db.pool())
			.await
			.unwrap()
			.try_get("n")
			.unwrap();
		out.push((table.to_string(), n.to_string()));
	}
	for row in sqlx::query("SELECT account, earned, bonded FROM accounts ORDER BY account")
		.fetch_all(db.pool())
		.await
		.unwrap()
	{
		let account: String = row.try_get("account").unwrap();
		let earned: String = row.try_get("earned").unwrap();
		let bonded: String = row.try_get("bonded").unwrap();
		out.push((account, format!("{earned}/{bonded}")));
	}
	for row in sqlx::query("SELECT key, amount, count FROM totals ORDER BY key")
		.fetch_all(db.pool())
		.await
		.unwrap()
	{
		let key: String = row.try_get("key").unwrap();
		let amount: String = row.try_get("amount").unwrap();
		let count: i64 = row.try_get("count").unwrap();
		out.push((key, format!("{amount}x{count}")));
	}
	out.extend(aggregates(db).await);
	out
}

/// The running counts and earnings (zero entries left out: a rebuild does not write them).
pub async fn aggregates(db: &Db) -> Vec<(String, String)> {
	let mut out = Vec::new();
	for row in sqlx::query("SELECT key, count FROM counts WHERE count <> 0 ORDER BY key")
		.fetch_all(db.pool())
		.await
		.unwrap()
	{
		let key: String = row.try_get("key").unwrap();
		let count: i64 = row.try_get("count").unwrap();
		out.push((format!("count {key}"), count.to_string()));
	}
	for row in sqlx::query("SELECT key, amount, count FROM earnings WHERE count <> 0 ORDER BY key")
		.fetch_all(db.pool())
		.await
		.unwrap()
	{
		let key: String = row.try_get("key").unwrap();
		let amount: String = row.try_get("amount").unwrap();
		let count: i64 = row.try_get("count").unwrap();
		out.push((format!("earned {key}"), format!("{amount}x{count}")));
	}
	out
}

/// The whole exactly-once contract, against any database.
pub async fn exactly_once(db: &Db) {
	let c = cast();
	let blocks = history(&c);
	assert_eq!(db.last_indexed().await.unwrap(), None);
	assert_eq!(db.apply_block(&blocks[0]).await.unwrap(), Applied::Indexed);
	assert_eq!(db.apply_block(&blocks[1]).await.unwrap(), Applied::Indexed);
	let after_two = snapshot(db).await;

	// The same block again (a restart that re-fetches it): nothing changes.
	assert_eq!(db.apply_block(&blocks[1]).await.unwrap(), Applied::AlreadyIndexed);
	assert_eq!(db.apply_block(&blocks[0]).await.unwrap(), Applied::AlreadyIndexed);
	assert_eq!(snapshot(db).await, after_two);

	// A crash in the middle of block 3: its transaction is dropped, not committed.
	{
		let mut tx = db.begin_write().await.unwrap();
		assert_eq!(write_block(&mut tx, &blocks[2]).await.unwrap(), Applied::Indexed);
		drop(tx);
	}
	assert_eq!(db.last_indexed().await.unwrap(), Some(2), "resume point unchanged");
	assert_eq!(snapshot(db).await, after_two, "no trace of block 3");

	// A gap is refused.
	assert!(matches!(db.apply_block(&blocks[3]).await, Err(DbError::Gap { expected: 3, got: 4 })));

	// A block that fails half way (two events claim the same index) leaves nothing behind.
	let mut broken = blocks[2].clone();
	let first = broken.events[0].clone();
	broken.events.push(havn_orchestrator::model::IndexedEvent {
		index: first.index,
		event: HavnEvent::Faucet(FaucetEvent::Dripped { who: c.alice.clone(), amount: Planck(1) }),
	});
	assert!(db.apply_block(&broken).await.is_err());
	assert_eq!(db.last_indexed().await.unwrap(), Some(2));
	assert_eq!(snapshot(db).await, after_two);

	// Resuming at last + 1 indexes the rest once.
	let mut next = db.last_indexed().await.unwrap().unwrap() + 1;
	for block in &blocks[2..] {
		assert_eq!(block.number, next);
		assert_eq!(db.apply_block(block).await.unwrap(), Applied::Indexed);
		next += 1;
	}
	assert_eq!(db.last_indexed().await.unwrap(), Some(6));
	let done = snapshot(db).await;
	for block in &blocks {
		assert_eq!(db.apply_block(block).await.unwrap(), Applied::AlreadyIndexed);
	}
	assert_eq!(snapshot(db).await, done);

	// Exact planck amounts: bob earned a quarter of the fee, rounded down.
	let (jobs, total) = db.jobs(&Default::default(), 10, 0).await.unwrap();
	assert_eq!((jobs.len(), total), (2, 2));
	let (nodes, _) = db.nodes(Some(6), 100, 10, 0).await.unwrap();
	assert_eq!(nodes[0].earned, (FEE / 4).to_string());
	let events: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
		.fetch_one(db.pool())
		.await
		.unwrap()
		.try_get("n")
		.unwrap();
	let expected: usize = blocks.iter().map(|b| b.events.len()).sum();
	assert_eq!(events as usize, expected);
}

#[tokio::test]
async fn sqlite_indexes_each_block_exactly_once() {
	let (_dir, db) = sqlite().await;
	exactly_once(&db).await;
}

#[tokio::test]
async fn restart_resumes_after_the_last_committed_block() {
	let dir = tempfile::tempdir().unwrap();
	let url = format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display());
	let c = cast();
	let blocks = history(&c);
	{
		let db = Db::connect(&url).await.unwrap();
		for block in &blocks[..3] {
			db.apply_block(block).await.unwrap();
		}
		// Block 4 was being written when the process stopped: its transaction never commits.
		let mut tx = db.begin_write().await.unwrap();
		write_block(&mut tx, &blocks[3]).await.unwrap();
		drop(tx);
		db.pool().close().await;
	}
	let db = Db::connect(&url).await.unwrap();
	assert_eq!(db.last_indexed().await.unwrap(), Some(3));
	for block in &blocks[3..] {
		assert_eq!(db.apply_block(block).await.unwrap(), Applied::Indexed);
	}
	let job = db.job(0).await.unwrap().unwrap();
	assert_eq!(job.job.phase, "finalized");
	assert_eq!(job.receipts.len(), 1);
	assert_eq!(job.attestations.len(), 2);
}
