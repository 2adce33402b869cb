//! The two workloads and what the generator sees of them on chain: the set-up and the
//! transfers here, the job lifecycles in [`jobs`], the indexer's lag in [`lag`].

mod jobs;
mod lag;
pub use lag::IndexTimes;

use crate::Args;
use anyhow::{anyhow, bail, Context, Result};
use futures::StreamExt;
use havn_client::{
	api::{
		self,
		runtime_types::{
			havn_runtime::RuntimeCall, pallet_balances::pallet::Call as BalancesCall,
			pallet_execution_log::pallet::Call as ExecutionCall, sp_runtime::MultiSignature,
		},
	},
	keys, subxt,
	subxt::utils::MultiAddress,
	AccountId, HavnClient, HavnConfig, Signer, Static,
};
use havn_primitives::{
	receipt::{Attestation, Receipt, Verdict},
	ComputeClass, Digest, Role, WorkflowKind, HAI, MILLI_HAI,
};
use std::{
	collections::{BTreeMap, HashMap},
	time::{Duration, Instant},
};
use subxt::config::DefaultExtrinsicParamsBuilder;

type TxClient = subxt::transactions::TransactionsClient<
	HavnConfig,
	subxt::client::OnlineClientAtBlockImpl<HavnConfig>,
>;

/// Concurrent `author_submitExtrinsic` requests.
const SUBMIT_CONCURRENCY: usize = 32;
/// Senders of the transfer workload.
const TRANSFER_SENDERS: u32 = 64;
/// Base fee of the benchmark workflow, planck.
const BASE_FEE: u128 = MILLI_HAI;

/// What one block showed.
#[derive(Clone, Copy, Debug, Default)]
pub struct BlockStat {
	/// `Timestamp::Now`, ms.
	pub ts_ms: u64,
	/// Normal-class ref time used (`System::BlockWeight`), ps.
	pub normal_ref_time: u64,
}

/// One workload's outcome.
#[derive(Debug, Default)]
pub struct Run {
	/// Items asked for.
	pub asked: usize,
	/// Block numbers in which the workload's items completed (one entry per item).
	pub completed_in: Vec<u64>,
	/// The first block including one of the workload's extrinsics.
	pub first_block: Option<u64>,
	/// Per job: (blocks, ms) from the block including `submit_job` to the payout's block.
	pub latencies: Vec<(u64, u64)>,
	/// Every block seen while the workload ran.
	pub blocks: BTreeMap<u64, BlockStat>,
	/// Indexer lag samples, blocks behind the chain's finalized head.
	pub lag: Vec<i64>,
	/// The orchestrator's time per indexed block, when sampled.
	pub index_times: Option<IndexTimes>,
	/// Extrinsics submitted, and rejected by the pool.
	pub submitted: usize,
	/// Extrinsics the pool refused.
	pub refused: usize,
	/// Batch items or extrinsics that failed in dispatch.
	pub failed: usize,
	/// Jobs whose attestations were sent again (their batch failed).
	pub resent: usize,
	/// Dispatch failures by error.
	pub failures: BTreeMap<String, usize>,
	/// Normal-class block limit, ps of ref time.
	pub normal_limit: u64,
}

impl Run {
	/// Items completed.
	pub fn settled(&self) -> usize {
		self.completed_in.len()
	}

	/// (first block, last block) of the workload, when anything completed.
	pub fn span(&self) -> Option<(u64, u64)> {
		Some((self.first_block?, *self.completed_in.iter().max()?))
	}
}

/// The generator: its accounts, nonces and the chain's parameters.
pub struct Bench {
	client: HavnClient,
	genesis: Digest,
	nonces: HashMap<[u8; 32], u64>,
	relay: Signer,
	nodes: Vec<Signer>,
	validators: HashMap<[u8; 32], Signer>,
	payers: Vec<Signer>,
	senders: Vec<Signer>,
	workflow_id: u64,
	/// The transaction builder, refreshed once per block (building one costs an RPC round trip).
	tx: Option<TxClient>,
	quorum: usize,
	max_batch: usize,
	normal_limit: u64,
	args: Args,
}

fn signer(suri: &str) -> Result<Signer> {
	keys::signer_from_suri(suri).map_err(|e| anyhow!("{suri}: {e}"))
}

fn transfer(dest: &AccountId, value: u128) -> RuntimeCall {
	RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: MultiAddress::Id(*dest),
		value,
	})
}

impl Bench {
	/// Derive the accounts, fund and bond them, register the nodes and publish the workflow.
	pub async fn setup(client: HavnClient, args: &Args) -> Result<Self> {
		let alice = signer("//Alice")?;
		let relay = signer("//HavnBench//relay")?;
		let nodes = (0..args.nodes)
			.map(|i| signer(&format!("//HavnBench//node//{i}")))
			.collect::<Result<Vec<_>>>()?;
		let validators = (0..args.validators)
			.map(|i| signer(&format!("//HavnBench//validator//{i}")))
			.collect::<Result<Vec<_>>>()?;
		let payers = (0..args.payers)
			.map(|i| signer(&format!("//HavnBench//payer//{i}")))
			.collect::<Result<Vec<_>>>()?;
		let senders = (0..TRANSFER_SENDERS)
			.map(|i| signer(&format!("//HavnBench//sender//{i}")))
			.collect::<Result<Vec<_>>>()?;

		let at = client.at_best().await?;
		let quorum = at.constants().entry(api::constants().execution_log().quorum_size())? as usize;
		let max_batch =
			at.constants().entry(api::constants().execution_log().max_batch())? as usize;
		let weights = at.constants().entry(api::constants().system().block_weights())?;
		let normal_limit = weights
			.per_class
			.normal
			.max_total
			.map(|w| w.ref_time)
			.unwrap_or(weights.max_block.ref_time);
		tracing::info!(quorum, max_batch, normal_limit, "chain parameters");

		// Fund every account from //Alice, in one batch.
		let mut calls = Vec::new();
		for v in &validators {
			calls.push(transfer(&keys::account_of(v), 11_000 * HAI));
		}
		for n in &nodes {
			calls.push(transfer(&keys::account_of(n), 2_100 * HAI));
		}
		calls.push(transfer(&keys::account_of(&relay), 1_100 * HAI));
		for p in &payers {
			calls.push(transfer(&keys::account_of(p), 10_000 * HAI));
		}
		for s in &senders {
			calls.push(transfer(&keys::account_of(s), 100 * HAI));
		}
		client.submit(&api::tx().utility().batch_all(calls), &alice).await.context("funding")?;
		tracing::info!("funded the benchmark accounts");

		// Bond every role and register the nodes' receipt keys, concurrently.
		let bond = |s: Signer, role: Role, amount: u128| {
			let client = client.clone();
			async move {
				let call = api::tx().stake_guard().bond(Static(role), amount);
				client.submit(&call, &s).await.context("bonding")?;
				anyhow::Ok(())
			}
		};
		let mut bonds = Vec::new();
		for v in &validators {
			bonds.push(bond(v.clone(), Role::Validator, 10_000 * HAI));
		}
		for n in &nodes {
			bonds.push(bond(n.clone(), Role::ExecutionNode(ComputeClass::S), 2_000 * HAI));
		}
		bonds.push(bond(relay.clone(), Role::Relay, 1_000 * HAI));
		for r in futures::future::join_all(bonds).await {
			r?;
		}
		let mut registrations = Vec::new();
		for n in &nodes {
			let client = client.clone();
			let n = n.clone();
			registrations.push(async move {
				let caps = api::runtime_types::pallet_stake_guard::types::Capabilities {
					compute_class: Static(ComputeClass::S),
					gpu_model: b"cpu: havn-bench".to_vec(),
					vram_gib: 0,
					models: Vec::new(),
				};
				let payload = havn_primitives::proofs::receipt_key_proof_payload(
					&n.public_key().0,
					client.genesis_hash(),
				);
				let proof = n.sign(&payload).0;
				let call = api::tx().stake_guard().register_node(n.public_key().0, proof, caps);
				client.submit(&call, &n).await.context("registering a node")?;
				anyhow::Ok(())
			});
		}
		for r in futures::future::join_all(registrations).await {
			r?;
		}
		tracing::info!("bonded the validators, nodes and relay; registered the receipt keys");

		// A workflow of its own, unique to this run.
		let stamp = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|d| d.as_nanos())
			.unwrap_or_default();
		let manifest = format!("havn-bench workflow {stamp}");
		let manifest_hash = havn_primitives::manifest::manifest_digest(manifest.as_bytes());
		let uri = havn_primitives::cid::cid_of(manifest.as_bytes());
		client
			.commit_manifests(&alice, &[manifest_hash])
			.await
			.context("committing to the workflow")?;
		let call = api::tx().workflow_registry().publish(
			Static(WorkflowKind::Workflow),
			manifest_hash,
			uri.into_bytes(),
			Static(ComputeClass::S),
			BASE_FEE,
			None,
			Vec::new(),
			None,
		);
		let included = client.submit(&call, &alice).await.context("publishing")?;
		let published = included
			.events
			.find_first::<api::workflow_registry::events::WorkflowPublished>()
			.ok_or_else(|| anyhow!("no WorkflowPublished event"))??;
		tracing::info!(workflow_id = published.id, "published the benchmark workflow");

		Ok(Self {
			genesis: client.genesis_hash(),
			client,
			nonces: HashMap::new(),
			relay,
			nodes,
			validators: validators.into_iter().map(|v| (keys::account_of(&v).0, v)).collect(),
			payers,
			senders,
			workflow_id: published.id,
			tx: None,
			quorum,
			max_batch,
			normal_limit,
			args: args.clone(),
		})
	}

	/// Sign `call` with the next nonce of `signer` (tracked here), immortal.
	async fn sign<C: subxt::transactions::Payload>(
		&mut self,
		call: &C,
		signer: &Signer,
	) -> Result<(Vec<u8>, Sent)> {
		let who = keys::account_of(signer);
		let nonce = match self.nonces.get(&who.0) {
			Some(n) => *n,
			None => self.client.rpc().system_account_next_index(&who).await?,
		};
		self.nonces.insert(who.0, nonce.saturating_add(1));
		let params =
			DefaultExtrinsicParamsBuilder::<HavnConfig>::new().nonce(nonce).immortal().build();
		if self.tx.is_none() {
			self.tx = Some(self.client.online().tx().await?);
		}
		let tx = self.tx.as_ref().ok_or_else(|| anyhow!("no transaction builder"))?;
		let signed = tx.create_signable_offline(call, params)?.sign(signer)?;
		Ok((signed.into_encoded(), Sent { signer: who.0, nonce }))
	}

	/// Submit encoded extrinsics to the pool; returns how many it refused.
	async fn send(&self, xts: Vec<Vec<u8>>) -> usize {
		let rpc = self.client.rpc().clone();
		let results = futures::stream::iter(xts)
			.map(|xt| {
				let rpc = rpc.clone();
				async move { rpc.author_submit_extrinsic(&xt).await }
			})
			.buffer_unordered(SUBMIT_CONCURRENCY)
			.collect::<Vec<_>>()
			.await;
		let mut refused = 0;
		for r in results {
			if let Err(e) = r {
				if refused == 0 {
					tracing::warn!(error = %e, "the pool refused an extrinsic");
				}
				refused += 1;
			}
		}
		refused
	}

	/// What a block shows: timestamp, weight and extrinsic count, plus its events.
	async fn observe(
		&self,
		block: &subxt::client::Block<HavnConfig>,
	) -> Result<(BlockStat, subxt::events::Events<HavnConfig>)> {
		let at = block.at().await?;
		let ts_ms = at
			.storage()
			.try_fetch(api::storage().timestamp().now(), ())
			.await?
			.map(|v| v.decode())
			.transpose()?
			.unwrap_or_default();
		let normal_ref_time = at
			.storage()
			.try_fetch(api::storage().system().block_weight(), ())
			.await?
			.map(|v| v.decode())
			.transpose()?
			.map(|w| w.normal.ref_time)
			.unwrap_or_default();
		let events = at.events().fetch().await?;
		if tracing::enabled!(tracing::Level::DEBUG) {
			let mut failing = std::collections::BTreeMap::<u32, usize>::new();
			for ev in events.iter() {
				let ev = ev?;
				if ev.pallet_name() == "Utility" && ev.event_name() == "ItemFailed" {
					if let subxt::events::Phase::ApplyExtrinsic(i) = ev.phase() {
						*failing.entry(i).or_default() += 1;
					}
				}
			}
			if !failing.is_empty() {
				let xts = at.extrinsics().fetch().await?;
				for xt in xts.iter() {
					let xt = xt?;
					if let Some(n) = failing.get(&(xt.index() as u32)) {
						tracing::debug!(
							block = block.number(),
							index = xt.index(),
							call = format!("{}.{}", xt.pallet_name(), xt.call_name()),
							signer = ?xt.address_bytes().map(hex::encode),
							failed = n,
							"failing extrinsic"
						);
					}
				}
			}
		}
		Ok((BlockStat { ts_ms, normal_ref_time }, events))
	}

	/// Workload 1: `n` `transfer_keep_alive` calls, signed before the clock starts.
	pub async fn transfers(&mut self, n: u32) -> Result<Run> {
		let mut run =
			Run { asked: n as usize, normal_limit: self.normal_limit, ..Default::default() };
		let dest = keys::account_of(&signer("//Alice")?);
		let ours: Vec<AccountId> = self.senders.iter().map(keys::account_of).collect();
		let mut xts = Vec::with_capacity(n as usize);
		let senders = self.senders.clone();
		let started = Instant::now();
		for i in 0..n {
			let s = senders
				.get(i as usize % senders.len())
				.ok_or_else(|| anyhow!("no transfer senders"))?;
			let call = api::tx()
				.balances()
				.transfer_keep_alive(MultiAddress::Id(dest), MILLI_HAI)
				.unvalidated();
			xts.push(self.sign(&call, s).await?.0);
		}
		tracing::info!(
			n,
			ms = started.elapsed().as_millis() as u64,
			"signed the transfers; submitting"
		);
		let mut blocks = self.client.online().stream_best_blocks().await?;
		run.submitted = xts.len();
		run.refused = self.send(xts).await;
		let mut last_progress = Instant::now();
		while run.settled() + run.refused < run.asked {
			let block = next_block(&mut blocks, self.args.stall_secs).await?;
			let number = block.number();
			let (stat, events) = self.observe(&block).await?;
			run.blocks.insert(number, stat);
			let mut here = 0;
			for ev in events.find::<api::balances::events::Transfer>() {
				let ev = ev?;
				if ours.contains(&ev.from) {
					here += 1;
				}
			}
			if here > 0 {
				run.first_block.get_or_insert(number);
				run.completed_in.extend(std::iter::repeat_n(number, here));
				last_progress = Instant::now();
				tracing::info!(
					block = number,
					transfers = here,
					total = run.settled(),
					"transfers"
				);
			} else if last_progress.elapsed() > Duration::from_secs(self.args.stall_secs) {
				bail!("transfers stalled at {} of {}", run.settled(), run.asked);
			}
		}
		Ok(run)
	}
}

/// The extrinsic that last carried a step: its signer and nonce.
#[derive(Clone, Copy, Debug)]
pub struct Sent {
	signer: [u8; 32],
	nonce: u64,
}

async fn next_block(
	blocks: &mut subxt::client::Blocks<HavnConfig>,
	stall_secs: u64,
) -> Result<subxt::client::Block<HavnConfig>> {
	match tokio::time::timeout(Duration::from_secs(stall_secs), blocks.next()).await {
		Ok(Some(b)) => Ok(b?),
		Ok(None) => bail!("the node closed the block subscription"),
		Err(_) => bail!("no new block for {stall_secs} s"),
	}
}
