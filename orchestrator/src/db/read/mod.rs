//! Queries behind the REST API and routing. Every list is paginated by the caller's `limit`
//! and `offset`; planck amounts are summed in Rust (u128), never in SQL. Totals and earnings
//! come from the running aggregates ([`super::aggregates`]), so that each query reads a bounded
//! number of rows however large the index grows.
//!
//! Workflows here; [`jobs`] (jobs, their details and phase) and [`network`] (nodes, validators,
//! the dashboard, routing's reads) beside it.

mod jobs;
mod network;

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
	/// Bonded stake, planck (0 once it is all unbonding).
	pub bonded: u128,
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
	/// Nodes that gave the job back (`JobReleased`), which the relay does not route it to again.
	pub released_by: Vec<String>,
}

const WORKFLOW_COLUMNS: &str = "id, owner, creator, kind, manifest_hash, manifest_uri, \
	compute_class, base_fee, royalty, parent, depth, version, status, flag_reason, deposit, \
	created_block, updated_block";

const JOB_COLUMNS: &str = "id, workflow_id, payer, fee, compute_class, redundancy, phase, \
	submitted_block, deadline, assigned_block, finalized_block, closed_block, pruned_block, \
	sampled, valid_verdicts, invalid_verdicts, updated_block";

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
		pruned_block: opt_block(row, "pruned_block")?,
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
