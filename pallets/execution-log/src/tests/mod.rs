//! Unit tests of the ExecutionLog, one file per topic, with shared helpers.
#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use sp_core::Pair;

mod attest;
mod challenge;
mod expiry;
mod fan_out;
mod proptest;
mod prune;
mod receipts;
mod release;
mod routing;
mod submit;

pub const HASH: H256 = H256::repeat_byte(0xAB);

pub fn escrow_of(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::JobEscrow.into(), who)
}
/// Balance held on `who` for job storage deposits.
pub fn deposit_of(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::JobDeposit.into(), who)
}
pub fn bond_of(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ChallengeBond.into(), who)
}

pub fn uri() -> BoundedVec<u8, MaxInputUriLen> {
	b"ipfs://inputs".to_vec().try_into().unwrap()
}

/// Submit a job of `WF` on class M by Alice.
pub fn submit(r: u8, deadline: u64) -> JobId {
	let id = NextJobId::<Test>::get();
	assert_ok!(ExecutionLog::submit_job(
		RuntimeOrigin::signed(alice()),
		WF,
		H256::repeat_byte(1),
		uri(),
		ComputeClass::M,
		u128::MAX,
		r,
		deadline
	));
	id
}

pub fn nodes_vec(idx: &[u32]) -> BoundedVec<AccountId, MaxRedundancy> {
	idx.iter().map(|i| node(*i)).collect::<Vec<_>>().try_into().unwrap()
}

pub fn assign(job: JobId, idx: &[u32]) {
	assert_ok!(ExecutionLog::assign(RuntimeOrigin::signed(relay()), job, nodes_vec(idx)));
}

pub fn receipt(job: JobId, hash: H256) -> Receipt {
	Receipt {
		workflow_id: WF,
		job_id: job,
		runtime_hash: hash,
		outputs_cid: b"bafkreioutputs".to_vec().try_into().unwrap(),
		latency_ms: 1_200,
		energy_estimate: 9_000,
	}
}

pub fn sign_receipt(i: u32, r: &Receipt) -> sr25519::Signature {
	receipt_pair(i).sign(&r.signing_payload(ExecutionLog::genesis_hash()))
}

pub fn send_receipt(job: JobId, i: u32, hash: H256) {
	let r = receipt(job, hash);
	let sig = sign_receipt(i, &r);
	assert_ok!(ExecutionLog::submit_receipt(RuntimeOrigin::signed(node(i)), job, r, sig));
}

/// A job with nodes `idx`, every receipt in (all `HASH`): `Attesting`.
pub fn attesting(idx: &[u32]) -> JobId {
	let job = submit(idx.len() as u8, 50);
	assign(job, idx);
	for i in idx {
		send_receipt(job, *i, HASH);
	}
	assert_eq!(Jobs::<Test>::get(job).unwrap().phase, JobPhase::Attesting);
	job
}

pub fn committee(job: JobId) -> Vec<AccountId> {
	ExecutionLog::committee_of(job).unwrap()
}

pub fn att(job: JobId, verdict: Verdict, digest: Option<H256>) -> Attestation {
	Attestation { job_id: job, verdict, reexecution_digest: digest }
}

pub fn attest(who: &AccountId, job: JobId, verdict: Verdict) {
	assert_ok!(ExecutionLog::attest(
		RuntimeOrigin::signed(who.clone()),
		att(job, verdict, Some(HASH))
	));
}

/// The index `i` with `validator(i) == who`.
pub fn validator_index(who: &AccountId) -> u32 {
	(0..64).find(|i| &validator(*i) == who).unwrap()
}

pub fn phase(job: JobId) -> JobPhase {
	Jobs::<Test>::get(job).unwrap().phase
}

pub fn el_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ExecutionLog(e) => Some(e),
			_ => None,
		})
		.collect()
}
