//! WorkflowRegistry tests, one file per topic.
#![allow(clippy::arithmetic_side_effects)]

mod commitments;
mod floors;
mod inspect;
mod ownership;
mod publish;
mod status;
mod versions;

use crate::{mock::*, DependenciesOf, Event, HoldReason, ManifestUriOf, Workflows};
use frame_support::{assert_ok, traits::fungible::InspectHold};
use havn_primitives::{ComputeClass, Digest, WorkflowId, WorkflowKind};
use sp_runtime::Permill;

/// A manifest digest made from `n`.
pub fn hash(n: u8) -> Digest {
	Digest::repeat_byte(n)
}

/// A manifest URI of `len` bytes.
pub fn uri_of_len(len: usize) -> ManifestUriOf<Test> {
	vec![b'x'; len].try_into().unwrap()
}

/// A 10-byte manifest URI.
pub fn uri() -> ManifestUriOf<Test> {
	uri_of_len(10)
}

/// The deposit for one version with a 10-byte URI: 100 + 2 * 10.
pub const DEPOSIT_10: Balance = DEPOSIT_BASE + DEPOSIT_PER_BYTE * 10;

/// Dependencies from a list.
pub fn deps(list: &[(WorkflowId, u32)]) -> DependenciesOf<Test> {
	list.iter()
		.map(|(id, pct)| (*id, Permill::from_percent(*pct)))
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

/// Publish a plain workflow by `who` with digest `hash(n)`, a 10-byte URI, no dependencies and
/// no parent. Returns its id.
pub fn publish_plain(who: AccountId, n: u8) -> WorkflowId {
	publish_with(who, n, deps(&[]), None)
}

/// `who`'s commitment to the manifest `hash(n)`.
pub fn commitment_of(who: AccountId, n: u8) -> sp_core::H256 {
	havn_primitives::proofs::manifest_commitment(&who, &hash(n))
}

/// `who` commits to the manifest `hash(n)` (which it may publish from `MinCommitmentAge` blocks
/// later: at once, with the mock's default of 0).
pub fn commit(who: AccountId, n: u8) {
	assert_ok!(WorkflowRegistry::commit_manifest(
		RuntimeOrigin::signed(who),
		commitment_of(who, n)
	));
}

/// The dependency list of a derivative that routes the whole upstream pool to `parent`.
pub fn child_of(parent: WorkflowId) -> DependenciesOf<Test> {
	deps(&[(parent, 100)])
}

/// Publish a workflow by `who` with digest `hash(n)`, a 10-byte URI, `dependencies` and `parent`,
/// after committing to it.
pub fn publish_with(
	who: AccountId,
	n: u8,
	dependencies: DependenciesOf<Test>,
	parent: Option<WorkflowId>,
) -> WorkflowId {
	let id = crate::NextWorkflowId::<Test>::get();
	commit(who, n);
	assert_ok!(reveal_with(who, n, dependencies, parent));
	id
}

/// `who`'s `publish` of the workflow `hash(n)` (10-byte URI, class M, base fee 1,000), with no
/// commitment made here.
pub fn reveal_with(
	who: AccountId,
	n: u8,
	dependencies: DependenciesOf<Test>,
	parent: Option<WorkflowId>,
) -> frame_support::dispatch::DispatchResult {
	WorkflowRegistry::publish(
		RuntimeOrigin::signed(who),
		WorkflowKind::Workflow,
		hash(n),
		uri(),
		ComputeClass::M,
		1_000,
		None,
		dependencies,
		parent,
	)
}

/// Balance held on `who` for workflow deposits.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(
		&RuntimeHoldReason::WorkflowRegistry(HoldReason::WorkflowDeposit),
		&who,
	)
}

/// The registry's events, oldest first.
pub fn registry_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::WorkflowRegistry(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The stored workflow `id` (panics if missing).
pub fn wf(id: WorkflowId) -> crate::WorkflowOf<Test> {
	Workflows::<Test>::get(id).unwrap()
}
