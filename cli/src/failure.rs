//! Exit codes and the failures that carry them.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | an error: the node or the orchestrator unreachable, a refused extrinsic, a chain error |
//! | 2 | bad input: command-line usage, an amount, a manifest that does not validate |
//! | 3 | the job ended `Rejected` or `Expired` |
//! | 4 | gave up waiting for the job (`--timeout`) |

/// Success.
pub const EXIT_OK: u8 = 0;
/// Any error not listed below.
pub const EXIT_ERROR: u8 = 1;
/// Bad input (usage, amounts, manifests): nothing was submitted.
pub const EXIT_BAD_INPUT: u8 = 2;
/// The job was rejected or expired.
pub const EXIT_JOB_FAILED: u8 = 3;
/// The job did not reach a final phase within `--timeout`.
pub const EXIT_TIMEOUT: u8 = 4;

/// An error with a specific exit code and, for `--json`, extra machine-readable details.
///
/// Commands return it inside `anyhow::Error`; `main` finds it with `downcast_ref`. Any other
/// error exits with [`EXIT_ERROR`].
#[derive(Debug)]
pub struct Failure {
	/// Process exit code.
	pub code: u8,
	/// What went wrong, for people.
	pub message: String,
	/// Extra fields of the `--json` error object (e.g. `{"field": "royalty"}`).
	pub details: serde_json::Value,
}

impl Failure {
	/// A bad-input failure ([`EXIT_BAD_INPUT`]).
	pub fn bad_input(message: impl Into<String>) -> Self {
		Self { code: EXIT_BAD_INPUT, message: message.into(), details: serde_json::Value::Null }
	}

	/// Attach `--json` details.
	pub fn with_details(mut self, details: serde_json::Value) -> Self {
		self.details = details;
		self
	}
}

impl core::fmt::Display for Failure {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.message)
	}
}

impl std::error::Error for Failure {}

/// The exit code of an error returned by a command.
pub fn exit_code(error: &anyhow::Error) -> u8 {
	error.chain().find_map(|e| e.downcast_ref::<Failure>()).map_or(EXIT_ERROR, |f| f.code)
}

/// The `--json` object printed for an error: `{"error": "...", "exit_code": n, ...details}`.
pub fn error_json(error: &anyhow::Error) -> serde_json::Value {
	let mut object = serde_json::Map::new();
	object.insert("error".into(), format!("{error:#}").into());
	object.insert("exit_code".into(), exit_code(error).into());
	let details = error.chain().find_map(|e| e.downcast_ref::<Failure>()).map(|f| &f.details);
	if let Some(serde_json::Value::Object(extra)) = details {
		for (k, v) in extra {
			object.insert(k.clone(), v.clone());
		}
	}
	serde_json::Value::Object(object)
}

#[cfg(test)]
mod tests {
	use super::*;
	use anyhow::Context as _;

	#[test]
	fn codes_and_json_survive_context() {
		let plain = anyhow::anyhow!("boom");
		assert_eq!(exit_code(&plain), EXIT_ERROR);

		let bad: anyhow::Result<()> = Err(Failure::bad_input("manifest field `royalty`: no")
			.with_details(serde_json::json!({ "field": "royalty" }))
			.into());
		let err = bad.context("workflow.json").unwrap_err();
		assert_eq!(exit_code(&err), EXIT_BAD_INPUT);
		let json = error_json(&err);
		assert_eq!(json["exit_code"], 2);
		assert_eq!(json["field"], "royalty");
		assert_eq!(json["error"], "workflow.json: manifest field `royalty`: no");
	}
}
