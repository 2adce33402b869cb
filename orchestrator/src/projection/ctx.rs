//! What the projections read at the block they decode: storage records and the block's
//! extrinsics. The records the block's events name ([`super::storage_keys`]) are read ahead in
//! one `state_queryStorageAt` request per [`PREFETCH_CHUNK`] keys ([`BlockCtx::prefetch`]);
//! anything else is fetched on demand, and the extrinsics once per block.

use crate::{indexer::IndexerError, model::Planck};
use havn_client::{api, AccountId, HavnConfig};
use std::{collections::HashMap, sync::Mutex};
use subxt::{
	config::RpcConfigFor, ext::codec::Decode, rpcs::methods::LegacyRpcMethods, storage::Address,
};
use tokio::sync::OnceCell;

/// Storage keys per `state_queryStorageAt` request.
pub const PREFETCH_CHUNK: usize = 1_000;

/// The chain state one block's decode reads (shared by the decodes of its events, which run
/// concurrently).
pub struct BlockCtx<'a> {
	at: &'a subxt::client::OnlineClientAtBlock<HavnConfig>,
	rpc: &'a LegacyRpcMethods<RpcConfigFor<HavnConfig>>,
	number: u32,
	extrinsics: OnceCell<Vec<Option<api::Call>>>,
	/// Values read ahead, by storage key (`None`: no value at the block).
	prefetched: Mutex<HashMap<Vec<u8>, Option<Vec<u8>>>>,
}

/// A StakeGuard bond as the chain holds it at the end of a block, planck.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ledger {
	/// Active stake.
	pub bonded: Planck,
	/// Stake unbonding (still held and slashable).
	pub unbonding: Planck,
}

/// A chain client failure as an [`IndexerError`].
pub fn chain(e: impl std::fmt::Display) -> IndexerError {
	IndexerError::Chain(e.to_string())
}

impl<'a> BlockCtx<'a> {
	/// The context of block `number`, read through `at` (and `rpc` for the reads ahead).
	pub fn new(
		at: &'a subxt::client::OnlineClientAtBlock<HavnConfig>,
		rpc: &'a LegacyRpcMethods<RpcConfigFor<HavnConfig>>,
		number: u32,
	) -> Self {
		Self {
			at,
			rpc,
			number,
			extrinsics: OnceCell::new(),
			prefetched: Mutex::new(HashMap::new()),
		}
	}

	/// The storage key of `address` at `keys`.
	pub(crate) fn key<Addr: Address>(
		&self,
		address: Addr,
		keys: Addr::KeyParts,
	) -> Result<Vec<u8>, IndexerError> {
		self.at.storage().entry(address).map_err(chain)?.fetch_key(keys).map_err(chain)
	}

	/// Read the values of `keys` at this block ahead of the decode, in one request per
	/// [`PREFETCH_CHUNK`] keys.
	pub async fn prefetch(&self, keys: Vec<Vec<u8>>) -> Result<(), IndexerError> {
		let hash = self.at.block_hash();
		for chunk in keys.chunks(PREFETCH_CHUNK) {
			let sets = self
				.rpc
				.state_query_storage_at(chunk.iter().map(Vec::as_slice), Some(hash))
				.await
				.map_err(chain)?;
			let mut values = self.prefetched.lock().map_err(|_| chain("read-ahead lock"))?;
			for key in chunk {
				values.insert(key.clone(), None);
			}
			for (key, value) in sets.into_iter().flat_map(|set| set.changes) {
				values.insert(key.0, value.map(|v| v.0));
			}
		}
		Ok(())
	}

	/// The value of `address` at `keys` (`None`: none), read ahead or fetched now.
	pub(crate) async fn read<Addr>(
		&self,
		address: Addr,
		keys: Addr::KeyParts,
	) -> Result<Option<Addr::Value>, IndexerError>
	where
		Addr: Address,
		Addr::KeyParts: Clone,
		Addr::Value: Decode,
	{
		let entry = self.at.storage().entry(address).map_err(chain)?;
		let key = entry.fetch_key(keys.clone()).map_err(chain)?;
		let ahead =
			self.prefetched.lock().map_err(|_| chain("read-ahead lock"))?.get(&key).cloned();
		match ahead {
			Some(bytes) => bytes
				.map(|bytes| Addr::Value::decode(&mut bytes.as_slice()))
				.transpose()
				.map_err(chain),
			None => entry
				.try_fetch(keys)
				.await
				.map_err(chain)?
				.map(|v| v.decode())
				.transpose()
				.map_err(chain),
		}
	}

	/// The error for a storage record the event implies but the block lacks.
	pub(crate) fn missing(&self, what: impl Into<String>) -> IndexerError {
		IndexerError::Missing { block: self.number, what: what.into() }
	}

	/// The client at this block.
	pub(crate) fn at(&self) -> &subxt::client::OnlineClientAtBlock<HavnConfig> {
		self.at
	}

	/// `StakeGuard::Bonds(who)` at the end of the block, as a [`Ledger`] (`None`: no bond).
	pub(crate) async fn ledger(&self, who: &AccountId) -> Result<Option<Ledger>, IndexerError> {
		let bond = self.read(api::storage().stake_guard().bonds(), (*who,)).await?;
		Ok(bond.map(|b| Ledger {
			bonded: Planck(b.active),
			unbonding: Planck(
				b.unbonding.iter().fold(0u128, |sum, chunk| sum.saturating_add(chunk.amount)),
			),
		}))
	}

	/// The calls of the block's extrinsics, in order (`None` where one does not decode).
	pub(crate) async fn calls(&self) -> Result<&[Option<api::Call>], IndexerError> {
		let calls = self
			.extrinsics
			.get_or_try_init(|| async {
				let extrinsics = self.at.extrinsics().fetch().await.map_err(chain)?;
				let mut calls = Vec::new();
				for ext in extrinsics.iter() {
					let ext = ext.map_err(chain)?;
					calls.push(ext.decode_call_data_as::<api::Call>().ok());
				}
				Ok::<_, IndexerError>(calls)
			})
			.await?;
		Ok(calls)
	}
}

/// Canonical SS58 (prefix 42).
pub(crate) fn ss58(account: &AccountId) -> String {
	account.to_string()
}

/// 0x-hex of 32 bytes.
pub(crate) fn hex32(bytes: [u8; 32]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Bytes as UTF-8 (invalid sequences replaced).
pub(crate) fn utf8(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}
