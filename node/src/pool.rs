//! The transaction pool's chain API: FRAME's own (`sc_transaction_pool::FullChainApi`), with a
//! decode check in front of every validation (hardening finding 13 of `docs/security.md`).
//!
//! `TaggedTransactionQueue::validate_transaction` takes the extrinsic as a typed argument, and
//! the runtime's API glue (`sp_api::impl_runtime_apis!`) decodes it before the runtime's code
//! runs: bytes the runtime cannot decode (an argument over its bound, say) make it panic,
//! which traps the wasm instance and prints a panic and a wasm backtrace in the node's log, once
//! per transaction anyone sends. [`CheckedChainApi`] first asks the runtime
//! (`havn_primitives::api::ExtrinsicCheckApi::check_extrinsic`, which takes raw bytes and
//! always decodes its argument) whether the extrinsic decodes; if not, the pool gets
//! `InvalidTransaction::Call` (the RPC answers `1010 Invalid Transaction`, a peer that gossiped
//! it is reported as sending a bad transaction) and `validate_transaction` is never called. The
//! check runs in the runtime at the block validated against, so it follows runtime upgrades;
//! at a block whose runtime lacks the API, validation goes on as FRAME's.

use crate::service::FullClient;
use codec::Encode;
use futures::FutureExt;
use havn_primitives::api::ExtrinsicCheckApi;
use havn_runtime::opaque::Block;
use sc_transaction_pool::{ChainApi, FullChainApi, ValidateTransactionPriority};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::TreeRoute;
use sp_runtime::{
	generic::BlockId,
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity, TransactionValidityError},
};
use std::sync::Arc;

type Inner = FullChainApi<FullClient, Block>;
type Error = <Inner as ChainApi>::Error;
type Extrinsic = <Block as BlockT>::Extrinsic;
type Hash = <Block as BlockT>::Hash;

/// FRAME's chain API with the decode check in front (see the module docs).
pub struct CheckedChainApi {
	inner: Inner,
	client: Arc<FullClient>,
	spawner: sc_service::SpawnTaskHandle,
}

impl CheckedChainApi {
	/// `inner` (FRAME's chain API over `client`) with the decode check in front, run on
	/// `spawner`'s blocking threads (a runtime call, kept off the async executor as FRAME's
	/// validation is).
	pub fn new(
		inner: Inner,
		client: Arc<FullClient>,
		spawner: sc_service::SpawnTaskHandle,
	) -> Self {
		Self { inner, client, spawner }
	}
}

/// `Some(error)` when the runtime at `at` cannot decode `encoded` as its extrinsic; `None` when
/// it can, or when that runtime has no `ExtrinsicCheckApi`.
fn undecodable(
	client: &FullClient,
	at: Hash,
	encoded: Vec<u8>,
) -> Result<Option<TransactionValidityError>, Error> {
	let api = client.runtime_api();
	let runtime_error = |e| Error::from(sp_blockchain::Error::RuntimeApiError(e));
	if !api.has_api::<dyn ExtrinsicCheckApi<Block>>(at).map_err(runtime_error)? {
		return Ok(None);
	}
	Ok(api.check_extrinsic(at, encoded).map_err(runtime_error)?.err())
}

#[async_trait::async_trait]
impl ChainApi for CheckedChainApi {
	type Block = Block;
	type Error = Error;

	async fn validate_transaction(
		&self,
		at: Hash,
		source: TransactionSource,
		uxt: Arc<Extrinsic>,
		validation_priority: ValidateTransactionPriority,
	) -> Result<TransactionValidity, Self::Error> {
		let (tx, rx) = futures::channel::oneshot::channel();
		let (client, encoded) = (self.client.clone(), uxt.encode());
		self.spawner.spawn_blocking(
			"havn-extrinsic-check",
			Some("transaction-pool"),
			async move {
				let _ = tx.send(undecodable(&client, at, encoded));
			}
			.boxed(),
		);
		let checked = rx.await.map_err(|_| {
			Error::from(sp_blockchain::Error::Application("the decode check was cancelled".into()))
		})??;
		if let Some(invalid) = checked {
			return Ok(Err(invalid));
		}
		self.inner.validate_transaction(at, source, uxt, validation_priority).await
	}

	fn validate_transaction_blocking(
		&self,
		at: Hash,
		source: TransactionSource,
		uxt: Arc<Extrinsic>,
	) -> Result<TransactionValidity, Self::Error> {
		if let Some(invalid) = undecodable(&self.client, at, uxt.encode())? {
			return Ok(Err(invalid));
		}
		self.inner.validate_transaction_blocking(at, source, uxt)
	}

	fn block_id_to_number(
		&self,
		at: &BlockId<Block>,
	) -> Result<Option<NumberFor<Block>>, Self::Error> {
		self.inner.block_id_to_number(at)
	}

	fn block_id_to_hash(&self, at: &BlockId<Block>) -> Result<Option<Hash>, Self::Error> {
		self.inner.block_id_to_hash(at)
	}

	fn hash_and_length(&self, uxt: &Extrinsic) -> (Hash, usize) {
		self.inner.hash_and_length(uxt)
	}

	async fn block_body(&self, at: Hash) -> Result<Option<Vec<Extrinsic>>, Self::Error> {
		self.inner.block_body(at).await
	}

	fn block_header(&self, at: Hash) -> Result<Option<<Block as BlockT>::Header>, Self::Error> {
		self.inner.block_header(at)
	}

	fn tree_route(&self, from: Hash, to: Hash) -> Result<TreeRoute<Block>, Self::Error> {
		self.inner.tree_route(from, to)
	}
}
