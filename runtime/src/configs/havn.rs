//! Wiring of the flywheel pallets: each one meets the others only through the traits in
//! `havn_primitives::traits`, and reads its economic knobs from [`super::parameters`].

use frame_support::{parameter_types, traits::ConstU32, PalletId};
use havn_primitives::ComputeClass;
use sp_runtime::{traits::Convert, FixedU128};

use super::{
	governance::{RootOrCouncil, SafeModeIsPaused, TreasuryAccount},
	parameters::dynamic_params::{execution, faucet, registry, royalty, stake},
};
use crate::{
	AccountId, Balances, PayoutRouter, Reputation, Runtime, RuntimeHoldReason, Signature,
	StakeGuard, WorkflowRegistry, DAYS, HOURS,
};

parameter_types! {
	/// A declared derivative pays its parent's owner at least 10% of each run's fee (half the
	/// default 20% upstream share, when the parent is its only dependency).
	pub const MinParentShare: sp_runtime::Permill = sp_runtime::Permill::from_percent(10);
}

impl pallet_workflow_registry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = registry::WorkflowDepositBase;
	type DepositPerByte = registry::WorkflowDepositPerByte;
	type DefaultRoyalty = royalty::DefaultRoyalty;
	type MinBaseFee = registry::MinBaseFee;
	type MinShares = royalty::MinRoyaltyShares;
	type FlagOrigin = RootOrCouncil;
	/// Manifest URIs up to 256 bytes.
	type MaxUriLen = ConstU32<256>;
	type MaxDependencies = ConstU32<16>;
	type MaxVersions = ConstU32<32>;
	type MaxLineageDepth = ConstU32<32>;
	type MaxReasonLen = ConstU32<256>;
	type MinParentShare = MinParentShare;
	/// 2 blocks (6 s): a publish reveals a commitment made at least two blocks earlier.
	type MinCommitmentAge = ConstU32<2>;
	/// An unrevealed commitment lapses after an hour.
	type CommitmentLifetime = ConstU32<HOURS>;
	type MaxPendingCommitments = ConstU32<16>;
	type WeightInfo = pallet_workflow_registry::weights::SubstrateWeight<Runtime>;
}

impl pallet_stake_guard::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type FloorS = stake::FloorS;
	type FloorM = stake::FloorM;
	type FloorL = stake::FloorL;
	type FloorXL = stake::FloorXL;
	type ValidatorFloor = stake::ValidatorFloor;
	type RelayFloor = stake::RelayFloor;
	type UnbondingPeriod = stake::UnbondingPeriod;
	type HeartbeatEpoch = stake::HeartbeatEpoch;
	/// Three missed heartbeat epochs in a row quarantine a node.
	type MaxMissedEpochs = ConstU32<3>;
	type TreasuryAccount = TreasuryAccount;
	type SlashOrigin = RootOrCouncil;
	type Reputation = Reputation;
	type MaxValidators = ConstU32<128>;
	type MaxModels = ConstU32<32>;
	type MaxModelIdLen = ConstU32<64>;
	type MaxGpuModelLen = ConstU32<64>;
	type MaxUnbondingChunks = ConstU32<16>;
	type WeightInfo = pallet_stake_guard::weights::SubstrateWeight<Runtime>;
}

/// Fee multiplier of each compute class, from the `execution` parameters.
pub struct ClassMultiplier;
impl Convert<ComputeClass, FixedU128> for ClassMultiplier {
	fn convert(class: ComputeClass) -> FixedU128 {
		use frame_support::traits::Get;
		match class {
			ComputeClass::S => execution::MultiplierS::get(),
			ComputeClass::M => execution::MultiplierM::get(),
			ComputeClass::L => execution::MultiplierL::get(),
			ComputeClass::XL => execution::MultiplierXL::get(),
		}
	}
}

parameter_types! {
	/// Deadlines up to 1 day ahead.
	pub const MaxJobDeadline: crate::BlockNumber = DAYS;
}

impl pallet_execution_log::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Workflows = WorkflowRegistry;
	type Stake = StakeGuard;
	type Reputation = Reputation;
	type Payout = PayoutRouter;
	type Paused = SafeModeIsPaused;
	type ClassMultiplier = ClassMultiplier;
	type AttestationSignature = Signature;
	type TreasuryAccount = TreasuryAccount;
	type QuorumSize = execution::QuorumSize;
	type CommitteeSize = execution::CommitteeSize;
	type ReexecutionRate = execution::ReexecutionRate;
	type RelayTimeout = execution::RelayTimeout;
	type ExecutionWindow = execution::ExecutionWindow;
	type EpochLength = execution::LeadEpoch;
	type ChallengeWindow = execution::ChallengeWindow;
	type ChallengeBond = execution::ChallengeBond;
	type FraudSlash = stake::FraudSlash;
	type CollusionSlash = stake::CollusionSlash;
	type MaxRedundancy = ConstU32<5>;
	type MaxCommittee = ConstU32<16>;
	type MaxInputUriLen = ConstU32<256>;
	type MaxJobsPerBlock = ConstU32<256>;
	type MaxBatch = ConstU32<64>;
	type MaxUpstream = <Runtime as pallet_workflow_registry::Config>::MaxDependencies;
	type MaxDeadline = MaxJobDeadline;
	type JobDeposit = execution::JobDeposit;
	type MaxJobsPerPayerPerBlock = ConstU32<16>;
	type WeightInfo = pallet_execution_log::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::Helper;
}

impl pallet_payout_router::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Workflows = WorkflowRegistry;
	type TreasuryAccount = TreasuryAccount;
	type WeightInfo = pallet_payout_router::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::Helper;
}

parameter_types! {
	/// Reputation evidence decays once a day...
	pub const ReputationDecayEpoch: crate::BlockNumber = DAYS;
	/// ...by 2%, so old evidence fades with a half-life of about 34 days.
	pub const ReputationDecayPerEpoch: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(2);
}

impl pallet_reputation::Config for Runtime {
	type DecayEpoch = ReputationDecayEpoch;
	type DecayPerEpoch = ReputationDecayPerEpoch;
	type AdminOrigin = RootOrCouncil;
	type WeightInfo = pallet_reputation::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The Faucet pot's account is derived from this id.
	pub const FaucetPalletId: PalletId = PalletId(*b"havn/fct");
}

impl pallet_faucet::Config for Runtime {
	type Currency = Balances;
	type PalletId = FaucetPalletId;
	type DripAmount = faucet::FaucetDrip;
	type Period = faucet::FaucetPeriod;
	type MaxClaimsPerBlock = ConstU32<64>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type WeightInfo = pallet_faucet::weights::SubstrateWeight<Runtime>;
}
