//! Tests of the PayoutRouter, one file per topic.
#![allow(clippy::arithmetic_side_effects)]

mod failures;
mod ledger;
mod proptests;
mod split;

use crate::{mock::*, Event, PayeeRole};
use havn_primitives::{Balance, JobId};

/// `FeePaid` event.
pub(crate) fn paid(
	job_id: JobId,
	payee: AccountId,
	role: PayeeRole,
	amount: Balance,
) -> Event<Test> {
	Event::FeePaid { job_id, payee, role, amount }
}

/// Free balance of `who`.
pub(crate) fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// What is held on [`PAYER`] under [`ESCROW`].
pub(crate) fn escrowed() -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&ESCROW, &PAYER)
}
