//! The StakeGuard projection: each account's role, bond, node keys, heartbeats and whether it
//! is an active validator (`accounts`).
//!
//! Bond amounts are read back from the chain (`StakeGuard::Bonds` at the end of the block, a
//! [`Ledger`]), never re-derived from the events: the order in which a slash takes active and
//! unbonding stake is StakeGuard's rule alone.

use super::{
	ctx::{hex32, ss58, utf8, Ledger},
	fields,
	writer::BlockWriter,
	BlockCtx, Coverage, PalletEvent,
};
use crate::{
	db::DbError,
	indexer::IndexerError,
	model::{Account, BondRole, Capabilities, GpuMetrics, Planck},
};
use havn_client::{
	api::{self, stake_guard::Event},
	AccountId,
};
use havn_primitives::{ComputeClass, SlashReason};
use serde::Serialize;

/// A StakeGuard event, with the bond ([`Ledger`]) or node record read at the end of its block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum StakeEvent {
	/// `Bonded`.
	Bonded {
		/// Account.
		who: Account,
		/// Role.
		role: BondRole,
		/// Node class for an execution node.
		compute_class: Option<ComputeClass>,
		/// Amount, planck.
		amount: Planck,
		/// The bond at the end of the block (`None`: closed by then).
		#[serde(skip)]
		ledger: Option<Ledger>,
	},
	/// `BondedExtra`.
	BondedExtra {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
		/// The bond at the end of the block.
		#[serde(skip)]
		ledger: Option<Ledger>,
	},
	/// `NodeRegistered`, with the capabilities read at that block.
	NodeRegistered {
		/// Node.
		who: Account,
		/// Receipt key, 0x-hex.
		receipt_key: String,
		/// Capabilities read at the end of this block (`None` if the bond closed in it).
		capabilities: Option<Capabilities>,
	},
	/// `HeartbeatReceived`, with the metrics read at that block.
	HeartbeatReceived {
		/// Node.
		who: Account,
		/// Block of the heartbeat.
		block: u32,
		/// Telemetry sent with it.
		metrics: Option<GpuMetrics>,
	},
	/// `NodeQuarantineLifted`.
	NodeQuarantineLifted {
		/// Node.
		who: Account,
		/// Previous heartbeat block.
		last_heartbeat: u32,
	},
	/// `Unbonded`.
	Unbonded {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
		/// First withdrawable block.
		unlock_at: u32,
		/// The bond at the end of the block.
		#[serde(skip)]
		ledger: Option<Ledger>,
	},
	/// `Withdrawn`.
	Withdrawn {
		/// Account.
		who: Account,
		/// Amount, planck.
		amount: Planck,
		/// The bond at the end of the block.
		#[serde(skip)]
		ledger: Option<Ledger>,
	},
	/// `BondClosed`.
	BondClosed {
		/// Account.
		who: Account,
	},
	/// `Slashed`.
	Slashed {
		/// Account.
		who: Account,
		/// Reason (`fraud`, `downtime`, `collusion`; a rejected challenge's bond moves to the
		/// treasury on hold, it is not a slash).
		reason: SlashReason,
		/// Amount, planck.
		amount: Planck,
		/// The bond at the end of the block.
		#[serde(skip)]
		ledger: Option<Ledger>,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "StakeGuard",
	indexed: <StakeEvent as strum::VariantNames>::VARIANTS,
	ignored: &[],
};

impl PalletEvent for StakeEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn account(&self) -> Option<&Account> {
		use StakeEvent::*;
		match self {
			Bonded { who, .. }
			| BondedExtra { who, .. }
			| NodeRegistered { who, .. }
			| HeartbeatReceived { who, .. }
			| NodeQuarantineLifted { who, .. }
			| Unbonded { who, .. }
			| Withdrawn { who, .. }
			| BondClosed { who }
			| Slashed { who, .. } => Some(who),
		}
	}
}

/// The chain's event as a [`StakeEvent`], with the bond or node record read at the block.
pub async fn decode(ctx: &BlockCtx<'_>, event: Event) -> Result<Option<StakeEvent>, IndexerError> {
	Ok(Some(match event {
		Event::Bonded { who, role, amount } => {
			let (role, compute_class) = BondRole::from_role(*role);
			StakeEvent::Bonded {
				who: ss58(&who),
				role,
				compute_class,
				amount: Planck(amount),
				ledger: ctx.ledger(&who).await?,
			}
		}
		Event::BondedExtra { who, amount } => StakeEvent::BondedExtra {
			who: ss58(&who),
			amount: Planck(amount),
			ledger: ctx.ledger(&who).await?,
		},
		Event::NodeRegistered { who, receipt_key } => {
			let capabilities = node(ctx, &who).await?.map(|n| {
				let c = &n.capabilities;
				Capabilities {
					compute_class: *c.compute_class,
					gpu_model: utf8(&c.gpu_model),
					vram_gib: c.vram_gib,
					models: c.models.iter().map(|m| utf8(m)).collect(),
				}
			});
			StakeEvent::NodeRegistered {
				who: ss58(&who),
				receipt_key: hex32(receipt_key),
				capabilities,
			}
		}
		Event::HeartbeatReceived { who, block } => {
			let metrics = node(ctx, &who).await?.and_then(|n| n.last_metrics).map(|m| GpuMetrics {
				utilization_percent: m.utilization_percent,
				memory_used_mib: m.memory_used_mib,
				power_milliwatts: m.power_milliwatts,
				temperature_c: m.temperature_c,
			});
			StakeEvent::HeartbeatReceived { who: ss58(&who), block, metrics }
		}
		Event::NodeQuarantineLifted { who, last_heartbeat } => {
			StakeEvent::NodeQuarantineLifted { who: ss58(&who), last_heartbeat }
		}
		Event::Unbonded { who, amount, unlock_at } => StakeEvent::Unbonded {
			who: ss58(&who),
			amount: Planck(amount),
			unlock_at,
			ledger: ctx.ledger(&who).await?,
		},
		Event::Withdrawn { who, amount } => StakeEvent::Withdrawn {
			who: ss58(&who),
			amount: Planck(amount),
			ledger: ctx.ledger(&who).await?,
		},
		Event::BondClosed { who } => StakeEvent::BondClosed { who: ss58(&who) },
		Event::Slashed { who, reason, amount } => StakeEvent::Slashed {
			who: ss58(&who),
			reason: reason.0,
			amount: Planck(amount),
			ledger: ctx.ledger(&who).await?,
		},
	}))
}

/// `StakeGuard::NodeInfo(who)` at the block.
async fn node(
	ctx: &BlockCtx<'_>,
	who: &AccountId,
) -> Result<Option<api::runtime_types::pallet_stake_guard::types::NodeRecord>, IndexerError> {
	ctx.read(api::storage().stake_guard().node_info(), (*who,)).await
}

/// The records the decode of `event` reads: the bond of a stake change, the record of a node.
pub fn storage_keys(ctx: &BlockCtx<'_>, event: &Event) -> Result<Vec<Vec<u8>>, IndexerError> {
	let stake = api::storage().stake_guard();
	Ok(match event {
		Event::Bonded { who, .. }
		| Event::BondedExtra { who, .. }
		| Event::Unbonded { who, .. }
		| Event::Withdrawn { who, .. }
		| Event::Slashed { who, .. } => vec![ctx.key(stake.bonds(), (*who,))?],
		Event::NodeRegistered { who, .. } | Event::HeartbeatReceived { who, .. } => {
			vec![ctx.key(stake.node_info(), (*who,))?]
		}
		Event::NodeQuarantineLifted { .. } | Event::BondClosed { .. } => Vec::new(),
	})
}

/// Write the event's rows (stake events are rare: a statement or two each).
pub async fn apply(w: &mut BlockWriter<'_>, event: &StakeEvent) -> Result<(), DbError> {
	use StakeEvent::*;
	let b = w.block;
	match event {
		Bonded { who, role, compute_class, ledger, .. } => {
			w.ensure_accounts(&[who]).await?;
			let ledger = ledger.unwrap_or_default();
			let query = sqlx::query(
				"UPDATE accounts SET role = $2, compute_class = $3, bonded = $4, unbonding = $5, \
				 bonded_block = $6, updated_block = $6 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(<&str>::from(*role))
			.bind(compute_class.map(<&str>::from))
			.bind(ledger.bonded.to_string())
			.bind(ledger.unbonding.to_string())
			.bind(b);
			w.execute(query).await?;
		}
		BondedExtra { who, ledger, .. }
		| Unbonded { who, ledger, .. }
		| Withdrawn { who, ledger, .. } => set_ledger(w, who, ledger).await?,
		Slashed { who, amount, ledger, .. } => {
			set_ledger(w, who, ledger).await?;
			w.slash(who, amount.0);
		}
		NodeRegistered { who, receipt_key, capabilities } => {
			w.ensure_accounts(&[who]).await?;
			let query = sqlx::query(
				"UPDATE accounts SET receipt_key = $2, capabilities = $3, registered_block = $4, \
				 last_heartbeat = $4, updated_block = $4 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(receipt_key.clone())
			.bind(capabilities.as_ref().map(serde_json::to_string).transpose()?)
			.bind(b);
			w.execute(query).await?;
		}
		HeartbeatReceived { who, block, metrics } => {
			w.ensure_accounts(&[who]).await?;
			let query = sqlx::query(
				"UPDATE accounts SET last_heartbeat = $2, gpu_metrics = $3, updated_block = $4 \
				 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(i64::from(*block))
			.bind(metrics.as_ref().map(serde_json::to_string).transpose()?)
			.bind(b);
			w.execute(query).await?;
		}
		BondClosed { who } => {
			w.ensure_accounts(&[who]).await?;
			let query = sqlx::query(
				"UPDATE accounts SET role = NULL, compute_class = NULL, bonded = '0', \
				 unbonding = '0', active_validator = 0, receipt_key = NULL, capabilities = NULL, \
				 registered_block = NULL, gpu_metrics = NULL, updated_block = $2 \
				 WHERE account = $1",
			)
			.bind(who.clone())
			.bind(b);
			w.execute(query).await?;
		}
		NodeQuarantineLifted { .. } => {}
	}
	Ok(())
}

/// Set `who`'s bonded and unbonding planck to the chain's (`None`: no bond left, both zero).
async fn set_ledger(
	w: &mut BlockWriter<'_>,
	who: &str,
	ledger: &Option<Ledger>,
) -> Result<(), DbError> {
	w.ensure_accounts(&[who]).await?;
	let ledger = ledger.unwrap_or_default();
	let query = sqlx::query(
		"UPDATE accounts SET bonded = $2, unbonding = $3, updated_block = $4 WHERE account = $1",
	)
	.bind(who.to_string())
	.bind(ledger.bonded.to_string())
	.bind(ledger.unbonding.to_string())
	.bind(w.block);
	w.execute(query).await?;
	Ok(())
}

/// Mark exactly `validators` as StakeGuard's active validators.
pub async fn set_active_validators(
	w: &mut BlockWriter<'_>,
	validators: &[String],
) -> Result<(), DbError> {
	let query = sqlx::query("UPDATE accounts SET active_validator = 0 WHERE active_validator = 1");
	w.execute(query).await?;
	if validators.is_empty() {
		return Ok(());
	}
	let names: Vec<&str> = validators.iter().map(String::as_str).collect();
	w.ensure_accounts(&names).await?;
	let sql = format!(
		"UPDATE accounts SET active_validator = 1 WHERE account IN ({})",
		w.list(1, names.len())
	);
	let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
	for name in names {
		query = query.bind(name.to_string());
	}
	w.execute(query).await?;
	Ok(())
}
