//! The same contract on PostgreSQL. Ignored by default (it needs a server):
//! `HAVN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test -p
//! havn-orchestrator -- --ignored postgres`. A fresh database is created and dropped.

use crate::{fixtures::*, indexer_db::exactly_once};
use havn_orchestrator::db::Db;

async fn fresh_database() -> (String, String) {
	let admin = std::env::var("HAVN_TEST_POSTGRES_URL")
		.expect("HAVN_TEST_POSTGRES_URL names a PostgreSQL server");
	sqlx::any::install_default_drivers();
	let name = format!(
		"havn_test_{}_{}",
		std::process::id(),
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
	);
	let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
	sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
		.execute(&pool)
		.await
		.unwrap();
	pool.close().await;
	let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
	(admin, format!("{base}/{name}"))
}

async fn drop_database(admin: &str, url: &str) {
	let name = url.rsplit('/').next().unwrap();
	let pool = sqlx::AnyPool::connect(admin).await.unwrap();
	sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
		.execute(&pool)
		.await
		.unwrap();
}

#[tokio::test]
#[ignore = "needs a PostgreSQL server in HAVN_TEST_POSTGRES_URL"]
async fn postgres_exactly_once_and_api() {
	let (admin, url) = fresh_database().await;
	{
		let db = Db::connect(&url).await.unwrap();
		exactly_once(&db).await;
		// Migrations are idempotent.
		db.migrate().await.unwrap();
		let dir = tempfile::tempdir().unwrap();
		let (state, router) = app(dir.path(), db.clone(), Default::default()).await;
		state.status.set_indexed(6, &state.metrics);
		let (_, job) = get_json(&router, "/v1/jobs/0").await;
		assert_eq!(job["phase"], "finalized");
		assert_eq!(job["timeline"].as_array().unwrap().len(), 4);
		let (_, jobs) = get_json(&router, "/v1/jobs?phase=expired&workflow=0").await;
		assert_eq!(jobs["total"], 1);
		let (_, wf) = get_json(&router, "/v1/workflows/1").await;
		assert_eq!(wf["earnings"]["indexed"]["total_fees"], FEE.to_string());
		let (_, dash) = get_json(&router, "/v1/dashboard").await;
		assert_eq!(dash["fees_settled"], FEE.to_string());
		let (_, nodes) = get_json(&router, "/v1/nodes").await;
		assert_eq!(nodes["items"][0]["jobs_finalized"], 1);
		let (_, validators) = get_json(&router, "/v1/validators").await;
		assert_eq!(validators["total"], 2);
		db.pool().close().await;
	}
	drop_database(&admin, &url).await;
}
