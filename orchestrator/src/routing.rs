//! Routing: which execution nodes a submitted job goes to.
//!
//! [`choose`] is a pure function over the candidates the orchestrator knows (from its index):
//! a node is eligible for a job of class `c` when it bonded for a class that serves `c`, is not
//! quarantined, heartbeated within the last heartbeat epoch and its reputation is at least
//! `Novice` (25%); the chain refuses the others (`NodeNotEligible`). Eligible nodes are ranked
//! by `score = reputation − load × load penalty` (reputation in ppm, load = its jobs assigned
//! and not yet decided), then by lower load, then by account; the best `redundancy` nodes are
//! chosen. Selection is O(n) plus O(r log r) for the `r` chosen, so it stays cheap with tens of
//! thousands of nodes.

use havn_primitives::{BlockNumber, ComputeClass};
use std::cmp::Ordering;

/// Blocks per heartbeat epoch until the chain has been read (StakeGuard's default
/// `HeartbeatEpoch`; the live value is `ChainStatus::heartbeat_epoch`).
pub const HEARTBEAT_EPOCH: BlockNumber = 100;
/// Score taken off per open job, ppm of reputation (10%).
pub const LOAD_PENALTY_PPM: u32 = 100_000;
/// Lowest reputation the chain accepts for a job (the `Novice` level), ppm.
pub const MIN_REPUTATION_PPM: u32 = 250_000;

/// What routing knows about one execution node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<A> {
	/// The node's account.
	pub account: A,
	/// The class it bonded for.
	pub class: ComputeClass,
	/// Block of its last heartbeat (or registration).
	pub last_heartbeat: Option<BlockNumber>,
	/// Whether known to be quarantined (or otherwise refused by the chain lately).
	pub quarantined: bool,
	/// Reputation score, ppm.
	pub reputation_ppm: u32,
	/// Jobs assigned to it and not yet decided.
	pub load: u32,
}

/// The routing knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
	/// A heartbeat older than this many blocks makes a node ineligible.
	pub heartbeat_epoch: BlockNumber,
	/// Score taken off per open job, ppm.
	pub load_penalty_ppm: u32,
	/// Lowest accepted reputation, ppm.
	pub min_reputation_ppm: u32,
}

impl Default for Policy {
	fn default() -> Self {
		Self {
			heartbeat_epoch: HEARTBEAT_EPOCH,
			load_penalty_ppm: LOAD_PENALTY_PPM,
			min_reputation_ppm: MIN_REPUTATION_PPM,
		}
	}
}

impl Policy {
	/// Whether `c` may run a job of `class` at block `now`.
	pub fn eligible<A>(&self, c: &Candidate<A>, class: ComputeClass, now: BlockNumber) -> bool {
		c.class.serves(class)
			&& !c.quarantined
			&& c.reputation_ppm >= self.min_reputation_ppm
			&& c.last_heartbeat.is_some_and(|hb| now.saturating_sub(hb) <= self.heartbeat_epoch)
	}

	/// The ranking score of `c`.
	pub fn score<A>(&self, c: &Candidate<A>) -> i64 {
		i64::from(c.reputation_ppm) - i64::from(c.load) * i64::from(self.load_penalty_ppm)
	}
}

/// [`choose_with`] under the default [`Policy`].
pub fn choose<A: Ord + Clone>(
	candidates: &[Candidate<A>],
	class: ComputeClass,
	redundancy: u8,
	now: BlockNumber,
) -> Vec<A> {
	choose_with(&Policy::default(), candidates, class, redundancy, now)
}

/// The `redundancy` best eligible nodes for a job of `class` at block `now`, best first; empty
/// when fewer than `redundancy` are eligible (the chain needs exactly `redundancy` nodes).
pub fn choose_with<A: Ord + Clone>(
	policy: &Policy,
	candidates: &[Candidate<A>],
	class: ComputeClass,
	redundancy: u8,
	now: BlockNumber,
) -> Vec<A> {
	let wanted = usize::from(redundancy);
	if wanted == 0 {
		return Vec::new();
	}
	let mut eligible: Vec<(i64, &Candidate<A>)> = candidates
		.iter()
		.filter(|c| policy.eligible(c, class, now))
		.map(|c| (policy.score(c), c))
		.collect();
	if eligible.len() < wanted {
		return Vec::new();
	}
	let rank = |a: &(i64, &Candidate<A>), b: &(i64, &Candidate<A>)| -> Ordering {
		b.0.cmp(&a.0).then(a.1.load.cmp(&b.1.load)).then_with(|| a.1.account.cmp(&b.1.account))
	};
	if eligible.len() > wanted {
		eligible.select_nth_unstable_by(wanted - 1, rank);
		eligible.truncate(wanted);
	}
	eligible.sort_unstable_by(rank);
	eligible.into_iter().map(|(_, c)| c.account.clone()).collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use ComputeClass::*;

	fn node(account: u32, class: ComputeClass, rep: u32, load: u32) -> Candidate<u32> {
		Candidate {
			account,
			class,
			last_heartbeat: Some(1_000),
			quarantined: false,
			reputation_ppm: rep,
			load,
		}
	}

	#[test]
	fn class_filter() {
		let nodes = [node(1, S, 900_000, 0), node(2, M, 500_000, 0), node(3, XL, 400_000, 0)];
		assert_eq!(choose(&nodes, S, 1, 1_000), vec![1]);
		assert_eq!(choose(&nodes, M, 2, 1_000), vec![2, 3]);
		assert_eq!(choose(&nodes, L, 1, 1_000), vec![3]);
		assert_eq!(choose(&nodes, XL, 2, 1_000), Vec::<u32>::new());
	}

	#[test]
	fn stale_heartbeat_quarantine_and_low_reputation_are_skipped() {
		let mut stale = node(1, S, 900_000, 0);
		stale.last_heartbeat = Some(1_000 - HEARTBEAT_EPOCH - 1);
		let mut edge = node(2, S, 600_000, 0);
		edge.last_heartbeat = Some(1_000 - HEARTBEAT_EPOCH);
		let mut never = node(3, S, 950_000, 0);
		never.last_heartbeat = None;
		let mut quarantined = node(4, S, 990_000, 0);
		quarantined.quarantined = true;
		let untrusted = node(5, S, MIN_REPUTATION_PPM - 1, 0);
		let novice = node(6, S, MIN_REPUTATION_PPM, 0);
		let nodes = [stale, edge, never, quarantined, untrusted, novice];
		assert_eq!(choose(&nodes, S, 2, 1_000), vec![2, 6]);
		assert_eq!(choose(&nodes, S, 3, 1_000), Vec::<u32>::new());
		// A heartbeat in a later block than `now` (index lag) counts as fresh.
		let mut ahead = node(7, S, 500_000, 0);
		ahead.last_heartbeat = Some(1_010);
		assert_eq!(choose(&[ahead], S, 1, 1_000), vec![7]);
	}

	#[test]
	fn reputation_ordering_and_load_penalty() {
		let nodes = [
			node(1, M, 700_000, 0),
			node(2, M, 950_000, 0),
			node(3, M, 800_000, 0),
			// Best reputation, but three open jobs: 990,000 − 300,000 = 690,000.
			node(4, M, 990_000, 3),
		];
		assert_eq!(choose(&nodes, S, 1, 1_000), vec![2]);
		assert_eq!(choose(&nodes, S, 4, 1_000), vec![2, 3, 1, 4]);
		// One job fewer and it beats node 1 (790,000 > 700,000).
		let lighter = [node(1, M, 700_000, 0), node(4, M, 990_000, 2)];
		assert_eq!(choose(&lighter, S, 1, 1_000), vec![4]);
	}

	#[test]
	fn ties_go_to_lower_load_then_account() {
		// Equal scores: 600,000 − 0 and 700,000 − 100,000.
		let nodes = [node(9, S, 700_000, 1), node(5, S, 600_000, 0), node(3, S, 600_000, 0)];
		assert_eq!(choose(&nodes, S, 3, 1_000), vec![3, 5, 9]);
		assert_eq!(choose(&nodes, S, 1, 1_000), vec![3]);
	}

	#[test]
	fn zero_redundancy_and_large_sets() {
		let nodes: Vec<_> =
			(0..10_000u32).map(|i| node(i, S, 250_000 + (i * 7_919) % 750_000, i % 5)).collect();
		assert!(choose(&nodes, S, 0, 1_000).is_empty());
		let picked = choose(&nodes, S, 5, 1_000);
		assert_eq!(picked.len(), 5);
		// The same as a full sort.
		let policy = Policy::default();
		let mut all: Vec<_> = nodes.iter().collect();
		all.sort_by(|a, b| {
			policy
				.score(b)
				.cmp(&policy.score(a))
				.then(a.load.cmp(&b.load))
				.then(a.account.cmp(&b.account))
		});
		let expected: Vec<u32> = all.iter().take(5).map(|c| c.account).collect();
		assert_eq!(picked, expected);
	}
}
