//! The PayoutRouter projection: `payouts`, `settlements`, what each account `earned`, the
//! `paid:<role>` and `settled` running totals and the workflows' earnings aggregates.
//!
//! Every amount is the chain's own (`FeePaid`, `JobSettled`): nothing is split again here.

use super::{
	ctx::ss58,
	fields,
	writer::{BlockWriter, Val},
	Coverage, PalletEvent,
};
use crate::{
	db::{aggregates as agg, aggregates::Deltas, int, planck, DbError},
	model::{Account, PayeeRole, Planck, Shares},
};
use havn_client::api::{self, payout_router::Event};
use havn_primitives::{JobId, WorkflowId};
use serde::Serialize;
use sqlx::Row;

/// A PayoutRouter event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum PayoutEvent {
	/// `FeePaid`.
	FeePaid {
		/// Job id.
		job_id: JobId,
		/// Payee.
		payee: Account,
		/// Role.
		role: PayeeRole,
		/// Amount, planck.
		amount: Planck,
	},
	/// `PaymentRedirected` (the treasury's `FeePaid` carries the money).
	PaymentRedirected {
		/// Job id.
		job_id: JobId,
		/// Intended payee.
		payee: Account,
		/// Role.
		role: PayeeRole,
		/// Amount, planck.
		amount: Planck,
	},
	/// `JobSettled`.
	JobSettled {
		/// Job id.
		job_id: JobId,
		/// Workflow.
		workflow_id: WorkflowId,
		/// Fee, planck.
		fee: Planck,
		/// Paid shares.
		shares: Shares,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "PayoutRouter",
	indexed: <PayoutEvent as strum::VariantNames>::VARIANTS,
	ignored: &[],
};

impl PalletEvent for PayoutEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn job_id(&self) -> Option<JobId> {
		match self {
			Self::FeePaid { job_id, .. }
			| Self::PaymentRedirected { job_id, .. }
			| Self::JobSettled { job_id, .. } => Some(*job_id),
		}
	}
	fn workflow_id(&self) -> Option<WorkflowId> {
		match self {
			Self::JobSettled { workflow_id, .. } => Some(*workflow_id),
			_ => None,
		}
	}
	fn account(&self) -> Option<&Account> {
		match self {
			Self::FeePaid { payee, .. } | Self::PaymentRedirected { payee, .. } => Some(payee),
			Self::JobSettled { .. } => None,
		}
	}
}

fn payee_role(role: &api::runtime_types::pallet_payout_router::types::PayeeRole) -> PayeeRole {
	use api::runtime_types::pallet_payout_router::types::PayeeRole as R;
	match role {
		R::Creator => PayeeRole::Creator,
		R::Upstream => PayeeRole::Upstream,
		R::Node => PayeeRole::Node,
		R::Validator => PayeeRole::Validator,
		R::Treasury => PayeeRole::Treasury,
	}
}

/// The chain's event as a [`PayoutEvent`].
pub fn decode(event: Event) -> PayoutEvent {
	match event {
		Event::FeePaid { job_id, payee, role, amount } => PayoutEvent::FeePaid {
			job_id,
			payee: ss58(&payee),
			role: payee_role(&role),
			amount: Planck(amount),
		},
		Event::PaymentRedirected { job_id, payee, role, amount } => {
			PayoutEvent::PaymentRedirected {
				job_id,
				payee: ss58(&payee),
				role: payee_role(&role),
				amount: Planck(amount),
			}
		}
		Event::JobSettled { job_id, workflow_id, fee, shares } => PayoutEvent::JobSettled {
			job_id,
			workflow_id,
			fee: Planck(fee),
			shares: Shares {
				creator: Planck(shares.creator),
				upstream: Planck(shares.upstream),
				node: Planck(shares.node),
				validators: Planck(shares.validators),
				treasury: Planck(shares.treasury),
			},
		},
	}
}

/// A staged `payouts` row.
#[derive(Debug)]
struct Payout {
	index: i64,
	job: i64,
	workflow: Option<i64>,
	payee: String,
	role: PayeeRole,
	amount: u128,
}

/// The PayoutRouter rows staged for one block.
#[derive(Debug, Default)]
pub struct Staged {
	payouts: Vec<Payout>,
	settlements: Vec<Vec<Val>>,
	/// Settled jobs whose earlier payouts may sit under no workflow or another one.
	regroup: Vec<(i64, i64)>,
}

/// Stage the event's rows.
pub fn apply(w: &mut BlockWriter<'_>, index: i64, event: &PayoutEvent) -> Result<(), DbError> {
	match event {
		PayoutEvent::FeePaid { job_id, payee, role, amount } => {
			let job = int(*job_id)?;
			let workflow = w.jobs.workflow_of(job);
			payout_earned(&mut w.deltas, workflow, payee, *role, amount.0, true);
			w.earn(payee, amount.0);
			w.add_total(&format!("paid:{}", role.as_str()), amount.0);
			w.payouts.payouts.push(Payout {
				index,
				job,
				workflow,
				payee: payee.clone(),
				role: *role,
				amount: amount.0,
			});
		}
		PayoutEvent::PaymentRedirected { .. } => {}
		PayoutEvent::JobSettled { job_id, workflow_id, fee, shares } => {
			let (job, workflow) = (int(*job_id)?, int(*workflow_id)?);
			w.payouts.settlements.push(vec![
				job.into(),
				workflow.into(),
				fee.to_string().into(),
				serde_json::to_string(shares)?.into(),
				w.block.into(),
			]);
			// This block's payouts of the job under another workflow (or none) move to the
			// settled one; earlier blocks' too, unless the job's workflow was known then.
			for p in w.payouts.payouts.iter_mut().filter(|p| p.job == job) {
				if p.workflow != Some(workflow) {
					regroup(&mut w.deltas, p.workflow, Some(workflow), &p.payee, p.role, p.amount);
					p.workflow = Some(workflow);
				}
			}
			if w.jobs.workflow_of(job) != Some(workflow) {
				w.payouts.regroup.push((job, workflow));
			}
			w.add_total("settled", fee.0);
			w.deltas.earn(agg::settled_key(workflow), fee.0, true);
		}
	}
	Ok(())
}

/// Move a payout from `old` to `new` in the earnings aggregates.
fn regroup(
	deltas: &mut Deltas,
	old: Option<i64>,
	new: Option<i64>,
	payee: &str,
	role: PayeeRole,
	amount: u128,
) {
	if old.is_some() {
		payout_earned(deltas, old, payee, role, amount, false);
	} else if role == PayeeRole::Upstream {
		// Counted in the payee's total already; only the workflow's part is new.
		deltas.earn(agg::upstream_key(payee), amount, false);
	}
	payout_earned(deltas, new, payee, role, amount, true);
}

/// Add (`add`) or take away a payout of `amount` to `payee` as `role`, recorded under
/// `workflow`, in the earnings aggregates.
fn payout_earned(
	deltas: &mut Deltas,
	workflow: Option<i64>,
	payee: &str,
	role: PayeeRole,
	amount: u128,
	add: bool,
) {
	if let Some(workflow) = workflow {
		deltas.earn(agg::paid_key(workflow, role.as_str()), amount, add);
	}
	if role == PayeeRole::Upstream {
		deltas.earn(agg::upstream_key(payee), amount, add);
		if let Some(workflow) = workflow {
			deltas.earn(agg::upstream_from_key(payee, workflow), amount, add);
		}
	}
}

/// Write the staged rows.
pub async fn flush(w: &mut BlockWriter<'_>) -> Result<(), DbError> {
	let staged = std::mem::take(&mut w.payouts);
	// Earlier blocks' payouts first, before this block's rows are in.
	for (job, workflow) in staged.regroup {
		let query = sqlx::query(
			"SELECT workflow_id, payee, role, amount FROM payouts WHERE job_id = $1 AND \
			 (workflow_id IS NULL OR workflow_id <> $2)",
		)
		.bind(job)
		.bind(workflow);
		let moved = w.fetch_all(query).await?;
		if moved.is_empty() {
			continue;
		}
		for row in &moved {
			let payee: String = row.try_get("payee")?;
			let role: String = row.try_get("role")?;
			let role = PayeeRole::ALL
				.into_iter()
				.find(|r| r.as_str() == role)
				.ok_or(DbError::Corrupt("payouts.role"))?;
			let amount = planck(&row.try_get::<String, _>("amount")?, "payouts.amount")?;
			let old: Option<i64> = row.try_get("workflow_id")?;
			regroup(&mut w.deltas, old, Some(workflow), &payee, role, amount);
		}
		let query = sqlx::query("UPDATE payouts SET workflow_id = $2 WHERE job_id = $1")
			.bind(job)
			.bind(workflow);
		w.execute(query).await?;
	}
	let block = w.block;
	let rows = staged
		.payouts
		.into_iter()
		.map(|p| {
			vec![
				block.into(),
				p.index.into(),
				p.job.into(),
				p.workflow.into(),
				p.payee.into(),
				p.role.as_str().into(),
				p.amount.to_string().into(),
			]
		})
		.collect();
	w.insert_rows(
		"INSERT INTO payouts (block, event_index, job_id, workflow_id, payee, role, amount)",
		"($1, $2, $3, $4, $5, $6, $7)",
		"",
		rows,
	)
	.await?;
	w.insert_rows(
		"INSERT INTO settlements (job_id, workflow_id, fee, shares, block)",
		"($1, $2, $3, $4, $5)",
		"",
		staged.settlements,
	)
	.await?;
	Ok(())
}
