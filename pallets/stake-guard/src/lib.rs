//! # StakeGuard
//!
//! Role bonds held per compute class, receipt keys and capabilities of execution nodes,
//! heartbeats and quarantine, unbonding and slashing.
//!
//! ## Overview
//!
//! Every account that works for Havn bonds HAI for exactly one [`Role`]: an execution node of a
//! [`ComputeClass`], an attestation validator, or a relay. The bond is a fungible hold under
//! [`HoldReason::Bond`]; it must reach the role's collateral floor ([`Config::FloorS`] ..
//! [`Config::FloorXL`], [`Config::ValidatorFloor`], [`Config::RelayFloor`]).
//!
//! Execution nodes then register the sr25519 key they sign receipts with and their
//! capabilities, and heartbeat. A node that has not heartbeated for more than
//! [`Config::MaxMissedEpochs`] × [`Config::HeartbeatEpoch`] blocks is *quarantined*: it is not
//! eligible for jobs. Quarantine is evaluated lazily (no hook iterates over nodes); it ends with
//! the node's next heartbeat, which records [`Outcome::Quarantined`] with [`Config::Reputation`].
//! Heartbeats are not rate limited: each one is a signed extrinsic and pays its fee.
//!
//! Unbonding moves stake from *active* to an *unbonding chunk* that can be withdrawn after
//! [`Config::UnbondingPeriod`]. Unbonding funds stay on hold under the same reason, so a slash
//! reaches them: a slash takes from the active stake first, then from the unbonding chunks,
//! soonest-unlocking first. Slashed funds move to [`Config::TreasuryAccount`] with
//! `transfer_on_hold`, so total issuance is unchanged.
//!
//! The active validators (bonded as validators with active stake at or above the validator
//! floor) are kept in [`Validators`], sorted ascending, so committees can be drawn from it.
//!
//! ## Terminology
//!
//! - **Active stake**: the part of a bond that counts toward the role's floor.
//! - **Unbonding chunk**: stake on its way out, held until its unlock block.
//! - **Eligible node**: bonded for a class at least as big as the job's, active stake at or above
//!   its class's floor, a registered receipt key, not quarantined.
//! - **Heartbeat epoch**: [`Config::HeartbeatEpoch`] blocks; nodes are expected to heartbeat at
//!   least once per epoch.
//!
//! ## Calls
//!
//! | index | call | origin |
//! |---|---|---|
//! | 0 | [`Pallet::bond`] | signed |
//! | 1 | [`Pallet::bond_extra`] | signed |
//! | 2 | [`Pallet::register_node`] | signed (execution node) |
//! | 3 | [`Pallet::heartbeat`] | signed (registered node) |
//! | 4 | [`Pallet::unbond`] | signed |
//! | 5 | [`Pallet::withdraw_unbonded`] | signed |
//! | 6 | [`Pallet::slash`] | [`Config::SlashOrigin`] |
//!
//! Other pallets use the [`StakeInspect`] and [`StakeSlash`] impls; the runtime API uses
//! [`Pallet::standing`].
//!
//! ## Example
//!
//! ```ignore
//! // A medium node bonds 5,000 HAI, registers and heartbeats.
//! StakeGuard::bond(origin.clone(), Role::ExecutionNode(ComputeClass::M), 5_000 * HAI)?;
//! StakeGuard::register_node(origin.clone(), receipt_key, capabilities)?;
//! StakeGuard::heartbeat(origin, Some(metrics))?;
//! assert!(<StakeGuard as StakeInspect<_>>::is_eligible_node(&who, ComputeClass::S));
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

extern crate alloc;

pub use pallet::*;

pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{
	traits::{Outcome, ReputationHooks, StakeInspect, StakeSlash},
	ComputeClass, Role, SlashReason,
};
use sp_core::sr25519;
use sp_runtime::{
	traits::{CheckedAdd, CheckedSub, Saturating, Zero},
	Perbill,
};

/// Balance type of the currency bonds are held in (HAI planck in the Havn runtime).
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::stake-guard";

// The pallet macro's expansion (metadata, storage info) contains `expect`s. The module holds only
// the declarations and the thin calls; the logic lives in the `impl` below, which stays linted.
#[allow(clippy::expect_used, clippy::unwrap_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the StakeGuard pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency bonds are held in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reason, which includes this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Collateral floor of a small-class node, in planck (runtime: 2,000 HAI).
		#[pallet::constant]
		type FloorS: Get<BalanceOf<Self>>;
		/// Collateral floor of a medium-class node, in planck (runtime: 5,000 HAI).
		#[pallet::constant]
		type FloorM: Get<BalanceOf<Self>>;
		/// Collateral floor of a large-class node, in planck (runtime: 9,000 HAI).
		#[pallet::constant]
		type FloorL: Get<BalanceOf<Self>>;
		/// Collateral floor of an extra-large-class node, in planck (runtime: 18,000 HAI).
		#[pallet::constant]
		type FloorXL: Get<BalanceOf<Self>>;
		/// Collateral floor of a validator, in planck.
		#[pallet::constant]
		type ValidatorFloor: Get<BalanceOf<Self>>;
		/// Collateral floor of a relay, in planck.
		#[pallet::constant]
		type RelayFloor: Get<BalanceOf<Self>>;

		/// Blocks between `unbond` and the moment the chunk can be withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks per heartbeat epoch. Must not be zero.
		#[pallet::constant]
		type HeartbeatEpoch: Get<BlockNumberFor<Self>>;

		/// Epochs a node may miss before it is quarantined (runtime: 3).
		#[pallet::constant]
		type MaxMissedEpochs: Get<u32>;

		/// Account slashed funds are moved to (the treasury). It must exist (hold at least the
		/// existential deposit) for slashes smaller than the existential deposit to succeed.
		type TreasuryAccount: Get<Self::AccountId>;

		/// Origin of the `slash` call (governance).
		type SlashOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Where quarantines are reported.
		type Reputation: ReputationHooks<Self::AccountId>;

		/// Maximum number of active validators.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Maximum number of model ids in a node's capabilities.
		#[pallet::constant]
		type MaxModels: Get<u32>;

		/// Maximum length of one model id, in bytes.
		#[pallet::constant]
		type MaxModelIdLen: Get<u32>;

		/// Maximum length of a GPU model name, in bytes.
		#[pallet::constant]
		type MaxGpuModelLen: Get<u32>;

		/// Maximum number of unbonding chunks per bond (unbonds in the same block share one).
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A role bond, both its active and its unbonding part (the [`Bonds`] ledger splits
		/// them).
		#[codec(index = 0)]
		Bond,
	}

	/// The bond of every bonded account.
	#[pallet::storage]
	pub type Bonds<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Bond<T>>;

	/// Registered execution nodes.
	#[pallet::storage]
	pub type NodeInfo<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, NodeRecord<T>>;

	/// Index of registered receipt keys: key to node. A key belongs to at most one node.
	#[pallet::storage]
	pub type ReceiptKeys<T: Config> =
		StorageMap<_, Blake2_128Concat, sr25519::Public, T::AccountId>;

	/// Active validators, sorted ascending, without duplicates.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Bonds created at genesis (for development and test chains).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(account, role, amount)`: each account must be funded (balances genesis runs first)
		/// and `amount` must reach the role's floor.
		pub bonds: Vec<(T::AccountId, Role, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, role, amount) in &self.bonds {
				let validators = match Pallet::<T>::ensure_can_bond(who, *role, *amount) {
					Ok(validators) => validators,
					Err(e) => panic!("invalid genesis bond: {e:?}"),
				};
				if let Err(e) = Pallet::<T>::do_bond(who, *role, *amount, validators) {
					panic!("genesis bond failed: {e:?}");
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` bonded `amount` (planck) for `role`.
		Bonded { who: T::AccountId, role: Role, amount: BalanceOf<T> },
		/// `who` added `amount` (planck) to its active stake.
		BondedExtra { who: T::AccountId, amount: BalanceOf<T> },
		/// Execution node `who` registered (or replaced) its receipt key and capabilities.
		NodeRegistered { who: T::AccountId, receipt_key: sr25519::Public },
		/// Node `who` heartbeated at `block`.
		HeartbeatReceived { who: T::AccountId, block: BlockNumberFor<T> },
		/// Node `who` came back from quarantine; its previous heartbeat was at `last_heartbeat`.
		NodeQuarantineLifted { who: T::AccountId, last_heartbeat: BlockNumberFor<T> },
		/// `who` started unbonding `amount` (planck), withdrawable from `unlock_at`.
		Unbonded { who: T::AccountId, amount: BalanceOf<T>, unlock_at: BlockNumberFor<T> },
		/// `who` withdrew `amount` (planck) of matured unbonding stake.
		Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// `who`'s bond is empty and was removed, with its node registration.
		BondClosed { who: T::AccountId },
		/// `amount` (planck) of `who`'s bond was slashed for `reason` and moved to the treasury.
		Slashed { who: T::AccountId, reason: SlashReason, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is below the role's collateral floor.
		BelowCollateralFloor,
		/// The account already has a bond (possibly one still unbonding).
		AlreadyBonded,
		/// The account has no bond.
		NotBonded,
		/// The amount is zero.
		ZeroAmount,
		/// The active validator set is full.
		TooManyValidators,
		/// The account is not bonded as an execution node.
		NotExecutionNode,
		/// The capabilities' compute class is not the class the node bonded for.
		ComputeClassMismatch,
		/// The receipt key is registered by another node.
		ReceiptKeyInUse,
		/// The account is not a registered execution node.
		NodeNotRegistered,
		/// The amount is more than the active stake.
		InsufficientActiveBond,
		/// The bond already has the maximum number of unbonding chunks.
		TooManyUnbondingChunks,
		/// No unbonding chunk has matured.
		NothingToWithdraw,
		/// A balance would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::HeartbeatEpoch::get().is_zero(), "HeartbeatEpoch must not be zero");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Bond `amount` for `role`, holding it under [`HoldReason::Bond`].
		///
		/// ## Dispatch Origin
		///
		/// Signed: the account that bonds.
		///
		/// ## Details
		///
		/// An account bonds for one role at a time. `amount` must reach the role's floor. A
		/// validator becomes active at once and joins [`Validators`]. An execution node must
		/// then `register_node` before it is eligible for jobs.
		///
		/// ## Events
		///
		/// [`Event::Bonded`].
		///
		/// ## Errors
		///
		/// - [`Error::AlreadyBonded`]: the account has a bond.
		/// - [`Error::ZeroAmount`]: `amount` is zero.
		/// - [`Error::BelowCollateralFloor`]: `amount` is below the role's floor.
		/// - [`Error::TooManyValidators`]: the validator set is full.
		/// - `FundsUnavailable` (token error): the account cannot hold `amount`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bond(T::MaxValidators::get()))]
		pub fn bond(origin: OriginFor<T>, role: Role, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let validators = Self::ensure_can_bond(&who, role, amount)?;
			Self::do_bond(&who, role, amount, validators)?;
			Self::deposit_event(Event::Bonded { who, role, amount });
			Ok(())
		}

		/// Add `amount` to the caller's active stake.
		///
		/// ## Dispatch Origin
		///
		/// Signed: a bonded account.
		///
		/// ## Details
		///
		/// Also tops a bond back up after a slash or a partial unbond; a validator whose active
		/// stake reaches the floor again rejoins [`Validators`].
		///
		/// ## Events
		///
		/// [`Event::BondedExtra`].
		///
		/// ## Errors
		///
		/// - [`Error::NotBonded`]: the caller has no bond.
		/// - [`Error::ZeroAmount`]: `amount` is zero.
		/// - [`Error::Overflow`]: the active stake would overflow.
		/// - [`Error::TooManyValidators`]: the validator would rejoin a full set.
		/// - `FundsUnavailable` (token error): the account cannot hold `amount`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::bond_extra(T::MaxValidators::get()))]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (bond, validators) = Self::ensure_can_bond_extra(&who, amount)?;
			Self::do_bond_extra(&who, amount, bond, validators)?;
			Self::deposit_event(Event::BondedExtra { who, amount });
			Ok(())
		}

		/// Register (or replace) the caller's receipt key and capabilities.
		///
		/// ## Dispatch Origin
		///
		/// Signed: an account bonded as an execution node.
		///
		/// ## Details
		///
		/// `receipt_key` is the sr25519 key the node signs receipts with; it must not belong to
		/// another node. `capabilities.compute_class` must be the class the node bonded for. The
		/// first registration counts as a heartbeat; a re-registration keeps the last heartbeat,
		/// so it cannot be used to leave quarantine (only `heartbeat` does).
		///
		/// ## Events
		///
		/// [`Event::NodeRegistered`].
		///
		/// ## Errors
		///
		/// - [`Error::NotBonded`]: the caller has no bond.
		/// - [`Error::NotExecutionNode`]: the caller is bonded for another role.
		/// - [`Error::ComputeClassMismatch`]: the capabilities declare another class.
		/// - [`Error::ReceiptKeyInUse`]: another node registered `receipt_key`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_node(capabilities.models.len() as u32))]
		pub fn register_node(
			origin: OriginFor<T>,
			receipt_key: sr25519::Public,
			capabilities: CapabilitiesOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let previous = Self::ensure_can_register_node(&who, &receipt_key, &capabilities)?;
			Self::do_register_node(&who, receipt_key, capabilities, previous);
			Self::deposit_event(Event::NodeRegistered { who, receipt_key });
			Ok(())
		}

		/// Signal that the caller's node is alive, optionally with GPU telemetry.
		///
		/// ## Dispatch Origin
		///
		/// Signed: a registered execution node.
		///
		/// ## Details
		///
		/// Nodes heartbeat at least once per [`Config::HeartbeatEpoch`]. A node that was
		/// quarantined (silent for more than `MaxMissedEpochs × HeartbeatEpoch` blocks) leaves
		/// quarantine, and [`Outcome::Quarantined`] is recorded with [`Config::Reputation`].
		/// Heartbeats are not rate limited beyond the transaction fee.
		///
		/// ## Events
		///
		/// [`Event::NodeQuarantineLifted`] (if it was quarantined), then
		/// [`Event::HeartbeatReceived`].
		///
		/// ## Errors
		///
		/// - [`Error::NodeNotRegistered`]: the caller is not a registered node.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::heartbeat())]
		pub fn heartbeat(origin: OriginFor<T>, metrics: Option<GpuMetrics>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (node, quarantined) = Self::ensure_can_heartbeat(&who)?;
			let last_heartbeat = node.last_heartbeat;
			let block = Self::do_heartbeat(&who, node, metrics, quarantined);
			if quarantined {
				Self::deposit_event(Event::NodeQuarantineLifted {
					who: who.clone(),
					last_heartbeat,
				});
			}
			Self::deposit_event(Event::HeartbeatReceived { who, block });
			Ok(())
		}

		/// Start unbonding `amount` of the caller's active stake.
		///
		/// ## Dispatch Origin
		///
		/// Signed: a bonded account.
		///
		/// ## Details
		///
		/// The amount stays held (and slashable) until `now + UnbondingPeriod`, then
		/// `withdraw_unbonded` releases it. If the active stake falls below the role's floor the
		/// account stops being an eligible node, active validator or relay. Unbonds in the same
		/// block share a chunk.
		///
		/// ## Events
		///
		/// [`Event::Unbonded`].
		///
		/// ## Errors
		///
		/// - [`Error::NotBonded`]: the caller has no bond.
		/// - [`Error::ZeroAmount`]: `amount` is zero.
		/// - [`Error::InsufficientActiveBond`]: `amount` is more than the active stake.
		/// - [`Error::TooManyUnbondingChunks`]: too many chunks are pending; withdraw first.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unbond(T::MaxValidators::get()))]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (bond, unlock_at, validators) = Self::ensure_can_unbond(&who, amount)?;
			Self::do_unbond(&who, bond, validators);
			Self::deposit_event(Event::Unbonded { who, amount, unlock_at });
			Ok(())
		}

		/// Release every matured unbonding chunk of the caller.
		///
		/// ## Dispatch Origin
		///
		/// Signed: a bonded account.
		///
		/// ## Details
		///
		/// When nothing is left, active or unbonding, the bond is removed together with the
		/// node registration and its receipt key.
		///
		/// ## Events
		///
		/// [`Event::Withdrawn`], then [`Event::BondClosed`] if the bond is now empty.
		///
		/// ## Errors
		///
		/// - [`Error::NotBonded`]: the caller has no bond.
		/// - [`Error::NothingToWithdraw`]: no chunk has matured.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded(T::MaxUnbondingChunks::get()))]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (bond, amount) = Self::ensure_can_withdraw_unbonded(&who)?;
			let closed = Self::do_withdraw_unbonded(&who, bond, amount)?;
			Self::deposit_event(Event::Withdrawn { who: who.clone(), amount });
			if closed {
				Self::deposit_event(Event::BondClosed { who });
			}
			Ok(())
		}

		/// Slash `fraction` of `who`'s bond (active and unbonding) to the treasury.
		///
		/// ## Dispatch Origin
		///
		/// [`Config::SlashOrigin`] (governance). Other pallets slash through [`StakeSlash`].
		///
		/// ## Details
		///
		/// The slashed amount is `fraction` of active plus unbonding stake, rounded down, taken
		/// from the active stake first, then from the unbonding chunks, soonest-unlocking first.
		/// A validator that falls below the floor leaves [`Validators`]; an emptied bond is
		/// removed.
		///
		/// ## Events
		///
		/// [`Event::Slashed`], then [`Event::BondClosed`] if the bond is now empty.
		///
		/// ## Errors
		///
		/// - `BadOrigin`: the origin is not [`Config::SlashOrigin`].
		/// - [`Error::NotBonded`]: `who` has no bond.
		/// - `CannotCreate` (token error): the treasury account cannot receive the amount.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::slash(T::MaxUnbondingChunks::get()))]
		pub fn slash(
			origin: OriginFor<T>,
			who: T::AccountId,
			reason: SlashReason,
			fraction: Perbill,
		) -> DispatchResult {
			T::SlashOrigin::ensure_origin(origin)?;
			let bond = Self::ensure_can_slash(&who)?;
			let (amount, closed) = Self::do_slash(&who, bond, fraction)?;
			Self::deposit_event(Event::Slashed { who: who.clone(), reason, amount });
			if closed {
				Self::deposit_event(Event::BondClosed { who });
			}
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The hold reason of bonds, as the runtime's hold reason.
	fn hold_reason() -> T::RuntimeHoldReason {
		HoldReason::Bond.into()
	}

	/// The collateral floor of `role`, in planck.
	pub fn floor_of(role: Role) -> BalanceOf<T> {
		match role {
			Role::ExecutionNode(ComputeClass::S) => T::FloorS::get(),
			Role::ExecutionNode(ComputeClass::M) => T::FloorM::get(),
			Role::ExecutionNode(ComputeClass::L) => T::FloorL::get(),
			Role::ExecutionNode(ComputeClass::XL) => T::FloorXL::get(),
			Role::Validator => T::ValidatorFloor::get(),
			Role::Relay => T::RelayFloor::get(),
		}
	}

	/// Whether `bond` meets its role's floor with a non-zero active stake.
	pub fn meets_floor(bond: &Bond<T>) -> bool {
		!bond.active.is_zero() && bond.active >= Self::floor_of(bond.role)
	}

	/// Blocks of silence after which a node is quarantined: `MaxMissedEpochs × HeartbeatEpoch`.
	pub fn quarantine_after() -> BlockNumberFor<T> {
		T::HeartbeatEpoch::get().saturating_mul(T::MaxMissedEpochs::get().into())
	}

	/// Whether `node` is quarantined at block `now`: silent for more than
	/// [`Pallet::quarantine_after`] blocks.
	pub fn is_quarantined_at(node: &NodeRecord<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(node.last_heartbeat) > Self::quarantine_after()
	}

	/// Whether `who` is a registered node that is quarantined now.
	pub fn is_quarantined(who: &T::AccountId) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		NodeInfo::<T>::get(who).is_some_and(|node| Self::is_quarantined_at(&node, now))
	}

	/// `validators` with `who` inserted in order (unchanged if present).
	fn with_validator(
		mut validators: BoundedVec<T::AccountId, T::MaxValidators>,
		who: &T::AccountId,
	) -> Result<BoundedVec<T::AccountId, T::MaxValidators>, Error<T>> {
		if let Err(index) = validators.binary_search(who) {
			validators.try_insert(index, who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
		}
		Ok(validators)
	}

	/// The validator set after `who`'s bond changed to `bond`: `None` if unchanged.
	fn validators_after(
		who: &T::AccountId,
		bond: &Bond<T>,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxValidators>>, Error<T>> {
		if bond.role != Role::Validator {
			return Ok(None);
		}
		let mut validators = Validators::<T>::get();
		let position = validators.binary_search(who);
		match (Self::meets_floor(bond), position) {
			(true, Err(_)) => Self::with_validator(validators, who).map(Some),
			(false, Ok(index)) => {
				validators.remove(index);
				Ok(Some(validators))
			}
			_ => Ok(None),
		}
	}

	/// Checks for [`Pallet::bond`]. Returns the new validator set if it changes.
	pub fn ensure_can_bond(
		who: &T::AccountId,
		role: Role,
		amount: BalanceOf<T>,
	) -> Result<Option<BoundedVec<T::AccountId, T::MaxValidators>>, DispatchError> {
		ensure!(!Bonds::<T>::contains_key(who), Error::<T>::AlreadyBonded);
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(amount >= Self::floor_of(role), Error::<T>::BelowCollateralFloor);
		let validators = if role == Role::Validator {
			Some(Self::with_validator(Validators::<T>::get(), who)?)
		} else {
			None
		};
		T::Currency::ensure_can_hold(&Self::hold_reason(), who, amount)?;
		Ok(validators)
	}

	/// Writes of [`Pallet::bond`]: hold `amount`, create the bond, update the validator set.
	pub fn do_bond(
		who: &T::AccountId,
		role: Role,
		amount: BalanceOf<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) -> DispatchResult {
		T::Currency::hold(&Self::hold_reason(), who, amount)?;
		let bond = Bond::<T> {
			role,
			active: amount,
			unbonding: BoundedVec::new(),
			since: frame_system::Pallet::<T>::block_number(),
		};
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
		Ok(())
	}

	/// Checks for [`Pallet::bond_extra`]. Returns the updated bond and the new validator set if
	/// it changes.
	pub fn ensure_can_bond_extra(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(Bond<T>, Option<BoundedVec<T::AccountId, T::MaxValidators>>), DispatchError> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		bond.active = bond.active.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		let validators = Self::validators_after(who, &bond)?;
		T::Currency::ensure_can_hold(&Self::hold_reason(), who, amount)?;
		Ok((bond, validators))
	}

	/// Writes of [`Pallet::bond_extra`].
	pub fn do_bond_extra(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		bond: Bond<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) -> DispatchResult {
		T::Currency::hold(&Self::hold_reason(), who, amount)?;
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
		Ok(())
	}

	/// Checks for [`Pallet::register_node`]. Returns the node's current record, if registered.
	pub fn ensure_can_register_node(
		who: &T::AccountId,
		receipt_key: &sr25519::Public,
		capabilities: &CapabilitiesOf<T>,
	) -> Result<Option<NodeRecord<T>>, DispatchError> {
		let bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		let Role::ExecutionNode(class) = bond.role else {
			return Err(Error::<T>::NotExecutionNode.into());
		};
		ensure!(capabilities.compute_class == class, Error::<T>::ComputeClassMismatch);
		if let Some(owner) = ReceiptKeys::<T>::get(receipt_key) {
			ensure!(&owner == who, Error::<T>::ReceiptKeyInUse);
		}
		Ok(NodeInfo::<T>::get(who))
	}

	/// Writes of [`Pallet::register_node`]: replace the key index entry and the record. A first
	/// registration counts as a heartbeat; a re-registration keeps the last heartbeat and
	/// metrics.
	pub fn do_register_node(
		who: &T::AccountId,
		receipt_key: sr25519::Public,
		capabilities: CapabilitiesOf<T>,
		previous: Option<NodeRecord<T>>,
	) {
		let now = frame_system::Pallet::<T>::block_number();
		let (last_heartbeat, last_metrics) = match previous {
			Some(old) => {
				if old.receipt_key != receipt_key {
					ReceiptKeys::<T>::remove(old.receipt_key);
				}
				(old.last_heartbeat, old.last_metrics)
			}
			None => (now, None),
		};
		ReceiptKeys::<T>::insert(receipt_key, who.clone());
		NodeInfo::<T>::insert(
			who,
			NodeRecord::<T> { receipt_key, capabilities, last_heartbeat, last_metrics },
		);
	}

	/// Checks for [`Pallet::heartbeat`]. Returns the node's record and whether it is
	/// quarantined now.
	pub fn ensure_can_heartbeat(who: &T::AccountId) -> Result<(NodeRecord<T>, bool), Error<T>> {
		let node = NodeInfo::<T>::get(who).ok_or(Error::<T>::NodeNotRegistered)?;
		let quarantined = Self::is_quarantined_at(&node, frame_system::Pallet::<T>::block_number());
		Ok((node, quarantined))
	}

	/// Writes of [`Pallet::heartbeat`]: record the quarantine with the reputation pallet if
	/// there was one, store the heartbeat. Returns the current block.
	pub fn do_heartbeat(
		who: &T::AccountId,
		mut node: NodeRecord<T>,
		metrics: Option<GpuMetrics>,
		quarantined: bool,
	) -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		if quarantined {
			T::Reputation::record(who, Outcome::Quarantined);
		}
		node.last_heartbeat = now;
		node.last_metrics = metrics;
		NodeInfo::<T>::insert(who, node);
		now
	}

	/// Checks for [`Pallet::unbond`]. Returns the updated bond, the unlock block and the new
	/// validator set if it changes.
	pub fn ensure_can_unbond(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<
		(Bond<T>, BlockNumberFor<T>, Option<BoundedVec<T::AccountId, T::MaxValidators>>),
		DispatchError,
	> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		bond.active = bond.active.checked_sub(&amount).ok_or(Error::<T>::InsufficientActiveBond)?;
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		match bond.unbonding.last_mut() {
			Some(last) if last.unlock_at == unlock_at => {
				last.amount = last.amount.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
			}
			_ => bond
				.unbonding
				.try_push(UnlockChunk { amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		let validators = Self::validators_after(who, &bond)?;
		Ok((bond, unlock_at, validators))
	}

	/// Writes of [`Pallet::unbond`].
	pub fn do_unbond(
		who: &T::AccountId,
		bond: Bond<T>,
		validators: Option<BoundedVec<T::AccountId, T::MaxValidators>>,
	) {
		Bonds::<T>::insert(who, bond);
		if let Some(validators) = validators {
			Validators::<T>::put(validators);
		}
	}

	/// Checks for [`Pallet::withdraw_unbonded`]. Returns the bond without its matured chunks
	/// and the amount they hold.
	pub fn ensure_can_withdraw_unbonded(
		who: &T::AccountId,
	) -> Result<(Bond<T>, BalanceOf<T>), Error<T>> {
		let mut bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut amount = BalanceOf::<T>::zero();
		for chunk in bond.unbonding.iter().filter(|chunk| chunk.unlock_at <= now) {
			amount = amount.checked_add(&chunk.amount).ok_or(Error::<T>::Overflow)?;
		}
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
		bond.unbonding.retain(|chunk| chunk.unlock_at > now);
		Ok((bond, amount))
	}

	/// Writes of [`Pallet::withdraw_unbonded`]: release `amount`, store or close the bond.
	/// Returns whether the bond was closed.
	pub fn do_withdraw_unbonded(
		who: &T::AccountId,
		bond: Bond<T>,
		amount: BalanceOf<T>,
	) -> Result<bool, DispatchError> {
		T::Currency::release(&Self::hold_reason(), who, amount, Precision::Exact)?;
		Ok(Self::store_or_close(who, bond))
	}

	/// Store `bond`, or remove it with the node registration if it is empty. Returns whether
	/// it was removed.
	fn store_or_close(who: &T::AccountId, bond: Bond<T>) -> bool {
		if bond.is_empty() {
			Bonds::<T>::remove(who);
			if let Some(node) = NodeInfo::<T>::take(who) {
				ReceiptKeys::<T>::remove(node.receipt_key);
			}
			Validators::<T>::mutate(|validators| {
				if let Ok(index) = validators.binary_search(who) {
					validators.remove(index);
				}
			});
			true
		} else {
			Bonds::<T>::insert(who, bond);
			false
		}
	}

	/// Checks for [`Pallet::slash`]: `who` is bonded. Returns the bond.
	pub fn ensure_can_slash(who: &T::AccountId) -> Result<Bond<T>, Error<T>> {
		Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)
	}

	/// Writes of a slash: move `fraction` of `bond`'s total (rounded down) from `who`'s hold to
	/// the treasury, taking it from the active stake first, then from the unbonding chunks in
	/// order; fix the validator set; store or close the bond. Returns the amount slashed and
	/// whether the bond was closed. Nothing is written on error.
	pub fn do_slash(
		who: &T::AccountId,
		mut bond: Bond<T>,
		fraction: Perbill,
	) -> Result<(BalanceOf<T>, bool), DispatchError> {
		let wanted = fraction.mul_floor(bond.total());
		if wanted.is_zero() {
			return Ok((wanted, false));
		}
		let slashed = T::Currency::transfer_on_hold(
			&Self::hold_reason(),
			who,
			&T::TreasuryAccount::get(),
			wanted,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)?;
		let from_active = slashed.min(bond.active);
		bond.active = bond.active.saturating_sub(from_active);
		let mut rest = slashed.saturating_sub(from_active);
		for chunk in bond.unbonding.iter_mut() {
			if rest.is_zero() {
				break;
			}
			let taken = rest.min(chunk.amount);
			chunk.amount = chunk.amount.saturating_sub(taken);
			rest = rest.saturating_sub(taken);
		}
		bond.unbonding.retain(|chunk| !chunk.amount.is_zero());
		if !rest.is_zero() {
			log::error!(target: LOG_TARGET, "slash of {who:?} exceeded its ledger by {rest:?}");
		}
		// Leaving the set never fails (only joining can hit the bound, and a slash never joins).
		if let Ok(Some(validators)) = Self::validators_after(who, &bond) {
			Validators::<T>::put(validators);
		}
		let closed = Self::store_or_close(who, bond);
		Ok((slashed, closed))
	}

	/// `who`'s standing, for the runtime API: the bonded role (also while only unbonding
	/// stake is left), active stake and unbonding stake in planck, and whether the node is
	/// quarantined.
	pub fn standing(who: &T::AccountId) -> (Option<Role>, BalanceOf<T>, BalanceOf<T>, bool) {
		match Bonds::<T>::get(who) {
			Some(bond) => {
				(Some(bond.role), bond.active, bond.unbonding_total(), Self::is_quarantined(who))
			}
			None => (None, Zero::zero(), Zero::zero(), false),
		}
	}

	/// Check the pallet's invariants:
	///
	/// 1. For every bond, active plus unbonding stake equals the balance held on the account
	///    under [`HoldReason::Bond`]; no bond is empty and no unbonding chunk is zero.
	/// 2. [`Validators`] is sorted strictly ascending (so without duplicates), and its members
	///    are exactly the accounts bonded as validators whose active stake meets the floor. (A
	///    runtime upgrade that changes `ValidatorFloor` must rebuild the set in a migration.)
	/// 3. [`ReceiptKeys`] and [`NodeInfo`] agree: every key maps to a node that registered it
	///    and every node's key maps back to it.
	/// 4. Every registered node has a bond as an execution node.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut expected_validators = Vec::new();
		for (who, bond) in Bonds::<T>::iter() {
			let held = T::Currency::balance_on_hold(&Self::hold_reason(), &who);
			ensure!(bond.total() == held, "bond ledger differs from the held balance");
			ensure!(!bond.is_empty(), "empty bond left in storage");
			ensure!(
				bond.unbonding.iter().all(|chunk| !chunk.amount.is_zero()),
				"zero unbonding chunk"
			);
			if bond.role == Role::Validator && Self::meets_floor(&bond) {
				expected_validators.push(who);
			}
		}
		expected_validators.sort();
		let validators = Validators::<T>::get();
		ensure!(
			validators.windows(2).all(|pair| matches!(pair, [a, b] if a < b)),
			"validators not strictly sorted"
		);
		ensure!(validators.into_inner() == expected_validators, "validator set out of date");
		for (key, who) in ReceiptKeys::<T>::iter() {
			let node = NodeInfo::<T>::get(&who).ok_or("receipt key of an unregistered node")?;
			ensure!(node.receipt_key == key, "receipt key index out of date");
		}
		for (who, node) in NodeInfo::<T>::iter() {
			ensure!(
				ReceiptKeys::<T>::get(node.receipt_key).as_ref() == Some(&who),
				"node key missing from the index"
			);
			let bond = Bonds::<T>::get(&who).ok_or("registered node without a bond")?;
			ensure!(
				matches!(bond.role, Role::ExecutionNode(_)),
				"registered node not bonded as a node"
			);
		}
		Ok(())
	}
}

impl<T: Config> StakeInspect<T::AccountId> for Pallet<T> {
	fn role(who: &T::AccountId) -> Option<Role> {
		Bonds::<T>::get(who).filter(|bond| !bond.active.is_zero()).map(|bond| bond.role)
	}

	fn is_eligible_node(who: &T::AccountId, class: ComputeClass) -> bool {
		let Some(bond) = Bonds::<T>::get(who) else { return false };
		let Role::ExecutionNode(bonded) = bond.role else { return false };
		if !bonded.serves(class) || !Self::meets_floor(&bond) {
			return false;
		}
		let now = frame_system::Pallet::<T>::block_number();
		NodeInfo::<T>::get(who).is_some_and(|node| !Self::is_quarantined_at(&node, now))
	}

	fn receipt_key(who: &T::AccountId) -> Option<sr25519::Public> {
		NodeInfo::<T>::get(who).map(|node| node.receipt_key)
	}

	fn is_active_validator(who: &T::AccountId) -> bool {
		Validators::<T>::get().binary_search(who).is_ok()
	}

	fn is_relay(who: &T::AccountId) -> bool {
		Bonds::<T>::get(who)
			.is_some_and(|bond| bond.role == Role::Relay && Self::meets_floor(&bond))
	}

	fn active_validators() -> Vec<T::AccountId> {
		Validators::<T>::get().into_inner()
	}
}

impl<T: Config> StakeSlash<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn slash(who: &T::AccountId, reason: SlashReason, fraction: Perbill) -> BalanceOf<T> {
		let Ok(bond) = Self::ensure_can_slash(who) else { return Zero::zero() };
		match Self::do_slash(who, bond, fraction) {
			Ok((amount, closed)) => {
				Self::deposit_event(Event::Slashed { who: who.clone(), reason, amount });
				if closed {
					Self::deposit_event(Event::BondClosed { who: who.clone() });
				}
				amount
			}
			Err(e) => {
				log::error!(target: LOG_TARGET, "slash of {who:?} failed: {e:?}");
				Zero::zero()
			}
		}
	}
}
