//! Errors of the chain client.

/// What went wrong talking to a Havn node.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// The node could not be reached (after retrying).
	#[error("cannot connect to the Havn node at {url}: {reason}")]
	Connect {
		/// The RPC URL.
		url: String,
		/// Why.
		reason: String,
	},
	/// The extrinsic was included but failed; `error` names it as `Pallet::Error` where the
	/// runtime says so (for example `ExecutionLog::ReceiptSignatureInvalid`), and `module` holds
	/// the typed error for matching ([`ClientError::module_error`]).
	#[error("extrinsic {call} failed: {error}")]
	Dispatch {
		/// `Pallet.call` that failed.
		call: String,
		/// The dispatch error, as `Pallet::Error` or the error's text.
		error: String,
		/// The pallet error, typed, when the failure is a module error this client's metadata
		/// knows.
		module: Option<Box<crate::api::Error>>,
	},
	/// The transaction pool refused the extrinsic, or it was dropped.
	#[error("extrinsic {call} was not included: {reason}")]
	NotIncluded {
		/// `Pallet.call`.
		call: String,
		/// The node's reason.
		reason: String,
	},
	/// An RPC, decoding or metadata error from subxt.
	#[error("chain client: {0}")]
	Subxt(String),
	/// A secret URI or keystore file that does not give a key.
	#[error("bad key: {0}")]
	Key(String),
	/// Logging could not be set up.
	#[error("logs: {0}")]
	Logs(String),
	/// An account that is neither SS58 nor 0x-hex of 32 bytes.
	#[error("`{0}` is not an account (SS58 or 0x + 64 hex digits)")]
	BadAccount(String),
	/// An artifact store request failed (unreachable, refused, or bytes that do not match).
	#[error("artifact store: {0}")]
	Artifact(String),
	/// The store served bytes that do not hash to the CID asked for.
	#[error("artifact store served content that does not match {0}")]
	ArtifactMismatch(String),
	/// The store answered that it does not hold this CID (HTTP 404).
	#[error("artifact store does not hold {0}")]
	ArtifactNotFound(String),
}

impl ClientError {
	/// A subxt error, as text.
	pub fn subxt(e: impl core::fmt::Display) -> Self {
		Self::Subxt(e.to_string())
	}

	/// The `Pallet::Error` name of a dispatch failure, if this is one (for messages; match on
	/// [`Self::module_error`]).
	pub fn dispatch_error(&self) -> Option<&str> {
		match self {
			Self::Dispatch { error, .. } => Some(error),
			_ => None,
		}
	}

	/// The typed pallet error of a dispatch failure, if this is one: match it as
	/// `Some(api::Error::ExecutionLog(ExecutionLogError::AlreadyAttested))`.
	pub fn module_error(&self) -> Option<&crate::api::Error> {
		match self {
			Self::Dispatch { module, .. } => module.as_deref(),
			_ => None,
		}
	}
}
