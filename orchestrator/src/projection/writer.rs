//! The indexer's writes: one finalized block per transaction, exactly once, batched per block.
//!
//! [`write_block_counted`] checks that the block is the one after `last_indexed_block` (or the first
//! one), then hands every event to its pallet's projection, which stages its rows in a
//! [`BlockWriter`]. [`BlockWriter::finish`] writes what was staged with few statements: one
//! multi-row insert per table and per few hundred rows (events, jobs, job nodes, receipts,
//! attestations, payouts, settlements), one update per job and per account touched, one per
//! running total and aggregate key. Then `last_indexed_block` moves, all in the caller's
//! transaction: a crash before the commit leaves nothing behind; a block offered twice is
//! skipped ([`Applied::AlreadyIndexed`]); unique keys (block number, `(block, event_index)`)
//! back this up.

use super::{faucet, jobs, payouts, reputation, stake, workflows, HavnEvent};
use crate::{
	db::{
		aggregates::Deltas, int, last_indexed_in, planck, set_state_in, DbError, LAST_INDEXED_KEY,
	},
	model::{BlockData, IndexedEvent},
};
use sqlx::{any::AnyArguments, query::Query, Any, AnyConnection, AssertSqlSafe, Row};
use std::collections::BTreeMap;

/// What [`write_block_counted`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
	/// The block was written and is now the last indexed block.
	Indexed,
	/// The block was indexed before; nothing was written.
	AlreadyIndexed,
}

/// Most bound parameters in one statement (below SQLite's 32,766 and PostgreSQL's 65,535).
const MAX_PARAMS: usize = 8_000;

/// A value bound into a staged row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
	/// An integer (ids, blocks, counters, flags).
	Int(i64),
	/// A nullable integer.
	OptInt(Option<i64>),
	/// Text (accounts, digests, amounts as decimal planck, JSON).
	Text(String),
	/// Nullable text.
	OptText(Option<String>),
}

impl From<i64> for Val {
	fn from(v: i64) -> Self {
		Self::Int(v)
	}
}
impl From<Option<i64>> for Val {
	fn from(v: Option<i64>) -> Self {
		Self::OptInt(v)
	}
}
impl From<String> for Val {
	fn from(v: String) -> Self {
		Self::Text(v)
	}
}
impl From<&str> for Val {
	fn from(v: &str) -> Self {
		Self::Text(v.to_string())
	}
}
impl From<Option<String>> for Val {
	fn from(v: Option<String>) -> Self {
		Self::OptText(v)
	}
}

/// Bind `value` as the next parameter of `query`.
pub(crate) fn bind(
	query: Query<'_, Any, AnyArguments>,
	value: Val,
) -> Query<'_, Any, AnyArguments> {
	match value {
		Val::Int(v) => query.bind(v),
		Val::OptInt(v) => query.bind(v),
		Val::Text(v) => query.bind(v),
		Val::OptText(v) => query.bind(v),
	}
}

/// `template` (whose `$1`…`$n` are one row's values) as row text for the database, and the
/// order in which to bind the row's values (0-based). PostgreSQL gets numbered parameters
/// (`$k` becomes `$(k + offset)`, bound in value order). SQLite gets anonymous `?`s, bound in the
/// order they appear (a value named twice is bound twice): SQLite finds a named parameter by a
/// linear scan, so a statement of n named parameters costs O(n²) to bind.
pub(crate) fn render(template: &str, offset: usize, sqlite: bool) -> (String, Vec<usize>) {
	let mut out = String::with_capacity(template.len() + 8);
	let mut order = Vec::new();
	let mut chars = template.chars().peekable();
	while let Some(c) = chars.next() {
		if c != '$' {
			out.push(c);
			continue;
		}
		let mut digits = String::new();
		while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
			digits.push(*d);
			chars.next();
		}
		match digits.parse::<usize>() {
			Ok(k) if k > 0 => {
				order.push(k - 1);
				if sqlite {
					out.push('?');
				} else {
					out.push_str(&format!("${}", k + offset));
				}
			}
			_ => {
				out.push('$');
				out.push_str(&digits);
			}
		}
	}
	if !sqlite {
		order.sort_unstable();
		order.dedup();
	}
	(out, order)
}

/// An account's changes in one block that are sums or last values, written once at the end.
#[derive(Debug, Default)]
struct AccountChange {
	/// Planck paid to the account (`FeePaid`).
	earned: u128,
	/// Planck slashed from it (`Slashed`).
	slashed: u128,
	/// The last reputation score set (`Some(None)`: reset).
	reputation: Option<Option<i64>>,
}

/// One block's staged rows (see the module docs).
pub struct BlockWriter<'c> {
	conn: &'c mut AnyConnection,
	/// The block number.
	pub block: i64,
	/// The aggregates' changes ([`Deltas`]).
	pub deltas: Deltas,
	/// The jobs' staged rows.
	pub(crate) jobs: jobs::Staged,
	/// The payouts' staged rows.
	pub(crate) payouts: payouts::Staged,
	/// Whether the database is SQLite (see [`render`]).
	sqlite: bool,
	statements: u64,
	events: Vec<Vec<Val>>,
	accounts: BTreeMap<String, AccountChange>,
	totals: BTreeMap<String, (u128, u128, i64)>,
}

impl<'c> BlockWriter<'c> {
	fn new(conn: &'c mut AnyConnection, block: i64) -> Self {
		let sqlite = conn.backend_name() == "SQLite";
		Self {
			conn,
			block,
			deltas: Deltas::default(),
			jobs: Default::default(),
			payouts: Default::default(),
			sqlite,
			statements: 0,
			events: Vec::new(),
			accounts: BTreeMap::new(),
			totals: BTreeMap::new(),
		}
	}

	/// `n` parameters in a row, numbered from `first` (as [`render`] writes them).
	pub fn list(&self, first: usize, n: usize) -> String {
		let one = |i: usize| if self.sqlite { "?".to_string() } else { format!("${}", first + i) };
		(0..n).map(one).collect::<Vec<_>>().join(", ")
	}

	/// Run a statement; the rows it changed.
	pub async fn execute(&mut self, query: Query<'_, Any, AnyArguments>) -> Result<u64, DbError> {
		self.statements += 1;
		Ok(query.execute(&mut *self.conn).await?.rows_affected())
	}

	/// Run a query; its rows.
	pub async fn fetch_all(
		&mut self,
		query: Query<'_, Any, AnyArguments>,
	) -> Result<Vec<sqlx::any::AnyRow>, DbError> {
		self.statements += 1;
		Ok(query.fetch_all(&mut *self.conn).await?)
	}

	/// Run `head VALUES row, row, … tail` over `rows` (each bound into `row`, whose `$1…$n`
	/// are the row's values; an insert, or any statement around a `VALUES` list), in statements of at most [`MAX_PARAMS`] parameters; the rows
	/// changed.
	pub async fn insert_rows(
		&mut self,
		head: &str,
		row: &str,
		tail: &str,
		rows: Vec<Vec<Val>>,
	) -> Result<u64, DbError> {
		let Some(width) = rows.first().map(Vec::len).filter(|w| *w > 0) else { return Ok(0) };
		let (_, order) = render(row, 0, self.sqlite);
		let mut changed = 0;
		let mut rows = rows.into_iter().peekable();
		while rows.peek().is_some() {
			let chunk: Vec<Vec<Val>> =
				rows.by_ref().take((MAX_PARAMS / order.len().max(1)).max(1)).collect();
			let values: Vec<String> =
				(0..chunk.len()).map(|i| render(row, i * width, self.sqlite).0).collect();
			let sql = format!("{head} VALUES {} {tail}", values.join(", "));
			let mut query = sqlx::query(AssertSqlSafe(sql));
			for values in &chunk {
				for k in &order {
					let value = values.get(*k).ok_or(DbError::Corrupt("row template"))?;
					query = bind(query, value.clone());
				}
			}
			changed += self.execute(query).await?;
		}
		Ok(changed)
	}

	/// Create the row of each of `accounts` (all amounts zero) that does not exist.
	pub async fn ensure_accounts(&mut self, accounts: &[&str]) -> Result<(), DbError> {
		let block = self.block;
		let rows =
			accounts.iter().map(|a| vec![Val::from(*a), Val::from(block)]).collect::<Vec<_>>();
		self.insert_rows(
			"INSERT INTO accounts (account, bonded, unbonding, slashed, earned, active_validator, \
			 updated_block)",
			"($1, '0', '0', '0', '0', 0, $2)",
			"ON CONFLICT (account) DO NOTHING",
			rows,
		)
		.await?;
		Ok(())
	}

	/// Add `amount` planck to what `who` earned.
	pub fn earn(&mut self, who: &str, amount: u128) {
		let change = self.accounts.entry(who.to_string()).or_default();
		change.earned = change.earned.saturating_add(amount);
	}

	/// Add `amount` planck to what was slashed from `who`.
	pub fn slash(&mut self, who: &str, amount: u128) {
		let change = self.accounts.entry(who.to_string()).or_default();
		change.slashed = change.slashed.saturating_add(amount);
	}

	/// Set (`None`: reset) `who`'s reputation score, ppm.
	pub fn set_reputation(&mut self, who: &str, score_ppm: Option<u32>) {
		self.accounts.entry(who.to_string()).or_default().reputation =
			Some(score_ppm.map(i64::from));
	}

	/// Add `amount` planck and one to the running total `key`.
	pub fn add_total(&mut self, key: &str, amount: u128) {
		let total = self.totals.entry(key.to_string()).or_default();
		total.0 = total.0.saturating_add(amount);
		total.2 += 1;
	}

	fn event_row(&mut self, indexed: &IndexedEvent) -> Result<(), DbError> {
		let event = &indexed.event;
		let (pallet, name) = event.names();
		self.events.push(vec![
			self.block.into(),
			i64::from(indexed.index).into(),
			pallet.into(),
			name.into(),
			event.job_id().map(int).transpose()?.into(),
			event.workflow_id().map(int).transpose()?.into(),
			event.account().cloned().into(),
			event.phase().map(|p| <&str>::from(p).to_string()).into(),
			serde_json::to_string(&event.data())?.into(),
		]);
		Ok(())
	}

	/// Write everything staged.
	async fn finish(mut self) -> Result<u64, DbError> {
		jobs::flush(&mut self).await?;
		payouts::flush(&mut self).await?;
		let events = std::mem::take(&mut self.events);
		self.insert_rows(
			"INSERT INTO events (block, event_index, pallet, name, job_id, workflow_id, account, \
			 phase, data)",
			"($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			"",
			events,
		)
		.await?;
		self.flush_accounts().await?;
		let totals = std::mem::take(&mut self.totals);
		self.flush_sums("totals", totals).await?;
		self.flush_deltas().await?;
		Ok(self.statements)
	}

	async fn flush_accounts(&mut self) -> Result<(), DbError> {
		let accounts = std::mem::take(&mut self.accounts);
		if accounts.is_empty() {
			return Ok(());
		}
		let names: Vec<&str> = accounts.keys().map(String::as_str).collect();
		self.ensure_accounts(&names).await?;
		let current = self.amounts("accounts", "account", "earned, slashed", &names).await?;
		let (mut plain, mut scored) = (Vec::new(), Vec::new());
		for (who, change) in &accounts {
			let (earned, slashed) = match current.get(who) {
				Some(row) => (
					planck(&row.try_get::<String, _>("earned")?, "accounts.earned")?,
					planck(&row.try_get::<String, _>("slashed")?, "accounts.slashed")?,
				),
				None => (0, 0),
			};
			let mut row: Vec<Val> = vec![
				who.as_str().into(),
				earned.saturating_add(change.earned).to_string().into(),
				slashed.saturating_add(change.slashed).to_string().into(),
				self.block.into(),
			];
			match change.reputation {
				Some(score) => {
					row.push(score.into());
					scored.push(row);
				}
				None => plain.push(row),
			}
		}
		let set = "earned = v.column2, slashed = v.column3, updated_block = v.column4";
		self.insert_rows(
			&format!("UPDATE accounts SET {set} FROM ("),
			"($1, $2, $3, $4)",
			") AS v WHERE accounts.account = v.column1",
			plain,
		)
		.await?;
		self.insert_rows(
			&format!(
				"UPDATE accounts SET {set}, reputation_ppm = v.column5, reputation_block = \
				 v.column4 FROM ("
			),
			"($1, $2, $3, $4, $5)",
			") AS v WHERE accounts.account = v.column1",
			scored,
		)
		.await?;
		Ok(())
	}

	/// Add planck and counts to the keyed sums of `table` (`totals` or `earnings`: `key`,
	/// `amount` as decimal planck, `count`): per key, planck added, planck taken away and the
	/// change of count.
	async fn flush_sums(
		&mut self,
		table: &str,
		sums: BTreeMap<String, (u128, u128, i64)>,
	) -> Result<(), DbError> {
		let sums: BTreeMap<String, (u128, u128, i64)> =
			sums.into_iter().filter(|(_, (add, take, count))| add != take || *count != 0).collect();
		if sums.is_empty() {
			return Ok(());
		}
		let keys: Vec<&str> = sums.keys().map(String::as_str).collect();
		let rows = keys.iter().map(|k| vec![Val::from(*k)]).collect();
		self.insert_rows(
			&format!("INSERT INTO {table} (key, amount, count)"),
			"($1, '0', 0)",
			"ON CONFLICT (key) DO NOTHING",
			rows,
		)
		.await?;
		let current = self.amounts(table, "key", "amount", &keys).await?;
		let mut rows = Vec::with_capacity(sums.len());
		for (key, (add, take, count)) in &sums {
			let now = match current.get(key) {
				Some(row) => planck(&row.try_get::<String, _>("amount")?, "amount")?,
				None => 0,
			};
			let amount = now.saturating_add(*add).saturating_sub(*take);
			rows.push(vec![key.as_str().into(), amount.to_string().into(), (*count).into()]);
		}
		self.insert_rows(
			&format!(
				"UPDATE {table} SET amount = v.column2, count = {table}.count + v.column3 FROM ("
			),
			"($1, $2, $3)",
			&format!(") AS v WHERE {table}.key = v.column1"),
			rows,
		)
		.await?;
		Ok(())
	}

	/// Write the block's changes to the running counts and earnings ([`Deltas`]).
	async fn flush_deltas(&mut self) -> Result<(), DbError> {
		let (counts, earnings) = std::mem::take(&mut self.deltas).into_parts();
		let mut counts: Vec<(String, i64)> = counts.into_iter().filter(|(_, d)| *d != 0).collect();
		counts.sort_unstable();
		let rows = counts.into_iter().map(|(key, delta)| vec![key.into(), delta.into()]).collect();
		self.insert_rows(
			"INSERT INTO counts (key, count)",
			"($1, $2)",
			"ON CONFLICT (key) DO UPDATE SET count = counts.count + excluded.count",
			rows,
		)
		.await?;
		self.flush_sums("earnings", earnings.into_iter().collect()).await
	}

	/// The rows of `table` whose `key` column is one of `keys` (columns `key` and `columns`), by
	/// key.
	async fn amounts(
		&mut self,
		table: &str,
		key: &str,
		columns: &str,
		keys: &[&str],
	) -> Result<BTreeMap<String, sqlx::any::AnyRow>, DbError> {
		let mut out = BTreeMap::new();
		for chunk in keys.chunks(MAX_PARAMS) {
			let sql = format!(
				"SELECT {key} AS k, {columns} FROM {table} WHERE {key} IN ({})",
				self.list(1, chunk.len())
			);
			let mut query = sqlx::query(AssertSqlSafe(sql));
			for k in chunk {
				query = query.bind(k.to_string());
			}
			for row in self.fetch_all(query).await? {
				out.insert(row.try_get::<String, _>("k")?, row);
			}
		}
		Ok(out)
	}
}

/// Write `block` on `conn` (a transaction) if it is the next block to index: the check, every
/// row and the `last_indexed_block` update; the caller commits. Also returns the number of SQL
/// statements it ran.
pub async fn write_block_counted(
	conn: &mut AnyConnection,
	block: &BlockData,
) -> Result<(Applied, u64), DbError> {
	write_block_keeping(conn, block, |_| true).await
}

/// [`write_block_counted`], storing an `events` row only for the events `keep` accepts (the
/// indexer keeps every one; the benchmark seeder may keep only the jobs' timelines). Every event
/// still writes its derived rows.
pub async fn write_block_keeping(
	conn: &mut AnyConnection,
	block: &BlockData,
	keep: impl Fn(&HavnEvent) -> bool,
) -> Result<(Applied, u64), DbError> {
	match last_indexed_in(conn).await? {
		Some(last) if block.number <= last => return Ok((Applied::AlreadyIndexed, 1)),
		Some(last) if Some(block.number) != last.checked_add(1) => {
			return Err(DbError::Gap { expected: last.saturating_add(1), got: block.number })
		}
		_ => {}
	}
	let number = i64::from(block.number);
	let mut w = BlockWriter::new(conn, number);
	let query = sqlx::query(
		"INSERT INTO blocks (number, hash, parent_hash, timestamp_ms, event_count) \
		 VALUES ($1, $2, $3, $4, $5)",
	)
	.bind(number)
	.bind(block.hash.clone())
	.bind(block.parent_hash.clone())
	.bind(int(block.timestamp_ms)?)
	.bind(int(block.events.len() as u64)?);
	w.execute(query).await?;
	jobs::prepare(&mut w, &block.events).await?;
	for indexed in &block.events {
		if keep(&indexed.event) {
			w.event_row(indexed)?;
		}
		let index = i64::from(indexed.index);
		match &indexed.event {
			HavnEvent::WorkflowRegistry(e) => workflows::apply(&mut w, e).await?,
			HavnEvent::StakeGuard(e) => stake::apply(&mut w, e).await?,
			HavnEvent::ExecutionLog(e) => jobs::apply(&mut w, index, e)?,
			HavnEvent::PayoutRouter(e) => payouts::apply(&mut w, index, e)?,
			HavnEvent::Reputation(e) => reputation::apply(&mut w, e),
			HavnEvent::Faucet(e) => faucet::apply(&mut w, e),
		}
	}
	if let Some(validators) = &block.validators {
		stake::set_active_validators(&mut w, validators).await?;
	}
	let statements = w.finish().await?;
	set_state_in(conn, LAST_INDEXED_KEY, &block.number.to_string()).await?;
	// The check, and moving `last_indexed_block`.
	Ok((Applied::Indexed, statements + 2))
}
