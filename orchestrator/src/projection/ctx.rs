//! What the projections read at the block they decode: storage records and the block's
//! extrinsics, fetched on demand (the extrinsics once per block).

use crate::{indexer::IndexerError, model::Planck};
use havn_client::{api, AccountId, HavnConfig};
use tokio::sync::OnceCell;

/// The chain state one block's decode reads (shared by the decodes of its events, which run
/// concurrently).
pub struct BlockCtx<'a> {
	at: &'a subxt::client::OnlineClientAtBlock<HavnConfig>,
	number: u32,
	extrinsics: OnceCell<Vec<Option<api::Call>>>,
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
	/// The context of block `number`.
	pub fn new(at: &'a subxt::client::OnlineClientAtBlock<HavnConfig>, number: u32) -> Self {
		Self { at, number, extrinsics: OnceCell::new() }
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
		let bond = self
			.at
			.storage()
			.try_fetch(api::storage().stake_guard().bonds(), (*who,))
			.await
			.map_err(chain)?
			.map(|v| v.decode())
			.transpose()
			.map_err(chain)?;
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
