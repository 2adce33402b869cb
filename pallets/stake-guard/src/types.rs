//! Storage records and call arguments of the StakeGuard pallet.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use havn_primitives::{ComputeClass, Role};
use scale_info::TypeInfo;
use sp_core::sr25519;

/// GPU telemetry a node may attach to a heartbeat. Informational: nothing on-chain depends on it.
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct GpuMetrics {
	/// GPU utilisation, in percent (0..=100).
	pub utilization_percent: u8,
	/// GPU memory in use, in MiB.
	pub memory_used_mib: u32,
	/// Power draw, in milliwatts.
	pub power_milliwatts: u32,
	/// GPU temperature, in degrees Celsius.
	pub temperature_c: u8,
}

/// What an execution node declares it can run, set by `register_node`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[codec(mel_bound())]
#[scale_info(skip_type_params(MaxGpuModelLen, MaxModels, MaxModelIdLen))]
pub struct Capabilities<MaxGpuModelLen: Get<u32>, MaxModels: Get<u32>, MaxModelIdLen: Get<u32>> {
	/// Compute class; must equal the class the node bonded for.
	pub compute_class: ComputeClass,
	/// GPU model name, UTF-8 (for example `NVIDIA H100 80GB`); empty for CPU nodes.
	pub gpu_model: BoundedVec<u8, MaxGpuModelLen>,
	/// GPU memory, in GiB (0 for CPU nodes).
	pub vram_gib: u32,
	/// Ids of the models the node has locally and can serve, UTF-8.
	pub models: BoundedVec<BoundedVec<u8, MaxModelIdLen>, MaxModels>,
}

/// The capabilities type of a runtime.
pub type CapabilitiesOf<T> = Capabilities<
	<T as Config>::MaxGpuModelLen,
	<T as Config>::MaxModels,
	<T as Config>::MaxModelIdLen,
>;

/// A registered execution node.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[codec(mel_bound(T: Config))]
#[scale_info(skip_type_params(T))]
pub struct NodeRecord<T: Config> {
	/// sr25519 key the node signs execution receipts with.
	pub receipt_key: sr25519::Public,
	/// What the node can run.
	pub capabilities: CapabilitiesOf<T>,
	/// Block of the last heartbeat (or of the first registration).
	pub last_heartbeat: BlockNumberFor<T>,
	/// Telemetry sent with the last heartbeat, if any.
	pub last_metrics: Option<GpuMetrics>,
}

/// Stake on its way out: released by `withdraw_unbonded` from `unlock_at` on.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct UnlockChunk<Balance, BlockNumber> {
	/// Amount, in planck (never zero).
	pub amount: Balance,
	/// First block at which it can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// An account's bond. Both the active and the unbonding part are held under
/// [`crate::HoldReason::Bond`]; this ledger says which part is which.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[codec(mel_bound(T: Config))]
#[scale_info(skip_type_params(T))]
pub struct Bond<T: Config> {
	/// The role bonded for (fixed for the life of the bond).
	pub role: Role,
	/// Active stake, in planck: what counts toward the role's floor.
	pub active: BalanceOf<T>,
	/// Stake unbonding, oldest first; still held and still slashable.
	pub unbonding: BoundedVec<UnlockChunk<BalanceOf<T>, BlockNumberFor<T>>, T::MaxUnbondingChunks>,
	/// Block the bond was created.
	pub since: BlockNumberFor<T>,
}

impl<T: Config> Bond<T> {
	/// Sum of the unbonding chunks, in planck.
	pub fn unbonding_total(&self) -> BalanceOf<T> {
		self.unbonding.iter().fold(BalanceOf::<T>::default(), |sum, chunk| {
			sp_runtime::Saturating::saturating_add(sum, chunk.amount)
		})
	}

	/// Active plus unbonding stake: what is held, in planck.
	pub fn total(&self) -> BalanceOf<T> {
		sp_runtime::Saturating::saturating_add(self.active, self.unbonding_total())
	}

	/// Whether nothing is left, active or unbonding.
	pub fn is_empty(&self) -> bool {
		sp_runtime::traits::Zero::is_zero(&self.active) && self.unbonding.is_empty()
	}
}
