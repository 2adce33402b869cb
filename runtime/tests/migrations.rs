//! The runtime upgrade's migrations, checked as `try-runtime on-runtime-upgrade` checks them:
//! `Executive::try_runtime_upgrade` runs every migration with its pre- and post-upgrade checks,
//! then checks each pallet's storage version against its code, decodes the entire state and runs
//! every pallet's `try_state`. Needs the runtime's `try-runtime` feature (`required-features`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::*;
use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, StorageVersion, TryDecodeEntireStorage, UpgradeCheckSelect},
};
use havn_runtime::{
	configs::parameters::{dynamic_params::stake, RuntimeParameters, RuntimeParametersKey},
	migrations::{parameter_storage_key, DOWNTIME_SLASH_KEY},
	AllPalletsWithSystem, Executive, Runtime, RuntimeCall, RuntimeOrigin, StakeGuard,
};
use sp_runtime::{traits::Dispatchable, Perbill};

/// The raw key of the retired parameter, and the value a Council could have stored there
/// (`RuntimeParametersValue::Stake(DowntimeSlash(2%))`).
fn downtime_slash() -> (Vec<u8>, Vec<u8>) {
	let value = (DOWNTIME_SLASH_KEY, Perbill::from_percent(2)).encode();
	(parameter_storage_key(&DOWNTIME_SLASH_KEY), value)
}

#[test]
fn the_parameter_key_is_the_one_pallet_parameters_stores() {
	// The migration builds the raw key by hand (the retired key has no type any more); the same
	// construction gives pallet-parameters' own key for a live parameter of the same group.
	new_test_ext(&Actors::new()).execute_with(|| {
		let collusion = RuntimeParametersKey::Stake(stake::ParametersKey::CollusionSlash(
			stake::CollusionSlash,
		));
		assert_eq!(collusion.encode(), vec![DOWNTIME_SLASH_KEY[0], 9]);
		assert_eq!(
			parameter_storage_key(&collusion.encode()),
			pallet_parameters::Parameters::<Runtime>::hashed_key_for(collusion)
		);
	});
}

#[test]
fn drop_downtime_slash_removes_the_stored_value_once_and_keeps_the_others() {
	new_test_ext(&Actors::new()).execute_with(|| {
		// A chain before the upgrade: StakeGuard at storage version 0, the Council had set
		// CollusionSlash to 40% and DowntimeSlash to 2%.
		let collusion = RuntimeParameters::Stake(stake::Parameters::CollusionSlash(
			stake::CollusionSlash,
			Some(Perbill::from_percent(40)),
		));
		RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value: collusion })
			.dispatch(RuntimeOrigin::root())
			.unwrap();
		let (key, value) = downtime_slash();
		unhashed::put_raw(&key, &value);
		StorageVersion::new(0).put::<StakeGuard>();

		// Before the migration the stored value no longer decodes (its key has no type any
		// more), which try-runtime's state check reports.
		assert!(AllPalletsWithSystem::try_decode_entire_state().is_err());

		Executive::try_runtime_upgrade(UpgradeCheckSelect::All).unwrap();
		assert!(!unhashed::exists(&key), "DowntimeSlash still stored");
		assert_eq!(StakeGuard::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(
			<stake::CollusionSlash as frame_support::traits::Get<Perbill>>::get(),
			Perbill::from_percent(40)
		);
		check_invariants(genesis_issuance(&Actors::new()));

		// Versioned: it runs once. A later upgrade leaves the key alone (a value put back by
		// hand stays), so it costs nothing after the first.
		unhashed::put_raw(&key, &value);
		Executive::try_runtime_upgrade(UpgradeCheckSelect::None).unwrap();
		assert!(unhashed::exists(&key));
	});
}
