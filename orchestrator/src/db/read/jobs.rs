//! Jobs: the list, one job with its receipts, attestations and payouts, and its phase.

use super::*;

impl Db {
	/// A page of jobs matching `filter`, newest first, and the number matching.
	///
	/// Only the filters given become conditions, so that the index of the filter (or, for a
	/// node, `job_nodes` by node) gives the page in id order; the number matching comes from the
	/// running counts when at most one filter is given.
	pub async fn jobs(
		&self,
		filter: &JobFilter,
		limit: u32,
		offset: u64,
	) -> Result<(Vec<JobSummary>, u64), DbError> {
		let mut conn = self.pool().acquire().await?;
		enum Bind {
			Int(i64),
			Text(String),
		}
		let mut conditions: Vec<String> = Vec::new();
		let mut binds: Vec<Bind> = Vec::new();
		let mut count_key = None;
		let mut filters = 0;
		if let Some(workflow) = filter.workflow {
			let workflow = int(workflow)?;
			binds.push(Bind::Int(workflow));
			conditions.push(format!("j.workflow_id = ${}", binds.len()));
			count_key = Some(agg::workflow_jobs_key(workflow));
			filters += 1;
		}
		if let Some(payer) = &filter.payer {
			binds.push(Bind::Text(payer.clone()));
			conditions.push(format!("j.payer = ${}", binds.len()));
			count_key = Some(agg::payer_key(payer));
			filters += 1;
		}
		if let Some(phase) = filter.phase {
			binds.push(Bind::Text(phase.to_string()));
			conditions.push(format!("j.phase = ${}", binds.len()));
			count_key = Some(agg::phase_key(phase));
			filters += 1;
		}
		let from = match &filter.node {
			Some(node) => {
				binds.push(Bind::Text(node.clone()));
				conditions.push(format!("n.node = ${}", binds.len()));
				count_key = Some(agg::node_key(node));
				filters += 1;
				"job_nodes n JOIN jobs j ON j.id = n.job_id"
			}
			None => "jobs j",
		};
		let order = if filter.node.is_some() { "n.job_id" } else { "j.id" };
		let condition = if conditions.is_empty() {
			String::new()
		} else {
			format!("WHERE {}", conditions.join(" AND "))
		};
		let columns = JOB_COLUMNS.split(", ").map(|c| format!("j.{c}")).collect::<Vec<_>>();
		let sql = format!(
			"SELECT {} FROM {from} {condition} ORDER BY {order} DESC LIMIT ${} OFFSET ${}",
			columns.join(", "),
			binds.len() + 1,
			binds.len() + 2
		);
		let bind_all = |sql: String| {
			let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
			for bind in &binds {
				query = match bind {
					Bind::Int(v) => query.bind(*v),
					Bind::Text(v) => query.bind(v.clone()),
				};
			}
			query
		};
		let rows =
			bind_all(sql).bind(i64::from(limit)).bind(int(offset)?).fetch_all(&mut *conn).await?;
		let mut items = rows.iter().map(job_row).collect::<Result<Vec<_>, _>>()?;
		fill_nodes(&mut conn, &mut items).await?;
		let total = if filters <= 1 {
			let key = count_key.unwrap_or_else(|| agg::JOBS.to_string());
			counts_of(&mut conn, std::slice::from_ref(&key)).await?.get(&key).copied().unwrap_or(0)
		} else {
			let sql = format!("SELECT COUNT(*) AS n FROM {from} {condition}");
			uint(bind_all(sql).fetch_one(&mut *conn).await?.try_get::<i64, _>("n")?, "count")?
		};
		Ok((items, total))
	}

	/// One job with its timeline, events, receipts, attestations and payouts.
	pub async fn job(&self, id: u64) -> Result<Option<JobDetail>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let Ok(id_i) = i64::try_from(id) else { return Ok(None) };
		let sql = format!(
			"SELECT {JOB_COLUMNS}, input_digest, input_uri, assigned_by, committee, \
			 adjudicators, challenger FROM jobs WHERE id = $1"
		);
		let Some(row) =
			sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id_i).fetch_optional(&mut *conn).await?
		else {
			return Ok(None);
		};
		let mut job = job_row(&row)?;
		fill_nodes(&mut conn, std::slice::from_mut(&mut job)).await?;
		let committee = json_accounts(&row.try_get::<String, _>("committee")?, "jobs.committee")?;
		let adjudicators = row
			.try_get::<Option<String>, _>("adjudicators")?
			.map(|a| json_accounts(&a, "jobs.adjudicators"))
			.transpose()?;

		let event_rows = sqlx::query(
			"SELECT e.block, e.event_index, e.pallet, e.name, e.phase, e.data, b.timestamp_ms \
			 FROM events e JOIN blocks b ON b.number = e.block WHERE e.job_id = $1 \
			 ORDER BY e.block, e.event_index",
		)
		.bind(id_i)
		.fetch_all(&mut *conn)
		.await?;
		let mut timeline = Vec::new();
		let mut events = Vec::new();
		for row in &event_rows {
			let data: String = row.try_get("data")?;
			let event = EventView {
				block: block(row.try_get("block")?, "events.block")?,
				event_index: block(row.try_get("event_index")?, "events.event_index")?,
				pallet: row.try_get("pallet")?,
				name: row.try_get("name")?,
				timestamp_ms: uint(row.try_get("timestamp_ms")?, "blocks.timestamp_ms")?,
				data: serde_json::from_str(&data).map_err(|_| DbError::Corrupt("events.data"))?,
			};
			if let Some(phase) = row.try_get::<Option<String>, _>("phase")? {
				timeline.push(TimelineEntry {
					phase,
					block: event.block,
					timestamp_ms: event.timestamp_ms,
					event: event.name.clone(),
				});
			}
			events.push(event);
		}

		let receipts = sqlx::query(
			"SELECT node, runtime_hash, outputs_cid, latency_ms, energy_mj, signature, block \
			 FROM receipts WHERE job_id = $1 ORDER BY block, node",
		)
		.bind(id_i)
		.fetch_all(&mut *conn)
		.await?
		.iter()
		.map(|row| {
			Ok(ReceiptView {
				node: row.try_get("node")?,
				runtime_hash: row.try_get("runtime_hash")?,
				outputs_cid: row.try_get("outputs_cid")?,
				latency_ms: opt_block(row, "latency_ms")?,
				energy_mj: row
					.try_get::<Option<String>, _>("energy_mj")?
					.map(|e| e.parse().map_err(|_| DbError::Corrupt("receipts.energy_mj")))
					.transpose()?,
				signature: row.try_get("signature")?,
				block: block(row.try_get("block")?, "receipts.block")?,
			})
		})
		.collect::<Result<Vec<_>, DbError>>()?;

		let attestations = sqlx::query(
			"SELECT validator, verdict, reexecution_digest, stage, block, batched_by \
			 FROM attestations WHERE job_id = $1 ORDER BY block, event_index",
		)
		.bind(id_i)
		.fetch_all(&mut *conn)
		.await?
		.iter()
		.map(|row| {
			Ok(AttestationView {
				validator: row.try_get("validator")?,
				verdict: row.try_get("verdict")?,
				reexecution_digest: row.try_get("reexecution_digest")?,
				stage: row.try_get("stage")?,
				block: block(row.try_get("block")?, "attestations.block")?,
				batched_by: row.try_get("batched_by")?,
			})
		})
		.collect::<Result<Vec<_>, DbError>>()?;

		let payouts = sqlx::query(
			"SELECT payee, role, amount, block FROM payouts WHERE job_id = $1 \
			 ORDER BY block, event_index",
		)
		.bind(id_i)
		.fetch_all(&mut *conn)
		.await?
		.iter()
		.map(|row| {
			Ok(PayoutView {
				payee: row.try_get("payee")?,
				role: row.try_get("role")?,
				amount: row.try_get("amount")?,
				block: block(row.try_get("block")?, "payouts.block")?,
			})
		})
		.collect::<Result<Vec<_>, DbError>>()?;

		Ok(Some(JobDetail {
			job,
			input_digest: row.try_get("input_digest")?,
			input_uri: row.try_get("input_uri")?,
			assigned_by: row.try_get("assigned_by")?,
			committee,
			adjudicators,
			challenger: row.try_get("challenger")?,
			timeline,
			events,
			receipts,
			attestations,
			payouts,
		}))
	}

	/// A job's phase and the committee deciding it now (the adjudicators while challenged).
	pub async fn job_phase(&self, id: u64) -> Result<Option<(String, Vec<String>)>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let Ok(id) = i64::try_from(id) else { return Ok(None) };
		let Some(row) =
			sqlx::query("SELECT phase, committee, adjudicators FROM jobs WHERE id = $1")
				.bind(id)
				.fetch_optional(&mut *conn)
				.await?
		else {
			return Ok(None);
		};
		let phase: String = row.try_get("phase")?;
		let committee = if phase == "challenged" {
			row.try_get::<Option<String>, _>("adjudicators")?
				.map(|a| json_accounts(&a, "jobs.adjudicators"))
				.transpose()?
				.unwrap_or_default()
		} else {
			json_accounts(&row.try_get::<String, _>("committee")?, "jobs.committee")?
		};
		Ok(Some((phase, committee)))
	}
}
