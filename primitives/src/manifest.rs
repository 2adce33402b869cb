//! The workflow manifest: the JSON document a creator publishes and an execution node runs.
//!
//! The chain stores only the manifest's digest (`blake2_256` of its exact bytes, the
//! `manifest_hash` of `WorkflowRegistry::publish`) and where to fetch it (`manifest_uri`, a CIDv1
//! of the same bytes). Nodes fetch the bytes, check both digests, parse them with
//! [`Manifest::parse`] and run [`Manifest::steps`] in order. The `havn` CLI parses and validates
//! the same way before it publishes, so a malformed manifest never reaches the chain.
//!
//! Shape (schema `havn.workflow/v1`; see `docs/workflow-manifest.md`):
//!
//! ```json
//! {
//!   "schema": "havn.workflow/v1",
//!   "name": "text-embedding",
//!   "version": "1.0.0",
//!   "description": "Sentence embeddings with all-MiniLM-L6-v2",
//!   "kind": "workflow",
//!   "compute_class": "S",
//!   "base_fee": "1000000000000",
//!   "royalty": { "creator": 45, "upstream": 20, "node": 25, "validators": 5, "treasury": 5 },
//!   "dependencies": [ { "manifest": "0x<blake2-256 of the dependency's manifest>", "weight": 100 } ],
//!   "parent": null,
//!   "steps": [ { "id": "embed", "executor": "embed", "model": "all-MiniLM-L6-v2", "params": {} } ]
//! }
//! ```
//!
//! - `base_fee` is in HAI planck (10^12 planck = 1 HAI), as a decimal string so that JSON
//!   readers without 128-bit integers keep it exact.
//! - `royalty` and dependency `weight`s are percentages with at most four decimals (so they map
//!   exactly onto `Permill`); each set sums to exactly 100. `royalty` may be left out: the chain's
//!   default split applies.
//! - A dependency or `parent` names a registered workflow either by `workflow_id` or by the
//!   `manifest` digest it was registered with (traced through the registry's manifest index).

use crate::{royalty::RoyaltySplit, ComputeClass, Digest, WorkflowKind};
use alloc::{
	format,
	string::{String, ToString},
	vec::Vec,
};
use sp_arithmetic::Permill;

/// The only schema this build understands.
pub const SCHEMA_V1: &str = "havn.workflow/v1";
/// Largest manifest accepted, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
/// Most steps in one workflow.
pub const MAX_STEPS: usize = 16;
/// Most dependencies (the registry's `MaxDependencies` in the runtime).
pub const MAX_DEPENDENCIES: usize = 16;
/// Longest `name`, step `id` or `model`, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// A parsed, validated workflow manifest.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
	/// Always [`SCHEMA_V1`].
	pub schema: String,
	/// Human name, 1 to 64 bytes.
	pub name: String,
	/// The creator's own version label (free text, e.g. semver).
	pub version: String,
	/// What the workflow does.
	#[serde(default)]
	pub description: String,
	/// What is registered: a runnable workflow, a model, a LoRA or a prompt.
	#[serde(default = "default_kind", with = "kind_serde")]
	pub kind: WorkflowKind,
	/// Smallest compute class that can run it.
	pub compute_class: ComputeClass,
	/// Fee per run per node at class multiplier 1, in HAI planck (decimal string).
	pub base_fee: String,
	/// The royalty split in percent; `None` takes the chain's default.
	#[serde(default)]
	pub royalty: Option<RoyaltyPercent>,
	/// Registered workflows this one builds on, with their share of the upstream pool.
	#[serde(default)]
	pub dependencies: Vec<Dependency>,
	/// The workflow this one derives from (lineage).
	#[serde(default)]
	pub parent: Option<WorkflowRef>,
	/// The executor steps, run in order. Empty only for models, LoRAs and prompts.
	#[serde(default)]
	pub steps: Vec<Step>,
}

fn default_kind() -> WorkflowKind {
	WorkflowKind::Workflow
}

mod kind_serde {
	use crate::WorkflowKind;
	use serde::{Deserialize, Deserializer, Serializer};

	pub fn serialize<S: Serializer>(kind: &WorkflowKind, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(match kind {
			WorkflowKind::Workflow => "workflow",
			WorkflowKind::Model => "model",
			WorkflowKind::Lora => "lora",
			WorkflowKind::Prompt => "prompt",
		})
	}

	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<WorkflowKind, D::Error> {
		let s = alloc::string::String::deserialize(d)?;
		match s.as_str() {
			"workflow" => Ok(WorkflowKind::Workflow),
			"model" => Ok(WorkflowKind::Model),
			"lora" => Ok(WorkflowKind::Lora),
			"prompt" => Ok(WorkflowKind::Prompt),
			other => Err(serde::de::Error::custom(alloc::format!(
				"unknown kind `{other}` (expected workflow, model, lora or prompt)"
			))),
		}
	}
}

/// The royalty split in percent (at most four decimals each, summing to exactly 100).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoyaltyPercent {
	/// Creator's share.
	pub creator: f64,
	/// Upstream pool's share.
	pub upstream: f64,
	/// Execution nodes' share.
	pub node: f64,
	/// Validators' share.
	pub validators: f64,
	/// Treasury's share.
	pub treasury: f64,
}

/// A registered workflow, named by id or by the manifest digest it was registered with.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum WorkflowRef {
	/// By workflow id.
	Id {
		/// The id.
		workflow_id: u64,
	},
	/// By manifest digest (`0x` + 64 hex digits of blake2-256).
	Manifest {
		/// The digest.
		manifest: Digest,
	},
}

/// One dependency and its weight in the upstream pool.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dependency {
	/// Which workflow.
	#[serde(flatten)]
	pub workflow: WorkflowRef,
	/// Share of the upstream pool, in percent.
	pub weight: f64,
}

/// One executor step.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
	/// Unique within the manifest; later steps read this step's output under this id.
	pub id: String,
	/// Which executor runs it.
	pub executor: ExecutorKind,
	/// The model it uses (for `embed` and `llm`: `all-MiniLM-L6-v2`, `SmolLM2-135M-Instruct`).
	#[serde(default)]
	pub model: Option<String>,
	/// Executor-specific parameters (see `docs/workflow-manifest.md`).
	#[serde(default)]
	pub params: serde_json::Map<String, serde_json::Value>,
}

/// The executors a `havn-exec` node provides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExecutorKind {
	/// Sentence embeddings (candle BERT, all-MiniLM-L6-v2).
	Embed,
	/// Text generation (candle quantized llama, SmolLM2-135M-Instruct GGUF, greedy).
	Llm,
	/// Deterministic audio synthesis to a WAV file.
	Audio,
	/// An operator's own OpenAI-compatible or ComfyUI server.
	Http,
}

/// Why a manifest was refused. Each variant names the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestError {
	/// Larger than [`MAX_MANIFEST_BYTES`].
	TooLarge(usize),
	/// Not valid JSON for this schema (serde's message, with line and column).
	Json(String),
	/// `schema` is not [`SCHEMA_V1`].
	UnsupportedSchema(String),
	/// A field's value is out of range; `(field, why)`.
	Invalid(&'static str, String),
}

impl core::fmt::Display for ManifestError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::TooLarge(n) => {
				write!(f, "manifest is {n} bytes; the limit is {MAX_MANIFEST_BYTES}")
			}
			Self::Json(e) => write!(f, "manifest is not valid JSON for {SCHEMA_V1}: {e}"),
			Self::UnsupportedSchema(s) => {
				write!(f, "unsupported schema `{s}` (this build reads `{SCHEMA_V1}`)")
			}
			Self::Invalid(field, why) => write!(f, "manifest field `{field}`: {why}"),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for ManifestError {}

/// A percentage with at most four decimals as `Permill`.
pub fn percent_to_permill(field: &'static str, p: f64) -> Result<Permill, ManifestError> {
	if !(0.0..=100.0).contains(&p) {
		return Err(ManifestError::Invalid(field, format!("{p} is not within 0..=100")));
	}
	let parts = p * 10_000.0;
	// Round-trip check: more than four decimals does not map onto Permill exactly.
	let rounded = (parts + 0.5) as u32;
	if ((rounded as f64) - parts).abs() > 1e-6 {
		return Err(ManifestError::Invalid(field, format!("{p} has more than four decimals")));
	}
	Ok(Permill::from_parts(rounded))
}

impl Manifest {
	/// Parse and validate manifest bytes.
	pub fn parse(bytes: &[u8]) -> Result<Self, ManifestError> {
		if bytes.len() > MAX_MANIFEST_BYTES {
			return Err(ManifestError::TooLarge(bytes.len()));
		}
		let manifest: Manifest =
			serde_json::from_slice(bytes).map_err(|e| ManifestError::Json(e.to_string()))?;
		manifest.validate()?;
		Ok(manifest)
	}

	/// Check every field's range (see the module docs).
	pub fn validate(&self) -> Result<(), ManifestError> {
		use ManifestError::Invalid;
		if self.schema != SCHEMA_V1 {
			return Err(ManifestError::UnsupportedSchema(self.schema.clone()));
		}
		if self.name.is_empty() || self.name.len() > MAX_NAME_LEN {
			return Err(Invalid("name", format!("must be 1 to {MAX_NAME_LEN} bytes")));
		}
		self.base_fee_planck()?;
		self.royalty_split()?;
		if self.dependencies.len() > MAX_DEPENDENCIES {
			return Err(Invalid("dependencies", format!("at most {MAX_DEPENDENCIES}")));
		}
		if !self.dependencies.is_empty() {
			let mut total = 0u32;
			for d in &self.dependencies {
				let w = percent_to_permill("dependencies.weight", d.weight)?;
				if w.is_zero() {
					return Err(Invalid("dependencies.weight", "must be above 0".into()));
				}
				total = total.saturating_add(w.deconstruct());
			}
			if total != 1_000_000 {
				return Err(Invalid(
					"dependencies.weight",
					"weights must sum to exactly 100".into(),
				));
			}
			for (i, d) in self.dependencies.iter().enumerate() {
				if self.dependencies.iter().skip(i + 1).any(|o| o.workflow == d.workflow) {
					return Err(Invalid("dependencies", "a dependency appears twice".into()));
				}
			}
		}
		match self.kind {
			WorkflowKind::Workflow if self.steps.is_empty() => {
				return Err(Invalid("steps", "a workflow needs at least one step".into()))
			}
			_ => {}
		}
		if self.steps.len() > MAX_STEPS {
			return Err(Invalid("steps", format!("at most {MAX_STEPS}")));
		}
		for (i, step) in self.steps.iter().enumerate() {
			if step.id.is_empty()
				|| step.id.len() > MAX_NAME_LEN
				|| step.id == "input"
				|| !step.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
			{
				return Err(Invalid(
					"steps.id",
					format!("`{}`: 1 to {MAX_NAME_LEN} of [A-Za-z0-9_-], not `input`", step.id),
				));
			}
			if self.steps.iter().skip(i + 1).any(|o| o.id == step.id) {
				return Err(Invalid("steps.id", format!("`{}` appears twice", step.id)));
			}
			let needs_model = matches!(step.executor, ExecutorKind::Embed | ExecutorKind::Llm);
			match (&step.model, needs_model) {
				(None, true) => {
					return Err(Invalid("steps.model", format!("step `{}` needs a model", step.id)))
				}
				(Some(m), _) if m.is_empty() || m.len() > MAX_NAME_LEN => {
					return Err(Invalid(
						"steps.model",
						format!("must be 1 to {MAX_NAME_LEN} bytes"),
					))
				}
				_ => {}
			}
		}
		Ok(())
	}

	/// `base_fee` in planck.
	pub fn base_fee_planck(&self) -> Result<u128, ManifestError> {
		self.base_fee.parse::<u128>().map_err(|_| {
			ManifestError::Invalid(
				"base_fee",
				format!("`{}` is not a whole number of planck", self.base_fee),
			)
		})
	}

	/// The royalty split as the chain takes it (`None`: the chain's default).
	pub fn royalty_split(&self) -> Result<Option<RoyaltySplit>, ManifestError> {
		let Some(r) = self.royalty else { return Ok(None) };
		let split = RoyaltySplit {
			creator: percent_to_permill("royalty.creator", r.creator)?,
			upstream: percent_to_permill("royalty.upstream", r.upstream)?,
			node: percent_to_permill("royalty.node", r.node)?,
			validators: percent_to_permill("royalty.validators", r.validators)?,
			treasury: percent_to_permill("royalty.treasury", r.treasury)?,
		};
		let total: u32 =
			[split.creator, split.upstream, split.node, split.validators, split.treasury]
				.iter()
				.map(|p| p.deconstruct())
				.sum();
		if total != 1_000_000 {
			return Err(ManifestError::Invalid("royalty", "shares must sum to exactly 100".into()));
		}
		Ok(Some(split))
	}

	/// The step with id `id`.
	pub fn step(&self, id: &str) -> Option<&Step> {
		self.steps.iter().find(|s| s.id == id)
	}
}

/// `blake2_256` of the manifest bytes: the `manifest_hash` registered on-chain.
pub fn manifest_digest(bytes: &[u8]) -> Digest {
	Digest::from(sp_io::hashing::blake2_256(bytes))
}

#[cfg(test)]
mod tests {
	use super::*;

	const GOOD: &str = r#"{
		"schema": "havn.workflow/v1",
		"name": "text-embedding",
		"version": "1.0.0",
		"compute_class": "S",
		"base_fee": "1000000000000",
		"royalty": { "creator": 45, "upstream": 20, "node": 25, "validators": 5, "treasury": 5 },
		"dependencies": [ { "workflow_id": 3, "weight": 60 },
			{ "manifest": "0x0101010101010101010101010101010101010101010101010101010101010101", "weight": 40 } ],
		"steps": [ { "id": "embed", "executor": "embed", "model": "all-MiniLM-L6-v2" } ]
	}"#;

	#[test]
	fn parses_a_valid_manifest() {
		let m = Manifest::parse(GOOD.as_bytes()).unwrap();
		assert_eq!(m.base_fee_planck().unwrap(), crate::HAI);
		assert_eq!(m.royalty_split().unwrap(), Some(RoyaltySplit::DEFAULT));
		assert_eq!(m.dependencies.len(), 2);
		assert_eq!(m.dependencies[0].workflow, WorkflowRef::Id { workflow_id: 3 });
		assert!(matches!(m.dependencies[1].workflow, WorkflowRef::Manifest { .. }));
		assert_eq!(m.kind, WorkflowKind::Workflow);
		assert_eq!(m.steps[0].executor, ExecutorKind::Embed);
	}

	fn with(from: &str, to: &str) -> Result<Manifest, ManifestError> {
		assert!(GOOD.contains(from), "{from}");
		Manifest::parse(GOOD.replacen(from, to, 1).as_bytes())
	}

	#[test]
	fn refuses_bad_fields_with_the_field_named() {
		let field = |r: Result<Manifest, ManifestError>| match r {
			Err(ManifestError::Invalid(f, _)) => f,
			other => panic!("expected Invalid, got {other:?}"),
		};
		assert_eq!(field(with("\"creator\": 45", "\"creator\": 46")), "royalty");
		assert_eq!(field(with("\"creator\": 45", "\"creator\": 44.99999")), "royalty.creator");
		assert_eq!(field(with("\"weight\": 60", "\"weight\": 50")), "dependencies.weight");
		assert_eq!(field(with("1000000000000", "1.5")), "base_fee");
		assert_eq!(field(with("\"name\": \"text-embedding\"", "\"name\": \"\"")), "name");
		assert_eq!(field(with("\"id\": \"embed\"", "\"id\": \"input\"")), "steps.id");
		assert_eq!(field(with(", \"model\": \"all-MiniLM-L6-v2\"", "")), "steps.model");
		assert_eq!(
			field(with("\"workflow_id\": 3", "\"manifest\": \"0x0101010101010101010101010101010101010101010101010101010101010101\"")),
			"dependencies"
		);
	}

	#[test]
	fn refuses_bad_json_schema_and_size() {
		assert!(matches!(with("\"steps\"", "\"stepz\""), Err(ManifestError::Json(_))));
		assert!(matches!(
			with("\"executor\": \"embed\"", "\"executor\": \"shell\""),
			Err(ManifestError::Json(_))
		));
		assert!(matches!(
			with("havn.workflow/v1", "havn.workflow/v9"),
			Err(ManifestError::UnsupportedSchema(_))
		));
		assert!(matches!(Manifest::parse(b"{"), Err(ManifestError::Json(_))));
		let big = alloc::vec![b' '; MAX_MANIFEST_BYTES + 1];
		assert_eq!(Manifest::parse(&big), Err(ManifestError::TooLarge(MAX_MANIFEST_BYTES + 1)));
	}
}
