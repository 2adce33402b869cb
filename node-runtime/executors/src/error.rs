//! The one error type of this crate.

use crate::MAX_INPUT_BYTES;

/// What to do when a model file is missing.
pub const MODELS_HINT: &str = "run scripts/fetch-models.sh";

/// Why a step, a run or a direct call failed.
///
/// Every variant is about one cause; input errors name the offending field (`input.texts`,
/// `max_tokens`, ...), manifest errors name the step and the parameter.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
	/// A model file is not on disk.
	#[error("model file {path} is missing: {hint}")]
	ModelMissing {
		/// The file that was looked for.
		path: String,
		/// What to do about it (always [`MODELS_HINT`]).
		hint: &'static str,
	},
	/// The manifest asks for something this executor cannot do (unknown model, a parameter out
	/// of range, a step reading a step that has not run, ...). The message names the step and the
	/// parameter.
	#[error("bad manifest: {0}")]
	BadManifest(String),
	/// The job input is malformed.
	#[error("bad input field `{field}`: {reason}")]
	BadInput {
		/// The field, as a path from the input object (`input.texts`) or a direct-call argument
		/// (`texts`, `prompt`, `max_tokens`).
		field: String,
		/// What is wrong with it.
		reason: String,
	},
	/// The input is larger than [`MAX_INPUT_BYTES`]; carries the size in bytes.
	#[error("input is {0} bytes; the limit is {MAX_INPUT_BYTES} bytes")]
	InputTooLarge(usize),
	/// A model failed to load or run (candle or tokenizer error, malformed model file).
	#[error("model error: {0}")]
	Model(String),
	/// An HTTP executor request failed. `url` carries no credentials and no query string.
	#[error("HTTP request to {url} failed: {reason}")]
	Http {
		/// Where the request went (scheme, host, port and path only).
		url: String,
		/// What went wrong (status, timeout, malformed response, ...).
		reason: String,
	},
	/// The run's deadline ([`crate::Engine::run_until`]) came before `step` could start or
	/// finish: the job's time ran out, through no fault of the manifest or the input.
	#[error("step `{step}`: the run's deadline came before it could finish")]
	DeadlineReached {
		/// The step's id.
		step: String,
	},
	/// This build cannot do it (e.g. CUDA without the `cuda` feature, `https://` without TLS).
	#[error("unsupported: {0}")]
	Unsupported(String),
}

impl ExecError {
	/// A [`ExecError::BadInput`] for `field`.
	pub(crate) fn input(field: impl Into<String>, reason: impl Into<String>) -> Self {
		Self::BadInput { field: field.into(), reason: reason.into() }
	}

	/// A [`ExecError::Model`] from any displayable error, with what was being done.
	pub(crate) fn model(context: &str, e: impl core::fmt::Display) -> Self {
		Self::Model(format!("{context}: {e}"))
	}
}
