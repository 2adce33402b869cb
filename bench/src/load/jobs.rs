//! The job lifecycles: submit, route, receipts and the lead's attestation batches, as fast as
//! the protocol and the blocks allow, and the state of the jobs in flight.

use super::{lag::LagSampler, *};

impl Bench {
	/// Workload 2: `n` full job lifecycles, closed-loop with `in_flight` jobs open.
	pub async fn jobs(&mut self, n: u32, in_flight: u32) -> Result<Run> {
		let mut run =
			Run { asked: n as usize, normal_limit: self.normal_limit, ..Default::default() };
		let payers: Vec<AccountId> = self.payers.iter().map(keys::account_of).collect();
		let mut lag =
			self.args.indexer_metrics.clone().map(|url| LagSampler::start(&self.client, url));
		// The subscription may first yield blocks from before this pass (the previous pass's
		// jobs): they are skipped, so only this pass's jobs are driven and counted.
		let start = self.client.best_number().await?;
		let mut blocks = self.client.online().stream_best_blocks().await?;
		let mut state = Jobs::default();
		let mut last_progress = Instant::now();
		let mut submitted = 0u32;
		let mut next_payer = 0usize;
		loop {
			// Top the jobs in flight up.
			let open = submitted as usize - state.done;
			let room = (in_flight as usize).saturating_sub(open);
			let fresh = room.min((n - submitted) as usize);
			if fresh > 0 {
				let mut xts = Vec::new();
				let mut left = fresh;
				while left > 0 {
					let take = left.min(self.args.batch);
					let calls = (0..take)
						.map(|k| self.submit_job_call(submitted as u64 + k as u64))
						.collect::<Result<Vec<_>>>()?;
					let payer = self
						.payers
						.get(next_payer % self.payers.len().max(1))
						.cloned()
						.ok_or_else(|| anyhow!("no payers"))?;
					next_payer += 1;
					xts.push(
						self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &payer)
							.await?
							.0,
					);
					submitted += take as u32;
					left -= take;
				}
				run.submitted += xts.len();
				run.refused += self.send(xts).await;
			}
			if state.done >= n as usize {
				break;
			}

			let block = next_block(&mut blocks, self.args.stall_secs).await?;
			let number = block.number();
			if number <= start {
				continue;
			}
			let (stat, events) = self.observe(&block).await?;
			run.blocks.insert(number, stat);
			let before = state.done;
			state.apply(&events, number, stat.ts_ms, &payers, &mut run)?;
			if state.done > before {
				last_progress = Instant::now();
			} else if last_progress.elapsed() > Duration::from_secs(self.args.stall_secs) {
				bail!("jobs stalled: {} of {} paid out", state.done, n);
			}
			tracing::info!(
				block = number,
				paid = state.done,
				attesting = state.attest.len(),
				fullness = format!(
					"{:.0}%",
					100.0 * stat.normal_ref_time as f64 / self.normal_limit.max(1) as f64
				),
				"jobs"
			);
			if let Some(l) = lag.as_mut() {
				run.lag.extend(l.drain());
			}
			let at = block.at().await?;
			self.flush(&mut state, &at, &mut run).await?;
		}
		if let (Some(l), Some(url)) = (lag.take(), self.args.indexer_metrics.as_deref()) {
			let (samples, times) = l.stop(url).await;
			run.lag.extend(samples);
			run.index_times = times;
		}
		Ok(run)
	}

	fn submit_job_call(&self, i: u64) -> Result<RuntimeCall> {
		let input = format!("havn-bench input {i}");
		Ok(RuntimeCall::ExecutionLog(ExecutionCall::submit_job {
			workflow_id: self.workflow_id,
			input_digest: havn_primitives::manifest::manifest_digest(input.as_bytes()),
			input_uri: havn_primitives::cid::cid_of(input.as_bytes()).into_bytes(),
			compute_class: Static(ComputeClass::S),
			max_fee: HAI,
			redundancy: 1,
			// Spread the deadlines over slots (`MaxJobsPerBlock` jobs expire per block at most).
			deadline: 600 + (i % 200) as u32,
		}))
	}

	/// The nonce each of the generator's working accounts has on chain at `at`.
	async fn chain_nonces(
		&self,
		at: &subxt::client::OnlineClientAtBlock<HavnConfig>,
	) -> Result<HashMap<[u8; 32], u64>> {
		let mut who: Vec<AccountId> = self.nodes.iter().map(keys::account_of).collect();
		who.push(keys::account_of(&self.relay));
		who.extend(self.validators.keys().map(|k| AccountId::from(*k)));
		let reads = who.iter().map(|a| async move {
			let v = at.storage().try_fetch(api::storage().system().account(), (*a,)).await?;
			let nonce = match v {
				Some(v) => u64::from(v.decode()?.nonce),
				None => 0,
			};
			anyhow::Ok((a.0, nonce))
		});
		futures::future::join_all(reads).await.into_iter().collect()
	}

	/// Send what the last block made due: assignments, receipts and attestations. A step is sent
	/// again only when the extrinsic that carried it is on chain (its signer's nonce moved past
	/// it) and the job did not move: it failed, e.g. because the lead rotated.
	async fn flush(
		&mut self,
		state: &mut Jobs,
		at: &subxt::client::OnlineClientAtBlock<HavnConfig>,
		run: &mut Run,
	) -> Result<()> {
		let nonces = self.chain_nonces(at).await?;
		let due = |sent: &Option<Sent>| match sent {
			None => true,
			Some(s) => nonces.get(&s.signer).is_some_and(|n| *n > s.nonce),
		};
		let mut xts = Vec::new();
		// The relay routes round robin over the nodes.
		let assign: Vec<u64> =
			state.assign.iter().filter(|(_, s)| due(s)).map(|(j, _)| *j).collect();
		for chunk in assign.chunks(self.args.batch) {
			let calls = chunk
				.iter()
				.map(|job_id| {
					let node = self
						.nodes
						.get((*job_id as usize) % self.nodes.len().max(1))
						.ok_or_else(|| anyhow!("no execution nodes"))?;
					Ok(RuntimeCall::ExecutionLog(ExecutionCall::assign {
						job_id: *job_id,
						nodes: vec![keys::account_of(node)],
					}))
				})
				.collect::<Result<Vec<_>>>()?;
			let relay = self.relay.clone();
			let (xt, sent) =
				self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &relay).await?;
			xts.push(xt);
			for job_id in chunk {
				state.assign.insert(*job_id, Some(sent));
			}
		}
		// Each node batches its receipts.
		for node in self.nodes.clone() {
			let me = keys::account_of(&node);
			let mine: Vec<u64> = state
				.receipt
				.iter()
				.filter(|(_, (n, s))| *n == me && due(s))
				.map(|(j, _)| *j)
				.collect();
			for chunk in mine.chunks(self.args.batch) {
				let mut calls = Vec::new();
				for job_id in chunk {
					let receipt = self.receipt(*job_id)?;
					let signature = node.sign(&receipt.signing_payload(self.genesis));
					calls.push(RuntimeCall::ExecutionLog(ExecutionCall::submit_receipt {
						job_id: *job_id,
						receipt: Static(receipt),
						signature: signature.0,
					}));
				}
				let (xt, sent) =
					self.sign(&api::tx().utility().force_batch(calls).unvalidated(), &node).await?;
				xts.push(xt);
				for job_id in chunk {
					state.receipt.insert(*job_id, (me, Some(sent)));
				}
			}
		}
		// The committees sign; the lead aggregator lands the attestations.
		let lead = at
			.runtime_apis()
			.call(api::runtime_apis().havn_api().lead_aggregator())
			.await?
			.ok_or_else(|| anyhow!("no lead aggregator"))?;
		let lead = self
			.validators
			.get(&lead.0)
			.cloned()
			.ok_or_else(|| anyhow!("the lead aggregator is not a benchmark validator"))?;
		let todo: Vec<(u64, bool)> = state
			.attest
			.iter()
			.filter(|(_, a)| due(&a.sent))
			.map(|(j, a)| (*j, a.sent.is_some()))
			.collect();
		let mut fresh: Vec<(u64, Vec<BatchItem>)> = Vec::new();
		let mut again: Vec<(u64, Vec<BatchItem>)> = Vec::new();
		for (job_id, resend) in todo {
			let Some(a) = state.attest.get(&job_id) else { continue };
			let attestation = Attestation {
				job_id,
				verdict: Verdict::Valid,
				reexecution_digest: Some(runtime_hash(job_id)),
			};
			let payload = attestation.signing_payload(self.genesis);
			let mut items = Vec::new();
			for member in a.committee.iter().take(self.quorum) {
				let v = self
					.validators
					.get(&member.0)
					.ok_or_else(|| anyhow!("a committee member is not a benchmark validator"))?;
				let sig = v.sign(&payload);
				items.push((*member, Static(attestation.clone()), MultiSignature::Sr25519(sig.0)));
			}
			if resend {
				run.resent += 1;
				again.push((job_id, items));
			} else {
				fresh.push((job_id, items));
			}
		}
		// Whole jobs per batch, up to `MaxBatch` items; a resent job goes alone, so that a member
		// who already attested fails only its own batch.
		let per_batch = (self.max_batch / self.quorum.max(1)).max(1);
		let groups =
			fresh.chunks(per_batch).map(|c| c.to_vec()).chain(again.into_iter().map(|j| vec![j]));
		for group in groups.collect::<Vec<_>>() {
			let items: Vec<BatchItem> = group.iter().flat_map(|(_, i)| i.clone()).collect();
			let call = api::tx().execution_log().submit_attestations(items).unvalidated();
			let (xt, sent) = self.sign(&call, &lead).await?;
			xts.push(xt);
			for (job_id, _) in group {
				if let Some(a) = state.attest.get_mut(&job_id) {
					a.sent = Some(sent);
				}
			}
		}
		run.submitted += xts.len();
		run.refused += self.send(xts).await;
		Ok(())
	}

	fn receipt(&self, job_id: u64) -> Result<Receipt> {
		let output = format!("havn-bench output {job_id}");
		Ok(Receipt {
			workflow_id: self.workflow_id,
			job_id,
			runtime_hash: runtime_hash(job_id),
			outputs_cid: havn_primitives::cid::to_bounded(&havn_primitives::cid::cid_of(
				output.as_bytes(),
			))?,
			latency_ms: 1,
			energy_estimate: 1,
		})
	}
}

/// The runtime hash the benchmark's nodes report and its validators confirm for `job_id`.
fn runtime_hash(job_id: u64) -> Digest {
	Digest::from(sp_blake2(&job_id.to_le_bytes()))
}

fn sp_blake2(bytes: &[u8]) -> [u8; 32] {
	havn_primitives::manifest::manifest_digest(bytes).0
}

type BatchItem = (AccountId, Static<Attestation>, MultiSignature);

/// A job waiting for its attestations.
struct Attesting {
	committee: Vec<AccountId>,
	sent: Option<Sent>,
}

/// The lifecycle state of the jobs in flight.
#[derive(Default)]
struct Jobs {
	/// Per job: block and timestamp of the block including `submit_job`.
	submitted: HashMap<u64, (u64, u64)>,
	/// Jobs to route, with the extrinsic that last carried their `assign`.
	assign: BTreeMap<u64, Option<Sent>>,
	/// Receipts to land: job -> (node, the extrinsic that last carried it).
	receipt: BTreeMap<u64, (AccountId, Option<Sent>)>,
	/// Jobs attesting.
	attest: BTreeMap<u64, Attesting>,
	/// Jobs paid out.
	done: usize,
}

impl Jobs {
	fn apply(
		&mut self,
		events: &subxt::events::Events<HavnConfig>,
		number: u64,
		ts_ms: u64,
		payers: &[AccountId],
		run: &mut Run,
	) -> Result<()> {
		for ev in events.find::<api::execution_log::events::JobSubmitted>() {
			let ev = ev?;
			if payers.contains(&ev.payer) {
				run.first_block.get_or_insert(number);
				self.submitted.insert(ev.job_id, (number, ts_ms));
				self.assign.insert(ev.job_id, None);
			}
		}
		for ev in events.find::<api::execution_log::events::JobAssigned>() {
			let ev = ev?;
			if self.assign.remove(&ev.job_id).is_some() {
				if let Some(node) = ev.nodes.first() {
					self.receipt.insert(ev.job_id, (*node, None));
				}
			}
		}
		for ev in events.find::<api::execution_log::events::JobAttesting>() {
			let ev = ev?;
			if self.receipt.remove(&ev.job_id).is_some() {
				self.attest
					.insert(ev.job_id, Attesting { committee: ev.committee.clone(), sent: None });
			}
		}
		for ev in events.find::<api::execution_log::events::JobFinalized>() {
			let ev = ev?;
			if self.attest.remove(&ev.job_id).is_some() {
				if let Some((b, t)) = self.submitted.remove(&ev.job_id) {
					run.latencies.push((number - b, ts_ms.saturating_sub(t)));
				}
				run.completed_in.push(number);
				self.done += 1;
			}
		}
		for ev in events.find::<api::execution_log::events::JobRejected>() {
			let ev = ev?;
			if self.attest.remove(&ev.job_id).is_some() {
				bail!("job {} was rejected: the benchmark's attestations disagree", ev.job_id);
			}
		}
		let before = run.failed;
		for ev in events.find::<api::utility::events::ItemFailed>() {
			let ev = ev?;
			run.failed += 1;
			*run.failures.entry(format!("{:?}", ev.error)).or_default() += 1;
		}
		for ev in events.find::<api::system::events::ExtrinsicFailed>() {
			let ev = ev?;
			run.failed += 1;
			*run.failures.entry(format!("{:?}", ev.dispatch_error)).or_default() += 1;
		}
		if run.failed > before {
			tracing::debug!(
				block = number,
				failed = run.failed - before,
				item_failed = events.find::<api::utility::events::ItemFailed>().count(),
				assigned = events.find::<api::execution_log::events::JobAssigned>().count(),
				attesting = events.find::<api::execution_log::events::JobAttesting>().count(),
				finalized = events.find::<api::execution_log::events::JobFinalized>().count(),
				submitted = events.find::<api::execution_log::events::JobSubmitted>().count(),
				"dispatch failures in this block"
			);
		}
		Ok(())
	}
}
