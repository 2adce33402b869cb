//! # PayoutRouter pallet
//!
//! ## Overview
//!
//! The PayoutRouter pays each finalized job's escrowed fee out **exactly once**, to the planck,
//! among the five parties of the workflow's [`RoyaltySplit`](havn_primitives::RoyaltySplit): the workflow's creator, the
//! creators of its dependencies (upstream), the execution node(s), the validators who attested
//! correctly, and the treasury. It keeps an earnings ledger per account ([`EarningsOf`]) and per
//! workflow ([`WorkflowStats`]), and emits one [`Event::FeePaid`] per payment.
//!
//! It has no extrinsics. ExecutionLog calls it through
//! [`DistributeFee`](havn_primitives::traits::DistributeFee) when a job's quorum is valid, handing
//! it the [`Settlement`] and the hold reason under which the payer's fee is escrowed. The
//! PayoutRouter defines no hold of its own: it moves funds out of the caller's escrow hold with
//! `fungible::MutateHold::transfer_on_hold`.
//!
//! ## Terminology
//!
//! - **Fee**: the amount escrowed on the payer's account for the job, in HAI planck (12
//!   decimals).
//! - **Nominal shares**: `royalty.split(fee)`: each of the five parts rounded down, the rounding
//!   remainder in the treasury part.
//! - **Paid shares** ([`FeeShares`] returned by `distribute`, kept in [`SettlementRecord`] and
//!   reported by [`Event::JobSettled`]): what was actually paid per role. They always sum to the
//!   fee.
//! - **Redirected payment**: a payment that its payee cannot receive (for instance a new account
//!   that would stay below the existential deposit): it goes to the treasury instead, and
//!   [`Event::PaymentRedirected`] says so.
//!
//! ## How a fee is split
//!
//! The rule is [`havn_primitives::royalty::plan`] (shared with off-chain tools); this pallet then
//! pays the planned amounts, redirecting what a payee cannot receive.
//!
//! 1. `shares = royalty.split(fee)`; the split must be valid (parts sum to 100%).
//! 2. Creator: `shares.creator`. If the workflow has **no dependencies**, the upstream share goes
//!    to the creator too (the creator's work is then the whole lineage).
//! 3. Upstream: `shares.upstream` split among the dependencies' creators by dependency weight
//!    ([`havn_primitives::royalty::distribute`], weights as `Permill` parts); the rounding
//!    remainder goes to the treasury. Each part that is paid is also credited to that dependency
//!    workflow's `earned_as_upstream`
//!    ([`havn_primitives::traits::WorkflowPayees::upstream`] names each dependency).
//! 4. Nodes: `shares.node` in equal parts among `settlement.nodes`
//!    ([`havn_primitives::royalty::distribute_equally`]); remainder, or the whole share if there
//!    are no nodes, to the treasury.
//! 5. Validators: `shares.validators` in equal parts among `settlement.validators`, the same
//!    way.
//! 6. Treasury: `shares.treasury` plus every remainder and every redirected payment.
//!
//! Payments are made in that order; zero amounts are skipped. The treasury account
//! ([`Config::TreasuryAccount`]) must exist (it is funded at genesis), otherwise a treasury
//! payment below the existential deposit fails the whole distribution.
//!
//! A distribution is all or nothing: it runs in its own storage layer, so any error leaves no
//! trace (no funds moved, no record, no event).
//!
//! ## Calls
//!
//! None. The entry point is [`DistributeFee::distribute`], and the read helpers
//! [`Pallet::workflow_earnings`], [`Pallet::earned`] and [`Pallet::settlement`] serve the
//! runtime API.
//!
//! ## Example
//!
//! ```ignore
//! use havn_primitives::traits::{DistributeFee, Settlement};
//!
//! // In ExecutionLog, once job 7's quorum is valid:
//! let settlement = Settlement {
//!     job_id: 7,
//!     workflow_id: 42,
//!     payer: alice,
//!     fee: 1_000 * HAI,
//!     nodes: vec![node],
//!     validators: vec![v1, v2, v3],
//! };
//! let shares = <T::Payout as DistributeFee<_, _, _>>::distribute(
//!     &settlement,
//!     &HoldReason::JobEscrow.into(),
//! )?;
//! // 45 / 20 / 25 / 5 / 5 split of 1,000 HAI: creator 450, upstream 200 (by dependency weight),
//! // node 250, validators 16.666666666666 each, treasury 50 plus 2 planck of rounding.
//! assert_eq!(shares.total(), 1_000 * HAI);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub mod types;
pub mod weights;

pub use types::{PayeeRole, SettlementRecord, WorkflowStatsRecord};
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::traits::{
	fungible::{Inspect, InspectHold, Mutate, MutateHold},
	tokens::{DepositConsequence, Fortitude, Precision, Provenance, Restriction},
	Get,
};
use havn_primitives::{
	api::WorkflowEarnings,
	traits::{DistributeFee, Settlement, WorkflowInspect},
	Balance, FeeShares, JobId, WorkflowId,
};
use sp_runtime::{traits::Zero, ArithmeticError, DispatchError};

/// Creates what the `distribute` benchmark needs from outside this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Reason> {
	/// Register a workflow with `u` dependencies, each owned by its own creator account, and
	/// return its id. The workflow's royalty split must be valid.
	fn workflow_with_upstream(u: u32) -> WorkflowId;
	/// The hold reason under which the benchmark escrows the fee (in the runtime: ExecutionLog's
	/// job escrow).
	fn escrow_reason() -> Reason;
}

/// One payment of a distribution plan, before it is made.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PlannedPayment<AccountId> {
	/// Who is paid.
	pub payee: AccountId,
	/// In which role.
	pub role: PayeeRole,
	/// How much, in planck (may be zero: then it is skipped).
	pub amount: Balance,
	/// For an upstream payment, the dependency workflow it is paid for (credited with
	/// `earned_as_upstream` once paid); `None` for every other role.
	pub upstream_workflow: Option<WorkflowId>,
}

/// What `ensure_can_distribute` hands to `do_distribute`: the payments to every payee but the
/// treasury, in order, and the treasury's nominal amount (its share plus rounding remainders).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DistributionPlan<AccountId> {
	/// Creator, upstream, node and validator payments, in that order.
	pub payments: Vec<PlannedPayment<AccountId>>,
	/// The treasury's share plus every rounding remainder and every share without payees, in
	/// planck (redirected payments are added when they happen).
	pub treasury: Balance,
}

// The FRAME macros expand to `expect` calls on values they construct themselves; the lint stays
// denied for the hand-written code, which lives outside this module.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The reason type of the holds the PayoutRouter pays out of: the runtime's
		/// `RuntimeHoldReason`. The PayoutRouter defines no hold of its own; the caller names
		/// the escrow hold (ExecutionLog's job escrow) on each call.
		type RuntimeHoldReason: Parameter + Member + MaxEncodedLen + Copy;

		/// The native currency (HAI, balances in planck), with holds keyed by
		/// [`Config::RuntimeHoldReason`].
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// Read access to registered workflows: creator, royalty split and upstream payees
		/// (WorkflowRegistry).
		type Workflows: WorkflowInspect<Self::AccountId, Balance>;

		/// The treasury's account: receives the treasury share, every rounding remainder and
		/// every payment its payee cannot receive. Must exist (be funded at genesis).
		#[pallet::constant]
		type TreasuryAccount: Get<Self::AccountId>;

		/// Weights of this pallet's hot paths (`distribute`).
		type WeightInfo: WeightInfo;

		/// Creates a registered workflow and names the escrow hold for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::RuntimeHoldReason>;
	}

	/// Paid jobs: job id to what was paid and when. A job in here is never paid again.
	#[pallet::storage]
	pub type Settled<T: Config> =
		StorageMap<_, Twox64Concat, JobId, SettlementRecord<BlockNumberFor<T>>, OptionQuery>;

	/// Total ever paid to an account by the PayoutRouter, across all roles (the treasury
	/// included), in planck.
	#[pallet::storage]
	pub type EarningsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// Running earnings of a workflow: settled runs, fees, creator and upstream payouts, and
	/// royalties earned as a dependency of other workflows.
	#[pallet::storage]
	pub type WorkflowStats<T: Config> =
		StorageMap<_, Twox64Concat, WorkflowId, WorkflowStatsRecord, OptionQuery>;

	/// Sum of the fees of every settled job, in planck.
	#[pallet::storage]
	pub type TotalSettledFees<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Sum of every payment made (every `FeePaid` amount), in planck. Equals
	/// [`TotalSettledFees`].
	#[pallet::storage]
	pub type TotalPaid<T: Config> = StorageValue<_, Balance, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `amount` planck of job `job_id`'s fee was paid to `payee` as `role`.
		FeePaid { job_id: JobId, payee: T::AccountId, role: PayeeRole, amount: Balance },
		/// `payee` could not receive its `amount` planck as `role` for job `job_id` (for
		/// instance it would stay below the existential deposit); the treasury received it.
		PaymentRedirected { job_id: JobId, payee: T::AccountId, role: PayeeRole, amount: Balance },
		/// Job `job_id` of `workflow_id` was paid out: `fee` planck, split as `shares`.
		JobSettled { job_id: JobId, workflow_id: WorkflowId, fee: Balance, shares: FeeShares },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The job has already been paid out.
		AlreadySettled,
		/// The workflow is not registered (the registry returns no payees for it).
		UnknownWorkflow,
		/// The workflow's royalty split does not sum to 100%.
		InvalidRoyaltySplit,
		/// Less than the fee is held on the payer's account under the escrow hold reason.
		EscrowShortfall,
		/// More nodes, validators or dependencies than a `u32` can count.
		TooManyPayees,
		/// The payments made do not sum to the fee (defensive; should never happen).
		ConservationViolated,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Check that `settlement` can be paid out of `escrow`, and plan its payments.
	///
	/// Checks, in order: the job is not settled yet ([`Error::AlreadySettled`]); the workflow
	/// has payees ([`Error::UnknownWorkflow`]) and a valid split ([`Error::InvalidRoyaltySplit`]);
	/// at least `fee` is held on the payer under `escrow` ([`Error::EscrowShortfall`]).
	/// Writes nothing.
	pub fn ensure_can_distribute(
		settlement: &Settlement<T::AccountId, Balance>,
		escrow: &T::RuntimeHoldReason,
	) -> Result<DistributionPlan<T::AccountId>, DispatchError> {
		ensure_not_settled::<T>(settlement.job_id)?;
		let payees =
			T::Workflows::payees(settlement.workflow_id).ok_or(Error::<T>::UnknownWorkflow)?;
		frame_support::ensure!(payees.royalty.is_valid(), Error::<T>::InvalidRoyaltySplit);
		frame_support::ensure!(
			T::Currency::balance_on_hold(escrow, &settlement.payer) >= settlement.fee,
			Error::<T>::EscrowShortfall
		);
		let nodes = u32::try_from(settlement.nodes.len()).map_err(|_| Error::<T>::TooManyPayees)?;
		let validators =
			u32::try_from(settlement.validators.len()).map_err(|_| Error::<T>::TooManyPayees)?;

		let weights: Vec<u32> =
			payees.upstream.iter().map(|dep| dep.weight.deconstruct()).collect();
		let plan = havn_primitives::royalty::plan(
			&payees.royalty,
			settlement.fee,
			&weights,
			nodes,
			validators,
		)
		.ok_or(ArithmeticError::Overflow)?;
		let capacity = payees
			.upstream
			.len()
			.saturating_add(settlement.nodes.len())
			.saturating_add(settlement.validators.len())
			.saturating_add(1);
		let mut payments = Vec::with_capacity(capacity);
		payments.push(PlannedPayment {
			payee: payees.creator,
			role: PayeeRole::Creator,
			amount: plan.creator,
			upstream_workflow: None,
		});
		for (dep, part) in payees.upstream.into_iter().zip(plan.upstream) {
			payments.push(PlannedPayment {
				payee: dep.creator,
				role: PayeeRole::Upstream,
				amount: part,
				upstream_workflow: Some(dep.workflow_id),
			});
		}
		payments.extend(settlement.nodes.iter().map(|node| PlannedPayment {
			payee: node.clone(),
			role: PayeeRole::Node,
			amount: plan.node_each,
			upstream_workflow: None,
		}));
		payments.extend(settlement.validators.iter().map(|validator| PlannedPayment {
			payee: validator.clone(),
			role: PayeeRole::Validator,
			amount: plan.validator_each,
			upstream_workflow: None,
		}));
		let treasury = plan.treasury;

		Ok(DistributionPlan { payments, treasury })
	}

	/// Make the payments of `plan` out of the payer's `escrow` hold, then record the
	/// settlement and update the ledgers. Emits one [`Event::FeePaid`] per non-zero payment
	/// (the treasury's last) and one [`Event::PaymentRedirected`] per payment its payee cannot
	/// receive. Returns the paid shares.
	///
	/// Must run inside a storage layer (as [`DistributeFee::distribute`] does): on error some
	/// payments may have been made.
	pub fn do_distribute(
		settlement: &Settlement<T::AccountId, Balance>,
		escrow: &T::RuntimeHoldReason,
		plan: DistributionPlan<T::AccountId>,
	) -> Result<FeeShares, DispatchError> {
		let mut paid = FeeShares::default();
		let mut to_treasury = plan.treasury;
		let mut upstream_credits: Vec<(WorkflowId, Balance)> = Vec::new();

		for payment in plan.payments {
			if payment.amount.is_zero() {
				continue;
			}
			if T::Currency::can_deposit(&payment.payee, payment.amount, Provenance::Extant)
				!= DepositConsequence::Success
			{
				to_treasury =
					to_treasury.checked_add(payment.amount).ok_or(ArithmeticError::Overflow)?;
				Self::deposit_event(Event::PaymentRedirected {
					job_id: settlement.job_id,
					payee: payment.payee,
					role: payment.role,
					amount: payment.amount,
				});
				continue;
			}
			Self::pay(settlement, escrow, &payment.payee, payment.role, payment.amount)?;
			let slot = match payment.role {
				PayeeRole::Creator => &mut paid.creator,
				PayeeRole::Upstream => &mut paid.upstream,
				PayeeRole::Node => &mut paid.node,
				PayeeRole::Validator => &mut paid.validators,
				PayeeRole::Treasury => &mut paid.treasury,
			};
			*slot = slot.checked_add(payment.amount).ok_or(ArithmeticError::Overflow)?;
			if let Some(id) = payment.upstream_workflow {
				upstream_credits.push((id, payment.amount));
			}
		}

		if !to_treasury.is_zero() {
			let treasury = T::TreasuryAccount::get();
			Self::pay(settlement, escrow, &treasury, PayeeRole::Treasury, to_treasury)?;
			paid.treasury =
				paid.treasury.checked_add(to_treasury).ok_or(ArithmeticError::Overflow)?;
		}

		frame_support::ensure!(
			checked_total(&paid) == Some(settlement.fee),
			Error::<T>::ConservationViolated
		);

		Settled::<T>::insert(
			settlement.job_id,
			SettlementRecord {
				block: frame_system::Pallet::<T>::block_number(),
				workflow_id: settlement.workflow_id,
				fee: settlement.fee,
				shares: paid,
			},
		);
		WorkflowStats::<T>::try_mutate(
			settlement.workflow_id,
			|stats| -> Result<(), DispatchError> {
				let s = stats.get_or_insert_with(Default::default);
				s.runs = s.runs.checked_add(1).ok_or(ArithmeticError::Overflow)?;
				s.total_fees =
					s.total_fees.checked_add(settlement.fee).ok_or(ArithmeticError::Overflow)?;
				s.creator_earned =
					s.creator_earned.checked_add(paid.creator).ok_or(ArithmeticError::Overflow)?;
				s.upstream_paid =
					s.upstream_paid.checked_add(paid.upstream).ok_or(ArithmeticError::Overflow)?;
				Ok(())
			},
		)?;
		for (id, amount) in upstream_credits {
			WorkflowStats::<T>::try_mutate(id, |stats| -> Result<(), DispatchError> {
				let s = stats.get_or_insert_with(Default::default);
				s.earned_as_upstream =
					s.earned_as_upstream.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
				Ok(())
			})?;
		}
		TotalSettledFees::<T>::try_mutate(|total| -> Result<(), DispatchError> {
			*total = total.checked_add(settlement.fee).ok_or(ArithmeticError::Overflow)?;
			Ok(())
		})?;
		Ok(paid)
	}

	/// Move `amount` from the payer's `escrow` hold to `payee`'s free balance, credit the
	/// ledgers and emit [`Event::FeePaid`].
	fn pay(
		settlement: &Settlement<T::AccountId, Balance>,
		escrow: &T::RuntimeHoldReason,
		payee: &T::AccountId,
		role: PayeeRole,
		amount: Balance,
	) -> Result<(), DispatchError> {
		let moved = T::Currency::transfer_on_hold(
			escrow,
			&settlement.payer,
			payee,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)?;
		frame_support::ensure!(moved == amount, Error::<T>::ConservationViolated);
		EarningsOf::<T>::try_mutate(payee, |earned| -> Result<(), DispatchError> {
			*earned = earned.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
			Ok(())
		})?;
		TotalPaid::<T>::try_mutate(|total| -> Result<(), DispatchError> {
			*total = total.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
			Ok(())
		})?;
		Self::deposit_event(Event::FeePaid {
			job_id: settlement.job_id,
			payee: payee.clone(),
			role,
			amount,
		});
		Ok(())
	}

	/// A workflow's earnings, for the runtime API (`HavnApi::workflow_earnings`). `None` if it
	/// never ran and was never paid as a dependency.
	pub fn workflow_earnings(id: WorkflowId) -> Option<WorkflowEarnings<Balance>> {
		WorkflowStats::<T>::get(id).map(Into::into)
	}

	/// Total paid to `who` by the PayoutRouter, across roles, in planck (for
	/// `AccountStanding::earned`).
	pub fn earned(who: &T::AccountId) -> Balance {
		EarningsOf::<T>::get(who)
	}

	/// The settlement record of `job`, if it has been paid.
	pub fn settlement(
		job: JobId,
	) -> Option<SettlementRecord<frame_system::pallet_prelude::BlockNumberFor<T>>> {
		Settled::<T>::get(job)
	}

	/// Check the pallet's invariants:
	///
	/// 1. Every [`Settled`] record's shares sum to its fee.
	/// 2. The fees of the [`Settled`] records sum to [`TotalSettledFees`].
	/// 3. Every payment made sums to every fee settled: [`TotalPaid`] ==
	///    [`TotalSettledFees`] (no planck created or lost).
	/// 4. The [`EarningsOf`] ledger sums to [`TotalPaid`] (every payment is credited to its
	///    payee, the treasury included).
	/// 5. The runs in [`WorkflowStats`] sum to the number of [`Settled`] records, and their
	///    `total_fees` to [`TotalSettledFees`].
	/// 6. For every workflow, `creator_earned + upstream_paid <= total_fees`.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		let mut fees: Balance = 0;
		let mut count: u64 = 0;
		for (_, record) in Settled::<T>::iter() {
			ensure!(
				checked_total(&record.shares) == Some(record.fee),
				"a settlement's shares do not sum to its fee"
			);
			fees = fees.checked_add(record.fee).ok_or("settled fees overflow")?;
			count = count.checked_add(1).ok_or("settled count overflow")?;
		}
		ensure!(fees == TotalSettledFees::<T>::get(), "TotalSettledFees is not the sum of fees");
		ensure!(TotalPaid::<T>::get() == TotalSettledFees::<T>::get(), "paid != settled fees");
		let earned = EarningsOf::<T>::iter_values()
			.try_fold(0u128, |acc, e| acc.checked_add(e))
			.ok_or("earnings overflow")?;
		ensure!(earned == TotalPaid::<T>::get(), "EarningsOf does not sum to TotalPaid");
		let mut runs: u64 = 0;
		let mut stat_fees: Balance = 0;
		for (_, s) in WorkflowStats::<T>::iter() {
			runs = runs.checked_add(s.runs).ok_or("runs overflow")?;
			stat_fees = stat_fees.checked_add(s.total_fees).ok_or("stat fees overflow")?;
			let to_creators =
				s.creator_earned.checked_add(s.upstream_paid).ok_or("stat overflow")?;
			ensure!(to_creators <= s.total_fees, "a workflow paid creators more than its fees");
		}
		ensure!(runs == count, "WorkflowStats runs do not match the settled jobs");
		ensure!(stat_fees == fees, "WorkflowStats fees do not match the settled fees");
		Ok(())
	}
}

/// Fails with [`Error::AlreadySettled`] if `job` has been paid.
fn ensure_not_settled<T: Config>(job: JobId) -> Result<(), DispatchError> {
	frame_support::ensure!(!Settled::<T>::contains_key(job), Error::<T>::AlreadySettled);
	Ok(())
}

/// Sum of the five shares, `None` on overflow.
fn checked_total(s: &FeeShares) -> Option<Balance> {
	s.creator
		.checked_add(s.upstream)?
		.checked_add(s.node)?
		.checked_add(s.validators)?
		.checked_add(s.treasury)
}

impl<T: Config> DistributeFee<T::AccountId, Balance, T::RuntimeHoldReason> for Pallet<T> {
	/// Pay `settlement.fee` out of the payer's `escrow` hold, exactly once per job (see the
	/// crate docs for the split).
	///
	/// ## Events
	/// One [`Event::FeePaid`] per non-zero payment (creator, upstream, nodes, validators, then
	/// treasury), [`Event::PaymentRedirected`] per payment sent to the treasury instead, then
	/// [`Event::JobSettled`].
	///
	/// ## Errors
	/// [`Error::AlreadySettled`], [`Error::UnknownWorkflow`], [`Error::InvalidRoyaltySplit`],
	/// [`Error::EscrowShortfall`], [`Error::TooManyPayees`], [`Error::ConservationViolated`],
	/// `ArithmeticError::Overflow`, and the currency's errors (for instance
	/// `TokenError::CannotCreate` when the treasury account does not exist and would receive
	/// less than the existential deposit). On any error nothing is written.
	fn distribute(
		settlement: &Settlement<T::AccountId, Balance>,
		escrow: &T::RuntimeHoldReason,
	) -> Result<FeeShares, DispatchError> {
		frame_support::storage::with_storage_layer(|| {
			let plan = Self::ensure_can_distribute(settlement, escrow)?;
			let shares = Self::do_distribute(settlement, escrow, plan)?;
			Self::deposit_event(Event::JobSettled {
				job_id: settlement.job_id,
				workflow_id: settlement.workflow_id,
				fee: settlement.fee,
				shares,
			});
			Ok(shares)
		})
	}

	fn is_settled(job: JobId) -> bool {
		Settled::<T>::contains_key(job)
	}
}
