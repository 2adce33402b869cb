//! The indexer's writes: one finalized block per transaction, exactly once.
//!
//! [`Db::apply_block`] opens a write transaction, checks that the block is the one after
//! `last_indexed_block` (or the first one), writes the block, every event row and every derived
//! row (workflows, jobs, receipts, attestations, payouts, accounts, totals), moves
//! `last_indexed_block` and commits. A crash anywhere before the commit leaves nothing behind; a
//! block offered twice is skipped ([`Applied::AlreadyIndexed`]); unique keys (block number,
//! `(block, event_index)`) back this up. A restart resumes at `last_indexed_block + 1`. The
//! running counts and earnings ([`super::aggregates`]) change in the same transaction.

use super::{
	aggregates::{self as agg, phase_of, Deltas},
	int, last_indexed_in, planck, set_state_in, Db, DbError, LAST_INDEXED_KEY,
};
use crate::model::{BlockData, HavnEvent, IndexedEvent, Planck};
use sqlx::{AnyConnection, Row};

/// What [`Db::apply_block`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
	/// The block was written and is now the last indexed block.
	Indexed,
	/// The block was indexed before; nothing was written.
	AlreadyIndexed,
}

impl Db {
	/// Write `block` and its events in one transaction (see the module docs).
	pub async fn apply_block(&self, block: &BlockData) -> Result<Applied, DbError> {
		let mut tx = self.begin_write().await?;
		let applied = write_block(&mut tx, block).await?;
		if applied == Applied::Indexed {
			tx.commit().await?;
		}
		Ok(applied)
	}
}

/// Write `block` on `conn` (a transaction) if it is the next block to index: the check, every
/// row and the `last_indexed_block` update. The caller commits.
pub async fn write_block(conn: &mut AnyConnection, block: &BlockData) -> Result<Applied, DbError> {
	match last_indexed_in(conn).await? {
		Some(last) if block.number <= last => return Ok(Applied::AlreadyIndexed),
		Some(last) if Some(block.number) != last.checked_add(1) => {
			return Err(DbError::Gap { expected: last.saturating_add(1), got: block.number })
		}
		_ => {}
	}
	let number = i64::from(block.number);
	sqlx::query(
		"INSERT INTO blocks (number, hash, parent_hash, timestamp_ms, event_count) \
		 VALUES ($1, $2, $3, $4, $5)",
	)
	.bind(number)
	.bind(block.hash.clone())
	.bind(block.parent_hash.clone())
	.bind(int(block.timestamp_ms)?)
	.bind(int(block.events.len() as u64)?)
	.execute(&mut *conn)
	.await?;
	let mut deltas = Deltas::default();
	for event in &block.events {
		write_event(conn, number, event, &mut deltas).await?;
	}
	deltas.apply(conn).await?;
	if let Some(validators) = &block.validators {
		set_active_validators(conn, number, validators).await?;
	}
	set_state_in(conn, LAST_INDEXED_KEY, &block.number.to_string()).await?;
	Ok(Applied::Indexed)
}

async fn write_event(
	conn: &mut AnyConnection,
	block: i64,
	indexed: &IndexedEvent,
	deltas: &mut Deltas,
) -> Result<(), DbError> {
	let event = &indexed.event;
	let (pallet, name) = event.names();
	sqlx::query(
		"INSERT INTO events (block, event_index, pallet, name, job_id, workflow_id, account, \
		 phase, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	)
	.bind(block)
	.bind(i64::from(indexed.index))
	.bind(pallet)
	.bind(name)
	.bind(event.job_id().map(int).transpose()?)
	.bind(event.workflow_id().map(int).transpose()?)
	.bind(event.account().cloned())
	.bind(event.phase())
	.bind(serde_json::to_string(&event.data())?)
	.execute(&mut *conn)
	.await?;
	apply_event(conn, block, i64::from(indexed.index), event, deltas).await
}

/// Update the derived tables for one event.
async fn apply_event(
	conn: &mut AnyConnection,
	b: i64,
	index: i64,
	event: &HavnEvent,
	deltas: &mut Deltas,
) -> Result<(), DbError> {
	use HavnEvent::*;
	match event {
		WorkflowPublished { id, owner, manifest_hash, record, first_manifest_uri, .. } => {
			let id = int(*id)?;
			sqlx::query(
				"INSERT INTO workflows (id, owner, creator, kind, manifest_hash, manifest_uri, \
				 compute_class, base_fee, royalty, parent, depth, version, status, flag_reason, \
				 deposit, created_block, updated_block) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
				 $9, $10, $11, $12, $13, $14, $15, $16, $17)",
			)
			.bind(id)
			.bind(record.owner.clone())
			.bind(owner.clone())
			.bind(record.kind)
			.bind(record.manifest_hash.clone())
			.bind(record.manifest_uri.clone())
			.bind(<&str>::from(record.compute_class))
			.bind(record.base_fee.to_string())
			.bind(serde_json::to_string(&record.royalty)?)
			.bind(record.parent.map(int).transpose()?)
			.bind(i64::from(record.depth))
			.bind(i64::from(record.version))
			.bind(if record.deprecated { "deprecated" } else { "active" })
			.bind(record.flag.clone())
			.bind(record.deposit.to_string())
			.bind(i64::from(record.created_at))
			.bind(b)
			.execute(&mut *conn)
			.await?;
			for (dep, weight) in &record.dependencies {
				sqlx::query(
					"INSERT INTO workflow_dependencies (workflow_id, dependency_id, weight_ppm) \
					 VALUES ($1, $2, $3)",
				)
				.bind(id)
				.bind(int(*dep)?)
				.bind(i64::from(*weight))
				.execute(&mut *conn)
				.await?;
			}
			// The record may already show later versions of this block; version 1 is the
			// event's.
			sqlx::query(
				"INSERT INTO workflow_versions (workflow_id, version, manifest_hash, \
				 manifest_uri, block) VALUES ($1, 1, $2, $3, $4) \
				 ON CONFLICT (workflow_id, version) DO NOTHING",
			)
			.bind(id)
			.bind(manifest_hash.clone())
			.bind(first_manifest_uri.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		WorkflowVersionPublished { id, version, manifest_hash, manifest_uri } => {
			sqlx::query(
				"INSERT INTO workflow_versions (workflow_id, version, manifest_hash, \
				 manifest_uri, block) VALUES ($1, $2, $3, $4, $5) \
				 ON CONFLICT (workflow_id, version) DO NOTHING",
			)
			.bind(int(*id)?)
			.bind(i64::from(*version))
			.bind(manifest_hash.clone())
			.bind(manifest_uri.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
			sqlx::query(
				"UPDATE workflows SET version = $2, manifest_hash = $3, manifest_uri = $4, \
				 updated_block = $5 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(i64::from(*version))
			.bind(manifest_hash.clone())
			.bind(manifest_uri.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		OwnershipTransferred { id, to, .. } => {
			sqlx::query("UPDATE workflows SET owner = $2, updated_block = $3 WHERE id = $1")
				.bind(int(*id)?)
				.bind(to.clone())
				.bind(b)
				.execute(&mut *conn)
				.await?;
		}
		WorkflowDeprecated { id } => {
			sqlx::query(
				"UPDATE workflows SET status = 'deprecated', updated_block = $2 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		WorkflowFlagged { id, reason } => {
			sqlx::query("UPDATE workflows SET flag_reason = $2, updated_block = $3 WHERE id = $1")
				.bind(int(*id)?)
				.bind(reason.clone())
				.bind(b)
				.execute(&mut *conn)
				.await?;
		}
		WorkflowUnflagged { id } => {
			sqlx::query(
				"UPDATE workflows SET flag_reason = NULL, updated_block = $2 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		Bonded { who, role, compute_class, amount } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET role = $2, compute_class = $3, bonded = $4, \
				 unbonding = '0', bonded_block = $5, updated_block = $5 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(role.as_str())
			.bind(compute_class.map(<&str>::from))
			.bind(amount.to_string())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		BondedExtra { who, amount } => {
			update_amounts(conn, who, b, |a| a.bonded = a.bonded.saturating_add(amount.0)).await?;
		}
		NodeRegistered { who, receipt_key, capabilities } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET receipt_key = $2, capabilities = $3, registered_block = $4, \
				 last_heartbeat = $4, updated_block = $4 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(receipt_key.clone())
			.bind(capabilities.as_ref().map(serde_json::to_string).transpose()?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		HeartbeatReceived { who, block, metrics } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET last_heartbeat = $2, gpu_metrics = $3, updated_block = $4 \
				 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(i64::from(*block))
			.bind(metrics.as_ref().map(serde_json::to_string).transpose()?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		Unbonded { who, amount, .. } => {
			update_amounts(conn, who, b, |a| {
				let moved = amount.0.min(a.bonded);
				a.bonded -= moved;
				a.unbonding = a.unbonding.saturating_add(moved);
			})
			.await?;
		}
		Withdrawn { who, amount } => {
			update_amounts(conn, who, b, |a| a.unbonding = a.unbonding.saturating_sub(amount.0))
				.await?;
		}
		BondClosed { who } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET role = NULL, compute_class = NULL, bonded = '0', \
				 unbonding = '0', active_validator = 0, receipt_key = NULL, capabilities = NULL, \
				 registered_block = NULL, gpu_metrics = NULL, updated_block = $2 \
				 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		Slashed { who, amount, .. } => {
			// StakeGuard takes from the active stake first, then from the unbonding chunks.
			update_amounts(conn, who, b, |a| {
				let from_active = amount.0.min(a.bonded);
				a.bonded -= from_active;
				a.unbonding = a.unbonding.saturating_sub(amount.0 - from_active);
				a.slashed = a.slashed.saturating_add(amount.0);
			})
			.await?;
		}
		NodeQuarantineLifted { .. }
		| AttestationsBatched { .. }
		| PaymentRedirected { .. }
		| FaucetToggled { .. } => {}
		JobSubmitted { job_id, workflow_id, payer, fee, compute_class, deadline, details } => {
			sqlx::query(
				"INSERT INTO jobs (id, workflow_id, payer, fee, compute_class, redundancy, \
				 input_digest, input_uri, phase, submitted_block, deadline, committee, sampled, \
				 valid_verdicts, invalid_verdicts, updated_block) VALUES ($1, $2, $3, $4, $5, \
				 $6, $7, $8, 'submitted', $9, $10, '[]', 0, 0, 0, $9)",
			)
			.bind(int(*job_id)?)
			.bind(int(*workflow_id)?)
			.bind(payer.clone())
			.bind(fee.to_string())
			.bind(<&str>::from(*compute_class))
			.bind(i64::from(details.redundancy))
			.bind(details.input_digest.clone())
			.bind(details.input_uri.clone())
			.bind(b)
			.bind(i64::from(*deadline))
			.execute(&mut *conn)
			.await?;
			deltas.job_added(int(*workflow_id)?, payer, "submitted");
		}
		JobAssigned { job_id, nodes, by } => {
			let job = int(*job_id)?;
			for (slot, node) in nodes.iter().enumerate() {
				insert_job_node(conn, deltas, job, node, int(slot as u64)?, b).await?;
			}
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = 'assigned', assigned_block = $2, assigned_by = $3, \
				 updated_block = $2 WHERE id = $1",
			)
			.bind(job)
			.bind(b)
			.bind(by.clone())
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), "assigned").await?;
		}
		JobClaimed { job_id, node } => {
			let job = int(*job_id)?;
			let row = sqlx::query("SELECT COUNT(*) AS n FROM job_nodes WHERE job_id = $1")
				.bind(job)
				.fetch_one(&mut *conn)
				.await?;
			let slot: i64 = row.try_get("n")?;
			insert_job_node(conn, deltas, job, node, slot, b).await?;
		}
		ReceiptSubmitted { job_id, node, runtime_hash, outputs_cid, details } => {
			sqlx::query(
				"INSERT INTO receipts (job_id, node, runtime_hash, outputs_cid, latency_ms, \
				 energy_mj, signature, block) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			)
			.bind(int(*job_id)?)
			.bind(node.clone())
			.bind(runtime_hash.clone())
			.bind(outputs_cid.clone())
			.bind(i64::from(details.latency_ms))
			.bind(details.energy_mj.to_string())
			.bind(details.signature.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		JobAttesting { job_id, committee, sampled } => {
			let job = int(*job_id)?;
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = 'attesting', committee = $2, sampled = $3, \
				 updated_block = $4 WHERE id = $1",
			)
			.bind(job)
			.bind(serde_json::to_string(committee)?)
			.bind(i64::from(*sampled))
			.bind(b)
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), "attesting").await?;
		}
		AttestationSubmitted { job_id, validator, verdict, reexecution_digest, batched_by } => {
			let job = int(*job_id)?;
			let phase = sqlx::query("SELECT phase FROM jobs WHERE id = $1")
				.bind(job)
				.fetch_optional(&mut *conn)
				.await?
				.map(|row| row.try_get::<String, _>("phase"))
				.transpose()?;
			let stage =
				if phase.as_deref() == Some("challenged") { "adjudication" } else { "attestation" };
			// The digest comes from the extrinsic; failing that, from the pool entry with the
			// same verdict.
			sqlx::query(
				"INSERT INTO attestations (job_id, validator, verdict, reexecution_digest, stage, \
				 block, event_index, batched_by) VALUES ($1, $2, $3, COALESCE($4, (SELECT \
				 p.reexecution_digest FROM pool_attestations p WHERE p.job_id = $1 AND \
				 p.validator = $2 AND p.verdict = $3)), $5, $6, $7, $8)",
			)
			.bind(job)
			.bind(validator.clone())
			.bind(*verdict)
			.bind(reexecution_digest.clone())
			.bind(stage)
			.bind(b)
			.bind(index)
			.bind(batched_by.clone())
			.execute(&mut *conn)
			.await?;
			deltas.count(agg::attestations_key(validator), 1);
			let counter = if *verdict == "valid" {
				"UPDATE jobs SET valid_verdicts = valid_verdicts + 1, updated_block = $2 \
				 WHERE id = $1"
			} else {
				"UPDATE jobs SET invalid_verdicts = invalid_verdicts + 1, updated_block = $2 \
				 WHERE id = $1"
			};
			sqlx::query(counter).bind(job).bind(b).execute(&mut *conn).await?;
			sqlx::query(
				"UPDATE pool_attestations SET included_block = $3 WHERE job_id = $1 AND \
				 validator = $2 AND included_block IS NULL",
			)
			.bind(job)
			.bind(validator.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		JobFinalized { job_id, .. } => {
			let job = int(*job_id)?;
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = 'finalized', finalized_block = $2, closed_block = $2, \
				 updated_block = $2 WHERE id = $1",
			)
			.bind(job)
			.bind(b)
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), "finalized").await?;
		}
		JobRejected { job_id } | JobExpired { job_id } => {
			let phase = if matches!(event, JobRejected { .. }) { "rejected" } else { "expired" };
			let job = int(*job_id)?;
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = $2, closed_block = $3, updated_block = $3 WHERE id = $1",
			)
			.bind(job)
			.bind(phase)
			.bind(b)
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), phase).await?;
		}
		JobChallenged { job_id, challenger, committee } => {
			let job = int(*job_id)?;
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = 'challenged', challenger = $2, adjudicators = $3, \
				 valid_verdicts = 0, invalid_verdicts = 0, closed_block = NULL, \
				 updated_block = $4 WHERE id = $1",
			)
			.bind(job)
			.bind(challenger.clone())
			.bind(serde_json::to_string(committee)?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), "challenged").await?;
		}
		ChallengeUpheld { job_id, .. } | ChallengeRejected { job_id, .. } => {
			let phase =
				if matches!(event, ChallengeUpheld { .. }) { "rejected" } else { "finalized" };
			let job = int(*job_id)?;
			let old = phase_of(conn, job).await?;
			sqlx::query(
				"UPDATE jobs SET phase = $2, closed_block = $3, updated_block = $3 WHERE id = $1",
			)
			.bind(job)
			.bind(phase)
			.bind(b)
			.execute(&mut *conn)
			.await?;
			deltas.job_phase_moved(conn, job, old.as_deref(), phase).await?;
		}
		FeePaid { job_id, payee, role, amount } => {
			let job = int(*job_id)?;
			sqlx::query(
				"INSERT INTO payouts (block, event_index, job_id, workflow_id, payee, role, \
				 amount) VALUES ($1, $2, $3, (SELECT workflow_id FROM jobs WHERE id = $3), $4, \
				 $5, $6)",
			)
			.bind(b)
			.bind(index)
			.bind(job)
			.bind(payee.clone())
			.bind(role.as_str())
			.bind(amount.to_string())
			.execute(&mut *conn)
			.await?;
			let workflow = sqlx::query("SELECT workflow_id FROM jobs WHERE id = $1")
				.bind(job)
				.fetch_optional(&mut *conn)
				.await?
				.map(|row| row.try_get::<i64, _>("workflow_id"))
				.transpose()?;
			payout_earned(deltas, workflow, payee, role.as_str(), amount.0, true);
			update_amounts(conn, payee, b, |a| a.earned = a.earned.saturating_add(amount.0))
				.await?;
			add_total(conn, &format!("paid:{}", role.as_str()), *amount).await?;
		}
		JobSettled { job_id, workflow_id, fee, shares } => {
			let job = int(*job_id)?;
			let workflow = int(*workflow_id)?;
			sqlx::query(
				"INSERT INTO settlements (job_id, workflow_id, fee, shares, block) \
				 VALUES ($1, $2, $3, $4, $5)",
			)
			.bind(job)
			.bind(workflow)
			.bind(fee.to_string())
			.bind(serde_json::to_string(shares)?)
			.bind(b)
			.execute(&mut *conn)
			.await?;
			// Payouts recorded under another workflow (or none) move to the settled one.
			let moved = sqlx::query(
				"SELECT workflow_id, payee, role, amount FROM payouts WHERE job_id = $1 AND \
				 (workflow_id IS NULL OR workflow_id <> $2)",
			)
			.bind(job)
			.bind(workflow)
			.fetch_all(&mut *conn)
			.await?;
			for row in &moved {
				let payee: String = row.try_get("payee")?;
				let role: String = row.try_get("role")?;
				let amount = planck(&row.try_get::<String, _>("amount")?, "payouts.amount")?;
				if let Some(old) = row.try_get::<Option<i64>, _>("workflow_id")? {
					payout_earned(deltas, Some(old), &payee, &role, amount, false);
				} else if role == "upstream" {
					// Counted in the payee's total already; only the workflow's part is new.
					deltas.earn(agg::upstream_key(&payee), amount, false);
				}
				payout_earned(deltas, Some(workflow), &payee, &role, amount, true);
			}
			sqlx::query("UPDATE payouts SET workflow_id = $2 WHERE job_id = $1")
				.bind(job)
				.bind(workflow)
				.execute(&mut *conn)
				.await?;
			add_total(conn, "settled", *fee).await?;
			deltas.earn(agg::settled_key(workflow), fee.0, true);
		}
		ReputationUpdated { who, score_ppm, .. } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET reputation_ppm = $2, reputation_block = $3, \
				 updated_block = $3 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(i64::from(*score_ppm))
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		ReputationReset { who } => {
			ensure_account(conn, who, b).await?;
			sqlx::query(
				"UPDATE accounts SET reputation_ppm = NULL, reputation_block = $2, \
				 updated_block = $2 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(b)
			.execute(&mut *conn)
			.await?;
		}
		Dripped { amount, .. } => add_total(conn, "faucet", *amount).await?,
	}
	Ok(())
}

async fn insert_job_node(
	conn: &mut AnyConnection,
	deltas: &mut Deltas,
	job: i64,
	node: &str,
	slot: i64,
	b: i64,
) -> Result<(), DbError> {
	// A claimed node is inserted by `JobClaimed`, then listed again by the `JobAssigned` that
	// completes the job.
	let inserted = sqlx::query(
		"INSERT INTO job_nodes (job_id, node, slot, block) VALUES ($1, $2, $3, $4) \
		 ON CONFLICT (job_id, node) DO NOTHING",
	)
	.bind(job)
	.bind(node.to_string())
	.bind(slot)
	.bind(b)
	.execute(&mut *conn)
	.await?
	.rows_affected();
	if inserted == 1 {
		deltas.job_node_added(conn, job, node).await?;
	}
	Ok(())
}

/// Add (`add`) or take away a payout of `amount` to `payee` as `role`, recorded under
/// `workflow`, in the earnings aggregates.
fn payout_earned(
	deltas: &mut Deltas,
	workflow: Option<i64>,
	payee: &str,
	role: &str,
	amount: u128,
	add: bool,
) {
	if let Some(workflow) = workflow {
		deltas.earn(agg::paid_key(workflow, role), amount, add);
	}
	if role == "upstream" {
		deltas.earn(agg::upstream_key(payee), amount, add);
		if let Some(workflow) = workflow {
			deltas.earn(agg::upstream_from_key(payee, workflow), amount, add);
		}
	}
}

/// Create the account row (all amounts zero) if it does not exist.
async fn ensure_account(conn: &mut AnyConnection, who: &str, b: i64) -> Result<(), DbError> {
	sqlx::query(
		"INSERT INTO accounts (account, bonded, unbonding, slashed, earned, active_validator, \
		 updated_block) VALUES ($1, '0', '0', '0', '0', 0, $2) ON CONFLICT (account) DO NOTHING",
	)
	.bind(who.to_string())
	.bind(b)
	.execute(&mut *conn)
	.await?;
	Ok(())
}

/// The planck amounts of an account row.
struct Amounts {
	bonded: u128,
	unbonding: u128,
	slashed: u128,
	earned: u128,
}

/// Read-modify-write an account's amounts (inside the block's transaction).
async fn update_amounts(
	conn: &mut AnyConnection,
	who: &str,
	b: i64,
	change: impl FnOnce(&mut Amounts),
) -> Result<(), DbError> {
	ensure_account(conn, who, b).await?;
	let row =
		sqlx::query("SELECT bonded, unbonding, slashed, earned FROM accounts WHERE account = $1")
			.bind(who.to_string())
			.fetch_one(&mut *conn)
			.await?;
	let mut amounts = Amounts {
		bonded: planck(&row.try_get::<String, _>("bonded")?, "accounts.bonded")?,
		unbonding: planck(&row.try_get::<String, _>("unbonding")?, "accounts.unbonding")?,
		slashed: planck(&row.try_get::<String, _>("slashed")?, "accounts.slashed")?,
		earned: planck(&row.try_get::<String, _>("earned")?, "accounts.earned")?,
	};
	change(&mut amounts);
	sqlx::query(
		"UPDATE accounts SET bonded = $2, unbonding = $3, slashed = $4, earned = $5, \
		 updated_block = $6 WHERE account = $1",
	)
	.bind(who.to_string())
	.bind(amounts.bonded.to_string())
	.bind(amounts.unbonding.to_string())
	.bind(amounts.slashed.to_string())
	.bind(amounts.earned.to_string())
	.bind(b)
	.execute(&mut *conn)
	.await?;
	Ok(())
}

/// Add `amount` and one to the running total `key`.
async fn add_total(conn: &mut AnyConnection, key: &str, amount: Planck) -> Result<(), DbError> {
	sqlx::query(
		"INSERT INTO totals (key, amount, count) VALUES ($1, '0', 0) ON CONFLICT (key) DO NOTHING",
	)
	.bind(key.to_string())
	.execute(&mut *conn)
	.await?;
	let row = sqlx::query("SELECT amount FROM totals WHERE key = $1")
		.bind(key.to_string())
		.fetch_one(&mut *conn)
		.await?;
	let total = planck(&row.try_get::<String, _>("amount")?, "totals.amount")?;
	sqlx::query("UPDATE totals SET amount = $2, count = count + 1 WHERE key = $1")
		.bind(key.to_string())
		.bind(total.saturating_add(amount.0).to_string())
		.execute(&mut *conn)
		.await?;
	Ok(())
}

/// Mark exactly `validators` as StakeGuard's active validators.
async fn set_active_validators(
	conn: &mut AnyConnection,
	b: i64,
	validators: &[String],
) -> Result<(), DbError> {
	sqlx::query("UPDATE accounts SET active_validator = 0 WHERE active_validator = 1")
		.execute(&mut *conn)
		.await?;
	for validator in validators {
		ensure_account(conn, validator, b).await?;
		sqlx::query("UPDATE accounts SET active_validator = 1 WHERE account = $1")
			.bind(validator.clone())
			.execute(&mut *conn)
			.await?;
	}
	Ok(())
}
