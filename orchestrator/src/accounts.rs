//! Accounts and HAI amounts as the orchestrator reads and writes them.
//!
//! Accounts are stored and returned in canonical SS58 form (prefix 42, Havn's `SS58Prefix`);
//! queries and requests accept any SS58 prefix or 0x-hex of the 32 account bytes.

use crate::error::ApiError;
use subxt::utils::AccountId32;

/// Parse an SS58 address (any prefix) or 0x-hex 32 bytes.
pub fn parse_account(s: &str) -> Result<AccountId32, ApiError> {
	if let Some(digits) = s.strip_prefix("0x") {
		let bytes = hex::decode(digits).map_err(|_| ApiError::InvalidAccount(s.to_string()))?;
		let raw = <[u8; 32]>::try_from(bytes.as_slice())
			.map_err(|_| ApiError::InvalidAccount(s.to_string()))?;
		return Ok(AccountId32(raw));
	}
	s.parse().map_err(|_| ApiError::InvalidAccount(s.to_string()))
}

/// The canonical form of an account given as SS58 or hex.
pub fn canonical(s: &str) -> Result<String, ApiError> {
	parse_account(s).map(|a| a.to_string())
}

/// Why an amount of HAI was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AmountError {
	/// Not a decimal number.
	#[error("`{0}` is not a decimal amount of HAI")]
	Malformed(String),
	/// More than 12 decimals.
	#[error("`{0}` has more than 12 decimals (1 planck = 10^-12 HAI)")]
	TooPrecise(String),
	/// Does not fit a u128 of planck.
	#[error("`{0}` is too large")]
	Overflow(String),
}

/// Parse a decimal amount of HAI (`"1000"`, `"0.5"`) into planck (12 decimals).
pub fn parse_hai(s: &str) -> Result<u128, AmountError> {
	let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
	let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
	if !digits(whole) || (s.contains('.') && !digits(frac)) {
		return Err(AmountError::Malformed(s.to_string()));
	}
	if frac.len() > usize::from(havn_primitives::DECIMALS) {
		return Err(AmountError::TooPrecise(s.to_string()));
	}
	let whole: u128 = whole.parse().map_err(|_| AmountError::Overflow(s.to_string()))?;
	let mut frac_planck: u128 = 0;
	let mut scale = havn_primitives::HAI;
	for digit in frac.bytes() {
		scale /= 10;
		frac_planck += u128::from(digit - b'0') * scale;
	}
	whole
		.checked_mul(havn_primitives::HAI)
		.and_then(|w| w.checked_add(frac_planck))
		.ok_or_else(|| AmountError::Overflow(s.to_string()))
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

	#[test]
	fn hai_amounts() {
		assert_eq!(parse_hai("1000"), Ok(1_000 * havn_primitives::HAI));
		assert_eq!(parse_hai("0.5"), Ok(havn_primitives::HAI / 2));
		assert_eq!(parse_hai("1.000000000001"), Ok(havn_primitives::HAI + 1));
		assert!(matches!(parse_hai("1.0000000000001"), Err(AmountError::TooPrecise(_))));
		assert!(matches!(parse_hai("1."), Err(AmountError::Malformed(_))));
		assert!(matches!(parse_hai("-1"), Err(AmountError::Malformed(_))));
		assert!(matches!(parse_hai("1e3"), Err(AmountError::Malformed(_))));
		assert!(matches!(
			parse_hai("999999999999999999999999999999999"),
			Err(AmountError::Overflow(_))
		));
	}
}
