//! The two workloads and what the generator sees of them on chain.

use crate::Args;
use anyhow::{anyhow, bail, Context, Result};
use futures::StreamExt;
use havn_client::{
	api::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec, havn_runtime::RuntimeCall,
			pallet_balances::pallet::Call as BalancesCall,
			pallet_execution_log::pallet::Call as ExecutionCall, sp_runtime::MultiSignature,
		},
	},
	convert::recode,
	keys, subxt,
	subxt::utils::MultiAddress,
	AccountId, HavnClient, HavnConfig, Signer,
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
				let call = api::tx().stake_guard().bond(recode(&role)?, amount);
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
					compute_class: recode(&ComputeClass::S)?,
					gpu_model: BoundedVec(b"cpu: havn-bench".to_vec()),
					vram_gib: 0,
					models: BoundedVec(Vec::new()),
				};
				let call = api::tx().stake_guard().register_node(n.public_key().0, caps);
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
		let call = api::tx().workflow_registry().publish(
			recode(&WorkflowKind::Workflow)?,
			manifest_hash,
			BoundedVec(uri.into_bytes()),
			recode(&ComputeClass::S)?,
			BASE_FEE,
			None,
			BoundedVec(Vec::new()),
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

	/// Workload 2: `n` full job lifecycles, closed-loop with `in_flight` jobs open.
	pub async fn jobs(&mut self, n: u32, in_flight: u32) -> Result<Run> {
		let mut run =
			Run { asked: n as usize, normal_limit: self.normal_limit, ..Default::default() };
		let payers: Vec<AccountId> = self.payers.iter().map(keys::account_of).collect();
		let mut lag =
			self.args.indexer_metrics.clone().map(|url| LagSampler::start(&self.client, url));
		// The subscription may first yield blocks from before this pass (the previous pass's
		// jobs): they are skipped, so only this pass's jobs are driven and counted.
		let start = self.client.best_number().await?;
		let mut blocks = self.client.online().stream_best_blocks().await?;
		let mut state = Jobs::default();
		let mut last_progress = Instant::now();
		let mut submitted = 0u32;
		let mut next_payer = 0usize;
		loop {
			// Top the jobs in flight up.
			let open = submitted as usize - state.done;
			let room = (in_flight as usize).saturating_sub(open);
			let fresh = room.min((n - submitted) as usize);
			if fresh > 0 {
				let mut xts = Vec::new();
				let mut left = fresh;
				while left > 0 {
					let take = left.min(self.args.batch);
					let calls = (0..take)
						.map(|k| self.submit_job_call(submitted as u64 + k as u64))
						.collect::<Result<Vec<_>>>()?;
					let payer = self
						.payers
						.get(next_payer % self.payers.len().max(1))
						.cloned()
						.ok_or_else(|| anyhow!("no payers"))?;
					next_payer += 1;
					xts.push(
						self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &payer)
							.await?
							.0,
					);
					submitted += take as u32;
					left -= take;
				}
				run.submitted += xts.len();
				run.refused += self.send(xts).await;
			}
			if state.done >= n as usize {
				break;
			}

			let block = next_block(&mut blocks, self.args.stall_secs).await?;
			let number = block.number();
			if number <= start {
				continue;
			}
			let (stat, events) = self.observe(&block).await?;
			run.blocks.insert(number, stat);
			let before = state.done;
			state.apply(&events, number, stat.ts_ms, &payers, &mut run)?;
			if state.done > before {
				last_progress = Instant::now();
			} else if last_progress.elapsed() > Duration::from_secs(self.args.stall_secs) {
				bail!("jobs stalled: {} of {} paid out", state.done, n);
			}
			tracing::info!(
				block = number,
				paid = state.done,
				attesting = state.attest.len(),
				fullness = format!(
					"{:.0}%",
					100.0 * stat.normal_ref_time as f64 / self.normal_limit.max(1) as f64
				),
				"jobs"
			);
			if let Some(l) = lag.as_mut() {
				run.lag.extend(l.drain());
			}
			let at = block.at().await?;
			self.flush(&mut state, &at, &mut run).await?;
		}
		if let Some(l) = lag.take() {
			run.lag.extend(l.stop().await);
		}
		Ok(run)
	}

	fn submit_job_call(&self, i: u64) -> Result<RuntimeCall> {
		let input = format!("havn-bench input {i}");
		Ok(RuntimeCall::ExecutionLog(ExecutionCall::submit_job {
			workflow_id: self.workflow_id,
			input_digest: havn_primitives::manifest::manifest_digest(input.as_bytes()),
			input_uri: BoundedVec(havn_primitives::cid::cid_of(input.as_bytes()).into_bytes()),
			compute_class: recode(&ComputeClass::S)?,
			max_fee: HAI,
			redundancy: 1,
			// Spread the deadlines over slots (`MaxJobsPerBlock` jobs expire per block at most).
			deadline: 600 + (i % 200) as u32,
		}))
	}

	/// The nonce each of the generator's working accounts has on chain at `at`.
	async fn chain_nonces(
		&self,
		at: &subxt::client::OnlineClientAtBlock<HavnConfig>,
	) -> Result<HashMap<[u8; 32], u64>> {
		let mut who: Vec<AccountId> = self.nodes.iter().map(keys::account_of).collect();
		who.push(keys::account_of(&self.relay));
		who.extend(self.validators.keys().map(|k| AccountId::from(*k)));
		let reads = who.iter().map(|a| async move {
			let v = at.storage().try_fetch(api::storage().system().account(), (*a,)).await?;
			let nonce = match v {
				Some(v) => u64::from(v.decode()?.nonce),
				None => 0,
			};
			anyhow::Ok((a.0, nonce))
		});
		futures::future::join_all(reads).await.into_iter().collect()
	}

	/// Send what the last block made due: assignments, receipts and attestations. A step is sent
	/// again only when the extrinsic that carried it is on chain (its signer's nonce moved past
	/// it) and the job did not move: it failed, e.g. because the lead rotated.
	async fn flush(
		&mut self,
		state: &mut Jobs,
		at: &subxt::client::OnlineClientAtBlock<HavnConfig>,
		run: &mut Run,
	) -> Result<()> {
		let nonces = self.chain_nonces(at).await?;
		let due = |sent: &Option<Sent>| match sent {
			None => true,
			Some(s) => nonces.get(&s.signer).is_some_and(|n| *n > s.nonce),
		};
		let mut xts = Vec::new();
		// The relay routes round robin over the nodes.
		let assign: Vec<u64> =
			state.assign.iter().filter(|(_, s)| due(s)).map(|(j, _)| *j).collect();
		for chunk in assign.chunks(self.args.batch) {
			let calls = chunk
				.iter()
				.map(|job_id| {
					let node = self
						.nodes
						.get((*job_id as usize) % self.nodes.len().max(1))
						.ok_or_else(|| anyhow!("no execution nodes"))?;
					Ok(RuntimeCall::ExecutionLog(ExecutionCall::assign {
						job_id: *job_id,
						nodes: BoundedVec(vec![keys::account_of(node)]),
					}))
				})
				.collect::<Result<Vec<_>>>()?;
			let relay = self.relay.clone();
			let (xt, sent) =
				self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &relay).await?;
			xts.push(xt);
			for job_id in chunk {
				state.assign.insert(*job_id, Some(sent));
			}
		}
		// Each node batches its receipts.
		for node in self.nodes.clone() {
			let me = keys::account_of(&node);
			let mine: Vec<u64> = state
				.receipt
				.iter()
				.filter(|(_, (n, s))| *n == me && due(s))
				.map(|(j, _)| *j)
				.collect();
			for chunk in mine.chunks(self.args.batch) {
				let mut calls = Vec::new();
				for job_id in chunk {
					let receipt = self.receipt(*job_id)?;
					let signature = node.sign(&receipt.signing_payload(self.genesis));
					calls.push(RuntimeCall::ExecutionLog(ExecutionCall::submit_receipt {
						job_id: *job_id,
						receipt: recode(&receipt)?,
						signature: signature.0,
					}));
				}
				let (xt, sent) =
					self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &node).await?;
				xts.push(xt);
				for job_id in chunk {
					state.receipt.insert(*job_id, (me, Some(sent)));
				}
			}
		}
		// The committees sign; the lead aggregator lands the attestations.
		let lead = at
			.runtime_apis()
			.call(api::runtime_apis().havn_api().lead_aggregator())
			.await?
			.ok_or_else(|| anyhow!("no lead aggregator"))?;
		let lead = self
			.validators
			.get(&lead.0)
			.cloned()
			.ok_or_else(|| anyhow!("the lead aggregator is not a benchmark validator"))?;
		let todo: Vec<(u64, bool)> = state
			.attest
			.iter()
			.filter(|(_, a)| due(&a.sent))
			.map(|(j, a)| (*j, a.sent.is_some()))
			.collect();
		let mut fresh: Vec<(u64, Vec<BatchItem>)> = Vec::new();
		let mut again: Vec<(u64, Vec<BatchItem>)> = Vec::new();
		for (job_id, resend) in todo {
			let Some(a) = state.attest.get(&job_id) else { continue };
			let attestation = Attestation {
				job_id,
				verdict: Verdict::Valid,
				reexecution_digest: Some(runtime_hash(job_id)),
			};
			let payload = attestation.signing_payload(self.genesis);
			let mut items = Vec::new();
			for member in a.committee.iter().take(self.quorum) {
				let v = self
					.validators
					.get(&member.0)
					.ok_or_else(|| anyhow!("a committee member is not a benchmark validator"))?;
				let sig = v.sign(&payload);
				items.push((*member, recode(&attestation)?, MultiSignature::Sr25519(sig.0)));
			}
			if resend {
				run.resent += 1;
				again.push((job_id, items));
			} else {
				fresh.push((job_id, items));
			}
		}
		// Whole jobs per batch, up to `MaxBatch` items; a resent job goes alone, so that a member
		// who already attested fails only its own batch.
		let per_batch = (self.max_batch / self.quorum.max(1)).max(1);
		let groups =
			fresh.chunks(per_batch).map(|c| c.to_vec()).chain(again.into_iter().map(|j| vec![j]));
		for group in groups.collect::<Vec<_>>() {
			let items: Vec<BatchItem> = group.iter().flat_map(|(_, i)| i.clone()).collect();
			let call =
				api::tx().execution_log().submit_attestations(BoundedVec(items)).unvalidated();
			let (xt, sent) = self.sign(&call, &lead).await?;
			xts.push(xt);
			for (job_id, _) in group {
				if let Some(a) = state.attest.get_mut(&job_id) {
					a.sent = Some(sent);
				}
			}
		}
		run.submitted += xts.len();
		run.refused += self.send(xts).await;
		Ok(())
	}

	fn receipt(&self, job_id: u64) -> Result<Receipt> {
		let output = format!("havn-bench output {job_id}");
		Ok(Receipt {
			workflow_id: self.workflow_id,
			job_id,
			runtime_hash: runtime_hash(job_id),
			outputs_cid: havn_primitives::cid::to_bounded(&havn_primitives::cid::cid_of(
				output.as_bytes(),
			))?,
			latency_ms: 1,
			energy_estimate: 1,
		})
	}
}

/// The runtime hash the benchmark's nodes report and its validators confirm for `job_id`.
fn runtime_hash(job_id: u64) -> Digest {
	Digest::from(sp_blake2(&job_id.to_le_bytes()))
}

fn sp_blake2(bytes: &[u8]) -> [u8; 32] {
	havn_primitives::manifest::manifest_digest(bytes).0
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

/// The extrinsic that last carried a step: its signer and nonce.
#[derive(Clone, Copy, Debug)]
pub struct Sent {
	signer: [u8; 32],
	nonce: u64,
}

type BatchItem =
	(AccountId, api::runtime_types::havn_primitives::receipt::Attestation, MultiSignature);

/// A job waiting for its attestations.
struct Attesting {
	committee: Vec<AccountId>,
	sent: Option<Sent>,
}

/// The lifecycle state of the jobs in flight.
#[derive(Default)]
struct Jobs {
	/// Per job: block and timestamp of the block including `submit_job`.
	submitted: HashMap<u64, (u64, u64)>,
	/// Jobs to route, with the extrinsic that last carried their `assign`.
	assign: BTreeMap<u64, Option<Sent>>,
	/// Receipts to land: job -> (node, the extrinsic that last carried it).
	receipt: BTreeMap<u64, (AccountId, Option<Sent>)>,
	/// Jobs attesting.
	attest: BTreeMap<u64, Attesting>,
	/// Jobs paid out.
	done: usize,
}

impl Jobs {
	fn apply(
		&mut self,
		events: &subxt::events::Events<HavnConfig>,
		number: u64,
		ts_ms: u64,
		payers: &[AccountId],
		run: &mut Run,
	) -> Result<()> {
		for ev in events.find::<api::execution_log::events::JobSubmitted>() {
			let ev = ev?;
			if payers.contains(&ev.payer) {
				run.first_block.get_or_insert(number);
				self.submitted.insert(ev.job_id, (number, ts_ms));
				self.assign.insert(ev.job_id, None);
			}
		}
		for ev in events.find::<api::execution_log::events::JobAssigned>() {
			let ev = ev?;
			if self.assign.remove(&ev.job_id).is_some() {
				if let Some(node) = ev.nodes.0.first() {
					self.receipt.insert(ev.job_id, (*node, None));
				}
			}
		}
		for ev in events.find::<api::execution_log::events::JobAttesting>() {
			let ev = ev?;
			if self.receipt.remove(&ev.job_id).is_some() {
				self.attest
					.insert(ev.job_id, Attesting { committee: ev.committee.0.clone(), sent: None });
			}
		}
		for ev in events.find::<api::execution_log::events::JobFinalized>() {
			let ev = ev?;
			if self.attest.remove(&ev.job_id).is_some() {
				if let Some((b, t)) = self.submitted.remove(&ev.job_id) {
					run.latencies.push((number - b, ts_ms.saturating_sub(t)));
				}
				run.completed_in.push(number);
				self.done += 1;
			}
		}
		for ev in events.find::<api::execution_log::events::JobRejected>() {
			let ev = ev?;
			if self.attest.remove(&ev.job_id).is_some() {
				bail!("job {} was rejected: the benchmark's attestations disagree", ev.job_id);
			}
		}
		let before = run.failed;
		for ev in events.find::<api::utility::events::ItemFailed>() {
			let ev = ev?;
			run.failed += 1;
			*run.failures.entry(format!("{:?}", ev.error)).or_default() += 1;
		}
		for ev in events.find::<api::system::events::ExtrinsicFailed>() {
			let ev = ev?;
			run.failed += 1;
			*run.failures.entry(format!("{:?}", ev.dispatch_error)).or_default() += 1;
		}
		if run.failed > before {
			tracing::debug!(
				block = number,
				failed = run.failed - before,
				item_failed = events.find::<api::utility::events::ItemFailed>().count(),
				assigned = events.find::<api::execution_log::events::JobAssigned>().count(),
				attesting = events.find::<api::execution_log::events::JobAttesting>().count(),
				finalized = events.find::<api::execution_log::events::JobFinalized>().count(),
				submitted = events.find::<api::execution_log::events::JobSubmitted>().count(),
				"dispatch failures in this block"
			);
		}
		Ok(())
	}
}

/// Samples the orchestrator's indexer lag once a second in the background.
struct LagSampler {
	rx: tokio::sync::mpsc::UnboundedReceiver<i64>,
	stop: tokio::sync::oneshot::Sender<()>,
	task: tokio::task::JoinHandle<()>,
}

impl LagSampler {
	fn start(client: &HavnClient, url: String) -> Self {
		let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
		let (stop, mut stopped) = tokio::sync::oneshot::channel();
		let client = client.clone();
		let task = tokio::spawn(async move {
			let http = reqwest::Client::new();
			loop {
				if let (Ok(finalized), Ok(indexed)) =
					(client.finalized_number().await, indexed_block(&http, &url).await)
				{
					let _ = tx.send(finalized as i64 - indexed);
				}
				tokio::select! {
					_ = tokio::time::sleep(Duration::from_secs(1)) => {}
					_ = &mut stopped => return,
				}
			}
		});
		Self { rx, stop, task }
	}

	fn drain(&mut self) -> Vec<i64> {
		let mut out = Vec::new();
		while let Ok(v) = self.rx.try_recv() {
			out.push(v);
		}
		out
	}

	async fn stop(self) -> Vec<i64> {
		let Self { mut rx, stop, task } = self;
		let _ = stop.send(());
		let _ = task.await;
		let mut out = Vec::new();
		while let Ok(v) = rx.try_recv() {
			out.push(v);
		}
		out
	}
}

/// The orchestrator's `indexed_block` gauge.
async fn indexed_block(http: &reqwest::Client, url: &str) -> Result<i64> {
	let text = http.get(url).send().await?.error_for_status()?.text().await?;
	text.lines()
		.filter(|l| !l.starts_with('#'))
		.find_map(|l| {
			let (name, value) = l.split_once(' ')?;
			(name == "indexed_block" || name.ends_with("_indexed_block"))
				.then(|| value.trim().parse::<f64>().ok())
				.flatten()
		})
		.map(|v| v as i64)
		.ok_or_else(|| anyhow!("{url} has no indexed_block gauge"))
}
