//! The command-line vocabulary the Havn binaries share, documented once.
//!
//! | flag | environment | meaning | binaries |
//! |---|---|---|---|
//! | `--chain URL` | `HAVN_CHAIN` | WebSocket RPC endpoint of a Havn node ([`DEFAULT_CHAIN`]) | `havn`, `havn-exec`, `havn-orchestrator` (alias `--rpc-url`), `havn-bench-chain` |
//! | `--orchestrator URL` | `HAVN_ORCHESTRATOR` | the orchestrator: artifact store, attestation pool, REST API ([`DEFAULT_ORCHESTRATOR`]) | `havn`, `havn-exec` |
//! | `--suri URI` | `HAVN_SURI` | the signing key as a secret URI (dev and tests) | `havn`, `havn-exec` (`--relay-suri` for the orchestrator's relay) |
//! | `--keystore FILE` | password in `HAVN_KEY_PASSWORD` | the signing key as a polkadot.js keystore file; wins over `--suri` | `havn`, `havn-exec` (`--relay-keystore`) |
//! | `--log-format text\|json`, `--log-filter F` | `HAVN_LOG_FORMAT`, `RUST_LOG` | logs ([`crate::logs`]) | `havn-exec`, `havn-orchestrator` |
//!
//! Amounts are HAI with up to 12 decimals or planck with a `planck` suffix
//! ([`crate::amount::parse_amount`]); compute classes are `S`, `M`, `L`, `XL` in any case
//! ([`parse_class`]); accounts are SS58 (any prefix) or `0x` + 64 hex digits
//! ([`crate::keys::parse_account`]). Keys come from [`crate::keys::KeySource`].

use havn_primitives::ComputeClass;

/// The node every binary talks to unless told otherwise.
pub const DEFAULT_CHAIN: &str = "ws://127.0.0.1:9944";
/// The orchestrator every binary talks to unless told otherwise.
pub const DEFAULT_ORCHESTRATOR: &str = "http://127.0.0.1:8080";

/// A compute class on the command line or in a configuration file: `S`, `M`, `L` or `XL`, in
/// any case (clap's `value_parser`).
///
/// Errors: a message naming the classes.
pub fn parse_class(s: &str) -> Result<ComputeClass, String> {
	s.parse().map_err(|_| format!("`{s}` is not a compute class (S, M, L, XL)"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn classes_in_any_case() {
		assert_eq!(parse_class("xl"), Ok(ComputeClass::XL));
		assert_eq!(parse_class("M"), Ok(ComputeClass::M));
		assert!(parse_class("XXL").unwrap_err().contains("S, M, L, XL"));
	}
}
