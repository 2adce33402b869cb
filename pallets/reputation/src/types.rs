//! Storage records of the Reputation pallet.

use crate::score::Evidence;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// An account's reputation record. Accounts without one are newcomers (score 50%, `Novice`).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct ReputationRecord<BlockNumber> {
	/// Good and bad evidence, in micro-observations, with decay applied up to `last_update`.
	pub evidence: Evidence,
	/// Block of the last write. Decay epochs are counted from here: a record written in decay
	/// epoch `k` and read in epoch `n` has decayed `n - k` times (epoch `k` covers blocks
	/// `k * DecayEpoch ..= (k + 1) * DecayEpoch - 1`).
	pub last_update: BlockNumber,
	/// Number of outcomes recorded since the record was created or last reset (saturating).
	pub outcomes: u32,
}
