//! Genesis bonds.

use crate::{mock::*, Bonds, Validators};
use havn_primitives::{traits::StakeInspect, ComputeClass, Role};

#[test]
fn genesis_bonds_are_held() {
	ExtBuilder::default()
		.with_bonds(vec![
			(3, Role::Validator, 600),
			(1, Role::Validator, 700),
			(2, Role::ExecutionNode(ComputeClass::M), FLOOR_M),
		])
		.build_and_execute(|| {
			assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 3]);
			assert_eq!(held(1), 700);
			assert_eq!(free(1), ENDOWMENT - 700);
			assert_eq!(Bonds::<Test>::get(2).unwrap().active, FLOOR_M);
			assert_eq!(StakeGuard::role(&2), Some(Role::ExecutionNode(ComputeClass::M)));
		});
}

#[test]
#[should_panic(expected = "invalid genesis bond")]
fn genesis_bond_below_the_floor_panics() {
	ExtBuilder::default().with_bonds(vec![(1, Role::Validator, 1)]).build();
}
