//! The indexer's writes, one finalized block per transaction, exactly once: [`Db::apply_block`]
//! runs the per-pallet projections' [`write_block`] (see [`crate::projection::writer`]) in a
//! write transaction and commits it.

pub use crate::projection::writer::{write_block_counted, write_block_keeping, Applied};

use super::{Db, DbError};
use crate::model::BlockData;
use sqlx::AnyConnection;

impl Db {
	/// Write `block` and its events in one transaction.
	pub async fn apply_block(&self, block: &BlockData) -> Result<Applied, DbError> {
		Ok(self.apply_block_counted(block).await?.0)
	}

	/// [`Db::apply_block`], also returning the number of SQL statements it ran.
	pub async fn apply_block_counted(&self, block: &BlockData) -> Result<(Applied, u64), DbError> {
		let mut tx = self.begin_write().await?;
		let (applied, statements) = write_block_counted(&mut tx, block).await?;
		if applied == Applied::Indexed {
			tx.commit().await?;
		}
		Ok((applied, statements))
	}
}

/// Write `block` on `conn` (a transaction) if it is the next block to index; the caller
/// commits.
pub async fn write_block(conn: &mut AnyConnection, block: &BlockData) -> Result<Applied, DbError> {
	Ok(write_block_counted(conn, block).await?.0)
}
