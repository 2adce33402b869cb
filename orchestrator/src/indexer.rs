//! The indexer: finalized blocks into the database, exactly once.
//!
//! It indexes from `last_indexed + 1` (first run: `--index-from`) up to the finalized head
//! (read again every second while behind, so that the finalized height and the lag it
//! publishes stay current), then waits for the node to announce the next finalized head
//! (`chain_subscribeFinalizedHeads`), polling every `--poll-ms` as a fallback. For each block it reads the
//! events and `Timestamp::Now`, has each Havn pallet's projection ([`crate::projection`]) decode
//! its events with the storage records they need (read at that block, up to
//! [`DECODE_CONCURRENCY`] at once: the workflow record, the job's inputs, the receipt's
//! latency and signature, the bond, the node's capabilities and telemetry; each attestation's
//! re-execution digest and aggregator from its extrinsic), reads the active validator set after
//! stake changes, and hands the block to [`Db::apply_block_counted`], which writes it in one
//! transaction. A failure retries the same block; repeated failures end the connection (the
//! follower reconnects).

use crate::{
	db::{write::Applied, Db, DbError},
	metrics::{ChainStatus, Metrics},
	model::{BlockData, IndexedEvent},
	projection::{self, BlockCtx},
};
use futures::{stream, StreamExt, TryStreamExt};
use havn_client::{api, AccountId, ClientError, HavnClient};
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use subxt::events::Phase;
use tokio::sync::watch;

/// Storage reads of one block's decode in flight at once.
const DECODE_CONCURRENCY: usize = 64;
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

use projection::ctx_chain as chain;

/// Whether `err` is the node refusing a read because it pruned that block's state (Substrate's
/// `State already discarded for <hash>`), which no retry can fix.
pub fn is_pruned_state(err: &IndexerError) -> bool {
	matches!(err, IndexerError::Chain(message) if message.contains("State already discarded"))
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
		// Finalized heads as the node announces them, so that a new finalized block is indexed
		// at once; the poll stays as the fallback when the subscription fails or ends.
		let mut heads = match self.client.rpc().chain_subscribe_finalized_heads().await {
			Ok(heads) => Some(heads),
			Err(err) => {
				tracing::warn!(error = %err, "no finalized-head subscription; polling");
				None
			}
		};
		loop {
			if *shutdown.borrow() {
				return Ok(());
			}
			match self.catch_up(shutdown, &indexed).await {
				Ok(()) => {
					failures = 0;
					self.status.set_pruned_at(None);
				}
				Err(err) if is_pruned_state(&err) => {
					// Retrying cannot help: the node no longer has the state. Say so once, with
					// the fix, and keep the service up (`/health` reports `pruned`).
					let block =
						self.status.indexed().map_or(self.index_from, |b| b.saturating_add(1));
					if self.status.pruned_at() != Some(block) {
						tracing::error!(
							block,
							error = %err,
							"the node discarded the state of a block not indexed yet (it prunes \
							 history): run the node behind the orchestrator with \
							 `--state-pruning archive --blocks-pruning archive`, or index a \
							 fresh database from a recent block (`--index-from`)"
						);
					}
					self.status.set_pruned_at(Some(block));
					self.metrics.indexer_errors.inc();
				}
				Err(err) => {
					failures += 1;
					self.metrics.indexer_errors.inc();
					tracing::warn!(error = %err, failures, "indexing failed; retrying");
					if failures >= MAX_FAILURES {
						return Err(err);
					}
				}
			}
			let announced = async {
				match heads.as_mut() {
					Some(stream) => stream.next().await.is_some_and(|head| head.is_ok()),
					None => std::future::pending().await,
				}
			};
			tokio::select! {
				alive = announced => if !alive {
					tracing::warn!("the finalized-head subscription ended; polling");
					heads = None;
				},
				go_on = crate::shutdown::pause(self.poll, shutdown) => if !go_on {
					return Ok(());
				},
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
		// The next block is read over RPC while this one is written.
		let mut prefetched: Option<BlockData> = None;
		while next <= finalized {
			if *shutdown.borrow() {
				return Ok(());
			}
			// Behind the head: keep the finalized height (and the lag metric) current.
			if head_read.elapsed() >= HEAD_REFRESH {
				finalized = finalized.max(self.finalized_head().await?);
				head_read = Instant::now();
			}
			let block = match prefetched.take().filter(|b| b.number == next) {
				Some(block) => block,
				None => self.timed_fetch(next).await?,
			};
			let ahead = next.checked_add(1).filter(|n| *n <= finalized);
			let write = async {
				let started = Instant::now();
				let written = self.db.apply_block_counted(&block).await;
				(written, started.elapsed())
			};
			let read = async {
				match ahead {
					Some(n) => Some(self.timed_fetch(n).await),
					None => None,
				}
			};
			let ((written, took), read) = tokio::join!(write, read);
			let (applied, statements) = written?;
			prefetched = read.transpose()?;
			self.metrics.sql_statements.inc_by(statements);
			self.metrics.block_seconds.with_label_values(&["write"]).observe(took.as_secs_f64());
			if applied == Applied::Indexed {
				let events = block.events.len() as u64;
				self.metrics.indexed_events.inc_by(events);
				tracing::debug!(block = next, events, "indexed");
				for event in &block.events {
					if let (Some(job_id), Some(phase)) = (event.event.job_id(), event.event.phase())
					{
						let phase: &str = phase.into();
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

	/// [`Indexer::fetch`], timed in the `fetch` step of the block histogram.
	async fn timed_fetch(&self, number: u32) -> Result<BlockData, IndexerError> {
		let started = Instant::now();
		let block = self.fetch(number).await?;
		self.metrics
			.block_seconds
			.with_label_values(&["fetch"])
			.observe(started.elapsed().as_secs_f64());
		Ok(block)
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
			if projection::projection(event.pallet_name()).is_none() {
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

		// The storage records the events name, read ahead in few requests; then the decodes,
		// DECODE_CONCURRENCY at a time, in event order.
		let ctx = BlockCtx::new(&at, self.client.rpc(), number);
		let mut keys = Vec::new();
		for (_, _, event) in &decoded {
			keys.extend(projection::storage_keys(&ctx, event)?);
		}
		keys.sort_unstable();
		keys.dedup();
		ctx.prefetch(keys).await?;
		let stake_touched = decoded.iter().any(|(_, _, e)| matches!(e, api::Event::StakeGuard(_)));
		let out: Vec<IndexedEvent> = stream::iter(decoded)
			.map(|(index, phase, outer)| {
				let (ctx, aggregators) = (&ctx, &aggregators);
				async move {
					let event = projection::decode(ctx, phase, outer, aggregators).await?;
					Ok::<_, IndexerError>(event.map(|event| IndexedEvent { index, event }))
				}
			})
			.buffered(DECODE_CONCURRENCY)
			.try_filter_map(|event| async move { Ok(event) })
			.try_collect()
			.await?;
		if parameters_changed {
			// Governance changed a runtime parameter: follow the ones the services act on.
			let params = havn_client::view::ChainParams::at(&at).await?;
			self.status.set_params(&params);
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
			Some(set.map(|s| s.iter().map(|a| a.to_string()).collect()).unwrap_or_default())
		} else {
			None
		};
		Ok(BlockData {
			number,
			hash: format!("0x{}", hex::encode(at.block_hash().0)),
			parent_hash: format!("0x{}", hex::encode(header.parent_hash.0)),
			timestamp_ms,
			events: out,
			validators,
		})
	}
}
