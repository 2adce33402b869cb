//! # Havn runtime
//!
//! The state-transition function of the Havn appchain. It composes:
//!
//! - **Core**: System, Timestamp, Aura (block production), GRANDPA (finality), Balances (the HAI
//!   token, 12 decimals), TransactionPayment, Utility, Multisig, and Sudo (dev and testnet specs).
//! - **Governance** (FRAME's own pallets): a Council (`pallet-collective`) that approves Treasury
//!   spends, `pallet-parameters` holding every economic knob (see [`configs::parameters`]), and an
//!   emergency pause (`pallet-safe-mode`, entered and exited by the Council) plus `pallet-tx-pause`
//!   for pausing single calls.
//! - **The flywheel**: WorkflowRegistry, StakeGuard, ExecutionLog, PayoutRouter, Reputation and
//!   Faucet.
//!
//! Queries are served by the typed `HavnApi` runtime API ([`havn_primitives::api`]), next to the
//! standard Substrate APIs, so polkadot.js and subxt need no custom types.
//!
//! ## The HAI token
//! 1 HAI = 10^12 planck ([`HAI`]). The existential deposit is [`EXISTENTIAL_DEPOSIT`] = 0.001 HAI
//! (10^9 planck): an account whose free plus held balance falls below it is reaped. Bonds, escrow,
//! deposits and challenge bonds are fungible holds and count towards it.
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to a great deal of code.
#![recursion_limit = "512"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod migrations;

extern crate alloc;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use havn_primitives::{Balance, BlockNumber, HAI, MICRO_HAI, MILLI_HAI};
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types, used by the node to handle blocks without knowing the runtime's extrinsic
/// format.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a block-producing authority: Aura (sr25519) and GRANDPA (ed25519).
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// Runtime version. `spec_version` is bumped on every runtime change that reaches a live chain.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("havn"),
	impl_name: alloc::borrow::Cow::Borrowed("havn-node"),
	authoring_version: 1,
	spec_version: 106,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Target block time, in ms. Aura slots have this length; it cannot change on a live chain.
pub const MILLI_SECS_PER_BLOCK: u64 = 3_000;
/// Aura slot duration, in ms.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// One minute, in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// One hour, in blocks.
pub const HOURS: BlockNumber = MINUTES * 60;
/// One day, in blocks.
pub const DAYS: BlockNumber = HOURS * 24;

/// Existential deposit: 0.001 HAI (10^9 planck). Accounts below it are reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_HAI;

/// Transaction signature: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account id: the 32-byte public key of the signature scheme (SS58 prefix 42).
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Transaction index of an account.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// Address format of transaction senders and call arguments.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Signed block, with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, checked in order for every signed transaction.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// Whether `encoded` decodes, whole, as an [`UncheckedExtrinsic`] within the nesting limit
/// (`frame_support::MAX_EXTRINSIC_DEPTH`), as the block import and `validate_transaction`
/// decode it; `InvalidTransaction::Call` if not. The node asks this
/// (`havn_primitives::api::ExtrinsicCheckApi`) before it validates a transaction, so bytes the
/// runtime cannot decode never reach `validate_transaction`'s API glue, which traps on them.
pub fn check_extrinsic(
	encoded: &[u8],
) -> Result<(), sp_runtime::transaction_validity::TransactionValidityError> {
	use codec::DecodeLimit;
	UncheckedExtrinsic::decode_all_with_depth_limit(
		frame_support::MAX_EXTRINSIC_DEPTH,
		&mut &encoded[..],
	)
	.map(|_| ())
	.map_err(|_| sp_runtime::transaction_validity::InvalidTransaction::Call.into())
}

/// The payload signed by a transaction's sender.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Runtime migrations beyond the pallets' own, run by [`Executive`] on a runtime upgrade.
pub type Migrations = migrations::Migrations;

/// Dispatches extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// Core.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(8)]
	pub type Multisig = pallet_multisig;

	// Governance.
	#[runtime::pallet_index(10)]
	pub type Council = pallet_collective<Instance1>;
	#[runtime::pallet_index(11)]
	pub type Treasury = pallet_treasury;
	#[runtime::pallet_index(12)]
	pub type Parameters = pallet_parameters;
	#[runtime::pallet_index(13)]
	pub type SafeMode = pallet_safe_mode;
	#[runtime::pallet_index(14)]
	pub type TxPause = pallet_tx_pause;

	// The flywheel.
	#[runtime::pallet_index(20)]
	pub type WorkflowRegistry = pallet_workflow_registry;
	#[runtime::pallet_index(21)]
	pub type StakeGuard = pallet_stake_guard;
	#[runtime::pallet_index(22)]
	pub type ExecutionLog = pallet_execution_log;
	#[runtime::pallet_index(23)]
	pub type PayoutRouter = pallet_payout_router;
	#[runtime::pallet_index(24)]
	pub type Reputation = pallet_reputation;
	#[runtime::pallet_index(25)]
	pub type Faucet = pallet_faucet;
}
