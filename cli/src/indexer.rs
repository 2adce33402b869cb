//! The orchestrator's REST API (`GET /v1/jobs/{id}`, `GET /v1/workflows/{id}`): optional extra
//! detail next to what the chain says. The orchestrator may be down or behind; the CLI then
//! shows the chain's view and says why the indexed one is missing.

use havn_client::amount::display_hai;
use serde_json::Value;
use std::time::Duration;

/// How long to wait for the orchestrator.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What the orchestrator said.
#[derive(Debug)]
pub enum Indexed {
	/// 2xx with a JSON body.
	Found(Value),
	/// 404: not indexed (yet).
	NotFound,
	/// No answer, or an error status.
	Unavailable(String),
}

impl Indexed {
	/// The body for `--json` (`null` unless found).
	pub fn json(&self) -> Value {
		match self {
			Self::Found(v) => v.clone(),
			_ => Value::Null,
		}
	}

	/// Why there is no body, for `--json` (`null` when found).
	pub fn note(&self) -> Value {
		match self {
			Self::Found(_) => Value::Null,
			Self::NotFound => "not indexed yet".into(),
			Self::Unavailable(why) => why.clone().into(),
		}
	}
}

/// `GET {base}{path}`.
pub async fn get(base: &str, path: &str) -> Indexed {
	let url = format!("{}{path}", base.trim_end_matches('/'));
	let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
		Ok(c) => c,
		Err(e) => return Indexed::Unavailable(format!("HTTP client: {e}")),
	};
	let response = match client.get(&url).send().await {
		Ok(r) => r,
		Err(e) => return Indexed::Unavailable(format!("not reachable at {base}: {e}")),
	};
	let status = response.status();
	if status == reqwest::StatusCode::NOT_FOUND {
		return Indexed::NotFound;
	}
	if !status.is_success() {
		return Indexed::Unavailable(format!("GET {url}: HTTP {status}"));
	}
	match response.json::<Value>().await {
		Ok(v) => Indexed::Found(v),
		Err(e) => Indexed::Unavailable(format!("GET {url}: not JSON: {e}")),
	}
}

/// The lists of an indexed record (`receipts`, `attestations`, `payouts`, …) for people: each
/// element on one line as `key=value` pairs of its plain fields, sorted by key; planck amounts (`amount`,
/// `fee`, …: decimal strings) also in HAI.
pub fn lists_text(body: &Value, keys: &[&str]) -> String {
	let mut out = String::new();
	for key in keys {
		let Some(items) = body.get(*key).and_then(Value::as_array) else { continue };
		out.push_str(&format!("  {key} ({})\n", items.len()));
		for item in items {
			out.push_str(&format!("    {}\n", item_text(item)));
		}
	}
	out
}

fn item_text(item: &Value) -> String {
	let Some(object) = item.as_object() else { return item.to_string() };
	let mut parts = Vec::new();
	for (k, v) in object {
		let text = match v {
			Value::String(s) if is_amount_key(k) && s.bytes().all(|b| b.is_ascii_digit()) => {
				match s.parse::<u128>() {
					Ok(planck) => display_hai(planck),
					Err(_) => s.clone(),
				}
			}
			Value::String(s) => s.clone(),
			Value::Number(n) => n.to_string(),
			Value::Bool(b) => b.to_string(),
			Value::Null | Value::Array(_) | Value::Object(_) => continue,
		};
		parts.push(format!("{k}={text}"));
	}
	// Sorted, so the line does not depend on the server's field order.
	parts.sort();
	parts.join(" ")
}

fn is_amount_key(key: &str) -> bool {
	["amount", "fee", "earned", "paid", "bond", "balance", "total"]
		.iter()
		.any(|word| key.contains(word))
}

/// Every distinct `outputs_cid` in the body's `receipts`.
pub fn outputs_cids(body: &Value) -> Vec<String> {
	let mut cids: Vec<String> = Vec::new();
	let receipts = body.get("receipts").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
	for r in receipts {
		if let Some(cid) = r.get("outputs_cid").and_then(Value::as_str) {
			if !cids.iter().any(|c| c == cid) {
				cids.push(cid.to_string());
			}
		}
	}
	cids
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn lists_render_plain_fields_and_amounts() {
		let body = json!({
			"job_id": 3,
			"receipts": [{ "node": "5Node", "outputs_cid": "bafk1", "latency_ms": 12, "extra": {} }],
			"payouts": [
				{ "payee": "5Creator", "role": "creator", "amount": "4500000000000" },
				{ "payee": "5Treasury", "role": "treasury", "amount": "500000000000" }
			]
		});
		let text = lists_text(&body, &["receipts", "attestations", "payouts"]);
		assert!(
			text.contains("  receipts (1)\n    latency_ms=12 node=5Node outputs_cid=bafk1\n"),
			"{text}"
		);
		assert!(!text.contains("attestations"), "{text}");
		assert!(text.contains("amount=4.5 HAI payee=5Creator role=creator"), "{text}");
		assert!(text.contains("amount=0.5 HAI"), "{text}");
	}

	#[test]
	fn distinct_outputs_cids() {
		let body = json!({ "receipts": [
			{ "outputs_cid": "bafkA" }, { "outputs_cid": "bafkA" }, { "outputs_cid": "bafkB" }, {}
		]});
		assert_eq!(outputs_cids(&body), vec!["bafkA".to_string(), "bafkB".to_string()]);
		assert!(outputs_cids(&json!({})).is_empty());
	}

	#[tokio::test]
	async fn unreachable_orchestrator_is_reported_not_fatal() {
		// Port 9 (discard) on localhost: nothing listens there in tests.
		let got = get("http://127.0.0.1:9", "/v1/jobs/1").await;
		assert!(matches!(got, Indexed::Unavailable(_)), "{got:?}");
		assert!(got.json().is_null());
		assert!(got.note().as_str().is_some());
	}
}
