//! The WorkflowRegistry projection: `workflows`, `workflow_versions` and
//! `workflow_dependencies`, as of the latest indexed block.

use super::{
	ctx::{chain, hex32, ss58, utf8},
	fields,
	writer::{BlockWriter, Val},
	BlockCtx, Coverage, PalletEvent,
};
use crate::{
	db::{int, DbError},
	indexer::IndexerError,
	model::{Account, Planck, WorkflowRecord},
};
use havn_client::api::{self, workflow_registry::Event};
use havn_primitives::WorkflowId;
use serde::Serialize;

/// A WorkflowRegistry event, with the storage records it implies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantNames)]
#[serde(tag = "name", content = "data")]
pub enum WorkflowEvent {
	/// `WorkflowPublished`, with the record read at that block.
	WorkflowPublished {
		/// Workflow id.
		id: WorkflowId,
		/// Owner.
		owner: Account,
		/// First manifest digest.
		manifest_hash: String,
		/// Parent.
		parent: Option<WorkflowId>,
		/// The record read at the end of this block (later events of the block may already
		/// show in it).
		record: WorkflowRecord,
		/// URI of the first manifest (`Versions(id, 1)`), UTF-8, lossy.
		first_manifest_uri: String,
	},
	/// `WorkflowVersionPublished`, with the version's URI read at that block.
	WorkflowVersionPublished {
		/// Workflow id.
		id: WorkflowId,
		/// New version.
		version: u32,
		/// Its manifest digest.
		manifest_hash: String,
		/// Its manifest URI (UTF-8, lossy).
		manifest_uri: String,
	},
	/// `OwnershipOffered`: the owner offered the workflow to `to`, who has not accepted yet.
	OwnershipOffered {
		/// Workflow id.
		id: WorkflowId,
		/// Owner.
		from: Account,
		/// The account it is offered to.
		to: Account,
	},
	/// `OwnershipOfferCancelled`.
	OwnershipOfferCancelled {
		/// Workflow id.
		id: WorkflowId,
		/// The account it had been offered to.
		to: Account,
	},
	/// `OwnershipTransferred`: the offered account accepted.
	OwnershipTransferred {
		/// Workflow id.
		id: WorkflowId,
		/// Previous owner.
		from: Account,
		/// New owner.
		to: Account,
	},
	/// `WorkflowDeprecated`.
	WorkflowDeprecated {
		/// Workflow id.
		id: WorkflowId,
	},
	/// `WorkflowFlagged`.
	WorkflowFlagged {
		/// Workflow id.
		id: WorkflowId,
		/// Reason (UTF-8, lossy).
		reason: String,
	},
	/// `WorkflowUnflagged`.
	WorkflowUnflagged {
		/// Workflow id.
		id: WorkflowId,
	},
}

/// What this projection takes of the pallet.
pub const COVERAGE: Coverage = Coverage {
	pallet: "WorkflowRegistry",
	indexed: <WorkflowEvent as strum::VariantNames>::VARIANTS,
	// A commitment hides its manifest: there is nothing to show until the publish reveals it.
	ignored: &["ManifestCommitted"],
};

impl PalletEvent for WorkflowEvent {
	fn name(&self) -> &'static str {
		self.into()
	}
	fn data(&self) -> serde_json::Value {
		fields(self)
	}
	fn workflow_id(&self) -> Option<WorkflowId> {
		use WorkflowEvent::*;
		match self {
			WorkflowPublished { id, .. }
			| WorkflowVersionPublished { id, .. }
			| OwnershipOffered { id, .. }
			| OwnershipOfferCancelled { id, .. }
			| OwnershipTransferred { id, .. }
			| WorkflowDeprecated { id }
			| WorkflowFlagged { id, .. }
			| WorkflowUnflagged { id } => Some(*id),
		}
	}
	fn account(&self) -> Option<&Account> {
		match self {
			Self::WorkflowPublished { owner, .. } => Some(owner),
			Self::OwnershipTransferred { to, .. }
			| Self::OwnershipOffered { to, .. }
			| Self::OwnershipOfferCancelled { to, .. } => Some(to),
			_ => None,
		}
	}
}

/// The chain's event as a [`WorkflowEvent`], with the records read at the block.
pub async fn decode(
	ctx: &BlockCtx<'_>,
	event: Event,
) -> Result<Option<WorkflowEvent>, IndexerError> {
	Ok(Some(match event {
		Event::WorkflowPublished { id, owner, manifest_hash, parent } => {
			WorkflowEvent::WorkflowPublished {
				id,
				owner: ss58(&owner),
				manifest_hash: hex32(manifest_hash.0),
				parent,
				record: record(ctx, id).await?,
				first_manifest_uri: version_uri(ctx, id, 1).await?,
			}
		}
		Event::WorkflowVersionPublished { id, version, manifest_hash } => {
			WorkflowEvent::WorkflowVersionPublished {
				id,
				version,
				manifest_hash: hex32(manifest_hash.0),
				manifest_uri: version_uri(ctx, id, version).await?,
			}
		}
		Event::OwnershipOffered { id, from, to } => {
			WorkflowEvent::OwnershipOffered { id, from: ss58(&from), to: ss58(&to) }
		}
		Event::OwnershipOfferCancelled { id, to } => {
			WorkflowEvent::OwnershipOfferCancelled { id, to: ss58(&to) }
		}
		Event::ManifestCommitted { .. } => return Ok(None),
		Event::OwnershipTransferred { id, from, to } => {
			WorkflowEvent::OwnershipTransferred { id, from: ss58(&from), to: ss58(&to) }
		}
		Event::WorkflowDeprecated { id } => WorkflowEvent::WorkflowDeprecated { id },
		Event::WorkflowFlagged { id, reason } => {
			WorkflowEvent::WorkflowFlagged { id, reason: utf8(&reason) }
		}
		Event::WorkflowUnflagged { id } => WorkflowEvent::WorkflowUnflagged { id },
	}))
}

/// `WorkflowRegistry::Workflows(id)` at the block.
async fn record(ctx: &BlockCtx<'_>, id: u64) -> Result<WorkflowRecord, IndexerError> {
	let w = ctx
		.at()
		.storage()
		.try_fetch(api::storage().workflow_registry().workflows(), (id,))
		.await
		.map_err(chain)?
		.ok_or_else(|| ctx.missing(format!("WorkflowRegistry::Workflows({id})")))?
		.decode()
		.map_err(chain)?;
	Ok(WorkflowRecord {
		owner: ss58(&w.owner),
		kind: w.kind.0.into(),
		manifest_hash: hex32(w.manifest_hash.0),
		manifest_uri: utf8(&w.manifest_uri),
		compute_class: *w.compute_class,
		base_fee: Planck(w.base_fee),
		royalty: w.royalty.0.into(),
		dependencies: w.dependencies.iter().map(|(dep, weight)| (*dep, weight.0)).collect(),
		parent: w.parent,
		depth: w.depth,
		version: w.version,
		deprecated: matches!(
			w.status,
			api::runtime_types::pallet_workflow_registry::types::WorkflowStatus::Deprecated
		),
		flag: w.flag.as_ref().map(|f| utf8(f)),
		deposit: Planck(w.deposit),
		created_at: w.created_at,
	})
}

/// The manifest URI of `WorkflowRegistry::Versions(id, version)` at the block.
async fn version_uri(ctx: &BlockCtx<'_>, id: u64, version: u32) -> Result<String, IndexerError> {
	let v = ctx
		.at()
		.storage()
		.try_fetch(api::storage().workflow_registry().versions(), (id, version))
		.await
		.map_err(chain)?
		.ok_or_else(|| ctx.missing(format!("WorkflowRegistry::Versions({id}, {version})")))?
		.decode()
		.map_err(chain)?;
	Ok(utf8(&v.manifest_uri))
}

/// Write the event's rows (workflow events are rare: one statement or two each).
pub async fn apply(w: &mut BlockWriter<'_>, event: &WorkflowEvent) -> Result<(), DbError> {
	use WorkflowEvent::*;
	let b = w.block;
	match event {
		WorkflowPublished { id, owner, manifest_hash, record, first_manifest_uri, .. } => {
			let id = int(*id)?;
			let row: Vec<Val> = vec![
				id.into(),
				record.owner.clone().into(),
				owner.clone().into(),
				record.kind.into(),
				record.manifest_hash.clone().into(),
				record.manifest_uri.clone().into(),
				<&str>::from(record.compute_class).into(),
				record.base_fee.to_string().into(),
				serde_json::to_string(&record.royalty)?.into(),
				record.parent.map(int).transpose()?.into(),
				i64::from(record.depth).into(),
				i64::from(record.version).into(),
				(if record.deprecated { "deprecated" } else { "active" }).into(),
				record.flag.clone().into(),
				record.deposit.to_string().into(),
				i64::from(record.created_at).into(),
				b.into(),
			];
			w.insert_rows(
				"INSERT INTO workflows (id, owner, creator, kind, manifest_hash, manifest_uri, \
				 compute_class, base_fee, royalty, parent, depth, version, status, flag_reason, \
				 deposit, created_block, updated_block)",
				"($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
				"",
				vec![row],
			)
			.await?;
			let mut deps = Vec::with_capacity(record.dependencies.len());
			for (dep, weight) in &record.dependencies {
				deps.push(vec![id.into(), int(*dep)?.into(), i64::from(*weight).into()]);
			}
			w.insert_rows(
				"INSERT INTO workflow_dependencies (workflow_id, dependency_id, weight_ppm)",
				"($1, $2, $3)",
				"",
				deps,
			)
			.await?;
			// The record may already show later versions of this block; version 1 is the
			// event's.
			insert_version(w, id, 1, manifest_hash, first_manifest_uri).await?;
		}
		WorkflowVersionPublished { id, version, manifest_hash, manifest_uri } => {
			insert_version(w, int(*id)?, *version, manifest_hash, manifest_uri).await?;
			let query = sqlx::query(
				"UPDATE workflows SET version = $2, manifest_hash = $3, manifest_uri = $4, \
				 updated_block = $5 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(i64::from(*version))
			.bind(manifest_hash.clone())
			.bind(manifest_uri.clone())
			.bind(b);
			w.execute(query).await?;
		}
		// Offers change no row: the workflow's owner is unchanged until the offer is accepted.
		// They are kept as events (the account's and the workflow's event lists show them).
		OwnershipOffered { .. } | OwnershipOfferCancelled { .. } => {}
		OwnershipTransferred { id, to, .. } => {
			let query =
				sqlx::query("UPDATE workflows SET owner = $2, updated_block = $3 WHERE id = $1")
					.bind(int(*id)?)
					.bind(to.clone())
					.bind(b);
			w.execute(query).await?;
		}
		WorkflowDeprecated { id } => {
			let query = sqlx::query(
				"UPDATE workflows SET status = 'deprecated', updated_block = $2 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(b);
			w.execute(query).await?;
		}
		WorkflowFlagged { id, reason } => {
			let query = sqlx::query(
				"UPDATE workflows SET flag_reason = $2, updated_block = $3 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(reason.clone())
			.bind(b);
			w.execute(query).await?;
		}
		WorkflowUnflagged { id } => {
			let query = sqlx::query(
				"UPDATE workflows SET flag_reason = NULL, updated_block = $2 WHERE id = $1",
			)
			.bind(int(*id)?)
			.bind(b);
			w.execute(query).await?;
		}
	}
	Ok(())
}

async fn insert_version(
	w: &mut BlockWriter<'_>,
	id: i64,
	version: u32,
	manifest_hash: &str,
	manifest_uri: &str,
) -> Result<(), DbError> {
	let row = vec![
		id.into(),
		i64::from(version).into(),
		manifest_hash.into(),
		manifest_uri.into(),
		w.block.into(),
	];
	w.insert_rows(
		"INSERT INTO workflow_versions (workflow_id, version, manifest_hash, manifest_uri, block)",
		"($1, $2, $3, $4, $5)",
		"ON CONFLICT (workflow_id, version) DO NOTHING",
		vec![row],
	)
	.await?;
	Ok(())
}
