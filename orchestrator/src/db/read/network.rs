//! The network: execution nodes, validators, the dashboard, and what routing reads.

use super::*;

impl Db {
	/// A page of execution nodes by account, and their number. `now` is the indexed height
	/// (heartbeat ages are counted from it); `heartbeat_epoch` in blocks.
	pub async fn nodes(
		&self,
		now: Option<u32>,
		heartbeat_epoch: u32,
		limit: u32,
		offset: u64,
	) -> Result<(Vec<NodeView>, u64), DbError> {
		let mut conn = self.pool().acquire().await?;
		let rows = sqlx::query(
			"SELECT account, compute_class, bonded, unbonding, slashed, earned, receipt_key, \
			 capabilities, registered_block, last_heartbeat, gpu_metrics, reputation_ppm \
			 FROM accounts WHERE role = 'execution_node' ORDER BY account LIMIT $1 OFFSET $2",
		)
		.bind(i64::from(limit))
		.bind(int(offset)?)
		.fetch_all(&mut *conn)
		.await?;
		let accounts = rows
			.iter()
			.map(|row| row.try_get::<String, _>("account"))
			.collect::<Result<Vec<_>, _>>()?;
		let counts =
			node_job_counts(&mut conn, &accounts, &["assigned", "attesting", "finalized"]).await?;
		let mut items = Vec::with_capacity(rows.len());
		for row in &rows {
			let account: String = row.try_get("account")?;
			let last_heartbeat = opt_block(row, "last_heartbeat")?;
			let age = match (now, last_heartbeat) {
				(Some(now), Some(hb)) => Some(now.saturating_sub(hb)),
				_ => None,
			};
			let count = |phase: &str| {
				counts.get(&agg::node_phase_key(&account, phase)).copied().unwrap_or(0)
			};
			items.push(NodeView {
				compute_class: row.try_get("compute_class")?,
				bonded: row.try_get("bonded")?,
				unbonding: row.try_get("unbonding")?,
				slashed: row.try_get("slashed")?,
				earned: row.try_get("earned")?,
				receipt_key: row.try_get("receipt_key")?,
				capabilities: row
					.try_get::<Option<String>, _>("capabilities")?
					.map(|c| serde_json::from_str(&c))
					.transpose()
					.map_err(|_| DbError::Corrupt("accounts.capabilities"))?,
				registered_block: opt_block(row, "registered_block")?,
				last_heartbeat,
				heartbeat_age_blocks: age,
				quarantined: age.is_some_and(|a| a > heartbeat_epoch.saturating_mul(3)),
				gpu_metrics: row
					.try_get::<Option<String>, _>("gpu_metrics")?
					.map(|m| serde_json::from_str(&m))
					.transpose()
					.map_err(|_| DbError::Corrupt("accounts.gpu_metrics"))?,
				reputation_ppm: reputation(row)?,
				jobs_assigned: counts.get(&agg::node_key(&account)).copied().unwrap_or(0),
				jobs_open: count("assigned") + count("attesting"),
				jobs_finalized: count("finalized"),
				account,
			});
		}
		let total =
			count(&mut conn, "SELECT COUNT(*) AS n FROM accounts WHERE role = 'execution_node'")
				.await?;
		Ok((items, total))
	}

	/// A page of validators by account, and their number.
	pub async fn validators(
		&self,
		limit: u32,
		offset: u64,
	) -> Result<(Vec<ValidatorView>, u64), DbError> {
		let mut conn = self.pool().acquire().await?;
		let rows = sqlx::query(
			"SELECT a.account, a.bonded, a.unbonding, a.slashed, a.earned, a.active_validator, \
			 a.reputation_ppm FROM accounts a WHERE a.role = 'validator' OR \
			 a.active_validator = 1 ORDER BY a.account LIMIT $1 OFFSET $2",
		)
		.bind(i64::from(limit))
		.bind(int(offset)?)
		.fetch_all(&mut *conn)
		.await?;
		let keys = rows
			.iter()
			.map(|row| row.try_get::<String, _>("account").map(|a| agg::attestations_key(&a)))
			.collect::<Result<Vec<_>, _>>()?;
		let attestations = counts_of(&mut conn, &keys).await?;
		let items = rows
			.iter()
			.map(|row| {
				Ok(ValidatorView {
					account: row.try_get("account")?,
					bonded: row.try_get("bonded")?,
					unbonding: row.try_get("unbonding")?,
					slashed: row.try_get("slashed")?,
					earned: row.try_get("earned")?,
					active: row.try_get::<i64, _>("active_validator")? != 0,
					reputation_ppm: reputation(row)?,
					attestations: attestations
						.get(&agg::attestations_key(&row.try_get::<String, _>("account")?))
						.copied()
						.unwrap_or(0),
				})
			})
			.collect::<Result<Vec<_>, DbError>>()?;
		let total = count(
			&mut conn,
			"SELECT COUNT(*) AS n FROM accounts WHERE role = 'validator' OR \
				 active_validator = 1",
		)
		.await?;
		Ok((items, total))
	}

	/// Network totals at the indexed height `now`.
	pub async fn dashboard(
		&self,
		now: Option<u32>,
		heartbeat_epoch: u32,
		finalized: Option<u32>,
	) -> Result<Dashboard, DbError> {
		let mut conn = self.pool().acquire().await?;
		let keys: Vec<String> = PHASES.iter().map(|p| agg::phase_key(p)).collect();
		let counts = counts_of(&mut conn, &keys).await?;
		let jobs_by_phase: BTreeMap<String, u64> = PHASES
			.iter()
			.map(|p| (p.to_string(), counts.get(&agg::phase_key(p)).copied().unwrap_or(0)))
			.collect();
		let totals = sqlx::query("SELECT key, amount, count FROM totals")
			.fetch_all(&mut *conn)
			.await?
			.iter()
			.map(|row| {
				Ok((
					row.try_get::<String, _>("key")?,
					(
						planck(&row.try_get::<String, _>("amount")?, "totals.amount")?,
						uint(row.try_get("count")?, "totals.count")?,
					),
				))
			})
			.collect::<Result<HashMap<_, _>, DbError>>()?;
		let total = |key: &str| totals.get(key).copied().unwrap_or((0, 0));
		let active_since = i64::from(now.unwrap_or(0).saturating_sub(heartbeat_epoch));
		let active_nodes = sqlx::query(
			"SELECT COUNT(*) AS n FROM accounts WHERE role = 'execution_node' AND \
			 last_heartbeat IS NOT NULL AND last_heartbeat >= $1",
		)
		.bind(active_since)
		.fetch_one(&mut *conn)
		.await?
		.try_get::<i64, _>("n")?;
		Ok(Dashboard {
			workflows: count(&mut conn, "SELECT COUNT(*) AS n FROM workflows").await?,
			jobs: jobs_by_phase.values().sum(),
			jobs_by_phase,
			jobs_settled: total("settled").1,
			fees_settled: total("settled").0.to_string(),
			paid_by_role: role_amounts(|role| total(&format!("paid:{role}")).0),
			faucet_dripped: total("faucet").0.to_string(),
			nodes: count(
				&mut conn,
				"SELECT COUNT(*) AS n FROM accounts WHERE role = 'execution_node'",
			)
			.await?,
			active_nodes: if now.is_some() { uint(active_nodes, "count")? } else { 0 },
			active_validators: count(
				&mut conn,
				"SELECT COUNT(*) AS n FROM accounts WHERE active_validator = 1",
			)
			.await?,
			relays: count(&mut conn, "SELECT COUNT(*) AS n FROM accounts WHERE role = 'relay'")
				.await?,
			indexed_block: now,
			finalized_block: finalized,
			lag_blocks: match (finalized, now) {
				(Some(f), Some(n)) => Some(f.saturating_sub(n)),
				(Some(f), None) => Some(f),
				_ => None,
			},
		})
	}

	/// Execution nodes with a receipt key, with their open job counts (routing candidates).
	pub async fn node_rows(&self) -> Result<Vec<NodeRow>, DbError> {
		let mut conn = self.pool().acquire().await?;
		// One query, one row per node: the open-job counts are grouped in SQL and joined.
		sqlx::query(
			"SELECT a.account, a.compute_class, a.last_heartbeat, a.reputation_ppm, a.bonded, \
			 COALESCE(l.n, 0) AS open_jobs FROM accounts a LEFT JOIN (SELECT n.node, COUNT(*) \
			 AS n FROM job_nodes n JOIN jobs j ON j.id = n.job_id WHERE j.phase IN \
			 ('assigned', 'attesting') GROUP BY n.node) l ON l.node = a.account \
			 WHERE a.role = 'execution_node' AND a.receipt_key IS NOT NULL ORDER BY a.account",
		)
		.fetch_all(&mut *conn)
		.await?
		.iter()
		.map(|row| {
			Ok(NodeRow {
				account: row.try_get("account")?,
				compute_class: row.try_get("compute_class")?,
				last_heartbeat: opt_block(row, "last_heartbeat")?,
				reputation_ppm: reputation(row)?,
				open_jobs: u32::try_from(row.try_get::<i64, _>("open_jobs")?).unwrap_or(u32::MAX),
				// Written by the stake projection as a decimal u128; anything else counts as
				// nothing bonded, which only makes the node unroutable.
				bonded: row.try_get::<String, _>("bonded")?.parse().unwrap_or(0),
			})
		})
		.collect()
	}

	/// Jobs still `Submitted`, not partly claimed, whose deadline is after block `due_after`
	/// (the relay passes the head plus the execution window: a job that a node would not have
	/// time to run is not routed), in id order from the first after `after` (`None`: from the
	/// oldest), at most `limit`: one page of the relay's rotation over the open jobs.
	pub async fn open_jobs(
		&self,
		due_after: u32,
		after: Option<u64>,
		limit: u32,
	) -> Result<Vec<OpenJob>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let rows = sqlx::query(
			"SELECT j.id, j.compute_class, j.redundancy, j.deadline FROM jobs j \
			 WHERE j.phase = 'submitted' AND j.deadline > $1 AND j.redundancy IS NOT NULL AND \
			 j.id > $2 AND NOT EXISTS (SELECT 1 FROM job_nodes n WHERE n.job_id = j.id) \
			 ORDER BY j.id LIMIT $3",
		)
		.bind(i64::from(due_after))
		.bind(after.map_or(Ok(-1), int)?)
		.bind(i64::from(limit))
		.fetch_all(&mut *conn)
		.await?;
		let mut jobs = rows
			.iter()
			.map(|row| {
				Ok(OpenJob {
					id: uint(row.try_get("id")?, "jobs.id")?,
					compute_class: row.try_get("compute_class")?,
					redundancy: u8::try_from(row.try_get::<i64, _>("redundancy")?)
						.map_err(|_| DbError::Corrupt("jobs.redundancy"))?,
					deadline: block(row.try_get("deadline")?, "jobs.deadline")?,
					released_by: Vec::new(),
				})
			})
			.collect::<Result<Vec<_>, DbError>>()?;
		if jobs.is_empty() {
			return Ok(jobs);
		}
		// The nodes that gave each job back (`JobReleased`): not routed to it again.
		let placeholders: Vec<String> = (1..=jobs.len()).map(|i| format!("${i}")).collect();
		let sql = format!(
			"SELECT job_id, account FROM events WHERE name = 'JobReleased' AND job_id IN ({})",
			placeholders.join(", ")
		);
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
		for job in &jobs {
			query = query.bind(int(job.id)?);
		}
		let mut released: HashMap<u64, Vec<String>> = HashMap::new();
		for row in query.fetch_all(&mut *conn).await? {
			if let Some(node) = row.try_get::<Option<String>, _>("account")? {
				released
					.entry(uint(row.try_get("job_id")?, "events.job_id")?)
					.or_default()
					.push(node);
			}
		}
		for job in &mut jobs {
			job.released_by = released.remove(&job.id).unwrap_or_default();
		}
		Ok(jobs)
	}

	/// Ended jobs the chain still keeps, as of indexed block `now`, oldest first, at most
	/// `limit`: `expired` or `rejected` ones, and `finalized` ones whose challenge window
	/// (`challenge_window` blocks after finalization) is over: what `ExecutionLog::prune`
	/// takes. A job leaves the list once its `JobPruned` is indexed.
	pub async fn prunable_jobs(
		&self,
		now: u32,
		challenge_window: u32,
		limit: u32,
	) -> Result<Vec<u64>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let rows = sqlx::query(
			"SELECT id FROM jobs WHERE pruned_block IS NULL AND closed_block IS NOT NULL AND \
			 (phase IN ('expired', 'rejected') OR \
			 (phase = 'finalized' AND finalized_block IS NOT NULL AND finalized_block < $1)) \
			 ORDER BY closed_block, id LIMIT $2",
		)
		.bind(i64::from(now) - i64::from(challenge_window))
		.bind(i64::from(limit))
		.fetch_all(&mut *conn)
		.await?;
		rows.iter().map(|row| uint(row.try_get("id")?, "jobs.id")).collect()
	}

	/// The bonded role of `account` (`execution_node`, `validator`, `relay`), if any.
	pub async fn account_role(&self, account: &str) -> Result<Option<String>, DbError> {
		let mut conn = self.pool().acquire().await?;
		Ok(sqlx::query("SELECT role FROM accounts WHERE account = $1")
			.bind(account.to_string())
			.fetch_optional(&mut *conn)
			.await?
			.map(|row| row.try_get::<Option<String>, _>("role"))
			.transpose()?
			.flatten())
	}
}
