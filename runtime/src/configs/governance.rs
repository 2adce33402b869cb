//! Governance, built only from FRAME's own pallets:
//!
//! - **Council** (`pallet-collective`, instance 1): its members are set by Root. A 3/5 majority
//!   approves Treasury spends, sets parameters, flags workflows, slashes stake and enters or exits
//!   the emergency pause.
//! - **Treasury** (`pallet-treasury`): receives the treasury share of every job fee, rounding
//!   remainders and slashed stake; the Council approves spends (`treasury.spend_local`).
//! - **Parameters** (`pallet-parameters`): every economic knob, see [`super::parameters`].
//! - **Emergency pause** (`pallet-safe-mode`): while entered, only the whitelisted calls below
//!   run; job intake (`submit_job`), routing, receipts, attestations and therefore payouts all
//!   stop, escrow stays held and ExecutionLog defers expiry, so nothing is lost. `pallet-tx-pause`
//!   pauses single calls.

use frame_support::{
	parameter_types,
	traits::{
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		AsEnsureOriginWithArg, ConstU32, Contains, EitherOf, EitherOfDiverse,
	},
	weights::Weight,
	PalletId,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureWithSuccess};
use sp_runtime::{traits::IdentityLookup, Perbill, Permill};

use super::{super::*, RuntimeBlockWeights};
use crate::configs::parameters::RuntimeParameters;

/// The Council's collective instance.
pub type CouncilCollective = pallet_collective::Instance1;

/// Root, or a 3/5 majority of the Council.
pub type RootOrCouncil = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 3, 5>,
>;

parameter_types! {
	/// A Council motion stays open for 1 day.
	pub const CouncilMotionDuration: BlockNumber = DAYS;
	pub const CouncilMaxProposals: u32 = 100;
	pub const CouncilMaxMembers: u32 = 32;
	pub MaxCollectivesProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCollectivesProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"havn/try");
	/// The Treasury's account: receives the treasury share, remainders and slashes.
	pub TreasuryAccount: AccountId = Treasury::account_id();
	/// Spend periods of 1 day.
	pub const SpendPeriod: BlockNumber = DAYS;
	/// Nothing of the unspent treasury is burned.
	pub const Burn: Permill = Permill::zero();
	pub const PayoutSpendPeriod: BlockNumber = 30 * DAYS;
	/// Largest single spend the Council can approve: 1,000,000 HAI.
	pub const MaxCouncilSpend: Balance = 1_000_000 * HAI;
	pub const MaxRootSpend: Balance = Balance::MAX;
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = RootOrCouncil;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = SpendPeriod;
	type Burn = Burn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, MaxRootSpend>,
		EnsureWithSuccess<
			pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 3, 5>,
			AccountId,
			MaxCouncilSpend,
		>,
	>;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = PayoutSpendPeriod;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<RootOrCouncil>;
	/// pallet-parameters ships its measured weights only as the `()` implementation.
	type WeightInfo = ();
}

/// Calls that still run during the emergency pause: consensus inherents, governance (so the
/// Council can vote to exit), the pause pallets themselves, node heartbeats (so that a long
/// pause does not quarantine every execution node), and the tools a pause exists to use:
/// slashing and flagging (their own origin checks keep them governance-only, since the filter
/// applies to the Council's proposals too) and challenges (a challenge window that started
/// before the pause keeps running through it, so a challenge must be possible; the challenged
/// job's adjudication continues after the pause, the challenger's bond held until then).
pub struct PauseWhitelist;
impl Contains<RuntimeCall> for PauseWhitelist {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::StakeGuard(
				pallet_stake_guard::Call::heartbeat { .. } | pallet_stake_guard::Call::slash { .. }
			) | RuntimeCall::WorkflowRegistry(
				pallet_workflow_registry::Call::flag { .. }
					| pallet_workflow_registry::Call::unflag { .. }
			) | RuntimeCall::ExecutionLog(pallet_execution_log::Call::challenge { .. })
				| RuntimeCall::System(_)
				| RuntimeCall::Timestamp(_)
				| RuntimeCall::Grandpa(_)
				| RuntimeCall::Sudo(_)
				| RuntimeCall::Council(_)
				| RuntimeCall::Parameters(_)
				| RuntimeCall::SafeMode(_)
				| RuntimeCall::TxPause(_)
		)
	}
}

/// Calls that `pallet-tx-pause` may never pause (by pallet and call name).
pub struct TxPauseWhitelist;
impl Contains<pallet_tx_pause::RuntimeCallNameOf<Runtime>> for TxPauseWhitelist {
	fn contains(full_name: &pallet_tx_pause::RuntimeCallNameOf<Runtime>) -> bool {
		let pallet = full_name.0.as_slice();
		pallet == b"System"
			|| pallet == b"Timestamp"
			|| pallet == b"Sudo"
			|| pallet == b"Council"
			|| pallet == b"SafeMode"
			|| pallet == b"TxPause"
	}
}

parameter_types! {
	/// A Council-entered pause lasts 1 day unless extended or exited earlier.
	pub const SafeModeDuration: BlockNumber = DAYS;
}

impl pallet_safe_mode::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type WhitelistedCalls = PauseWhitelist;
	type EnterDuration = SafeModeDuration;
	type ExtendDuration = SafeModeDuration;
	/// Only governance enters the pause: no permissionless (deposit-based) entering.
	type EnterDepositAmount = ();
	type ExtendDepositAmount = ();
	type ForceEnterOrigin = EnsureWithSuccess<RootOrCouncil, AccountId, SafeModeDuration>;
	type ForceExtendOrigin = EnsureWithSuccess<RootOrCouncil, AccountId, SafeModeDuration>;
	type ForceExitOrigin = RootOrCouncil;
	type ForceDepositOrigin = RootOrCouncil;
	type Notify = ();
	type ReleaseDelay = ();
	type WeightInfo = pallet_safe_mode::weights::SubstrateWeight<Runtime>;
}

impl pallet_tx_pause::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PauseOrigin = RootOrCouncil;
	type UnpauseOrigin = RootOrCouncil;
	type WhitelistedCalls = TxPauseWhitelist;
	type MaxNameLen = ConstU32<256>;
	type WeightInfo = pallet_tx_pause::weights::SubstrateWeight<Runtime>;
}

/// Whether the emergency pause is on (read by ExecutionLog to defer expiry).
pub struct SafeModeIsPaused;
impl havn_primitives::traits::IsPaused for SafeModeIsPaused {
	fn is_paused() -> bool {
		SafeMode::is_entered()
	}
}
