//! Storage records and event types of the PayoutRouter.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use havn_primitives::{api::WorkflowEarnings, Balance, FeeShares, WorkflowId};
use scale_info::TypeInfo;

/// The record of a paid job, kept in `Settled` so that a job is paid exactly once.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct SettlementRecord<BlockNumber> {
	/// Block in which the fee was paid out.
	pub block: BlockNumber,
	/// The job's workflow.
	pub workflow_id: WorkflowId,
	/// The escrowed fee that was split, in planck.
	pub fee: Balance,
	/// What was actually paid per role, in planck (see [`crate::Pallet`]'s docs on how
	/// remainders and redirected payments are counted). `shares.total() == fee`.
	pub shares: FeeShares,
}

/// Whom a single payment went to, as reported in `Event::FeePaid`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum PayeeRole {
	/// The workflow's creator (current owner): the creator share, plus the upstream share when
	/// the workflow has no dependencies.
	Creator,
	/// The creator of one of the workflow's dependencies, by dependency weight.
	Upstream,
	/// An execution node whose receipt was accepted, in equal parts.
	Node,
	/// A validator whose verdict matched the quorum, in equal parts.
	Validator,
	/// The treasury: its share, every rounding remainder, the shares of empty node or validator
	/// sets and every payment that could not be credited to its payee.
	Treasury,
}

/// Running earnings of a workflow, kept in `WorkflowStats`. The storage form of
/// [`WorkflowEarnings`] (which the runtime API returns).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct WorkflowStatsRecord {
	/// Settled runs of this workflow.
	pub runs: u64,
	/// Fees paid for those runs, in planck.
	pub total_fees: Balance,
	/// Of which paid to its creator(s), in planck.
	pub creator_earned: Balance,
	/// Of which paid upstream to the creators of its dependencies, in planck.
	pub upstream_paid: Balance,
	/// Royalties paid to this workflow's creator(s) because other workflows that depend on it
	/// ran, in planck.
	pub earned_as_upstream: Balance,
}

impl From<WorkflowStatsRecord> for WorkflowEarnings<Balance> {
	fn from(r: WorkflowStatsRecord) -> Self {
		WorkflowEarnings {
			runs: r.runs,
			total_fees: r.total_fees,
			creator_earned: r.creator_earned,
			upstream_paid: r.upstream_paid,
			earned_as_upstream: r.earned_as_upstream,
		}
	}
}
