//! Storage: one `sqlx::AnyPool` over SQLite (default) or PostgreSQL, with the embedded
//! migrations of `migrations/`.
//!
//! The SQL is portable between both (`$n` placeholders, `ON CONFLICT`, BIGINT and TEXT
//! columns only). Amounts are HAI planck (u128) stored as decimal TEXT and summed in Rust, so
//! no precision is lost on either database.
//!
//! - [`write`]: the indexer's exactly-once block writes ([`Db::apply_block`]).
//! - [`read`]: the queries behind the REST API and routing.
//! - [`pool`]: the attestation pool and the artifact index.
//! - [`aggregates`]: running counts and earnings, kept by the writes so that reads never count
//!   or sum millions of rows.

pub mod aggregates;
pub mod pool;
pub mod read;
pub mod write;

use sqlx::{
	any::AnyPoolOptions,
	migrate::{Migration, MigrationType, Migrator},
	AnyConnection, AnyPool, Row, SqlSafeStr,
};
use std::borrow::Cow;

/// The schema migrations, embedded at compile time.
const MIGRATIONS: [(i64, &str, &str); 4] = [
	(1, "init", include_str!("../../migrations/0001_init.sql")),
	(2, "aggregates", include_str!("../../migrations/0002_aggregates.sql")),
	(3, "pruning", include_str!("../../migrations/0003_pruning.sql")),
	(4, "uploads", include_str!("../../migrations/0004_uploads.sql")),
];

/// The `CREATE INDEX` statements (secondary indexes) of the migrations, in order.
pub fn index_statements() -> Vec<String> {
	MIGRATIONS
		.iter()
		.flat_map(|(_, _, sql)| sql.split(';'))
		.map(|statement| {
			statement
				.lines()
				.filter(|line| !line.trim_start().starts_with("--"))
				.collect::<Vec<_>>()
				.join("\n")
				.trim()
				.to_string()
		})
		.filter(|statement| statement.starts_with("CREATE INDEX"))
		.collect()
}

/// Key of the last indexed block in `indexer_state`.
pub const LAST_INDEXED_KEY: &str = "last_indexed_block";
/// Key of the chain's genesis hash in `indexer_state`.
pub const GENESIS_KEY: &str = "genesis_hash";

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
	/// The database driver failed.
	#[error("database: {0}")]
	Sqlx(#[from] sqlx::Error),
	/// A migration failed.
	#[error("migration: {0}")]
	Migrate(#[from] sqlx::migrate::MigrateError),
	/// `DATABASE_URL` names an unsupported database.
	#[error("unsupported database URL `{0}`: expected sqlite:// or postgres://")]
	UnsupportedUrl(String),
	/// A block would leave a gap after the last indexed block.
	#[error("block {got} does not follow the last indexed block (expected {expected})")]
	Gap {
		/// The next block to index.
		expected: u32,
		/// The block offered.
		got: u32,
	},
	/// An id does not fit the database's signed 64-bit integers.
	#[error("value {0} is out of range for the database")]
	OutOfRange(u64),
	/// A stored value could not be parsed back.
	#[error("corrupt stored value in {0}")]
	Corrupt(&'static str),
	/// JSON encoding failed.
	#[error("json: {0}")]
	Json(#[from] serde_json::Error),
}

/// Which database the pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
	/// SQLite (WAL).
	Sqlite,
	/// PostgreSQL.
	Postgres,
}

/// The orchestrator's database.
#[derive(Clone, Debug)]
pub struct Db {
	pool: AnyPool,
	dialect: Dialect,
}

impl Db {
	/// Connect to `url` (`sqlite://…?mode=rwc` or `postgres://…`), switch SQLite to WAL, run
	/// the pending migrations and fill the aggregates of a database indexed without them
	/// ([`Db::ensure_aggregates`]).
	pub async fn connect(url: &str) -> Result<Self, DbError> {
		sqlx::any::install_default_drivers();
		let dialect = if url.starts_with("sqlite:") {
			Dialect::Sqlite
		} else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
			Dialect::Postgres
		} else {
			return Err(DbError::UnsupportedUrl(redact(url)));
		};
		let max = match dialect {
			Dialect::Sqlite => 4,
			Dialect::Postgres => 10,
		};
		// An embedded SQLite connection cannot drop away: no ping (a round trip to its worker
		// thread) before every use.
		let pool = AnyPoolOptions::new()
			.max_connections(max)
			.test_before_acquire(dialect == Dialect::Postgres)
			.connect(url)
			.await?;
		if dialect == Dialect::Sqlite {
			sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
		}
		let db = Self { pool, dialect };
		db.migrate().await?;
		db.ensure_aggregates().await?;
		Ok(db)
	}

	/// Apply the embedded migrations that are not applied yet.
	pub async fn migrate(&self) -> Result<(), DbError> {
		let migrations = MIGRATIONS
			.iter()
			.map(|(version, name, sql)| {
				Migration::new(
					*version,
					Cow::Borrowed(*name),
					MigrationType::Simple,
					sql.into_sql_str(),
					false,
				)
			})
			.collect();
		Migrator::with_migrations(migrations).run(&self.pool).await?;
		Ok(())
	}

	/// The connection pool.
	pub fn pool(&self) -> &AnyPool {
		&self.pool
	}

	/// The database kind.
	pub fn dialect(&self) -> Dialect {
		self.dialect
	}

	/// Begin a write transaction. On SQLite it takes the write lock at once (`BEGIN
	/// IMMEDIATE`), so that a read-then-write transaction never fails to upgrade its lock.
	pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, DbError> {
		Ok(match self.dialect {
			Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
			Dialect::Postgres => self.pool.begin().await?,
		})
	}

	/// Whether the database answers.
	pub async fn ping(&self) -> Result<(), DbError> {
		sqlx::query("SELECT 1").execute(&self.pool).await?;
		Ok(())
	}

	/// The last indexed block, if any.
	pub async fn last_indexed(&self) -> Result<Option<u32>, DbError> {
		let mut conn = self.pool.acquire().await?;
		last_indexed_in(&mut conn).await
	}

	/// A value of `indexer_state`.
	pub async fn state(&self, key: &str) -> Result<Option<String>, DbError> {
		let row = sqlx::query("SELECT value FROM indexer_state WHERE key = $1")
			.bind(key.to_string())
			.fetch_optional(&self.pool)
			.await?;
		Ok(match row {
			Some(row) => Some(row.try_get::<String, _>("value")?),
			None => None,
		})
	}

	/// Set a value of `indexer_state`.
	pub async fn set_state(&self, key: &str, value: &str) -> Result<(), DbError> {
		let mut conn = self.pool.acquire().await?;
		set_state_in(&mut conn, key, value).await
	}
}

/// The last indexed block, read on `conn` (inside a transaction: the committed state it sees).
pub async fn last_indexed_in(conn: &mut AnyConnection) -> Result<Option<u32>, DbError> {
	let row = sqlx::query("SELECT value FROM indexer_state WHERE key = $1")
		.bind(LAST_INDEXED_KEY)
		.fetch_optional(&mut *conn)
		.await?;
	match row {
		Some(row) => {
			let value: String = row.try_get("value")?;
			value.parse().map(Some).map_err(|_| DbError::Corrupt("indexer_state"))
		}
		None => Ok(None),
	}
}

/// Upsert a value of `indexer_state` on `conn`.
pub async fn set_state_in(conn: &mut AnyConnection, key: &str, value: &str) -> Result<(), DbError> {
	sqlx::query(
		"INSERT INTO indexer_state (key, value) VALUES ($1, $2) \
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	)
	.bind(key.to_string())
	.bind(value.to_string())
	.execute(&mut *conn)
	.await?;
	Ok(())
}

/// A chain id or counter as a database integer.
pub fn int(v: u64) -> Result<i64, DbError> {
	i64::try_from(v).map_err(|_| DbError::OutOfRange(v))
}

/// A stored non-negative integer back as u64.
pub fn uint(v: i64, column: &'static str) -> Result<u64, DbError> {
	u64::try_from(v).map_err(|_| DbError::Corrupt(column))
}

/// A stored block number back as u32.
pub fn block(v: i64, column: &'static str) -> Result<u32, DbError> {
	u32::try_from(v).map_err(|_| DbError::Corrupt(column))
}

/// A stored planck amount back as u128.
pub fn planck(v: &str, column: &'static str) -> Result<u128, DbError> {
	v.parse().map_err(|_| DbError::Corrupt(column))
}

/// `url` with any password replaced, for messages.
fn redact(url: &str) -> String {
	match (url.find("://"), url.rfind('@')) {
		(Some(scheme), Some(at)) if at > scheme => {
			let (head, tail) = url.split_at(at);
			match head.get(scheme + 3..).and_then(|creds| creds.find(':')) {
				Some(colon) => {
					format!("{}:***{}", head.get(..scheme + 3 + colon).unwrap_or(""), tail)
				}
				None => url.to_string(),
			}
		}
		_ => url.to_string(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn index_statements_of_the_migrations() {
		let statements = index_statements();
		assert!(statements.iter().any(|s| s.starts_with("CREATE INDEX jobs_payer ON jobs")));
		assert!(statements.iter().any(|s| s.starts_with("CREATE INDEX accounts_role_account")));
		assert!(statements.iter().all(|s| !s.contains("--") && !s.contains("TABLE")));
	}

	#[test]
	fn redacts_passwords() {
		assert_eq!(redact("mysql://u:secret@h/db"), "mysql://u:***@h/db");
		assert_eq!(redact("foo://h/db"), "foo://h/db");
	}
}
