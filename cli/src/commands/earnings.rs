//! `havn earnings WORKFLOW|ACCOUNT`: what a workflow or an account has earned.
//!
//! A number is a workflow id: `HavnApi::workflow_earnings` (settled runs, total fees, what the
//! creator earned, what went upstream, what the creator earned as a dependency), plus the
//! orchestrator's `GET /v1/workflows/{id}` when it answers. Anything else is an account (SS58 or
//! `0x` + 64 hex digits, or `me` for the signer): `HavnApi::account` (role, bond, reputation and level, total earned) and
//! its free balance.

use crate::{
	chain::Chain,
	cli::EarningsArgs,
	failure::{Failure, EXIT_ERROR},
	indexer::{self, Indexed},
	render::{earnings_json, earnings_text, standing_json, standing_text},
	Ctx, Report,
};
use anyhow::Result;
use havn_client::{api, keys, AccountId};
use havn_primitives::{
	api::{AccountStanding, WorkflowEarnings},
	Balance, WorkflowId,
};
use serde_json::json;

/// What `havn earnings` was asked about.
#[derive(Debug, PartialEq)]
pub enum Target {
	/// A workflow, by id.
	Workflow(WorkflowId),
	/// An account.
	Account(AccountId),
}

/// A number is a workflow id; anything else must be an account.
pub fn parse_target(text: &str) -> Result<Target, Failure> {
	let text = text.trim();
	if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
		return text
			.parse()
			.map(Target::Workflow)
			.map_err(|_| Failure::bad_input(format!("workflow id `{text}` is too large")));
	}
	keys::parse_account(text).map(Target::Account).map_err(|_| {
		Failure::bad_input(format!(
			"`{text}` is neither a workflow id nor an account (SS58 or 0x + 64 hex digits)"
		))
	})
}

/// Run `havn earnings`.
pub async fn run(ctx: &Ctx, args: EarningsArgs) -> Result<Report> {
	let target = if args.target == "me" {
		Target::Account(keys::account_of(&crate::chain::signer(&ctx.opts)?))
	} else {
		parse_target(&args.target)?
	};
	let chain = Chain::connect(&ctx.opts).await?;
	match target {
		Target::Workflow(id) => workflow(ctx, &chain, id).await,
		Target::Account(who) => account(&chain, who).await,
	}
}

async fn workflow(ctx: &Ctx, chain: &Chain, id: WorkflowId) -> Result<Report> {
	let earnings = chain.runtime_call(api::runtime_apis().havn_api().workflow_earnings(id)).await?;
	let earnings: WorkflowEarnings<Balance> = earnings.map(|e| e.0).ok_or_else(|| Failure {
		code: EXIT_ERROR,
		message: format!("no workflow {id} on this chain"),
		details: json!({ "workflow_id": id }),
	})?;
	let indexed = indexer::get(&ctx.opts.orchestrator, &format!("/v1/workflows/{id}")).await;
	let mut json = earnings_json(id, &earnings);
	crate::set(&mut json, "indexed", indexed.json());
	if !matches!(indexed, Indexed::Found(_)) {
		crate::set(&mut json, "indexed_note", indexed.note());
	}
	let mut text = earnings_text(id, &earnings);
	match &indexed {
		Indexed::Found(body) => {
			text.push_str("indexed by the orchestrator\n");
			text.push_str(&indexer::lists_text(body, &["versions", "runs", "jobs"]));
		}
		Indexed::NotFound => text.push_str("orchestrator: not indexed yet\n"),
		Indexed::Unavailable(why) => text.push_str(&format!("orchestrator: {why}\n")),
	}
	Ok(Report::ok(json, text))
}

async fn account(chain: &Chain, who: AccountId) -> Result<Report> {
	let standing = chain.runtime_call(api::runtime_apis().havn_api().account(who)).await?;
	let standing: AccountStanding<Balance> = standing.0;
	let free = chain.free_balance(&who).await?;
	Ok(Report::ok(standing_json(&who, &standing, free), standing_text(&who, &standing, free)))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::failure::EXIT_BAD_INPUT;

	#[test]
	fn targets() {
		assert_eq!(parse_target("12").unwrap(), Target::Workflow(12));
		assert_eq!(parse_target(" 0 ").unwrap(), Target::Workflow(0));
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let Target::Account(id) = parse_target(alice).unwrap() else { panic!("not an account") };
		assert_eq!(keys::ss58(&id), alice);
		let hex = format!("0x{}", "11".repeat(32));
		assert_eq!(parse_target(&hex).unwrap(), Target::Account(AccountId::from([0x11; 32])));
		assert_eq!(parse_target("18446744073709551616").unwrap_err().code, EXIT_BAD_INPUT);
		assert_eq!(parse_target("alice").unwrap_err().code, EXIT_BAD_INPUT);
		assert_eq!(parse_target("").unwrap_err().code, EXIT_BAD_INPUT);
	}
}
