//! Rows written by the API: the attestation pool and the artifact index.

use super::{block, int, uint, Db, DbError};
use crate::views::PooledAttestation;
use sqlx::{any::AnyRow, Row};

/// Where a page of pending attestations starts: after this `(received_at_ms, job_id,
/// validator)`, the pool's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolCursor {
	/// When the last item of the previous page was received, ms since the Unix epoch.
	pub received_at_ms: u64,
	/// Its job.
	pub job_id: u64,
	/// Its validator (SS58).
	pub validator: String,
}

impl PoolCursor {
	/// The cursor after `item`, as the API writes it: `received_at_ms.job_id.validator`.
	pub fn after(item: &PooledAttestation) -> String {
		format!("{}.{}.{}", item.received_at_ms, item.job_id, item.validator)
	}

	/// Parse a cursor written by [`PoolCursor::after`]; `None` if malformed.
	pub fn parse(s: &str) -> Option<Self> {
		let mut parts = s.splitn(3, '.');
		let received_at_ms = parts.next()?.parse().ok()?;
		let job_id: u64 = parts.next()?.parse().ok()?;
		let validator = parts.next()?.to_string();
		(i64::try_from(job_id).is_ok()
			&& i64::try_from(received_at_ms).is_ok()
			&& !validator.is_empty())
		.then_some(Self { received_at_ms, job_id, validator })
	}
}

/// What [`Db::insert_pool_attestation`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolInsert {
	/// Stored now.
	Stored,
	/// The same attestation was already stored.
	Duplicate,
	/// The validator already stored a different attestation for the job.
	Conflict,
}

fn pooled(row: &AnyRow) -> Result<PooledAttestation, DbError> {
	Ok(PooledAttestation {
		job_id: uint(row.try_get("job_id")?, "pool_attestations.job_id")?,
		validator: row.try_get("validator")?,
		verdict: row.try_get("verdict")?,
		reexecution_digest: row.try_get("reexecution_digest")?,
		signature: row.try_get("signature")?,
		received_at_ms: uint(row.try_get("received_at_ms")?, "pool_attestations.received")?,
		included_block: row
			.try_get::<Option<i64>, _>("included_block")?
			.map(|b| block(b, "pool_attestations.included_block"))
			.transpose()?,
	})
}

impl Db {
	/// Store a verified attestation, once per (job, validator).
	pub async fn insert_pool_attestation(
		&self,
		attestation: &PooledAttestation,
	) -> Result<PoolInsert, DbError> {
		let job = int(attestation.job_id)?;
		let inserted = sqlx::query(
			"INSERT INTO pool_attestations (job_id, validator, verdict, reexecution_digest, \
			 signature, received_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
			 ON CONFLICT (job_id, validator) DO NOTHING",
		)
		.bind(job)
		.bind(attestation.validator.clone())
		.bind(attestation.verdict.clone())
		.bind(attestation.reexecution_digest.clone())
		.bind(attestation.signature.clone())
		.bind(int(attestation.received_at_ms)?)
		.execute(self.pool())
		.await?
		.rows_affected();
		if inserted == 1 {
			return Ok(PoolInsert::Stored);
		}
		let row = sqlx::query(
			"SELECT verdict, reexecution_digest FROM pool_attestations \
			 WHERE job_id = $1 AND validator = $2",
		)
		.bind(job)
		.bind(attestation.validator.clone())
		.fetch_one(self.pool())
		.await?;
		let same = row.try_get::<String, _>("verdict")? == attestation.verdict
			&& row.try_get::<Option<String>, _>("reexecution_digest")?
				== attestation.reexecution_digest;
		Ok(if same { PoolInsert::Duplicate } else { PoolInsert::Conflict })
	}

	/// Up to `limit` pool attestations not yet seen on-chain whose job still takes verdicts (or
	/// was accepted on the chain's word before the index caught up with it),
	/// received at or after `fresh_since_ms`; only `job_id`'s when given; in the order
	/// `(received_at_ms, job_id, validator)`, starting after `after` when given.
	pub async fn pending_attestations(
		&self,
		job_id: Option<u64>,
		after: Option<&PoolCursor>,
		limit: u32,
		fresh_since_ms: u64,
	) -> Result<Vec<PooledAttestation>, DbError> {
		let page = if after.is_some() {
			"AND (p.received_at_ms > $4 OR (p.received_at_ms = $4 AND (p.job_id > $5 OR \
			 (p.job_id = $5 AND p.validator > $6))))"
		} else {
			""
		};
		let sql = format!(
			"SELECT p.job_id, p.validator, p.verdict, p.reexecution_digest, p.signature, \
			 p.received_at_ms, p.included_block FROM pool_attestations p \
			 LEFT JOIN jobs j ON j.id = p.job_id WHERE p.included_block IS NULL AND \
			 ($1 IS NULL OR p.job_id = $1) AND (j.phase IS NULL OR j.phase IN ('submitted', \
			 'assigned', 'attesting', 'challenged')) AND \
			 p.received_at_ms >= $2 {page} ORDER BY p.received_at_ms, p.job_id, p.validator \
			 LIMIT $3"
		);
		// Safe: `page` is one of two constant strings; every value is bound.
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
			.bind(job_id.map(int).transpose()?)
			.bind(int(fresh_since_ms)?)
			.bind(i64::from(limit));
		if let Some(c) = after {
			query =
				query.bind(int(c.received_at_ms)?).bind(int(c.job_id)?).bind(c.validator.clone());
		}
		query.fetch_all(self.pool()).await?.iter().map(pooled).collect()
	}

	/// How many attestations `validator` has pending (not seen on-chain) in the pool.
	pub async fn pending_count(&self, validator: &str) -> Result<u64, DbError> {
		let row = sqlx::query(
			"SELECT COUNT(*) AS n FROM pool_attestations \
			 WHERE validator = $1 AND included_block IS NULL",
		)
		.bind(validator.to_string())
		.fetch_one(self.pool())
		.await?;
		uint(row.try_get("n")?, "pool_attestations count")
	}

	/// Drop pending attestations received before `stale_before_ms`, or of jobs that no longer
	/// take verdicts; attestations seen on-chain stay (job views show their digests). Returns
	/// how many were dropped.
	pub async fn prune_pool(&self, stale_before_ms: u64) -> Result<u64, DbError> {
		Ok(sqlx::query(
			// Correlated on the jobs' primary key: a lookup per pending row (at most 1,024 per
			// validator), never a scan of the whole jobs table on every post.
			"DELETE FROM pool_attestations WHERE included_block IS NULL AND \
			 (received_at_ms < $1 OR EXISTS (SELECT 1 FROM jobs j WHERE \
			 j.id = pool_attestations.job_id AND j.phase NOT IN ('submitted', 'assigned', \
			 'attesting', 'challenged')))",
		)
		.bind(int(stale_before_ms)?)
		.execute(self.pool())
		.await?
		.rows_affected())
	}

	/// One pool attestation.
	pub async fn pool_attestation(
		&self,
		job_id: u64,
		validator: &str,
	) -> Result<Option<PooledAttestation>, DbError> {
		sqlx::query(
			"SELECT job_id, validator, verdict, reexecution_digest, signature, received_at_ms, \
			 included_block FROM pool_attestations WHERE job_id = $1 AND validator = $2",
		)
		.bind(int(job_id)?)
		.bind(validator.to_string())
		.fetch_optional(self.pool())
		.await?
		.as_ref()
		.map(pooled)
		.transpose()
	}

	/// Record a stored artifact (idempotent: the first record stays).
	pub async fn insert_artifact(
		&self,
		cid: &str,
		size: u64,
		media_type: &str,
		created_at_ms: u64,
	) -> Result<(), DbError> {
		sqlx::query(
			"INSERT INTO artifacts (cid, size, media_type, created_at_ms) VALUES ($1, $2, $3, $4) \
			 ON CONFLICT (cid) DO NOTHING",
		)
		.bind(cid.to_string())
		.bind(int(size)?)
		.bind(media_type.to_string())
		.bind(int(created_at_ms)?)
		.execute(self.pool())
		.await?;
		Ok(())
	}

	/// The media type of a recorded artifact.
	pub async fn artifact_media_type(&self, cid: &str) -> Result<Option<String>, DbError> {
		Ok(sqlx::query("SELECT media_type FROM artifacts WHERE cid = $1")
			.bind(cid.to_string())
			.fetch_optional(self.pool())
			.await?
			.map(|row| row.try_get::<String, _>("media_type"))
			.transpose()?)
	}

	/// New bytes `account` stored since `since_ms` (ms since the Unix epoch).
	pub async fn uploaded_bytes_since(&self, account: &str, since_ms: u64) -> Result<u64, DbError> {
		let row = sqlx::query(
			"SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS total FROM artifact_uploads \
			 WHERE account = $1 AND at_ms >= $2",
		)
		.bind(account.to_string())
		.bind(int(since_ms)?)
		.fetch_one(self.pool())
		.await?;
		let total: i64 = row.try_get("total")?;
		Ok(u64::try_from(total).unwrap_or(0))
	}

	/// Record that `account` stored the new artifact `cid` of `size` bytes at `at_ms`, and forget
	/// its records older than the quota window (`crate::uploads::QUOTA_WINDOW_MS`).
	pub async fn record_upload(
		&self,
		account: &str,
		cid: &str,
		size: u64,
		at_ms: u64,
	) -> Result<(), DbError> {
		sqlx::query(
			"INSERT INTO artifact_uploads (account, cid, size, at_ms) VALUES ($1, $2, $3, $4) \
			 ON CONFLICT (account, cid) DO NOTHING",
		)
		.bind(account.to_string())
		.bind(cid.to_string())
		.bind(int(size)?)
		.bind(int(at_ms)?)
		.execute(self.pool())
		.await?;
		sqlx::query("DELETE FROM artifact_uploads WHERE account = $1 AND at_ms < $2")
			.bind(account.to_string())
			.bind(int(at_ms.saturating_sub(crate::uploads::QUOTA_WINDOW_MS))?)
			.execute(self.pool())
			.await?;
		Ok(())
	}
}
