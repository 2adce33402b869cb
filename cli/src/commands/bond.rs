//! `havn bond --role node|validator|relay [--class S|M|L|XL] --amount HAI`: `StakeGuard::bond`.
//!
//! The stake is held on the signer's account; it must reach the role's floor (a runtime
//! parameter: S 2,000 / M 5,000 / L 9,000 / XL 18,000 HAI for nodes, 10,000 HAI for validators,
//! 1,000 HAI for relays by default). An execution node also registers its receipt key, which the
//! `havn-exec` daemon does when it starts.

use crate::{
	chain::{self, Chain},
	cli::{BondArgs, RoleArg},
	failure::Failure,
	render::{role_json, role_text},
	Ctx, Report,
};
use anyhow::Result;
use havn_client::amount::{amount_json, display_hai};
use havn_client::{api, keys, Static};
use havn_primitives::{ComputeClass, Role};
use serde_json::json;

/// Run `havn bond`.
pub async fn run(ctx: &Ctx, args: BondArgs) -> Result<Report> {
	let role = role_of(args.role, args.class)?;
	let signer = chain::signer(&ctx.opts)?;
	let chain = Chain::connect(&ctx.opts).await?;
	let call = api::tx().stake_guard().bond(Static(role), args.amount);
	let included = chain.submit(&call, &signer).await?;
	let bonded: api::stake_guard::events::Bonded = chain::event(&included, "StakeGuard.Bonded")?;
	let role: Role = *bonded.role;
	let who = keys::ss58(&bonded.who);
	Ok(Report::ok(
		json!({
			"account": who,
			"role": role_json(Some(role)),
			"amount": amount_json(bonded.amount),
			"block_hash": format!("{:?}", included.block_hash),
		}),
		format!("{who} bonded {} as {}\n", display_hai(bonded.amount), role_text(Some(role))),
	))
}

/// The chain role of `--role` and `--class`: a node needs a class, the other roles take none.
pub fn role_of(role: RoleArg, class: Option<ComputeClass>) -> Result<Role, Failure> {
	match (role, class) {
		(RoleArg::Node, Some(class)) => Ok(Role::ExecutionNode(class)),
		(RoleArg::Node, None) => Err(Failure::bad_input("--role node needs --class S|M|L|XL")),
		(RoleArg::Validator, None) => Ok(Role::Validator),
		(RoleArg::Relay, None) => Ok(Role::Relay),
		(RoleArg::Validator | RoleArg::Relay, Some(_)) => {
			Err(Failure::bad_input("--class applies to --role node only"))
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::failure::EXIT_BAD_INPUT;

	#[test]
	fn roles() {
		assert_eq!(
			role_of(RoleArg::Node, Some(ComputeClass::L)).unwrap(),
			Role::ExecutionNode(ComputeClass::L)
		);
		assert_eq!(role_of(RoleArg::Validator, None).unwrap(), Role::Validator);
		assert_eq!(role_of(RoleArg::Relay, None).unwrap(), Role::Relay);
		assert_eq!(role_of(RoleArg::Node, None).unwrap_err().code, EXIT_BAD_INPUT);
		assert_eq!(
			role_of(RoleArg::Relay, Some(ComputeClass::S)).unwrap_err().code,
			EXIT_BAD_INPUT
		);
	}
}
