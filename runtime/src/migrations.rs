//! Runtime migrations: storage changes that reach a live chain with a runtime upgrade. Each is a
//! [`VersionedMigration`] (it runs once, when the named pallet's on-chain storage version is its
//! `FROM`, and sets it to `TO`) with a try-runtime check of its result (`post_upgrade`), run by
//! `try-runtime on-runtime-upgrade` and by runtime/tests/migrations.rs.

use frame_support::{
	migrations::VersionedMigration,
	storage::{storage_prefix, unhashed},
	traits::{PalletInfoAccess, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};
use sp_io::hashing::blake2_128;

#[cfg(feature = "try-runtime")]
use alloc::vec::Vec;
#[cfg(feature = "try-runtime")]
use sp_runtime::TryRuntimeError;

use crate::Runtime;

/// Every migration of the next runtime upgrade, in order.
pub type Migrations = (DropDowntimeSlash, JobDeposits);

/// ExecutionLog storage version 0 → 1: every stored job gains a `deposit` field, 0 for the jobs
/// submitted before the upgrade (they held none). Weight: a read and a write per stored job.
pub type JobDeposits = pallet_execution_log::migrations::v1::MigrateV0ToV1<Runtime>;

/// StakeGuard storage version 0 → 1: removes the value of the retired `DowntimeSlash` parameter
/// (`pallet-parameters` key `stake`, index 10: the share of a bond slashed for downtime, which no
/// pallet ever read) if the Council or Root had set one. Other parameters are untouched. Weight:
/// one read and at most one write.
pub type DropDowntimeSlash = VersionedMigration<
	0,
	1,
	DropDowntimeSlashUnversioned,
	pallet_stake_guard::Pallet<Runtime>,
	<Runtime as frame_system::Config>::DbWeight,
>;

/// The unversioned body of [`DropDowntimeSlash`]; use that instead.
pub struct DropDowntimeSlashUnversioned;

/// SCALE encoding of the retired parameter's key, `RuntimeParametersKey::Stake` (codec index 2)
/// of `stake::ParametersKey::DowntimeSlash` (codec index 10, a unit struct).
pub const DOWNTIME_SLASH_KEY: [u8; 2] = [2, 10];

/// The raw storage key under which `pallet-parameters` keeps the value of a parameter whose
/// encoded key is `encoded_key`: its `Parameters` map, hashed with `Blake2_128Concat`.
pub fn parameter_storage_key(encoded_key: &[u8]) -> alloc::vec::Vec<u8> {
	let pallet = <crate::Parameters as PalletInfoAccess>::name();
	let mut key = storage_prefix(pallet.as_bytes(), b"Parameters").to_vec();
	key.extend_from_slice(&blake2_128(encoded_key));
	key.extend_from_slice(encoded_key);
	key
}

impl UncheckedOnRuntimeUpgrade for DropDowntimeSlashUnversioned {
	fn on_runtime_upgrade() -> Weight {
		let key = parameter_storage_key(&DOWNTIME_SLASH_KEY);
		let stored = unhashed::exists(&key);
		if stored {
			unhashed::kill(&key);
		}
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		db.reads_writes(1, u64::from(stored))
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: Vec<u8>) -> Result<(), TryRuntimeError> {
		frame_support::ensure!(
			!unhashed::exists(&parameter_storage_key(&DOWNTIME_SLASH_KEY)),
			"DowntimeSlash is still stored"
		);
		Ok(())
	}
}
