//! Rows for the orchestrator's tables, written in multi-row `INSERT`s, and the ledger of
//! running totals and earnings a seeded history accumulates.

use super::*;

/// A value bound into a multi-row insert.
pub(crate) enum Arg {
	Int(i64),
	OptInt(Option<i64>),
	Text(String),
	OptText(Option<String>),
}

/// Rows of one table, written `rows_per_statement` at a time.
pub(crate) struct Table {
	pub(crate) name: &'static str,
	/// `$n` placeholders (PostgreSQL) rather than `?` (SQLite, whose lookup of numbered
	/// parameters is quadratic in their number).
	pub(crate) numbered: bool,
	pub(crate) columns: usize,
	pub(crate) rows_per_statement: usize,
	pub(crate) sql: String,
	pub(crate) pending: Vec<Arg>,
	pub(crate) written: u64,
}

impl Table {
	pub(crate) fn new(numbered: bool, name: &'static str, columns: &[&str]) -> Self {
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

	pub(crate) async fn push(&mut self, conn: &Sink, row: Vec<Arg>) -> Result<(), SeedError> {
		debug_assert_eq!(row.len(), self.columns);
		self.pending.extend(row);
		if self.pending.len() >= self.rows_per_statement * self.columns {
			self.flush(conn).await?;
		}
		Ok(())
	}

	pub(crate) async fn flush(&mut self, conn: &Sink) -> Result<(), SeedError> {
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

	pub(crate) fn sql_columns(&self) -> Vec<&str> {
		let start = self.sql.find('(').map(|i| i + 1).unwrap_or(0);
		let end = self.sql.find(')').unwrap_or(start);
		self.sql.get(start..end).unwrap_or("").split(", ").collect()
	}
}

pub(crate) fn insert_sql(numbered: bool, table: &str, columns: &[&str], rows: usize) -> String {
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
pub(crate) struct Tables {
	pub(crate) blocks: Table,
	pub(crate) events: Table,
	pub(crate) workflows: Table,
	pub(crate) dependencies: Table,
	pub(crate) versions: Table,
	pub(crate) jobs: Table,
	pub(crate) job_nodes: Table,
	pub(crate) receipts: Table,
	pub(crate) attestations: Table,
	pub(crate) payouts: Table,
	pub(crate) settlements: Table,
	pub(crate) totals: Table,
	pub(crate) accounts: Table,
}

impl Tables {
	pub(crate) fn new(numbered: bool) -> Self {
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

	pub(crate) fn all(&mut self) -> [&mut Table; 13] {
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

	pub(crate) async fn flush(&mut self, conn: &Sink) -> Result<(), SeedError> {
		for table in self.all() {
			table.flush(conn).await?;
		}
		Ok(())
	}
}

/// Who a payment went to, for the earnings of the `accounts` rows.
#[derive(Clone, Copy)]
pub(crate) enum Payee {
	Creator(usize),
	Node(usize),
	Validator(usize),
	Treasury,
}

/// Running sums while generating.
pub(crate) struct Ledger {
	pub(crate) creators: Vec<u128>,
	pub(crate) nodes: Vec<u128>,
	pub(crate) validators: Vec<u128>,
	pub(crate) treasury: u128,
	/// `paid:<role>` and `settled`: amount and count.
	pub(crate) totals: BTreeMap<String, (u128, u64)>,
	/// Events per block, indexed by block number.
	pub(crate) event_counts: Vec<u32>,
}

impl Ledger {
	pub(crate) fn pay(&mut self, payee: Payee, amount: u128) {
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

	pub(crate) fn total(&mut self, key: &str, amount: u128) {
		let entry = self.totals.entry(key.to_string()).or_default();
		entry.0 = entry.0.saturating_add(amount);
		entry.1 += 1;
	}

	/// The next event index in `block`.
	pub(crate) fn next_index(&mut self, block: u32) -> i64 {
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
pub(crate) fn event_row(
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
		Arg::OptText(event.phase().map(|p| <&str>::from(p).to_string())),
		Arg::Text(serde_json::to_string(&event.data())?),
	];
	Ok((index, Some(row)))
}

impl Table {
	pub(crate) async fn push_event(
		&mut self,
		conn: &Sink,
		row: Option<Vec<Arg>>,
	) -> Result<(), SeedError> {
		match row {
			Some(row) => self.push(conn, row).await,
			None => Ok(()),
		}
	}
}
