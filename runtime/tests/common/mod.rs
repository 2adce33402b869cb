//! Shared set-up for the runtime-level integration tests: genesis storage for a handful of
//! actors, a block driver that runs the real hooks, and the money invariants every test ends
//! with.
//!
//! The money invariants live once, in each pallet's numbered `try_state`; [`check_invariants`]
//! runs them all through `AllPalletsWithSystem` (so the tests that use it need the runtime's
//! `try-runtime` feature: `required-features` in runtime/Cargo.toml) and adds the one law no
//! pallet can state alone, the total issuance.
#![allow(dead_code)]

use codec::Encode;
use frame_support::traits::{
	fungible::{Inspect, InspectHold},
	OnFinalize, OnInitialize,
};
use havn_primitives::{
	Attestation, ComputeClass, Receipt, Role, Verdict, WorkflowId, WorkflowKind, HAI,
};
use havn_runtime::{
	configs::governance::TreasuryAccount, AccountId, AllPalletsWithSystem, Balance, Balances,
	BalancesConfig, BuildStorage, Runtime, RuntimeGenesisConfig, RuntimeHoldReason, RuntimeOrigin,
	StakeGuard, System, Timestamp, WorkflowRegistry, EXISTENTIAL_DEPOSIT, SLOT_DURATION,
};
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{BoundedVec, Digest, DigestItem, Permill};

/// What every actor starts with: 1,000,000 HAI.
pub const ENDOWMENT: Balance = 1_000_000 * HAI;
/// Collateral floor of a class S node (runtime default).
pub const FLOOR_S: Balance = 2_000 * HAI;
/// Bond floor of a validator (runtime default).
pub const VALIDATOR_FLOOR: Balance = 10_000 * HAI;
/// Bond floor of a relay (runtime default).
pub const RELAY_FLOOR: Balance = 1_000 * HAI;

/// The sr25519 pair derived from `//name`.
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("a valid derivation path")
}

/// The account of the sr25519 pair derived from `//name`.
pub fn account(name: &str) -> AccountId {
	pair(name).public().into()
}

/// Every actor of the tests.
pub struct Actors {
	/// Creator of the upstream workflow (a model the main workflow depends on).
	pub upstream: AccountId,
	/// Creator of the main workflow.
	pub creator: AccountId,
	/// The execution node (class S).
	pub node: AccountId,
	/// The key the node signs receipts with (distinct from its account key).
	pub receipt_key: sr25519::Pair,
	/// The relay (orchestrator) that routes jobs.
	pub relay: AccountId,
	/// Who submits and pays jobs.
	pub payer: AccountId,
	/// The five attestation validators.
	pub validators: Vec<AccountId>,
}

impl Actors {
	pub fn new() -> Self {
		Actors {
			upstream: account("Upstream"),
			creator: account("Creator"),
			node: account("Node"),
			receipt_key: pair("NodeReceiptKey"),
			relay: account("Relay"),
			payer: account("Payer"),
			validators: (1..=5).map(|i| account(&format!("Validator{i}"))).collect(),
		}
	}

	/// Every funded actor account (not the treasury).
	pub fn all(&self) -> Vec<AccountId> {
		let mut all = vec![
			self.upstream.clone(),
			self.creator.clone(),
			self.node.clone(),
			self.relay.clone(),
			self.payer.clone(),
		];
		all.extend(self.validators.iter().cloned());
		all
	}
}

/// The treasury's account.
pub fn treasury() -> AccountId {
	<TreasuryAccount as frame_support::traits::Get<AccountId>>::get()
}

/// Genesis: every actor holds [`ENDOWMENT`], the treasury its existential deposit (as the
/// runtime's presets do). Block 1 is initialized before the closure runs.
pub fn new_test_ext(actors: &Actors) -> sp_io::TestExternalities {
	let mut balances: Vec<(AccountId, Balance)> =
		actors.all().into_iter().map(|a| (a, ENDOWMENT)).collect();
	balances.push((treasury(), EXISTENTIAL_DEPOSIT));
	let storage = RuntimeGenesisConfig {
		balances: BalancesConfig { balances, ..Default::default() },
		aura: aura_authority(),
		..Default::default()
	}
	.build_storage()
	.expect("the genesis config builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(next_block);
	ext
}

/// One Aura authority (Alice), as every chain has one: Aura's `try_state` reads the set.
pub fn aura_authority() -> pallet_aura::GenesisConfig<Runtime> {
	pallet_aura::GenesisConfig {
		authorities: vec![sp_consensus_aura::sr25519::AuthorityId::from(
			sp_keyring::Sr25519Keyring::Alice.public(),
		)],
	}
}

/// Total issuance at genesis of [`new_test_ext`].
pub fn genesis_issuance(actors: &Actors) -> Balance {
	ENDOWMENT * actors.all().len() as Balance + EXISTENTIAL_DEPOSIT
}

/// Finish the current block (if any) and start the next one, as a block author would: the
/// previous block's `on_finalize` hooks and header, then `System::initialize` with that header's
/// hash as parent and an Aura pre-digest, every pallet's `on_initialize` (ExecutionLog's expiry
/// among them), and the timestamp inherent. Events are reset per block.
pub fn next_block() {
	let now = System::block_number();
	let parent = if now == 0 {
		// Genesis: frame-system stored the genesis hash as block 0's hash.
		System::block_hash(0)
	} else {
		<AllPalletsWithSystem as OnFinalize<u32>>::on_finalize(now);
		System::finalize().hash()
	};
	let next = now + 1;
	let digest = Digest {
		logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(u64::from(next)).encode())],
	};
	System::reset_events();
	System::initialize(&next, &parent, &digest);
	<AllPalletsWithSystem as OnInitialize<u32>>::on_initialize(next);
	frame_support::assert_ok!(Timestamp::set(
		RuntimeOrigin::none(),
		u64::from(next) * SLOT_DURATION
	));
	System::note_finished_initialize();
}

/// Advance to block `n` (at least one block).
pub fn run_to_block(n: u32) {
	assert!(n > System::block_number(), "run_to_block goes forward");
	while System::block_number() < n {
		next_block();
	}
}

/// Free balance of `who`.
pub fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// Balance held on `who` for `reason`.
pub fn held(reason: RuntimeHoldReason, who: &AccountId) -> Balance {
	Balances::balance_on_hold(&reason, who)
}

/// The job-escrow hold reason.
pub fn escrow() -> RuntimeHoldReason {
	pallet_execution_log::HoldReason::JobEscrow.into()
}

/// The hold reason of a job's storage deposit.
pub fn job_deposit_reason() -> RuntimeHoldReason {
	pallet_execution_log::HoldReason::JobDeposit.into()
}

/// A job's storage deposit (the runtime parameter `JobDeposit`), in planck.
pub fn job_deposit() -> Balance {
	use frame_support::traits::Get;
	havn_runtime::configs::parameters::dynamic_params::execution::JobDeposit::get()
}

/// The bond hold reason.
pub fn bond_reason() -> RuntimeHoldReason {
	pallet_stake_guard::HoldReason::Bond.into()
}

/// `owner` commits to `manifest_hash`, and the blocks pass until it can publish it
/// (`MinCommitmentAge`).
pub fn commit(owner: &AccountId, manifest_hash: H256) {
	frame_support::assert_ok!(WorkflowRegistry::commit_manifest(
		RuntimeOrigin::signed(owner.clone()),
		havn_primitives::proofs::manifest_commitment(owner, &manifest_hash),
	));
	use frame_support::traits::Get;
	let age = <Runtime as pallet_workflow_registry::Config>::MinCommitmentAge::get();
	for _ in 0..age {
		next_block();
	}
}

/// Publish a class-S workflow with the default royalty split, after committing to it; returns
/// its id.
pub fn publish(
	owner: &AccountId,
	seed: &[u8],
	base_fee: Balance,
	dependencies: Vec<(WorkflowId, Permill)>,
) -> WorkflowId {
	let id = pallet_workflow_registry::NextWorkflowId::<Runtime>::get();
	let manifest_hash = H256(sp_io::hashing::blake2_256(seed));
	commit(owner, manifest_hash);
	frame_support::assert_ok!(WorkflowRegistry::publish(
		RuntimeOrigin::signed(owner.clone()),
		WorkflowKind::Workflow,
		manifest_hash,
		BoundedVec::truncate_from(b"ipfs://bafkreihavnmanifest".to_vec()),
		ComputeClass::S,
		base_fee,
		None,
		BoundedVec::truncate_from(dependencies),
		None,
	));
	id
}

/// The payer submits a class-S, redundancy-1 job of `workflow` (a fee of at most `max_fee`
/// planck, `deadline` blocks); returns its id.
pub fn submit_job(actors: &Actors, workflow: WorkflowId, max_fee: Balance, deadline: u32) -> u64 {
	let id = pallet_execution_log::NextJobId::<Runtime>::get();
	frame_support::assert_ok!(try_submit_job(actors, workflow, max_fee, 1, deadline));
	id
}

/// The payer's `submit_job` of a class-S job of `workflow` on `redundancy` nodes (a fee of at
/// most `max_fee` planck, `deadline` blocks), as dispatched: the test checks the outcome.
pub fn try_submit_job(
	actors: &Actors,
	workflow: WorkflowId,
	max_fee: Balance,
	redundancy: u8,
	deadline: u32,
) -> sp_runtime::DispatchResult {
	havn_runtime::ExecutionLog::submit_job(
		RuntimeOrigin::signed(actors.payer.clone()),
		workflow,
		H256::repeat_byte(0x11),
		BoundedVec::truncate_from(b"ipfs://bafkinputs".to_vec()),
		ComputeClass::S,
		max_fee,
		redundancy,
		deadline,
	)
}

/// Bond the node (class S at the floor, receipt key and capabilities registered), the five
/// validators (validator floor) and the relay.
pub fn bond_everyone(actors: &Actors) {
	use frame_support::assert_ok;
	assert_ok!(StakeGuard::bond(
		RuntimeOrigin::signed(actors.node.clone()),
		Role::ExecutionNode(ComputeClass::S),
		FLOOR_S
	));
	let capabilities = pallet_stake_guard::CapabilitiesOf::<Runtime> {
		compute_class: ComputeClass::S,
		gpu_model: BoundedVec::truncate_from(b"NVIDIA L4".to_vec()),
		vram_gib: 24,
		models: BoundedVec::truncate_from(vec![BoundedVec::truncate_from(
			b"llama-3.1-8b".to_vec(),
		)]),
	};
	assert_ok!(StakeGuard::register_node(
		RuntimeOrigin::signed(actors.node.clone()),
		actors.receipt_key.public(),
		key_proof(&actors.receipt_key, &actors.node),
		capabilities
	));
	for v in &actors.validators {
		assert_ok!(StakeGuard::bond(
			RuntimeOrigin::signed(v.clone()),
			Role::Validator,
			VALIDATOR_FLOOR
		));
	}
	assert_ok!(StakeGuard::bond(
		RuntimeOrigin::signed(actors.relay.clone()),
		Role::Relay,
		RELAY_FLOOR
	));
}

/// A receipt of `job_id` for `workflow_id` with the given runtime hash.
pub fn receipt(workflow_id: WorkflowId, job_id: u64, runtime_hash: H256) -> Receipt {
	Receipt {
		workflow_id,
		job_id,
		runtime_hash,
		outputs_cid: BoundedVec::truncate_from(
			b"bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi".to_vec(),
		),
		latency_ms: 1_234,
		energy_estimate: 56_789,
	}
}

/// `key`'s proof of possession for `who` on this chain (`StakeGuard::register_node`).
pub fn key_proof(key: &sr25519::Pair, who: &AccountId) -> sr25519::Signature {
	use sp_core::Pair as _;
	key.sign(&havn_primitives::proofs::receipt_key_proof_payload(who, StakeGuard::genesis_hash()))
}

/// `key`'s signature over `receipt` on the chain `genesis`.
pub fn sign_receipt(key: &sr25519::Pair, receipt: &Receipt, genesis: H256) -> sr25519::Signature {
	key.sign(&receipt.signing_payload(genesis))
}

/// A `Valid` attestation of `job_id`, carrying `digest` as re-execution digest.
pub fn valid(job_id: u64, digest: Option<H256>) -> Attestation {
	Attestation { job_id, verdict: Verdict::Valid, reexecution_digest: digest }
}

/// Runs `test` in [`new_test_ext`] for [`Actors::new`], then checks the money invariants
/// ([`check_invariants`] against the genesis issuance).
pub fn run_checked(test: impl FnOnce(&Actors)) {
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		let issuance = genesis_issuance(&actors);
		test(&actors);
		check_invariants(issuance);
	});
}

/// The money invariants: every pallet's `try_state` (among them ExecutionLog's escrow, expiry
/// and payment laws, PayoutRouter's ledgers, StakeGuard's bond holds and validator set, and
/// `pallet-balances`' own), plus the cross-pallet law that no pallet checks alone: total issuance
/// equals the sum of every account's free and held balance, and equals `expected_issuance`
/// (nothing minted or burned).
pub fn check_invariants(expected_issuance: Balance) {
	use frame_support::traits::{TryState, TryStateSelect};

	let issuance = Balances::total_issuance();
	assert_eq!(issuance, expected_issuance, "total issuance changed");
	let sum = frame_system::Account::<Runtime>::iter()
		.map(|(_, info)| info.data.free + info.data.reserved)
		.sum::<Balance>();
	assert_eq!(sum, issuance, "accounts do not sum to the total issuance");

	frame_support::assert_ok!(<AllPalletsWithSystem as TryState<u32>>::try_state(
		System::block_number(),
		TryStateSelect::All
	));
}
