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

use crate::{
	db::{Db, DbError, GENESIS_KEY, LAST_INDEXED_KEY},
	model::{class_str, HavnEvent, JobDetails, Planck, ReceiptDetails, RoyaltyPpm, Shares},
};
use havn_primitives::{ComputeClass, HAI};
use sqlx::{any::AnyArguments, Acquire, Arguments};
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

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
	/// A generator for `stream` under `seed`.
	pub fn new(seed: u64, stream: u64) -> Self {
		let mut rng = Self(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
		rng.next_u64();
		rng
	}

	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in `0..n` (`0` when `n == 0`).
	pub fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			return 0;
		}
		((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
	}

	/// Uniform in `[0, 1)`.
	pub fn unit(&mut self) -> f64 {
		(self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
	}

	/// Standard normal (Box-Muller).
	pub fn normal(&mut self) -> f64 {
		let u = self.unit().max(f64::MIN_POSITIVE);
		let v = self.unit();
		(-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
	}

	/// `n` random bytes as 0x-hex.
	pub fn hex(&mut self, bytes: usize) -> String {
		let mut out = String::with_capacity(2 + bytes * 2);
		out.push_str("0x");
		const DIGITS: &[u8; 16] = b"0123456789abcdef";
		let mut left = bytes;
		while left > 0 {
			let word = self.next_u64().to_le_bytes();
			let take = left.min(8);
			for b in word.iter().take(take) {
				for nibble in [b >> 4, b & 0xf] {
					out.push(char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0')));
				}
			}
			left -= take;
		}
		out
	}

	/// A CIDv1-shaped name (`bafkrei` + 52 base32 characters).
	pub fn cid(&mut self) -> String {
		const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
		let mut out = String::with_capacity(59);
		out.push_str("bafkrei");
		for _ in 0..52 {
			let i = self.below(32) as usize;
			out.push(char::from(ALPHABET.get(i).copied().unwrap_or(b'a')));
		}
		out
	}
}

/// A Zipf distribution over `0..n` (rank `k` has weight `1 / (k + 1)^s`).
#[derive(Clone, Debug)]
pub struct Zipf {
	cdf: Vec<f64>,
}

impl Zipf {
	/// Over `0..n` with exponent `s`.
	pub fn new(n: u32, s: f64) -> Self {
		let mut total = 0.0;
		let mut cdf = Vec::with_capacity(n as usize);
		for k in 0..n {
			total += 1.0 / f64::from(k + 1).powf(s);
			cdf.push(total);
		}
		for c in &mut cdf {
			*c /= total;
		}
		Self { cdf }
	}

	/// A draw.
	pub fn sample(&self, rng: &mut Rng) -> u32 {
		let u = rng.unit();
		let i = self.cdf.partition_point(|c| *c <= u);
		i.min(self.cdf.len().saturating_sub(1)) as u32
	}
}

/// An account (canonical SS58) derived from `(seed, kind, index)`.
pub fn account(seed: u64, kind: u64, index: u64) -> String {
	let mut rng = Rng::new(seed ^ 0xACC0_0000, kind.wrapping_mul(1 << 40).wrapping_add(index));
	let mut raw = [0u8; 32];
	for chunk in raw.chunks_mut(8) {
		chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
	}
	AccountId32(raw).to_string()
}

/// An execution node of the population.
#[derive(Clone, Debug)]
pub struct NodeSpec {
	/// Account.
	pub account: String,
	/// Bonded class.
	pub class: ComputeClass,
	/// Bond, planck.
	pub bonded: u128,
	/// Registration block (`None`: bonded, never registered).
	pub registered: Option<u32>,
	/// Last heartbeat block.
	pub last_heartbeat: Option<u32>,
	/// Reputation, ppm (`None`: newcomer).
	pub reputation_ppm: Option<u32>,
}

/// A workflow of the population.
#[derive(Clone, Debug)]
pub struct WorkflowSpec {
	/// Owner (index into creators).
	pub owner: usize,
	/// Creator (index into creators).
	pub creator: usize,
	/// Kind.
	pub kind: &'static str,
	/// Smallest class.
	pub class: ComputeClass,
	/// Base fee, planck.
	pub base_fee: u128,
	/// Royalty split, ppm.
	pub royalty: RoyaltyPpm,
	/// Dependencies and weights (ppm, summing to 1,000,000).
	pub dependencies: Vec<(u32, u32)>,
	/// Parent.
	pub parent: Option<u32>,
	/// Lineage depth.
	pub depth: u32,
	/// Current version.
	pub version: u32,
	/// Publication block.
	pub created: u32,
}

/// The accounts, workflows and popularity of a seeded network; the same for the same config.
#[derive(Clone, Debug)]
pub struct Population {
	/// The configuration.
	pub config: SeedConfig,
	/// Workflow publishers.
	pub creators: Vec<String>,
	/// Job payers.
	pub payers: Vec<String>,
	/// Execution nodes.
	pub nodes: Vec<NodeSpec>,
	/// Validators (account, reputation ppm).
	pub validators: Vec<(String, u32)>,
	/// The relay that assigned the jobs.
	pub relay: String,
	/// Workflows by id.
	pub workflows: Vec<WorkflowSpec>,
	/// Popularity of workflows.
	pub workflow_zipf: Zipf,
	/// Popularity of payers.
	pub payer_zipf: Zipf,
	/// Nodes serving each class (`S`, `M`, `L`, `XL`).
	pub serving: [Vec<u32>; 4],
	/// The chain head.
	pub head: u32,
}

fn class_index(c: ComputeClass) -> usize {
	match c {
		ComputeClass::S => 0,
		ComputeClass::M => 1,
		ComputeClass::L => 2,
		ComputeClass::XL => 3,
	}
}

const CLASSES: [ComputeClass; 4] =
	[ComputeClass::S, ComputeClass::M, ComputeClass::L, ComputeClass::XL];

fn pick_class(rng: &mut Rng, weights: [u64; 4]) -> ComputeClass {
	let total: u64 = weights.iter().sum();
	let mut x = rng.below(total);
	for (class, w) in CLASSES.iter().zip(weights) {
		if x < w {
			return *class;
		}
		x -= w;
	}
	ComputeClass::S
}

/// Collateral floor of a class, planck.
fn collateral(c: ComputeClass) -> u128 {
	HAI * match c {
		ComputeClass::S => 2_000,
		ComputeClass::M => 5_000,
		ComputeClass::L => 9_000,
		ComputeClass::XL => 18_000,
	}
}

impl Population {
	/// The population of `config`.
	pub fn new(config: &SeedConfig) -> Result<Self, SeedError> {
		if config.workflows == 0 || config.creators == 0 || config.payers == 0 {
			return Err(SeedError::Invalid("workflows, creators and payers must be positive"));
		}
		if config.jobs_per_block == 0 {
			return Err(SeedError::Invalid("jobs_per_block must be positive"));
		}
		if config.validators < u32::from(config.quorum) || config.quorum == 0 {
			return Err(SeedError::Invalid("need at least `quorum` (> 0) validators"));
		}
		if config.open_jobs > config.jobs {
			return Err(SeedError::Invalid("open_jobs exceeds jobs"));
		}
		let seed = config.seed;
		let last_submit = submit_block(config, config.jobs.saturating_sub(1));
		let head = last_submit.saturating_add(3);
		let creators = (0..config.creators).map(|i| account(seed, 1, i.into())).collect();
		let payers = (0..config.payers).map(|i| account(seed, 2, i.into())).collect();
		let mut rng = Rng::new(seed, 3);
		let nodes: Vec<NodeSpec> = (0..config.nodes)
			.map(|i| {
				let class = pick_class(&mut rng, [40, 30, 20, 10]);
				let bonded = collateral(class) + u128::from(rng.below(1_000)) * HAI;
				let registered = (rng.below(100) >= 2).then(|| 1 + rng.below(head.into()) as u32);
				let last_heartbeat = registered.map(|r| {
					let x = rng.below(100);
					let hb = if x < 85 {
						head.saturating_sub(rng.below(101) as u32)
					} else if x < 95 {
						head.saturating_sub(101 + rng.below(2_000) as u32)
					} else {
						r
					};
					hb.max(r)
				});
				let reputation_ppm = (rng.below(100) >= 8).then(|| {
					let u = (rng.unit() + rng.unit() + rng.unit()) / 3.0;
					((0.72 + (u - 0.5) * 1.6).clamp(0.0, 0.999) * 1e6) as u32
				});
				NodeSpec {
					account: account(seed, 3, i.into()),
					class,
					bonded,
					registered,
					last_heartbeat,
					reputation_ppm,
				}
			})
			.collect();
		let mut serving: [Vec<u32>; 4] = Default::default();
		for (i, node) in nodes.iter().enumerate() {
			if node.registered.is_none() {
				continue;
			}
			for (job_class, list) in CLASSES.iter().zip(serving.iter_mut()) {
				if node.class.serves(*job_class) {
					list.push(i as u32);
				}
			}
		}
		let validators = (0..config.validators)
			.map(|i| (account(seed, 4, i.into()), 600_000 + rng.below(390_000) as u32))
			.collect();
		let mut workflows: Vec<WorkflowSpec> = Vec::with_capacity(config.workflows as usize);
		for id in 0..config.workflows {
			let creator = rng.below(config.creators.into()) as usize;
			let owner = if rng.below(100) < 5 {
				rng.below(config.creators.into()) as usize
			} else {
				creator
			};
			let kind = match rng.below(100) {
				0..60 => "workflow",
				60..85 => "model",
				85..95 => "lora",
				_ => "prompt",
			};
			let class = pick_class(&mut rng, [50, 25, 15, 10]);
			let fee_hai = (rng.normal() * 1.2).exp().clamp(0.01, 500.0);
			let base_fee = ((fee_hai * 1_000.0) as u128).max(1) * (HAI / 1_000);
			let royalty = if rng.below(100) < 70 {
				RoyaltyPpm {
					creator: 450_000,
					upstream: 200_000,
					node: 250_000,
					validators: 50_000,
					treasury: 50_000,
				}
			} else {
				let creator = 300_000 + rng.below(200_001) as u32;
				let upstream = 100_000 + rng.below(150_001) as u32;
				RoyaltyPpm {
					creator,
					upstream,
					node: 900_000 - creator - upstream,
					validators: 50_000,
					treasury: 50_000,
				}
			};
			let mut dependencies = Vec::new();
			if id > 0 && rng.below(100) < 30 {
				let n = 1 + rng.below(3) as u32;
				let mut left = 1_000_000u32;
				for k in 0..n {
					let dep = rng.below(id.into()) as u32;
					if dependencies.iter().any(|(d, _)| *d == dep) {
						continue;
					}
					let weight = if k + 1 == n { left } else { left / 2 };
					left -= weight;
					dependencies.push((dep, weight));
				}
				if left > 0 {
					if let Some(last) = dependencies.last_mut() {
						last.1 += left;
					}
				}
			}
			let parent = (id > 0 && rng.below(100) < 20).then(|| rng.below(id.into()) as u32);
			let depth =
				parent.and_then(|p| workflows.get(p as usize)).map(|p| p.depth + 1).unwrap_or(0);
			workflows.push(WorkflowSpec {
				owner,
				creator,
				kind,
				class,
				base_fee,
				royalty,
				dependencies,
				parent,
				depth,
				version: 1 + rng.below(3) as u32,
				created: 1 + id % (SETUP_BLOCKS - 10),
			});
		}
		Ok(Self {
			config: config.clone(),
			creators,
			payers,
			nodes,
			validators,
			relay: account(seed, 5, 0),
			workflows,
			workflow_zipf: Zipf::new(config.workflows, 1.0),
			payer_zipf: Zipf::new(config.payers, 0.8),
			serving,
			head,
		})
	}
}

/// Block job `id` was submitted in.
pub fn submit_block(config: &SeedConfig, id: u64) -> u32 {
	let offset = id / u64::from(config.jobs_per_block.max(1));
	SETUP_BLOCKS.saturating_add(1).saturating_add(u32::try_from(offset).unwrap_or(u32::MAX))
}

/// A value bound into a multi-row insert.
enum Arg {
	Int(i64),
	OptInt(Option<i64>),
	Text(String),
	OptText(Option<String>),
}

/// Rows of one table, written `rows_per_statement` at a time.
struct Table {
	name: &'static str,
	/// `$n` placeholders (PostgreSQL) rather than `?` (SQLite, whose lookup of numbered
	/// parameters is quadratic in their number).
	numbered: bool,
	columns: usize,
	rows_per_statement: usize,
	sql: String,
	pending: Vec<Arg>,
	written: u64,
}

impl Table {
	fn new(numbered: bool, name: &'static str, columns: &[&str]) -> Self {
		let rows_per_statement = (MAX_PARAMS / columns.len()).min(MAX_ROWS);
		Self {
			name,
			numbered,
			columns: columns.len(),
			rows_per_statement,
			sql: insert_sql(numbered, name, columns, rows_per_statement),
			pending: Vec::with_capacity(rows_per_statement * columns.len()),
			written: 0,
		}
	}

	async fn push(&mut self, conn: &Sink, row: Vec<Arg>) -> Result<(), SeedError> {
		debug_assert_eq!(row.len(), self.columns);
		self.pending.extend(row);
		if self.pending.len() >= self.rows_per_statement * self.columns {
			self.flush(conn).await?;
		}
		Ok(())
	}

	async fn flush(&mut self, conn: &Sink) -> Result<(), SeedError> {
		if self.pending.is_empty() {
			return Ok(());
		}
		let rows = self.pending.len() / self.columns;
		let sql = if rows == self.rows_per_statement {
			self.sql.clone()
		} else {
			let columns: Vec<&str> = self.sql_columns();
			insert_sql(self.numbered, self.name, &columns, rows)
		};
		let mut args = AnyArguments::default();
		for arg in self.pending.drain(..) {
			let bound = match arg {
				Arg::Int(v) => args.add(v),
				Arg::OptInt(v) => args.add(v),
				Arg::Text(v) => args.add(v),
				Arg::OptText(v) => args.add(v),
			};
			bound.map_err(sqlx::Error::Encode)?;
		}
		conn.send(Statement::Insert(sql, args)).await?;
		self.written += rows as u64;
		Ok(())
	}

	fn sql_columns(&self) -> Vec<&str> {
		let start = self.sql.find('(').map(|i| i + 1).unwrap_or(0);
		let end = self.sql.find(')').unwrap_or(start);
		self.sql.get(start..end).unwrap_or("").split(", ").collect()
	}
}

fn insert_sql(numbered: bool, table: &str, columns: &[&str], rows: usize) -> String {
	let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
	let mut n = 0usize;
	for r in 0..rows {
		if r > 0 {
			sql.push(',');
		}
		sql.push('(');
		for c in 0..columns.len() {
			if c > 0 {
				sql.push(',');
			}
			n += 1;
			if numbered {
				sql.push_str(&format!("${n}"));
			} else {
				sql.push('?');
			}
		}
		sql.push(')');
	}
	sql
}

/// Every table the seeder writes.
struct Tables {
	blocks: Table,
	events: Table,
	workflows: Table,
	dependencies: Table,
	versions: Table,
	jobs: Table,
	job_nodes: Table,
	receipts: Table,
	attestations: Table,
	payouts: Table,
	settlements: Table,
	totals: Table,
	accounts: Table,
}

impl Tables {
	fn new(numbered: bool) -> Self {
		let table = |name, columns: &[&str]| Table::new(numbered, name, columns);
		Self {
			blocks: table(
				"blocks",
				&["number", "hash", "parent_hash", "timestamp_ms", "event_count"],
			),
			events: table(
				"events",
				&[
					"block",
					"event_index",
					"pallet",
					"name",
					"job_id",
					"workflow_id",
					"account",
					"phase",
					"data",
				],
			),
			workflows: table(
				"workflows",
				&[
					"id",
					"owner",
					"creator",
					"kind",
					"manifest_hash",
					"manifest_uri",
					"compute_class",
					"base_fee",
					"royalty",
					"parent",
					"depth",
					"version",
					"status",
					"flag_reason",
					"deposit",
					"created_block",
					"updated_block",
				],
			),
			dependencies: table(
				"workflow_dependencies",
				&["workflow_id", "dependency_id", "weight_ppm"],
			),
			versions: table(
				"workflow_versions",
				&["workflow_id", "version", "manifest_hash", "manifest_uri", "block"],
			),
			jobs: table(
				"jobs",
				&[
					"id",
					"workflow_id",
					"payer",
					"fee",
					"compute_class",
					"redundancy",
					"input_digest",
					"input_uri",
					"phase",
					"submitted_block",
					"deadline",
					"assigned_block",
					"assigned_by",
					"committee",
					"adjudicators",
					"sampled",
					"valid_verdicts",
					"invalid_verdicts",
					"finalized_block",
					"closed_block",
					"challenger",
					"updated_block",
				],
			),
			job_nodes: table("job_nodes", &["job_id", "node", "slot", "block"]),
			receipts: table(
				"receipts",
				&[
					"job_id",
					"node",
					"runtime_hash",
					"outputs_cid",
					"latency_ms",
					"energy_mj",
					"signature",
					"block",
				],
			),
			attestations: table(
				"attestations",
				&[
					"job_id",
					"validator",
					"verdict",
					"reexecution_digest",
					"stage",
					"block",
					"event_index",
					"batched_by",
				],
			),
			payouts: table(
				"payouts",
				&["block", "event_index", "job_id", "workflow_id", "payee", "role", "amount"],
			),
			settlements: table("settlements", &["job_id", "workflow_id", "fee", "shares", "block"]),
			totals: table("totals", &["key", "amount", "count"]),
			accounts: table(
				"accounts",
				&[
					"account",
					"role",
					"compute_class",
					"bonded",
					"unbonding",
					"slashed",
					"earned",
					"active_validator",
					"receipt_key",
					"capabilities",
					"registered_block",
					"last_heartbeat",
					"gpu_metrics",
					"reputation_ppm",
					"reputation_block",
					"bonded_block",
					"updated_block",
				],
			),
		}
	}

	fn all(&mut self) -> [&mut Table; 13] {
		[
			&mut self.blocks,
			&mut self.events,
			&mut self.workflows,
			&mut self.dependencies,
			&mut self.versions,
			&mut self.jobs,
			&mut self.job_nodes,
			&mut self.receipts,
			&mut self.attestations,
			&mut self.payouts,
			&mut self.settlements,
			&mut self.totals,
			&mut self.accounts,
		]
	}

	async fn flush(&mut self, conn: &Sink) -> Result<(), SeedError> {
		for table in self.all() {
			table.flush(conn).await?;
		}
		Ok(())
	}
}

/// Who a payment went to, for the earnings of the `accounts` rows.
#[derive(Clone, Copy)]
enum Payee {
	Creator(usize),
	Node(usize),
	Validator(usize),
	Treasury,
}

/// Running sums while generating.
struct Ledger {
	creators: Vec<u128>,
	nodes: Vec<u128>,
	validators: Vec<u128>,
	treasury: u128,
	/// `paid:<role>` and `settled`: amount and count.
	totals: BTreeMap<String, (u128, u64)>,
	/// Events per block, indexed by block number.
	event_counts: Vec<u32>,
}

impl Ledger {
	fn pay(&mut self, payee: Payee, amount: u128) {
		let slot = match payee {
			Payee::Creator(i) => self.creators.get_mut(i),
			Payee::Node(i) => self.nodes.get_mut(i),
			Payee::Validator(i) => self.validators.get_mut(i),
			Payee::Treasury => Some(&mut self.treasury),
		};
		if let Some(slot) = slot {
			*slot = slot.saturating_add(amount);
		}
	}

	fn total(&mut self, key: &str, amount: u128) {
		let entry = self.totals.entry(key.to_string()).or_default();
		entry.0 = entry.0.saturating_add(amount);
		entry.1 += 1;
	}

	/// The next event index in `block`.
	fn next_index(&mut self, block: u32) -> i64 {
		match self.event_counts.get_mut(block as usize) {
			Some(count) => {
				*count += 1;
				// Leave room for the system events around each Havn event, as on a real chain.
				i64::from(*count) * 2 - 1
			}
			None => 0,
		}
	}
}

/// The index of `event` in `block`, and its row unless `rows` leaves it out.
fn event_row(
	ledger: &mut Ledger,
	rows: EventRows,
	block: u32,
	event: &HavnEvent,
) -> Result<(i64, Option<Vec<Arg>>), SeedError> {
	let index = ledger.next_index(block);
	let wanted = match rows {
		EventRows::All => true,
		EventRows::Timeline => event.phase().is_some() || event.job_id().is_none(),
	};
	if !wanted {
		return Ok((index, None));
	}
	let (pallet, name) = event.names();
	let row = vec![
		Arg::Int(block.into()),
		Arg::Int(index),
		Arg::Text(pallet.into()),
		Arg::Text(name.into()),
		Arg::OptInt(event.job_id().map(|j| j as i64)),
		Arg::OptInt(event.workflow_id().map(|w| w as i64)),
		Arg::OptText(event.account().cloned()),
		Arg::OptText(event.phase().map(str::to_string)),
		Arg::Text(serde_json::to_string(&event.data())?),
	];
	Ok((index, Some(row)))
}

impl Table {
	async fn push_event(&mut self, conn: &Sink, row: Option<Vec<Arg>>) -> Result<(), SeedError> {
		match row {
			Some(row) => self.push(conn, row).await,
			None => Ok(()),
		}
	}
}

/// Fill `db` (empty, migrated) with the history of `config`; see the module docs.
pub async fn seed(db: &Db, config: &SeedConfig) -> Result<SeedReport, SeedError> {
	let started = Instant::now();
	if let Some(last) = db.last_indexed().await? {
		return Err(SeedError::NotEmpty(last));
	}
	let pop = Population::new(config)?;
	let mut conn = db.pool().acquire().await?;
	if db.dialect() == crate::db::Dialect::Sqlite {
		// A benchmark database: no fsync per commit, a large page cache while writing.
		sqlx::query("PRAGMA synchronous = OFF").execute(&mut *conn).await?;
		sqlx::query("PRAGMA cache_size = -262144").execute(&mut *conn).await?;
		// Index builds sort in memory rather than in temporary files.
		sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
	}
	// Bulk load without the secondary indexes, then build each once (sorting beats millions of
	// random index inserts); they are the migrations' own statements.
	let indexes = crate::db::index_statements();
	for statement in &indexes {
		if let Some(name) = statement.split_whitespace().nth(2) {
			sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX {name}")))
				.execute(&mut *conn)
				.await?;
		}
	}
	// The rows are generated on one task and written on this one, side by side.
	let (sender, mut statements) = tokio::sync::mpsc::channel(8);
	let numbered = db.dialect() == crate::db::Dialect::Postgres;
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
	crate::db::set_state_in(&mut tx, GENESIS_KEY, SEED_GENESIS).await?;
	crate::db::set_state_in(&mut tx, LAST_INDEXED_KEY, &head.to_string()).await?;
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
	if db.dialect() == crate::db::Dialect::Sqlite {
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

async fn write_workflows(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut rng = Rng::new(pop.config.seed, 6);
	for (id, w) in pop.workflows.iter().enumerate() {
		let id64 = id as u64;
		let owner = pop.creators.get(w.owner).cloned().unwrap_or_default();
		let creator = pop.creators.get(w.creator).cloned().unwrap_or_default();
		let hashes: Vec<String> = (0..w.version).map(|_| rng.hex(32)).collect();
		let uris: Vec<String> = (0..w.version).map(|_| format!("ipfs://{}", rng.cid())).collect();
		let first_hash = hashes.first().cloned().unwrap_or_default();
		let first_uri = uris.first().cloned().unwrap_or_default();
		let current_hash = hashes.last().cloned().unwrap_or_default();
		let current_uri = uris.last().cloned().unwrap_or_default();
		let deposit = 10 * HAI;
		let updated = w.created + 10 * (w.version - 1);
		let event = HavnEvent::WorkflowPublished {
			id: id64,
			owner: creator.clone(),
			manifest_hash: first_hash.clone(),
			parent: w.parent.map(u64::from),
			record: crate::model::WorkflowRecord {
				owner: creator.clone(),
				kind: w.kind,
				manifest_hash: first_hash.clone(),
				manifest_uri: first_uri.clone(),
				compute_class: w.class,
				base_fee: Planck(w.base_fee),
				royalty: w.royalty,
				dependencies: w.dependencies.iter().map(|(d, wt)| (u64::from(*d), *wt)).collect(),
				parent: w.parent.map(u64::from),
				depth: w.depth,
				version: 1,
				deprecated: false,
				flag: None,
				deposit: Planck(deposit),
				created_at: w.created,
			},
			first_manifest_uri: first_uri.clone(),
		};
		let (_, row) = event_row(ledger, pop.config.events, w.created, &event)?;
		t.events.push_event(conn, row).await?;
		t.workflows
			.push(
				conn,
				vec![
					Arg::Int(id as i64),
					Arg::Text(owner),
					Arg::Text(creator),
					Arg::Text(w.kind.into()),
					Arg::Text(current_hash),
					Arg::Text(current_uri),
					Arg::Text(class_str(w.class).into()),
					Arg::Text(w.base_fee.to_string()),
					Arg::Text(serde_json::to_string(&w.royalty)?),
					Arg::OptInt(w.parent.map(i64::from)),
					Arg::Int(w.depth.into()),
					Arg::Int(w.version.into()),
					Arg::Text(if id % 50 == 49 { "deprecated" } else { "active" }.into()),
					Arg::OptText(None),
					Arg::Text(deposit.to_string()),
					Arg::Int(w.created.into()),
					Arg::Int(updated.into()),
				],
			)
			.await?;
		for (dep, weight) in &w.dependencies {
			t.dependencies
				.push(
					conn,
					vec![Arg::Int(id as i64), Arg::Int((*dep).into()), Arg::Int((*weight).into())],
				)
				.await?;
		}
		for (v, (hash, uri)) in hashes.into_iter().zip(uris).enumerate() {
			t.versions
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Int(v as i64 + 1),
						Arg::Text(hash),
						Arg::OptText(Some(uri)),
						Arg::Int(i64::from(w.created) + 10 * v as i64),
					],
				)
				.await?;
		}
	}
	Ok(())
}

/// Phase of a generated job.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
	Submitted,
	Assigned,
	Attesting,
	Finalized,
	Rejected,
	Expired { assigned: bool },
}

async fn write_job(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
	id: u64,
) -> Result<(), SeedError> {
	let cfg = &pop.config;
	let mut rng = Rng::new(cfg.seed, 1_000 + id);
	let workflow_id = pop.workflow_zipf.sample(&mut rng);
	let Some(w) = pop.workflows.get(workflow_id as usize) else { return Ok(()) };
	let payer =
		pop.payers.get(pop.payer_zipf.sample(&mut rng) as usize).cloned().unwrap_or_default();
	let s = submit_block(cfg, id);
	let deadline = s + DEADLINE_BLOCKS;
	let first_open = cfg.jobs - cfg.open_jobs;
	let fate = if id >= first_open {
		let frac = (id - first_open) as f64 / cfg.open_jobs.max(1) as f64;
		if frac >= 0.9 {
			Fate::Submitted
		} else if frac >= 0.5 {
			Fate::Assigned
		} else {
			Fate::Attesting
		}
	} else {
		match rng.below(100) {
			0 => Fate::Rejected,
			1 | 2 if deadline <= pop.head => Fate::Expired { assigned: rng.below(2) == 0 },
			_ => Fate::Finalized,
		}
	};
	let redundancy: u8 = match rng.below(100) {
		0..85 => 1,
		85..95 => 2,
		_ => 3,
	};
	let fee = w.base_fee;
	let sampled = id.is_multiple_of(10);
	let serving = pop.serving.get(class_index(w.class)).map(Vec::as_slice).unwrap_or(&[]);
	let mut nodes: Vec<usize> = Vec::with_capacity(redundancy.into());
	while nodes.len() < usize::from(redundancy) && serving.len() >= usize::from(redundancy) {
		let n =
			serving.get(rng.below(serving.len() as u64) as usize).copied().unwrap_or(0) as usize;
		if !nodes.contains(&n) {
			nodes.push(n);
		}
	}
	let node_account = |n: usize| pop.nodes.get(n).map(|x| x.account.clone()).unwrap_or_default();
	let mut committee: Vec<usize> = Vec::with_capacity(cfg.quorum.into());
	while committee.len() < usize::from(cfg.quorum) {
		let v = rng.below(pop.validators.len() as u64) as usize;
		if !committee.contains(&v) {
			committee.push(v);
		}
	}
	let validator_account =
		|v: usize| pop.validators.get(v).map(|x| x.0.clone()).unwrap_or_default();
	let committee_accounts: Vec<String> = committee.iter().map(|v| validator_account(*v)).collect();

	let assigned = matches!(
		fate,
		Fate::Assigned
			| Fate::Attesting
			| Fate::Finalized
			| Fate::Rejected
			| Fate::Expired { assigned: true }
	) && !nodes.is_empty();
	let attesting = matches!(fate, Fate::Attesting | Fate::Finalized | Fate::Rejected) && assigned;
	let decided = matches!(fate, Fate::Finalized | Fate::Rejected) && attesting;
	let assigned_block = s + 1;
	let receipt_block = (s + 2).min(pop.head);
	let decided_block = (s + 3 + rng.below(2) as u32).min(pop.head);

	// JobSubmitted.
	let event = HavnEvent::JobSubmitted {
		job_id: id,
		workflow_id: workflow_id.into(),
		payer: payer.clone(),
		fee: Planck(fee),
		compute_class: w.class,
		deadline,
		details: JobDetails {
			redundancy,
			input_digest: rng.hex(32),
			input_uri: format!("ipfs://{}", rng.cid()),
		},
	};
	let (input_digest, input_uri) = match &event {
		HavnEvent::JobSubmitted { details, .. } => {
			(details.input_digest.clone(), details.input_uri.clone())
		}
		_ => (String::new(), String::new()),
	};
	let (_, row) = event_row(ledger, pop.config.events, s, &event)?;
	t.events.push_event(conn, row).await?;

	let node_accounts: Vec<String> = nodes.iter().map(|n| node_account(*n)).collect();
	if assigned {
		let event = HavnEvent::JobAssigned {
			job_id: id,
			nodes: node_accounts.clone(),
			by: pop.relay.clone(),
		};
		let (_, row) = event_row(ledger, pop.config.events, assigned_block, &event)?;
		t.events.push_event(conn, row).await?;
		for (slot, account) in node_accounts.iter().enumerate() {
			t.job_nodes
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(account.clone()),
						Arg::Int(slot as i64),
						Arg::Int(assigned_block.into()),
					],
				)
				.await?;
		}
	}
	let mut runtime_hash = String::new();
	if attesting {
		runtime_hash = rng.hex(32);
		for account in &node_accounts {
			let details = ReceiptDetails {
				latency_ms: 40 + (rng.unit().powi(3) * 8_000.0) as u32,
				energy_mj: 1_000 + rng.below(400_000),
				signature: rng.hex(64),
			};
			let outputs_cid = rng.cid();
			let event = HavnEvent::ReceiptSubmitted {
				job_id: id,
				node: account.clone(),
				runtime_hash: runtime_hash.clone(),
				outputs_cid: outputs_cid.clone(),
				details: details.clone(),
			};
			let (_, row) = event_row(ledger, pop.config.events, receipt_block, &event)?;
			t.events.push_event(conn, row).await?;
			t.receipts
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(account.clone()),
						Arg::Text(runtime_hash.clone()),
						Arg::Text(outputs_cid),
						Arg::OptInt(Some(details.latency_ms.into())),
						Arg::OptText(Some(details.energy_mj.to_string())),
						Arg::OptText(Some(details.signature)),
						Arg::Int(receipt_block.into()),
					],
				)
				.await?;
		}
		let event =
			HavnEvent::JobAttesting { job_id: id, committee: committee_accounts.clone(), sampled };
		let (_, row) = event_row(ledger, pop.config.events, receipt_block, &event)?;
		t.events.push_event(conn, row).await?;
	}
	let (mut valid, mut invalid) = (0i64, 0i64);
	if decided {
		let verdict = if fate == Fate::Finalized { "valid" } else { "invalid" };
		let lead = committee_accounts.first().cloned();
		for validator in &committee_accounts {
			let digest = sampled.then(|| runtime_hash.clone());
			let event = HavnEvent::AttestationSubmitted {
				job_id: id,
				validator: validator.clone(),
				verdict,
				reexecution_digest: digest.clone(),
				batched_by: lead.clone(),
			};
			let (index, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			t.attestations
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(validator.clone()),
						Arg::Text(verdict.into()),
						Arg::OptText(digest),
						Arg::Text("attestation".into()),
						Arg::Int(decided_block.into()),
						Arg::Int(index),
						Arg::OptText(lead.clone()),
					],
				)
				.await?;
			if verdict == "valid" {
				valid += 1;
			} else {
				invalid += 1;
			}
		}
	}
	let mut finalized_block = None;
	let mut closed_block = None;
	let phase = match fate {
		Fate::Finalized if decided => {
			finalized_block = Some(i64::from(decided_block));
			closed_block = finalized_block;
			let event = HavnEvent::JobFinalized { job_id: id, fee: Planck(fee) };
			let (_, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			pay(conn, t, ledger, pop, id, workflow_id, w, fee, &nodes, &committee, decided_block)
				.await?;
			"finalized"
		}
		Fate::Rejected if decided => {
			closed_block = Some(i64::from(decided_block));
			let event = HavnEvent::JobRejected { job_id: id };
			let (_, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			"rejected"
		}
		Fate::Expired { .. } => {
			closed_block = Some(i64::from(deadline));
			let event = HavnEvent::JobExpired { job_id: id };
			let (_, row) = event_row(ledger, pop.config.events, deadline, &event)?;
			t.events.push_event(conn, row).await?;
			"expired"
		}
		_ if attesting => "attesting",
		_ if assigned => "assigned",
		_ => "submitted",
	};
	let updated = closed_block
		.or(attesting.then_some(i64::from(receipt_block)))
		.or(assigned.then_some(i64::from(assigned_block)))
		.unwrap_or(i64::from(s));
	let committee_json =
		if attesting { serde_json::to_string(&committee_accounts)? } else { "[]".to_string() };
	t.jobs
		.push(
			conn,
			vec![
				Arg::Int(id as i64),
				Arg::Int(workflow_id.into()),
				Arg::Text(payer),
				Arg::Text(fee.to_string()),
				Arg::Text(class_str(w.class).into()),
				Arg::OptInt(Some(redundancy.into())),
				Arg::OptText(Some(input_digest)),
				Arg::OptText(Some(input_uri)),
				Arg::Text(phase.into()),
				Arg::Int(s.into()),
				Arg::Int(deadline.into()),
				Arg::OptInt(assigned.then_some(i64::from(assigned_block))),
				Arg::OptText(assigned.then(|| pop.relay.clone())),
				Arg::Text(committee_json),
				Arg::OptText(None),
				Arg::Int(i64::from(sampled && attesting)),
				Arg::Int(valid),
				Arg::Int(invalid),
				Arg::OptInt(finalized_block),
				Arg::OptInt(closed_block),
				Arg::OptText(None),
				Arg::Int(updated),
			],
		)
		.await?;
	Ok(())
}

/// The PayoutRouter's payments for a finalized job: `FeePaid` rows and events, then
/// `JobSettled`.
#[allow(clippy::too_many_arguments)]
async fn pay(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
	id: u64,
	workflow_id: u32,
	w: &WorkflowSpec,
	fee: u128,
	nodes: &[usize],
	committee: &[usize],
	block: u32,
) -> Result<(), SeedError> {
	let part = |ppm: u32| {
		fee / 1_000_000 * u128::from(ppm) + fee % 1_000_000 * u128::from(ppm) / 1_000_000
	};
	let creator_share = part(w.royalty.creator);
	let upstream_share = part(w.royalty.upstream);
	let node_share = part(w.royalty.node);
	let validators_share = part(w.royalty.validators);
	let mut payments: Vec<(Payee, String, crate::model::PayeeRole, u128)> = Vec::new();
	let owner = pop.creators.get(w.owner).cloned().unwrap_or_default();
	let mut upstream_paid = 0u128;
	if w.dependencies.is_empty() {
		payments.push((
			Payee::Creator(w.owner),
			owner.clone(),
			crate::model::PayeeRole::Creator,
			creator_share + upstream_share,
		));
		upstream_paid = upstream_share;
	} else {
		payments.push((
			Payee::Creator(w.owner),
			owner.clone(),
			crate::model::PayeeRole::Creator,
			creator_share,
		));
		let weights: Vec<u32> = w.dependencies.iter().map(|(_, wt)| *wt).collect();
		let (parts, _) = havn_primitives::royalty::distribute(upstream_share, &weights);
		for ((dep, _), amount) in w.dependencies.iter().zip(parts) {
			let dep_owner = pop.workflows.get(*dep as usize).map(|d| d.owner).unwrap_or(0);
			let account = pop.creators.get(dep_owner).cloned().unwrap_or_default();
			payments.push((
				Payee::Creator(dep_owner),
				account,
				crate::model::PayeeRole::Upstream,
				amount,
			));
			upstream_paid += amount;
		}
	}
	let (each_node, _) =
		havn_primitives::royalty::distribute_equally(node_share, nodes.len() as u32);
	for n in nodes {
		let account = pop.nodes.get(*n).map(|x| x.account.clone()).unwrap_or_default();
		payments.push((Payee::Node(*n), account, crate::model::PayeeRole::Node, each_node));
	}
	let (each_validator, _) =
		havn_primitives::royalty::distribute_equally(validators_share, committee.len() as u32);
	for v in committee {
		let account = pop.validators.get(*v).map(|x| x.0.clone()).unwrap_or_default();
		payments.push((
			Payee::Validator(*v),
			account,
			crate::model::PayeeRole::Validator,
			each_validator,
		));
	}
	let paid: u128 = payments.iter().map(|p| p.3).sum();
	payments.push((
		Payee::Treasury,
		TREASURY.to_string(),
		crate::model::PayeeRole::Treasury,
		fee - paid,
	));
	let mut shares = Shares {
		creator: Planck(0),
		upstream: Planck(0),
		node: Planck(0),
		validators: Planck(0),
		treasury: Planck(0),
	};
	for (payee, account, role, amount) in payments {
		let event =
			HavnEvent::FeePaid { job_id: id, payee: account.clone(), role, amount: Planck(amount) };
		let (index, row) = event_row(ledger, pop.config.events, block, &event)?;
		t.events.push_event(conn, row).await?;
		t.payouts
			.push(
				conn,
				vec![
					Arg::Int(block.into()),
					Arg::Int(index),
					Arg::Int(id as i64),
					Arg::OptInt(Some(workflow_id.into())),
					Arg::Text(account),
					Arg::Text(role.as_str().into()),
					Arg::Text(amount.to_string()),
				],
			)
			.await?;
		ledger.pay(payee, amount);
		ledger.total(&format!("paid:{}", role.as_str()), amount);
		let share = match role {
			crate::model::PayeeRole::Creator => &mut shares.creator,
			crate::model::PayeeRole::Upstream => &mut shares.upstream,
			crate::model::PayeeRole::Node => &mut shares.node,
			crate::model::PayeeRole::Validator => &mut shares.validators,
			crate::model::PayeeRole::Treasury => &mut shares.treasury,
		};
		share.0 += amount;
	}
	let _ = upstream_paid;
	let event = HavnEvent::JobSettled {
		job_id: id,
		workflow_id: workflow_id.into(),
		fee: Planck(fee),
		shares,
	};
	let (_, row) = event_row(ledger, pop.config.events, block, &event)?;
	t.events.push_event(conn, row).await?;
	t.settlements
		.push(
			conn,
			vec![
				Arg::Int(id as i64),
				Arg::Int(workflow_id.into()),
				Arg::Text(fee.to_string()),
				Arg::Text(serde_json::to_string(&shares)?),
				Arg::Int(block.into()),
			],
		)
		.await?;
	ledger.total("settled", fee);
	Ok(())
}

async fn write_accounts(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut rng = Rng::new(pop.config.seed, 7);
	let head = i64::from(pop.head);
	for (i, node) in pop.nodes.iter().enumerate() {
		let earned = ledger.nodes.get(i).copied().unwrap_or(0);
		let gpu = node.class != ComputeClass::S;
		let capabilities = node.registered.map(|_| crate::model::Capabilities {
			compute_class: node.class,
			gpu_model: if gpu { "NVIDIA L4".into() } else { String::new() },
			vram_gib: if gpu { 24 } else { 0 },
			models: vec!["all-MiniLM-L6-v2".into(), "SmolLM2-135M-Instruct".into()],
		});
		let metrics = (gpu && node.registered.is_some()).then(|| crate::model::GpuMetrics {
			utilization_percent: rng.below(100) as u8,
			memory_used_mib: rng.below(24_000) as u32,
			power_milliwatts: 20_000 + rng.below(50_000) as u32,
			temperature_c: 35 + rng.below(45) as u8,
		});
		let bonded_block = node.registered.map(|r| r.saturating_sub(1).max(1)).unwrap_or(1);
		t.accounts
			.push(
				conn,
				vec![
					Arg::Text(node.account.clone()),
					Arg::OptText(Some("execution_node".into())),
					Arg::OptText(Some(class_str(node.class).into())),
					Arg::Text(node.bonded.to_string()),
					Arg::Text("0".into()),
					Arg::Text("0".into()),
					Arg::Text(earned.to_string()),
					Arg::Int(0),
					Arg::OptText(node.registered.map(|_| rng.hex(32))),
					Arg::OptText(capabilities.as_ref().map(serde_json::to_string).transpose()?),
					Arg::OptInt(node.registered.map(i64::from)),
					Arg::OptInt(node.last_heartbeat.map(i64::from)),
					Arg::OptText(metrics.as_ref().map(serde_json::to_string).transpose()?),
					Arg::OptInt(node.reputation_ppm.map(i64::from)),
					Arg::OptInt(node.reputation_ppm.map(|_| head - rng.below(500) as i64)),
					Arg::OptInt(Some(bonded_block.into())),
					Arg::Int(node.last_heartbeat.map(i64::from).unwrap_or(bonded_block.into())),
				],
			)
			.await?;
	}
	for (i, (account, reputation)) in pop.validators.iter().enumerate() {
		let earned = ledger.validators.get(i).copied().unwrap_or(0);
		t.accounts
			.push(
				conn,
				vec![
					Arg::Text(account.clone()),
					Arg::OptText(Some("validator".into())),
					Arg::OptText(None),
					Arg::Text((10_000 * HAI + u128::from(rng.below(5_000)) * HAI).to_string()),
					Arg::Text("0".into()),
					Arg::Text("0".into()),
					Arg::Text(earned.to_string()),
					Arg::Int(1),
					Arg::OptText(None),
					Arg::OptText(None),
					Arg::OptInt(None),
					Arg::OptInt(None),
					Arg::OptText(None),
					Arg::OptInt(Some((*reputation).into())),
					Arg::OptInt(Some(head - rng.below(50) as i64)),
					Arg::OptInt(Some(1)),
					Arg::Int(head),
				],
			)
			.await?;
	}
	let plain = |account: String, role: Option<&str>, bonded: u128, earned: u128| {
		vec![
			Arg::Text(account),
			Arg::OptText(role.map(str::to_string)),
			Arg::OptText(None),
			Arg::Text(bonded.to_string()),
			Arg::Text("0".into()),
			Arg::Text("0".into()),
			Arg::Text(earned.to_string()),
			Arg::Int(0),
			Arg::OptText(None),
			Arg::OptText(None),
			Arg::OptInt(None),
			Arg::OptInt(None),
			Arg::OptText(None),
			Arg::OptInt(None),
			Arg::OptInt(None),
			Arg::OptInt(role.map(|_| 1)),
			Arg::Int(head),
		]
	};
	t.accounts.push(conn, plain(pop.relay.clone(), Some("relay"), 1_000 * HAI, 0)).await?;
	t.accounts.push(conn, plain(TREASURY.to_string(), None, 0, ledger.treasury)).await?;
	for (i, creator) in pop.creators.iter().enumerate() {
		let earned = ledger.creators.get(i).copied().unwrap_or(0);
		if earned > 0 {
			t.accounts.push(conn, plain(creator.clone(), None, 0, earned)).await?;
		}
	}
	Ok(())
}

async fn write_totals(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut totals = ledger.totals.clone();
	// Every payer drew from the faucet once.
	totals.insert(
		"faucet".into(),
		(u128::from(pop.config.payers) * 100 * HAI, pop.config.payers.into()),
	);
	for (key, (amount, count)) in totals {
		t.totals
			.push(conn, vec![Arg::Text(key), Arg::Text(amount.to_string()), Arg::Int(count as i64)])
			.await?;
	}
	Ok(())
}

async fn write_blocks(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	head: u32,
) -> Result<(), SeedError> {
	let hash = |n: u32| Rng::new(0xB10C, n.into()).hex(32);
	let mut parent = hash(0);
	for n in 1..=head {
		let h = hash(n);
		t.blocks
			.push(
				conn,
				vec![
					Arg::Int(n.into()),
					Arg::Text(h.clone()),
					Arg::Text(parent),
					Arg::Int((GENESIS_MS + u64::from(n) * BLOCK_MS) as i64),
					Arg::Int(ledger.event_counts.get(n as usize).copied().unwrap_or(0).into()),
				],
			)
			.await?;
		parent = h;
	}
	Ok(())
}
