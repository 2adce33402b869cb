//! The indexer's projections: one module per Havn pallet, each owning the decode of its
//! pallet's events and the rows they write.
//!
//! | module | pallet | rows |
//! |---|---|---|
//! | [`workflows`] | WorkflowRegistry | `workflows`, `workflow_versions`, `workflow_dependencies` |
//! | [`stake`] | StakeGuard | `accounts` (role, bond, node keys, heartbeats, validator set) |
//! | [`jobs`] | ExecutionLog | `jobs`, `job_nodes`, `receipts`, `attestations` |
//! | [`payouts`] | PayoutRouter | `payouts`, `settlements`, `accounts.earned`, `totals` |
//! | [`reputation`] | Reputation | `accounts.reputation_ppm` |
//! | [`faucet`] | Faucet | `totals` |
//!
//! Every event also becomes one `events` row (its pallet, name, job, workflow, account, the
//! job phase it enters and its fields as JSON). A pallet event's fields change in one place:
//! its projection's event enum, decode and apply. [`PROJECTIONS`] lists, per pallet, the
//! events indexed and those explicitly ignored, and [`OTHER_PALLETS`] the pallets that are not
//! Havn's; a test holds both against the runtime metadata (`artifacts/havn.scale`), so a new
//! pallet event fails it until a projection takes it or ignores it by name.
//!
//! [`writer::BlockWriter`] stages a block's rows and writes them per block (multi-row inserts,
//! one update per job and per account), inside the block's transaction.

pub mod faucet;
pub mod jobs;
pub mod payouts;
pub mod reputation;
pub mod stake;
pub mod workflows;
pub mod writer;

mod ctx;

pub use ctx::{chain as ctx_chain, BlockCtx, Ledger, PREFETCH_CHUNK};
pub use faucet::FaucetEvent;
pub use jobs::JobEvent;
pub use payouts::PayoutEvent;
pub use reputation::ReputationEvent;
pub use stake::StakeEvent;
pub use workflows::WorkflowEvent;

use crate::{indexer::IndexerError, model::Account};
use havn_client::{api, AccountId};
use havn_primitives::{api::JobPhase, JobId, WorkflowId};
use serde::Serialize;
use std::collections::HashMap;
use subxt::events::Phase;

/// A decoded Havn event, by pallet (the variant names are the pallets' names in the runtime).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(untagged)]
pub enum HavnEvent {
	/// A WorkflowRegistry event.
	WorkflowRegistry(WorkflowEvent),
	/// A StakeGuard event.
	StakeGuard(StakeEvent),
	/// An ExecutionLog event.
	ExecutionLog(JobEvent),
	/// A PayoutRouter event.
	PayoutRouter(PayoutEvent),
	/// A Reputation event.
	Reputation(ReputationEvent),
	/// A Faucet event.
	Faucet(FaucetEvent),
}

/// What every projection's event enum tells the `events` table.
pub trait PalletEvent {
	/// The event's name in the runtime (the variant name).
	fn name(&self) -> &'static str;
	/// The event's fields as JSON (the `data` column): amounts as decimal strings.
	fn data(&self) -> serde_json::Value;
	/// The job the event is about, if any.
	fn job_id(&self) -> Option<JobId> {
		None
	}
	/// The workflow the event is about, if any.
	fn workflow_id(&self) -> Option<WorkflowId> {
		None
	}
	/// The main account the event is about, if any.
	fn account(&self) -> Option<&Account> {
		None
	}
	/// The phase a job enters with this event, if it changes the job's phase.
	fn phase(&self) -> Option<JobPhase> {
		None
	}
}

/// The `data` of an event enum serialized as `{"name": …, "data": {…}}` (serde's adjacent
/// tagging, which every projection's enum uses).
pub(crate) fn fields<E: Serialize>(event: &E) -> serde_json::Value {
	match serde_json::to_value(event) {
		Ok(serde_json::Value::Object(mut map)) => {
			map.remove("data").unwrap_or(serde_json::Value::Null)
		}
		_ => serde_json::Value::Null,
	}
}

impl HavnEvent {
	fn inner(&self) -> &dyn PalletEvent {
		match self {
			Self::WorkflowRegistry(e) => e,
			Self::StakeGuard(e) => e,
			Self::ExecutionLog(e) => e,
			Self::PayoutRouter(e) => e,
			Self::Reputation(e) => e,
			Self::Faucet(e) => e,
		}
	}

	/// The pallet and event names.
	pub fn names(&self) -> (&'static str, &'static str) {
		(self.into(), self.inner().name())
	}

	/// The job the event is about, if any.
	pub fn job_id(&self) -> Option<JobId> {
		self.inner().job_id()
	}

	/// The workflow the event is about, if any.
	pub fn workflow_id(&self) -> Option<WorkflowId> {
		self.inner().workflow_id()
	}

	/// The main account the event is about, if any.
	pub fn account(&self) -> Option<&Account> {
		self.inner().account()
	}

	/// The phase a job enters with this event, if it changes the job's phase.
	pub fn phase(&self) -> Option<JobPhase> {
		self.inner().phase()
	}

	/// The event's fields as JSON (the `data` column).
	pub fn data(&self) -> serde_json::Value {
		self.inner().data()
	}
}

/// One pallet's projection, as the metadata test reads it.
#[derive(Clone, Copy, Debug)]
pub struct Coverage {
	/// The pallet's name in the runtime.
	pub pallet: &'static str,
	/// The events the projection decodes (its enum's variants).
	pub indexed: &'static [&'static str],
	/// The events it skips on purpose.
	pub ignored: &'static [&'static str],
}

/// Every Havn pallet's projection.
pub const PROJECTIONS: [Coverage; 6] = [
	workflows::COVERAGE,
	stake::COVERAGE,
	jobs::COVERAGE,
	payouts::COVERAGE,
	reputation::COVERAGE,
	faucet::COVERAGE,
];

/// The runtime's other pallets (FRAME's), whose events the indexer does not read. A
/// `Parameters` event makes it re-read the runtime parameters the services follow.
pub const OTHER_PALLETS: &[&str] = &[
	"System",
	"Timestamp",
	"Aura",
	"Grandpa",
	"Balances",
	"TransactionPayment",
	"Sudo",
	"Utility",
	"Multisig",
	"Council",
	"Treasury",
	"Parameters",
	"SafeMode",
	"TxPause",
];

/// The projection of `pallet`, if it is a Havn pallet.
pub fn projection(pallet: &str) -> Option<&'static Coverage> {
	PROJECTIONS.iter().find(|c| c.pallet == pallet)
}

/// The storage records the decode of `event` reads, to read ahead for the whole block
/// ([`BlockCtx::prefetch`]).
pub fn storage_keys(ctx: &BlockCtx<'_>, event: &api::Event) -> Result<Vec<Vec<u8>>, IndexerError> {
	match event {
		api::Event::ExecutionLog(e) => jobs::storage_keys(ctx, e),
		api::Event::StakeGuard(e) => stake::storage_keys(ctx, e),
		_ => Ok(Vec::new()),
	}
}

/// Decode one chain event of a Havn pallet into a [`HavnEvent`] (`None` for an event its
/// projection ignores or a pallet that is not Havn's), reading what it needs at the block
/// through `ctx`. `aggregators` maps an extrinsic index to the lead aggregator that batched
/// its attestations.
pub async fn decode(
	ctx: &BlockCtx<'_>,
	phase: Phase,
	outer: api::Event,
	aggregators: &HashMap<u32, AccountId>,
) -> Result<Option<HavnEvent>, IndexerError> {
	use api::Event as E;
	Ok(match outer {
		E::WorkflowRegistry(e) => workflows::decode(ctx, e).await?.map(HavnEvent::WorkflowRegistry),
		E::StakeGuard(e) => stake::decode(ctx, e).await?.map(HavnEvent::StakeGuard),
		E::ExecutionLog(e) => {
			jobs::decode(ctx, phase, e, aggregators).await?.map(HavnEvent::ExecutionLog)
		}
		E::PayoutRouter(e) => Some(HavnEvent::PayoutRouter(payouts::decode(e))),
		E::Reputation(e) => Some(HavnEvent::Reputation(reputation::decode(e))),
		E::Faucet(e) => Some(HavnEvent::Faucet(faucet::decode(e))),
		_ => None,
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::model::{PayeeRole, Planck};

	#[test]
	fn data_is_the_fields_with_amounts_as_strings() {
		let ev = HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
			job_id: 3,
			payee: "5Grw".into(),
			role: PayeeRole::Node,
			amount: Planck(u128::MAX),
		});
		assert_eq!(
			ev.data(),
			serde_json::json!({
				"job_id": 3,
				"payee": "5Grw",
				"role": "node",
				"amount": u128::MAX.to_string(),
			})
		);
		assert_eq!(ev.names(), ("PayoutRouter", "FeePaid"));
		assert_eq!(ev.job_id(), Some(3));
		assert_eq!(ev.phase(), None);
		let unit = HavnEvent::ExecutionLog(JobEvent::JobExpired { job_id: 9 });
		assert_eq!(unit.data(), serde_json::json!({ "job_id": 9 }));
		assert_eq!(unit.phase(), Some(JobPhase::Expired));
	}

	#[test]
	fn rows_rendered_per_database() {
		let (text, order) = writer::render("($1, COALESCE($2, $1))", 4, false);
		assert_eq!((text.as_str(), order), ("($5, COALESCE($6, $5))", vec![0, 1]));
		let (text, order) = writer::render("($1, COALESCE($2, $1))", 4, true);
		assert_eq!((text.as_str(), order), ("(?, COALESCE(?, ?))", vec![0, 1, 0]));
		assert_eq!(writer::render("($1, '$x')", 0, false).0, "($1, '$x')");
	}
}
