//! Receipt checks: what an attestor verifies of each node's receipt before any verdict.
//!
//! A receipt passes when it names the job and its workflow, verifies against the node's
//! registered receipt key (`StakeGuard::NodeInfo`) over `Receipt::signing_payload(genesis_hash)`,
//! carries a canonical CID whose outputs are in the artifact store, and its `runtime_hash`
//! covers those outputs (`havn_primitives::receipt::runtime_hash`).
//!
//! Outputs missing from the store are no verdict at first (finding 9 of `docs/security.md`: a
//! store that loses a file must not make an honest node look fraudulent): the attestor retries
//! on its rescans, and refuses the receipt only once it has seen them missing for
//! [`AVAILABILITY_GRACE`] blocks, while the node provides them again (`crate::kept`), and, for
//! an attestation, no later than [`VERDICT_MARGIN`] blocks before the job's deadline (so a
//! receipt whose outputs never existed still gets its verdict before the job expires). An
//! `Invalid` verdict on chain then still needs the quorum of the committee, each member having
//! seen the outputs missing.

use super::Stage;
use crate::{job, Shared};
use anyhow::{anyhow, Context};
use havn_client::{api, keys, subxt::utils::AccountId32, subxt_signer::sr25519, ClientError};
use havn_primitives::{cid, Digest, Receipt};

/// Blocks an attestor waits, from the first time it finds a receipt's outputs missing from the
/// store, before it refuses the receipt for them: three of the execute role's rescans, in
/// which the node provides kept outputs again.
pub const AVAILABILITY_GRACE: u64 = 30;

/// Blocks before a job's deadline by which an attestor gives its verdict on outputs still
/// missing, grace or not: time for the lead's batch or the direct fallback to land.
pub const VERDICT_MARGIN: u64 = super::FALLBACK_BLOCKS + 2;

/// Most outputs CIDs an attestor remembers as missing (the oldest are forgotten first).
const MAX_MISSING: usize = 1_024;

/// A checked receipt: the receipt, whether it passed, and why not.
pub struct Checked {
	/// The receipt as stored on-chain.
	pub receipt: Receipt,
	/// Whether every check passed.
	pub valid: bool,
	/// The first failed check.
	pub why: Option<String>,
}

/// Check `node`'s receipt for the job of `facts` at the best block.
///
/// Errors (no verdict yet; the caller retries): the receipt is missing, a chain read failed, or
/// the artifact store is unreachable or serves wrong bytes (no fault of the node).
pub async fn check(
	shared: &Shared,
	facts: &job::JobFacts,
	node: &AccountId32,
	genesis: Digest,
	stage: Stage,
) -> anyhow::Result<Checked> {
	let at = shared.client.at_best().await?;
	let stored = at
		.storage()
		.try_fetch(api::storage().execution_log().receipts(), (facts.job_id, *node))
		.await
		.map_err(ClientError::subxt)?
		.ok_or_else(|| anyhow!("no receipt of {} for job {}", keys::ss58(node), facts.job_id))?
		.decode()
		.map_err(ClientError::subxt)?;
	let (receipt, signature) = (stored.0 .0, sr25519::Signature(stored.1));
	let refuse = |why: String| Checked { receipt: receipt.clone(), valid: false, why: Some(why) };
	if receipt.job_id != facts.job_id || receipt.workflow_id != facts.workflow_id {
		return Ok(refuse("receipt names another job or workflow".into()));
	}
	let node_info = at
		.storage()
		.try_fetch(api::storage().stake_guard().node_info(), (*node,))
		.await
		.map_err(ClientError::subxt)?;
	let Some(node_info) = node_info else {
		return Ok(refuse("node has no registered receipt key".into()));
	};
	let node_info = node_info.decode().map_err(ClientError::subxt)?;
	let key = sr25519::PublicKey(node_info.receipt_key);
	if !sr25519::verify(&signature, receipt.signing_payload(genesis), &key) {
		return Ok(refuse("receipt signature does not verify".into()));
	}
	let cid_text = String::from_utf8(receipt.outputs_cid.to_vec()).unwrap_or_default();
	if let Err(e) = cid::parse(&cid_text) {
		return Ok(refuse(format!("outputs CID: {e}")));
	}
	let outputs = match shared.store.download(&cid_text).await {
		Ok(bytes) => bytes,
		// The node never stored what it signed for, or the store lost it: refused only after
		// the grace (see the module docs).
		Err(ClientError::ArtifactNotFound(_)) => {
			let best = shared.client.best_number().await?;
			let first = first_missing(shared, &cid_text, best);
			let mut until = first.saturating_add(AVAILABILITY_GRACE);
			if stage == Stage::Attestation {
				until = until.min(facts.deadline.saturating_sub(VERDICT_MARGIN));
			}
			if best < until {
				anyhow::bail!(
					"outputs {cid_text} are not in the artifact store (since block {first}); no \
					 verdict before block {until}"
				);
			}
			return Ok(refuse(format!(
				"outputs are not in the artifact store (missing since block {first})"
			)));
		}
		// The store is unreachable, failing or serving wrong bytes: that is no fault of the node,
		// so no verdict yet (the caller retries).
		Err(e) => return Err(e).context("fetching the outputs"),
	};
	forget_missing(shared, &cid_text);
	let expected = havn_primitives::receipt::runtime_hash(
		facts.manifest_hash,
		facts.input_digest,
		&outputs,
		havn_executors::EXECUTOR_VERSION,
	);
	if expected != receipt.runtime_hash {
		return Ok(refuse("runtime_hash does not cover the stored outputs".into()));
	}
	Ok(Checked { receipt, valid: true, why: None })
}

/// The block this attestor first found `cid` missing from the store (now, `best`, if never).
fn first_missing(shared: &Shared, cid: &str, best: u64) -> u64 {
	let mut missing = shared.missing();
	if !missing.contains_key(cid) && missing.len() >= MAX_MISSING {
		let oldest = missing.iter().min_by_key(|(_, at)| **at).map(|(c, _)| c.clone());
		if let Some(oldest) = oldest {
			missing.remove(&oldest);
		}
	}
	*missing.entry(cid.to_string()).or_insert(best)
}

/// `cid` is in the store (again).
fn forget_missing(shared: &Shared, cid: &str) {
	shared.missing().remove(cid);
}
