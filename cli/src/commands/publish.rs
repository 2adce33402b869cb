//! `havn publish FILE [--dry-run]`: register a workflow manifest.
//!
//! 1. Read the file and validate it with [`Manifest::parse`], the same parser nodes use. A bad
//!    manifest exits with code 2 and names the offending field; nothing is uploaded or submitted.
//!    `--dry-run` stops here and prints what would be published (no network at all).
//! 2. `manifest_hash` = blake2-256 of the bytes; the manifest URI is their CID, computed here. If
//!    `WorkflowRegistry::ManifestIndex` already holds the digest, make sure the bytes are in the
//!    store, report the existing workflow id and succeed ("already registered"), so scripts can
//!    re-run.
//! 3. Resolve dependencies and the parent: `workflow_id` refs must exist
//!    (`WorkflowRegistry::Workflows`), `manifest` refs are looked up in `ManifestIndex`.
//! 4. Commit to the manifest (`WorkflowRegistry::commit_manifest`) and wait `MinCommitmentAge`
//!    blocks: commit-reveal publication, so that nobody who sees the digest can register it
//!    first.
//! 5. `WorkflowRegistry::publish` and report the id from `WorkflowPublished`.
//! 6. Upload the exact bytes to the orchestrator's artifact store, only now that the digest is
//!    ours (the store is public).

use crate::{
	chain::{self, Chain},
	cli::PublishArgs,
	failure::Failure,
	render::percent,
	Ctx, Report,
};
use anyhow::{anyhow, Context as _, Result};
use havn_client::amount::{amount_json, display_hai};
use havn_client::{
	api::{self, runtime_types::sp_arithmetic::per_things::Permill},
	artifacts::ArtifactClient,
	errors::{RuntimeError, WorkflowRegistryError},
	subxt::client::OnlineClientAtBlock,
	HavnConfig, Static,
};
use havn_primitives::{
	cid,
	manifest::{self, Manifest, ManifestError, WorkflowRef},
	Digest, RoyaltySplit, WorkflowId, WorkflowKind,
};
use serde_json::{json, Value};

/// Media type the manifest is stored under.
const MANIFEST_MEDIA_TYPE: &str = "application/json";

/// Run `havn publish`.
pub async fn run(ctx: &Ctx, args: PublishArgs) -> Result<Report> {
	let path = args.manifest.display().to_string();
	let bytes = std::fs::read(&args.manifest).with_context(|| format!("reading {path}"))?;
	let parsed = Manifest::parse(&bytes).map_err(|e| manifest_failure(&path, &e))?;
	let mut plan = Plan::new(&parsed, &bytes).map_err(|e| manifest_failure(&path, &e))?;

	if args.dry_run {
		let mut json = plan.json(&parsed);
		crate::set(&mut json, "dry_run", true);
		let text = format!(
			"{path}: valid manifest (dry run: nothing uploaded or submitted)\n{}",
			plan.text(&parsed)
		);
		return Ok(Report::ok(json, text));
	}

	let signer = chain::signer(&ctx.opts)?;
	let chain = Chain::connect(&ctx.opts).await?;
	let store = ArtifactClient::new(&ctx.opts.orchestrator)
		.with_uploader(signer.clone(), chain.client().genesis_hash());
	// The client checks the store's answer against the CID of the bytes.
	let upload = || async {
		store
			.upload(bytes.clone(), MANIFEST_MEDIA_TYPE)
			.await
			.with_context(|| format!("storing {path} in the artifact store"))
	};

	let at = chain.at_best().await?;
	if let Some(id) = manifest_index(&at, plan.hash).await? {
		plan.cid = upload().await?;
		return Ok(already_registered(&plan, &parsed, id));
	}
	let mut dependencies = Vec::with_capacity(parsed.dependencies.len());
	for dep in &parsed.dependencies {
		let id = resolve(&at, &dep.workflow, "dependency").await?;
		let weight = manifest::percent_to_permill("dependencies.weight", dep.weight)
			.map_err(|e| manifest_failure(&path, &e))?;
		dependencies.push((id, Permill(weight.deconstruct())));
	}
	let parent = match &parsed.parent {
		Some(r) => Some(resolve(&at, r, "parent").await?),
		None => None,
	};

	if let Err(e) = chain.client().commit_manifests(&signer, &[plan.hash]).await {
		return Err(chain.explain(e).await);
	}
	let call = api::tx().workflow_registry().publish(
		Static(plan.kind),
		plan.hash,
		plan.cid.as_bytes().to_vec(),
		Static(parsed.compute_class),
		plan.base_fee,
		plan.royalty.map(Static),
		dependencies.clone(),
		parent,
	);
	let included = match chain.client().submit(&call, &signer).await {
		Ok(included) => included,
		Err(e)
			if matches!(
				e.module_error(),
				Some(RuntimeError::WorkflowRegistry(
					WorkflowRegistryError::ManifestAlreadyRegistered
				))
			) =>
		{
			// Registered by someone else between the index lookup and inclusion.
			let at = chain.at_best().await?;
			match manifest_index(&at, plan.hash).await? {
				Some(id) => {
					plan.cid = upload().await?;
					return Ok(already_registered(&plan, &parsed, id));
				}
				None => return Err(chain.explain(e).await),
			}
		}
		Err(e) => return Err(chain.explain(e).await),
	};
	let published: api::workflow_registry::events::WorkflowPublished =
		chain::event(&included, "WorkflowRegistry.WorkflowPublished")?;
	plan.cid = upload().await?;

	let mut json = plan.json(&parsed);
	crate::set(&mut json, "status", "published");
	crate::set(&mut json, "workflow_id", published.id);
	crate::set(
		&mut json,
		"dependencies",
		dependencies
			.iter()
			.map(|(id, w)| json!({ "workflow_id": id, "weight_ppm": w.0 }))
			.collect::<Vec<_>>(),
	);
	crate::set(&mut json, "parent", parent);
	crate::set(&mut json, "owner", havn_client::keys::ss58(&published.owner));
	crate::set(&mut json, "block_hash", format!("{:?}", included.block_hash));
	let mut text = format!("published workflow {}\n{}", published.id, plan.text(&parsed));
	// Manifest references, as the registry resolved them.
	let refs =
		parsed.dependencies.iter().map(|d| &d.workflow).zip(dependencies.iter().map(|d| d.0));
	for (r, id) in refs.chain(parsed.parent.iter().zip(parent)) {
		if let WorkflowRef::Manifest { manifest } = r {
			text.push_str(&format!("  resolved       {} is workflow {id}\n", hex_digest(manifest)));
		}
	}
	Ok(Report::ok(json, text))
}

/// What a manifest publishes, computed offline.
struct Plan {
	/// blake2-256 of the bytes.
	hash: Digest,
	/// CIDv1 of the bytes: the manifest URI.
	cid: String,
	kind: WorkflowKind,
	/// Base fee, planck.
	base_fee: u128,
	royalty: Option<RoyaltySplit>,
}

impl Plan {
	fn new(parsed: &Manifest, bytes: &[u8]) -> Result<Self, ManifestError> {
		Ok(Self {
			hash: manifest::manifest_digest(bytes),
			cid: cid::cid_of(bytes),
			kind: parsed.kind,
			base_fee: parsed.base_fee_planck()?,
			royalty: parsed.royalty_split()?,
		})
	}

	fn json(&self, parsed: &Manifest) -> Value {
		json!({
			"name": parsed.name,
			"version": parsed.version,
			"kind": <&str>::from(self.kind),
			"manifest_hash": hex_digest(&self.hash),
			"manifest_cid": self.cid,
			"compute_class": <&str>::from(parsed.compute_class),
			"base_fee": amount_json(self.base_fee),
			"royalty": self.royalty.map(royalty_json),
			"dependencies": parsed.dependencies.iter().map(|d| {
				let mut v = ref_json(&d.workflow);
				crate::set(&mut v, "weight_percent", d.weight);
				v
			}).collect::<Vec<_>>(),
			"parent": parsed.parent.as_ref().map(ref_json),
		})
	}

	fn text(&self, parsed: &Manifest) -> String {
		let mut out = format!("  name           {} {}\n", parsed.name, parsed.version);
		out.push_str(&format!("  kind           {}\n", <&str>::from(self.kind)));
		out.push_str(&format!("  manifest hash  {}\n", hex_digest(&self.hash)));
		out.push_str(&format!("  manifest CID   {}\n", self.cid));
		out.push_str(&format!("  compute class  {}\n", <&str>::from(parsed.compute_class)));
		out.push_str(&format!("  base fee       {}\n", display_hai(self.base_fee)));
		let royalty = match self.royalty {
			Some(r) => format!(
				"creator {} / upstream {} / node {} / validators {} / treasury {}",
				percent(r.creator.deconstruct()),
				percent(r.upstream.deconstruct()),
				percent(r.node.deconstruct()),
				percent(r.validators.deconstruct()),
				percent(r.treasury.deconstruct()),
			),
			None => "the chain's default".into(),
		};
		out.push_str(&format!("  royalty        {royalty}\n"));
		for d in &parsed.dependencies {
			out.push_str(&format!("  depends on     {} ({}%)\n", ref_text(&d.workflow), d.weight));
		}
		if let Some(p) = &parsed.parent {
			out.push_str(&format!("  parent         {}\n", ref_text(p)));
		}
		out
	}
}

fn already_registered(plan: &Plan, parsed: &Manifest, id: WorkflowId) -> Report {
	let mut json = plan.json(parsed);
	crate::set(&mut json, "status", "already_registered");
	crate::set(&mut json, "workflow_id", id);
	let text = format!("already registered as workflow {id}\n{}", plan.text(parsed));
	Report::ok(json, text)
}

/// The workflow that registered `hash`, if any.
async fn manifest_index(
	at: &OnlineClientAtBlock<HavnConfig>,
	hash: Digest,
) -> Result<Option<WorkflowId>> {
	let entry = at
		.storage()
		.try_fetch(api::storage().workflow_registry().manifest_index(), (hash,))
		.await?;
	Ok(match entry {
		Some(v) => Some(v.decode()?),
		None => None,
	})
}

/// The id a manifest's workflow reference names, checked against the registry.
async fn resolve(
	at: &OnlineClientAtBlock<HavnConfig>,
	r: &WorkflowRef,
	what: &str,
) -> Result<WorkflowId> {
	match r {
		WorkflowRef::Id { workflow_id } => {
			let entry = at
				.storage()
				.try_fetch(api::storage().workflow_registry().workflows(), (*workflow_id,))
				.await?;
			match entry {
				Some(_) => Ok(*workflow_id),
				None => {
					Err(anyhow!("{what} workflow_id {workflow_id} is not registered on this chain"))
				}
			}
		}
		WorkflowRef::Manifest { manifest } => {
			manifest_index(at, *manifest).await?.ok_or_else(|| {
				anyhow!(
					"{what} manifest {} is not registered on this chain (publish it first)",
					hex_digest(manifest)
				)
			})
		}
	}
}

/// A manifest error as a bad-input failure (exit code 2) naming the file and the field.
fn manifest_failure(path: &str, e: &ManifestError) -> anyhow::Error {
	let details = match e {
		ManifestError::Invalid(field, why) => json!({ "field": field, "reason": why }),
		ManifestError::Json(why) => json!({ "reason": why }),
		ManifestError::UnsupportedSchema(s) => json!({ "field": "schema", "reason": s }),
		ManifestError::TooLarge(n) => json!({ "reason": format!("{n} bytes") }),
	};
	Failure::bad_input(format!("{path}: {e}")).with_details(details).into()
}

/// `0x` + 64 hex digits.
fn hex_digest(d: &Digest) -> String {
	format!("0x{}", hex::encode(d.as_bytes()))
}

fn royalty_json(r: RoyaltySplit) -> Value {
	json!({
		"creator_ppm": r.creator.deconstruct(),
		"upstream_ppm": r.upstream.deconstruct(),
		"node_ppm": r.node.deconstruct(),
		"validators_ppm": r.validators.deconstruct(),
		"treasury_ppm": r.treasury.deconstruct(),
	})
}

fn ref_json(r: &WorkflowRef) -> Value {
	match r {
		WorkflowRef::Id { workflow_id } => json!({ "workflow_id": workflow_id }),
		WorkflowRef::Manifest { manifest } => json!({ "manifest": hex_digest(manifest) }),
	}
}

fn ref_text(r: &WorkflowRef) -> String {
	match r {
		WorkflowRef::Id { workflow_id } => format!("workflow {workflow_id}"),
		WorkflowRef::Manifest { manifest } => format!("manifest {}", hex_digest(manifest)),
	}
}
