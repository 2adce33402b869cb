//! # Havn executors
//!
//! The executors of `havn-exec`, the Havn execution node: they run the steps of a workflow
//! manifest ([`havn_primitives::manifest::Manifest`]) on a job's JSON input and produce the
//! *outputs document* whose CID a node signs into its receipt.
//!
//! - `embed`: sentence embeddings with `all-MiniLM-L6-v2` (candle BERT, f32), mean-pooled and
//!   L2-normalised; optionally retrieval over documents given in the manifest.
//! - `llm`: greedy chat completion (ChatML) with `SmolLM2-135M-Instruct` (candle quantized
//!   llama, GGUF Q4_1).
//! - `audio`: a deterministic pentatonic synthesizer writing a 16-bit mono WAV (no model).
//! - `http`: the operator's own OpenAI-compatible chat server or ComfyUI server.
//!
//! [`Engine`] loads each model lazily, once, on first use, and reuses it; it is `Send + Sync`.
//! [`Engine::run`] runs every step of a manifest in order ([`Engine::run_until`]: by a deadline,
//! which also caps every `http` request's timeout); each step reads the run's *state*
//! `{"input": <input>, "<step id>": <that step's output>, ...}`. The result, [`RunOutput`],
//! carries the outputs document as canonical JSON bytes (serde_json's map is ordered, so the
//! same input gives bit-identical bytes on the same build: greedy decoding, no sampling) and the
//! binary outputs ([`Blob`]s: WAV, PNG) that the document refers to by CID.
//!
//! The *model slot*: one `embed` or `llm` step runs at a time per engine, so concurrent runs
//! (several jobs of a node) share the models and the device one step at a time; `audio` and
//! `http` steps never take the slot, so a job waiting on an operator's slow server never keeps
//! the node's models from other jobs (finding 12 of `docs/security.md`).
//!
//! The `http` executor uses `reqwest::blocking`: call [`Engine::run`] from a thread that may
//! block (e.g. `tokio::task::spawn_blocking`), never from inside an async task.
//!
//! Models live under one directory (see [`Engine::new`]); `scripts/fetch-models.sh` fetches
//! them. A missing file gives [`ExecError::ModelMissing`].
//!
//! Determinism: outputs are bit-identical for the same build on the same kind of CPU. The
//! quantized dot products of the `llm` executor (Q4_1, Q8_0) are portable scalar code in candle
//! 0.11.1 built without `-C target-cpu` flags, but candle's f32 matrix products (the BERT
//! encoder, attention) go through `gemm`, which picks AVX2/FMA/AVX-512 kernels at run time:
//! nodes on different CPU generations may differ in the last bits of embeddings.

#![warn(missing_docs)]

mod audio;
mod embed;
mod error;
mod http;
mod llm;
mod params;

pub use error::{ExecError, MODELS_HINT};

use candle_core::Device;
use havn_primitives::manifest::{ExecutorKind, Manifest, Step};
use serde_json::{json, Map, Value};
use std::{
	path::PathBuf,
	sync::{Arc, Mutex, MutexGuard, PoisonError},
	time::{Duration, Instant},
};

macro_rules! candle_version {
	() => {
		"0.11.1"
	};
}

/// The candle version this crate is built and pinned against (see the workspace `Cargo.toml`).
pub const CANDLE_VERSION: &str = candle_version!();

/// Version string of this executor build, folded into every `runtime_hash`:
/// `havn-executors/<crate version>-r<outputs revision> candle/<candle version>`.
///
/// The outputs revision goes up whenever a change moves any output by even one bit, so that
/// nodes and attestors on different builds never disagree on a `runtime_hash` silently (r2:
/// embedding jobs run their texts in groups of similar length, which moves the last bits of
/// some embeddings).
pub const EXECUTOR_VERSION: &str =
	concat!("havn-executors/", env!("CARGO_PKG_VERSION"), "-r2 candle/", candle_version!());

/// `schema` of every outputs document.
pub const OUTPUTS_SCHEMA: &str = "havn.outputs/v1";

/// Largest job input accepted by [`Engine::run`], in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Directory of the embedding model under the models directory.
pub const EMBED_MODEL: &str = "all-MiniLM-L6-v2";

/// Name of the generation model (a step's `model`) and its directory under the models directory.
pub const LLM_MODEL: &str = "SmolLM2-135M-Instruct";

/// The GGUF file of [`LLM_MODEL`], relative to the models directory.
pub const LLM_GGUF: &str = "SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf";

/// Where models run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
	/// The CPU.
	Cpu,
	/// The CUDA GPU with this ordinal. Needs the crate feature `cuda`; without it
	/// [`Engine::new`] returns [`ExecError::Unsupported`].
	Cuda(usize),
}

/// Why generation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
	/// The model emitted `<|im_end|>` or its end-of-sequence token.
	Stop,
	/// `max_tokens` tokens were generated.
	Length,
}

impl FinishReason {
	/// `"stop"` or `"length"`, as in the outputs document (and OpenAI's API).
	pub fn as_str(self) -> &'static str {
		match self {
			Self::Stop => "stop",
			Self::Length => "length",
		}
	}
}

/// The result of [`Engine::generate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generation {
	/// The generated text (special tokens removed).
	pub text: String,
	/// Tokens in the prompt (the whole ChatML-templated conversation).
	pub prompt_tokens: usize,
	/// Tokens generated, not counting the stop token.
	pub tokens: usize,
	/// Why generation stopped.
	pub finish_reason: FinishReason,
}

/// A binary output referenced from the outputs document by CID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
	/// CIDv1 (raw, sha2-256, base32) of `bytes`: [`havn_primitives::cid::cid_of`].
	pub cid: String,
	/// MIME type (`audio/wav`, `image/png`).
	pub media_type: String,
	/// The content.
	pub bytes: Vec<u8>,
}

/// The result of [`Engine::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutput {
	/// The outputs document: canonical JSON bytes of
	/// `{"schema": "havn.outputs/v1", "executor_version": EXECUTOR_VERSION,
	/// "workflow": <manifest name>, "steps": {<step id>: <output>, ...}}` with every object's
	/// keys sorted. Its CID is the receipt's `outputs_cid`; its bytes feed `runtime_hash`.
	pub document: Vec<u8>,
	/// Binary outputs referenced from the document by CID (e.g. WAV, PNG), each CID once, in the
	/// order the steps produced them.
	pub blobs: Vec<Blob>,
	/// Model compute time of all steps, ms (model loading excluded; for `http` steps the time
	/// spent waiting on the server).
	pub compute_ms: u64,
	/// The same model compute time, unrounded (the daemon's per-phase timings need
	/// sub-millisecond resolution).
	pub compute: Duration,
	/// Time the `embed` and `llm` steps waited for the model slot (another run's model step
	/// held it).
	pub queue: Duration,
}

/// One step's result.
pub(crate) struct StepOutput {
	/// The step's output JSON (goes into the outputs document and the run state).
	pub value: Value,
	/// Binary outputs the value refers to.
	pub blobs: Vec<Blob>,
	/// Compute time of the step (model loading excluded).
	pub compute: Duration,
}

/// The executors with their models. `Send + Sync`: share one behind an `Arc`.
pub struct Engine {
	models_dir: PathBuf,
	device: Device,
	device_name: String,
	bert: Mutex<Option<Arc<embed::Bert>>>,
	llm: Mutex<Option<Arc<llm::Llm>>>,
	/// The model slot (see the crate docs): held by one `embed` or `llm` step at a time.
	model_slot: Mutex<()>,
}

impl core::fmt::Debug for Engine {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("Engine")
			.field("models_dir", &self.models_dir)
			.field("device", &self.device_name)
			.finish_non_exhaustive()
	}
}

impl Engine {
	/// An engine reading models from `models_dir`, which holds `all-MiniLM-L6-v2/`
	/// (`config.json`, `model.safetensors`, `tokenizer.json`) and
	/// `SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf` ([`LLM_GGUF`]). Nothing is
	/// loaded yet: each model loads on its first use (a node that only runs `audio` or `http`
	/// needs no model files).
	pub fn new(models_dir: impl Into<PathBuf>, device: DeviceChoice) -> Result<Self, ExecError> {
		let (device, device_name) = match device {
			DeviceChoice::Cpu => (Device::Cpu, "cpu".to_string()),
			DeviceChoice::Cuda(ordinal) => (cuda_device(ordinal)?, format!("cuda:{ordinal}")),
		};
		Ok(Self {
			models_dir: models_dir.into(),
			device,
			device_name,
			bert: Mutex::new(None),
			llm: Mutex::new(None),
			model_slot: Mutex::new(()),
		})
	}

	/// `"cpu"` or `"cuda:<ordinal>"`.
	pub fn device_name(&self) -> String {
		self.device_name.clone()
	}

	/// Run every step of `manifest` in order on `input` (the bytes of a JSON object, at most
	/// [`MAX_INPUT_BYTES`]), with no deadline: [`Engine::run_until`] with `None`.
	pub fn run(&self, manifest: &Manifest, input: &[u8]) -> Result<RunOutput, ExecError> {
		self.run_until(manifest, input, None)
	}

	/// Run every step of `manifest` in order on `input` (the bytes of a JSON object, at most
	/// [`MAX_INPUT_BYTES`]). Deterministic: the same manifest and input give bit-identical
	/// [`RunOutput::document`] bytes on the same build and kind of CPU (see the crate docs; for
	/// `http` steps, as far as the operator's server is).
	///
	/// `deadline`, if given, is when the run must be done (an execution node passes the time
	/// its job's deadline block leaves it): no step starts after it, an `embed` or `llm` step
	/// that got the model slot too late does not run, and every `http` request's timeout is
	/// capped by the time left. Past it the run fails with [`ExecError::DeadlineReached`] (a
	/// step already running on a model finishes first: a step is bounded by its own limits).
	pub fn run_until(
		&self,
		manifest: &Manifest,
		input: &[u8],
		deadline: Option<Instant>,
	) -> Result<RunOutput, ExecError> {
		if input.len() > MAX_INPUT_BYTES {
			return Err(ExecError::InputTooLarge(input.len()));
		}
		let input: Value = serde_json::from_slice(input)
			.map_err(|e| ExecError::input("input", format!("is not valid JSON: {e}")))?;
		if !input.is_object() {
			return Err(ExecError::input("input", "must be a JSON object"));
		}
		check_steps(manifest)?;

		let mut state = Map::new();
		state.insert("input".to_string(), input);
		let mut steps = Map::new();
		let mut blobs: Vec<Blob> = Vec::new();
		let mut compute = Duration::ZERO;
		let mut queue = Duration::ZERO;
		for step in &manifest.steps {
			let (out, waited) = self.run_step(step, &state, deadline)?;
			queue = queue.saturating_add(waited);
			tracing::debug!(step = %step.id, compute_ms = out.compute.as_millis(), "step done");
			compute = compute.saturating_add(out.compute);
			for blob in out.blobs {
				if !blobs.iter().any(|b| b.cid == blob.cid) {
					blobs.push(blob);
				}
			}
			steps.insert(step.id.clone(), out.value.clone());
			state.insert(step.id.clone(), out.value);
		}
		let document = json!({
			"schema": OUTPUTS_SCHEMA,
			"executor_version": EXECUTOR_VERSION,
			"workflow": manifest.name,
			"steps": steps,
		});
		let document = serde_json::to_vec(&document)
			.map_err(|e| ExecError::Model(format!("serialising the outputs document: {e}")))?;
		Ok(RunOutput {
			document,
			blobs,
			compute_ms: u64::try_from(compute.as_millis()).unwrap_or(u64::MAX),
			compute,
			queue,
		})
	}

	/// Sentence embeddings of `texts` (1 to 256 strings, each at most 8 KiB) with
	/// all-MiniLM-L6-v2: one `Vec` of 384 `f32` per text, in order, each of unit L2 norm.
	/// Texts are truncated to 256 tokens (the model's `max_seq_length`). A text's embedding
	/// does not depend on the other texts of the batch.
	pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ExecError> {
		let _slot = self.model_slot.lock().unwrap_or_else(PoisonError::into_inner);
		let bert = self.bert()?;
		bert.embed(texts, "texts")
	}

	/// Greedy chat completion with SmolLM2-135M-Instruct: `prompt` (at most 8 KiB) as the user
	/// turn, `system` as the system turn if given, at most `max_tokens` (1 to 512) new tokens.
	/// Deterministic: the same arguments give the same [`Generation`] on the same build, also
	/// from a freshly loaded model.
	pub fn generate(
		&self,
		system: Option<&str>,
		prompt: &str,
		max_tokens: usize,
	) -> Result<Generation, ExecError> {
		let _slot = self.model_slot.lock().unwrap_or_else(PoisonError::into_inner);
		let llm = self.llm()?;
		llm.generate(system, prompt, max_tokens, &self.device)
	}

	/// Run one step by `deadline`; its output and the time it waited for the model slot.
	fn run_step(
		&self,
		step: &Step,
		state: &Map<String, Value>,
		deadline: Option<Instant>,
	) -> Result<(StepOutput, Duration), ExecError> {
		let input = state
			.get("input")
			.and_then(Value::as_object)
			.ok_or_else(|| ExecError::input("input", "must be a JSON object"))?;
		let params = params::Params::new(&step.id, &step.params);
		let model = step.model.as_deref();
		check_deadline(step, deadline)?;
		match step.executor {
			ExecutorKind::Embed => {
				require_model(step, EMBED_MODEL)?;
				let (_slot, waited) = self.model_slot(step, deadline)?;
				let bert = self.bert()?;
				Ok((embed::run_step(&bert, &params, input)?, waited))
			}
			ExecutorKind::Llm => {
				require_model(step, LLM_MODEL)?;
				let (_slot, waited) = self.model_slot(step, deadline)?;
				let llm = self.llm()?;
				Ok((llm::run_step(&llm, &params, state, input, &self.device)?, waited))
			}
			ExecutorKind::Audio => Ok((audio::run_step(&params, input)?, Duration::ZERO)),
			ExecutorKind::Http => {
				Ok((http::run_step(&params, model, state, input, deadline)?, Duration::ZERO))
			}
		}
	}

	/// Wait for the model slot for `step`; the guard and the time waited. Fails with
	/// [`ExecError::DeadlineReached`] when the slot came after `deadline`.
	fn model_slot(
		&self,
		step: &Step,
		deadline: Option<Instant>,
	) -> Result<(MutexGuard<'_, ()>, Duration), ExecError> {
		let started = Instant::now();
		let slot = self.model_slot.lock().unwrap_or_else(PoisonError::into_inner);
		let waited = started.elapsed();
		check_deadline(step, deadline)?;
		Ok((slot, waited))
	}

	/// The embedding model, loaded on first use.
	fn bert(&self) -> Result<Arc<embed::Bert>, ExecError> {
		let mut slot = self.bert.lock().unwrap_or_else(PoisonError::into_inner);
		if let Some(bert) = slot.as_ref() {
			return Ok(bert.clone());
		}
		let bert = Arc::new(embed::Bert::load(&self.models_dir.join(EMBED_MODEL), &self.device)?);
		*slot = Some(bert.clone());
		Ok(bert)
	}

	/// The generation model, loaded on first use.
	fn llm(&self) -> Result<Arc<llm::Llm>, ExecError> {
		let mut slot = self.llm.lock().unwrap_or_else(PoisonError::into_inner);
		if let Some(llm) = slot.as_ref() {
			return Ok(llm.clone());
		}
		let llm = Arc::new(llm::Llm::load(&self.models_dir.join(LLM_GGUF), &self.device)?);
		*slot = Some(llm.clone());
		Ok(llm)
	}
}

#[cfg(feature = "cuda")]
fn cuda_device(ordinal: usize) -> Result<Device, ExecError> {
	Device::new_cuda(ordinal).map_err(|e| ExecError::model(&format!("opening cuda:{ordinal}"), e))
}

#[cfg(not(feature = "cuda"))]
fn cuda_device(ordinal: usize) -> Result<Device, ExecError> {
	Err(ExecError::Unsupported(format!(
		"cuda:{ordinal} requested but havn-executors was built without the `cuda` feature"
	)))
}

/// [`ExecError::DeadlineReached`] for `step` once `deadline` has passed.
fn check_deadline(step: &Step, deadline: Option<Instant>) -> Result<(), ExecError> {
	match deadline {
		Some(d) if Instant::now() >= d => Err(ExecError::DeadlineReached { step: step.id.clone() }),
		_ => Ok(()),
	}
}

/// Step ids must be unique and not `input` (they are keys of the run state), and there must be
/// something to run.
fn check_steps(manifest: &Manifest) -> Result<(), ExecError> {
	if manifest.steps.is_empty() {
		return Err(ExecError::BadManifest("the manifest has no steps to run".into()));
	}
	if manifest.steps.len() > havn_primitives::manifest::MAX_STEPS {
		return Err(ExecError::BadManifest(format!(
			"{} steps; at most {}",
			manifest.steps.len(),
			havn_primitives::manifest::MAX_STEPS
		)));
	}
	for (i, step) in manifest.steps.iter().enumerate() {
		if step.id.is_empty() || step.id == "input" {
			return Err(ExecError::BadManifest(format!(
				"step id `{}` is empty or reserved",
				step.id
			)));
		}
		if manifest.steps.iter().skip(i + 1).any(|s| s.id == step.id) {
			return Err(ExecError::BadManifest(format!("step id `{}` appears twice", step.id)));
		}
	}
	Ok(())
}

fn require_model(step: &Step, expected: &str) -> Result<(), ExecError> {
	match step.model.as_deref() {
		Some(m) if m == expected => Ok(()),
		other => Err(ExecError::BadManifest(format!(
			"step `{}`: the {} executor runs model `{expected}`, not {}",
			step.id,
			executor_name(step.executor),
			other.map_or_else(|| "none".to_string(), |m| format!("`{m}`"))
		))),
	}
}

/// The manifest name of an executor.
fn executor_name(kind: ExecutorKind) -> &'static str {
	match kind {
		ExecutorKind::Embed => "embed",
		ExecutorKind::Llm => "llm",
		ExecutorKind::Audio => "audio",
		ExecutorKind::Http => "http",
	}
}

#[cfg(test)]
mod test_support;

#[cfg(test)]
mod tests;
