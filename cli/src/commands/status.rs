//! `havn status JOB [--outputs]`: a job as the chain and the orchestrator see it.
//!
//! The chain's view is `HavnApi::job` (phase, timeline, nodes, committee, sampling, verdicts,
//! fee). When the orchestrator answers `GET /v1/jobs/{id}`, its body (receipts, attestations,
//! payouts) is shown too, and printed as-is under `"indexed"` with `--json`. `--outputs` reads the
//! outputs CID from the receipts stored on chain (`ExecutionLog::Receipts`), downloads the
//! document from the artifact store, checks it against the CID and prints it (in text mode, long
//! numeric arrays such as embeddings are cut to their first values; `--json` has the whole document).

use crate::{
	chain::Chain,
	cli::StatusArgs,
	failure::{Failure, EXIT_ERROR},
	indexer::{self, Indexed},
	render::{job_json, job_text, Job},
	Ctx, Report,
};
use anyhow::{Context as _, Result};
use havn_client::{api, artifacts::ArtifactClient, keys::ss58};
use serde_json::{json, Value};

/// Run `havn status`.
pub async fn run(ctx: &Ctx, args: StatusArgs) -> Result<Report> {
	let chain = Chain::connect(&ctx.opts).await?;
	let job_id = args.job_id;
	let job = chain.job(job_id).await?.ok_or_else(|| Failure {
		code: EXIT_ERROR,
		message: format!("no job {job_id} on this chain"),
		details: json!({ "job_id": job_id }),
	})?;
	let indexed = indexer::get(&ctx.opts.orchestrator, &format!("/v1/jobs/{job_id}")).await;

	let mut json = job_json(&job);
	crate::set(&mut json, "indexed", indexed.json());
	if !matches!(indexed, Indexed::Found(_)) {
		crate::set(&mut json, "indexed_note", indexed.note());
	}
	let mut text = job_text(&job);
	match &indexed {
		Indexed::Found(body) => {
			text.push_str("indexed by the orchestrator\n");
			text.push_str(&indexer::lists_text(body, &["receipts", "attestations", "payouts"]));
			for cid in indexer::outputs_cids(body) {
				text.push_str(&format!("  outputs CID {cid}\n"));
			}
		}
		Indexed::NotFound => text.push_str("orchestrator: not indexed yet\n"),
		Indexed::Unavailable(why) => text.push_str(&format!("orchestrator: {why}\n")),
	}

	if args.outputs {
		let receipts = receipts(&chain, &job).await?;
		if receipts.is_empty() {
			return Err(Failure {
				code: EXIT_ERROR,
				message: format!("job {job_id} has no receipt yet, so no outputs"),
				details: json!({ "job_id": job_id, "phase": json.get("phase").cloned() }),
			}
			.into());
		}
		let store = ArtifactClient::new(&ctx.opts.orchestrator);
		let mut outputs = Vec::new();
		let mut seen: Vec<String> = Vec::new();
		for (node, cid) in &receipts {
			if seen.contains(cid) {
				continue;
			}
			seen.push(cid.clone());
			let bytes = store
				.download(cid)
				.await
				.with_context(|| format!("downloading the outputs {cid} of node {node}"))?;
			let document = document_json(&bytes);
			text.push_str(&format!(
				"outputs {cid} (node {node}, {} bytes, verified against the CID)\n{}\n",
				bytes.len(),
				document_text(&document)
			));
			outputs.push(
				json!({ "node": node, "cid": cid, "size": bytes.len(), "document": document }),
			);
		}
		crate::set(&mut json, "outputs", outputs);
	}
	Ok(Report::ok(json, text))
}

/// `(node, outputs CID)` of every receipt stored for the job, in node order.
async fn receipts(chain: &Chain, job: &Job) -> Result<Vec<(String, String)>> {
	let at = chain.at_best().await?;
	let mut out = Vec::new();
	for node in &job.nodes {
		let entry = at
			.storage()
			.try_fetch(api::storage().execution_log().receipts(), (job.job_id, *node))
			.await?;
		let Some(entry) = entry else { continue };
		let (receipt, _signature) = entry.decode()?;
		let cid = String::from_utf8(receipt.outputs_cid.to_vec())
			.context("a receipt's outputs CID is not UTF-8")?;
		out.push((ss58(node), cid));
	}
	Ok(out)
}

/// The outputs document: parsed JSON, else text, else a note on its size.
fn document_json(bytes: &[u8]) -> Value {
	if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
		return v;
	}
	match std::str::from_utf8(bytes) {
		Ok(text) => Value::String(text.to_string()),
		Err(_) => json!({ "binary_bytes": bytes.len() }),
	}
}

/// Numbers of a long numeric array (an embedding, say) shown in text mode; `--json` has them all.
const SHOWN_NUMBERS: usize = 6;

/// The outputs document for a reader: text as-is, JSON indented, with each numeric array on one
/// line and a long one cut to its first [`SHOWN_NUMBERS`] values and its length (a 384-dimension
/// embedding is one line, not 384).
fn document_text(document: &Value) -> String {
	match document {
		Value::String(s) => s.clone(),
		other => {
			let mut out = String::new();
			write_value(&mut out, other, 0);
			out
		}
	}
}

fn write_value(out: &mut String, v: &Value, depth: usize) {
	let pad = |d: usize| "  ".repeat(d);
	match v {
		Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_number) => {
			let shown: Vec<String> =
				items.iter().take(SHOWN_NUMBERS).map(ToString::to_string).collect();
			out.push('[');
			out.push_str(&shown.join(", "));
			if items.len() > SHOWN_NUMBERS {
				out.push_str(&format!(", … {} values", items.len()));
			}
			out.push(']');
		}
		Value::Array(items) if !items.is_empty() => {
			out.push_str("[\n");
			for (i, item) in items.iter().enumerate() {
				out.push_str(&pad(depth + 1));
				write_value(out, item, depth + 1);
				out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
			}
			out.push_str(&pad(depth));
			out.push(']');
		}
		Value::Object(fields) if !fields.is_empty() => {
			out.push_str("{\n");
			for (i, (k, item)) in fields.iter().enumerate() {
				out.push_str(&pad(depth + 1));
				out.push_str(&Value::String(k.clone()).to_string());
				out.push_str(": ");
				write_value(out, item, depth + 1);
				out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
			}
			out.push_str(&pad(depth));
			out.push('}');
		}
		scalar => out.push_str(&scalar.to_string()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn documents() {
		assert_eq!(document_json(br#"{"embed":[0.5]}"#), json!({ "embed": [0.5] }));
		assert_eq!(document_json(b"plain words"), json!("plain words"));
		assert_eq!(document_json(&[0xff, 0xfe, 0x00]), json!({ "binary_bytes": 3 }));
		assert_eq!(document_text(&json!("x")), "x");
		assert_eq!(document_text(&json!({ "a": 1 })), "{\n  \"a\": 1\n}");
		assert_eq!(
			document_text(&json!({ "e": [[1, 2], [0.5, 1, 2, 3, 4, 5, 6, 7]], "m": [], "t": "x" })),
			"{\n  \"e\": [\n    [1, 2],\n    [0.5, 1, 2, 3, 4, 5, … 8 values]\n  ],\n  \"m\": [],\n  \"t\": \"x\"\n}"
		);
	}
}
