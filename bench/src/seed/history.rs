//! The history itself, as the chain's events: the network's set-up (workflows, bonds,
//! registrations, heartbeats, reputation, faucet drips) and each job with its fate (assignment,
//! receipts, attestations, decision and the PayoutRouter's payments), placed in the blocks they
//! happen in. [`super::seed`] writes the blocks through the indexer's own writer.

use super::*;
use havn_orchestrator::model::{
	BondRole, Capabilities, FaucetEvent, GpuMetrics, Ledger, ReputationEvent, StakeEvent,
	WorkflowRecord,
};

/// The events of the blocks not written yet, by block.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
	blocks: BTreeMap<u32, Vec<HavnEvent>>,
}

impl Timeline {
	/// `event` happens in `block`, after the events placed there before it.
	pub(crate) fn at(&mut self, block: u32, event: HavnEvent) {
		self.blocks.entry(block).or_default().push(event);
	}

	/// The events of `block`, in order (removed from the timeline).
	pub(crate) fn take(&mut self, block: u32) -> Vec<HavnEvent> {
		self.blocks.remove(&block).unwrap_or_default()
	}
}

/// The block in which `node` bonded (just before it registered; block 1 if it never did).
fn bond_block(node: &NodeSpec) -> u32 {
	node.registered.map(|r| r.saturating_sub(1).max(1)).unwrap_or(1)
}

/// The set-up of the network: every workflow's publication (and later versions, ownership
/// transfer, deprecation), the bonds of nodes, validators and the relay, the nodes'
/// registrations and last heartbeats, everyone's last reputation update and one faucet drip per
/// payer.
pub(crate) fn network(pop: &Population, t: &mut Timeline) {
	let mut rng = Rng::new(pop.config.seed, 6);
	for (id, w) in pop.workflows.iter().enumerate() {
		let id = id as u64;
		let owner = pop.creators.get(w.owner).cloned().unwrap_or_default();
		let creator = pop.creators.get(w.creator).cloned().unwrap_or_default();
		let hashes: Vec<String> = (0..w.version).map(|_| rng.hex(32)).collect();
		let uris: Vec<String> = (0..w.version).map(|_| format!("ipfs://{}", rng.cid())).collect();
		let first_hash = hashes.first().cloned().unwrap_or_default();
		let first_uri = uris.first().cloned().unwrap_or_default();
		let record = WorkflowRecord {
			owner: creator.clone(),
			kind: w.kind,
			manifest_hash: first_hash.clone(),
			manifest_uri: first_uri.clone(),
			compute_class: w.class,
			base_fee: Planck(w.base_fee),
			royalty: w.royalty,
			dependencies: w.dependencies.iter().map(|(d, wt)| (u64::from(*d), *wt)).collect(),
			parent: w.parent.map(u64::from),
			depth: w.depth,
			version: 1,
			deprecated: false,
			flag: None,
			deposit: Planck(10 * HAI),
			created_at: w.created,
		};
		t.at(
			w.created,
			HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowPublished {
				id,
				owner: creator.clone(),
				manifest_hash: first_hash,
				parent: w.parent.map(u64::from),
				record,
				first_manifest_uri: first_uri,
			}),
		);
		for (v, (hash, uri)) in hashes.into_iter().zip(uris).enumerate().skip(1) {
			t.at(
				w.created + 10 * v as u32,
				HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowVersionPublished {
					id,
					version: v as u32 + 1,
					manifest_hash: hash,
					manifest_uri: uri,
				}),
			);
		}
		let settled = w.created + 10 * (w.version - 1);
		if owner != creator {
			t.at(
				settled,
				HavnEvent::WorkflowRegistry(WorkflowEvent::OwnershipTransferred {
					id,
					from: creator,
					to: owner,
				}),
			);
		}
		if id % 50 == 49 {
			t.at(settled, HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowDeprecated { id }));
		}
	}

	let mut rng = Rng::new(pop.config.seed, 7);
	let bonded = |who: &str, role, compute_class, amount: u128| {
		HavnEvent::StakeGuard(StakeEvent::Bonded {
			who: who.to_string(),
			role,
			compute_class,
			amount: Planck(amount),
			ledger: Some(Ledger { bonded: Planck(amount), unbonding: Planck(0) }),
		})
	};
	for node in &pop.nodes {
		t.at(
			bond_block(node),
			bonded(&node.account, BondRole::ExecutionNode, Some(node.class), node.bonded),
		);
		let gpu = node.class != ComputeClass::S;
		if let Some(registered) = node.registered {
			let capabilities = Capabilities {
				compute_class: node.class,
				gpu_model: if gpu { "NVIDIA L4".into() } else { String::new() },
				vram_gib: if gpu { 24 } else { 0 },
				models: vec!["all-MiniLM-L6-v2".into(), "SmolLM2-135M-Instruct".into()],
			};
			t.at(
				registered,
				HavnEvent::StakeGuard(StakeEvent::NodeRegistered {
					who: node.account.clone(),
					receipt_key: rng.hex(32),
					capabilities: Some(capabilities),
				}),
			);
		}
		let metrics = gpu.then(|| GpuMetrics {
			utilization_percent: rng.below(100) as u8,
			memory_used_mib: rng.below(24_000) as u32,
			power_milliwatts: 20_000 + rng.below(50_000) as u32,
			temperature_c: 35 + rng.below(45) as u8,
		});
		if let Some(beat) = node.last_heartbeat.filter(|b| Some(*b) != node.registered) {
			t.at(
				beat,
				HavnEvent::StakeGuard(StakeEvent::HeartbeatReceived {
					who: node.account.clone(),
					block: beat,
					metrics,
				}),
			);
		}
		if let Some(score_ppm) = node.reputation_ppm {
			t.at(recent(pop.head, &mut rng, 500), reputation(node, score_ppm));
		}
	}
	for (account, score_ppm) in &pop.validators {
		let amount = 10_000 * HAI + u128::from(rng.below(5_000)) * HAI;
		t.at(1, bonded(account, BondRole::Validator, None, amount));
		t.at(
			recent(pop.head, &mut rng, 50),
			HavnEvent::Reputation(ReputationEvent::ReputationUpdated {
				who: account.clone(),
				outcome: "attestation_agreed",
				score_ppm: *score_ppm,
			}),
		);
	}
	t.at(1, bonded(&pop.relay, BondRole::Relay, None, 1_000 * HAI));
	for (i, payer) in pop.payers.iter().enumerate() {
		t.at(
			2 + (i as u32) % (SETUP_BLOCKS - 2),
			HavnEvent::Faucet(FaucetEvent::Dripped {
				who: payer.clone(),
				amount: Planck(100 * HAI),
			}),
		);
	}
}

/// A block among the last `within` up to `head` (block 1 at the earliest).
fn recent(head: u32, rng: &mut Rng, within: u64) -> u32 {
	head.saturating_sub(rng.below(within) as u32).max(1)
}

fn reputation(node: &NodeSpec, score_ppm: u32) -> HavnEvent {
	HavnEvent::Reputation(ReputationEvent::ReputationUpdated {
		who: node.account.clone(),
		outcome: "job_finalized",
		score_ppm,
	})
}

/// Phase of a generated job.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
	Submitted,
	Assigned,
	Attesting,
	Finalized,
	Rejected,
	Expired { assigned: bool },
}

/// Job `id`'s events, from its submission to its fate, placed in their blocks.
pub(crate) fn job(pop: &Population, id: u64, t: &mut Timeline) {
	let cfg = &pop.config;
	let mut rng = Rng::new(cfg.seed, 1_000 + id);
	let workflow_id = pop.workflow_zipf.sample(&mut rng);
	let Some(w) = pop.workflows.get(workflow_id as usize) else { return };
	let payer =
		pop.payers.get(pop.payer_zipf.sample(&mut rng) as usize).cloned().unwrap_or_default();
	let s = submit_block(cfg, id);
	let deadline = s + DEADLINE_BLOCKS;
	let first_open = cfg.jobs - cfg.open_jobs;
	let fate = if id >= first_open {
		let frac = (id - first_open) as f64 / cfg.open_jobs.max(1) as f64;
		if frac >= 0.9 {
			Fate::Submitted
		} else if frac >= 0.5 {
			Fate::Assigned
		} else {
			Fate::Attesting
		}
	} else {
		match rng.below(100) {
			0 => Fate::Rejected,
			1 | 2 if deadline <= pop.head => Fate::Expired { assigned: rng.below(2) == 0 },
			_ => Fate::Finalized,
		}
	};
	let redundancy: u8 = match rng.below(100) {
		0..85 => 1,
		85..95 => 2,
		_ => 3,
	};
	let fee = w.base_fee;
	let sampled = id.is_multiple_of(10);
	let serving = pop.serving.get(class_index(w.class)).map(Vec::as_slice).unwrap_or(&[]);
	let mut nodes: Vec<usize> = Vec::with_capacity(redundancy.into());
	while nodes.len() < usize::from(redundancy) && serving.len() >= usize::from(redundancy) {
		let n =
			serving.get(rng.below(serving.len() as u64) as usize).copied().unwrap_or(0) as usize;
		if !nodes.contains(&n) {
			nodes.push(n);
		}
	}
	let mut committee: Vec<usize> = Vec::with_capacity(cfg.quorum.into());
	while committee.len() < usize::from(cfg.quorum) {
		let v = rng.below(pop.validators.len() as u64) as usize;
		if !committee.contains(&v) {
			committee.push(v);
		}
	}
	let node_accounts: Vec<String> = nodes
		.iter()
		.map(|n| pop.nodes.get(*n).map(|x| x.account.clone()).unwrap_or_default())
		.collect();
	let committee_accounts: Vec<String> = committee
		.iter()
		.map(|v| pop.validators.get(*v).map(|x| x.0.clone()).unwrap_or_default())
		.collect();

	let assigned = matches!(
		fate,
		Fate::Assigned
			| Fate::Attesting
			| Fate::Finalized
			| Fate::Rejected
			| Fate::Expired { assigned: true }
	) && !nodes.is_empty();
	let attesting = matches!(fate, Fate::Attesting | Fate::Finalized | Fate::Rejected) && assigned;
	let decided = matches!(fate, Fate::Finalized | Fate::Rejected) && attesting;
	let receipt_block = (s + 2).min(pop.head);
	let decided_block = (s + 3 + rng.below(2) as u32).min(pop.head);
	let event = |e: JobEvent| HavnEvent::ExecutionLog(e);

	t.at(
		s,
		event(JobEvent::JobSubmitted {
			job_id: id,
			workflow_id: workflow_id.into(),
			payer,
			fee: Planck(fee),
			compute_class: w.class,
			deadline,
			details: JobDetails {
				redundancy,
				input_digest: rng.hex(32),
				input_uri: format!("ipfs://{}", rng.cid()),
			},
		}),
	);
	if assigned {
		t.at(
			s + 1,
			event(JobEvent::JobAssigned {
				job_id: id,
				nodes: node_accounts.clone(),
				by: pop.relay.clone(),
			}),
		);
	}
	let mut runtime_hash = String::new();
	if attesting {
		runtime_hash = rng.hex(32);
		for account in &node_accounts {
			let details = ReceiptDetails {
				latency_ms: 40 + (rng.unit().powi(3) * 8_000.0) as u32,
				energy_mj: 1_000 + rng.below(400_000),
				signature: rng.hex(64),
			};
			t.at(
				receipt_block,
				event(JobEvent::ReceiptSubmitted {
					job_id: id,
					node: account.clone(),
					runtime_hash: runtime_hash.clone(),
					outputs_cid: rng.cid(),
					details,
				}),
			);
		}
		t.at(
			receipt_block,
			event(JobEvent::JobAttesting {
				job_id: id,
				committee: committee_accounts.clone(),
				sampled,
			}),
		);
	}
	if decided {
		let verdict = if fate == Fate::Finalized { Verdict::Valid } else { Verdict::Invalid };
		let lead = committee_accounts.first().cloned();
		for validator in &committee_accounts {
			t.at(
				decided_block,
				event(JobEvent::AttestationSubmitted {
					job_id: id,
					validator: validator.clone(),
					verdict,
					reexecution_digest: sampled.then(|| runtime_hash.clone()),
					batched_by: lead.clone(),
				}),
			);
		}
	}
	match fate {
		Fate::Finalized if decided => {
			t.at(decided_block, event(JobEvent::JobFinalized { job_id: id, fee: Planck(fee) }));
			pay(pop, id, workflow_id, w, &node_accounts, &committee_accounts, decided_block, t);
		}
		Fate::Rejected if decided => {
			t.at(decided_block, event(JobEvent::JobRejected { job_id: id }))
		}
		Fate::Expired { .. } => t.at(deadline, event(JobEvent::JobExpired { job_id: id })),
		_ => {}
	}
}

/// The PayoutRouter's payments for a finalized job, by the chain's rule
/// ([`havn_primitives::royalty::plan`]): `FeePaid` events (the treasury's last), then
/// `JobSettled`.
#[allow(clippy::too_many_arguments)]
fn pay(
	pop: &Population,
	id: u64,
	workflow_id: u32,
	w: &WorkflowSpec,
	nodes: &[String],
	committee: &[String],
	block: u32,
	t: &mut Timeline,
) {
	let royalty = havn_primitives::RoyaltySplit {
		creator: Permill::from_parts(w.royalty.creator),
		upstream: Permill::from_parts(w.royalty.upstream),
		node: Permill::from_parts(w.royalty.node),
		validators: Permill::from_parts(w.royalty.validators),
		treasury: Permill::from_parts(w.royalty.treasury),
	};
	let weights: Vec<u32> = w.dependencies.iter().map(|(_, weight)| *weight).collect();
	let Some(plan) = havn_primitives::royalty::plan(
		&royalty,
		w.base_fee,
		&weights,
		nodes.len() as u32,
		committee.len() as u32,
	) else {
		return;
	};
	let creator = |index: usize| pop.creators.get(index).cloned().unwrap_or_default();
	let mut payments = vec![(creator(w.owner), PayeeRole::Creator, plan.creator)];
	for ((dep, _), amount) in w.dependencies.iter().zip(&plan.upstream) {
		let owner = pop.workflows.get(*dep as usize).map(|d| d.owner).unwrap_or(0);
		payments.push((creator(owner), PayeeRole::Upstream, *amount));
	}
	payments.extend(nodes.iter().map(|n| (n.clone(), PayeeRole::Node, plan.node_each)));
	payments
		.extend(committee.iter().map(|v| (v.clone(), PayeeRole::Validator, plan.validator_each)));
	payments.push((TREASURY.to_string(), PayeeRole::Treasury, plan.treasury));
	let mut shares = Shares {
		creator: Planck(0),
		upstream: Planck(0),
		node: Planck(0),
		validators: Planck(0),
		treasury: Planck(0),
	};
	for (payee, role, amount) in payments.into_iter().filter(|p| p.2 > 0) {
		let share = match role {
			PayeeRole::Creator => &mut shares.creator,
			PayeeRole::Upstream => &mut shares.upstream,
			PayeeRole::Node => &mut shares.node,
			PayeeRole::Validator => &mut shares.validators,
			PayeeRole::Treasury => &mut shares.treasury,
		};
		share.0 += amount;
		t.at(
			block,
			HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
				job_id: id,
				payee,
				role,
				amount: Planck(amount),
			}),
		);
	}
	t.at(
		block,
		HavnEvent::PayoutRouter(PayoutEvent::JobSettled {
			job_id: id,
			workflow_id: workflow_id.into(),
			fee: Planck(w.base_fee),
			shares,
		}),
	);
}

/// Block `n`'s hash (made up, deterministic).
pub(crate) fn block_hash(n: u32) -> String {
	Rng::new(0xB10C, n.into()).hex(32)
}
