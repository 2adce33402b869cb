//! Accounts as the orchestrator reads and writes them.
//!
//! Accounts are stored and returned in canonical SS58 form (prefix 42, Havn's `SS58Prefix`);
//! queries and requests accept any SS58 prefix or 0x-hex of the 32 account bytes.

use crate::error::ApiError;
use subxt::utils::AccountId32;

/// Parse an SS58 address (any prefix) or 0x-hex 32 bytes (`havn_client::keys::parse_account`).
pub fn parse_account(s: &str) -> Result<AccountId32, ApiError> {
	havn_client::keys::parse_account(s).map_err(|_| ApiError::InvalidAccount(s.to_string()))
}

/// The canonical form of an account given as SS58 or hex.
pub fn canonical(s: &str) -> Result<String, ApiError> {
	parse_account(s).map(|a| a.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn accounts_in_ss58_or_hex() {
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let hex = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
		assert_eq!(canonical(alice).unwrap(), alice);
		assert_eq!(canonical(hex).unwrap(), alice);
		// Kusama prefix (2) for the same key.
		assert_eq!(canonical("HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F").unwrap(), alice);
		assert!(canonical("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ").is_err());
		assert!(canonical("0x1234").is_err());
		assert!(canonical("").is_err());
	}
}
