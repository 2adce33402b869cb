//! Synthetic chain history for benchmarks (`havn-bench-seed`, `benches/routing.rs`).
//!
//! [`seed`] fills an empty, migrated database (opened with [`Db::connect`], so with the
//! orchestrator's own migrations) with a deterministic network and its history, written block
//! by block through the indexer's own writer
//! ([`havn_orchestrator::db::write::write_block_keeping`]), exactly as the indexer would have
//! written it after following that chain: the events of each block ([`HavnEvent`]s) become the
//! same rows, running totals and earnings. The payments follow the chain's rule
//! ([`havn_primitives::royalty::plan`]). The same [`SeedConfig`] always gives the same database.
//!
//! It is a benchmarking tool, not a way to build a production index: it refuses a database that
//! already indexed a block (one whose seeding failed is unusable: delete it), and stores a
//! made-up genesis hash ([`SEED_GENESIS`]) so that an orchestrator following a real chain stops
//! at once on it (serve it with `--no-index`).
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
//!   expired and the rest finalized and were paid, as the PayoutRouter pays.
//! - Execution nodes: classes S 40%, M 30%, L 20%, XL 10%; 2% bonded but never registered (no
//!   receipt key); of the registered, 85% heartbeated within the last heartbeat epoch, 10% up to
//!   2,000 blocks earlier and 5% never after registering; reputation 8% newcomers (no score),
//!   the others around 72% (about 4% below the 25% routing floor).
//!
//! With [`EventRows::Timeline`] only the events that move a job to a new phase (and those about
//! no job) get an `events` row; every event still writes its derived rows.
//!
//! Units: amounts are HAI planck; blocks are block numbers; scores ppm.

mod history;
mod population;

use havn_orchestrator::{
	db::{write::write_block_keeping, Db, DbError, GENESIS_KEY},
	model::{
		BlockData, HavnEvent, IndexedEvent, JobDetails, JobEvent, PayeeRole, PayoutEvent, Planck,
		ReceiptDetails, RoyaltyPpm, Shares, WorkflowEvent,
	},
};
use havn_primitives::{ComputeClass, Verdict, HAI};
use history::*;
pub use population::*;
use sp_arithmetic::Permill;
use sqlx::Acquire;
use std::{collections::BTreeMap, time::Instant};
use subxt::utils::AccountId32;

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
/// Blocks written per transaction.
const BLOCKS_PER_COMMIT: u32 = 2_000;

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

/// Which events [`seed`] writes as `events` rows (the payouts, receipts and attestations
/// tables are complete either way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EventRows {
	/// Every job event (submission, assignment, receipts, committee, each attestation, the
	/// decision, each payment, the settlement): about 16 rows per job, 4 KiB of `events` per
	/// job.
	All,
	/// The events that move a job to a new phase (its timeline, 3 or 4 rows per job), and the
	/// events about no job.
	#[default]
	Timeline,
}

impl EventRows {
	/// Whether `event` gets an `events` row.
	pub fn keeps(self, event: &HavnEvent) -> bool {
		match self {
			Self::All => true,
			Self::Timeline => event.phase().is_some() || event.job_id().is_none(),
		}
	}
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
	/// Rows per table.
	pub rows: BTreeMap<&'static str, u64>,
	/// SQL statements the writer ran.
	pub statements: u64,
	/// Wall time, seconds.
	pub seconds: f64,
	/// Of which writing the blocks, seconds.
	pub rows_seconds: f64,
	/// Of which building the secondary indexes, seconds.
	pub index_seconds: f64,
}

/// The tables [`SeedReport::rows`] counts.
const TABLES: [&str; 14] = [
	"blocks",
	"events",
	"workflows",
	"workflow_dependencies",
	"workflow_versions",
	"jobs",
	"job_nodes",
	"receipts",
	"attestations",
	"payouts",
	"settlements",
	"accounts",
	"totals",
	"earnings",
];

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
	let mut timeline = Timeline::default();
	history::network(&pop, &mut timeline);
	let validators: Vec<String> = pop.validators.iter().map(|(a, _)| a.clone()).collect();
	let mut statements = 0;
	let mut next_job = 0u64;
	let mut tx = conn.begin().await?;
	havn_orchestrator::db::set_state_in(&mut tx, GENESIS_KEY, SEED_GENESIS).await?;
	for number in 1..=pop.head {
		// Every job submitted up to this block: its events are in this block or later ones.
		while next_job < config.jobs && submit_block(config, next_job) <= number {
			history::job(&pop, next_job, &mut timeline);
			next_job += 1;
		}
		let block = BlockData {
			number,
			hash: block_hash(number),
			parent_hash: block_hash(number - 1),
			timestamp_ms: GENESIS_MS + u64::from(number) * BLOCK_MS,
			events: timeline
				.take(number)
				.into_iter()
				.enumerate()
				// Room for the system events around each Havn event, as on a real chain.
				.map(|(i, event)| IndexedEvent { index: 2 * i as u32 + 1, event })
				.collect(),
			validators: (number == 1).then(|| validators.clone()),
		};
		let (_, ran) =
			write_block_keeping(&mut tx, &block, |event| config.events.keeps(event)).await?;
		statements += ran;
		if number % BLOCKS_PER_COMMIT == 0 {
			tx.commit().await?;
			tx = conn.begin().await?;
		}
	}
	tx.commit().await?;
	let rows_done = Instant::now();
	for statement in &indexes {
		sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(&mut *conn).await?;
	}
	let indexes_done = Instant::now();
	let mut rows = BTreeMap::new();
	for table in TABLES {
		let sql = format!("SELECT COUNT(*) AS n FROM {table}");
		let n: i64 = sqlx::Row::try_get(
			&sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await?,
			"n",
		)?;
		rows.insert(table, n.max(0) as u64);
	}
	drop(conn);
	// No ANALYZE: the orchestrator never runs it, so the query plans stay those of a database
	// it indexed itself.
	if db.dialect() == havn_orchestrator::db::Dialect::Sqlite {
		sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.pool()).await?;
	}
	Ok(SeedReport {
		head: pop.head,
		rows,
		statements,
		seconds: started.elapsed().as_secs_f64(),
		rows_seconds: rows_done.duration_since(started).as_secs_f64(),
		index_seconds: indexes_done.duration_since(rows_done).as_secs_f64(),
	})
}
