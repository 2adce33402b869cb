//! `havn faucet [ACCOUNT]`: the unsigned `Faucet::claim(dest)`.
//!
//! The claim is a bare extrinsic, so an account without any HAI can claim for itself. The
//! transaction pool refuses a claim that would fail (faucet off, already paid this period, pot
//! empty); those refusals, and the same errors at dispatch, are reported in words.

use crate::{
	chain::{self, Chain},
	cli::FaucetArgs,
	failure::{Failure, EXIT_ERROR},
	Ctx, Report,
};
use anyhow::Result;
use havn_client::amount::{amount_json, display_hai};
use havn_client::{api, keys, ClientError};
use serde_json::json;

/// Run `havn faucet`.
pub async fn run(ctx: &Ctx, args: FaucetArgs) -> Result<Report> {
	let dest = match &args.account {
		Some(text) => chain::parse_account(text)?,
		None => keys::account_of(&chain::signer(&ctx.opts)?),
	};
	let chain = Chain::connect(&ctx.opts).await?;
	let call = api::tx().faucet().claim(dest);
	let included = match chain.submit_unsigned(&call).await {
		Ok(included) => included,
		Err(e) => return Err(refusal(&chain, &keys::ss58(&dest), e).await),
	};
	let dripped: api::faucet::events::Dripped = chain::event(&included, "Faucet.Dripped")?;
	// The balance right after the claim, at the block that included it.
	let at = chain.client().online().at_block(included.block_hash).await?;
	let free = chain::free_balance_at(&at, &dest).await?;
	let who = keys::ss58(&dest);
	Ok(Report::ok(
		json!({
			"account": who,
			"drip": amount_json(dripped.amount),
			"free_balance": amount_json(free),
			"block_hash": format!("{:?}", included.block_hash),
		}),
		format!(
			"faucet paid {} to {who}\n  free balance  {}\n",
			display_hai(dripped.amount),
			display_hai(free)
		),
	))
}

/// A refused claim, explained.
async fn refusal(chain: &Chain, who: &str, e: ClientError) -> anyhow::Error {
	let raw = e.to_string();
	match refusal_reason(&raw) {
		Some(reason) => Failure {
			code: EXIT_ERROR,
			message: format!("the faucet refused {who}: {reason}"),
			details: json!({ "reason": reason, "node_said": raw }),
		}
		.into(),
		None => chain.explain(e).await,
	}
}

/// The reason behind a faucet refusal, from the pool's `InvalidTransaction` (custom codes 1–4 of
/// `pallet-faucet`, or `ExhaustsResources`) or the dispatch error's name.
pub fn refusal_reason(text: &str) -> Option<&'static str> {
	const DISABLED: &str = "the faucet is switched off on this chain";
	const RATE_LIMITED: &str = "this account was already paid in the current faucet period \
		(FaucetPeriod blocks; 1 day by default); claim again in the next period";
	const DRY: &str = "the faucet pot cannot pay the drip";
	const CANNOT_RECEIVE: &str = "the account cannot receive the drip";
	const FULL: &str =
		"this block already holds the most faucet claims; try again in a few seconds";
	const REPEATED: &str = "the same claim was just submitted (it is in the pool or was just \
		included); an account is paid once per faucet period";

	// The pool says `Invalid transaction with custom error: 2` (transaction API v2) or
	// `Custom error: 2` (legacy author API).
	let lower = text.to_ascii_lowercase();
	let custom_code = lower.split("custom error: ").nth(1).and_then(|rest| {
		let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
		digits.parse::<u8>().ok()
	});
	match custom_code {
		Some(1) => return Some(DISABLED),
		Some(2) => return Some(RATE_LIMITED),
		Some(3) => return Some(DRY),
		Some(4) => return Some(CANNOT_RECEIVE),
		_ => {}
	}
	let named = [
		("Faucet::FaucetDisabled", DISABLED),
		("Faucet::RateLimited", RATE_LIMITED),
		("Faucet::FaucetDry", DRY),
		("Faucet::CannotReceiveDrip", CANNOT_RECEIVE),
		("Faucet::TooManyClaimsInBlock", FULL),
		("exhaust the block limits", FULL),
		("ExhaustsResources", FULL),
		("already imported", REPEATED),
		("Already Imported", REPEATED),
		("temporarily banned", REPEATED),
	];
	named.iter().find(|(needle, _)| text.contains(needle)).map(|(_, reason)| *reason)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pool_and_dispatch_refusals_read_as_words() {
		let pool = "extrinsic Faucet.claim was not included: RPC error: ErrorObject { code: \
			ServerError(1010), message: \"Invalid Transaction\", data: Some(RawValue(\"Custom error: 2\")) }";
		assert!(refusal_reason(pool).unwrap().contains("already paid"));
		let v2 =
			"extrinsic Faucet.claim was not included: Invalid transaction with custom error: 2";
		assert!(refusal_reason(v2).unwrap().contains("already paid"));
		assert!(refusal_reason("Custom error: 1").unwrap().contains("switched off"));
		assert!(refusal_reason("Custom error: 3").unwrap().contains("pot"));
		assert!(refusal_reason("Custom error: 4").unwrap().contains("cannot receive"));
		assert_eq!(refusal_reason("Custom error: 12"), None);
		assert!(refusal_reason("extrinsic Faucet.claim failed: Faucet::RateLimited")
			.unwrap()
			.contains("already paid"));
		assert!(refusal_reason("Transaction would exhaust the block limits")
			.unwrap()
			.contains("try again"));
		assert!(refusal_reason("Transaction is already imported").unwrap().contains("same claim"));
		assert_eq!(refusal_reason("connection reset"), None);
	}
}
