//! Benchmarks of the ExecutionLog (frame-benchmarking v2). Bonded nodes, validators, relays
//! and a workflow come from [`Config::BenchmarkHelper`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::Pallet as ExecutionLog;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, One};

/// What the runtime provides so that the benchmarks can set up bonded nodes, validators, relays
/// and a registered workflow (implemented by the runtime against the real pallets, and by the
/// mock against its test doubles).
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Register an invocable workflow of compute class `S` whose payees are known; return its id.
	fn setup_workflow() -> WorkflowId;
	/// Like [`Self::setup_workflow`], with `d` registered dependencies (each owned by its own
	/// account), so that its payout pays `d` upstream creators.
	fn setup_workflow_with_upstream(d: u32) -> WorkflowId;
	/// Bond a fresh execution node (number `index`) for `class`, eligible, with a reputation level
	/// above `Untrusted` and an sr25519 receipt key (e.g. from
	/// `sp_io::crypto::sr25519_generate(KeyTypeId(*b"havn"), None)`); return its account.
	fn setup_node(class: ComputeClass, index: u32) -> AccountId;
	/// Sign `payload` with `node`'s registered receipt key (e.g. `sp_io::crypto::sr25519_sign`).
	fn sign_receipt(node: &AccountId, payload: &[u8]) -> sr25519::Signature;
	/// Make at least `n` active validators whose account keys can sign; return
	/// `active_validators()`.
	fn setup_validators(n: u32) -> Vec<AccountId>;
	/// Sign `payload` with `validator`'s account key.
	fn sign_attestation(validator: &AccountId, payload: &[u8]) -> Signature;
	/// Bond a relay; return its account.
	fn setup_relay() -> AccountId;
	/// Bond an account for any role that is neither a node nor a validator (a challenger).
	fn setup_challenger() -> AccountId;
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = BalanceOf::<T>::max_value() / 1_000_000u32.into();
	T::Currency::set_balance(&who, amount);
	who
}

fn max_fee<T: Config>() -> BalanceOf<T> {
	BalanceOf::<T>::max_value() / 1_000_000_000u32.into()
}

fn uri<T: Config>() -> BoundedVec<u8, T::MaxInputUriLen> {
	BoundedVec::truncate_from(alloc::vec![b'x'; T::MaxInputUriLen::get() as usize])
}

/// Submit a job of redundancy `r` with the given deadline (blocks from now).
fn submit<T: Config>(payer: &T::AccountId, r: u32, deadline: u32) -> JobId {
	submit_of::<T>(T::BenchmarkHelper::setup_workflow(), payer, r, deadline)
}

/// Submit a job of `workflow`, redundancy `r`, with the given deadline (blocks from now).
fn submit_of<T: Config>(
	workflow: WorkflowId,
	payer: &T::AccountId,
	r: u32,
	deadline: u32,
) -> JobId {
	let id = NextJobId::<T>::get();
	ExecutionLog::<T>::submit_job(
		RawOrigin::Signed(payer.clone()).into(),
		workflow,
		H256::repeat_byte(1),
		uri::<T>(),
		ComputeClass::XL,
		max_fee::<T>(),
		r as u8,
		deadline.into(),
	)
	.unwrap();
	id
}

fn nodes<T: Config>(r: u32) -> Vec<T::AccountId> {
	(0..r).map(|i| T::BenchmarkHelper::setup_node(ComputeClass::XL, i)).collect()
}

fn assigned<T: Config>(payer: &T::AccountId, r: u32) -> (JobId, Vec<T::AccountId>) {
	assigned_of::<T>(T::BenchmarkHelper::setup_workflow(), payer, r)
}

/// A job of `workflow` with redundancy `r`, assigned to fresh nodes by a relay.
fn assigned_of<T: Config>(
	workflow: WorkflowId,
	payer: &T::AccountId,
	r: u32,
) -> (JobId, Vec<T::AccountId>) {
	let job_id = submit_of::<T>(workflow, payer, r, T::MaxDeadline::get().unique_saturated_into());
	let nodes = nodes::<T>(r);
	let relay = T::BenchmarkHelper::setup_relay();
	ExecutionLog::<T>::assign(
		RawOrigin::Signed(relay).into(),
		job_id,
		BoundedVec::truncate_from(nodes.clone()),
	)
	.unwrap();
	(job_id, nodes)
}

fn receipt_of<T: Config>(job_id: JobId) -> (Receipt, H256) {
	let job = Jobs::<T>::get(job_id).unwrap();
	let hash = H256::repeat_byte(0xAB);
	(
		Receipt {
			workflow_id: job.workflow_id,
			job_id,
			runtime_hash: hash,
			outputs_cid: BoundedVec::truncate_from(alloc::vec![b'b'; 96]),
			latency_ms: 1_000,
			energy_estimate: 1_000,
		},
		hash,
	)
}

fn send_receipt<T: Config>(job_id: JobId, node: &T::AccountId) {
	let (receipt, _) = receipt_of::<T>(job_id);
	let sig = T::BenchmarkHelper::sign_receipt(
		node,
		&receipt.signing_payload(ExecutionLog::<T>::genesis_hash()),
	);
	ExecutionLog::<T>::submit_receipt(RawOrigin::Signed(node.clone()).into(), job_id, receipt, sig)
		.unwrap();
}

/// A job of redundancy `r` in `Attesting`, drawn from `v` validators.
/// A job in `Attesting` with `r` nodes, drawn from at least `v` validators (and never fewer than
/// the quorum, so that the job can be decided).
fn attesting<T: Config>(payer: &T::AccountId, r: u32, v: u32) -> JobId {
	attesting_of::<T>(T::BenchmarkHelper::setup_workflow(), payer, r, v)
}

/// A job of `workflow` with redundancy `r`, every receipt in, `v` validators: `Attesting`.
fn attesting_of<T: Config>(workflow: WorkflowId, payer: &T::AccountId, r: u32, v: u32) -> JobId {
	T::BenchmarkHelper::setup_validators(v.max(T::QuorumSize::get()));
	let (job_id, nodes) = assigned_of::<T>(workflow, payer, r);
	for node in nodes.iter() {
		send_receipt::<T>(job_id, node);
	}
	assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Attesting);
	job_id
}

fn valid(job_id: JobId) -> Attestation {
	Attestation {
		job_id,
		verdict: Verdict::Valid,
		reexecution_digest: Some(H256::repeat_byte(0xAB)),
	}
}

/// Attest `Valid` from all but one of the members needed for quorum; returns the member left.
fn near_quorum<T: Config>(job_id: JobId) -> T::AccountId {
	let committee = Jobs::<T>::get(job_id).unwrap().committee;
	let quorum = T::QuorumSize::get().max(1) as usize;
	for member in committee.iter().take(quorum - 1) {
		ExecutionLog::<T>::attest(RawOrigin::Signed(member.clone()).into(), valid(job_id)).unwrap();
	}
	committee[quorum - 1].clone()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_job() {
		let payer = funded::<T>("payer", 0);
		let workflow = T::BenchmarkHelper::setup_workflow();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(payer),
			workflow,
			H256::repeat_byte(1),
			uri::<T>(),
			ComputeClass::XL,
			max_fee::<T>(),
			T::MaxRedundancy::get() as u8,
			T::MaxDeadline::get(),
		);
		assert_eq!(NextJobId::<T>::get(), 1);
	}

	#[benchmark]
	fn assign(r: Linear<1, { T::MaxRedundancy::get() }>) {
		let payer = funded::<T>("payer", 0);
		let job_id =
			submit::<T>(&payer, r, ExecutionLog::<T>::min_deadline().unique_saturated_into());
		let nodes = nodes::<T>(r);
		let relay = T::BenchmarkHelper::setup_relay();
		#[extrinsic_call]
		_(RawOrigin::Signed(relay), job_id, BoundedVec::truncate_from(nodes));
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Assigned);
	}

	#[benchmark]
	fn claim(r: Linear<1, { T::MaxRedundancy::get() }>) {
		let payer = funded::<T>("payer", 0);
		let job_id = submit::<T>(&payer, r, T::MaxDeadline::get().unique_saturated_into());
		let nodes = nodes::<T>(r);
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::RelayTimeout::get()),
		);
		let (last, others) = nodes.split_last().unwrap();
		for node in others {
			ExecutionLog::<T>::claim(RawOrigin::Signed(node.clone()).into(), job_id).unwrap();
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), job_id);
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Assigned);
	}

	#[benchmark]
	fn release(r: Linear<1, { T::MaxRedundancy::get() }>) {
		let payer = funded::<T>("payer", 0);
		let (job_id, nodes) = assigned::<T>(&payer, r);
		let last = nodes.last().unwrap().clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), job_id, ReleaseReason::Unrunnable);
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Submitted);
	}

	#[benchmark]
	fn submit_receipt(
		r: Linear<1, { T::MaxRedundancy::get() }>,
		c: Linear<1, { T::MaxCommittee::get() }>,
	) {
		T::BenchmarkHelper::setup_validators(c);
		let payer = funded::<T>("payer", 0);
		let (job_id, nodes) = assigned::<T>(&payer, r);
		let (last, others) = nodes.split_last().unwrap();
		for node in others {
			send_receipt::<T>(job_id, node);
		}
		let (receipt, _) = receipt_of::<T>(job_id);
		let sig = T::BenchmarkHelper::sign_receipt(
			last,
			&receipt.signing_payload(ExecutionLog::<T>::genesis_hash()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), job_id, receipt, sig);
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Attesting);
	}

	/// The attestation that reaches the quorum and finalizes a job with `r` nodes and `c`
	/// committee members, whose workflow has `d` dependencies (the payout's upstream fan-out).
	#[benchmark]
	fn attest(
		r: Linear<1, { T::MaxRedundancy::get() }>,
		c: Linear<1, { T::MaxCommittee::get() }>,
		d: Linear<0, { T::MaxUpstream::get() }>,
	) {
		let payer = funded::<T>("payer", 0);
		let workflow = T::BenchmarkHelper::setup_workflow_with_upstream(d);
		let job_id = attesting_of::<T>(workflow, &payer, r, c);
		let last = near_quorum::<T>(job_id);
		#[extrinsic_call]
		_(RawOrigin::Signed(last), valid(job_id));
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Finalized);
	}

	/// `b` signed attestations, each the first verdict on its own job, so that no item decides
	/// a job: the signature checks and the recording. What deciding adds is [`finalize`].
	#[benchmark]
	fn submit_attestations(b: Linear<1, { T::MaxBatch::get() }>) {
		let payer = funded::<T>("payer", 0);
		let v = T::CommitteeSize::get().min(T::MaxCommittee::get()).max(1);
		let mut batch = Vec::new();
		let genesis = ExecutionLog::<T>::genesis_hash();
		for _ in 0..b {
			// One block per job, so that each deadline falls in its own expiry slot.
			frame_system::Pallet::<T>::set_block_number(
				frame_system::Pallet::<T>::block_number().saturating_add(One::one()),
			);
			let job_id = attesting::<T>(&payer, 1, v);
			let member = Jobs::<T>::get(job_id).unwrap().committee[0].clone();
			let attestation = valid(job_id);
			let sig = T::BenchmarkHelper::sign_attestation(
				&member,
				&attestation.signing_payload(genesis),
			);
			batch.push((member, attestation, sig));
		}
		let lead = ExecutionLog::<T>::current_lead().unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(lead), BoundedVec::truncate_from(batch));
		let job = Jobs::<T>::get(0).unwrap();
		assert_eq!((job.phase, job.verdicts.len()), (JobPhase::Attesting, 1));
	}

	/// Deciding a job with `r` nodes and `v` valid verdicts, whose workflow has `d`
	/// dependencies: the payout (its upstream fan-out included), the reputation of the nodes
	/// and the validators, the job's write and events. Added to `attest`'s batch items
	/// (`submit_attestations`) for each item that reaches a quorum.
	#[benchmark]
	fn finalize(
		r: Linear<1, { T::MaxRedundancy::get() }>,
		v: Linear<1, { T::MaxCommittee::get() }>,
		d: Linear<0, { T::MaxUpstream::get() }>,
	) {
		let payer = funded::<T>("payer", 0);
		let workflow = T::BenchmarkHelper::setup_workflow_with_upstream(d);
		let job_id = attesting_of::<T>(workflow, &payer, r, v);
		let mut job = Jobs::<T>::get(job_id).unwrap();
		let voters: Vec<T::AccountId> =
			T::Stake::active_validators().into_iter().filter(|a| !job.is_node(a)).collect();
		for member in voters.into_iter().take(v as usize) {
			job.verdicts.try_push((member, Verdict::Valid)).unwrap();
		}
		#[block]
		{
			ExecutionLog::<T>::finalize(job_id, job).unwrap();
		}
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Finalized);
	}

	#[benchmark]
	fn challenge(c: Linear<0, { T::MaxCommittee::get() }>) {
		let payer = funded::<T>("payer", 0);
		let committee = T::CommitteeSize::get().min(T::MaxCommittee::get()).max(1);
		let v = committee.saturating_add(T::QuorumSize::get()).saturating_add(c);
		let job_id = attesting::<T>(&payer, T::MaxRedundancy::get(), v);
		let last = near_quorum::<T>(job_id);
		ExecutionLog::<T>::attest(RawOrigin::Signed(last).into(), valid(job_id)).unwrap();
		let challenger = T::BenchmarkHelper::setup_challenger();
		T::Currency::set_balance(&challenger, BalanceOf::<T>::max_value() / 1_000_000u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(challenger), job_id);
		assert_eq!(Jobs::<T>::get(job_id).unwrap().phase, JobPhase::Challenged);
	}

	#[benchmark]
	fn on_initialize_expiry(j: Linear<0, { T::MaxJobsPerBlock::get() }>) {
		let now = frame_system::Pallet::<T>::block_number();
		let mut ids = Vec::new();
		for i in 0..j {
			// A payer per job (a payer may fill only its share of a slot): the most
			// `PayerSlotUse` entries for the hook to clear.
			let payer = funded::<T>("payer", i);
			let (job_id, _) = assigned::<T>(&payer, T::MaxRedundancy::get());
			ids.push(job_id);
		}
		let deadline = now.saturating_add(T::MaxDeadline::get());
		ExpiryCursor::<T>::put(deadline);
		#[block]
		{
			ExecutionLog::<T>::process_expiries(deadline);
		}
		for id in ids {
			assert_eq!(Jobs::<T>::get(id).unwrap().phase, JobPhase::Expired);
		}
	}

	/// Pruning a job finalized with `MaxRedundancy` receipts once its challenge window is over:
	/// the most receipts to remove.
	#[benchmark]
	fn prune() {
		let payer = funded::<T>("payer", 0);
		let v = T::CommitteeSize::get().min(T::MaxCommittee::get()).max(1);
		let job_id = attesting::<T>(&payer, T::MaxRedundancy::get(), v);
		let last = near_quorum::<T>(job_id);
		ExecutionLog::<T>::attest(RawOrigin::Signed(last).into(), valid(job_id)).unwrap();
		let finalized_at = Jobs::<T>::get(job_id).unwrap().finalized_at.unwrap();
		frame_system::Pallet::<T>::set_block_number(
			finalized_at.saturating_add(T::ChallengeWindow::get()).saturating_add(One::one()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(payer), job_id);
		assert!(Jobs::<T>::get(job_id).is_none());
	}

	impl_benchmark_test_suite!(ExecutionLog, crate::mock::new_test_ext(), crate::mock::Test);
}
