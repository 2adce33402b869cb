//! The whole life of a job on the real Havn runtime, with exact numbers: publish an upstream
//! workflow and a main workflow that depends on it, bond a node, five validators and a relay,
//! submit, route, sign a receipt, attest, finalize and pay every party to the planck. Then the
//! ways it must fail (forged, replayed and foreign receipts, self-attestation, double
//! settlement) and the emergency pause.
//!
//! Calls are dispatched directly (`Pallet::call(origin, ..)`), so no transaction fee disturbs
//! the balances; the pause test dispatches `RuntimeCall`s so that the call filter applies.
//! Blocks are driven by [`common::next_block`], which runs every pallet's hooks.
// Tests may panic on a broken expectation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::*;
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use havn_primitives::{
	api::{
		runtime_decl_for_havn_api::HavnApiV1, AccountStanding, FeeQuote, JobPhase, WorkflowEarnings,
	},
	traits::{DistributeFee, Outcome, Settlement},
	ComputeClass, FeeShares, Receipt, ReputationLevel, Role, Verdict, WorkflowId, HAI,
};
use havn_runtime::{
	configs::parameters::{dynamic_params, RuntimeParameters},
	AccountId, Balance, Balances, Block, BlockNumber, ExecutionLog, Parameters, PayoutRouter,
	Reputation, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, SafeMode, StakeGuard, System,
	MILLI_HAI,
};
use pallet_execution_log::Error as ExecError;
use pallet_payout_router::PayeeRole;
use sp_core::H256;
use sp_runtime::{traits::Dispatchable, BoundedVec, DispatchError, Permill};

/// Call the `HavnApi` runtime API implementation, as a node's runtime-API client does.
macro_rules! api {
	($($call:tt)*) => {
		<Runtime as HavnApiV1<Block, AccountId, Balance, BlockNumber>>::$($call)*
	};
}

/// Base fee of the main workflow: 10 HAI (divides evenly by every share).
const MAIN_FEE: Balance = 10 * HAI;
/// Base fee of the second workflow: does not divide evenly.
const ODD_FEE: Balance = 1_234_567_890_123;
/// Blocks a job has before it expires.
const DEADLINE: BlockNumber = 50;

/// The workflows of a test: `upstream` (by U), `main` (by C, depends on `upstream` at 100%).
struct Workflows {
	upstream: WorkflowId,
	main: WorkflowId,
}

/// Blocks 1 to 5: commit to and publish the two workflows (each commitment ages
/// `MinCommitmentAge` blocks), and bond everyone.
fn setup(actors: &Actors) -> Workflows {
	let upstream = publish(&actors.upstream, b"upstream-model", 3 * HAI, vec![]);
	let main =
		publish(&actors.creator, b"main-workflow", MAIN_FEE, vec![(upstream, Permill::one())]);
	bond_everyone(actors);
	assert_eq!(
		<StakeGuard as havn_primitives::traits::StakeInspect<AccountId>>::active_validators(),
		sorted(actors.validators.clone())
	);
	Workflows { upstream, main }
}

fn sorted(mut v: Vec<AccountId>) -> Vec<AccountId> {
	v.sort();
	v
}

/// Submit a class-S, redundancy-1 job of `workflow` from the payer with [`DEADLINE`]; returns
/// its id.
fn submit(actors: &Actors, workflow: WorkflowId, max_fee: Balance) -> u64 {
	submit_job(actors, workflow, max_fee, DEADLINE)
}

/// The relay routes `job` to the node.
fn assign(actors: &Actors, job: u64) {
	assert_ok!(ExecutionLog::assign(
		RuntimeOrigin::signed(actors.relay.clone()),
		job,
		BoundedVec::truncate_from(vec![actors.node.clone()])
	));
}

/// The runtime hash the node reports for `job` (and the validators reproduce).
fn runtime_hash(job: u64) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"havn-exec/1.0", job).encode()))
}

/// The node signs its receipt of `job` with its registered receipt key and submits it.
fn submit_receipt(actors: &Actors, workflow: WorkflowId, job: u64) -> Receipt {
	let r = receipt(workflow, job, runtime_hash(job));
	let signature = sign_receipt(&actors.receipt_key, &r, ExecutionLog::genesis_hash());
	assert_ok!(ExecutionLog::submit_receipt(
		RuntimeOrigin::signed(actors.node.clone()),
		job,
		r.clone(),
		signature
	));
	r
}

/// The balances whose changes a settlement is checked against.
fn snapshot(actors: &Actors) -> Vec<(AccountId, Balance)> {
	let mut who = actors.all();
	who.push(treasury());
	who.into_iter().map(|a| (a.clone(), free(&a))).collect()
}

/// The free-balance change of every account of `before` (signed, in planck).
fn deltas(before: &[(AccountId, Balance)]) -> Vec<(AccountId, i128)> {
	before.iter().map(|(a, b)| (a.clone(), free(a) as i128 - *b as i128)).collect()
}

fn delta_of(deltas: &[(AccountId, i128)], who: &AccountId) -> i128 {
	deltas.iter().find(|(a, _)| a == who).map(|(_, d)| *d).unwrap()
}

/// The ExecutionLog and PayoutRouter events of the current block, in order.
fn flywheel_events() -> Vec<RuntimeEvent> {
	System::events()
		.into_iter()
		.map(|r| r.event)
		.filter(|e| matches!(e, RuntimeEvent::ExecutionLog(_) | RuntimeEvent::PayoutRouter(_)))
		.collect()
}

/// The reputation outcomes recorded in the current block, in order.
fn reputation_outcomes() -> Vec<(AccountId, Outcome)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Reputation(pallet_reputation::Event::ReputationUpdated {
				who,
				outcome,
				..
			}) => Some((who, outcome)),
			_ => None,
		})
		.collect()
}

fn fee_paid(job_id: u64, payee: &AccountId, role: PayeeRole, amount: Balance) -> RuntimeEvent {
	RuntimeEvent::PayoutRouter(pallet_payout_router::Event::FeePaid {
		job_id,
		payee: payee.clone(),
		role,
		amount,
	})
}

/// The `JobAttesting` event of the current block for `job`: its committee and sampling.
fn attesting_event(job: u64) -> (Vec<AccountId>, bool) {
	flywheel_events()
		.into_iter()
		.find_map(|e| match e {
			RuntimeEvent::ExecutionLog(pallet_execution_log::Event::JobAttesting {
				job_id,
				committee,
				sampled,
			}) if job_id == job => Some((committee.into_inner(), sampled)),
			_ => None,
		})
		.expect("the last receipt draws the committee")
}

/// Set the base re-execution rate (Root, through pallet-parameters).
fn set_reexecution_rate(rate: Permill) {
	assert_ok!(Parameters::set_parameter(
		RuntimeOrigin::root(),
		RuntimeParameters::Execution(dynamic_params::execution::Parameters::ReexecutionRate(
			dynamic_params::execution::ReexecutionRate,
			Some(rate),
		)),
	));
}

// ------------------------------------------------------------------------------------------

/// Steps 1 to 6 and the double-settlement refusal of step 7: a 10 HAI job is paid 45 / 20 / 25
/// / 5 / 5 to the planck, the ledgers and the runtime API agree, and it cannot be paid again.
#[test]
fn lifecycle_pays_every_party_to_the_planck() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		let wf = setup(&actors);

		// The runtime API quotes the fee: base × 1 (class S) × redundancy.
		assert_eq!(
			api!(quote_fee(wf.main, ComputeClass::S, 1)),
			Ok(FeeQuote {
				base_fee: MAIN_FEE,
				class_multiplier: Permill::zero(),
				class_multiplier_times: 1,
				redundancy: 1,
				total: MAIN_FEE,
			})
		);
		assert_eq!(
			api!(quote_fee(wf.main, ComputeClass::M, 2))
				.map(|q| (q.class_multiplier_times, q.total)),
			Ok((2, 4 * MAIN_FEE))
		);
		let lineage = api!(lineage(wf.main)).unwrap();
		assert_eq!(lineage.dependencies, vec![(wf.upstream, Permill::one())]);

		// Block s, the first after the set-up: the payer submits; the fee is escrowed.
		next_block();
		let s = System::block_number();
		let before = snapshot(&actors);
		let job = submit(&actors, wf.main, MAIN_FEE);
		assert_eq!(job, 0);
		assert_eq!(held(escrow(), &actors.payer), MAIN_FEE);
		assert_eq!(held(job_deposit_reason(), &actors.payer), job_deposit());
		assert_eq!(free(&actors.payer), ENDOWMENT - MAIN_FEE - job_deposit());
		// A maximum fee below the quote is refused.
		assert_noop!(
			ExecutionLog::submit_job(
				RuntimeOrigin::signed(actors.payer.clone()),
				wf.main,
				H256::zero(),
				BoundedVec::default(),
				ComputeClass::S,
				MAIN_FEE - 1,
				1,
				DEADLINE,
			),
			ExecError::<Runtime>::FeeAboveMax
		);

		// Block s + 1: the relay assigns the job to the node.
		next_block();
		assign(&actors, job);

		// Block s + 2: the node signs and submits its receipt; the committee is drawn.
		next_block();
		let r = submit_receipt(&actors, wf.main, job);
		let (committee, sampled) = attesting_event(job);
		println!("job {job}: sampled for re-execution = {sampled}");
		assert_eq!(sorted(committee.clone()), sorted(actors.validators.clone()));
		assert!(!committee.contains(&actors.node), "a node never attests its own job");
		let stored = pallet_execution_log::Receipts::<Runtime>::get(job, &actors.node).unwrap();
		assert_eq!(stored.0, r);
		// With a perfect-newcomer score (50%) the rate is 10% × 1.5; the outcome depends on the
		// (randomized) sr25519 signature, so both branches are checked.
		if sampled {
			assert_noop!(
				ExecutionLog::attest(RuntimeOrigin::signed(committee[0].clone()), valid(job, None)),
				ExecError::<Runtime>::ReexecutionDigestMissing
			);
		}
		// A digest that differs from the receipt's runtime hash is refused either way.
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(committee[0].clone()),
				valid(job, Some(H256::repeat_byte(0xEE)))
			),
			ExecError::<Runtime>::ReexecutionMismatch
		);

		// Block s + 3: four validators attest Valid (with the re-execution digest).
		next_block();
		for v in &committee[..4] {
			assert_ok!(ExecutionLog::attest(
				RuntimeOrigin::signed(v.clone()),
				valid(job, Some(r.runtime_hash))
			));
		}
		assert_eq!(ExecutionLog::job_view(job).unwrap().verdicts, (4, 0));
		assert_eq!(held(escrow(), &actors.payer), MAIN_FEE, "no payout before the quorum");

		// Block s + 4: the fifth verdict reaches the quorum: finalized and paid.
		next_block();
		assert_ok!(ExecutionLog::attest(
			RuntimeOrigin::signed(committee[4].clone()),
			valid(job, Some(r.runtime_hash))
		));

		// The ordered events of the finalizing call.
		let creator_share = 45 * MAIN_FEE / 100; // 4.5 HAI
		let upstream_share = 20 * MAIN_FEE / 100; // 2 HAI
		let node_share = 25 * MAIN_FEE / 100; // 2.5 HAI
		let validator_each = MAIN_FEE / 100; // 0.1 HAI, 1% each
		let treasury_share = 5 * MAIN_FEE / 100; // 0.5 HAI
		assert_eq!(creator_share, 4_500 * MILLI_HAI);
		assert_eq!(validator_each, 100 * MILLI_HAI);
		let mut expected =
			vec![RuntimeEvent::ExecutionLog(pallet_execution_log::Event::AttestationSubmitted {
				job_id: job,
				validator: committee[4].clone(),
				verdict: Verdict::Valid,
			})];
		expected.push(fee_paid(job, &actors.creator, PayeeRole::Creator, creator_share));
		expected.push(fee_paid(job, &actors.upstream, PayeeRole::Upstream, upstream_share));
		expected.push(fee_paid(job, &actors.node, PayeeRole::Node, node_share));
		for v in &committee {
			expected.push(fee_paid(job, v, PayeeRole::Validator, validator_each));
		}
		expected.push(fee_paid(job, &treasury(), PayeeRole::Treasury, treasury_share));
		let shares = FeeShares {
			creator: creator_share,
			upstream: upstream_share,
			node: node_share,
			validators: 5 * validator_each,
			treasury: treasury_share,
		};
		expected.push(RuntimeEvent::PayoutRouter(pallet_payout_router::Event::JobSettled {
			job_id: job,
			workflow_id: wf.main,
			fee: MAIN_FEE,
			shares,
		}));
		expected.push(RuntimeEvent::ExecutionLog(pallet_execution_log::Event::JobFinalized {
			job_id: job,
			fee: MAIN_FEE,
		}));
		assert_eq!(flywheel_events(), expected);
		let mut outcomes = vec![(actors.node.clone(), Outcome::JobFinalized)];
		outcomes.extend(committee.iter().map(|v| (v.clone(), Outcome::AttestationAgreed)));
		assert_eq!(reputation_outcomes(), outcomes);

		// Step 6: the exact change of every party.
		let d = deltas(&before);
		// The payer's storage deposit stays held until the job is pruned (step 8).
		assert_eq!(delta_of(&d, &actors.payer), -((MAIN_FEE + job_deposit()) as i128));
		assert_eq!(delta_of(&d, &actors.creator), creator_share as i128);
		assert_eq!(delta_of(&d, &actors.upstream), upstream_share as i128);
		assert_eq!(delta_of(&d, &actors.node), node_share as i128);
		for v in &actors.validators {
			assert_eq!(delta_of(&d, v), validator_each as i128);
		}
		assert_eq!(delta_of(&d, &treasury()), treasury_share as i128);
		assert_eq!(delta_of(&d, &actors.relay), 0);
		assert_eq!(
			d.iter().map(|(_, x)| *x).sum::<i128>(),
			-(job_deposit() as i128),
			"value moved, none created (the deposit is held)"
		);
		assert_eq!(held(escrow(), &actors.payer), 0, "no escrow left after settlement");
		assert_eq!(Balances::total_balance(&actors.payer), ENDOWMENT - MAIN_FEE);

		// The PayoutRouter ledger.
		let record = PayoutRouter::settlement(job).unwrap();
		assert_eq!(
			(record.block, record.workflow_id, record.fee, record.shares),
			(s + 4, wf.main, MAIN_FEE, shares)
		);
		assert_eq!(PayoutRouter::earned(&actors.creator), creator_share);
		assert_eq!(PayoutRouter::earned(&actors.upstream), upstream_share);
		assert_eq!(PayoutRouter::earned(&actors.node), node_share);
		assert_eq!(PayoutRouter::earned(&treasury()), treasury_share);
		for v in &actors.validators {
			assert_eq!(PayoutRouter::earned(v), validator_each);
		}
		let earnings = WorkflowEarnings {
			runs: 1,
			total_fees: MAIN_FEE,
			creator_earned: creator_share,
			upstream_paid: upstream_share,
			earned_as_upstream: 0,
		};
		assert_eq!(PayoutRouter::workflow_earnings(wf.main), Some(earnings.clone()));

		// The HavnApi helpers and the runtime API implementation.
		let view = ExecutionLog::job_view(job).unwrap();
		assert_eq!(view.phase, JobPhase::Finalized);
		assert_eq!(
			(view.payer.clone(), view.fee, view.workflow_id),
			(actors.payer.clone(), MAIN_FEE, wf.main)
		);
		assert_eq!(view.nodes, vec![actors.node.clone()]);
		assert_eq!(view.committee, committee);
		assert_eq!(view.sampled, sampled);
		assert_eq!(view.verdicts, (5, 0));
		assert_eq!(view.deadline, s + DEADLINE);
		assert_eq!(
			view.timeline,
			vec![
				(JobPhase::Submitted, s),
				(JobPhase::Assigned, s + 1),
				(JobPhase::Attesting, s + 2),
				(JobPhase::Finalized, s + 4)
			]
		);
		assert_eq!(api!(job(job)), Some(view));
		assert_eq!(api!(job(99)), None);
		assert_eq!(api!(workflow_earnings(wf.main)), Some(earnings));
		assert_eq!(api!(workflow_earnings(999)), None);
		assert_eq!(
			StakeGuard::standing(&actors.node),
			(Some(Role::ExecutionNode(ComputeClass::S)), FLOOR_S, 0, false)
		);
		assert_eq!(
			StakeGuard::standing(&actors.validators[0]),
			(Some(Role::Validator), VALIDATOR_FLOOR, 0, false)
		);
		assert_eq!(StakeGuard::standing(&actors.relay), (Some(Role::Relay), RELAY_FLOOR, 0, false));
		assert_eq!(StakeGuard::standing(&actors.payer), (None, 0, 0, false));
		let node_score = Reputation::score_of(&actors.node);
		assert!(node_score > Permill::from_percent(50), "a finalized job raises the score");
		assert_eq!(
			api!(account(actors.node.clone())),
			AccountStanding {
				role: Some(Role::ExecutionNode(ComputeClass::S)),
				bonded: FLOOR_S,
				unbonding: 0,
				quarantined: false,
				reputation: node_score,
				level: Reputation::level_of(&actors.node),
				earned: node_share,
			}
		);
		assert!(Reputation::level_of(&actors.node) >= ReputationLevel::Novice);

		// Step 7, double settlement: a further verdict and a direct second distribution are
		// refused and move nothing.
		next_block();
		let before = snapshot(&actors);
		for v in &committee {
			assert_noop!(
				ExecutionLog::attest(
					RuntimeOrigin::signed(v.clone()),
					valid(job, Some(r.runtime_hash))
				),
				ExecError::<Runtime>::BadPhase
			);
		}
		let settlement = Settlement {
			job_id: job,
			workflow_id: wf.main,
			payer: actors.payer.clone(),
			fee: MAIN_FEE,
			nodes: vec![actors.node.clone()],
			validators: committee.clone(),
		};
		assert_noop!(
			<PayoutRouter as DistributeFee<AccountId, Balance, havn_runtime::RuntimeHoldReason>>::distribute(
				&settlement,
				&escrow()
			),
			pallet_payout_router::Error::<Runtime>::AlreadySettled
		);
		assert!(deltas(&before).iter().all(|(_, d)| *d == 0), "balances unchanged");
		// Nothing happened in this block but the Treasury's own per-block bookkeeping.
		assert!(System::events().iter().all(|r| matches!(
			r.event,
			RuntimeEvent::Treasury(pallet_treasury::Event::UpdatedInactive { .. })
		)));

		check_invariants(issuance);
	});
}

/// Step 6 with a fee that does not divide evenly: every share is rounded down and the three
/// planck of remainder land in the treasury. Sampling is forced (rate 100%) so that a `Valid`
/// verdict without the re-execution digest is refused deterministically.
#[test]
fn uneven_fee_remainder_goes_to_the_treasury() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		let wf = setup(&actors);
		let odd =
			publish(&actors.creator, b"odd-workflow", ODD_FEE, vec![(wf.upstream, Permill::one())]);
		set_reexecution_rate(Permill::one());

		next_block();
		let before = snapshot(&actors);
		let job = submit(&actors, odd, ODD_FEE);
		assign(&actors, job);
		let r = submit_receipt(&actors, odd, job);
		let (committee, sampled) = attesting_event(job);
		assert!(sampled, "a 100% rate samples every job");
		assert_noop!(
			ExecutionLog::attest(RuntimeOrigin::signed(committee[0].clone()), valid(job, None)),
			ExecError::<Runtime>::ReexecutionDigestMissing
		);
		next_block();
		for v in &committee {
			assert_ok!(ExecutionLog::attest(
				RuntimeOrigin::signed(v.clone()),
				valid(job, Some(r.runtime_hash))
			));
		}
		assert_eq!(ExecutionLog::job_view(job).unwrap().phase, JobPhase::Finalized);

		// 1,234,567,890,123 planck: 45% = 555,555,550,555.35, 20% = 246,913,578,024.6,
		// 25% = 308,641,972,530.75, 5% = 61,728,394,506.15 (12,345,678,901.2 per validator);
		// the treasury gets 5% rounded down plus every fraction: 61,728,394,506 + 3.
		let creator = 555_555_550_555;
		let upstream = 246_913_578_024;
		let node = 308_641_972_530;
		let validator_each = 12_345_678_901;
		let treasury_total = 61_728_394_509;
		assert_eq!(creator + upstream + node + 5 * validator_each + treasury_total, ODD_FEE);
		assert_eq!(treasury_total - Permill::from_percent(5).mul_floor(ODD_FEE), 3);

		let d = deltas(&before);
		assert_eq!(delta_of(&d, &actors.payer), -((ODD_FEE + job_deposit()) as i128));
		assert_eq!(delta_of(&d, &actors.creator), creator as i128);
		assert_eq!(delta_of(&d, &actors.upstream), upstream as i128);
		assert_eq!(delta_of(&d, &actors.node), node as i128);
		for v in &actors.validators {
			assert_eq!(delta_of(&d, v), validator_each as i128);
		}
		assert_eq!(delta_of(&d, &treasury()), treasury_total as i128);
		assert_eq!(d.iter().map(|(_, x)| *x).sum::<i128>(), -(job_deposit() as i128));
		assert_eq!(held(escrow(), &actors.payer), 0);
		assert_eq!(
			PayoutRouter::settlement(job).unwrap().shares,
			FeeShares {
				creator,
				upstream,
				node,
				validators: 5 * validator_each,
				treasury: treasury_total,
			}
		);
		assert_eq!(
			PayoutRouter::workflow_earnings(odd),
			Some(WorkflowEarnings {
				runs: 1,
				total_fees: ODD_FEE,
				creator_earned: creator,
				upstream_paid: upstream,
				earned_as_upstream: 0,
			})
		);
		assert_eq!(PayoutRouter::earned(&treasury()), treasury_total);

		check_invariants(issuance);
	});
}

/// Step 7: forged, replayed and foreign-chain receipts, and self-attestation, are refused with
/// their typed errors and write nothing.
#[test]
fn bad_receipts_and_self_attestation_are_refused() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		let wf = setup(&actors);
		next_block();
		let job_a = submit(&actors, wf.main, MAIN_FEE);
		let job_b = submit(&actors, wf.main, MAIN_FEE);
		assign(&actors, job_a);
		assign(&actors, job_b);
		let genesis = ExecutionLog::genesis_hash();
		assert_eq!(genesis, System::block_hash(0));
		let node = RuntimeOrigin::signed(actors.node.clone());
		let receipt_a = receipt(wf.main, job_a, runtime_hash(job_a));
		let signature_a = sign_receipt(&actors.receipt_key, &receipt_a, genesis);

		// Forged: signed by a key that is not the node's registered receipt key.
		let forger = pair("Forger");
		assert_noop!(
			ExecutionLog::submit_receipt(
				node.clone(),
				job_a,
				receipt_a.clone(),
				sign_receipt(&forger, &receipt_a, genesis)
			),
			ExecError::<Runtime>::ReceiptSignatureInvalid
		);
		// Signed with the node's account key instead of its registered receipt key.
		assert_noop!(
			ExecutionLog::submit_receipt(
				node.clone(),
				job_a,
				receipt_a.clone(),
				sign_receipt(&pair("Node"), &receipt_a, genesis)
			),
			ExecError::<Runtime>::ReceiptSignatureInvalid
		);
		// Replayed on job B as is: the receipt names job A.
		assert_noop!(
			ExecutionLog::submit_receipt(node.clone(), job_b, receipt_a.clone(), signature_a),
			ExecError::<Runtime>::ReceiptMismatch
		);
		// Replayed on job B with the receipt rewritten for B: A's signature does not cover it.
		let mut rewritten = receipt_a.clone();
		rewritten.job_id = job_b;
		assert_noop!(
			ExecutionLog::submit_receipt(node.clone(), job_b, rewritten, signature_a),
			ExecError::<Runtime>::ReceiptSignatureInvalid
		);
		// Signed for another chain's genesis hash.
		let foreign = H256::repeat_byte(0x42);
		assert_ne!(foreign, genesis);
		assert_noop!(
			ExecutionLog::submit_receipt(
				node.clone(),
				job_a,
				receipt_a.clone(),
				sign_receipt(&actors.receipt_key, &receipt_a, foreign)
			),
			ExecError::<Runtime>::ReceiptSignatureInvalid
		);
		// Tampered after signing (another runtime hash).
		let mut tampered = receipt_a.clone();
		tampered.runtime_hash = H256::repeat_byte(0x99);
		assert_noop!(
			ExecutionLog::submit_receipt(node.clone(), job_a, tampered, signature_a),
			ExecError::<Runtime>::ReceiptSignatureInvalid
		);
		// A validly signed receipt from an account that is not the job's node.
		assert_noop!(
			ExecutionLog::submit_receipt(
				RuntimeOrigin::signed(actors.validators[0].clone()),
				job_a,
				receipt_a.clone(),
				signature_a
			),
			ExecError::<Runtime>::NotAssignedNode
		);

		// The genuine receipt is accepted once.
		assert_ok!(ExecutionLog::submit_receipt(
			node.clone(),
			job_a,
			receipt_a.clone(),
			signature_a
		));
		assert_noop!(
			ExecutionLog::submit_receipt(node.clone(), job_a, receipt_a.clone(), signature_a),
			ExecError::<Runtime>::BadPhase
		);
		let (committee, _) = attesting_event(job_a);

		// Self-attestation: the node is never on its own committee.
		assert!(!committee.contains(&actors.node));
		assert_noop!(
			ExecutionLog::attest(node.clone(), valid(job_a, Some(receipt_a.runtime_hash))),
			ExecError::<Runtime>::NotInCommittee
		);
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(actors.payer.clone()),
				valid(job_a, Some(receipt_a.runtime_hash))
			),
			ExecError::<Runtime>::NotInCommittee
		);
		// Job B has no committee yet.
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(committee[0].clone()),
				valid(job_b, Some(runtime_hash(job_b)))
			),
			ExecError::<Runtime>::BadPhase
		);
		// One verdict per member.
		assert_ok!(ExecutionLog::attest(
			RuntimeOrigin::signed(committee[0].clone()),
			valid(job_a, Some(receipt_a.runtime_hash))
		));
		assert_noop!(
			ExecutionLog::attest(
				RuntimeOrigin::signed(committee[0].clone()),
				valid(job_a, Some(receipt_a.runtime_hash))
			),
			ExecError::<Runtime>::AlreadyAttested
		);

		// Job B's genuine receipt still goes through after the refused replays.
		submit_receipt(&actors, wf.main, job_b);
		assert_eq!(ExecutionLog::job_view(job_b).unwrap().phase, JobPhase::Attesting);
		assert_eq!(held(escrow(), &actors.payer), 2 * MAIN_FEE);

		check_invariants(issuance);
	});
}

/// The emergency pause: Root enters safe mode; job intake and attestations are filtered, escrow
/// stays held and nothing expires however far past its deadline the chain goes; after the exit
/// a job still finishes (and pays) and another expires with a full refund as expiry catches up.
#[test]
fn emergency_pause_keeps_escrow_and_defers_expiry() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		let wf = setup(&actors);

		// Block s (the first after the set-up): job A reaches `Attesting` with two verdicts;
		// job B stays `Assigned`.
		next_block();
		let s = System::block_number();
		let job_a = submit(&actors, wf.main, MAIN_FEE);
		let job_b = submit(&actors, wf.main, MAIN_FEE);
		assign(&actors, job_a);
		assign(&actors, job_b);
		let r = submit_receipt(&actors, wf.main, job_a);
		let (committee, _) = attesting_event(job_a);
		for v in &committee[..2] {
			assert_ok!(ExecutionLog::attest(
				RuntimeOrigin::signed(v.clone()),
				valid(job_a, Some(r.runtime_hash))
			));
		}
		let deadline = s + DEADLINE;
		assert_eq!(ExecutionLog::job_view(job_b).unwrap().deadline, deadline);

		// Block s + 1: Root enters the pause.
		next_block();
		assert_ok!(SafeMode::force_enter(RuntimeOrigin::root()));
		assert!(SafeMode::is_entered());
		let payer = RuntimeOrigin::signed(actors.payer.clone());
		let submit_call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_job {
			workflow_id: wf.main,
			input_digest: H256::repeat_byte(0x11),
			input_uri: BoundedVec::truncate_from(b"ipfs://bafkinputs".to_vec()),
			compute_class: ComputeClass::S,
			max_fee: MAIN_FEE,
			redundancy: 1,
			deadline: DEADLINE,
		});
		let call_filtered: DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		assert_noop!(
			submit_call.clone().dispatch(payer.clone()).map_err(|e| e.error),
			call_filtered
		);
		// Dispatched past the filter (as another pallet would), the pallet refuses it too.
		assert_noop!(
			ExecutionLog::submit_job(
				payer.clone(),
				wf.main,
				H256::repeat_byte(0x11),
				BoundedVec::default(),
				ComputeClass::S,
				MAIN_FEE,
				1,
				DEADLINE,
			),
			ExecError::<Runtime>::ChainPaused
		);
		let attest_call = |v: &AccountId| {
			RuntimeCall::ExecutionLog(pallet_execution_log::Call::attest {
				attestation: valid(job_a, Some(r.runtime_hash)),
			})
			.dispatch(RuntimeOrigin::signed(v.clone()))
			.map_err(|e| e.error)
		};
		assert_noop!(attest_call(&committee[2]), call_filtered);
		let receipt_b = receipt(wf.main, job_b, runtime_hash(job_b));
		let receipt_call = RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_receipt {
			job_id: job_b,
			receipt: receipt_b.clone(),
			signature: sign_receipt(&actors.receipt_key, &receipt_b, ExecutionLog::genesis_hash()),
		});
		assert_noop!(
			receipt_call.dispatch(RuntimeOrigin::signed(actors.node.clone())).map_err(|e| e.error),
			call_filtered
		);

		// Far past both deadlines while paused: escrow held, nothing expires.
		let exit_at = deadline + 60;
		while System::block_number() < exit_at {
			next_block();
			assert!(SafeMode::is_entered());
			assert_eq!(held(escrow(), &actors.payer), 2 * MAIN_FEE);
			assert_eq!(ExecutionLog::job_view(job_a).unwrap().phase, JobPhase::Attesting);
			assert_eq!(ExecutionLog::job_view(job_b).unwrap().phase, JobPhase::Assigned);
			assert!(flywheel_events().is_empty(), "no expiry during the pause");
		}
		assert!(pallet_execution_log::ExpiryQueue::<Runtime>::get(deadline).contains(&job_b));
		check_invariants(issuance);

		// Root exits; job A finishes in the same block, through the call filter, and pays.
		let before = snapshot(&actors);
		assert_ok!(SafeMode::force_exit(RuntimeOrigin::root()));
		assert!(!SafeMode::is_entered());
		for v in &committee[2..] {
			assert_ok!(attest_call(v));
		}
		assert_eq!(ExecutionLog::job_view(job_a).unwrap().phase, JobPhase::Finalized);
		let d = deltas(&before);
		assert_eq!(delta_of(&d, &actors.payer), 0, "the fee was already escrowed");
		assert_eq!(delta_of(&d, &actors.creator), (45 * MAIN_FEE / 100) as i128);
		assert_eq!(delta_of(&d, &actors.upstream), (20 * MAIN_FEE / 100) as i128);
		assert_eq!(delta_of(&d, &actors.node), (25 * MAIN_FEE / 100) as i128);
		assert_eq!(delta_of(&d, &treasury()), (5 * MAIN_FEE / 100) as i128);
		for v in &actors.validators {
			assert_eq!(delta_of(&d, v), (MAIN_FEE / 100) as i128);
		}
		assert_eq!(held(escrow(), &actors.payer), MAIN_FEE, "job B still escrowed");

		// Expiry resumes where it stopped (block s + 2's slot), two slots per block: job B's slot
		// (block s + 50) is reached in block exit_at + 25 and it is refunded there.
		let paused_cursor = pallet_execution_log::ExpiryCursor::<Runtime>::get().unwrap();
		assert_eq!(paused_cursor, s + 2);
		let expires_in = exit_at + (deadline - paused_cursor) / 2 + 1;
		while System::block_number() < expires_in - 1 {
			next_block();
			assert_eq!(ExecutionLog::job_view(job_b).unwrap().phase, JobPhase::Assigned);
		}
		let before = snapshot(&actors);
		next_block();
		assert_eq!(System::block_number(), expires_in);
		assert_eq!(
			flywheel_events(),
			vec![RuntimeEvent::ExecutionLog(pallet_execution_log::Event::JobExpired {
				job_id: job_b
			})]
		);
		let view = ExecutionLog::job_view(job_b).unwrap();
		assert_eq!(
			view.timeline,
			vec![
				(JobPhase::Submitted, s),
				(JobPhase::Assigned, s),
				(JobPhase::Expired, expires_in)
			]
		);
		assert_eq!(delta_of(&deltas(&before), &actors.payer), MAIN_FEE as i128, "refunded");
		assert_eq!(held(escrow(), &actors.payer), 0);
		assert_eq!(
			free(&actors.payer),
			ENDOWMENT - MAIN_FEE - 2 * job_deposit(),
			"only job A was paid for (both deposits held until pruning)"
		);
		assert_eq!(reputation_outcomes(), vec![(actors.node.clone(), Outcome::JobExpired)]);

		check_invariants(issuance);
	});
}

/// The upstream workflow's `earned_as_upstream` must count the royalties its creator earned as
/// a dependency of the main workflow (`WorkflowEarnings` docs, HavnApi `workflow_earnings`).
#[test]
fn upstream_workflow_earns_as_upstream() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let wf = setup(&actors);
		next_block();
		let job = submit(&actors, wf.main, MAIN_FEE);
		assign(&actors, job);
		let r = submit_receipt(&actors, wf.main, job);
		let (committee, _) = attesting_event(job);
		for v in &committee {
			assert_ok!(ExecutionLog::attest(
				RuntimeOrigin::signed(v.clone()),
				valid(job, Some(r.runtime_hash))
			));
		}
		assert_eq!(PayoutRouter::earned(&actors.upstream), 20 * MAIN_FEE / 100);
		assert_eq!(
			api!(workflow_earnings(wf.upstream)),
			Some(WorkflowEarnings {
				earned_as_upstream: 20 * MAIN_FEE / 100,
				..Default::default()
			})
		);
		check_invariants(genesis_issuance(&actors));
	});
}

#[test]
fn a_job_runs_the_manifest_version_it_was_submitted_with() {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		let wf = setup(&actors);
		next_block();
		let v1 = H256(sp_io::hashing::blake2_256(b"main-workflow"));
		let job = submit(&actors, wf.main, MAIN_FEE);
		assert_eq!(pallet_execution_log::Jobs::<Runtime>::get(job).unwrap().manifest_hash, v1);
		// The owner publishes version 2 while the job is open: the job keeps version 1, which
		// is what its node runs and its attestors re-execute; new jobs get version 2.
		let v2 = H256(sp_io::hashing::blake2_256(b"main-workflow v2"));
		common::commit(&actors.creator, v2);
		assert_ok!(havn_runtime::WorkflowRegistry::publish_version(
			RuntimeOrigin::signed(actors.creator.clone()),
			wf.main,
			v2,
			BoundedVec::truncate_from(b"ipfs://bafkreihavnmanifestv2".to_vec()),
		));
		assert_eq!(pallet_execution_log::Jobs::<Runtime>::get(job).unwrap().manifest_hash, v1);
		let later = submit(&actors, wf.main, MAIN_FEE);
		assert_eq!(pallet_execution_log::Jobs::<Runtime>::get(later).unwrap().manifest_hash, v2);
		check_invariants(issuance);
	});
}
