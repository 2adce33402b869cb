//! Execution nodes: receipt keys and capabilities (`register_node`), heartbeats and quarantine.

use crate::{
	Bonds, CapabilitiesOf, Config, Error, GpuMetrics, NodeInfo, NodeRecord, Pallet, ReceiptKeys,
};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{
	proofs::verify_receipt_key_proof,
	traits::{Outcome, ReputationHooks},
	Role,
};
use sp_core::sr25519;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// This chain's genesis hash, which receipt key proofs are bound to.
	pub fn genesis_hash() -> sp_core::H256 {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Blocks of silence after which a node is quarantined: `MaxMissedEpochs × HeartbeatEpoch`.
	pub fn quarantine_after() -> BlockNumberFor<T> {
		T::HeartbeatEpoch::get().saturating_mul(T::MaxMissedEpochs::get().into())
	}

	/// Whether `node` is quarantined at block `now`: silent for more than
	/// [`Pallet::quarantine_after`] blocks.
	pub fn is_quarantined_at(node: &NodeRecord<T>, now: BlockNumberFor<T>) -> bool {
		now.saturating_sub(node.last_heartbeat) > Self::quarantine_after()
	}

	/// Whether `who` is a registered node that is quarantined now.
	pub fn is_quarantined(who: &T::AccountId) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		NodeInfo::<T>::get(who).is_some_and(|node| Self::is_quarantined_at(&node, now))
	}

	/// Checks for [`Pallet::register_node`]. Returns the node's current record, if registered.
	pub(crate) fn ensure_can_register_node(
		who: &T::AccountId,
		receipt_key: &sr25519::Public,
		proof: &sr25519::Signature,
		capabilities: &CapabilitiesOf<T>,
	) -> Result<Option<NodeRecord<T>>, DispatchError> {
		let bond = Bonds::<T>::get(who).ok_or(Error::<T>::NotBonded)?;
		let Role::ExecutionNode(class) = bond.role else {
			return Err(Error::<T>::NotExecutionNode.into());
		};
		ensure!(capabilities.compute_class == class, Error::<T>::ComputeClassMismatch);
		ensure!(
			verify_receipt_key_proof(receipt_key, proof, who, Self::genesis_hash()),
			Error::<T>::BadReceiptKeyProof
		);
		if let Some(owner) = ReceiptKeys::<T>::get(receipt_key) {
			ensure!(&owner == who, Error::<T>::ReceiptKeyInUse);
		}
		Ok(NodeInfo::<T>::get(who))
	}

	/// Writes of [`Pallet::register_node`]: replace the key index entry and the record. A first
	/// registration counts as a heartbeat; a re-registration keeps the last heartbeat and
	/// metrics.
	pub(crate) fn do_register_node(
		who: &T::AccountId,
		receipt_key: sr25519::Public,
		capabilities: CapabilitiesOf<T>,
		previous: Option<NodeRecord<T>>,
	) {
		let now = frame_system::Pallet::<T>::block_number();
		let (last_heartbeat, last_metrics) = match previous {
			Some(old) => {
				if old.receipt_key != receipt_key {
					ReceiptKeys::<T>::remove(old.receipt_key);
				}
				(old.last_heartbeat, old.last_metrics)
			}
			None => (now, None),
		};
		ReceiptKeys::<T>::insert(receipt_key, who.clone());
		NodeInfo::<T>::insert(
			who,
			NodeRecord::<T> { receipt_key, capabilities, last_heartbeat, last_metrics },
		);
	}

	/// Checks for [`Pallet::heartbeat`]. Returns the node's record and whether it is
	/// quarantined now.
	pub(crate) fn ensure_can_heartbeat(
		who: &T::AccountId,
	) -> Result<(NodeRecord<T>, bool), Error<T>> {
		let node = NodeInfo::<T>::get(who).ok_or(Error::<T>::NodeNotRegistered)?;
		let quarantined = Self::is_quarantined_at(&node, frame_system::Pallet::<T>::block_number());
		Ok((node, quarantined))
	}

	/// Writes of [`Pallet::heartbeat`]: record the quarantine with the reputation pallet if
	/// there was one, store the heartbeat. Returns the current block.
	pub(crate) fn do_heartbeat(
		who: &T::AccountId,
		mut node: NodeRecord<T>,
		metrics: Option<GpuMetrics>,
		quarantined: bool,
	) -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		if quarantined {
			T::Reputation::record(who, Outcome::Quarantined);
		}
		node.last_heartbeat = now;
		node.last_metrics = metrics;
		NodeInfo::<T>::insert(who, node);
		now
	}
}
