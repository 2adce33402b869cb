//! # Reputation
//!
//! A Beta reputation score for every execution node and validator, with decay, and the level
//! that routing and committee sampling read from it.
//!
//! ## Overview
//!
//! Other pallets report what happened through [`ReputationHooks::record`] (ExecutionLog reports
//! finalized, rejected and expired jobs, attestations and disputes; StakeGuard reports
//! quarantines). Each [`Outcome`] adds good or bad evidence to the account's Beta distribution
//! (see [`score`] for the math and the weight of each outcome):
//!
//! ```text
//! score = (alpha + 1) / (alpha + beta + 2)        newcomer: 50%
//! ```
//!
//! Evidence decays: for every elapsed [`Config::DecayEpoch`] both `alpha` and `beta` are
//! multiplied by `1 - DecayPerEpoch`, so a node's past fades and its score drifts back to 50%.
//! Decay is applied lazily, in closed form, whenever a record is read or written, so no hook
//! iterates over accounts.
//!
//! ## Terminology
//!
//! - **Evidence**: `alpha` (good) and `beta` (bad), in micro-observations ([`score::UNIT`]), each
//!   capped at [`score::MAX_EVIDENCE`].
//! - **Score**: the mean of the Beta distribution, a [`Permill`] in `[0, 1]`.
//! - **Level** ([`ReputationLevel`]): `Untrusted` below 25%, `Novice` from 25% up to 50%,
//!   `Trusted` from 50% up to 80%, `Elite` from 80%. An account with no evidence (a newcomer, or
//!   one whose evidence has fully decayed) is `Novice` even though its score is exactly 50%.
//! - **Decay epoch**: blocks `k * DecayEpoch ..= (k + 1) * DecayEpoch - 1` form epoch `k`.
//!
//! ## Calls
//!
//! - [`Pallet::reset`] (index 0): [`Config::AdminOrigin`] wipes an account's record.
//!
//! Reads: [`Pallet::record_of`], [`Pallet::score_of`], [`Pallet::level_of`] and the
//! [`ReputationInspect`] impl.
//!
//! ## Example
//!
//! ```ignore
//! // In ExecutionLog, once a job is finalized:
//! T::Reputation::record(&node, Outcome::JobFinalized);
//! // In routing:
//! if T::ReputationView::level(&node) == ReputationLevel::Untrusted { /* skip the node */ }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

extern crate alloc;

pub use pallet::*;

pub mod score;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use score::Evidence;
pub use types::ReputationRecord;
pub use weights::WeightInfo;

use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{
	traits::{Outcome, ReputationHooks, ReputationInspect},
	ReputationLevel,
};
use sp_runtime::{
	traits::{CheckedDiv, Saturating, UniqueSaturatedInto, Zero},
	Permill,
};

// The pallet macro's expansion (metadata, storage info) contains `expect`s. The module holds only
// the declarations and the thin calls; the logic lives in the `impl` below, which stays linted.
#[allow(clippy::expect_used, clippy::unwrap_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the Reputation pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Length of a decay epoch, in blocks. Zero disables decay.
		#[pallet::constant]
		type DecayEpoch: Get<BlockNumberFor<Self>>;

		/// Share of both good and bad evidence that fades per elapsed decay epoch.
		#[pallet::constant]
		type DecayPerEpoch: Get<Perbill>;

		/// Origin that may wipe an account's record (governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls and of [`ReputationHooks::record`].
		type WeightInfo: WeightInfo;
	}

	/// Reputation record of every account that has had an outcome recorded. Absent: newcomer.
	#[pallet::storage]
	pub type Records<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ReputationRecord<BlockNumberFor<T>>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An outcome was recorded for `who`; `score` is the new score.
		ReputationUpdated { who: T::AccountId, outcome: Outcome, score: Permill },
		/// Governance wiped `who`'s record; `who` is a newcomer again.
		ReputationReset { who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account has no reputation record.
		NoRecord,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Wipe `who`'s reputation record, making it a newcomer again (score 50%, `Novice`).
		///
		/// ## Dispatch Origin
		///
		/// [`Config::AdminOrigin`].
		///
		/// ## Details
		///
		/// Meant for governance to undo evidence recorded in error (for example after a faulty
		/// runtime upgrade). Removes the record from storage.
		///
		/// ## Events
		///
		/// [`Event::ReputationReset`].
		///
		/// ## Errors
		///
		/// - [`Error::NoRecord`]: `who` has no record.
		/// - `BadOrigin`: the origin is not [`Config::AdminOrigin`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::reset())]
		pub fn reset(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::ensure_can_reset(&who)?;
			Self::do_reset(&who);
			Self::deposit_event(Event::ReputationReset { who });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks for [`Pallet::reset`]: `who` has a record.
	pub fn ensure_can_reset(who: &T::AccountId) -> Result<(), Error<T>> {
		if Records::<T>::contains_key(who) {
			Ok(())
		} else {
			Err(Error::<T>::NoRecord)
		}
	}

	/// Writes of [`Pallet::reset`]: remove `who`'s record.
	pub fn do_reset(who: &T::AccountId) {
		Records::<T>::remove(who);
	}

	/// Record `outcome` for `who`: bring its evidence up to date (decay), add the outcome's
	/// evidence, store the record at the current block and emit [`Event::ReputationUpdated`].
	/// Returns the new score. Weight: `T::WeightInfo::record()`.
	pub fn do_record(who: &T::AccountId, outcome: Outcome) -> Permill {
		let now = frame_system::Pallet::<T>::block_number();
		let previous = Records::<T>::get(who);
		let (evidence, outcomes) = match previous {
			Some(record) => (Self::decayed(&record, now), record.outcomes),
			None => (Evidence::NONE, 0),
		};
		let evidence = evidence.plus(score::outcome_evidence(outcome));
		let record =
			ReputationRecord { evidence, last_update: now, outcomes: outcomes.saturating_add(1) };
		Records::<T>::insert(who, record);
		let score = evidence.score();
		Self::deposit_event(Event::ReputationUpdated { who: who.clone(), outcome, score });
		score
	}

	/// Number of whole decay epochs between the epoch of `from` and that of `to` (zero if decay
	/// is disabled or `to` is not later), saturating at `u32::MAX`.
	pub fn decay_epochs(from: BlockNumberFor<T>, to: BlockNumberFor<T>) -> u32 {
		let epoch = T::DecayEpoch::get();
		if epoch.is_zero() || to <= from {
			return 0;
		}
		let from_epoch = from.checked_div(&epoch).unwrap_or_default();
		let to_epoch = to.checked_div(&epoch).unwrap_or_default();
		to_epoch.saturating_sub(from_epoch).unique_saturated_into()
	}

	/// `record`'s evidence decayed up to block `now`.
	pub fn decayed(
		record: &ReputationRecord<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
	) -> Evidence {
		record
			.evidence
			.decayed(T::DecayPerEpoch::get(), Self::decay_epochs(record.last_update, now))
	}

	/// `who`'s record with decay applied up to the current block (`last_update` left as
	/// stored), or `None` for a newcomer. Used by the runtime API.
	pub fn record_of(who: &T::AccountId) -> Option<ReputationRecord<BlockNumberFor<T>>> {
		let now = frame_system::Pallet::<T>::block_number();
		Records::<T>::get(who)
			.map(|record| ReputationRecord { evidence: Self::decayed(&record, now), ..record })
	}

	/// `who`'s evidence now (decayed; none for a newcomer).
	pub fn evidence_of(who: &T::AccountId) -> Evidence {
		Self::record_of(who).map(|record| record.evidence).unwrap_or_default()
	}

	/// `who`'s score now, in `[0, 1]`; 50% for a newcomer.
	pub fn score_of(who: &T::AccountId) -> Permill {
		Self::evidence_of(who).score()
	}

	/// `who`'s level now (see [`Evidence::level`]).
	pub fn level_of(who: &T::AccountId) -> ReputationLevel {
		Self::evidence_of(who).level()
	}

	/// Check the pallet's invariants:
	///
	/// 1. Every record's `alpha` and `beta` are at most [`score::MAX_EVIDENCE`] (so the score's
	///    sums cannot overflow).
	/// 2. Every record's `last_update` is not after the current block.
	/// 3. Every record has at least one recorded outcome (records are only created by
	///    [`Pallet::do_record`]).
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		for (_, record) in Records::<T>::iter() {
			frame_support::ensure!(
				record.evidence.alpha <= score::MAX_EVIDENCE
					&& record.evidence.beta <= score::MAX_EVIDENCE,
				"reputation evidence above the cap"
			);
			frame_support::ensure!(record.last_update <= now, "reputation updated in the future");
			frame_support::ensure!(record.outcomes > 0, "reputation record without outcomes");
		}
		Ok(())
	}
}

impl<T: Config> ReputationHooks<T::AccountId> for Pallet<T> {
	fn record(who: &T::AccountId, outcome: Outcome) {
		Self::do_record(who, outcome);
	}
}

impl<T: Config> ReputationInspect<T::AccountId> for Pallet<T> {
	fn score(who: &T::AccountId) -> Permill {
		Self::score_of(who)
	}

	fn level(who: &T::AccountId) -> ReputationLevel {
		Self::level_of(who)
	}
}
