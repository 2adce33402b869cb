//! The benchmark seeder (`havn_bench::seed`): a consistent history that the API serves.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use axum::{
	body::Body,
	http::{Request, StatusCode},
	Router,
};
use havn_bench::seed::{seed, EventRows, SeedConfig, SeedError, SEED_GENESIS};
use havn_orchestrator::{
	api::{self, AppState},
	db::Db,
};
use sqlx::Row;
use std::collections::HashMap;
use tower::ServiceExt;

fn small(events: EventRows) -> SeedConfig {
	SeedConfig {
		jobs: 600,
		workflows: 30,
		creators: 12,
		payers: 40,
		nodes: 80,
		validators: 7,
		quorum: 3,
		open_jobs: 40,
		jobs_per_block: 4,
		events,
		seed: 7,
	}
}

async fn column_sum(db: &havn_orchestrator::db::Db, sql: &str) -> u128 {
	sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
		.fetch_all(db.pool())
		.await
		.unwrap()
		.iter()
		.map(|row| row.try_get::<String, _>(0).unwrap().parse::<u128>().unwrap())
		.sum()
}

async fn count(db: &havn_orchestrator::db::Db, sql: &str) -> i64 {
	sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
		.fetch_one(db.pool())
		.await
		.unwrap()
		.try_get::<i64, _>(0)
		.unwrap()
}

#[tokio::test]
async fn seeded_history_is_consistent_and_served() {
	let (dir, db) = sqlite().await;
	let config = small(EventRows::All);
	let report = seed(&db, &config).await.unwrap();
	assert_eq!(db.last_indexed().await.unwrap(), Some(report.head));
	assert_eq!(db.state("genesis_hash").await.unwrap().as_deref(), Some(SEED_GENESIS));
	assert_eq!(report.rows["jobs"], 600);
	assert_eq!(count(&db, "SELECT COUNT(*) FROM jobs").await, 600);
	// Seeding again is refused.
	assert!(matches!(seed(&db, &config).await, Err(SeedError::NotEmpty(_))));

	// Money: each settled job paid out exactly its fee; totals and earnings agree.
	let paid = column_sum(&db, "SELECT amount FROM payouts").await;
	let settled = column_sum(&db, "SELECT fee FROM settlements").await;
	assert_eq!(paid, settled);
	assert_eq!(column_sum(&db, "SELECT amount FROM totals WHERE key LIKE 'paid:%'").await, paid);
	assert_eq!(column_sum(&db, "SELECT amount FROM totals WHERE key = 'settled'").await, settled);
	assert_eq!(column_sum(&db, "SELECT earned FROM accounts").await, paid);
	let mut by_job: HashMap<i64, u128> = HashMap::new();
	for row in sqlx::query("SELECT job_id, amount FROM payouts").fetch_all(db.pool()).await.unwrap()
	{
		*by_job.entry(row.get("job_id")).or_default() +=
			row.get::<String, _>("amount").parse::<u128>().unwrap();
	}
	for row in
		sqlx::query("SELECT job_id, fee FROM settlements").fetch_all(db.pool()).await.unwrap()
	{
		let fee: u128 = row.get::<String, _>("fee").parse().unwrap();
		assert_eq!(by_job[&row.get::<i64, _>("job_id")], fee);
	}
	assert_eq!(
		count(&db, "SELECT COUNT(*) FROM settlements").await,
		count(&db, "SELECT COUNT(*) FROM jobs WHERE phase = 'finalized'").await
	);
	// Every event lies in an indexed block; every open job is among the newest.
	assert_eq!(
		count(
			&db,
			"SELECT COUNT(*) FROM events e LEFT JOIN blocks b ON b.number = e.block \
			WHERE b.number IS NULL"
		)
		.await,
		0
	);
	assert_eq!(
		count(
			&db,
			"SELECT COUNT(*) FROM jobs WHERE phase IN ('submitted', 'assigned', \
			'attesting') AND id < 560"
		)
		.await,
		0
	);

	let (_state, router) = app(dir.path(), db, Default::default()).await;
	let (status, job) = get_json(&router, "/v1/jobs/3").await;
	assert_eq!(status, StatusCode::OK, "{job}");
	if job["phase"] == "finalized" {
		let phases: Vec<_> =
			job["timeline"].as_array().unwrap().iter().map(|t| t["phase"].clone()).collect();
		assert_eq!(phases, ["submitted", "assigned", "attesting", "finalized"]);
		assert_eq!(job["attestations"].as_array().unwrap().len(), 3);
		assert!(job["events"].as_array().unwrap().len() >= 10);
	}
	let (status, page) = get_json(&router, "/v1/jobs?limit=5").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(page["total"], 600);
	assert_eq!(page["items"][0]["id"], 599);
	let (status, nodes) = get_json(&router, "/v1/nodes?limit=500").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(nodes["total"], 80);
	let (status, workflow) = get_json(&router, "/v1/workflows/0").await;
	assert_eq!(status, StatusCode::OK);
	assert!(workflow["earnings"]["indexed"]["runs"].as_u64().unwrap() > 0);
	let (status, dashboard) = get_json(&router, "/v1/dashboard").await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(dashboard["jobs"], 600);
}

#[tokio::test]
async fn timeline_rows_only_and_deterministic() {
	let (_dir_a, a) = sqlite().await;
	let (_dir_b, b) = sqlite().await;
	seed(&a, &small(EventRows::Timeline)).await.unwrap();
	seed(&b, &small(EventRows::Timeline)).await.unwrap();
	// Only phase changes (and workflow publications) are event rows.
	assert_eq!(
		count(&a, "SELECT COUNT(*) FROM events WHERE phase IS NULL AND job_id IS NOT NULL").await,
		0
	);
	let digest = |rows: Vec<sqlx::any::AnyRow>| -> Vec<(i64, String, String)> {
		rows.iter().map(|r| (r.get("id"), r.get("payer"), r.get("phase"))).collect()
	};
	let sql = "SELECT id, payer, phase FROM jobs ORDER BY id";
	assert_eq!(
		digest(sqlx::query(sql).fetch_all(a.pool()).await.unwrap()),
		digest(sqlx::query(sql).fetch_all(b.pool()).await.unwrap())
	);
}

/// A fresh SQLite database in a temporary directory.
async fn sqlite() -> (tempfile::TempDir, Db) {
	let dir = tempfile::tempdir().unwrap();
	let url = format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display());
	(dir, Db::connect(&url).await.unwrap())
}

/// The REST API over `db` (artifacts in `dir`).
async fn app(dir: &std::path::Path, db: Db, limits: api::ApiLimits) -> (AppState, Router) {
	let state = AppState::standalone(db, dir, limits).await.unwrap();
	(state.clone(), api::router(state))
}

/// `GET uri` as JSON.
async fn get_json(router: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
	let response =
		router.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
	let status = response.status();
	let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
	let json = serde_json::from_slice(&body)
		.unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
	(status, json)
}
