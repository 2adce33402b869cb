//! The weight report: how many full job lifecycles fit in one block against how many
//! `transfer_keep_alive` calls, from the generated `weights.rs` files (the weights the runtime
//! charges, so the ones that fill blocks). `scripts/bench-weights.sh` prints it.
//!
//! A lifecycle is `submit_job`, `assign` (one node), `submit_receipt`, then a quorum of
//! attestations, the last of which pays the job out (`finalize`). Two shapes are priced:
//!
//! - **batched**, as `scripts/bench-chain.sh` drives the chain: `submit_job`, `assign` and
//!   `submit_receipt` in `Utility::force_batch`es of [`CALLS_PER_BATCH`] calls, and the lead
//!   aggregator's `submit_attestations` of `MaxBatch` items; the extrinsic base weight and the
//!   batch overhead are shared by the calls of one extrinsic;
//! - **unbatched**: every step its own extrinsic and one `attest` per validator.
//!
//! Each call is priced at the weight it is finally charged (after the refund to the job's actual
//! redundancy and committee), with a redundancy of 1 and [`VALIDATORS`] bonded validators, the
//! benchmark's set-up. Every extrinsic also pays `ExtrinsicBaseWeight` and the weight of the
//! runtime's transaction extensions (`ChargeTransactionPayment` above all): a transfer pays them
//! once per call, a batch once per extrinsic.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::Get,
	weights::Weight,
};
use havn_runtime::{configs::RuntimeBlockWeights, Runtime, RuntimeCall, TxExtension};
use pallet_balances::WeightInfo as _;
use pallet_execution_log::WeightInfo as _;
use pallet_utility::WeightInfo as _;
use sp_runtime::traits::TransactionExtension;

type ExecWeights = <Runtime as pallet_execution_log::Config>::WeightInfo;
type BalanceWeights = <Runtime as pallet_balances::Config>::WeightInfo;
type UtilityWeights = <Runtime as pallet_utility::Config>::WeightInfo;

/// Calls per `force_batch` in the batched lifecycle (the load generator's `--batch` default).
const CALLS_PER_BATCH: u64 = 100;
/// Bonded validators the committee is drawn from (the load generator's `--validators` default).
const VALIDATORS: u32 = 9;

fn quorum() -> u32 {
	<Runtime as pallet_execution_log::Config>::QuorumSize::get()
}

fn max_batch() -> u32 {
	<Runtime as pallet_execution_log::Config>::MaxBatch::get()
}

/// Most dependencies of a workflow: the largest upstream fan-out of a payout.
fn max_upstream() -> u32 {
	<Runtime as pallet_execution_log::Config>::MaxUpstream::get()
}

/// The block's capacity for normal extrinsics.
fn normal_capacity() -> Weight {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	normal.max_total.unwrap_or(weights.max_block)
}

/// What every signed extrinsic pays besides its call: `ExtrinsicBaseWeight` plus the weight of
/// the transaction extensions, as `CheckWeight` charges them.
fn base() -> Weight {
	let call = transfer_call();
	let extensions: TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(sp_runtime::generic::Era::Immortal),
		frame_system::CheckNonce::from(0),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	);
	RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.base_extrinsic
		.saturating_add(extensions.weight(&call))
}

fn transfer_call() -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: sp_runtime::MultiAddress::Id(sp_runtime::AccountId32::new([1; 32])),
		value: 1,
	})
}

/// How many items of weight `w` fit in `cap`, on both dimensions.
fn fits(cap: Weight, w: Weight) -> u64 {
	let by_time = cap.ref_time().checked_div(w.ref_time()).unwrap_or(u64::MAX);
	let by_proof = cap.proof_size().checked_div(w.proof_size()).unwrap_or(u64::MAX);
	by_time.min(by_proof)
}

/// `w` shared by `n` items.
fn share(w: Weight, n: u64) -> Weight {
	Weight::from_parts(w.ref_time() / n.max(1), w.proof_size() / n.max(1))
}

struct Report {
	transfer: Weight,
	batched: Weight,
	unbatched: Weight,
	capacity: Weight,
	parts: Vec<(String, Weight)>,
}

fn report() -> Report {
	let q = quorum();
	let committee = <Runtime as pallet_execution_log::Config>::CommitteeSize::get();
	let b = max_batch();
	let receipt = ExecWeights::submit_receipt(1, VALIDATORS);
	// A workflow without dependencies (the payout's upstream fan-out is `d`, here 0).
	let finalize = ExecWeights::finalize(1, q, 0);
	// One lead batch of `MaxBatch` items carries `MaxBatch / quorum` jobs' attestations.
	let per_item = share(ExecWeights::submit_attestations(b), u64::from(b));
	let attestations = per_item.saturating_mul(u64::from(q)).saturating_add(finalize);
	let lead_extrinsics = share(base(), u64::from(b / q.max(1)));
	// A force_batch of n calls: its own overhead plus one extrinsic base, shared by n calls.
	let batch_overhead = share(
		UtilityWeights::force_batch(CALLS_PER_BATCH as u32).saturating_add(base()),
		CALLS_PER_BATCH,
	);
	let batched = ExecWeights::submit_job()
		.saturating_add(ExecWeights::assign(1))
		.saturating_add(receipt)
		.saturating_add(batch_overhead.saturating_mul(3))
		.saturating_add(attestations)
		.saturating_add(lead_extrinsics);
	let unbatched = ExecWeights::submit_job()
		.saturating_add(ExecWeights::assign(1))
		.saturating_add(receipt)
		.saturating_add(ExecWeights::attest(1, committee, 0).saturating_mul(u64::from(q)))
		.saturating_add(base().saturating_mul(3 + u64::from(q)));
	let transfer_call = transfer_call().get_dispatch_info().call_weight;
	assert_eq!(transfer_call, BalanceWeights::transfer_keep_alive());
	let transfer = transfer_call.saturating_add(base());
	let parts = vec![
		("submit_job".to_string(), ExecWeights::submit_job()),
		("assign(1 node)".into(), ExecWeights::assign(1)),
		(format!("submit_receipt(1 node, {VALIDATORS} validators)"), receipt),
		(format!("submit_attestations({b}) per item"), per_item),
		(format!("finalize(1 node, {q} verdicts, no dependencies)"), finalize),
		(
			format!("finalize(1 node, {q} verdicts, {} dependencies)", max_upstream()),
			ExecWeights::finalize(1, q, max_upstream()),
		),
		(
			format!("attest(1 node, committee of {committee}), deciding"),
			ExecWeights::attest(1, committee, 0),
		),
		(format!("force_batch({CALLS_PER_BATCH}) + base, per call"), batch_overhead),
		(
			"ExtrinsicBaseWeight".into(),
			RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic,
		),
		("ExtrinsicBaseWeight + transaction extensions, per extrinsic".into(), base()),
		("transfer_keep_alive (without base)".into(), BalanceWeights::transfer_keep_alive()),
	];
	Report { transfer, batched, unbatched, capacity: normal_capacity(), parts }
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
	row("job lifecycle, batched (force_batch + lead aggregator)", r.batched, batched);
	row("job lifecycle, one extrinsic per step and per validator", r.unbatched, unbatched);
	println!("\n| call (charged after refund) | ref time (µs) | proof (bytes) |\n|---|---|---|");
	for (name, w) in &r.parts {
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
	assert!(r.batched.all_lt(r.unbatched), "batching weighs less than one extrinsic per step");
	assert!(batched >= unbatched);
}
