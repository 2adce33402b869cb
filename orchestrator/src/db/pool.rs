//! Rows written by the API: the attestation pool and the artifact index.

use super::{block, int, uint, Db, DbError};
use crate::views::PooledAttestation;
use sqlx::{any::AnyRow, Row};

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

	/// Pool attestations not yet seen on-chain whose job still takes verdicts (or is not
	/// indexed yet), oldest first; only `job_id`'s when given.
	pub async fn pending_attestations(
		&self,
		job_id: Option<u64>,
	) -> Result<Vec<PooledAttestation>, DbError> {
		sqlx::query(
			"SELECT p.job_id, p.validator, p.verdict, p.reexecution_digest, p.signature, \
			 p.received_at_ms, p.included_block FROM pool_attestations p \
			 LEFT JOIN jobs j ON j.id = p.job_id WHERE p.included_block IS NULL AND \
			 ($1 IS NULL OR p.job_id = $1) AND (j.phase IS NULL OR j.phase IN ('submitted', \
			 'assigned', 'attesting', 'challenged')) ORDER BY p.received_at_ms, p.job_id, \
			 p.validator",
		)
		.bind(job_id.map(int).transpose()?)
		.fetch_all(self.pool())
		.await?
		.iter()
		.map(pooled)
		.collect()
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
}
