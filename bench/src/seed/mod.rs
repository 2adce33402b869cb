//! Synthetic chain history for benchmarks (`havn-bench-seed`, `benches/routing.rs`).
//!
//! [`seed`] fills an empty, migrated database (opened with [`Db::connect`], so with the
//! orchestrator's own migrations) with a deterministic network and its history, as the indexer
//! would have written it after following that chain: blocks, workflows (versions, dependencies,
//! lineage), bonded execution nodes, validators and a relay, and `jobs` jobs with their nodes,
//! receipts, attestations, payouts, settlements, event rows (name, phase and JSON data made by
//! [`HavnEvent`], as the indexer stores them), running totals and earnings. The same
//! [`SeedConfig`] always gives the same database.
//!
//! It is a benchmarking tool, not a way to build a production index: it refuses a database that
//! already indexed a block (one whose seeding failed is unusable: delete it), and stores a made-up genesis hash ([`SEED_GENESIS`]) so that an
//! orchestrator following a real chain stops at once on it (serve it with `--no-index`).
//!
//! The history is shaped like a busy network:
//!
//! - `jobs_per_block` jobs are submitted per block (3 s blocks), after `SETUP_BLOCKS` blocks in
//!   which the workflows were published; the chain head is a few blocks after the last job.
//! - Jobs pick workflows and payers by Zipf popularity (a few are very popular); a job has the
//!   workflow's compute class, redundancy 1 (85%), 2 (10%) or 3 (5%), and goes to nodes that
//!   serve its class. Its committee has `quorum` validators; every 10th job is sampled for
//!   re-execution.
//! - The newest `open_jobs` jobs are still open (the newest tenth `submitted`, then `assigned`,
//!   then `attesting`): they are the load routing sees. Of the others, 1% were rejected, 2%
//!   expired and the rest finalized and were paid: the fee split by the workflow's royalty
//!   (creator, upstream by dependency weight, nodes and validators in equal parts, the treasury
//!   with every remainder), as the PayoutRouter pays it.
//! - Execution nodes: classes S 40%, M 30%, L 20%, XL 10%; 2% bonded but never registered (no
//!   receipt key); of the registered, 85% heartbeated within the last heartbeat epoch, 10% up to
//!   2,000 blocks earlier and 5% never after registering; reputation 8% newcomers (no score),
//!   the others around 72% (about 4% below the 25% routing floor).
//!
//! Account-scoped events (bonds, registrations, heartbeats, reputation updates, batches) are not
//! written as event rows: the `accounts` table holds their result and no endpoint reads them.
//!
//! Units: amounts are HAI planck; blocks are block numbers; scores ppm.

mod history;
mod population;
mod tables;

use havn_orchestrator::{
	db::{Db, DbError, GENESIS_KEY, LAST_INDEXED_KEY},
	model::{
		HavnEvent, JobDetails, JobEvent, PayoutEvent, Planck, ReceiptDetails, RoyaltyPpm, Shares,
		WorkflowEvent,
	},
};
use havn_primitives::{ComputeClass, Verdict, HAI};
use history::*;
pub use population::*;
use sqlx::{any::AnyArguments, Acquire, Arguments};
use std::{collections::BTreeMap, time::Instant};
use subxt::utils::AccountId32;
use tables::*;

/// The genesis hash stored in a seeded database (not a real chain's).
pub const SEED_GENESIS: &str = "0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";
/// Blocks before the first job (workflows are published in them).
pub const SETUP_BLOCKS: u32 = 100;
/// Timestamp of block 0, ms since the Unix epoch (2026-01-01T00:00:00Z).
pub const GENESIS_MS: u64 = 1_767_225_600_000;
/// Block time, ms.
pub const BLOCK_MS: u64 = 3_000;
/// Blocks between a job's submission and its deadline.
pub const DEADLINE_BLOCKS: u32 = 100;
/// The treasury account (`py/trsry`).
pub const TREASURY: &str = "5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z";
/// Jobs written per transaction.
const JOBS_PER_COMMIT: u64 = 50_000;
/// Most bound parameters per statement (SQLite allows 32,766).
const MAX_PARAMS: usize = 30_000;
/// Most rows per multi-row insert.
const MAX_ROWS: usize = 1_000;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedConfig {
	/// Jobs, ids `0..jobs`.
	pub jobs: u64,
	/// Workflows, ids `0..workflows`.
	pub workflows: u32,
	/// Accounts that publish workflows.
	pub creators: u32,
	/// Accounts that pay for jobs.
	pub payers: u32,
	/// Bonded execution nodes.
	pub nodes: u32,
	/// Bonded validators.
	pub validators: u32,
	/// Validators per job committee (all vote, all agree on finalized jobs).
	pub quorum: u8,
	/// Newest jobs still open (submitted, assigned or attesting).
	pub open_jobs: u64,
	/// Jobs submitted per block.
	pub jobs_per_block: u32,
	/// Which job events get event rows.
	pub events: EventRows,
	/// Seed of every random choice.
	pub seed: u64,
}

/// Which of a job's events [`seed`] writes as `events` rows (the payouts, receipts and
/// attestations tables are complete either way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EventRows {
	/// Every job event (submission, assignment, receipts, committee, each attestation, the
	/// decision, each payment, the settlement): about 16 rows per job, 4 KiB of `events` per
	/// job.
	All,
	/// The events that move a job to a new phase (its timeline): 3 or 4 rows per job.
	#[default]
	Timeline,
}

impl Default for SeedConfig {
	fn default() -> Self {
		Self {
			jobs: 1_000_000,
			workflows: 1_000,
			creators: 300,
			payers: 20_000,
			nodes: 10_000,
			validators: 100,
			quorum: 3,
			open_jobs: 10_000,
			jobs_per_block: 10,
			events: EventRows::Timeline,
			seed: 42,
		}
	}
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
	/// The database failed.
	#[error(transparent)]
	Db(#[from] DbError),
	/// The database already holds an index.
	#[error("the database is not empty (it indexed up to block {0}); seed a fresh one")]
	NotEmpty(u32),
	/// The configuration cannot be generated.
	#[error("invalid seed configuration: {0}")]
	Invalid(&'static str),
	/// The task generating the rows stopped (after a failed write).
	#[error("the row generator stopped")]
	Generator,
}

impl From<sqlx::Error> for SeedError {
	fn from(e: sqlx::Error) -> Self {
		Self::Db(DbError::Sqlx(e))
	}
}

impl From<serde_json::Error> for SeedError {
	fn from(e: serde_json::Error) -> Self {
		Self::Db(DbError::Json(e))
	}
}

/// What [`seed`] wrote.
#[derive(Clone, Debug, Default)]
pub struct SeedReport {
	/// The chain head: last indexed block.
	pub head: u32,
	/// Rows written per table.
	pub rows: BTreeMap<&'static str, u64>,
	/// Wall time, seconds.
	pub seconds: f64,
	/// Of which writing the rows, seconds.
	pub rows_seconds: f64,
	/// Of which building the secondary indexes, seconds.
	pub index_seconds: f64,
	/// Of which computing the running aggregates ([`Db::rebuild_aggregates`]), seconds.
	pub aggregates_seconds: f64,
}

/// Fill `db` (empty, migrated) with the history of `config`; see the module docs.
pub async fn seed(db: &Db, config: &SeedConfig) -> Result<SeedReport, SeedError> {
	let started = Instant::now();
	if let Some(last) = db.last_indexed().await? {
		return Err(SeedError::NotEmpty(last));
	}
	let pop = Population::new(config)?;
	let mut conn = db.pool().acquire().await?;
	if db.dialect() == havn_orchestrator::db::Dialect::Sqlite {
		// A benchmark database: no fsync per commit, a large page cache while writing.
		sqlx::query("PRAGMA synchronous = OFF").execute(&mut *conn).await?;
		sqlx::query("PRAGMA cache_size = -262144").execute(&mut *conn).await?;
		// Index builds sort in memory rather than in temporary files.
		sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
	}
	// Bulk load without the secondary indexes, then build each once (sorting beats millions of
	// random index inserts); they are the migrations' own statements.
	let indexes = havn_orchestrator::db::index_statements();
	for statement in &indexes {
		if let Some(name) = statement.split_whitespace().nth(2) {
			sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX {name}")))
				.execute(&mut *conn)
				.await?;
		}
	}
	// The rows are generated on one task and written on this one, side by side.
	let (sender, mut statements) = tokio::sync::mpsc::channel(8);
	let numbered = db.dialect() == havn_orchestrator::db::Dialect::Postgres;
	let head = pop.head;
	let generator = tokio::spawn(generate(pop, numbered, Sink(sender)));
	let mut tx = conn.begin().await?;
	while let Some(statement) = statements.recv().await {
		match statement {
			Statement::Insert(sql, args) => {
				sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *tx).await?;
			}
			Statement::Commit => {
				tx.commit().await?;
				tx = conn.begin().await?;
			}
		}
	}
	let rows = generator.await.map_err(|_| SeedError::Generator)??;
	havn_orchestrator::db::set_state_in(&mut tx, GENESIS_KEY, SEED_GENESIS).await?;
	havn_orchestrator::db::set_state_in(&mut tx, LAST_INDEXED_KEY, &head.to_string()).await?;
	tx.commit().await?;
	let rows_done = Instant::now();
	for statement in &indexes {
		sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(&mut *conn).await?;
	}
	drop(conn);
	let indexes_done = Instant::now();
	// The running counts and earnings, computed from the rows as on an upgraded database.
	db.rebuild_aggregates().await?;
	let aggregates_done = Instant::now();
	// No ANALYZE: the orchestrator never runs it, so the query plans stay those of a database
	// it indexed itself.
	if db.dialect() == havn_orchestrator::db::Dialect::Sqlite {
		sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.pool()).await?;
	}
	let mut report = SeedReport { head, rows, ..Default::default() };
	report.seconds = started.elapsed().as_secs_f64();
	report.rows_seconds = rows_done.duration_since(started).as_secs_f64();
	report.index_seconds = indexes_done.duration_since(rows_done).as_secs_f64();
	report.aggregates_seconds = aggregates_done.duration_since(indexes_done).as_secs_f64();
	Ok(report)
}

/// A statement for the writing task.
enum Statement {
	/// A multi-row insert.
	Insert(String, AnyArguments),
	/// Commit the transaction and begin the next.
	Commit,
}

/// Where the generating task sends its statements.
struct Sink(tokio::sync::mpsc::Sender<Statement>);

impl Sink {
	async fn send(&self, statement: Statement) -> Result<(), SeedError> {
		self.0.send(statement).await.map_err(|_| SeedError::Generator)
	}
}

/// Generate every row of `pop` into `sink`; the rows written per table.
async fn generate(
	pop: Population,
	numbered: bool,
	sink: Sink,
) -> Result<BTreeMap<&'static str, u64>, SeedError> {
	let mut tables = Tables::new(numbered);
	let mut ledger = Ledger {
		creators: vec![0; pop.creators.len()],
		nodes: vec![0; pop.nodes.len()],
		validators: vec![0; pop.validators.len()],
		treasury: 0,
		totals: BTreeMap::new(),
		event_counts: vec![0; pop.head as usize + 1],
	};
	write_workflows(&sink, &mut tables, &mut ledger, &pop).await?;
	for id in 0..pop.config.jobs {
		write_job(&sink, &mut tables, &mut ledger, &pop, id).await?;
		if (id + 1).is_multiple_of(JOBS_PER_COMMIT) {
			tables.flush(&sink).await?;
			sink.send(Statement::Commit).await?;
		}
	}
	write_accounts(&sink, &mut tables, &ledger, &pop).await?;
	write_totals(&sink, &mut tables, &ledger, &pop).await?;
	write_blocks(&sink, &mut tables, &ledger, pop.head).await?;
	tables.flush(&sink).await?;
	Ok(tables.all().into_iter().map(|t| (t.name, t.written)).collect())
}
