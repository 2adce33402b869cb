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

#[test]
fn job_deposits_give_every_stored_job_a_zero_deposit() {
	use havn_runtime::ExecutionLog;
	use pallet_execution_log::{migrations::v1::JobV0, HoldReason, Jobs};
	let actors = Actors::new();
	new_test_ext(&actors).execute_with(|| {
		// A chain before the upgrade: ExecutionLog at storage version 0, with a job stored
		// without a deposit field (and none held).
		bond_everyone(&actors);
		let workflow = publish(&actors.creator, b"migrated", 10 * havn_runtime::HAI, vec![]);
		let job_id = submit_job(&actors, workflow, u128::MAX, 40);
		let job = Jobs::<Runtime>::get(job_id).unwrap();
		<havn_runtime::Balances as frame_support::traits::fungible::MutateHold<_>>::release(
			&HoldReason::JobDeposit.into(),
			&actors.payer,
			job.deposit,
			frame_support::traits::tokens::Precision::Exact,
		)
		.unwrap();
		let old = JobV0 {
			workflow_id: job.workflow_id,
			payer: job.payer.clone(),
			fee: job.fee,
			compute_class: job.compute_class,
			manifest_hash: job.manifest_hash,
			input_digest: job.input_digest,
			input_uri: job.input_uri.clone(),
			redundancy: job.redundancy,
			deadline: job.deadline,
			submitted_at: job.submitted_at,
			phase: job.phase,
			nodes: job.nodes.clone(),
			receipts: job.receipts.clone(),
			committee: job.committee.clone(),
			sampled: job.sampled,
			verdicts: job.verdicts.clone(),
			timeline: job.timeline.clone(),
			finalized_at: job.finalized_at,
			challenge: job.challenge.clone(),
		};
		unhashed::put_raw(&Jobs::<Runtime>::hashed_key_for(job_id), &old.encode());
		StorageVersion::new(0).put::<ExecutionLog>();
		// The old record does not decode as today's job, which try-runtime's state check reports.
		assert!(Jobs::<Runtime>::try_get(job_id).is_err());

		Executive::try_runtime_upgrade(UpgradeCheckSelect::All).unwrap();
		let migrated = Jobs::<Runtime>::get(job_id).unwrap();
		assert_eq!(migrated.deposit, 0);
		assert_eq!(
			(migrated.fee, migrated.payer, migrated.deadline),
			(job.fee, job.payer, job.deadline)
		);
		assert_eq!(ExecutionLog::on_chain_storage_version(), StorageVersion::new(1));

		// The migrated job ends and is pruned like any other; it had no deposit to return.
		run_to_block(migrated.deadline + 1);
		let before = free(&actors.payer);
		frame_support::assert_ok!(ExecutionLog::prune(
			RuntimeOrigin::signed(actors.relay.clone()),
			job_id
		));
		assert!(Jobs::<Runtime>::get(job_id).is_none());
		assert_eq!(free(&actors.payer), before);
		check_invariants(genesis_issuance(&actors));
	});
}
