//! The connection to a Havn node.

use crate::{api, AccountId, ClientError, HavnConfig, Signer};
use havn_primitives::Digest;
use std::{sync::Arc, time::Duration};
use subxt::{
	config::{DefaultExtrinsicParamsBuilder, RpcConfigFor},
	rpcs::{methods::LegacyRpcMethods, RpcClient},
	transactions::{Payload, TransactionStatus},
	OnlineClient,
};
use tokio::sync::Mutex;

/// A transaction that made it into a block and succeeded.
pub struct Included {
	/// Hash of the block it is in.
	pub block_hash: Digest,
	/// Its events (decode with `find_first::<api::…::events::X>()`).
	pub events: subxt::extrinsics::ExtrinsicEvents<HavnConfig>,
	/// When the node first reported the extrinsic valid in its pool (the transaction API's
	/// first `validated` event); `None` if it reported the inclusion first.
	pub validated: Option<std::time::Instant>,
}

/// A connection to a Havn node's JSON-RPC (WebSocket) endpoint.
///
/// Cheap to clone; clones share the connection and the submission lock, so one process never
/// signs two extrinsics with the same nonce.
#[derive(Clone)]
pub struct HavnClient {
	online: OnlineClient<HavnConfig>,
	rpc: LegacyRpcMethods<RpcConfigFor<HavnConfig>>,
	submit_lock: Arc<Mutex<()>>,
	url: String,
}

impl HavnClient {
	/// Connect to `url` (e.g. `ws://127.0.0.1:9944`), retrying for up to `timeout` while the node
	/// starts.
	pub async fn connect(url: &str, timeout: Duration) -> Result<Self, ClientError> {
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			match Self::try_connect(url).await {
				Ok(client) => return Ok(client),
				Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
				Err(e) => {
					tracing::debug!(url, error = %e, "node not reachable yet; retrying");
					tokio::time::sleep(Duration::from_millis(500)).await;
				}
			}
		}
	}

	async fn try_connect(url: &str) -> Result<Self, ClientError> {
		let connect = |e: &dyn core::fmt::Display| ClientError::Connect {
			url: url.into(),
			reason: e.to_string(),
		};
		let rpc_client = RpcClient::from_insecure_url(url).await.map_err(|e| connect(&e))?;
		let online = OnlineClient::<HavnConfig>::from_rpc_client(rpc_client.clone())
			.await
			.map_err(|e| connect(&e))?;
		Ok(Self {
			online,
			rpc: LegacyRpcMethods::new(rpc_client),
			submit_lock: Arc::new(Mutex::new(())),
			url: url.into(),
		})
	}

	/// The subxt client, for anything the helpers here do not cover.
	pub fn online(&self) -> &OnlineClient<HavnConfig> {
		&self.online
	}

	/// The legacy JSON-RPC methods (`system_*`, `chain_*`, `state_*`).
	pub fn rpc(&self) -> &LegacyRpcMethods<RpcConfigFor<HavnConfig>> {
		&self.rpc
	}

	/// The RPC URL this client talks to.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// Genesis hash of the chain: signed into every receipt and attestation.
	pub fn genesis_hash(&self) -> Digest {
		self.online.genesis_hash()
	}

	/// Number of the latest finalized block.
	pub async fn finalized_number(&self) -> Result<u64, ClientError> {
		let hash = self.rpc.chain_get_finalized_head().await.map_err(ClientError::subxt)?;
		let header = self
			.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(ClientError::subxt)?
			.ok_or_else(|| ClientError::Subxt("finalized header not found".into()))?;
		Ok(u64::from(header.number))
	}

	/// Number of the best block.
	pub async fn best_number(&self) -> Result<u64, ClientError> {
		let header = self
			.rpc
			.chain_get_header(None)
			.await
			.map_err(ClientError::subxt)?
			.ok_or_else(|| ClientError::Subxt("best header not found".into()))?;
		Ok(u64::from(header.number))
	}

	/// A view of the chain at the current best block (storage and runtime API reads that must see
	/// what was just included, before it is finalized).
	pub async fn at_best(
		&self,
	) -> Result<subxt::client::OnlineClientAtBlock<HavnConfig>, ClientError> {
		let hash = self
			.rpc
			.chain_get_block_hash(None)
			.await
			.map_err(ClientError::subxt)?
			.ok_or_else(|| ClientError::Subxt("no best block".into()))?;
		self.online.at_block(hash).await.map_err(ClientError::subxt)
	}

	/// Sign `call` with `signer`, submit it and wait until it is in a best block; return its
	/// events, or [`ClientError::Dispatch`] naming the `Pallet::Error` if it failed.
	///
	/// Nonces come from the node's pool-aware `system_accountNextIndex`, taken under a lock that
	/// every clone of this client shares, so concurrent submissions never collide.
	pub async fn submit<C: Payload>(
		&self,
		call: &C,
		signer: &Signer,
	) -> Result<Included, ClientError> {
		let name = format!("{}.{}", call.pallet_name(), call.call_name());
		let progress = {
			let _guard = self.submit_lock.lock().await;
			let account: AccountId = crate::keys::account_of(signer);
			let nonce =
				self.rpc.system_account_next_index(&account).await.map_err(ClientError::subxt)?;
			let params = DefaultExtrinsicParamsBuilder::<HavnConfig>::new().nonce(nonce).build();
			let mut tx = self.online.tx().await.map_err(ClientError::subxt)?;
			tx.sign_and_submit_then_watch(call, signer, params).await.map_err(|e| {
				ClientError::NotIncluded { call: name.clone(), reason: e.to_string() }
			})?
		};
		follow(progress, name).await
	}

	/// Commit `signer` to publishing the manifests `manifest_hashes` (one extrinsic: a
	/// `Utility::batch_all` when there are several), then wait until the best block is
	/// `MinCommitmentAge` blocks past the commitment's, so that `signer`'s `publish` or
	/// `publish_version` of each digest is accepted.
	///
	/// Commit-reveal publication (`WorkflowRegistry` crate docs): a commitment,
	/// `manifest_commitment(signer, manifest_hash)`, hides the digest and names the publisher.
	/// Keep a manifest out of the artifact store until its publish is included. A commitment
	/// still pending from an earlier attempt (`CommitmentAlreadyMade`) is used as it is. At most
	/// `MaxPendingCommitments` (16) can be pending per account.
	///
	/// Polls for at most 120 s of blocks (the node must be producing them).
	/// Errors: those of [`Self::submit`], and [`ClientError::Subxt`] when no block comes.
	pub async fn commit_manifests(
		&self,
		signer: &Signer,
		manifest_hashes: &[Digest],
	) -> Result<(), ClientError> {
		use crate::errors::{RuntimeError, WorkflowRegistryError};
		use api::runtime_types::{
			havn_runtime::RuntimeCall, pallet_workflow_registry::pallet::Call as RegistryCall,
		};
		let who = crate::keys::account_of(signer);
		let commitments: Vec<_> = manifest_hashes
			.iter()
			.map(|hash| havn_primitives::proofs::manifest_commitment(&who.0, hash))
			.collect();
		let submitted = match commitments.as_slice() {
			[one] => {
				self.submit(&api::tx().workflow_registry().commit_manifest(*one), signer).await
			}
			many => {
				let calls = many
					.iter()
					.map(|c| {
						RuntimeCall::WorkflowRegistry(RegistryCall::commit_manifest {
							commitment: *c,
						})
					})
					.collect();
				self.submit(&api::tx().utility().batch_all(calls), signer).await
			}
		};
		let committed_at = match submitted {
			Ok(included) => self.number_of(included.block_hash).await?,
			Err(e)
				if matches!(
					e.module_error(),
					Some(RuntimeError::WorkflowRegistry(
						WorkflowRegistryError::CommitmentAlreadyMade
					))
				) =>
			{
				self.best_number().await?
			}
			Err(e) => return Err(e),
		};
		let at = self.at_best().await?;
		let age: u32 = at
			.constants()
			.entry(api::constants().workflow_registry().min_commitment_age())
			.map_err(ClientError::subxt)?;
		let ready = committed_at.saturating_add(u64::from(age));
		for _ in 0..480 {
			if self.best_number().await? >= ready {
				return Ok(());
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
		Err(ClientError::Subxt(format!("no block {ready} after committing to manifests")))
	}

	/// Number of the block `hash`.
	async fn number_of(&self, hash: Digest) -> Result<u64, ClientError> {
		let header = self
			.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(ClientError::subxt)?
			.ok_or_else(|| ClientError::Subxt(format!("header of {hash:?} not found")))?;
		Ok(u64::from(header.number))
	}

	/// Submit `call` as an unsigned (bare) extrinsic (for calls a runtime validates itself, such
	/// as `Faucet::claim`) and wait until it is in a best block, as [`Self::submit`] does.
	pub async fn submit_unsigned<C: Payload>(&self, call: &C) -> Result<Included, ClientError> {
		let name = format!("{}.{}", call.pallet_name(), call.call_name());
		let tx = self.online.tx().await.map_err(ClientError::subxt)?;
		let progress = tx
			.create_unsigned(call)
			.map_err(ClientError::subxt)?
			.submit_and_watch()
			.await
			.map_err(|e| ClientError::NotIncluded { call: name.clone(), reason: e.to_string() })?;
		follow(progress, name).await
	}

	/// Call a runtime API at the current best block.
	pub async fn runtime_call<P: subxt::runtime_apis::Payload>(
		&self,
		payload: P,
	) -> Result<P::ReturnType, ClientError> {
		let at = self.at_best().await?;
		at.runtime_apis().call(payload).await.map_err(ClientError::subxt)
	}

	/// Free balance of `who` at the current best block, in planck.
	pub async fn free_balance(&self, who: &AccountId) -> Result<u128, ClientError> {
		let at = self.at_best().await?;
		let account = at
			.storage()
			.try_fetch(api::storage().system().account(), (*who,))
			.await
			.map_err(ClientError::subxt)?;
		match account {
			Some(v) => Ok(v.decode().map_err(ClientError::subxt)?.data.free),
			None => Ok(0),
		}
	}

	/// The `HavnApi::job` view of a job at the latest finalized block.
	pub async fn job(
		&self,
		job_id: u64,
	) -> Result<Option<havn_primitives::api::JobView<AccountId, u128, u32>>, ClientError> {
		Ok(self.runtime_call(api::runtime_apis().havn_api().job(job_id)).await?.map(|v| v.0))
	}
}

/// Follow a submitted extrinsic until it is in a best (or finalized) block; its events, or the
/// typed failure.
async fn follow(
	mut progress: subxt::transactions::TransactionProgress<
		HavnConfig,
		subxt::client::OnlineClientAtBlockImpl<HavnConfig>,
	>,
	name: String,
) -> Result<Included, ClientError> {
	let mut validated = None;
	while let Some(status) = progress.next().await {
		let status = status.map_err(ClientError::subxt)?;
		let in_block = match status {
			TransactionStatus::Validated => {
				validated.get_or_insert_with(std::time::Instant::now);
				continue;
			}
			TransactionStatus::InBestBlock(b) | TransactionStatus::InFinalizedBlock(b) => b,
			TransactionStatus::Error { message }
			| TransactionStatus::Invalid { message }
			| TransactionStatus::Dropped { message } => {
				return Err(ClientError::NotIncluded { call: name, reason: message })
			}
			_ => continue,
		};
		let block_hash = in_block.block_hash();
		return match in_block.wait_for_success().await {
			Ok(events) => Ok(Included { block_hash, events, validated }),
			Err(subxt::error::TransactionEventsError::ExtrinsicFailed(e)) => {
				Err(ClientError::Dispatch {
					call: name,
					error: dispatch_name(&e),
					module: module_error(&e).map(Box::new),
				})
			}
			Err(e) => Err(ClientError::Dispatch { call: name, error: e.to_string(), module: None }),
		};
	}
	Err(ClientError::NotIncluded { call: name, reason: "subscription ended".into() })
}

/// The typed pallet error of a module error.
fn module_error(e: &subxt::error::DispatchError) -> Option<api::Error> {
	match e {
		subxt::error::DispatchError::Module(m) => m.as_root_error::<api::Error>().ok(),
		_ => None,
	}
}

/// `Pallet::Error` of a module error; the error's text otherwise.
fn dispatch_name(e: &subxt::error::DispatchError) -> String {
	match e {
		subxt::error::DispatchError::Module(m) => match m.details() {
			Ok(d) => format!("{}::{}", d.pallet.name(), d.variant.name),
			Err(_) => m.to_string(),
		},
		other => other.to_string(),
	}
}
