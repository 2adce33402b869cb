//! Every economic knob of Havn, as `pallet-parameters` entries that the Council (or Root) can
//! change at run time with `parameters.set_parameter`. The values below are the defaults a
//! fresh chain starts with. Pallets read them through `Get` (each static is a `Get` type).
//!
//! | group | key | default | unit |
//! |---|---|---|---|
//! | royalty | `DefaultRoyalty` | 45 / 20 / 25 / 5 / 5 | creator / upstream / node / validators / treasury |
//! | royalty | `MinRoyaltyShares` | 10% / 2% / 1% | least node / validators / treasury part of a split |
//! | registry | `WorkflowDepositBase`, `WorkflowDepositPerByte` | 1 HAI, 0.01 HAI | planck |
//! | registry | `MinBaseFee` | 0.001 HAI | planck; least base fee of a workflow |
//! | stake | `FloorS` / `FloorM` / `FloorL` / `FloorXL` | 2,000 / 5,000 / 9,000 / 18,000 HAI | planck |
//! | stake | `ValidatorFloor`, `RelayFloor` | 10,000 HAI, 1,000 HAI | planck |
//! | stake | `UnbondingPeriod` | 7 days | blocks |
//! | stake | `HeartbeatEpoch` | 100 blocks (5 min) | blocks; quarantine after 3 missed |
//! | slashing | `FraudSlash`, `CollusionSlash` | 50%, 30% | of the bond |
//! | execution | `QuorumSize`, `CommitteeSize` | 5, 7 | validators (a committee of up to 7 decides on 5 matching verdicts) |
//! | execution | `ReexecutionRate` | 10% | of jobs (before reputation weighting) |
//! | execution | `RelayTimeout`, `LeadEpoch`, `ChallengeWindow` | 10, 100, 100 | blocks |
//! | execution | `ExecutionWindow` | 20 (1 min; the shortest deadline is 30 blocks) | blocks |
//! | execution | `ChallengeBond` | 100 HAI | planck |
//! | execution | `JobDeposit` | 0.01 HAI | planck; held per job until it is pruned |
//! | execution | `MultiplierS` / `M` / `L` / `XL` | 1x / 2x / 4x / 8x | fee multiplier |
//! | faucet | `FaucetDrip`, `FaucetPeriod` | 100 HAI, 1 day | planck, blocks |

use frame_support::dynamic_params::{dynamic_pallet_params, dynamic_params};
use havn_primitives::{MinShares, RoyaltySplit};
use sp_runtime::{FixedU128, Perbill, Permill};

use super::super::{Balance, BlockNumber, Runtime, DAYS, HAI, MILLI_HAI};

#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// Royalty defaults.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod royalty {
		/// Split used when a workflow is published without one: 45/20/25/5/5.
		#[codec(index = 0)]
		pub static DefaultRoyalty: RoyaltySplit = RoyaltySplit::DEFAULT;
		/// Floors on the node / validator / treasury parts of every workflow's split: 10 / 2 / 1.
		#[codec(index = 1)]
		pub static MinRoyaltyShares: MinShares = MinShares::DEFAULT;
	}

	/// WorkflowRegistry deposits.
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod registry {
		/// Held per registered workflow, in planck.
		#[codec(index = 0)]
		pub static WorkflowDepositBase: Balance = HAI;
		/// Held per byte of stored manifest URI, in planck.
		#[codec(index = 1)]
		pub static WorkflowDepositPerByte: Balance = 10 * MILLI_HAI;
		/// Least base fee of a workflow, in planck: 0.001 HAI.
		#[codec(index = 2)]
		pub static MinBaseFee: Balance = MILLI_HAI;
	}

	/// StakeGuard floors, periods and slash fractions.
	#[dynamic_pallet_params]
	#[codec(index = 2)]
	pub mod stake {
		/// Collateral floor of a compute class S node, in planck.
		#[codec(index = 0)]
		pub static FloorS: Balance = 2_000 * HAI;
		/// Collateral floor of a compute class M node, in planck.
		#[codec(index = 1)]
		pub static FloorM: Balance = 5_000 * HAI;
		/// Collateral floor of a compute class L node, in planck.
		#[codec(index = 2)]
		pub static FloorL: Balance = 9_000 * HAI;
		/// Collateral floor of a compute class XL node, in planck.
		#[codec(index = 3)]
		pub static FloorXL: Balance = 18_000 * HAI;
		/// Bond floor of an attestation validator, in planck.
		#[codec(index = 4)]
		pub static ValidatorFloor: Balance = 10_000 * HAI;
		/// Bond floor of a relay (orchestrator), in planck.
		#[codec(index = 5)]
		pub static RelayFloor: Balance = 1_000 * HAI;
		/// Blocks between `unbond` and `withdraw_unbonded`.
		#[codec(index = 6)]
		pub static UnbondingPeriod: BlockNumber = 7 * DAYS;
		/// Blocks per heartbeat epoch; 3 missed epochs in a row quarantine a node.
		#[codec(index = 7)]
		pub static HeartbeatEpoch: BlockNumber = 100;
		/// Share of the bond slashed for fraud (a receipt shown false).
		#[codec(index = 8)]
		pub static FraudSlash: Perbill = Perbill::from_percent(50);
		/// Share of the bond slashed for collusion (attesting against the evidence).
		#[codec(index = 9)]
		pub static CollusionSlash: Perbill = Perbill::from_percent(30);
		// Index 10 held `DowntimeSlash`, which nothing read (missed heartbeats quarantine a node,
		// they do not slash it); a stored value is removed by `migrations::DropDowntimeSlash`.
		// Never reuse the index.
	}

	/// ExecutionLog quorum, sampling, windows and fee multipliers.
	#[dynamic_pallet_params]
	#[codec(index = 3)]
	pub mod execution {
		/// Matching verdicts that decide a job.
		#[codec(index = 0)]
		pub static QuorumSize: u32 = 5;
		/// Validators drawn into each job's committee (at least `QuorumSize`).
		#[codec(index = 1)]
		pub static CommitteeSize: u32 = 7;
		/// Base share of jobs sampled for re-execution.
		#[codec(index = 2)]
		pub static ReexecutionRate: Permill = Permill::from_percent(10);
		/// Blocks a relay has to assign a job before eligible nodes may claim it.
		#[codec(index = 3)]
		pub static RelayTimeout: BlockNumber = 10;
		/// Blocks per lead-aggregator epoch.
		#[codec(index = 4)]
		pub static LeadEpoch: BlockNumber = 100;
		/// Blocks after finalization during which a job can be challenged.
		#[codec(index = 5)]
		pub static ChallengeWindow: BlockNumber = 100;
		/// Bond a challenger puts up, in planck.
		#[codec(index = 6)]
		pub static ChallengeBond: Balance = 100 * HAI;
		/// Fee multiplier of compute class S.
		#[codec(index = 7)]
		pub static MultiplierS: FixedU128 = FixedU128::from_u32(1);
		/// Fee multiplier of compute class M.
		#[codec(index = 8)]
		pub static MultiplierM: FixedU128 = FixedU128::from_u32(2);
		/// Fee multiplier of compute class L.
		#[codec(index = 9)]
		pub static MultiplierL: FixedU128 = FixedU128::from_u32(4);
		/// Fee multiplier of compute class XL.
		#[codec(index = 10)]
		pub static MultiplierXL: FixedU128 = FixedU128::from_u32(8);
		/// Blocks a node is given to run a job: `assign` and `claim` need this many blocks
		/// before the deadline, and a deadline must cover `RelayTimeout + ExecutionWindow`.
		#[codec(index = 11)]
		pub static ExecutionWindow: BlockNumber = 20;
		/// Storage deposit of a job, in planck, held on the payer until the job is pruned:
		/// 0.01 HAI.
		#[codec(index = 12)]
		pub static JobDeposit: Balance = 10 * MILLI_HAI;
	}

	/// Faucet drip and rate limit.
	#[dynamic_pallet_params]
	#[codec(index = 4)]
	pub mod faucet {
		/// HAI per claim, in planck.
		#[codec(index = 0)]
		pub static FaucetDrip: Balance = 100 * HAI;
		/// Blocks between two claims of one account.
		#[codec(index = 1)]
		pub static FaucetPeriod: BlockNumber = DAYS;
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Execution(dynamic_params::execution::Parameters::QuorumSize(
			dynamic_params::execution::QuorumSize,
			Some(5),
		))
	}
}
