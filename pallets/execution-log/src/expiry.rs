//! Expiry: the `on_initialize` sweep of due deadline slots, refunding jobs still open.

use super::*;

/// How many deadline slots `on_initialize` processes at most per block (its own and, after a
/// pause, one older slot), so expiry work stays bounded and still catches up.
pub const MAX_EXPIRY_SLOTS_PER_BLOCK: u32 = 2;

impl<T: Config> Pallet<T> {
	/// Expire jobs whose deadline slot is due (see [`MAX_EXPIRY_SLOTS_PER_BLOCK`]); nothing
	/// while paused. Returns the weight used.
	pub fn process_expiries(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		if T::Paused::is_paused() {
			return db.reads(1);
		}
		let mut weight = db.reads_writes(2, 1);
		let mut cursor = ExpiryCursor::<T>::get().unwrap_or(now);
		let mut slots = 0u32;
		while cursor <= now && slots < MAX_EXPIRY_SLOTS_PER_BLOCK {
			let due = ExpiryQueue::<T>::take(cursor);
			let count = due.len() as u32;
			// At most one entry per job in the slot: every payer's count goes with the slot.
			let _ = PayerSlotUse::<T>::clear_prefix(cursor, count, None);
			for job_id in due {
				Self::expire(job_id);
			}
			weight = weight.saturating_add(T::WeightInfo::on_initialize_expiry(count));
			cursor = cursor.saturating_add(One::one());
			slots = slots.saturating_add(1);
		}
		ExpiryCursor::<T>::put(cursor);
		weight
	}

	/// Expire one job if it is still open: refund, and record `JobExpired` for the nodes that
	/// did not deliver a job that had its full set of nodes (each was given `ExecutionWindow`
	/// blocks). Nodes of a job still `Submitted` (partly claimed, or released) are not
	/// penalised: the job never got the nodes it needed.
	fn expire(job_id: JobId) {
		let Some(mut job) = Jobs::<T>::get(job_id) else { return };
		if !job.is_open() {
			return;
		}
		if let Err(e) = T::Currency::release(
			&HoldReason::JobEscrow.into(),
			&job.payer,
			job.fee,
			Precision::BestEffort,
		) {
			log::error!(target: "runtime::execution-log", "refund of expired job {job_id} failed: {e:?}");
		}
		if job.phase != JobPhase::Submitted {
			for node in job.nodes.iter() {
				if !job.receipts.iter().any(|(n, _)| n == node) {
					T::Reputation::record(node, Outcome::JobExpired);
				}
			}
		}
		Self::set_phase(&mut job, JobPhase::Expired);
		Jobs::<T>::insert(job_id, job);
		Self::deposit_event(Event::JobExpired { job_id });
	}
}
