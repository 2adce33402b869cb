//! The weight report: how many full job lifecycles fit in one block against how many
//! `transfer_keep_alive` calls, from the generated `weights.rs` files (the weights the runtime
//! charges, so the ones that fill blocks). `scripts/bench-weights.sh` prints it.
//!
//! A lifecycle is `submit_job`, `assign` (one node), `submit_receipt`, then the quorum of
//! attestations, either batched by the lead aggregator (`submit_attestations(quorum)`) or one
//! `attest` per validator. Each extrinsic also pays `ExtrinsicBaseWeight`. `submit_receipt` and
//! `attest` are charged at their worst case (`MaxRedundancy` receipts, `MaxCommittee`
//! validators), as dispatch declares them; the payout happens inside the quorum-reaching call.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use havn_runtime::{configs::RuntimeBlockWeights, Runtime};
use pallet_balances::WeightInfo as _;
use pallet_execution_log::WeightInfo as _;

type ExecWeights = <Runtime as pallet_execution_log::Config>::WeightInfo;
type BalanceWeights = <Runtime as pallet_balances::Config>::WeightInfo;

fn quorum() -> u32 {
	<Runtime as pallet_execution_log::Config>::QuorumSize::get()
}

/// The block's capacity for normal extrinsics.
fn normal_capacity() -> Weight {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	normal.max_total.unwrap_or(weights.max_block)
}

fn base() -> Weight {
	RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic
}

/// How many items of weight `w` fit in `cap`, on both dimensions.
fn fits(cap: Weight, w: Weight) -> u64 {
	let by_time = cap.ref_time().checked_div(w.ref_time()).unwrap_or(u64::MAX);
	let by_proof = cap.proof_size().checked_div(w.proof_size()).unwrap_or(u64::MAX);
	by_time.min(by_proof)
}

struct Report {
	transfer: Weight,
	batched: Weight,
	unbatched: Weight,
	capacity: Weight,
}

fn report() -> Report {
	let max_r = <Runtime as pallet_execution_log::Config>::MaxRedundancy::get();
	let max_c = <Runtime as pallet_execution_log::Config>::MaxCommittee::get();
	let q = quorum();
	let common = ExecWeights::submit_job()
		.saturating_add(ExecWeights::assign(1))
		.saturating_add(ExecWeights::submit_receipt(max_r, max_c))
		.saturating_add(base().saturating_mul(3));
	let batched = common.saturating_add(ExecWeights::submit_attestations(q)).saturating_add(base());
	let unbatched = common
		.saturating_add(ExecWeights::attest(max_r, max_c).saturating_mul(u64::from(q)))
		.saturating_add(base().saturating_mul(u64::from(q)));
	let transfer = BalanceWeights::transfer_keep_alive().saturating_add(base());
	Report { transfer, batched, unbatched, capacity: normal_capacity() }
}

#[test]
fn lifecycles_and_transfers_per_block_by_weight() {
	// Dynamic parameters (the quorum) are read from storage: an empty state gives the defaults.
	let r = sp_io::TestExternalities::new_empty().execute_with(report);
	let q = sp_io::TestExternalities::new_empty().execute_with(quorum);
	let transfers = fits(r.capacity, r.transfer);
	let batched = fits(r.capacity, r.batched);
	let unbatched = fits(r.capacity, r.unbatched);
	let row = |name: &str, w: Weight, n: u64| {
		println!(
			"| {name} | {:.1} | {} | {n} | {:.3} |",
			w.ref_time() as f64 / 1e6,
			w.proof_size(),
			n as f64 / transfers as f64
		)
	};
	let proof_cap = match r.capacity.proof_size() {
		p if p > 1 << 50 => "unbounded".to_string(),
		p => format!("{p} bytes"),
	};
	println!(
		"\nWeight report (normal-class block capacity: {:.0} ms of ref time, proof {proof_cap}; \
		 quorum {q})\n",
		r.capacity.ref_time() as f64 / 1e9
	);
	println!(
		"| per block | ref time (µs) | proof (bytes) | fit in one block | ratio to transfers |"
	);
	println!("|---|---|---|---|---|");
	row("transfer_keep_alive", r.transfer, transfers);
	row("job lifecycle, lead-batched attestations", r.batched, batched);
	row("job lifecycle, one attest per validator", r.unbatched, unbatched);
	let parts = sp_io::TestExternalities::new_empty().execute_with(|| {
		let max_r = <Runtime as pallet_execution_log::Config>::MaxRedundancy::get();
		let max_c = <Runtime as pallet_execution_log::Config>::MaxCommittee::get();
		[
			("submit_job", ExecWeights::submit_job()),
			("assign(1 node)", ExecWeights::assign(1)),
			(
				"submit_receipt(MaxRedundancy, MaxCommittee)",
				ExecWeights::submit_receipt(max_r, max_c),
			),
			("submit_attestations(quorum)", ExecWeights::submit_attestations(quorum())),
			("attest(MaxRedundancy, MaxCommittee)", ExecWeights::attest(max_r, max_c)),
			("ExtrinsicBaseWeight", base()),
		]
	});
	println!("\n| call (charged) | ref time (µs) | proof (bytes) |\n|---|---|---|");
	for (name, w) in parts {
		println!("| {name} | {:.1} | {} |", w.ref_time() as f64 / 1e6, w.proof_size());
	}
	println!(
		"\nbinding dimension of a batched lifecycle: {}",
		if r.capacity.ref_time() / r.batched.ref_time().max(1)
			<= r.capacity.proof_size() / r.batched.proof_size().max(1)
		{
			"ref time"
		} else {
			"proof size"
		}
	);
	// The report must describe real, non-empty blocks, and batching must help.
	assert!(transfers > 0 && batched > 0 && unbatched > 0);
	assert!(r.batched.all_lt(r.unbatched), "the lead's batch weighs less than separate attests");
	assert!(batched >= unbatched);
}
