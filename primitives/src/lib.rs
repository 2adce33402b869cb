//! # Havn primitives
//!
//! Types shared by the Havn runtime, its pallets and its off-chain services (orchestrator,
//! `havn-exec`, the `havn` CLI). Everything here is `no_std`, SCALE-encodable and bounded
//! (`MaxEncodedLen`), so the same bytes are produced and checked on-chain and off-chain.
//!
//! - [`royalty`]: the five-way royalty split and the planck-exact fee split.
//! - [`receipt`]: the execution receipt a node signs, and the attestation validators sign, with
//!   their domain-separated signing payloads.
//! - [`traits`]: the traits through which the Havn pallets call each other (stake, slashing,
//!   reputation, workflows, payouts).
//! - [`api`]: the `HavnApi` runtime API and the records it returns.
//! - [`manifest`]: the workflow manifest schema (`havn.workflow/v1`) and its validation.
//! - [`rules`]: pure chain rules applied identically on-chain and off-chain (a job's reference
//!   hash, whether an attestation can be accepted).
//! - [`proofs`]: what binds a value to the account registering it (a manifest commitment before
//!   publication, a receipt key's proof of possession).
//! - `cid` (with `std`): CIDv1 content identifiers of artifacts.
//!
//! Names: every enum here has one name per variant, shared by the REST API, the indexer's rows,
//! the CLI and the logs: `Display`, `FromStr` and `Into<&'static str>` (derived with `strum`) and
//! serde agree, in snake_case (`finalized`, `execution_node`), except compute classes, which are
//! `S`, `M`, `L` and `XL` (parsed case-insensitively). `VARIANTS` lists them.
//!
//! Units: balances are HAI planck (1 HAI = 10^12 planck, see [`HAI`]); durations on-chain are
//! blocks; latencies are milliseconds.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod api;
#[cfg(feature = "std")]
pub mod cid;
pub mod manifest;
pub mod proofs;
pub mod receipt;
pub mod royalty;
pub mod rules;
pub mod traits;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

pub use receipt::{
	Attestation, AttestationPayload, Receipt, ReceiptPayload, ReleaseReason, Verdict,
	ATTESTATION_DOMAIN, RECEIPT_DOMAIN,
};
pub use royalty::{FeeShares, MinShares, RoyaltySplit, ShareBelowFloor};

/// Balance of an account, in HAI planck.
pub type Balance = u128;
/// Block number.
pub type BlockNumber = u32;
/// Identifier of a registered workflow (also models, LoRAs and prompts: see [`WorkflowKind`]).
pub type WorkflowId = u64;
/// Identifier of a job submitted to the ExecutionLog.
pub type JobId = u64;
/// 32-byte digest (blake2-256 unless stated otherwise).
pub type Digest = sp_core::H256;

/// Number of decimals of HAI.
pub const DECIMALS: u8 = 12;
/// One HAI, in planck (10^12).
pub const HAI: Balance = 1_000_000_000_000;
/// One milli-HAI, in planck (10^9).
pub const MILLI_HAI: Balance = HAI / 1_000;
/// One micro-HAI, in planck (10^6).
pub const MICRO_HAI: Balance = HAI / 1_000_000;

/// Compute class of an execution node and of a job. Bigger classes need more collateral and
/// charge a higher fee multiplier (both are runtime parameters).
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
	PartialOrd,
	Ord,
	serde::Serialize,
	serde::Deserialize,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[strum(ascii_case_insensitive)]
pub enum ComputeClass {
	/// Small: CPU or a small GPU; embeddings, small LLMs, audio.
	S,
	/// Medium: one consumer GPU.
	M,
	/// Large: one data-centre GPU.
	L,
	/// Extra large: several data-centre GPUs.
	XL,
}

impl ComputeClass {
	/// Every class, smallest first.
	pub const ALL: [ComputeClass; 4] = [Self::S, Self::M, Self::L, Self::XL];

	/// Whether a node bonded for `self` can run a job of class `job`: a node serves its own class
	/// and every smaller one.
	pub fn serves(self, job: ComputeClass) -> bool {
		self >= job
	}
}

/// What a registered entry in the WorkflowRegistry is. Models, LoRAs and prompts are registered
/// like workflows so that workflows can depend on them and their creators earn upstream royalties.
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
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum WorkflowKind {
	/// A runnable workflow (a manifest of executor steps).
	Workflow,
	/// A model's weights.
	Model,
	/// A LoRA adapter.
	Lora,
	/// A prompt or prompt template.
	Prompt,
}

/// The role an account bonds for in StakeGuard.
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
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
	/// Runs jobs of the given compute class (and smaller) and signs receipts.
	ExecutionNode(ComputeClass),
	/// Checks receipts, re-executes sampled jobs and attests.
	Validator,
	/// Routes jobs to nodes (`assign`); the orchestrator bonds as a relay.
	Relay,
}

/// Why stake is slashed.
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
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SlashReason {
	/// A receipt or attestation that was shown to be false.
	Fraud,
	/// Missed heartbeats or a job left to expire.
	Downtime,
	/// Validators attesting together against the evidence.
	Collusion,
}

/// Reputation level derived from the score; routing and sampling read it.
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
	PartialOrd,
	Ord,
	serde::Serialize,
	serde::Deserialize,
	strum::Display,
	strum::IntoStaticStr,
	strum::VariantNames,
	strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReputationLevel {
	/// Score below 25%: not eligible for new jobs.
	Untrusted,
	/// Score from 25% up to 50%, and every newcomer.
	Novice,
	/// Score from 50% up to 80%.
	Trusted,
	/// Score of 80% and above.
	Elite,
}
