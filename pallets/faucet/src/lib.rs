//! # Faucet
//!
//! ## Overview
//!
//! Testnet HAI for newcomers. An account with no balance cannot pay a transaction fee, so
//! [`Pallet::claim`] is an **unsigned** (bare) extrinsic: anyone submits it for a destination
//! account and no fee is charged. The transaction pool admits it through this pallet's
//! `ValidateUnsigned` implementation, which runs the same checks as the call itself.
//!
//! Each claim pays [`Config::DripAmount`] from the faucet pot to the destination. Any account may
//! be paid once per period of [`Config::Period`] blocks, and at most
//! [`Config::MaxClaimsPerBlock`] claims go into one block. The faucet can be switched off
//! ([`Pallet::set_enabled`]); a mainnet-like chain spec starts it off.
//!
//! ## Terminology
//!
//! - **Pot**: the account derived from [`Config::PalletId`] ([`Pallet::account_id`]). It is
//!   funded by the runtime's balances genesis (or by any transfer); it never drops below the
//!   existential deposit.
//! - **Period**: blocks `[k * Period, (k + 1) * Period)` form period `k`. An account paid in
//!   period `k` may be paid again from period `k + 1` on. A `Period` of 0 acts as 1.
//! - **Drip**: the amount paid per claim, in planck.
//!
//! ## Transaction pool
//!
//! `validate_unsigned` accepts a `claim` that would succeed now, with:
//! - `provides`: `(CLAIM_TAG, dest, period_index).encode()`, so one claim per account and period
//!   is in the pool;
//! - `longevity`: the blocks left in the current period;
//! - `priority`: [`CLAIM_PRIORITY`] (the lowest);
//! - propagated to peers.
//!
//! Refusals are `InvalidTransaction::Custom` with the codes [`INVALID_DISABLED`],
//! [`INVALID_RATE_LIMITED`], [`INVALID_DRY`] and [`INVALID_CANNOT_RECEIVE`], or
//! `InvalidTransaction::ExhaustsResources` when the block already holds
//! [`Config::MaxClaimsPerBlock`] claims (the claim stays in the pool for a later block).
//!
//! ## Calls
//!
//! - [`Pallet::claim`] (0): unsigned; pay the drip to `dest`.
//! - [`Pallet::set_enabled`] (1): [`Config::AdminOrigin`]; switch the faucet on or off.
//!
//! ## Genesis
//!
//! [`GenesisConfig::enabled`] sets whether claims are accepted. Fund the pot in the balances
//! genesis: `(Faucet::account_id(), amount)`.
//!
//! ## Example
//!
//! ```ignore
//! // A fresh account (no balance, no fee) asks for testnet HAI; submitted as a bare extrinsic.
//! let call = RuntimeCall::Faucet(pallet_faucet::Call::claim { dest: newcomer });
//! let xt = UncheckedExtrinsic::new_bare(call);
//! // In the runtime: Faucet::claim(RuntimeOrigin::none(), newcomer)
//! //   => Event::Dripped { who: newcomer, amount: DripAmount::get() }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(clippy::arithmetic_side_effects)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Inspect as _, Mutate as _},
		tokens::{DepositConsequence, Fortitude, Preservation, Provenance},
	},
	PalletId,
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, UniqueSaturatedInto},
	transaction_validity::{InvalidTransaction, TransactionPriority},
};

/// Balance type of the currency, in planck.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Prefix of the `provides` tag of a claim in the transaction pool.
pub const CLAIM_TAG: &[u8] = b"havn/faucet";
/// Pool priority of a claim: the lowest, so claims never crowd out paid transactions.
pub const CLAIM_PRIORITY: TransactionPriority = TransactionPriority::MIN;
/// `InvalidTransaction::Custom` code: the faucet is disabled.
pub const INVALID_DISABLED: u8 = 1;
/// `InvalidTransaction::Custom` code: the account was already paid this period.
pub const INVALID_RATE_LIMITED: u8 = 2;
/// `InvalidTransaction::Custom` code: the pot cannot pay the drip.
pub const INVALID_DRY: u8 = 3;
/// `InvalidTransaction::Custom` code: the destination cannot receive the drip.
pub const INVALID_CANNOT_RECEIVE: u8 = 4;

// FRAME's expansion of `#[pallet::pallet]`, storage items and `#[pallet::error]` calls
// `expect` (on the pallet name, which the runtime always provides); the lint stays on for
// this crate's own code, which lives outside this module except for the calls.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// In-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency paid out (HAI, planck).
		type Currency: fungible::Mutate<Self::AccountId>;

		/// Id the pot account is derived from.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Amount paid per claim, in planck.
		#[pallet::constant]
		type DripAmount: Get<BalanceOf<Self>>;

		/// Rate-limit period, in blocks: one claim per account per period (0 acts as 1).
		#[pallet::constant]
		type Period: Get<BlockNumberFor<Self>>;

		/// Most claims included in one block.
		#[pallet::constant]
		type MaxClaimsPerBlock: Get<u32>;

		/// Origin that may switch the faucet on and off (root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Whether claims are accepted.
	#[pallet::storage]
	pub type Enabled<T> = StorageValue<_, bool, ValueQuery>;

	/// Block of each account's latest claim.
	#[pallet::storage]
	pub type LastClaim<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	/// The block of the latest claim and how many claims that block holds.
	#[pallet::storage]
	pub type ClaimsInBlock<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32)>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Whether claims are accepted from genesis (`true` on testnets).
		pub enabled: bool,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Enabled::<T>::put(self.enabled);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The faucet paid an account.
		Dripped {
			/// The account paid.
			who: T::AccountId,
			/// Amount paid, in planck.
			amount: BalanceOf<T>,
		},
		/// The faucet was switched on or off.
		FaucetToggled {
			/// Whether claims are now accepted.
			enabled: bool,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The faucet is switched off.
		FaucetDisabled,
		/// The account was already paid in this period.
		RateLimited,
		/// The pot cannot pay the drip and stay above the existential deposit.
		FaucetDry,
		/// The destination cannot receive the drip (e.g. below the existential deposit for a new
		/// account).
		CannotReceiveDrip,
		/// This block already holds [`Config::MaxClaimsPerBlock`] claims.
		TooManyClaimsInBlock,
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
		/// Pay [`Config::DripAmount`] from the pot to `dest`.
		///
		/// ## Dispatch Origin
		///
		/// None: an unsigned (bare) extrinsic, admitted by `ValidateUnsigned`. No fee is paid,
		/// so an account with no balance can claim for itself.
		///
		/// ## Details
		///
		/// `dest` may be paid once per period of [`Config::Period`] blocks. The pot keeps at
		/// least the existential deposit.
		///
		/// ## Events
		///
		/// [`Event::Dripped`].
		///
		/// ## Errors
		///
		/// - `BadOrigin`: the origin is not none.
		/// - [`Error::FaucetDisabled`]: the faucet is off.
		/// - [`Error::TooManyClaimsInBlock`]: the block is full of claims.
		/// - [`Error::RateLimited`]: `dest` was paid in this period.
		/// - [`Error::FaucetDry`]: the pot cannot pay.
		/// - [`Error::CannotReceiveDrip`]: `dest` cannot receive the drip.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>, dest: T::AccountId) -> DispatchResult {
			ensure_none(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let claims = Self::ensure_can_claim(&dest, now)?;
			let amount = Self::do_claim(&dest, now, claims)?;
			Self::deposit_event(Event::Dripped { who: dest, amount });
			Ok(())
		}

		/// Switch the faucet on or off.
		///
		/// ## Dispatch Origin
		///
		/// [`Config::AdminOrigin`] (root).
		///
		/// ## Details
		///
		/// While off, every claim fails with [`Error::FaucetDisabled`]. Setting the current value
		/// again is allowed and emits the event again.
		///
		/// ## Events
		///
		/// [`Event::FaucetToggled`].
		///
		/// ## Errors
		///
		/// - `BadOrigin`: not [`Config::AdminOrigin`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_enabled())]
		pub fn set_enabled(origin: OriginFor<T>, enabled: bool) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_enabled(enabled);
			Self::deposit_event(Event::FaucetToggled { enabled });
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in this release in favour of `#[pallet::authorize]`; it
	// is kept because polkadot.js and subxt submit `claim` as a plain unsigned extrinsic.
	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::claim { dest } = call else {
				return InvalidTransaction::Call.into();
			};
			let now = frame_system::Pallet::<T>::block_number();
			Self::ensure_can_claim(dest, now).map_err(Self::invalid_transaction)?;
			Ok(ValidTransaction {
				priority: CLAIM_PRIORITY,
				requires: alloc::vec::Vec::new(),
				provides: alloc::vec![(CLAIM_TAG, dest, Self::period_index(now)).encode()],
				longevity: Self::blocks_left_in_period(now),
				propagate: true,
			})
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The pot account: [`Config::PalletId`] into an account id.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Every check of [`Pallet::claim`] at block `now`. Returns the number of claims already in
	/// block `now`.
	pub fn ensure_can_claim(dest: &T::AccountId, now: BlockNumberFor<T>) -> Result<u32, Error<T>> {
		ensure!(Enabled::<T>::get(), Error::<T>::FaucetDisabled);
		let claims = Self::claims_in(now);
		ensure!(claims < T::MaxClaimsPerBlock::get(), Error::<T>::TooManyClaimsInBlock);
		if let Some(last) = LastClaim::<T>::get(dest) {
			ensure!(Self::period_index(last) != Self::period_index(now), Error::<T>::RateLimited);
		}
		let drip = T::DripAmount::get();
		ensure!(
			T::Currency::reducible_balance(
				&Self::account_id(),
				Preservation::Preserve,
				Fortitude::Polite
			) >= drip,
			Error::<T>::FaucetDry
		);
		ensure!(
			T::Currency::can_deposit(dest, drip, Provenance::Extant) == DepositConsequence::Success,
			Error::<T>::CannotReceiveDrip
		);
		Ok(claims)
	}

	/// Pay the drip to `dest` at block `now`, after [`Pallet::ensure_can_claim`] returned
	/// `claims`. Returns the amount paid, in planck.
	pub fn do_claim(
		dest: &T::AccountId,
		now: BlockNumberFor<T>,
		claims: u32,
	) -> Result<BalanceOf<T>, DispatchError> {
		let amount = T::Currency::transfer(
			&Self::account_id(),
			dest,
			T::DripAmount::get(),
			Preservation::Preserve,
		)?;
		LastClaim::<T>::insert(dest, now);
		// `claims < MaxClaimsPerBlock <= u32::MAX`, so this never saturates.
		ClaimsInBlock::<T>::put((now, claims.saturating_add(1)));
		Ok(amount)
	}

	/// Switch the faucet on or off.
	pub fn do_set_enabled(enabled: bool) {
		Enabled::<T>::put(enabled);
	}

	/// Whether `who` could claim now, and how much. For wallets and the runtime API.
	pub fn claimable(who: &T::AccountId) -> Result<BalanceOf<T>, Error<T>> {
		Self::ensure_can_claim(who, frame_system::Pallet::<T>::block_number())?;
		Ok(T::DripAmount::get())
	}

	/// The first block at which `who` may claim again (the current block if it may claim now,
	/// rate limit only).
	pub fn next_claim_at(who: &T::AccountId) -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		match LastClaim::<T>::get(who) {
			Some(last) if Self::period_index(last) == Self::period_index(now) => {
				Self::period_index(now).saturating_add(1u32.into()).saturating_mul(Self::period())
			}
			_ => now,
		}
	}

	/// The rate-limit period, at least one block.
	fn period() -> BlockNumberFor<T> {
		T::Period::get().max(1u32.into())
	}

	/// The period block `n` is in.
	pub fn period_index(n: BlockNumberFor<T>) -> BlockNumberFor<T> {
		n.checked_div(&Self::period()).unwrap_or(n)
	}

	/// Blocks from `now` (included) to the end of its period: the pool longevity of a claim.
	pub fn blocks_left_in_period(now: BlockNumberFor<T>) -> TransactionLongevity {
		let period = Self::period();
		// `now mod period`, without a remainder operator.
		let into_period = now.saturating_sub(Self::period_index(now).saturating_mul(period));
		period.saturating_sub(into_period).unique_saturated_into()
	}

	/// Claims already in block `now`.
	fn claims_in(now: BlockNumberFor<T>) -> u32 {
		match ClaimsInBlock::<T>::get() {
			Some((block, count)) if block == now => count,
			_ => 0,
		}
	}

	/// The pool's answer to a claim that fails `error`.
	fn invalid_transaction(error: Error<T>) -> TransactionValidityError {
		let invalid = match error {
			Error::<T>::TooManyClaimsInBlock => InvalidTransaction::ExhaustsResources,
			Error::<T>::FaucetDisabled => InvalidTransaction::Custom(INVALID_DISABLED),
			Error::<T>::RateLimited => InvalidTransaction::Custom(INVALID_RATE_LIMITED),
			Error::<T>::FaucetDry => InvalidTransaction::Custom(INVALID_DRY),
			Error::<T>::CannotReceiveDrip => InvalidTransaction::Custom(INVALID_CANNOT_RECEIVE),
			_ => InvalidTransaction::Call,
		};
		invalid.into()
	}

	/// Check the pallet's invariants:
	///
	/// 1. Every [`LastClaim`] entry is at or before the current block.
	/// 2. [`ClaimsInBlock`] names a block at or before the current one and a count of at most
	///    [`Config::MaxClaimsPerBlock`].
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		for (_, block) in LastClaim::<T>::iter() {
			ensure!(block <= now, "LastClaim in the future");
		}
		if let Some((block, count)) = ClaimsInBlock::<T>::get() {
			ensure!(block <= now, "ClaimsInBlock in the future");
			ensure!(count <= T::MaxClaimsPerBlock::get(), "too many claims in a block");
		}
		Ok(())
	}
}
