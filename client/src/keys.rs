//! Signers and account formatting.
//!
//! Dev and test setups pass a secret URI (`--suri //Alice`, a BIP-39 phrase with optional
//! `//hard/soft` derivations and `///password`). Operators keep their key in a polkadot.js
//! keystore file (the JSON that polkadot.js apps exports), decrypted with a password.

use crate::{AccountId, ClientError, Signer};
use std::str::FromStr;
use subxt_signer::SecretUri;

/// Environment variable holding the password of a keystore file, for every binary.
pub const KEY_PASSWORD_ENV: &str = "HAVN_KEY_PASSWORD";

/// Where a signing key comes from: every binary takes the same two sources.
///
/// - `--suri` (dev and tests): a secret URI such as `//Alice`;
/// - `--keystore FILE`: a polkadot.js keystore file (sr25519), decrypted with a password
///   (`$HAVN_KEY_PASSWORD` unless the binary takes it another way).
#[derive(Clone)]
pub enum KeySource {
	/// A secret URI.
	Suri(String),
	/// A polkadot.js keystore file and its password.
	Keystore(std::path::PathBuf, String),
}

impl core::fmt::Debug for KeySource {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		// The secret URI and the password are secrets.
		match self {
			Self::Suri(_) => f.write_str("KeySource::Suri(..)"),
			Self::Keystore(path, _) => write!(f, "KeySource::Keystore({})", path.display()),
		}
	}
}

impl KeySource {
	/// The source given by a `--suri` and a `--keystore` flag (the keystore wins when both are
	/// given); the keystore's password is `password`, else `$HAVN_KEY_PASSWORD`.
	///
	/// Errors: [`ClientError::Key`] when a keystore is given without any password.
	pub fn from_flags(
		suri: Option<&str>,
		keystore: Option<&std::path::Path>,
		password: Option<&str>,
	) -> Result<Option<Self>, ClientError> {
		match (suri, keystore) {
			(_, Some(path)) => {
				let password = match password {
					Some(p) => p.to_string(),
					None => std::env::var(KEY_PASSWORD_ENV).map_err(|_| {
						ClientError::Key(format!(
							"the keystore {} needs its password in ${KEY_PASSWORD_ENV}",
							path.display()
						))
					})?,
				};
				Ok(Some(Self::Keystore(path.to_path_buf(), password)))
			}
			(Some(suri), None) => Ok(Some(Self::Suri(suri.to_string()))),
			(None, None) => Ok(None),
		}
	}

	/// The signer.
	///
	/// Errors: [`ClientError::Key`] for a bad URI, an unreadable file or a wrong password.
	pub fn signer(&self) -> Result<Signer, ClientError> {
		match self {
			Self::Suri(suri) => signer_from_suri(suri),
			Self::Keystore(path, password) => signer_from_keystore(path, password),
		}
	}
}

/// SS58 address format of Havn accounts (the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// A signer from a secret URI such as `//Alice` or `"<mnemonic>//havn//0"`.
pub fn signer_from_suri(suri: &str) -> Result<Signer, ClientError> {
	let uri = SecretUri::from_str(suri).map_err(|e| ClientError::Key(e.to_string()))?;
	Signer::from_uri(&uri).map_err(|e| ClientError::Key(e.to_string()))
}

/// A signer from a polkadot.js keystore file (sr25519), decrypted with `password`.
pub fn signer_from_keystore(path: &std::path::Path, password: &str) -> Result<Signer, ClientError> {
	let json = std::fs::read_to_string(path)
		.map_err(|e| ClientError::Key(format!("cannot read {}: {e}", path.display())))?;
	subxt_signer::polkadot_js_compat::decrypt_json(&json, password)
		.map_err(|e| ClientError::Key(format!("{}: {e}", path.display())))
}

/// The account of a signer.
pub fn account_of(signer: &Signer) -> AccountId {
	signer.public_key().to_account_id()
}

/// SS58 text of an account (prefix [`SS58_PREFIX`]).
pub fn ss58(account: &AccountId) -> String {
	account.to_string()
}

/// Parse an account from SS58 text or `0x` + 64 hex digits.
pub fn parse_account(s: &str) -> Result<AccountId, ClientError> {
	if let Some(hex) = s.strip_prefix("0x") {
		let bytes = hex::decode(hex).map_err(|_| ClientError::BadAccount(s.into()))?;
		let raw: [u8; 32] = bytes.try_into().map_err(|_| ClientError::BadAccount(s.into()))?;
		return Ok(AccountId::from(raw));
	}
	AccountId::from_str(s).map_err(|_| ClientError::BadAccount(s.into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_accounts_and_formats() {
		let alice = signer_from_suri("//Alice").unwrap();
		let id = account_of(&alice);
		assert_eq!(ss58(&id), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert_eq!(parse_account(&ss58(&id)).unwrap(), id);
		let hex = format!("0x{}", hex::encode(id.0));
		assert_eq!(parse_account(&hex).unwrap(), id);
		assert!(matches!(parse_account("0x1234"), Err(ClientError::BadAccount(_))));
		assert!(matches!(parse_account("alice"), Err(ClientError::BadAccount(_))));
		assert!(signer_from_suri("not a uri //").is_err());
	}
}
