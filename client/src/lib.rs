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
//! - [`keys`]: signers from a secret URI (`//Alice`, a mnemonic) or a polkadot.js keystore file,
//!   and SS58 formatting of accounts (prefix 42).
//! - [`artifacts`]: the HTTP client of the orchestrator's content-addressed artifact store.
//! - [`convert`]: conversions between `havn-primitives` types and the generated ones.
//!
//! Units: balances are HAI planck (10^12 planck = 1 HAI), block numbers are `u32` on-chain.

pub mod artifacts;
mod client;
pub mod convert;
mod error;
pub mod keys;

pub use client::{HavnClient, Included};
pub use error::ClientError;
pub use subxt;
pub use subxt_signer;

/// The static interface generated from `artifacts/havn.scale`.
#[subxt::subxt(
	runtime_metadata_path = "../artifacts/havn.scale",
	derive_for_all_types = "Clone, ::codec::Encode, ::codec::Decode"
)]
pub mod api {}

/// The chain configuration: Havn uses Substrate's standard transaction extensions, `AccountId32`
/// accounts, `MultiAddress` and `MultiSignature`.
pub type HavnConfig = subxt::SubstrateConfig;
/// An account on Havn.
pub type AccountId = subxt::utils::AccountId32;
/// An sr25519 signer.
pub type Signer = subxt_signer::sr25519::Keypair;
