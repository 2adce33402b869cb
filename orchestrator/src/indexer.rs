//! The indexer: finalized blocks into the database, exactly once.
//!
//! It indexes from `last_indexed + 1` (first run: `--index-from`) up to the finalized head
//! (read again every second while behind, so that the finalized height and the lag it
//! publishes stay current), then polls the head every `--poll-ms`. For each block it reads the events and
//! `Timestamp::Now`, decodes every Havn event into a [`HavnEvent`] with the storage records it
//! needs (read at that block: the workflow record and its first version, the job's redundancy
//! and inputs, the receipt's latency, energy and signature, the node's capabilities and
//! telemetry, the active validator set after stake changes), takes each attestation's
//! re-execution digest and aggregator from its extrinsic, and hands the block to
//! [`Db::apply_block`], which writes it in one transaction. A failure retries the same block;
//! repeated failures end the connection (the follower reconnects).

use crate::{
	db::{write::Applied, Db, DbError},
	metrics::{ChainStatus, Metrics},
	model::*,
};
use havn_client::{api, AccountId, ClientError, HavnClient};
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use subxt::events::Phase;
use tokio::sync::watch;

/// Consecutive failures after which the indexer gives the connection up.
const MAX_FAILURES: u32 = 5;
/// While catching up, how often the finalized head is read again (so that the finalized
/// height and the lag published on `/metrics` stay current under a backlog).
const HEAD_REFRESH: Duration = Duration::from_secs(1);

/// An indexing failure.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
	/// The chain client failed.
	#[error("chain: {0}")]
	Chain(String),
	/// A storage record the event implies is missing.
	#[error("block {block}: {what} is missing from storage")]
	Missing {
		/// Block.
		block: u32,
		/// What.
		what: String,
	},
	/// The database failed.
	#[error(transparent)]
	Db(#[from] DbError),
}

impl From<ClientError> for IndexerError {
	fn from(e: ClientError) -> Self {
		Self::Chain(e.to_string())
	}
}

fn chain(e: impl std::fmt::Display) -> IndexerError {
	IndexerError::Chain(e.to_string())
}

/// The indexer over one chain connection.
pub struct Indexer {
	/// Chain client.
	pub client: HavnClient,
	/// Database.
	pub db: Db,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// Heights shared with the API.
	pub status: Arc<ChainStatus>,
	/// First block on an empty database.
	pub index_from: u32,
	/// Poll interval when caught up.
	pub poll: Duration,
}

impl Indexer {
	/// Index until shutdown (`Ok`) or until [`MAX_FAILURES`] consecutive failures (`Err`).
	/// Every committed block is announced on `indexed`.
	pub async fn run(
		&self,
		shutdown: &mut watch::Receiver<bool>,
		indexed: watch::Sender<Option<u32>>,
	) -> Result<(), IndexerError> {
		let mut failures = 0u32;
		loop {
			if *shutdown.borrow() {
				return Ok(());
			}
			match self.catch_up(shutdown, &indexed).await {
				Ok(()) => failures = 0,
				Err(err) => {
					failures += 1;
					self.metrics.indexer_errors.inc();
					tracing::warn!(error = %err, failures, "indexing failed; retrying");
					if failures >= MAX_FAILURES {
						return Err(err);
					}
				}
			}
			if !crate::shutdown::pause(self.poll, shutdown).await {
				return Ok(());
			}
		}
	}

	/// Index every finalized block not indexed yet.
	async fn catch_up(
		&self,
		shutdown: &watch::Receiver<bool>,
		indexed: &watch::Sender<Option<u32>>,
	) -> Result<(), IndexerError> {
		let mut finalized = self.finalized_head().await?;
		let mut head_read = Instant::now();
		let mut next = match self.db.last_indexed().await? {
			Some(last) => last.saturating_add(1),
			None => self.index_from,
		};
		while next <= finalized {
			if *shutdown.borrow() {
				return Ok(());
			}
			// Behind the head: keep the finalized height (and the lag metric) current.
			if head_read.elapsed() >= HEAD_REFRESH {
				finalized = finalized.max(self.finalized_head().await?);
				head_read = Instant::now();
			}
			let started = Instant::now();
			let block = self.fetch(next).await?;
			let fetched = Instant::now();
			self.metrics
				.block_seconds
				.with_label_values(&["fetch"])
				.observe(fetched.duration_since(started).as_secs_f64());
			let events = block.events.len() as u64;
			let applied = self.db.apply_block(&block).await?;
			self.metrics
				.block_seconds
				.with_label_values(&["write"])
				.observe(fetched.elapsed().as_secs_f64());
			if applied == Applied::Indexed {
				self.metrics.indexed_events.inc_by(events);
				tracing::debug!(block = next, events, "indexed");
				for event in &block.events {
					if let (Some(job_id), Some(phase)) = (event.event.job_id(), event.event.phase())
					{
						tracing::info!(job_id, phase, block = next, "job phase indexed");
					}
				}
			}
			self.status.set_indexed(next, &self.metrics);
			indexed.send_replace(Some(next));
			next = next.saturating_add(1);
		}
		Ok(())
	}

	/// Read the finalized head and publish it (`/health`, `/metrics`).
	async fn finalized_head(&self) -> Result<u32, IndexerError> {
		let finalized = u32::try_from(self.client.finalized_number().await?)
			.map_err(|_| chain("finalized block number above u32"))?;
		self.status.set_finalized(finalized, &self.metrics);
		Ok(finalized)
	}

	/// Read block `number` and decode its Havn events.
	pub async fn fetch(&self, number: u32) -> Result<BlockData, IndexerError> {
		let at = self.client.online().at_block(u64::from(number)).await.map_err(chain)?;
		let header = at.block_header().await.map_err(chain)?;
		let timestamp_ms = at
			.storage()
			.try_fetch(api::storage().timestamp().now(), ())
			.await
			.map_err(chain)?
			.map(|v| v.decode())
			.transpose()
			.map_err(chain)?
			.unwrap_or(0);
		let events = at.events().fetch().await.map_err(chain)?;

		// Aggregators of batched attestations, by extrinsic.
		let mut aggregators: HashMap<u32, AccountId> = HashMap::new();
		let mut decoded = Vec::new();
		let mut parameters_changed = false;
		for event in events.iter() {
			let event = event.map_err(chain)?;
			parameters_changed |= event.pallet_name() == "Parameters";
			if !matches!(
				event.pallet_name(),
				"WorkflowRegistry"
					| "StakeGuard" | "ExecutionLog"
					| "PayoutRouter"
					| "Reputation" | "Faucet"
			) {
				continue;
			}
			let outer = event.decode_as::<api::Event>().map_err(chain)?;
			if let api::Event::ExecutionLog(api::execution_log::Event::AttestationsBatched {
				aggregator,
				..
			}) = &outer
			{
				if let Phase::ApplyExtrinsic(i) = event.phase() {
					aggregators.insert(i, *aggregator);
				}
			}
			decoded.push((event.index(), event.phase(), outer));
		}

		let mut ctx = BlockCtx { at: &at, number, extrinsics: None };
		let mut out = Vec::with_capacity(decoded.len());
		let mut stake_touched = false;
		for (index, phase, outer) in decoded {
			stake_touched |= matches!(outer, api::Event::StakeGuard(_));
			if let Some(event) = self.convert(&mut ctx, phase, outer, &aggregators).await? {
				out.push(IndexedEvent { index, event });
			}
		}
		if parameters_changed {
			// Governance changed a runtime parameter: follow the ones the services act on.
			let params = havn_client::view::ChainParams::at(&at).await?;
			self.status.set_heartbeat_epoch(params.heartbeat_epoch);
		}
		let validators = if stake_touched {
			let set = at
				.storage()
				.try_fetch(api::storage().stake_guard().validators(), ())
				.await
				.map_err(chain)?
				.map(|v| v.decode())
				.transpose()
				.map_err(chain)?;
			Some(set.map(|s| s.iter().map(ss58).collect()).unwrap_or_default())
		} else {
			None
		};
		Ok(BlockData {
			number,
			hash: hex32(at.block_hash().0),
			parent_hash: hex32(header.parent_hash.0),
			timestamp_ms,
			events: out,
			validators,
		})
	}

	/// One chain event as a [`HavnEvent`] (`None` for events the orchestrator ignores).
	async fn convert(
		&self,
		ctx: &mut BlockCtx<'_>,
		phase: Phase,
		outer: api::Event,
		aggregators: &HashMap<u32, AccountId>,
	) -> Result<Option<HavnEvent>, IndexerError> {
		use api::Event as E;
		Ok(Some(match outer {
			E::WorkflowRegistry(event) => {
				use api::workflow_registry::Event as W;
				match event {
					W::WorkflowPublished { id, owner, manifest_hash, parent } => {
						let record = ctx.workflow(id).await?;
						let first_manifest_uri = ctx.version_uri(id, 1).await?;
						HavnEvent::WorkflowPublished {
							id,
							owner: ss58(&owner),
							manifest_hash: hex32(manifest_hash.0),
							parent,
							record,
							first_manifest_uri,
						}
					}
					W::WorkflowVersionPublished { id, version, manifest_hash } => {
						HavnEvent::WorkflowVersionPublished {
							id,
							version,
							manifest_hash: hex32(manifest_hash.0),
							manifest_uri: ctx.version_uri(id, version).await?,
						}
					}
					W::OwnershipTransferred { id, from, to } => {
						HavnEvent::OwnershipTransferred { id, from: ss58(&from), to: ss58(&to) }
					}
					W::WorkflowDeprecated { id } => HavnEvent::WorkflowDeprecated { id },
					W::WorkflowFlagged { id, reason } => {
						HavnEvent::WorkflowFlagged { id, reason: utf8(&reason) }
					}
					W::WorkflowUnflagged { id } => HavnEvent::WorkflowUnflagged { id },
				}
			}
			E::StakeGuard(event) => {
				use api::stake_guard::Event as S;
				match event {
					S::Bonded { who, role, amount } => {
						let (role, compute_class) = BondRole::from_role(*role);
						HavnEvent::Bonded {
							who: ss58(&who),
							role,
							compute_class,
							amount: Planck(amount),
						}
					}
					S::BondedExtra { who, amount } => {
						HavnEvent::BondedExtra { who: ss58(&who), amount: Planck(amount) }
					}
					S::NodeRegistered { who, receipt_key } => {
						let capabilities = match ctx.node(&who).await? {
							Some(node) => Some(capabilities(&node.capabilities)?),
							None => None,
						};
						HavnEvent::NodeRegistered {
							who: ss58(&who),
							receipt_key: hex32(receipt_key),
							capabilities,
						}
					}
					S::HeartbeatReceived { who, block } => {
						let metrics = ctx.node(&who).await?.and_then(|n| n.last_metrics).map(|m| {
							GpuMetrics {
								utilization_percent: m.utilization_percent,
								memory_used_mib: m.memory_used_mib,
								power_milliwatts: m.power_milliwatts,
								temperature_c: m.temperature_c,
							}
						});
						HavnEvent::HeartbeatReceived { who: ss58(&who), block, metrics }
					}
					S::NodeQuarantineLifted { who, last_heartbeat } => {
						HavnEvent::NodeQuarantineLifted { who: ss58(&who), last_heartbeat }
					}
					S::Unbonded { who, amount, unlock_at } => {
						HavnEvent::Unbonded { who: ss58(&who), amount: Planck(amount), unlock_at }
					}
					S::Withdrawn { who, amount } => {
						HavnEvent::Withdrawn { who: ss58(&who), amount: Planck(amount) }
					}
					S::BondClosed { who } => HavnEvent::BondClosed { who: ss58(&who) },
					S::Slashed { who, reason, amount } => HavnEvent::Slashed {
						who: ss58(&who),
						reason: reason.0.into(),
						amount: Planck(amount),
					},
				}
			}
			E::ExecutionLog(event) => {
				use api::execution_log::Event as X;
				match event {
					X::JobSubmitted {
						job_id,
						workflow_id,
						payer,
						fee,
						compute_class,
						deadline,
					} => {
						let details = ctx.job_details(job_id).await?;
						HavnEvent::JobSubmitted {
							job_id,
							workflow_id,
							payer: ss58(&payer),
							fee: Planck(fee),
							compute_class: *compute_class,
							deadline,
							details,
						}
					}
					X::JobAssigned { job_id, nodes, by } => HavnEvent::JobAssigned {
						job_id,
						nodes: nodes.iter().map(ss58).collect(),
						by: ss58(&by),
					},
					X::JobClaimed { job_id, node } => {
						HavnEvent::JobClaimed { job_id, node: ss58(&node) }
					}
					X::ReceiptSubmitted { job_id, node, runtime_hash, outputs_cid } => {
						let details = ctx.receipt_details(job_id, &node).await?;
						HavnEvent::ReceiptSubmitted {
							job_id,
							node: ss58(&node),
							runtime_hash: hex32(runtime_hash.0),
							outputs_cid: utf8(&outputs_cid),
							details,
						}
					}
					X::JobAttesting { job_id, committee, sampled } => HavnEvent::JobAttesting {
						job_id,
						committee: committee.iter().map(ss58).collect(),
						sampled,
					},
					X::AttestationSubmitted { job_id, validator, verdict } => {
						let (reexecution_digest, batched_by) = match phase {
							Phase::ApplyExtrinsic(i) => (
								ctx.attestation_digest(i, job_id, &validator).await?,
								aggregators.get(&i).map(ss58),
							),
							_ => (None, None),
						};
						HavnEvent::AttestationSubmitted {
							job_id,
							validator: ss58(&validator),
							verdict: verdict.0.into(),
							reexecution_digest,
							batched_by,
						}
					}
					X::AttestationsBatched { aggregator, count } => {
						HavnEvent::AttestationsBatched { aggregator: ss58(&aggregator), count }
					}
					X::JobFinalized { job_id, fee } => {
						HavnEvent::JobFinalized { job_id, fee: Planck(fee) }
					}
					X::JobRejected { job_id } => HavnEvent::JobRejected { job_id },
					X::JobExpired { job_id } => HavnEvent::JobExpired { job_id },
					X::JobChallenged { job_id, challenger, committee } => {
						HavnEvent::JobChallenged {
							job_id,
							challenger: ss58(&challenger),
							committee: committee.iter().map(ss58).collect(),
						}
					}
					X::ChallengeUpheld { job_id, challenger } => {
						HavnEvent::ChallengeUpheld { job_id, challenger: ss58(&challenger) }
					}
					X::ChallengeRejected { job_id, challenger, bond } => {
						HavnEvent::ChallengeRejected {
							job_id,
							challenger: ss58(&challenger),
							bond: Planck(bond),
						}
					}
				}
			}
			E::PayoutRouter(event) => {
				use api::payout_router::Event as P;
				match event {
					P::FeePaid { job_id, payee, role, amount } => HavnEvent::FeePaid {
						job_id,
						payee: ss58(&payee),
						role: payee_role(&role),
						amount: Planck(amount),
					},
					P::PaymentRedirected { job_id, payee, role, amount } => {
						HavnEvent::PaymentRedirected {
							job_id,
							payee: ss58(&payee),
							role: payee_role(&role),
							amount: Planck(amount),
						}
					}
					P::JobSettled { job_id, workflow_id, fee, shares } => HavnEvent::JobSettled {
						job_id,
						workflow_id,
						fee: Planck(fee),
						shares: Shares {
							creator: Planck(shares.creator),
							upstream: Planck(shares.upstream),
							node: Planck(shares.node),
							validators: Planck(shares.validators),
							treasury: Planck(shares.treasury),
						},
					},
				}
			}
			E::Reputation(event) => {
				use api::reputation::Event as R;
				match event {
					R::ReputationUpdated { who, outcome, score } => HavnEvent::ReputationUpdated {
						who: ss58(&who),
						outcome: outcome.0.into(),
						score_ppm: score.0,
					},
					R::ReputationReset { who } => HavnEvent::ReputationReset { who: ss58(&who) },
				}
			}
			E::Faucet(event) => {
				use api::faucet::Event as F;
				match event {
					F::Dripped { who, amount } => {
						HavnEvent::Dripped { who: ss58(&who), amount: Planck(amount) }
					}
					F::FaucetToggled { enabled } => HavnEvent::FaucetToggled { enabled },
				}
			}
			_ => return Ok(None),
		}))
	}
}

/// The state the decoding of one block reads, fetched lazily.
struct BlockCtx<'a> {
	at: &'a subxt::client::OnlineClientAtBlock<havn_client::HavnConfig>,
	number: u32,
	extrinsics: Option<Vec<Option<api::Call>>>,
}

impl BlockCtx<'_> {
	fn missing(&self, what: impl Into<String>) -> IndexerError {
		IndexerError::Missing { block: self.number, what: what.into() }
	}

	async fn workflow(&self, id: u64) -> Result<WorkflowRecord, IndexerError> {
		let w = self
			.at
			.storage()
			.try_fetch(api::storage().workflow_registry().workflows(), (id,))
			.await
			.map_err(chain)?
			.ok_or_else(|| self.missing(format!("WorkflowRegistry::Workflows({id})")))?
			.decode()
			.map_err(chain)?;
		Ok(WorkflowRecord {
			owner: ss58(&w.owner),
			kind: w.kind.0.into(),
			manifest_hash: hex32(w.manifest_hash.0),
			manifest_uri: utf8(&w.manifest_uri),
			compute_class: *w.compute_class,
			base_fee: Planck(w.base_fee),
			royalty: w.royalty.0.into(),
			dependencies: w.dependencies.iter().map(|(dep, weight)| (*dep, weight.0)).collect(),
			parent: w.parent,
			depth: w.depth,
			version: w.version,
			deprecated: matches!(
				w.status,
				api::runtime_types::pallet_workflow_registry::types::WorkflowStatus::Deprecated
			),
			flag: w.flag.as_ref().map(|f| utf8(f)),
			deposit: Planck(w.deposit),
			created_at: w.created_at,
		})
	}

	async fn version_uri(&self, id: u64, version: u32) -> Result<String, IndexerError> {
		let v = self
			.at
			.storage()
			.try_fetch(api::storage().workflow_registry().versions(), (id, version))
			.await
			.map_err(chain)?
			.ok_or_else(|| self.missing(format!("WorkflowRegistry::Versions({id}, {version})")))?
			.decode()
			.map_err(chain)?;
		Ok(utf8(&v.manifest_uri))
	}

	async fn node(
		&self,
		who: &AccountId,
	) -> Result<Option<api::runtime_types::pallet_stake_guard::types::NodeRecord>, IndexerError> {
		self.at
			.storage()
			.try_fetch(api::storage().stake_guard().node_info(), (*who,))
			.await
			.map_err(chain)?
			.map(|v| v.decode())
			.transpose()
			.map_err(chain)
	}

	async fn job_details(&self, job_id: u64) -> Result<JobDetails, IndexerError> {
		let job = self
			.at
			.storage()
			.try_fetch(api::storage().execution_log().jobs(), (job_id,))
			.await
			.map_err(chain)?
			.ok_or_else(|| self.missing(format!("ExecutionLog::Jobs({job_id})")))?
			.decode()
			.map_err(chain)?;
		Ok(JobDetails {
			redundancy: job.redundancy,
			input_digest: hex32(job.input_digest.0),
			input_uri: utf8(&job.input_uri),
		})
	}

	async fn receipt_details(
		&self,
		job_id: u64,
		node: &AccountId,
	) -> Result<ReceiptDetails, IndexerError> {
		let (receipt, signature) = self
			.at
			.storage()
			.try_fetch(api::storage().execution_log().receipts(), (job_id, *node))
			.await
			.map_err(chain)?
			.ok_or_else(|| self.missing(format!("ExecutionLog::Receipts({job_id}, {node})")))?
			.decode()
			.map_err(chain)?;
		Ok(ReceiptDetails {
			latency_ms: receipt.latency_ms,
			energy_mj: receipt.energy_estimate,
			signature: format!("0x{}", hex::encode(signature)),
		})
	}

	/// The re-execution digest `validator` gave for `job_id` in extrinsic `index` (a direct
	/// `attest` or a lead aggregator's batch); `None` for other call shapes.
	async fn attestation_digest(
		&mut self,
		index: u32,
		job_id: u64,
		validator: &AccountId,
	) -> Result<Option<String>, IndexerError> {
		if self.extrinsics.is_none() {
			let extrinsics = self.at.extrinsics().fetch().await.map_err(chain)?;
			let mut calls = Vec::new();
			for ext in extrinsics.iter() {
				let ext = ext.map_err(chain)?;
				calls.push(ext.decode_call_data_as::<api::Call>().ok());
			}
			self.extrinsics = Some(calls);
		}
		use api::execution_log::Call as X;
		let call = self
			.extrinsics
			.as_ref()
			.and_then(|calls| calls.get(index as usize))
			.and_then(|c| c.as_ref());
		let attestation = match call {
			Some(api::Call::ExecutionLog(X::attest { attestation })) => Some(attestation),
			Some(api::Call::ExecutionLog(X::submit_attestations { batch })) => batch
				.iter()
				.find(|(v, a, _)| v == validator && a.job_id == job_id)
				.map(|(_, a, _)| a),
			_ => None,
		};
		Ok(attestation.and_then(|a| a.reexecution_digest.as_ref()).map(|d| hex32(d.0)))
	}
}

fn capabilities(
	c: &api::runtime_types::pallet_stake_guard::types::Capabilities,
) -> Result<Capabilities, IndexerError> {
	Ok(Capabilities {
		compute_class: *c.compute_class,
		gpu_model: utf8(&c.gpu_model),
		vram_gib: c.vram_gib,
		models: c.models.iter().map(|m| utf8(m)).collect(),
	})
}

fn payee_role(role: &api::runtime_types::pallet_payout_router::types::PayeeRole) -> PayeeRole {
	use api::runtime_types::pallet_payout_router::types::PayeeRole as R;
	match role {
		R::Creator => PayeeRole::Creator,
		R::Upstream => PayeeRole::Upstream,
		R::Node => PayeeRole::Node,
		R::Validator => PayeeRole::Validator,
		R::Treasury => PayeeRole::Treasury,
	}
}

/// Canonical SS58 (prefix 42).
fn ss58(account: &AccountId) -> String {
	account.to_string()
}

/// 0x-hex of 32 bytes.
fn hex32(bytes: [u8; 32]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Bytes as UTF-8 (invalid sequences replaced).
fn utf8(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}
