//! Following the chain: connect (retrying), check the genesis hash against the database, then
//! run the indexer and (with a relay key) the relay until shutdown; reconnect after failures.

use crate::shutdown::pause;
use crate::{
	api::{ChainQueries, ChainSlot},
	db::{Db, GENESIS_KEY},
	indexer::Indexer,
	metrics::{ChainStatus, Metrics},
	relay::{Relay, RelayConfig},
	views::ChainEarnings,
};
use futures::future::BoxFuture;
use havn_client::{api, view::ChainParams, HavnClient};
use std::{sync::Arc, time::Duration};
use tokio::sync::watch;

/// How long one connection attempt retries before the follower backs off.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause before reconnecting after a failure.
const RECONNECT_DELAY: Duration = Duration::from_secs(5);

/// Everything the follower needs.
pub struct Follower {
	/// Node RPC URL.
	pub rpc_url: String,
	/// The database.
	pub db: Db,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// Heights and genesis, shared with the API.
	pub status: Arc<ChainStatus>,
	/// Where the API finds live chain queries.
	pub chain_queries: Arc<ChainSlot>,
	/// First block to index on an empty database.
	pub index_from: u32,
	/// Poll interval of the finalized head.
	pub poll: Duration,
	/// The relay, if configured.
	pub relay: Option<RelayConfig>,
}

/// Parse a 0x-hex 32-byte hash.
pub fn parse_hash(s: &str) -> anyhow::Result<[u8; 32]> {
	let bytes = hex::decode(s.strip_prefix("0x").unwrap_or(s))?;
	<[u8; 32]>::try_from(bytes.as_slice())
		.map_err(|_| anyhow::anyhow!("expected 32 bytes, got {}", bytes.len()))
}

/// Follow the chain until shutdown. Fails only on unrecoverable conditions (a database that
/// belongs to another chain, a relay key that cannot be loaded).
pub async fn follow(f: Follower, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
	let relay_signer = match &f.relay {
		Some(config) => Some(config.signer()?),
		None => None,
	};
	loop {
		if *shutdown.borrow() {
			return Ok(());
		}
		let connected = tokio::select! {
			c = HavnClient::connect(&f.rpc_url, CONNECT_TIMEOUT) => c,
			_ = shutdown.changed() => return Ok(()),
		};
		let client = match connected {
			Ok(client) => client,
			Err(err) => {
				tracing::warn!(url = %f.rpc_url, error = %err, "chain not reachable; retrying");
				if !pause(RECONNECT_DELAY, &mut shutdown).await {
					return Ok(());
				}
				continue;
			}
		};
		let genesis = client.genesis_hash().0;
		match f.status.genesis() {
			Some(known) if known != genesis => anyhow::bail!(
				"the database indexes chain 0x{} but {} is chain 0x{}",
				hex::encode(known),
				f.rpc_url,
				hex::encode(genesis)
			),
			Some(_) => {}
			None => {
				f.db.set_state(GENESIS_KEY, &format!("0x{}", hex::encode(genesis))).await?;
				f.status.set_genesis(genesis);
			}
		}
		tracing::info!(url = %f.rpc_url, genesis = %format!("0x{}", hex::encode(genesis)), "connected");
		if let Err(err) = read_params(&client, &f.status).await {
			tracing::warn!(error = %err, "cannot read the runtime parameters");
		}
		f.chain_queries.set(Some(Arc::new(ClientQueries(client.clone()))));

		let (indexed_tx, indexed_rx) = watch::channel(f.status.indexed());
		let indexer = Indexer {
			client: client.clone(),
			db: f.db.clone(),
			metrics: f.metrics.clone(),
			status: f.status.clone(),
			index_from: f.index_from,
			poll: f.poll,
		};
		let mut indexer_shutdown = shutdown.clone();
		let indexing = indexer.run(&mut indexer_shutdown, indexed_tx);
		let result = match (&f.relay, &relay_signer) {
			(Some(config), Some(signer)) => {
				let relay = Relay::new(
					client.clone(),
					f.db.clone(),
					f.metrics.clone(),
					f.status.clone(),
					config.clone(),
					signer.clone(),
				);
				let relaying = relay.run(indexed_rx, shutdown.clone());
				tokio::select! {
					r = indexing => r,
					() = relaying => Ok(()),
				}
			}
			_ => indexing.await,
		};
		f.chain_queries.set(None);
		match result {
			Ok(()) if *shutdown.borrow() => return Ok(()),
			Ok(()) => {}
			Err(err) => tracing::warn!(error = %err, "lost the chain; reconnecting"),
		}
		if !pause(RECONNECT_DELAY, &mut shutdown).await {
			return Ok(());
		}
	}
}

/// Read the runtime parameters the orchestrator acts on at the best block into `status`.
pub async fn read_params(client: &HavnClient, status: &ChainStatus) -> anyhow::Result<()> {
	let params = ChainParams::at(&client.at_best().await?).await?;
	status.set_params(&params);
	Ok(())
}

/// [`ChainQueries`] over a connected client.
struct ClientQueries(HavnClient);

impl ChainQueries for ClientQueries {
	fn workflow_earnings(
		&self,
		workflow: u64,
	) -> BoxFuture<'_, Result<Option<ChainEarnings>, String>> {
		Box::pin(async move {
			let earnings = self
				.0
				.runtime_call(api::runtime_apis().havn_api().workflow_earnings(workflow))
				.await
				.map_err(|e| e.to_string())?;
			Ok(earnings.map(|e| ChainEarnings {
				runs: e.runs,
				total_fees: e.total_fees.to_string(),
				creator_earned: e.creator_earned.to_string(),
				upstream_paid: e.upstream_paid.to_string(),
				earned_as_upstream: e.earned_as_upstream.to_string(),
			}))
		})
	}

	fn job_committee(
		&self,
		job: u64,
	) -> BoxFuture<'_, Result<Option<(havn_primitives::api::JobPhase, Vec<String>)>, String>> {
		Box::pin(async move {
			let view = self.0.job(job).await.map_err(|e| e.to_string())?;
			Ok(view.map(|v| (v.phase, v.committee.iter().map(havn_client::keys::ss58).collect())))
		})
	}

	fn may_upload(
		&self,
		account: subxt::utils::AccountId32,
	) -> BoxFuture<'_, Result<bool, String>> {
		Box::pin(async move {
			let client = &self.0;
			let standing = client
				.runtime_call(api::runtime_apis().havn_api().account(account))
				.await
				.map_err(|e| e.to_string())?;
			if standing.bonded > 0 {
				return Ok(true);
			}
			let at = client.at_best().await.map_err(|e| e.to_string())?;
			let deposit = at
				.constants()
				.entry(api::constants().execution_log().job_deposit())
				.map_err(|e| e.to_string())?;
			let free = client.free_balance(&account).await.map_err(|e| e.to_string())?;
			Ok(free >= deposit)
		})
	}
}
