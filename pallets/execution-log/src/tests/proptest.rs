//! Property test over random sequences of calls: money is conserved, escrow matches the open
//! jobs, deposits the stored ones, and no job is paid twice (pruned jobs included).
use super::*;
use ::proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
	Submit { r: u8, deadline: u64 },
	Assign { job: u64 },
	Claim { job: u64, node: u32 },
	Release { job: u64, node: u32, reason: u8 },
	Receipt { job: u64, node: u32, good: bool },
	Attest { job: u64, member: usize, valid: bool },
	Prune { job: u64, by_payer: bool },
	Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		// Mostly long enough (at least `RelayTimeout + ExecutionWindow` = 7), sometimes not.
		(1u8..=3, prop_oneof![1 => 1u64..7, 4 => 7u64..=20])
			.prop_map(|(r, deadline)| Op::Submit { r, deadline }),
		(0u64..6).prop_map(|job| Op::Assign { job }),
		(0u64..6, 0u32..4).prop_map(|(job, node)| Op::Claim { job, node }),
		(0u64..6, 0u32..4, 0u8..4).prop_map(|(job, node, reason)| Op::Release {
			job,
			node,
			reason
		}),
		(0u64..6, 0u32..3, any::<bool>()).prop_map(|(job, node, good)| Op::Receipt {
			job,
			node,
			good
		}),
		(0u64..6, 0usize..5, prop::bool::weighted(0.8))
			.prop_map(|(job, member, valid)| Op::Attest { job, member, valid }),
		(0u64..6, any::<bool>()).prop_map(|(job, by_payer)| Op::Prune { job, by_payer }),
		(1u64..6).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn apply(op: &Op) {
	// Every call may fail; failures must leave no trace (checked by the invariants).
	match op.clone() {
		Op::Submit { r, deadline } => {
			let _ = ExecutionLog::submit_job(
				RuntimeOrigin::signed(if deadline % 2 == 0 { alice() } else { bob() }),
				WF,
				H256::zero(),
				uri(),
				ComputeClass::M,
				u128::MAX,
				r,
				deadline,
			);
		}
		Op::Assign { job } => {
			if let Some(j) = Jobs::<Test>::get(job) {
				let idx: Vec<u32> = (0..u32::from(j.redundancy)).collect();
				let _ = ExecutionLog::assign(RuntimeOrigin::signed(relay()), job, nodes_vec(&idx));
			}
		}
		Op::Claim { job, node: i } => {
			let _ = ExecutionLog::claim(RuntimeOrigin::signed(node(i)), job);
		}
		Op::Release { job, node: i, reason } => {
			let reason = [
				ReleaseReason::Declined,
				ReleaseReason::InputUnavailable,
				ReleaseReason::DigestMismatch,
				ReleaseReason::Unrunnable,
			][usize::from(reason)];
			let _ = ExecutionLog::release(RuntimeOrigin::signed(node(i)), job, reason);
		}
		Op::Receipt { job, node: i, good } => {
			let r = receipt(job, HASH);
			let sig = if good { sign_receipt(i, &r) } else { sign_receipt((i + 1) % 3, &r) };
			let _ = ExecutionLog::submit_receipt(RuntimeOrigin::signed(node(i)), job, r, sig);
		}
		Op::Attest { job, member, valid } => {
			if let Some(c) = ExecutionLog::committee_of(job) {
				if let Some(m) = c.get(member) {
					let verdict = if valid { Verdict::Valid } else { Verdict::Invalid };
					let _ = ExecutionLog::attest(
						RuntimeOrigin::signed(m.clone()),
						att(job, verdict, Some(HASH)),
					);
				}
			}
		}
		Op::Prune { job, by_payer } => {
			let who = match Jobs::<Test>::get(job) {
				Some(j) if by_payer => j.payer,
				_ => relay(),
			};
			let _ = ExecutionLog::prune(RuntimeOrigin::signed(who), job);
		}
		Op::Advance { blocks } => run_to_block(System::block_number() + blocks),
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(1_000))]

	#[test]
	fn money_is_conserved_and_paid_once(ops in prop::collection::vec(op(), 1..40)) {
		ExtBuilder::default().build().execute_with(|| -> Result<(), TestCaseError> {
			let issuance = Balances::total_issuance();
			for op in &ops {
				apply(op);
				prop_assert_eq!(Balances::total_issuance(), issuance);
				let open: Balance = Jobs::<Test>::iter()
					.filter(|(_, j)| j.is_open())
					.map(|(_, j)| j.fee)
					.sum();
				prop_assert_eq!(escrow_of(&alice()) + escrow_of(&bob()), open);
				let stored: Balance = Jobs::<Test>::iter().map(|(_, j)| j.deposit).sum();
				prop_assert_eq!(deposit_of(&alice()) + deposit_of(&bob()), stored);
				let calls = distribute_calls();
				let mut dedup = calls.clone();
				dedup.sort();
				dedup.dedup();
				prop_assert_eq!(calls.len(), dedup.len(), "a job was distributed twice");
				for job in calls {
					// A pruned job is gone; it was paid once (above) and can be paid no more.
					let Some(j) = Jobs::<Test>::get(job) else { continue };
					let p = j.phase;
					prop_assert!(p == JobPhase::Finalized || p == JobPhase::Challenged || p == JobPhase::Rejected);
				}
				ExecutionLog::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
			}
			Ok(())
		})?;
	}
}
