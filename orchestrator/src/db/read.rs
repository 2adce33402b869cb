//! Queries behind the REST API and routing. Every list is paginated by the caller's `limit`
//! and `offset`; planck amounts are summed in Rust (u128), never in SQL. Totals and earnings
//! come from the running aggregates ([`super::aggregates`]), so that each query reads a bounded
//! number of rows however large the index grows.

use super::{
	aggregates::{self as agg, counts_of, earnings_of},
	block, int, planck, uint, Db, DbError,
};
use crate::{
	model::{PayeeRole, RoyaltyPpm, NEWCOMER_SCORE_PPM, PHASES},
	views::*,
};
use sqlx::{any::AnyRow, AnyConnection, Row};
use std::collections::{BTreeMap, HashMap};

/// Filters of `GET /v1/jobs`.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
	/// Only jobs of this workflow.
	pub workflow: Option<u64>,
	/// Only jobs paid by this account (canonical SS58).
	pub payer: Option<String>,
	/// Only jobs run by this node (canonical SS58).
	pub node: Option<String>,
	/// Only jobs in this phase (a stored phase name).
	pub phase: Option<&'static str>,
}

/// A routing candidate as stored: an execution node with a receipt key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRow {
	/// Account.
	pub account: String,
	/// Bonded class (`S`…`XL`).
	pub compute_class: Option<String>,
	/// Last heartbeat block.
	pub last_heartbeat: Option<u32>,
	/// Reputation, ppm (newcomers 500,000).
	pub reputation_ppm: u32,
	/// Jobs assigned and not yet decided.
	pub open_jobs: u32,
}

/// A job waiting for a relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenJob {
	/// Job id.
	pub id: u64,
	/// Class (`S`…`XL`).
	pub compute_class: String,
	/// Nodes needed.
	pub redundancy: u8,
	/// Expiry block.
	pub deadline: u32,
}

const WORKFLOW_COLUMNS: &str = "id, owner, creator, kind, manifest_hash, manifest_uri, \
	compute_class, base_fee, royalty, parent, depth, version, status, flag_reason, deposit, \
	created_block, updated_block";

const JOB_COLUMNS: &str = "id, workflow_id, payer, fee, compute_class, redundancy, phase, \
	submitted_block, deadline, assigned_block, finalized_block, closed_block, sampled, \
	valid_verdicts, invalid_verdicts, updated_block";

fn opt_block(row: &AnyRow, column: &'static str) -> Result<Option<u32>, DbError> {
	row.try_get::<Option<i64>, _>(column)?.map(|v| block(v, column)).transpose()
}

fn workflow_row(row: &AnyRow) -> Result<WorkflowSummary, DbError> {
	let royalty: String = row.try_get("royalty")?;
	let royalty: RoyaltyPpm =
		serde_json::from_str(&royalty).map_err(|_| DbError::Corrupt("workflows.royalty"))?;
	let flag_reason: Option<String> = row.try_get("flag_reason")?;
	Ok(WorkflowSummary {
		id: uint(row.try_get("id")?, "workflows.id")?,
		owner: row.try_get("owner")?,
		creator: row.try_get("creator")?,
		kind: row.try_get("kind")?,
		manifest_hash: row.try_get("manifest_hash")?,
		manifest_uri: row.try_get("manifest_uri")?,
		compute_class: row.try_get("compute_class")?,
		base_fee: row.try_get("base_fee")?,
		royalty,
		parent: row
			.try_get::<Option<i64>, _>("parent")?
			.map(|p| uint(p, "workflows.parent"))
			.transpose()?,
		depth: block(row.try_get("depth")?, "workflows.depth")?,
		version: block(row.try_get("version")?, "workflows.version")?,
		status: row.try_get("status")?,
		flagged: flag_reason.is_some(),
		flag_reason,
		deposit: row.try_get("deposit")?,
		created_block: block(row.try_get("created_block")?, "workflows.created_block")?,
		updated_block: block(row.try_get("updated_block")?, "workflows.updated_block")?,
	})
}

fn job_row(row: &AnyRow) -> Result<JobSummary, DbError> {
	let redundancy = row
		.try_get::<Option<i64>, _>("redundancy")?
		.map(|r| u8::try_from(r).map_err(|_| DbError::Corrupt("jobs.redundancy")))
		.transpose()?;
	Ok(JobSummary {
		id: uint(row.try_get("id")?, "jobs.id")?,
		workflow_id: uint(row.try_get("workflow_id")?, "jobs.workflow_id")?,
		payer: row.try_get("payer")?,
		fee: row.try_get("fee")?,
		compute_class: row.try_get("compute_class")?,
		redundancy,
		phase: row.try_get("phase")?,
		submitted_block: block(row.try_get("submitted_block")?, "jobs.submitted_block")?,
		deadline: block(row.try_get("deadline")?, "jobs.deadline")?,
		nodes: Vec::new(),
		assigned_block: opt_block(row, "assigned_block")?,
		finalized_block: opt_block(row, "finalized_block")?,
		closed_block: opt_block(row, "closed_block")?,
		sampled: row.try_get::<i64, _>("sampled")? != 0,
		verdicts: Verdicts {
			valid: block(row.try_get("valid_verdicts")?, "jobs.valid_verdicts")?,
			invalid: block(row.try_get("invalid_verdicts")?, "jobs.invalid_verdicts")?,
		},
		updated_block: block(row.try_get("updated_block")?, "jobs.updated_block")?,
	})
}

fn json_accounts(text: &str, column: &'static str) -> Result<Vec<String>, DbError> {
	serde_json::from_str(text).map_err(|_| DbError::Corrupt(column))
}

impl Db {
	/// A page of workflows, lowest id first, and the total count.
	pub async fn workflows(
		&self,
		limit: u32,
		offset: u64,
	) -> Result<(Vec<WorkflowSummary>, u64), DbError> {
		let mut conn = self.pool().acquire().await?;
		let sql =
			format!("SELECT {WORKFLOW_COLUMNS} FROM workflows ORDER BY id LIMIT $1 OFFSET $2");
		let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
			.bind(i64::from(limit))
			.bind(int(offset)?)
			.fetch_all(&mut *conn)
			.await?;
		let items = rows.iter().map(workflow_row).collect::<Result<Vec<_>, _>>()?;
		let total = count(&mut conn, "SELECT COUNT(*) AS n FROM workflows").await?;
		Ok((items, total))
	}

	/// One workflow.
	pub async fn workflow(&self, id: u64) -> Result<Option<WorkflowSummary>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let Ok(id) = i64::try_from(id) else { return Ok(None) };
		let sql = format!("SELECT {WORKFLOW_COLUMNS} FROM workflows WHERE id = $1");
		let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
		row.as_ref().map(workflow_row).transpose()
	}

	/// A workflow's versions, oldest first.
	pub async fn workflow_versions(&self, id: u64) -> Result<Vec<VersionView>, DbError> {
		let mut conn = self.pool().acquire().await?;
		let rows = sqlx::query(
			"SELECT version, manifest_hash, manifest_uri, block FROM workflow_versions \
			 WHERE workflow_id = $1 ORDER BY version",
		)
		.bind(int(id)?)
		.fetch_all(&mut *conn)
		.await?;
		rows.iter()
			.map(|row| {
				Ok(VersionView {
					version: block(row.try_get("version")?, "workflow_versions.version")?,
					manifest_hash: row.try_get("manifest_hash")?,
					manifest_uri: row.try_get("manifest_uri")?,
					block: block(row.try_get("block")?, "workflow_versions.block")?,
				})
			})
			.collect()
	}

	/// A workflow's lineage: ancestors through `parent` links (nearest first), dependencies,
	/// dependants and derivatives.
	pub async fn lineage(&self, id: u64, parent: Option<u64>) -> Result<LineageView, DbError> {
		let mut conn = self.pool().acquire().await?;
		// The registry bounds the depth; the cap only guards against a corrupt cycle.
		const MAX_ANCESTORS: usize = 256;
		let mut ancestors = Vec::new();
		let mut next = parent;
		while let Some(p) = next {
			if ancestors.len() >= MAX_ANCESTORS || ancestors.contains(&p) || p == id {
				break;
			}
			ancestors.push(p);
			next = sqlx::query("SELECT parent FROM workflows WHERE id = $1")
				.bind(int(p)?)
				.fetch_optional(&mut *conn)
				.await?
				.map(|row| row.try_get::<Option<i64>, _>("parent"))
				.transpose()?
				.flatten()
				.map(|v| uint(v, "workflows.parent"))
				.transpose()?;
		}
		let dep_rows = sqlx::query(
			"SELECT dependency_id AS other, weight_ppm FROM workflow_dependencies \
			 WHERE workflow_id = $1 ORDER BY dependency_id",
		)
		.bind(int(id)?)
		.fetch_all(&mut *conn)
		.await?;
		let dependant_rows = sqlx::query(
			"SELECT workflow_id AS other, weight_ppm FROM workflow_dependencies \
			 WHERE dependency_id = $1 ORDER BY workflow_id",
		)
		.bind(int(id)?)
		.fetch_all(&mut *conn)
		.await?;
		let to_view = |row: &AnyRow| -> Result<DependencyView, DbError> {
			Ok(DependencyView {
				workflow_id: uint(row.try_get("other")?, "workflow_dependencies")?,
				weight_ppm: block(row.try_get("weight_ppm")?, "workflow_dependencies.weight")?,
			})
		};
		let derivatives = sqlx::query("SELECT id FROM workflows WHERE parent = $1 ORDER BY id")
			.bind(int(id)?)
			.fetch_all(&mut *conn)
			.await?
			.iter()
			.map(|row| uint(row.try_get("id")?, "workflows.id"))
			.collect::<Result<Vec<_>, _>>()?;
		Ok(LineageView {
			ancestors,
			dependencies: dep_rows.iter().map(to_view).collect::<Result<_, _>>()?,
			dependants: dependant_rows.iter().map(to_view).collect::<Result<_, _>>()?,
			derivatives,
		})
	}

	/// A workflow's earnings from the indexed settlements and payouts (their running totals).
	pub async fn indexed_earnings(&self, id: u64, owner: &str) -> Result<IndexedEarnings, DbError> {
		let mut conn = self.pool().acquire().await?;
		let id = int(id)?;
		let mut keys: Vec<String> =
			PayeeRole::ALL.iter().map(|role| agg::paid_key(id, role.as_str())).collect();
		keys.push(agg::settled_key(id));
		keys.push(agg::upstream_key(owner));
		keys.push(agg::upstream_from_key(owner, id));
		let sums = earnings_of(&mut conn, &keys).await?;
		let get = |key: &str| sums.get(key).copied().unwrap_or((0, 0));
		let (total_fees, runs) = get(&agg::settled_key(id));
		// The owner's upstream income from other workflows' jobs (or jobs not indexed).
		let upstream = get(&agg::upstream_key(owner))
			.0
			.saturating_sub(get(&agg::upstream_from_key(owner, id)).0);
		Ok(IndexedEarnings {
			runs,
			total_fees: total_fees.to_string(),
			paid_by_role: role_amounts(|role| get(&agg::paid_key(id, role)).0),
			owner_upstream_income: upstream.to_string(),
		})
	}

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
			"SELECT a.account, a.compute_class, a.last_heartbeat, a.reputation_ppm, \
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
			})
		})
		.collect()
	}

	/// Jobs still `Submitted`, not partly claimed and not past their deadline at `now`, oldest
	/// first (at most `limit`).
	pub async fn open_jobs(&self, now: u32, limit: u32) -> Result<Vec<OpenJob>, DbError> {
		let mut conn = self.pool().acquire().await?;
		sqlx::query(
			"SELECT j.id, j.compute_class, j.redundancy, j.deadline FROM jobs j \
			 WHERE j.phase = 'submitted' AND j.deadline > $1 AND j.redundancy IS NOT NULL AND \
			 NOT EXISTS (SELECT 1 FROM job_nodes n WHERE n.job_id = j.id) ORDER BY j.id LIMIT $2",
		)
		.bind(i64::from(now))
		.bind(i64::from(limit))
		.fetch_all(&mut *conn)
		.await?
		.iter()
		.map(|row| {
			Ok(OpenJob {
				id: uint(row.try_get("id")?, "jobs.id")?,
				compute_class: row.try_get("compute_class")?,
				redundancy: u8::try_from(row.try_get::<i64, _>("redundancy")?)
					.map_err(|_| DbError::Corrupt("jobs.redundancy"))?,
				deadline: block(row.try_get("deadline")?, "jobs.deadline")?,
			})
		})
		.collect()
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

/// Set the `nodes` of the listed jobs (one query over their ids).
async fn fill_nodes(conn: &mut AnyConnection, jobs: &mut [JobSummary]) -> Result<(), DbError> {
	if jobs.is_empty() {
		return Ok(());
	}
	let placeholders: Vec<String> = (1..=jobs.len()).map(|i| format!("${i}")).collect();
	let sql = format!(
		"SELECT job_id, node FROM job_nodes WHERE job_id IN ({}) ORDER BY job_id, slot",
		placeholders.join(", ")
	);
	let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
	for job in jobs.iter() {
		query = query.bind(int(job.id)?);
	}
	let rows = query.fetch_all(&mut *conn).await?;
	let mut by_job: HashMap<u64, Vec<String>> = HashMap::new();
	for row in &rows {
		by_job
			.entry(uint(row.try_get("job_id")?, "job_nodes.job_id")?)
			.or_default()
			.push(row.try_get("node")?);
	}
	for job in jobs {
		job.nodes = by_job.remove(&job.id).unwrap_or_default();
	}
	Ok(())
}

/// For each of `nodes`, its jobs in all and those in each of `phases` (running counts).
async fn node_job_counts(
	conn: &mut AnyConnection,
	nodes: &[String],
	phases: &[&str],
) -> Result<HashMap<String, u64>, DbError> {
	let mut keys = Vec::with_capacity(nodes.len() * (phases.len() + 1));
	for node in nodes {
		keys.push(agg::node_key(node));
		keys.extend(phases.iter().map(|phase| agg::node_phase_key(node, phase)));
	}
	counts_of(conn, &keys).await
}

/// Run a `SELECT COUNT(*) AS n …` query.
async fn count(conn: &mut AnyConnection, sql: &'static str) -> Result<u64, DbError> {
	let n: i64 = sqlx::query(sql).fetch_one(&mut *conn).await?.try_get("n")?;
	uint(n, "count")
}

fn reputation(row: &AnyRow) -> Result<u32, DbError> {
	Ok(match row.try_get::<Option<i64>, _>("reputation_ppm")? {
		Some(ppm) => u32::try_from(ppm).map_err(|_| DbError::Corrupt("accounts.reputation"))?,
		None => NEWCOMER_SCORE_PPM,
	})
}

fn role_amounts(amount: impl Fn(&str) -> u128) -> RoleAmounts {
	let get = |role: PayeeRole| amount(role.as_str()).to_string();
	RoleAmounts {
		creator: get(PayeeRole::Creator),
		upstream: get(PayeeRole::Upstream),
		node: get(PayeeRole::Node),
		validator: get(PayeeRole::Validator),
		treasury: get(PayeeRole::Treasury),
	}
}
