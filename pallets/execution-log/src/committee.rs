//! Committee drawing and re-execution sampling: the pure rules of the crate docs
//! ("Committee", "Sampling"), as plain functions of their inputs. They read no storage and no
//! configuration; the pallet passes in the parent hash, the candidates, the committee size, the
//! base rate and the nodes' lowest reputation score (see `Pallet::draw` and
//! `Pallet::is_sampled`), so anyone holding the same inputs (a block's parent hash, the active
//! validators) can reproduce a committee or a sample off-chain.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use havn_primitives::JobId;
use sp_core::{sr25519, H256};
use sp_runtime::Permill;

/// Domain tag of the seed of a job's attestation committee.
pub const COMMITTEE_TAG: [u8; 9] = *b"committee";
/// Domain tag of the seed of a challenge's adjudication committee.
pub const CHALLENGE_TAG: [u8; 9] = *b"challenge";

/// The seed of a committee drawn for `job_id` in a block whose parent is `parent`:
/// `blake2_256(SCALE(parent, job_id, tag))`, i.e. the 32 bytes of `parent`, `job_id` as a
/// little-endian `u64`, then `tag` ([`COMMITTEE_TAG`] or [`CHALLENGE_TAG`]).
pub fn committee_seed(parent: H256, job_id: JobId, tag: [u8; 9]) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(parent, job_id, tag).encode())
}

/// The first four bytes of `seed` as a little-endian `u32`.
pub fn seed_u32(seed: &[u8; 32]) -> u32 {
	u32::decode(&mut &seed[..]).unwrap_or(0)
}

/// A window of up to `size` consecutive `candidates` (wrapping), starting at
/// [`seed_u32`]`(seed)` modulo their number; empty when there are no candidates. Never longer
/// than `candidates`, so no one is drawn twice (if `candidates` has no duplicates).
///
/// The pallet passes the active validators in ascending account order, without the accounts
/// that may not sit on the committee, and `size = min(CommitteeSize, MaxCommittee)`.
pub fn draw<A: Clone>(candidates: &[A], seed: &[u8; 32], size: usize) -> Vec<A> {
	let n = candidates.len();
	let Some(start) = (seed_u32(seed) as usize).checked_rem(n) else {
		return Vec::new();
	};
	candidates.iter().cycle().skip(start).take(size.min(n)).cloned().collect()
}

/// The share of jobs sampled for re-execution when the lowest reputation score among a job's
/// nodes is `lowest_score`: `base × (2 − lowest_score)`, clamped to 100%. A node of score 1 is
/// sampled at the base rate, a node of score 0 (or a job without nodes) at twice that.
pub fn sampling_rate(base: Permill, lowest_score: Permill) -> Permill {
	let factor = 2_000_000u64.saturating_sub(u64::from(lowest_score.deconstruct()));
	let rate = u64::from(base.deconstruct())
		.saturating_mul(factor)
		.checked_div(1_000_000)
		.unwrap_or(0)
		.min(1_000_000);
	Permill::from_parts(u32::try_from(rate).unwrap_or(1_000_000))
}

/// The seed of the re-execution sample of `job_id`, whose last receipt carries `signature`, in a
/// block whose parent is `parent`: `blake2_256(SCALE(parent, job_id, signature, b"sample"))`.
pub fn sample_seed(parent: H256, job_id: JobId, signature: &sr25519::Signature) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(parent, job_id, signature, *b"sample").encode())
}

/// Whether a job whose sample seed is `seed` ([`sample_seed`]) is sampled at `rate`
/// ([`sampling_rate`]): iff `seed_u32(seed) / 2^32 < rate`.
pub fn is_sampled(seed: &[u8; 32], rate: Permill) -> bool {
	// sampled iff seed / 2^32 < rate / 10^6.
	u128::from(seed_u32(seed)).saturating_mul(1_000_000)
		< u128::from(rate.deconstruct()).saturating_mul(1u128 << 32)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A seed whose [`seed_u32`] is `v`.
	fn seed(v: u32) -> [u8; 32] {
		let mut s = [0u8; 32];
		s[..4].copy_from_slice(&v.to_le_bytes());
		s
	}

	#[test]
	fn seed_u32_is_little_endian() {
		assert_eq!(seed_u32(&seed(0x0403_0201)), 0x0403_0201);
		let mut s = [0xFFu8; 32];
		s[..4].copy_from_slice(&[1, 0, 0, 0]);
		assert_eq!(seed_u32(&s), 1);
	}

	#[test]
	fn draw_is_a_wrapping_window() {
		let c = [10, 20, 30, 40, 50];
		assert_eq!(draw(&c, &seed(0), 3), vec![10, 20, 30]);
		assert_eq!(draw(&c, &seed(3), 3), vec![40, 50, 10]);
		// The start is taken modulo the number of candidates.
		assert_eq!(draw(&c, &seed(7), 2), vec![30, 40]);
		// Never more than the candidates, never twice the same.
		assert_eq!(draw(&c, &seed(4), 9), vec![50, 10, 20, 30, 40]);
		assert_eq!(draw(&c, &seed(1), 0), Vec::<i32>::new());
		assert_eq!(draw::<i32>(&[], &seed(1), 3), Vec::<i32>::new());
	}

	#[test]
	fn committee_seeds_differ_by_purpose_job_and_parent() {
		let p = H256::repeat_byte(1);
		let s = committee_seed(p, 7, COMMITTEE_TAG);
		assert_eq!(s, sp_io::hashing::blake2_256(&(p, 7u64, *b"committee").encode()));
		assert_ne!(s, committee_seed(p, 7, CHALLENGE_TAG));
		assert_ne!(s, committee_seed(p, 8, COMMITTEE_TAG));
		assert_ne!(s, committee_seed(H256::repeat_byte(2), 7, COMMITTEE_TAG));
	}

	#[test]
	fn sampling_rate_doubles_for_the_least_trusted() {
		let base = Permill::from_percent(10);
		assert_eq!(sampling_rate(base, Permill::one()), base);
		assert_eq!(sampling_rate(base, Permill::from_parts(0)), Permill::from_percent(20));
		assert_eq!(sampling_rate(base, Permill::from_percent(50)), Permill::from_percent(15));
		// Clamped to 100%.
		assert_eq!(
			sampling_rate(Permill::from_percent(60), Permill::from_parts(0)),
			Permill::one()
		);
		assert_eq!(
			sampling_rate(Permill::from_parts(0), Permill::from_parts(0)),
			Permill::from_parts(0)
		);
	}

	#[test]
	fn is_sampled_compares_the_seed_with_the_rate() {
		assert!(!is_sampled(&seed(0), Permill::from_parts(0)));
		assert!(is_sampled(&seed(u32::MAX), Permill::one()));
		// 2^31 / 2^32 = 50%: sampled strictly below.
		assert!(!is_sampled(&seed(1 << 31), Permill::from_percent(50)));
		assert!(is_sampled(&seed((1 << 31) - 1), Permill::from_percent(50)));
		let sig = sr25519::Signature::from_raw([3u8; 64]);
		let s = sample_seed(H256::repeat_byte(1), 7, &sig);
		assert_eq!(
			s,
			sp_io::hashing::blake2_256(&(H256::repeat_byte(1), 7u64, &sig, *b"sample").encode())
		);
	}
}
