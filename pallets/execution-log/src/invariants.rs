//! The pallet's invariants, checked by `try_state` and after every unit test.

use super::*;
use alloc::collections::btree_map::BTreeMap;

impl<T: Config> Pallet<T> {
	/// Invariants:
	/// 1. `NextJobId` is greater than every stored job id.
	/// 2. For every payer, the balance held under `JobEscrow` equals the sum of the fees of its
	///    open (`Submitted`, `Assigned`, `Attesting`) jobs; so terminal jobs hold nothing.
	/// 3. Every open job id is in `ExpiryQueue` at its deadline block, and that slot is not behind
	///    the expiry cursor.
	/// 4. For every challenger, the balance held under `ChallengeBond` equals the sum of the bonds
	///    of its open (`Challenged`) challenges.
	/// 5. Every `Finalized` or `Challenged` job has `finalized_at` set and was paid
	///    (`Payout::is_settled`); no open job was paid.
	/// 6. Receipts are from the job's nodes, committees never contain one of the job's nodes.
	/// 7. A `Submitted` job has fewer nodes than its redundancy (claims, or what releases left);
	///    a job that was routed and not released (`Assigned` and after, but `Expired`) has
	///    exactly its redundancy.
	/// 8. For every payer, the balance held under `JobDeposit` equals the sum of the deposits of
	///    its stored jobs: a pruned job holds nothing.
	/// 9. No payer has more than `MaxJobsPerPayerPerBlock` jobs counted in a deadline slot, and
	///    a slot's counts sum to at most its `ExpiryQueue` length.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let next = NextJobId::<T>::get();
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (job_id, job) in Jobs::<T>::iter() {
			ensure!(job_id < next, "NextJobId is not above every job id");
			let deposit = deposits.entry(job.payer.clone()).or_default();
			*deposit = deposit.saturating_add(job.deposit);
			let held = escrow.entry(job.payer.clone()).or_default();
			if job.is_open() {
				*held = held.saturating_add(job.fee);
				ensure!(
					ExpiryQueue::<T>::get(job.deadline).contains(&job_id),
					"open job missing from its expiry slot"
				);
				if let Some(cursor) = ExpiryCursor::<T>::get() {
					ensure!(job.deadline >= cursor, "open job behind the expiry cursor");
				}
				ensure!(!T::Payout::is_settled(job_id), "open job already paid");
			}
			if let Some(c) = &job.challenge {
				let bonded = bonds.entry(c.challenger.clone()).or_default();
				if job.phase == JobPhase::Challenged {
					*bonded = bonded.saturating_add(c.bond);
				}
				ensure!(
					!c.committee.iter().any(|m| job.is_node(m)),
					"a node sits on its own adjudication committee"
				);
			}
			if matches!(job.phase, JobPhase::Finalized | JobPhase::Challenged) {
				ensure!(job.finalized_at.is_some(), "finalized job without finalized_at");
				ensure!(T::Payout::is_settled(job_id), "finalized job not paid");
			}
			ensure!(job.receipts.iter().all(|(n, _)| job.is_node(n)), "receipt from a non-node");
			let (nodes, r) = (job.nodes.len(), usize::from(job.redundancy));
			match job.phase {
				JobPhase::Submitted => ensure!(nodes < r, "a submitted job is full"),
				JobPhase::Expired => {}
				_ => ensure!(nodes == r, "a routed job's node count is not its redundancy"),
			}
			ensure!(
				!job.committee.iter().any(|m| job.is_node(m)),
				"a node sits on its own committee"
			);
		}
		for (payer, expected) in escrow {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::JobEscrow.into(), &payer) == expected,
				"escrow held differs from the open jobs' fees"
			);
		}
		for (payer, expected) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::JobDeposit.into(), &payer) == expected,
				"deposit held differs from the stored jobs' deposits"
			);
		}
		let mut slot_counts: BTreeMap<BlockNumberFor<T>, u32> = BTreeMap::new();
		for (slot, _payer, used) in PayerSlotUse::<T>::iter() {
			ensure!(used <= T::MaxJobsPerPayerPerBlock::get(), "a payer over its slot share");
			let total = slot_counts.entry(slot).or_default();
			*total = total.saturating_add(used);
		}
		for (slot, total) in slot_counts {
			ensure!(
				total as usize <= ExpiryQueue::<T>::decode_len(slot).unwrap_or(0),
				"payers' slot counts exceed the slot's jobs"
			);
		}
		for (challenger, expected) in bonds {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ChallengeBond.into(), &challenger)
					== expected,
				"challenge bond held differs from the open challenges"
			);
		}
		Ok(())
	}
}
