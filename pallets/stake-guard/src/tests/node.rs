//! `register_node`, `heartbeat` and quarantine.

use crate::{mock::*, Error, Event, GpuMetrics, NodeInfo, NodeRecord, ReceiptKeys};
use frame_support::{assert_noop, assert_ok};
use havn_primitives::{
	traits::{Outcome, StakeInspect},
	ComputeClass, Role,
};

const M: Role = Role::ExecutionNode(ComputeClass::M);

fn bonded_node(who: u64) {
	assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(who), M, FLOOR_M));
}

fn metrics() -> GpuMetrics {
	GpuMetrics {
		utilization_percent: 87,
		memory_used_mib: 20_000,
		power_milliwatts: 320_000,
		temperature_c: 66,
	}
}

#[test]
fn register_node_stores_key_and_capabilities() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_node(1);
		run_to_block(3);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::M)
		));
		System::assert_last_event(Event::NodeRegistered { who: 1, receipt_key: key(1) }.into());
		assert_eq!(
			NodeInfo::<Test>::get(1),
			Some(NodeRecord {
				receipt_key: key(1),
				capabilities: caps(ComputeClass::M),
				last_heartbeat: 3,
				last_metrics: None,
			})
		);
		assert_eq!(ReceiptKeys::<Test>::get(key(1)), Some(1));
		assert_eq!(StakeGuard::receipt_key(&1), Some(key(1)));
	});
}

#[test]
fn re_registering_replaces_the_key_but_keeps_the_heartbeat() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_node(1);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::M)
		));
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(1), Some(metrics())));
		run_to_block(50);
		assert!(StakeGuard::is_quarantined(&1));
		let mut new_caps = caps(ComputeClass::M);
		new_caps.vram_gib = 48;
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(2),
			proof(1, 2),
			new_caps.clone()
		));
		assert_eq!(ReceiptKeys::<Test>::get(key(1)), None);
		assert_eq!(ReceiptKeys::<Test>::get(key(2)), Some(1));
		let node = NodeInfo::<Test>::get(1).unwrap();
		assert_eq!(node.capabilities, new_caps);
		assert_eq!(node.last_heartbeat, 1);
		assert_eq!(node.last_metrics, Some(metrics()));
		// Still quarantined: only a heartbeat lifts it.
		assert!(StakeGuard::is_quarantined(&1));
		// Re-registering the same key is fine.
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(2),
			proof(1, 2),
			caps(ComputeClass::M)
		));
		assert_eq!(ReceiptKeys::<Test>::get(key(2)), Some(1));
	});
}

#[test]
fn register_node_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(1),
				key(1),
				proof(1, 1),
				caps(ComputeClass::M)
			),
			Error::<Test>::NotBonded
		);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), Role::Validator, 600));
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(2),
				key(2),
				proof(2, 2),
				caps(ComputeClass::M)
			),
			Error::<Test>::NotExecutionNode
		);
		bonded_node(1);
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(1),
				key(1),
				proof(1, 1),
				caps(ComputeClass::L)
			),
			Error::<Test>::ComputeClassMismatch
		);
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(1),
				key(1),
				proof(1, 1),
				caps(ComputeClass::S)
			),
			Error::<Test>::ComputeClassMismatch
		);
		bonded_node(3);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(3),
			key(3),
			proof(3, 3),
			caps(ComputeClass::M)
		));
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(1),
				key(3),
				proof(1, 3),
				caps(ComputeClass::M)
			),
			Error::<Test>::ReceiptKeyInUse
		);
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::root(),
				key(1),
				proof(1, 1),
				caps(ComputeClass::M)
			),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn heartbeat_stores_block_and_metrics() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_node(1);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::M)
		));
		run_to_block(7);
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(1), Some(metrics())));
		System::assert_last_event(Event::HeartbeatReceived { who: 1, block: 7 }.into());
		let node = NodeInfo::<Test>::get(1).unwrap();
		assert_eq!(node.last_heartbeat, 7);
		assert_eq!(node.last_metrics, Some(metrics()));
		// Heartbeats are not rate limited; metrics may be left out.
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(1), None));
		assert_eq!(NodeInfo::<Test>::get(1).unwrap().last_metrics, None);
		assert!(recorded().is_empty());
	});
}

#[test]
fn heartbeat_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			StakeGuard::heartbeat(RuntimeOrigin::signed(1), None),
			Error::<Test>::NodeNotRegistered
		);
		bonded_node(1);
		assert_noop!(
			StakeGuard::heartbeat(RuntimeOrigin::signed(1), None),
			Error::<Test>::NodeNotRegistered
		);
		assert_noop!(
			StakeGuard::heartbeat(RuntimeOrigin::none(), None),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn quarantine_starts_after_max_missed_epochs_and_a_heartbeat_lifts_it() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_node(1);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::M)
		));
		let limit = 1 + HEARTBEAT_EPOCH * MAX_MISSED_EPOCHS as u64;
		run_to_block(limit);
		assert!(!StakeGuard::is_quarantined(&1));
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::M));
		run_to_block(limit + 1);
		assert!(StakeGuard::is_quarantined(&1));
		assert!(!StakeGuard::is_eligible_node(&1, ComputeClass::M));
		assert_eq!(StakeGuard::standing(&1), (Some(M), FLOOR_M, 0, true));

		System::reset_events();
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(1), None));
		assert_eq!(
			stake_events(),
			vec![
				Event::NodeQuarantineLifted { who: 1, last_heartbeat: 1 },
				Event::HeartbeatReceived { who: 1, block: limit + 1 },
			]
		);
		assert_eq!(recorded(), vec![(1, Outcome::Quarantined)]);
		assert!(!StakeGuard::is_quarantined(&1));
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::M));

		// A timely heartbeat records nothing.
		run_to_block(limit + 5);
		assert_ok!(StakeGuard::heartbeat(RuntimeOrigin::signed(1), None));
		assert_eq!(recorded(), vec![(1, Outcome::Quarantined)]);
	});
}

/// The hardening issue's finding 7: a squatter registered the receipt key another operator was
/// about to use (keys are public: they sign receipts in every block), then unbonded, and the
/// operator got `ReceiptKeyInUse` for the whole unbonding period. Now registering a key takes
/// its signature over the registering account and this chain's genesis hash.
#[test]
fn a_receipt_key_cannot_be_registered_without_its_secret() {
	ExtBuilder::default().build_and_execute(|| {
		bonded_node(1);
		bonded_node(2);
		// The squatter (2) has the operator's public key, but not its secret: whatever it signs
		// with is not the key's signature...
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(2),
				key(1),
				proof(2, 2),
				caps(ComputeClass::M)
			),
			Error::<Test>::BadReceiptKeyProof
		);
		// ...and the operator's own proof (seen in the pool) names the operator's account.
		assert_noop!(
			StakeGuard::register_node(
				RuntimeOrigin::signed(2),
				key(1),
				proof(1, 1),
				caps(ComputeClass::M)
			),
			Error::<Test>::BadReceiptKeyProof
		);
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::M)
		));
		assert_eq!(ReceiptKeys::<Test>::get(key(1)), Some(1));
	});
}
