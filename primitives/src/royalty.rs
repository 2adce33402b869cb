//! The royalty split and the planck-exact fee split.
//!
//! A workflow's fee is split five ways: creator, upstream (the creators of the workflows it
//! depends on, by dependency weight), node(s), validators (those who attested correctly) and
//! treasury. The parts of a [`RoyaltySplit`] must sum to exactly 100%. [`RoyaltySplit::split`]
//! rounds every share down and gives the rounding remainder to the treasury, so the five shares
//! always sum to the fee, to the planck. [`distribute`] splits one share among several payees
//! by weight with the same guarantee, handing back the remainder.

use crate::Balance;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Zero, Perbill, Permill};

/// Five-way royalty split of a job's fee. Each part is a [`Permill`] (parts per million); the
/// five parts must sum to exactly 1,000,000 ([`RoyaltySplit::is_valid`]).
///
/// The governance default is 45% creator, 20% upstream, 25% node, 5% validators, 5% treasury
/// ([`RoyaltySplit::DEFAULT`]); the runtime keeps the live default in `pallet-parameters`.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct RoyaltySplit {
	/// Share of the workflow's creator (owner at settlement time).
	pub creator: Permill,
	/// Share of the upstream pool: the creators of the dependencies, by dependency weight. With
	/// no dependencies it goes to the creator.
	pub upstream: Permill,
	/// Share of the execution node(s) whose receipts were accepted, in equal parts.
	pub node: Permill,
	/// Share of the validators whose verdict matched the quorum, in equal parts.
	pub validators: Permill,
	/// Share of the treasury, which also receives every rounding remainder.
	pub treasury: Permill,
}

impl RoyaltySplit {
	/// 45 / 20 / 25 / 5 / 5.
	pub const DEFAULT: Self = Self {
		creator: Permill::from_parts(450_000),
		upstream: Permill::from_parts(200_000),
		node: Permill::from_parts(250_000),
		validators: Permill::from_parts(50_000),
		treasury: Permill::from_parts(50_000),
	};

	/// Whether the five parts sum to exactly 100% (1,000,000 parts per million).
	pub fn is_valid(&self) -> bool {
		let total = [self.creator, self.upstream, self.node, self.validators, self.treasury]
			.iter()
			.map(|p| u64::from(p.deconstruct()))
			.fold(0u64, |acc, p| acc.saturating_add(p));
		total == u64::from(Permill::one().deconstruct())
	}

	/// Split `fee` (planck) into the five shares. Every share is rounded down and the remainder
	/// goes to the treasury, so `shares.total() == fee` always holds.
	pub fn split(&self, fee: Balance) -> FeeShares {
		let creator = self.creator.mul_floor(fee);
		let upstream = self.upstream.mul_floor(fee);
		let node = self.node.mul_floor(fee);
		let validators = self.validators.mul_floor(fee);
		// Each part is at most `fee` and, for a valid split, their sum is at most `fee`; the
		// saturating subtractions only matter for an invalid split, where they keep the total.
		let treasury = fee
			.saturating_sub(creator)
			.saturating_sub(upstream)
			.saturating_sub(node)
			.saturating_sub(validators);
		FeeShares { creator, upstream, node, validators, treasury }
	}
}

/// Governance floors on a workflow's royalty split (the hardening issue's finding 2): the parts
/// that pay for running, attesting and keeping the chain. A split whose node, validator or
/// treasury part is below its floor cannot be published, and a workflow whose split fell below
/// a raised floor cannot be run until its owner publishes terms that meet it.
///
/// Without them a workflow could give the node, the validators and the treasury 0%: a node and
/// its own relay then farmed reputation with self-dealt jobs that cost them nothing, and
/// validators re-executed them for free. The runtime keeps the live floors in
/// `pallet-parameters` (`royalty::MinRoyaltyShares`); the default is [`MinShares::DEFAULT`].
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct MinShares {
	/// Least [`RoyaltySplit::node`].
	pub node: Permill,
	/// Least [`RoyaltySplit::validators`].
	pub validators: Permill,
	/// Least [`RoyaltySplit::treasury`].
	pub treasury: Permill,
}

/// The part of a [`RoyaltySplit`] below its [`MinShares`] floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareBelowFloor {
	/// `node` is below `MinShares::node`.
	Node,
	/// `validators` is below `MinShares::validators`.
	Validators,
	/// `treasury` is below `MinShares::treasury`.
	Treasury,
}

impl MinShares {
	/// Node 10%, validators 2%, treasury 1%: the default split (25 / 5 / 5) clears them.
	pub const DEFAULT: Self = Self {
		node: Permill::from_parts(100_000),
		validators: Permill::from_parts(20_000),
		treasury: Permill::from_parts(10_000),
	};

	/// No floor at all (0 / 0 / 0).
	pub const NONE: Self =
		Self { node: Permill::zero(), validators: Permill::zero(), treasury: Permill::zero() };

	/// Whether `split` meets every floor; the first part below its floor otherwise (node, then
	/// validators, then treasury).
	pub fn check(&self, split: &RoyaltySplit) -> Result<(), ShareBelowFloor> {
		if split.node < self.node {
			return Err(ShareBelowFloor::Node);
		}
		if split.validators < self.validators {
			return Err(ShareBelowFloor::Validators);
		}
		if split.treasury < self.treasury {
			return Err(ShareBelowFloor::Treasury);
		}
		Ok(())
	}
}

impl Default for MinShares {
	fn default() -> Self {
		Self::DEFAULT
	}
}

impl Default for RoyaltySplit {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// A fee split into its five shares, in planck.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	Default,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct FeeShares {
	/// Creator's share.
	pub creator: Balance,
	/// Upstream pool.
	pub upstream: Balance,
	/// Node(s)' share.
	pub node: Balance,
	/// Validators' share.
	pub validators: Balance,
	/// Treasury's share, rounding remainder included.
	pub treasury: Balance,
}

impl FeeShares {
	/// Sum of the five shares (saturating; equals the fee for shares made by
	/// [`RoyaltySplit::split`]).
	pub fn total(&self) -> Balance {
		self.creator
			.saturating_add(self.upstream)
			.saturating_add(self.node)
			.saturating_add(self.validators)
			.saturating_add(self.treasury)
	}
}

/// Split `amount` among payees in proportion to `weights` (any scale; a zero total pays no one).
/// Each payee's part is rounded down. Returns the parts, in the order of `weights`, and the
/// remainder, so that `parts.sum() + remainder == amount` always holds.
pub fn distribute(amount: Balance, weights: &[u32]) -> (Vec<Balance>, Balance) {
	let total: u64 = weights.iter().map(|w| u64::from(*w)).fold(0, |a, w| a.saturating_add(w));
	if total.is_zero() {
		return (weights.iter().map(|_| 0).collect(), amount);
	}
	let mut paid: Balance = 0;
	let parts = weights
		.iter()
		.map(|w| {
			let part = mul_div_floor(amount, u64::from(*w), total);
			paid = paid.saturating_add(part);
			part
		})
		.collect();
	(parts, amount.saturating_sub(paid))
}

/// Split `amount` equally among `n` payees: each gets `amount / n` (rounded down) and the
/// remainder is returned. `n == 0` pays no one.
pub fn distribute_equally(amount: Balance, n: u32) -> (Balance, Balance) {
	if n == 0 {
		return (0, amount);
	}
	let each = amount.checked_div(Balance::from(n)).unwrap_or(0);
	let paid = each.saturating_mul(Balance::from(n));
	(each, amount.saturating_sub(paid))
}

/// The payments of one settled fee, in planck, as the PayoutRouter makes them ([`plan`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Payouts {
	/// To the workflow's creator (its own share, plus the upstream share when the workflow has
	/// no dependencies).
	pub creator: Balance,
	/// To each dependency's creator, in the order of the dependency weights.
	pub upstream: Vec<Balance>,
	/// To each execution node.
	pub node_each: Balance,
	/// To each validator.
	pub validator_each: Balance,
	/// To the treasury: its share and every rounding remainder.
	pub treasury: Balance,
}

/// Plan the payments of `fee` (planck) under `royalty`, for a workflow whose dependencies
/// weigh `upstream` (ppm, in order), run by `nodes` nodes and attested by `validators`
/// validators. The creator takes the upstream share when there are no dependencies; the
/// upstream share goes by weight ([`distribute`]), the node and validator shares in equal
/// parts ([`distribute_equally`]); every remainder goes to the treasury, so the payments sum to
/// `fee` to the planck. `None` only on overflow, which a valid split cannot reach.
///
/// This is the PayoutRouter's rule (`ensure_can_distribute`), written once so that off-chain
/// tools (the benchmark seeder) pay as the chain does.
pub fn plan(
	royalty: &RoyaltySplit,
	fee: Balance,
	upstream: &[u32],
	nodes: u32,
	validators: u32,
) -> Option<Payouts> {
	let shares = royalty.split(fee);
	let mut treasury = shares.treasury;
	let (creator, upstream) = if upstream.is_empty() {
		(shares.creator.checked_add(shares.upstream)?, Vec::new())
	} else {
		let (parts, remainder) = distribute(shares.upstream, upstream);
		treasury = treasury.checked_add(remainder)?;
		(shares.creator, parts)
	};
	let (node_each, remainder) = distribute_equally(shares.node, nodes);
	treasury = treasury.checked_add(remainder)?;
	let (validator_each, remainder) = distribute_equally(shares.validators, validators);
	treasury = treasury.checked_add(remainder)?;
	Some(Payouts { creator, upstream, node_each, validator_each, treasury })
}

/// `amount * num / den`, rounded down, without overflow for `num <= den`.
fn mul_div_floor(amount: Balance, num: u64, den: u64) -> Balance {
	if den == 0 {
		return 0;
	}
	// Perbill-free exact arithmetic: split amount into quotient and remainder by den.
	let den = Balance::from(den);
	let num = Balance::from(num);
	let q = amount.checked_div(den).unwrap_or(0);
	let r = amount.checked_rem(den).unwrap_or(0);
	// q * num <= amount (num <= den); r * num < den * den <= 2^128 fits since den < 2^64.
	q.saturating_mul(num).saturating_add(r.saturating_mul(num).checked_div(den).unwrap_or(0))
}

/// Convert a [`Perbill`] rate into parts per million (used where parameters are Perbill).
pub fn perbill_to_permill(p: Perbill) -> Permill {
	Permill::from_parts(p.deconstruct() / 1_000)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn default_split_is_valid_and_exact() {
		assert!(RoyaltySplit::DEFAULT.is_valid());
		let s = RoyaltySplit::DEFAULT.split(1_000 * crate::HAI);
		assert_eq!(s.creator, 450 * crate::HAI);
		assert_eq!(s.upstream, 200 * crate::HAI);
		assert_eq!(s.node, 250 * crate::HAI);
		assert_eq!(s.validators, 50 * crate::HAI);
		assert_eq!(s.treasury, 50 * crate::HAI);
	}

	#[test]
	fn remainder_goes_to_treasury() {
		// 7 planck: 45% -> 3, 20% -> 1, 25% -> 1, 5% -> 0, treasury 5% + remainder -> 2.
		let s = RoyaltySplit::DEFAULT.split(7);
		assert_eq!((s.creator, s.upstream, s.node, s.validators, s.treasury), (3, 1, 1, 0, 2));
	}

	#[test]
	fn invalid_splits_are_detected() {
		let mut s = RoyaltySplit::DEFAULT;
		s.treasury = Permill::from_percent(6);
		assert!(!s.is_valid());
		s.treasury = Permill::from_percent(4);
		assert!(!s.is_valid());
	}

	#[test]
	fn distribute_by_weight() {
		let (parts, rem) = distribute(100, &[50, 30, 20]);
		assert_eq!(parts, vec![50, 30, 20]);
		assert_eq!(rem, 0);
		let (parts, rem) = distribute(10, &[1, 1, 1]);
		assert_eq!(parts, vec![3, 3, 3]);
		assert_eq!(rem, 1);
		assert_eq!(distribute(10, &[]), (vec![], 10));
		assert_eq!(distribute(10, &[0, 0]), (vec![0, 0], 10));
	}

	fn arb_split() -> impl Strategy<Value = RoyaltySplit> {
		(0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000, 0u32..=1_000_000).prop_map(
			|(a, b, c, d)| {
				let mut cuts = [a, b, c, d];
				cuts.sort_unstable();
				RoyaltySplit {
					creator: Permill::from_parts(cuts[0]),
					upstream: Permill::from_parts(cuts[1] - cuts[0]),
					node: Permill::from_parts(cuts[2] - cuts[1]),
					validators: Permill::from_parts(cuts[3] - cuts[2]),
					treasury: Permill::from_parts(1_000_000 - cuts[3]),
				}
			},
		)
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(5_000))]

		#[test]
		fn split_conserves_every_planck(split in arb_split(), fee in any::<u128>()) {
			prop_assert!(split.is_valid());
			let shares = split.split(fee);
			prop_assert_eq!(shares.total(), fee);
			// Rounding only ever favours the treasury, by less than one planck per other share.
			prop_assert!(shares.treasury >= split.treasury.mul_floor(fee));
			prop_assert!(shares.treasury - split.treasury.mul_floor(fee) <= 4);
		}

		#[test]
		fn distribute_conserves_every_planck(
			amount in any::<u128>(),
			weights in proptest::collection::vec(any::<u32>(), 0..16),
		) {
			let (parts, rem) = distribute(amount, &weights);
			prop_assert_eq!(parts.len(), weights.len());
			let paid = parts.iter().fold(0u128, |a, p| a.checked_add(*p).unwrap());
			prop_assert_eq!(paid.checked_add(rem), Some(amount));
			prop_assert!(rem < weights.len().max(1) as u128 || weights.iter().all(|w| *w == 0));
		}

		#[test]
		fn distribute_equally_conserves(amount in any::<u128>(), n in 0u32..64) {
			let (each, rem) = distribute_equally(amount, n);
			prop_assert_eq!(each * u128::from(n) + rem, amount);
		}

		#[test]
		fn plan_pays_the_whole_fee(
			split in arb_split(),
			fee in 0u128..u128::MAX / 4,
			upstream in proptest::collection::vec(1u32..1_000_000, 0..4),
			nodes in 0u32..4,
			validators in 0u32..8,
		) {
			let plan = plan(&split, fee, &upstream, nodes, validators).unwrap();
			let shares = split.split(fee);
			prop_assert_eq!(plan.upstream.len(), upstream.len());
			if upstream.is_empty() {
				prop_assert_eq!(plan.creator, shares.creator + shares.upstream);
			} else {
				prop_assert_eq!(plan.creator, shares.creator);
			}
			let paid = plan.creator
				+ plan.upstream.iter().sum::<u128>()
				+ plan.node_each * u128::from(nodes)
				+ plan.validator_each * u128::from(validators)
				+ plan.treasury;
			prop_assert_eq!(paid, fee);
		}
	}
}
