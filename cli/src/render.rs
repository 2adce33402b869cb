//! Text and JSON renderings of the runtime API's records.
//!
//! JSON conventions: accounts are SS58 (prefix 42), amounts are `{"hai", "planck"}` strings
//! ([`havn_client::amount::amount_json`]), phases and classes are lowercase / upper-case names
//! (`"finalized"`, `"S"`), shares are parts per million plus a percent string.

use havn_client::amount::{amount_json, display_hai};
use havn_client::{keys::ss58, AccountId};
use havn_primitives::{
	api::{AccountStanding, FeeQuote, JobPhase, JobView, QuoteError, WorkflowEarnings},
	Balance, BlockNumber, Role,
};
use serde_json::{json, Value};

/// A job as `HavnApi::job` returns it.
pub type Job = JobView<AccountId, Balance, BlockNumber>;

/// A phase's name for people: `Finalized` (its snake_case name, capitalised).
pub fn title(phase: JobPhase) -> String {
	let name: &'static str = phase.into();
	let mut chars = name.chars();
	chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// A share in parts per million as a percent string: `45%`, `12.5%`, `0.0001%`.
pub fn percent(parts_per_million: u32) -> String {
	let whole = parts_per_million / 10_000;
	let fraction = parts_per_million % 10_000;
	if fraction == 0 {
		format!("{whole}%")
	} else {
		let fraction = format!("{fraction:04}");
		format!("{whole}.{}%", fraction.trim_end_matches('0'))
	}
}

/// The role of a bond: `node (class M)`, `validator`, `relay`.
pub fn role_text(role: Option<Role>) -> String {
	match role {
		None => "none".into(),
		Some(Role::ExecutionNode(class)) => {
			format!("execution node (class {})", <&str>::from(class))
		}
		Some(Role::Validator) => "validator".into(),
		Some(Role::Relay) => "relay".into(),
	}
}

/// The role of a bond as JSON: `null`, `{"role": "node", "class": "M"}`, `{"role": "validator"}`.
pub fn role_json(role: Option<Role>) -> Value {
	match role {
		None => Value::Null,
		Some(Role::ExecutionNode(class)) => json!({ "role": "node", "class": <&str>::from(class) }),
		Some(Role::Validator) => json!({ "role": "validator" }),
		Some(Role::Relay) => json!({ "role": "relay" }),
	}
}

/// Why the runtime gave no quote, for people.
pub fn quote_error_text(e: QuoteError) -> &'static str {
	match e {
		QuoteError::UnknownWorkflow => "no workflow has this id",
		QuoteError::NotInvocable => "the workflow is flagged or deprecated: it cannot be run",
		QuoteError::ClassTooSmall => "the compute class is smaller than the workflow needs",
		QuoteError::BadRedundancy => "the redundancy is outside 1..=the runtime's maximum",
		QuoteError::Overflow => "the fee overflows",
	}
}

/// A fee multiplier of `times` whole times plus `parts_per_million`: `1`, `2.5`.
pub fn multiplier_text(times: u32, parts_per_million: u32) -> String {
	if parts_per_million == 0 {
		return times.to_string();
	}
	let fraction = format!("{parts_per_million:06}");
	format!("{times}.{}", fraction.trim_end_matches('0'))
}

/// A fee quote as JSON.
pub fn quote_json(q: &FeeQuote<Balance>) -> Value {
	json!({
		"base_fee": amount_json(q.base_fee),
		"class_multiplier": multiplier_text(q.class_multiplier_times, q.class_multiplier.deconstruct()),
		"redundancy": q.redundancy,
		"total": amount_json(q.total),
	})
}

/// A job as JSON.
pub fn job_json(job: &Job) -> Value {
	json!({
		"job_id": job.job_id,
		"workflow_id": job.workflow_id,
		"payer": ss58(&job.payer),
		"fee": amount_json(job.fee),
		"phase": <&str>::from(job.phase),
		"nodes": job.nodes.iter().map(ss58).collect::<Vec<_>>(),
		"committee": job.committee.iter().map(ss58).collect::<Vec<_>>(),
		"sampled": job.sampled,
		"verdicts": { "valid": job.verdicts.0, "invalid": job.verdicts.1 },
		"timeline": job
			.timeline
			.iter()
			.map(|(phase, block)| json!({ "phase": <&str>::from(*phase), "block": block }))
			.collect::<Vec<_>>(),
		"deadline_block": job.deadline,
	})
}

/// A job for people, one field per line.
pub fn job_text(job: &Job) -> String {
	let mut out =
		format!("job {} (workflow {}): {}\n", job.job_id, job.workflow_id, title(job.phase));
	out.push_str(&format!("  payer      {}\n", ss58(&job.payer)));
	out.push_str(&format!("  fee        {} ({} planck)\n", display_hai(job.fee), job.fee));
	out.push_str(&format!("  deadline   block {}\n", job.deadline));
	out.push_str("  timeline\n");
	for (phase, block) in &job.timeline {
		out.push_str(&format!("    {:<11}block {block}\n", title(*phase)));
	}
	out.push_str(&format!("  nodes      {}\n", accounts_text(&job.nodes)));
	out.push_str(&format!("  committee  {}\n", accounts_text(&job.committee)));
	out.push_str(&format!(
		"  sampled    {}\n",
		if job.sampled { "yes (re-executed by validators)" } else { "no" }
	));
	out.push_str(&format!("  verdicts   {} valid, {} invalid\n", job.verdicts.0, job.verdicts.1));
	out
}

fn accounts_text(accounts: &[AccountId]) -> String {
	if accounts.is_empty() {
		"-".into()
	} else {
		accounts.iter().map(ss58).collect::<Vec<_>>().join(", ")
	}
}

/// One progress line of `submit`: a phase the job reached, with its block and what is known
/// then (nodes once assigned, committee once attesting, verdicts once decided).
pub fn progress_line(job: &Job, phase: JobPhase, block: BlockNumber) -> String {
	let detail = match phase {
		JobPhase::Submitted => format!("fee {} escrowed", display_hai(job.fee)),
		JobPhase::Assigned => format!("nodes {}", accounts_text(&job.nodes)),
		JobPhase::Attesting => format!(
			"committee of {}{}",
			job.committee.len(),
			if job.sampled { ", sampled for re-execution" } else { "" }
		),
		JobPhase::Finalized => format!(
			"paid {}; verdicts {} valid, {} invalid",
			display_hai(job.fee),
			job.verdicts.0,
			job.verdicts.1
		),
		JobPhase::Rejected => format!(
			"escrow refunded; verdicts {} valid, {} invalid",
			job.verdicts.0, job.verdicts.1
		),
		JobPhase::Expired => "deadline passed, escrow refunded".into(),
		JobPhase::Challenged => "challenged: a fresh committee is adjudicating".into(),
	};
	format!("{:<10} block {block:<8} {detail}", title(phase))
}

/// A workflow's earnings as JSON.
pub fn earnings_json(workflow_id: u64, e: &WorkflowEarnings<Balance>) -> Value {
	json!({
		"workflow_id": workflow_id,
		"runs": e.runs,
		"total_fees": amount_json(e.total_fees),
		"creator_earned": amount_json(e.creator_earned),
		"upstream_paid": amount_json(e.upstream_paid),
		"earned_as_upstream": amount_json(e.earned_as_upstream),
	})
}

/// A workflow's earnings for people.
pub fn earnings_text(workflow_id: u64, e: &WorkflowEarnings<Balance>) -> String {
	format!(
		"workflow {workflow_id}: {} settled run{}, {} in fees\n  creator earned      {}\n  paid upstream       {}\n  earned as upstream  {}\n",
		e.runs,
		if e.runs == 1 { "" } else { "s" },
		display_hai(e.total_fees),
		display_hai(e.creator_earned),
		display_hai(e.upstream_paid),
		display_hai(e.earned_as_upstream),
	)
}

/// An account's standing and free balance as JSON.
pub fn standing_json(who: &AccountId, s: &AccountStanding<Balance>, free: Balance) -> Value {
	json!({
		"account": ss58(who),
		"free_balance": amount_json(free),
		"role": role_json(s.role),
		"bonded": amount_json(s.bonded),
		"unbonding": amount_json(s.unbonding),
		"quarantined": s.quarantined,
		"reputation": {
			"ppm": s.reputation.deconstruct(),
			"percent": percent(s.reputation.deconstruct()),
		},
		"level": <&str>::from(s.level),
		"earned": amount_json(s.earned),
	})
}

/// An account's standing and free balance for people.
pub fn standing_text(who: &AccountId, s: &AccountStanding<Balance>, free: Balance) -> String {
	let mut out = format!("account {}\n", ss58(who));
	out.push_str(&format!("  free balance  {}\n", display_hai(free)));
	out.push_str(&format!("  role          {}\n", role_text(s.role)));
	out.push_str(&format!("  bonded        {}\n", display_hai(s.bonded)));
	if s.unbonding > 0 {
		out.push_str(&format!("  unbonding     {}\n", display_hai(s.unbonding)));
	}
	if s.quarantined {
		out.push_str("  quarantined   yes (missed heartbeats)\n");
	}
	out.push_str(&format!(
		"  reputation    {} ({})\n",
		percent(s.reputation.deconstruct()),
		<&str>::from(s.level)
	));
	out.push_str(&format!("  earned        {}\n", display_hai(s.earned)));
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use havn_primitives::{ComputeClass, HAI};

	fn job() -> Job {
		let node = AccountId::from([1u8; 32]);
		let validator = AccountId::from([2u8; 32]);
		JobView {
			job_id: 4,
			workflow_id: 2,
			payer: AccountId::from([9u8; 32]),
			fee: 10 * HAI + HAI / 2,
			phase: JobPhase::Finalized,
			nodes: vec![node],
			committee: vec![validator, validator],
			sampled: true,
			verdicts: (2, 0),
			timeline: vec![
				(JobPhase::Submitted, 10),
				(JobPhase::Assigned, 11),
				(JobPhase::Attesting, 14),
				(JobPhase::Finalized, 16),
			],
			deadline: 110,
		}
	}

	#[test]
	fn job_renders_as_json() {
		let v = job_json(&job());
		assert_eq!(v["phase"], "finalized");
		assert_eq!(v["fee"], json!({ "hai": "10.5", "planck": "10500000000000" }));
		assert_eq!(v["nodes"][0], ss58(&AccountId::from([1u8; 32])));
		assert_eq!(v["committee"].as_array().map(Vec::len), Some(2));
		assert_eq!(v["verdicts"], json!({ "valid": 2, "invalid": 0 }));
		assert_eq!(v["timeline"][2], json!({ "phase": "attesting", "block": 14 }));
		assert_eq!(v["deadline_block"], 110);
	}

	#[test]
	fn job_renders_as_text() {
		let text = job_text(&job());
		assert!(text.starts_with("job 4 (workflow 2): Finalized\n"), "{text}");
		assert!(text.contains("10.5 HAI (10500000000000 planck)"), "{text}");
		assert!(text.contains("Attesting  block 14"), "{text}");
		assert!(text.contains("2 valid, 0 invalid"), "{text}");
	}

	#[test]
	fn progress_lines_name_phase_block_and_detail() {
		let j = job();
		let line = progress_line(&j, JobPhase::Attesting, 14);
		assert!(line.starts_with("Attesting  block 14"), "{line}");
		assert!(line.ends_with("committee of 2, sampled for re-execution"), "{line}");
		assert!(progress_line(&j, JobPhase::Finalized, 16).contains("paid 10.5 HAI"));
		assert!(progress_line(&j, JobPhase::Expired, 110).contains("refunded"));
	}

	#[test]
	fn final_phases() {
		// `submit` stops following a job in a closed phase.
		assert!(JobPhase::Finalized.is_closed());
		assert!(JobPhase::Rejected.is_closed());
		assert!(JobPhase::Expired.is_closed());
		for p in
			[JobPhase::Submitted, JobPhase::Assigned, JobPhase::Attesting, JobPhase::Challenged]
		{
			assert!(!p.is_closed(), "{p:?}");
		}
		assert_eq!(title(JobPhase::Finalized), "Finalized");
	}

	#[test]
	fn percents_and_roles() {
		assert_eq!(percent(450_000), "45%");
		assert_eq!(percent(125_000), "12.5%");
		assert_eq!(percent(1), "0.0001%");
		assert_eq!(percent(1_000_000), "100%");
		assert_eq!(multiplier_text(2, 0), "2");
		assert_eq!(multiplier_text(1, 500_000), "1.5");
		assert_eq!(
			role_json(Some(Role::ExecutionNode(ComputeClass::XL))),
			json!({ "role": "node", "class": "XL" })
		);
		assert_eq!(role_json(None), Value::Null);
		assert_eq!(role_text(Some(Role::Relay)), "relay");
	}

	#[test]
	fn earnings_render() {
		let e = WorkflowEarnings {
			runs: 3,
			total_fees: 30 * HAI,
			creator_earned: 13 * HAI + HAI / 2,
			upstream_paid: 6 * HAI,
			earned_as_upstream: HAI,
		};
		let v = earnings_json(7, &e);
		assert_eq!(v["runs"], 3);
		assert_eq!(v["creator_earned"]["hai"], "13.5");
		let t = earnings_text(7, &e);
		assert!(t.starts_with("workflow 7: 3 settled runs, 30 HAI in fees\n"), "{t}");
		assert!(t.contains("creator earned      13.5 HAI"), "{t}");
	}
}
