//! Content identifiers of Havn artifacts (manifests, job inputs, job outputs).
//!
//! Every artifact is addressed by a CIDv1 with the `raw` codec (0x55) and a sha2-256 multihash,
//! written in the canonical base32 multibase form (`b…`, 59 ASCII characters). These are the
//! identifiers `ipfs add --cid-version 1 --raw-leaves` gives a file of up to one block, so an IPFS
//! gateway could serve the same bytes under the same name. The chain stores them as
//! [`crate::receipt::Cid`] (`outputs_cid`) and as manifest and input URIs.
//!
//! Built on the `cid` crate (multiformats); only available with `std`.

use crate::receipt::{Cid as CidBytes, MAX_CID_LEN};
use sha2::{Digest as _, Sha256};

/// Multicodec of raw bytes.
pub const RAW_CODEC: u64 = 0x55;
/// Multihash code of sha2-256.
pub const SHA2_256: u64 = 0x12;

/// Why a CID was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CidError {
	/// Not a CID string.
	#[error("`{0}` is not a CID: {1}")]
	Malformed(String, String),
	/// A CID, but not a CIDv1 / raw / sha2-256 one.
	#[error("`{0}` is not a CIDv1 with the raw codec and a sha2-256 multihash")]
	Unsupported(String),
	/// The bytes do not hash to the CID.
	#[error("content does not match `{0}`")]
	Mismatch(String),
}

/// The canonical CID string of `bytes`.
pub fn cid_of(bytes: &[u8]) -> String {
	let digest = Sha256::digest(bytes);
	match cid::multihash::Multihash::<64>::wrap(SHA2_256, &digest) {
		Ok(mh) => cid::Cid::new_v1(RAW_CODEC, mh).to_string(),
		// A 32-byte digest always fits a 64-byte multihash.
		Err(_) => String::new(),
	}
}

/// Parse `s` as a Havn CID and return it in canonical form.
pub fn parse(s: &str) -> Result<String, CidError> {
	let cid = cid::Cid::try_from(s).map_err(|e| CidError::Malformed(s.into(), e.to_string()))?;
	if cid.version() != cid::Version::V1
		|| cid.codec() != RAW_CODEC
		|| cid.hash().code() != SHA2_256
		|| cid.hash().size() != 32
	{
		return Err(CidError::Unsupported(s.into()));
	}
	Ok(cid.to_string())
}

/// Check that `bytes` are the content of `cid`.
pub fn verify(cid: &str, bytes: &[u8]) -> Result<(), CidError> {
	let canonical = parse(cid)?;
	if cid_of(bytes) == canonical {
		Ok(())
	} else {
		Err(CidError::Mismatch(canonical))
	}
}

/// The CID as the on-chain bounded byte string.
pub fn to_bounded(cid: &str) -> Result<CidBytes, CidError> {
	let canonical = parse(cid)?;
	debug_assert!(canonical.len() <= MAX_CID_LEN as usize);
	CidBytes::try_from(canonical.into_bytes()).map_err(|_| CidError::Unsupported(cid.into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn matches_ipfs_raw_leaves() {
		// `echo -n hello | ipfs add --cid-version 1 --raw-leaves -n`
		assert_eq!(cid_of(b"hello"), "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq");
		assert_eq!(cid_of(b"hello").len(), 59);
	}

	#[test]
	fn verifies_and_refuses() {
		let c = cid_of(b"abc");
		assert_eq!(verify(&c, b"abc"), Ok(()));
		assert_eq!(verify(&c, b"abd"), Err(CidError::Mismatch(c.clone())));
		assert!(matches!(parse("hello"), Err(CidError::Malformed(..))));
		// CIDv0 (dag-pb) is refused.
		assert!(matches!(
			parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"),
			Err(CidError::Unsupported(_))
		));
		assert_eq!(to_bounded(&c).unwrap().len(), 59);
	}
}
