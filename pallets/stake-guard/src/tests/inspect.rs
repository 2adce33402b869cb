//! `StakeInspect` and `standing`.

use crate::mock::*;
use frame_support::assert_ok;
use havn_primitives::{traits::StakeInspect, ComputeClass, Role};

#[test]
fn eligibility_needs_class_floor_key_and_heartbeat() {
	ExtBuilder::default().build_and_execute(|| {
		let l = Role::ExecutionNode(ComputeClass::L);
		assert!(!StakeGuard::is_eligible_node(&1, ComputeClass::S));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), l, FLOOR_L));
		// No key yet.
		assert!(!StakeGuard::is_eligible_node(&1, ComputeClass::S));
		assert_ok!(StakeGuard::register_node(
			RuntimeOrigin::signed(1),
			key(1),
			proof(1, 1),
			caps(ComputeClass::L)
		));
		// Serves its class and smaller ones, not bigger ones.
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::S));
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::M));
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::L));
		assert!(!StakeGuard::is_eligible_node(&1, ComputeClass::XL));
		// Below its class's floor: not eligible even for smaller classes.
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 1));
		assert!(!StakeGuard::is_eligible_node(&1, ComputeClass::S));
		assert_ok!(StakeGuard::bond_extra(RuntimeOrigin::signed(1), 1));
		assert!(StakeGuard::is_eligible_node(&1, ComputeClass::S));
		// Validators and relays are never eligible nodes.
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), Role::Validator, 600));
		assert!(!StakeGuard::is_eligible_node(&2, ComputeClass::S));
	});
}

#[test]
fn roles_validators_and_relays() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(StakeGuard::role(&1), None);
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(3), Role::Validator, 600));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Validator, 600));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(2), Role::Relay, RELAY_FLOOR));
		assert_eq!(StakeGuard::role(&1), Some(Role::Validator));
		assert_eq!(StakeGuard::role(&2), Some(Role::Relay));
		assert!(StakeGuard::is_active_validator(&1));
		assert!(!StakeGuard::is_active_validator(&2));
		assert!(StakeGuard::is_relay(&2));
		assert!(!StakeGuard::is_relay(&1));
		assert_eq!(StakeGuard::active_validators(), vec![1, 3]);
		assert_eq!(StakeGuard::receipt_key(&1), None);
	});
}

#[test]
fn standing_reports_the_bond() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(StakeGuard::standing(&1), (None, 0, 0, false));
		assert_ok!(StakeGuard::bond(RuntimeOrigin::signed(1), Role::Relay, 100));
		assert_ok!(StakeGuard::unbond(RuntimeOrigin::signed(1), 100));
		// The role is still reported while only unbonding stake is left.
		assert_eq!(StakeGuard::standing(&1), (Some(Role::Relay), 0, 100, false));
	});
}
