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
//! // The receipt key proves possession: it signs (domain, genesis hash, account).
//! let proof = key.sign(&receipt_key_proof_payload(&who, genesis_hash));
//! StakeGuard::register_node(origin.clone(), key.public(), proof, capabilities)?;
//! StakeGuard::heartbeat(origin, Some(metrics))?;
//! assert!(<StakeGuard as StakeInspect<_>>::is_eligible_node(&who, ComputeClass::S));
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

extern crate alloc;

pub use pallet::*;

pub mod types;
pub mod weights;

mod bond;
mod impls;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod node;
mod slash;
mod unbond;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::fungible};
use havn_primitives::{traits::ReputationHooks, Role, SlashReason};
use sp_core::sr25519;
use sp_runtime::{traits::Zero, Perbill};
// Only doc links name these here; the code that uses them is in the impl files.
#[cfg(doc)]
use havn_primitives::{
	traits::{Outcome, StakeInspect, StakeSlash},
	ComputeClass,
};

/// Balance type of the currency bonds are held in (HAI planck in the Havn runtime).
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::stake-guard";

// The pallet macro's expansion (metadata, storage info) contains `expect`s. The module holds only
// the declarations and the thin calls; the logic lives in the impl files (`bond`, `node`,
// `unbond`, `slash`, `impls`, `invariants`), which stay linted.
#[allow(clippy::expect_used, clippy::unwrap_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	///
	/// - 0: genesis layout.
	/// - 1: the runtime's StakeGuard parameter `DowntimeSlash` (stored by `pallet-parameters`,
	///   never read) is gone; the runtime's `migrations::DropDowntimeSlash` removes a stored
	///   value and is versioned on this pallet, whose knob it was. This pallet's own storage did
	///   not change.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the StakeGuard pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config<Hash = sp_core::H256> {
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
		/// The proof is not the receipt key's signature over
		/// `receipt_key_proof_payload(caller, genesis_hash)`.
		BadReceiptKeyProof,
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
		/// another node, and `proof` is its signature over
		/// [`receipt_key_proof_payload`](havn_primitives::proofs::receipt_key_proof_payload)`(caller,
		/// genesis_hash)` (the SCALE encoding of `(b"havn/rkey/v1\0\0\0\0", genesis_hash,
		/// caller)`): proof of possession, so that nobody can register a key they do not hold
		/// (and lock its owner out with [`Error::ReceiptKeyInUse`]). `capabilities.compute_class` must be the class the node bonded for. The
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
		/// - [`Error::BadReceiptKeyProof`]: `proof` is not `receipt_key`'s signature for the caller
		///   on this chain.
		/// - [`Error::ReceiptKeyInUse`]: another node registered `receipt_key`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_node(capabilities.models.len() as u32))]
		pub fn register_node(
			origin: OriginFor<T>,
			receipt_key: sr25519::Public,
			proof: sr25519::Signature,
			capabilities: CapabilitiesOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let previous =
				Self::ensure_can_register_node(&who, &receipt_key, &proof, &capabilities)?;
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
