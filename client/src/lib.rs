//! # Havn client
//!
//! Typed access to a Havn chain for the off-chain services (`havn-exec`, `havn-orchestrator`,
//! the `havn` CLI):
//!
//! - [`api`]: static subxt codegen from the committed `artifacts/havn.scale` (refreshed by
//!   `scripts/update-metadata.sh`; the `metadata` test fails when it and the runtime disagree).
//!   Calls are `api::tx().execution_log().submit_job(..)`, storage `api::storage()…`, runtime
//!   APIs `api::runtime_apis().havn_api().job(..)`, events `api::execution_log::events::…`.
//! - [`HavnClient`]: a connection with retry, transaction submission that serialises nonces per
//!   signer and maps failures to typed [`ClientError`]s (`Pallet::Error`), and helpers for the
//!   runtime API and storage the services read.
//! - [`logs`]: the daemons' log set-up (`--log-format`, `--log-filter`).
//! - [`keys`]: signers from a secret URI (`//Alice`, a mnemonic) or a polkadot.js keystore file,
//!   and SS58 formatting of accounts (prefix 42).
//! - [`view`]: chain views the services share (live runtime parameters, a job under attestation).
//! - [`errors`]: the pallets' typed errors, to match a failed extrinsic against.
//! - [`args`]: the command-line vocabulary the binaries share (`--chain`, `--orchestrator`,
//!   `--suri`, `--keystore`, compute classes), documented once.
//! - [`amount`]: HAI amounts, parsed and printed the same way by every binary.
//! - [`artifacts`]: the HTTP client of the orchestrator's content-addressed artifact store.
//!
//! Units: balances are HAI planck (10^12 planck = 1 HAI), block numbers are `u32` on-chain.

pub mod amount;
pub mod args;
pub mod artifacts;
mod client;
mod error;
pub mod keys;
pub mod logs;
pub mod view;

pub use args::{DEFAULT_CHAIN, DEFAULT_ORCHESTRATOR};
pub use client::{HavnClient, Included};
pub use error::ClientError;
pub use subxt;
pub use subxt::utils::Static;
pub use subxt_signer;

/// The static interface generated from `artifacts/havn.scale`.
///
/// Every type the runtime takes from `havn-primitives` is substituted by the primitives type
/// itself, wrapped in [`subxt::utils::Static`] (which encodes and decodes it with its own SCALE
/// codec and derefs to it), so calls take and events give `ComputeClass`, `Receipt`, `Verdict`,
/// `JobPhase`, `RoyaltySplit`… with no conversion; bounded vectors are plain `Vec`s (the runtime
/// enforces the bound and answers with a typed error). The `metadata` test keeps the file and the
/// runtime in step, so the SCALE layouts cannot drift apart.
#[subxt::subxt(
	runtime_metadata_path = "../artifacts/havn.scale",
	derive_for_all_types = "Clone, ::codec::Encode, ::codec::Decode",
	substitute_type(
		path = "havn_primitives::ComputeClass",
		with = "::subxt::utils::Static<::havn_primitives::ComputeClass>"
	),
	substitute_type(
		path = "havn_primitives::WorkflowKind",
		with = "::subxt::utils::Static<::havn_primitives::WorkflowKind>"
	),
	substitute_type(
		path = "havn_primitives::Role",
		with = "::subxt::utils::Static<::havn_primitives::Role>"
	),
	substitute_type(
		path = "havn_primitives::SlashReason",
		with = "::subxt::utils::Static<::havn_primitives::SlashReason>"
	),
	substitute_type(
		path = "havn_primitives::ReputationLevel",
		with = "::subxt::utils::Static<::havn_primitives::ReputationLevel>"
	),
	substitute_type(
		path = "havn_primitives::receipt::Receipt",
		with = "::subxt::utils::Static<::havn_primitives::Receipt>"
	),
	substitute_type(
		path = "havn_primitives::receipt::Attestation",
		with = "::subxt::utils::Static<::havn_primitives::Attestation>"
	),
	substitute_type(
		path = "havn_primitives::receipt::Verdict",
		with = "::subxt::utils::Static<::havn_primitives::Verdict>"
	),
	substitute_type(
		path = "havn_primitives::receipt::ReleaseReason",
		with = "::subxt::utils::Static<::havn_primitives::ReleaseReason>"
	),
	substitute_type(
		path = "havn_primitives::royalty::RoyaltySplit",
		with = "::subxt::utils::Static<::havn_primitives::RoyaltySplit>"
	),
	substitute_type(
		path = "havn_primitives::royalty::FeeShares",
		with = "::subxt::utils::Static<::havn_primitives::FeeShares>"
	),
	substitute_type(
		path = "havn_primitives::traits::Outcome",
		with = "::subxt::utils::Static<::havn_primitives::traits::Outcome>"
	),
	substitute_type(
		path = "havn_primitives::api::JobPhase",
		with = "::subxt::utils::Static<::havn_primitives::api::JobPhase>"
	),
	substitute_type(
		path = "havn_primitives::api::QuoteError",
		with = "::subxt::utils::Static<::havn_primitives::api::QuoteError>"
	),
	substitute_type(
		path = "havn_primitives::api::Lineage",
		with = "::subxt::utils::Static<::havn_primitives::api::Lineage>"
	),
	substitute_type(
		path = "havn_primitives::api::FeeQuote<Balance>",
		with = "::subxt::utils::Static<::havn_primitives::api::FeeQuote<Balance>>"
	),
	substitute_type(
		path = "havn_primitives::api::WorkflowEarnings<Balance>",
		with = "::subxt::utils::Static<::havn_primitives::api::WorkflowEarnings<Balance>>"
	),
	substitute_type(
		path = "havn_primitives::api::AccountStanding<Balance>",
		with = "::subxt::utils::Static<::havn_primitives::api::AccountStanding<Balance>>"
	),
	substitute_type(
		path = "havn_primitives::api::JobView<AccountId, Balance, BlockNumber>",
		with = "::subxt::utils::Static<::havn_primitives::api::JobView<AccountId, Balance, BlockNumber>>"
	),
	substitute_type(
		path = "bounded_collections::bounded_vec::BoundedVec<T>",
		with = "::std::vec::Vec<T>"
	),
	substitute_type(
		path = "bounded_collections::weak_bounded_vec::WeakBoundedVec<T>",
		with = "::std::vec::Vec<T>"
	)
)]
pub mod api {}

/// The typed errors of Havn's pallets, to match a failed extrinsic's
/// [`ClientError::module_error`] against: `Some(api::Error::ExecutionLog(ExecutionLogError::BadPhase))`.
pub mod errors {
	pub use crate::api::{
		runtime_types::{
			pallet_execution_log::pallet::Error as ExecutionLogError,
			pallet_faucet::pallet::Error as FaucetError,
			pallet_payout_router::pallet::Error as PayoutRouterError,
			pallet_reputation::pallet::Error as ReputationError,
			pallet_stake_guard::pallet::Error as StakeGuardError,
			pallet_workflow_registry::pallet::Error as WorkflowRegistryError,
		},
		Error as RuntimeError,
	};
}

/// The chain configuration: Havn uses Substrate's standard transaction extensions, `AccountId32`
/// accounts, `MultiAddress` and `MultiSignature`.
pub type HavnConfig = subxt::SubstrateConfig;
/// An account on Havn.
pub type AccountId = subxt::utils::AccountId32;
/// An sr25519 signer.
pub type Signer = subxt_signer::sr25519::Keypair;
