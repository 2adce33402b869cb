//! The ExecutionLog projection: `jobs` (phase, committee, verdict counts), `job_nodes`,
//! `receipts` and `attestations`, and the jobs' running counts.
//!
//! Phases are [`JobPhase`]s, stored under their own names. [`prepare`] reads the phase,
//! workflow and nodes of every job a block mentions once; the events then change that state
//! in memory, and [`flush`] writes the new rows with multi-row inserts and each touched job
//! with one update.

use super::{
	fields,
	writer::{bind, BlockWriter, Val},
	Coverage, PalletEvent,
};
use crate::{
	db::{aggregates as agg, int, DbError},
	model::{Account, IndexedEvent, JobDetails, Planck, ReceiptDetails},
};
use havn_primitives::{api::JobPhase, ComputeClass, JobId, ReleaseReason, Verdict, WorkflowId};
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

mod decode;
pub use decode::{decode, storage_keys};

/// An ExecutionLog event, with the storage details it implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum JobEvent {
	/// `JobSubmitted`, with the job's storage details at that block.
	JobSubmitted {
		/// Job id.
		job_id: JobId,
		/// Workflow.
		workflow_id: WorkflowId,
		/// Payer.
		payer: Account,
		/// Escrowed fee, planck.
		fee: Planck,
		/// Compute class.
		compute_class: ComputeClass,
		/// Expiry block.
		deadline: u32,
		/// Redundancy and inputs.
		details: JobDetails,
	},
	/// `JobAssigned`.
	JobAssigned {
		/// Job id.
		job_id: JobId,
		/// Nodes, in order.
		nodes: Vec<Account>,
		/// Relay (or the last claiming node).
		by: Account,
	},
	/// `JobClaimed`.
	JobClaimed {
		/// Job id.
		job_id: JobId,
		/// Node.
		node: Account,
	},
	/// `ReceiptSubmitted`, with the receipt's storage details at that block.
	ReceiptSubmitted {
		/// Job id.
		job_id: JobId,
		/// Node.
		node: Account,
		/// Runtime hash, 0x-hex.
		runtime_hash: String,
		/// Outputs CID.
		outputs_cid: String,
		/// Latency, energy and signature.
		details: ReceiptDetails,
	},
	/// `JobAttesting`.
	JobAttesting {
		/// Job id.
		job_id: JobId,
		/// Committee.
		committee: Vec<Account>,
		/// Whether sampled for re-execution.
		sampled: bool,
	},
	/// `AttestationSubmitted`, with what the extrinsic carried.
	AttestationSubmitted {
		/// Job id.
		job_id: JobId,
		/// Validator.
		validator: Account,
		/// The verdict.
		verdict: Verdict,
		/// The re-execution digest of the attestation, 0x-hex, when known.
		reexecution_digest: Option<String>,
		/// The lead aggregator that batched it, if batched.
		batched_by: Option<Account>,
	},
	/// `AttestationsBatched`.
	AttestationsBatched {
		/// Lead aggregator.
		aggregator: Account,
		/// Number of attestations.
		count: u32,
	},
	/// `JobFinalized`.
	JobFinalized {
		/// Job id.
		job_id: JobId,
		/// Fee, planck.
		fee: Planck,
	},
	/// `JobRejected`.
	JobRejected {
		/// Job id.
		job_id: JobId,
	},
	/// `JobExpired`.
	JobExpired {
		/// Job id.
		job_id: JobId,
	},
	/// `JobChallenged`.
	JobChallenged {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
		/// Adjudication committee.
		committee: Vec<Account>,
	},
	/// `ChallengeUpheld`.
	ChallengeUpheld {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
	},
	/// `ChallengeRejected`.
	ChallengeRejected {
		/// Job id.
		job_id: JobId,
		/// Challenger.
		challenger: Account,
		/// Bond sent to the treasury, planck.
		bond: Planck,
	},
	/// `JobReleased`: the node left the job; a full job is `submitted` again.
	JobReleased {
		/// Job id.
		job_id: JobId,
		/// Node.
		node: Account,
		/// The node's reason.
		reason: ReleaseReason,
	},
	/// `JobPruned`: the ended job's on-chain record went and its storage deposit was returned;
	/// the index keeps the job as it was.
	JobPruned {
		/// Job id.
		job_id: JobId,
		/// The payer the deposit went back to.
		payer: Account,
		/// The deposit, planck.
		deposit: Planck,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "ExecutionLog",
	indexed: <JobEvent as strum::VariantNames>::VARIANTS,
	ignored: &[],
};

impl PalletEvent for JobEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn job_id(&self) -> Option<JobId> {
		use JobEvent::*;
		match self {
			JobSubmitted { job_id, .. }
			| JobAssigned { job_id, .. }
			| JobClaimed { job_id, .. }
			| JobReleased { job_id, .. }
			| ReceiptSubmitted { job_id, .. }
			| JobAttesting { job_id, .. }
			| AttestationSubmitted { job_id, .. }
			| JobFinalized { job_id, .. }
			| JobRejected { job_id }
			| JobExpired { job_id }
			| JobChallenged { job_id, .. }
			| ChallengeUpheld { job_id, .. }
			| ChallengeRejected { job_id, .. }
			| JobPruned { job_id, .. } => Some(*job_id),
			AttestationsBatched { .. } => None,
		}
	}
	fn workflow_id(&self) -> Option<WorkflowId> {
		match self {
			Self::JobSubmitted { workflow_id, .. } => Some(*workflow_id),
			_ => None,
		}
	}
	fn account(&self) -> Option<&Account> {
		use JobEvent::*;
		match self {
			JobSubmitted { payer, .. } | JobPruned { payer, .. } => Some(payer),
			JobAssigned { by, .. } => Some(by),
			JobClaimed { node, .. } | JobReleased { node, .. } | ReceiptSubmitted { node, .. } => {
				Some(node)
			}
			AttestationSubmitted { validator, .. } => Some(validator),
			AttestationsBatched { aggregator, .. } => Some(aggregator),
			JobChallenged { challenger, .. }
			| ChallengeUpheld { challenger, .. }
			| ChallengeRejected { challenger, .. } => Some(challenger),
			JobAttesting { .. } | JobFinalized { .. } | JobRejected { .. } | JobExpired { .. } => {
				None
			}
		}
	}
	fn phase(&self) -> Option<JobPhase> {
		use JobEvent::*;
		match self {
			JobSubmitted { .. } => Some(JobPhase::Submitted),
			JobAssigned { .. } => Some(JobPhase::Assigned),
			JobAttesting { .. } => Some(JobPhase::Attesting),
			JobFinalized { .. } | ChallengeRejected { .. } => Some(JobPhase::Finalized),
			JobRejected { .. } | ChallengeUpheld { .. } => Some(JobPhase::Rejected),
			JobExpired { .. } => Some(JobPhase::Expired),
			JobChallenged { .. } => Some(JobPhase::Challenged),
			// A released job is `Submitted` again only if it was full (`apply` decides).
			JobClaimed { .. }
			| JobReleased { .. }
			| ReceiptSubmitted { .. }
			| AttestationSubmitted { .. }
			| AttestationsBatched { .. }
			| JobPruned { .. } => None,
		}
	}
}

/// A job as the block's writes see it.
#[derive(Debug, Default)]
struct JobState {
	/// Its phase (`None`: the job is not indexed; its updates change nothing).
	phase: Option<JobPhase>,
	/// Its workflow, when indexed.
	workflow: Option<i64>,
	/// Its nodes, in slot order.
	nodes: Vec<String>,
	/// The slot its next node gets: one past the highest used (slots of released nodes are
	/// not reused, so the order stays the chain's).
	next_slot: i64,
}

/// The column changes of one job in one block.
#[derive(Debug, Default)]
struct JobPatch {
	phase: Option<JobPhase>,
	assigned_by: Option<String>,
	committee: Option<(String, bool)>,
	challenge: Option<(String, String)>,
	reset_verdicts: bool,
	valid: i64,
	invalid: i64,
	finalized: bool,
	/// `Some(true)`: closed at this block; `Some(false)`: open again.
	closed: Option<bool>,
	/// The chain pruned the job's record in this block.
	pruned: bool,
}

/// The ExecutionLog rows staged for one block.
#[derive(Debug, Default)]
pub struct Staged {
	state: HashMap<i64, JobState>,
	patches: BTreeMap<i64, JobPatch>,
	inserts: Vec<Vec<Val>>,
	nodes: Vec<Vec<Val>>,
	/// `(job, node)` rows to delete from `job_nodes` (before the block's inserts).
	released: Vec<Vec<Val>>,
	receipts: Vec<Vec<Val>>,
	attestations: Vec<Vec<Val>>,
	included: Vec<Vec<Val>>,
}

impl Staged {
	/// The workflow of `job`, if it is indexed.
	pub fn workflow_of(&self, job: i64) -> Option<i64> {
		self.state.get(&job).and_then(|s| s.workflow)
	}
}

/// Read the phase, workflow and nodes of every job `events` mention.
pub async fn prepare(w: &mut BlockWriter<'_>, events: &[IndexedEvent]) -> Result<(), DbError> {
	let mut ids = Vec::new();
	for event in events {
		if let Some(id) = event.event.job_id() {
			ids.push(int(id)?);
		}
	}
	ids.sort_unstable();
	ids.dedup();
	for chunk in ids.chunks(1_000) {
		let list = w.list(1, chunk.len());
		let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
			"SELECT id, phase, workflow_id FROM jobs WHERE id IN ({list})"
		)));
		for id in chunk {
			query = query.bind(*id);
		}
		for row in w.fetch_all(query).await? {
			let phase: String = row.try_get("phase")?;
			let state = w.jobs.state.entry(row.try_get("id")?).or_default();
			state.phase = Some(phase.parse().map_err(|_| DbError::Corrupt("jobs.phase"))?);
			state.workflow = Some(row.try_get("workflow_id")?);
		}
		let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
			"SELECT job_id, node, slot FROM job_nodes WHERE job_id IN ({list}) ORDER BY job_id, slot"
		)));
		for id in chunk {
			query = query.bind(*id);
		}
		for row in w.fetch_all(query).await? {
			let state = w.jobs.state.entry(row.try_get("job_id")?).or_default();
			state.nodes.push(row.try_get("node")?);
			state.next_slot = state.next_slot.max(row.try_get::<i64, _>("slot")?.saturating_add(1));
		}
	}
	Ok(())
}

/// Stage the event's rows.
pub fn apply(w: &mut BlockWriter<'_>, index: i64, event: &JobEvent) -> Result<(), DbError> {
	use JobEvent::*;
	let b = w.block;
	match event {
		JobSubmitted { job_id, workflow_id, payer, fee, compute_class, deadline, details } => {
			let (job, workflow) = (int(*job_id)?, int(*workflow_id)?);
			w.jobs.inserts.push(vec![
				job.into(),
				workflow.into(),
				payer.as_str().into(),
				fee.to_string().into(),
				<&str>::from(*compute_class).into(),
				i64::from(details.redundancy).into(),
				details.input_digest.as_str().into(),
				details.input_uri.as_str().into(),
				<&str>::from(JobPhase::Submitted).into(),
				b.into(),
				i64::from(*deadline).into(),
			]);
			let state = w.jobs.state.entry(job).or_default();
			state.phase = Some(JobPhase::Submitted);
			state.workflow = Some(workflow);
			w.deltas.job_added(workflow, payer, JobPhase::Submitted.into());
		}
		JobAssigned { job_id, nodes, by } => {
			let job = int(*job_id)?;
			for node in nodes {
				add_node(w, job, node);
			}
			move_phase(w, job, JobPhase::Assigned).assigned_by = Some(by.clone());
		}
		JobClaimed { job_id, node } => add_node(w, int(*job_id)?, node),
		JobReleased { job_id, node, .. } => {
			let job = int(*job_id)?;
			remove_node(w, job, node);
			// A full job (`assigned`) is `submitted` again; a partly claimed one already is.
			let state = w.jobs.state.entry(job).or_default();
			if state.phase == Some(JobPhase::Assigned) {
				move_phase(w, job, JobPhase::Submitted);
			}
		}
		ReceiptSubmitted { job_id, node, runtime_hash, outputs_cid, details } => {
			w.jobs.receipts.push(vec![
				int(*job_id)?.into(),
				node.as_str().into(),
				runtime_hash.as_str().into(),
				outputs_cid.as_str().into(),
				i64::from(details.latency_ms).into(),
				details.energy_mj.to_string().into(),
				details.signature.as_str().into(),
				b.into(),
			]);
		}
		JobAttesting { job_id, committee, sampled } => {
			let committee = serde_json::to_string(committee)?;
			move_phase(w, int(*job_id)?, JobPhase::Attesting).committee =
				Some((committee, *sampled));
		}
		AttestationSubmitted { job_id, validator, verdict, reexecution_digest, batched_by } => {
			let job = int(*job_id)?;
			let challenged =
				w.jobs.state.get(&job).and_then(|s| s.phase) == Some(JobPhase::Challenged);
			let stage = if challenged { "adjudication" } else { "attestation" };
			w.jobs.attestations.push(vec![
				job.into(),
				validator.as_str().into(),
				<&str>::from(*verdict).into(),
				reexecution_digest.clone().into(),
				stage.into(),
				b.into(),
				index.into(),
				batched_by.clone().into(),
			]);
			w.jobs.included.push(vec![job.into(), validator.as_str().into()]);
			w.deltas.count(agg::attestations_key(validator), 1);
			let patch = w.jobs.patches.entry(job).or_default();
			match verdict {
				Verdict::Valid => patch.valid += 1,
				Verdict::Invalid => patch.invalid += 1,
			}
		}
		AttestationsBatched { .. } => {}
		JobFinalized { job_id, .. } => {
			let patch = move_phase(w, int(*job_id)?, JobPhase::Finalized);
			patch.finalized = true;
			patch.closed = Some(true);
		}
		JobRejected { job_id } | ChallengeUpheld { job_id, .. } => {
			move_phase(w, int(*job_id)?, JobPhase::Rejected).closed = Some(true);
		}
		JobExpired { job_id } => {
			move_phase(w, int(*job_id)?, JobPhase::Expired).closed = Some(true);
		}
		ChallengeRejected { job_id, .. } => {
			move_phase(w, int(*job_id)?, JobPhase::Finalized).closed = Some(true);
		}
		// Only the chain forgets the job; the index keeps it, and notes when.
		JobPruned { job_id, .. } => {
			w.jobs.patches.entry(int(*job_id)?).or_default().pruned = true;
		}
		JobChallenged { job_id, challenger, committee } => {
			let committee = serde_json::to_string(committee)?;
			let patch = move_phase(w, int(*job_id)?, JobPhase::Challenged);
			patch.challenge = Some((challenger.clone(), committee));
			patch.reset_verdicts = true;
			patch.valid = 0;
			patch.invalid = 0;
			patch.closed = Some(false);
		}
	}
	Ok(())
}

/// `node` joins `job` at its next slot, unless it is one of its nodes already; it counts for
/// the node if the job is indexed.
fn add_node(w: &mut BlockWriter<'_>, job: i64, node: &str) {
	let state = w.jobs.state.entry(job).or_default();
	if state.nodes.iter().any(|n| n == node) {
		return;
	}
	state.nodes.push(node.to_string());
	let slot = state.next_slot;
	state.next_slot = slot.saturating_add(1);
	let phase = state.phase;
	w.jobs.nodes.push(vec![job.into(), node.into(), slot.into(), w.block.into()]);
	if let Some(phase) = phase {
		w.deltas.count(agg::node_key(node), 1);
		w.deltas.count(agg::node_phase_key(node, phase.into()), 1);
	}
}

/// `node` leaves `job` (a release): its row goes, and its counts if the job is indexed.
fn remove_node(w: &mut BlockWriter<'_>, job: i64, node: &str) {
	let state = w.jobs.state.entry(job).or_default();
	let Some(at) = state.nodes.iter().position(|n| n == node) else { return };
	state.nodes.remove(at);
	let phase = state.phase;
	// A node that joined in this block leaves no row; one from an earlier block is deleted
	// before this block's inserts (so a release then a claim of the same node keeps its row).
	let key: [Val; 2] = [job.into(), node.into()];
	let before = w.jobs.nodes.len();
	w.jobs.nodes.retain(|row| row.get(..2) != Some(&key[..]));
	if w.jobs.nodes.len() == before {
		w.jobs.released.push(key.to_vec());
	}
	if let Some(phase) = phase {
		w.deltas.count(agg::node_key(node), -1);
		w.deltas.count(agg::node_phase_key(node, phase.into()), -1);
	}
}

/// `job` enters `new`: move its counts (if it is indexed) and stage the phase; its patch.
fn move_phase<'p>(w: &'p mut BlockWriter<'_>, job: i64, new: JobPhase) -> &'p mut JobPatch {
	let state = w.jobs.state.entry(job).or_default();
	if let Some(old) = state.phase.filter(|old| *old != new) {
		let (old, new): (&str, &str) = (old.into(), new.into());
		w.deltas.count(agg::phase_key(old), -1);
		w.deltas.count(agg::phase_key(new), 1);
		for node in &state.nodes {
			w.deltas.count(agg::node_phase_key(node, old), -1);
			w.deltas.count(agg::node_phase_key(node, new), 1);
		}
	}
	if state.phase.is_some() {
		state.phase = Some(new);
	}
	let patch = w.jobs.patches.entry(job).or_default();
	patch.phase = Some(new);
	patch
}

/// Write the staged rows and one update per touched job.
pub async fn flush(w: &mut BlockWriter<'_>) -> Result<(), DbError> {
	let staged = std::mem::take(&mut w.jobs);
	w.insert_rows(
		"INSERT INTO jobs (id, workflow_id, payer, fee, compute_class, redundancy, input_digest, \
		 input_uri, phase, submitted_block, deadline, committee, sampled, valid_verdicts, \
		 invalid_verdicts, updated_block)",
		"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '[]', 0, 0, 0, $10)",
		"",
		staged.inserts,
	)
	.await?;
	for chunk in staged.released.chunks(1_000) {
		let pairs: Vec<String> =
			(0..chunk.len()).map(|i| format!("({})", w.list(2 * i + 1, 2))).collect();
		let sql =
			format!("DELETE FROM job_nodes WHERE (job_id, node) IN (VALUES {})", pairs.join(", "));
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
		for value in chunk.iter().flatten() {
			query = bind(query, value.clone());
		}
		w.execute(query).await?;
	}
	w.insert_rows(
		"INSERT INTO job_nodes (job_id, node, slot, block)",
		"($1, $2, $3, $4)",
		"ON CONFLICT (job_id, node) DO NOTHING",
		staged.nodes,
	)
	.await?;
	w.insert_rows(
		"INSERT INTO receipts (job_id, node, runtime_hash, outputs_cid, latency_ms, energy_mj, \
		 signature, block)",
		"($1, $2, $3, $4, $5, $6, $7, $8)",
		"",
		staged.receipts,
	)
	.await?;
	// The digest comes from the extrinsic; failing that, from the pool entry with the same
	// verdict.
	w.insert_rows(
		"INSERT INTO attestations (job_id, validator, verdict, reexecution_digest, stage, block, \
		 event_index, batched_by)",
		"($1, $2, $3, COALESCE($4, (SELECT p.reexecution_digest FROM pool_attestations p WHERE \
		 p.job_id = $1 AND p.validator = $2 AND p.verdict = $3)), $5, $6, $7, $8)",
		"",
		staged.attestations,
	)
	.await?;
	let block = w.block;
	let included = staged.included;
	for chunk in included.chunks(1_000) {
		let pairs: Vec<String> =
			(0..chunk.len()).map(|i| format!("({})", w.list(2 * i + 2, 2))).collect();
		let first = w.list(1, 1);
		let sql = format!(
			"UPDATE pool_attestations SET included_block = {first} WHERE included_block IS NULL \
			 AND (job_id, validator) IN (VALUES {})",
			pairs.join(", ")
		);
		let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(block);
		for pair in chunk {
			for value in pair.iter().cloned() {
				query = bind(query, value);
			}
		}
		w.execute(query).await?;
	}
	// Jobs whose columns changed alike share one `UPDATE … FROM (VALUES …)`.
	let mut shapes: BTreeMap<Vec<(&'static str, bool)>, Vec<Vec<Val>>> = BTreeMap::new();
	for (job, patch) in staged.patches {
		let (shape, mut values) = changes(patch, block);
		values.insert(0, job.into());
		shapes.entry(shape).or_default().push(values);
	}
	for (shape, rows) in shapes {
		let sets: Vec<String> = shape
			.iter()
			.enumerate()
			.map(|(i, (column, add))| match add {
				true => format!("{column} = jobs.{column} + v.column{}", i + 2),
				false => format!("{column} = v.column{}", i + 2),
			})
			.collect();
		let row: Vec<String> = (1..=shape.len() + 1).map(|i| format!("${i}")).collect();
		w.insert_rows(
			&format!("UPDATE jobs SET {} FROM (", sets.join(", ")),
			&format!("({})", row.join(", ")),
			") AS v WHERE jobs.id = v.column1",
			rows,
		)
		.await?;
	}
	Ok(())
}

/// The columns a patch changes (`true`: added to the stored value) and their values.
fn changes(patch: JobPatch, block: i64) -> (Vec<(&'static str, bool)>, Vec<Val>) {
	let mut shape = vec![("updated_block", false)];
	let mut values: Vec<Val> = vec![block.into()];
	let mut set = |column: &'static str, add: bool, value: Val| {
		shape.push((column, add));
		values.push(value);
	};
	if let Some(phase) = patch.phase {
		set("phase", false, <&str>::from(phase).into());
	}
	if let Some(by) = patch.assigned_by {
		set("assigned_block", false, block.into());
		set("assigned_by", false, by.into());
	}
	if let Some((committee, sampled)) = patch.committee {
		set("committee", false, committee.into());
		set("sampled", false, i64::from(sampled).into());
	}
	if let Some((challenger, adjudicators)) = patch.challenge {
		set("challenger", false, challenger.into());
		set("adjudicators", false, adjudicators.into());
	}
	if patch.finalized {
		set("finalized_block", false, block.into());
	}
	if patch.pruned {
		set("pruned_block", false, block.into());
	}
	match patch.closed {
		Some(true) => set("closed_block", false, block.into()),
		Some(false) => set("closed_block", false, Val::OptInt(None)),
		None => {}
	}
	if patch.reset_verdicts {
		set("valid_verdicts", false, patch.valid.into());
		set("invalid_verdicts", false, patch.invalid.into());
	} else {
		if patch.valid != 0 {
			set("valid_verdicts", true, patch.valid.into());
		}
		if patch.invalid != 0 {
			set("invalid_verdicts", true, patch.invalid.into());
		}
	}
	(shape, values)
}
