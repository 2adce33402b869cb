//! Running aggregates (`migrations/0002_aggregates.sql`): row counts and earnings that the
//! block writes keep current, so that no request counts or sums millions of rows.
//!
//! - `counts`: `jobs`, `jobs:phase:<phase>`, `jobs:workflow:<id>`, `jobs:payer:<account>`,
//!   `jobs:node:<account>` and `jobs:node:<account>:<phase>` (jobs the node was assigned or
//!   claimed, in all and by the job's phase), `attestations:<validator>`.
//! - `earnings` (planck as decimal TEXT, with a count): `workflow:<id>:settled` (fees of the
//!   settled jobs; count = runs), `workflow:<id>:paid:<role>` (payouts by the workflow in
//!   `payouts.workflow_id`), `upstream:<account>` and `upstream:<account>:<workflow id>`
//!   (upstream payouts to the account, in all and from one workflow's jobs).
//!
//! The write path ([`super::write`]) collects a block's changes in [`Deltas`] and applies them
//! once at the end of the block's transaction (a few statements per block, not per event),
//! so they are exactly as current as the rows they summarise. [`Db::rebuild_aggregates`] recomputes them
//! from the indexed rows; [`Db::connect`] runs it once on a database indexed before they
//! existed (recorded as [`AGGREGATES_KEY`] in `indexer_state`).

use super::{planck, set_state_in, Db, DbError, Dialect};
use futures::TryStreamExt;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Key in `indexer_state` of the aggregates' version.
pub const AGGREGATES_KEY: &str = "aggregates_version";
/// The current version of the aggregates.
pub const AGGREGATES_VERSION: &str = "1";

/// Count key of every job.
pub const JOBS: &str = "jobs";

/// Count key of the jobs in `phase`.
pub fn phase_key(phase: &str) -> String {
	format!("jobs:phase:{phase}")
}

/// Count key of the jobs of workflow `id`.
pub fn workflow_jobs_key(id: i64) -> String {
	format!("jobs:workflow:{id}")
}

/// Count key of the jobs paid by `payer`.
pub fn payer_key(payer: &str) -> String {
	format!("jobs:payer:{payer}")
}

/// Count key of the jobs of `node`.
pub fn node_key(node: &str) -> String {
	format!("jobs:node:{node}")
}

/// Count key of the jobs of `node` in `phase`.
pub fn node_phase_key(node: &str, phase: &str) -> String {
	format!("jobs:node:{node}:{phase}")
}

/// Count key of the attestations of `validator`.
pub fn attestations_key(validator: &str) -> String {
	format!("attestations:{validator}")
}

/// Earnings key of workflow `id`'s settled fees.
pub fn settled_key(id: i64) -> String {
	format!("workflow:{id}:settled")
}

/// Earnings key of workflow `id`'s payouts to `role`.
pub fn paid_key(id: i64, role: &str) -> String {
	format!("workflow:{id}:paid:{role}")
}

/// Earnings key of every upstream payout to `account`.
pub fn upstream_key(account: &str) -> String {
	format!("upstream:{account}")
}

/// Earnings key of the upstream payouts to `account` from workflow `id`'s jobs.
pub fn upstream_from_key(account: &str, id: i64) -> String {
	format!("upstream:{account}:{id}")
}

/// The changes one block makes to the aggregates, applied by [`Deltas::apply`] inside the
/// block's transaction.
#[derive(Debug, Default)]
pub struct Deltas {
	counts: HashMap<String, i64>,
	/// Planck added, planck taken away and the change of count, per earnings key.
	earnings: HashMap<String, (u128, u128, i64)>,
}

impl Deltas {
	/// Add `delta` to the count `key`.
	pub fn count(&mut self, key: String, delta: i64) {
		*self.counts.entry(key).or_default() += delta;
	}

	/// Add (`add`) or take away `amount` planck and one to (from) the earnings `key`.
	pub fn earn(&mut self, key: String, amount: u128, add: bool) {
		let entry = self.earnings.entry(key).or_default();
		if add {
			entry.0 = entry.0.saturating_add(amount);
			entry.2 += 1;
		} else {
			entry.1 = entry.1.saturating_add(amount);
			entry.2 -= 1;
		}
	}

	/// A job was inserted in `phase`.
	pub fn job_added(&mut self, workflow: i64, payer: &str, phase: &str) {
		self.count(JOBS.to_string(), 1);
		self.count(phase_key(phase), 1);
		self.count(workflow_jobs_key(workflow), 1);
		self.count(payer_key(payer), 1);
	}

	/// The count changes by key, and the earnings changes by key (planck added, planck taken
	/// away, change of count); the block writer applies them ([`crate::projection::writer`]).
	pub fn into_parts(self) -> (HashMap<String, i64>, HashMap<String, (u128, u128, i64)>) {
		(self.counts, self.earnings)
	}
}

/// Counts of `keys` (absent keys count zero).
pub async fn counts_of(
	conn: &mut AnyConnection,
	keys: &[String],
) -> Result<HashMap<String, u64>, DbError> {
	let mut out = HashMap::new();
	// A bounded number of parameters per statement.
	for chunk in keys.chunks(100) {
		let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
		let sql =
			format!("SELECT key, count FROM counts WHERE key IN ({})", placeholders.join(", "));
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
		for key in chunk {
			query = query.bind(key.clone());
		}
		for row in query.fetch_all(&mut *conn).await? {
			let count = super::uint(row.try_get("count")?, "counts.count")?;
			out.insert(row.try_get::<String, _>("key")?, count);
		}
	}
	Ok(out)
}

/// Amounts (planck) and counts of the earnings `keys` (absent keys are zero).
pub async fn earnings_of(
	conn: &mut AnyConnection,
	keys: &[String],
) -> Result<HashMap<String, (u128, u64)>, DbError> {
	let mut out = HashMap::new();
	for chunk in keys.chunks(100) {
		let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
		let sql = format!(
			"SELECT key, amount, count FROM earnings WHERE key IN ({})",
			placeholders.join(", ")
		);
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
		for key in chunk {
			query = query.bind(key.clone());
		}
		for row in query.fetch_all(&mut *conn).await? {
			let amount = planck(&row.try_get::<String, _>("amount")?, "earnings.amount")?;
			let count = super::uint(row.try_get("count")?, "earnings.count")?;
			out.insert(row.try_get::<String, _>("key")?, (amount, count));
		}
	}
	Ok(out)
}

impl Db {
	/// Fill the aggregates if this database was indexed without them (or by an older version).
	pub async fn ensure_aggregates(&self) -> Result<(), DbError> {
		if self.state(AGGREGATES_KEY).await?.as_deref() == Some(AGGREGATES_VERSION) {
			return Ok(());
		}
		let started = std::time::Instant::now();
		self.rebuild_aggregates().await?;
		tracing::info!(seconds = started.elapsed().as_secs_f64(), "aggregates rebuilt");
		Ok(())
	}

	/// Recompute every aggregate from the indexed rows, in one write transaction (the indexer
	/// waits for it), and record their version.
	pub async fn rebuild_aggregates(&self) -> Result<(), DbError> {
		let mut tx = self.begin_write().await?;
		if self.dialect() == Dialect::Postgres {
			// Block writers of another orchestrator on the same database until done.
			sqlx::query("LOCK TABLE counts, earnings IN EXCLUSIVE MODE").execute(&mut *tx).await?;
		}
		sqlx::query("DELETE FROM counts").execute(&mut *tx).await?;
		sqlx::query("DELETE FROM earnings").execute(&mut *tx).await?;
		for sql in [
			"INSERT INTO counts (key, count) SELECT 'jobs', COUNT(*) FROM jobs",
			"INSERT INTO counts (key, count) SELECT 'jobs:phase:' || phase, COUNT(*) FROM jobs \
			 GROUP BY phase",
			"INSERT INTO counts (key, count) SELECT 'jobs:workflow:' || CAST(workflow_id AS \
			 TEXT), COUNT(*) FROM jobs GROUP BY workflow_id",
			"INSERT INTO counts (key, count) SELECT 'jobs:payer:' || payer, COUNT(*) FROM jobs \
			 GROUP BY payer",
			"INSERT INTO counts (key, count) SELECT 'jobs:node:' || n.node, COUNT(*) FROM \
			 job_nodes n JOIN jobs j ON j.id = n.job_id GROUP BY n.node",
			"INSERT INTO counts (key, count) SELECT 'jobs:node:' || n.node || ':' || j.phase, \
			 COUNT(*) FROM job_nodes n JOIN jobs j ON j.id = n.job_id GROUP BY n.node, j.phase",
			"INSERT INTO counts (key, count) SELECT 'attestations:' || validator, COUNT(*) FROM \
			 attestations GROUP BY validator",
		] {
			sqlx::query(sql).execute(&mut *tx).await?;
		}

		let mut earnings: HashMap<String, (u128, i64)> = HashMap::new();
		let mut add = |key: String, amount: u128| {
			let entry = earnings.entry(key).or_default();
			entry.0 = entry.0.saturating_add(amount);
			entry.1 += 1;
		};
		{
			let mut rows = sqlx::query("SELECT workflow_id, fee FROM settlements").fetch(&mut *tx);
			while let Some(row) = rows.try_next().await? {
				let fee = planck(&row.try_get::<String, _>("fee")?, "settlements.fee")?;
				add(settled_key(row.try_get("workflow_id")?), fee);
			}
		}
		{
			let mut rows =
				sqlx::query("SELECT workflow_id, payee, role, amount FROM payouts").fetch(&mut *tx);
			while let Some(row) = rows.try_next().await? {
				let amount = planck(&row.try_get::<String, _>("amount")?, "payouts.amount")?;
				let workflow: Option<i64> = row.try_get("workflow_id")?;
				let role: String = row.try_get("role")?;
				if let Some(workflow) = workflow {
					add(paid_key(workflow, &role), amount);
				}
				if role == "upstream" {
					let payee: String = row.try_get("payee")?;
					add(upstream_key(&payee), amount);
					if let Some(workflow) = workflow {
						add(upstream_from_key(&payee, workflow), amount);
					}
				}
			}
		}
		for (key, (amount, count)) in earnings {
			sqlx::query("INSERT INTO earnings (key, amount, count) VALUES ($1, $2, $3)")
				.bind(key)
				.bind(amount.to_string())
				.bind(count)
				.execute(&mut *tx)
				.await?;
		}
		set_state_in(&mut tx, AGGREGATES_KEY, AGGREGATES_VERSION).await?;
		tx.commit().await?;
		Ok(())
	}
}
