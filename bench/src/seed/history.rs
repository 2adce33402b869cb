//! The history itself: workflows, each job with its fate (nodes, receipts, attestations,
//! payouts and events), the accounts, the running totals and the blocks.

use super::*;

pub(crate) async fn write_workflows(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut rng = Rng::new(pop.config.seed, 6);
	for (id, w) in pop.workflows.iter().enumerate() {
		let id64 = id as u64;
		let owner = pop.creators.get(w.owner).cloned().unwrap_or_default();
		let creator = pop.creators.get(w.creator).cloned().unwrap_or_default();
		let hashes: Vec<String> = (0..w.version).map(|_| rng.hex(32)).collect();
		let uris: Vec<String> = (0..w.version).map(|_| format!("ipfs://{}", rng.cid())).collect();
		let first_hash = hashes.first().cloned().unwrap_or_default();
		let first_uri = uris.first().cloned().unwrap_or_default();
		let current_hash = hashes.last().cloned().unwrap_or_default();
		let current_uri = uris.last().cloned().unwrap_or_default();
		let deposit = 10 * HAI;
		let updated = w.created + 10 * (w.version - 1);
		let event = HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowPublished {
			id: id64,
			owner: creator.clone(),
			manifest_hash: first_hash.clone(),
			parent: w.parent.map(u64::from),
			record: havn_orchestrator::model::WorkflowRecord {
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
				deposit: Planck(deposit),
				created_at: w.created,
			},
			first_manifest_uri: first_uri.clone(),
		});
		let (_, row) = event_row(ledger, pop.config.events, w.created, &event)?;
		t.events.push_event(conn, row).await?;
		t.workflows
			.push(
				conn,
				vec![
					Arg::Int(id as i64),
					Arg::Text(owner),
					Arg::Text(creator),
					Arg::Text(w.kind.into()),
					Arg::Text(current_hash),
					Arg::Text(current_uri),
					Arg::Text(w.class.to_string()),
					Arg::Text(w.base_fee.to_string()),
					Arg::Text(serde_json::to_string(&w.royalty)?),
					Arg::OptInt(w.parent.map(i64::from)),
					Arg::Int(w.depth.into()),
					Arg::Int(w.version.into()),
					Arg::Text(if id % 50 == 49 { "deprecated" } else { "active" }.into()),
					Arg::OptText(None),
					Arg::Text(deposit.to_string()),
					Arg::Int(w.created.into()),
					Arg::Int(updated.into()),
				],
			)
			.await?;
		for (dep, weight) in &w.dependencies {
			t.dependencies
				.push(
					conn,
					vec![Arg::Int(id as i64), Arg::Int((*dep).into()), Arg::Int((*weight).into())],
				)
				.await?;
		}
		for (v, (hash, uri)) in hashes.into_iter().zip(uris).enumerate() {
			t.versions
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Int(v as i64 + 1),
						Arg::Text(hash),
						Arg::OptText(Some(uri)),
						Arg::Int(i64::from(w.created) + 10 * v as i64),
					],
				)
				.await?;
		}
	}
	Ok(())
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

pub(crate) async fn write_job(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
	id: u64,
) -> Result<(), SeedError> {
	let cfg = &pop.config;
	let mut rng = Rng::new(cfg.seed, 1_000 + id);
	let workflow_id = pop.workflow_zipf.sample(&mut rng);
	let Some(w) = pop.workflows.get(workflow_id as usize) else { return Ok(()) };
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
	let node_account = |n: usize| pop.nodes.get(n).map(|x| x.account.clone()).unwrap_or_default();
	let mut committee: Vec<usize> = Vec::with_capacity(cfg.quorum.into());
	while committee.len() < usize::from(cfg.quorum) {
		let v = rng.below(pop.validators.len() as u64) as usize;
		if !committee.contains(&v) {
			committee.push(v);
		}
	}
	let validator_account =
		|v: usize| pop.validators.get(v).map(|x| x.0.clone()).unwrap_or_default();
	let committee_accounts: Vec<String> = committee.iter().map(|v| validator_account(*v)).collect();

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
	let assigned_block = s + 1;
	let receipt_block = (s + 2).min(pop.head);
	let decided_block = (s + 3 + rng.below(2) as u32).min(pop.head);

	// JobSubmitted.
	let event = HavnEvent::ExecutionLog(JobEvent::JobSubmitted {
		job_id: id,
		workflow_id: workflow_id.into(),
		payer: payer.clone(),
		fee: Planck(fee),
		compute_class: w.class,
		deadline,
		details: JobDetails {
			redundancy,
			input_digest: rng.hex(32),
			input_uri: format!("ipfs://{}", rng.cid()),
		},
	});
	let (input_digest, input_uri) = match &event {
		HavnEvent::ExecutionLog(JobEvent::JobSubmitted { details, .. }) => {
			(details.input_digest.clone(), details.input_uri.clone())
		}
		_ => (String::new(), String::new()),
	};
	let (_, row) = event_row(ledger, pop.config.events, s, &event)?;
	t.events.push_event(conn, row).await?;

	let node_accounts: Vec<String> = nodes.iter().map(|n| node_account(*n)).collect();
	if assigned {
		let event = HavnEvent::ExecutionLog(JobEvent::JobAssigned {
			job_id: id,
			nodes: node_accounts.clone(),
			by: pop.relay.clone(),
		});
		let (_, row) = event_row(ledger, pop.config.events, assigned_block, &event)?;
		t.events.push_event(conn, row).await?;
		for (slot, account) in node_accounts.iter().enumerate() {
			t.job_nodes
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(account.clone()),
						Arg::Int(slot as i64),
						Arg::Int(assigned_block.into()),
					],
				)
				.await?;
		}
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
			let outputs_cid = rng.cid();
			let event = HavnEvent::ExecutionLog(JobEvent::ReceiptSubmitted {
				job_id: id,
				node: account.clone(),
				runtime_hash: runtime_hash.clone(),
				outputs_cid: outputs_cid.clone(),
				details: details.clone(),
			});
			let (_, row) = event_row(ledger, pop.config.events, receipt_block, &event)?;
			t.events.push_event(conn, row).await?;
			t.receipts
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(account.clone()),
						Arg::Text(runtime_hash.clone()),
						Arg::Text(outputs_cid),
						Arg::OptInt(Some(details.latency_ms.into())),
						Arg::OptText(Some(details.energy_mj.to_string())),
						Arg::OptText(Some(details.signature)),
						Arg::Int(receipt_block.into()),
					],
				)
				.await?;
		}
		let event = HavnEvent::ExecutionLog(JobEvent::JobAttesting {
			job_id: id,
			committee: committee_accounts.clone(),
			sampled,
		});
		let (_, row) = event_row(ledger, pop.config.events, receipt_block, &event)?;
		t.events.push_event(conn, row).await?;
	}
	let (mut valid, mut invalid) = (0i64, 0i64);
	if decided {
		let verdict = if fate == Fate::Finalized { Verdict::Valid } else { Verdict::Invalid };
		let lead = committee_accounts.first().cloned();
		for validator in &committee_accounts {
			let digest = sampled.then(|| runtime_hash.clone());
			let event = HavnEvent::ExecutionLog(JobEvent::AttestationSubmitted {
				job_id: id,
				validator: validator.clone(),
				verdict,
				reexecution_digest: digest.clone(),
				batched_by: lead.clone(),
			});
			let (index, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			t.attestations
				.push(
					conn,
					vec![
						Arg::Int(id as i64),
						Arg::Text(validator.clone()),
						Arg::Text(<&str>::from(verdict).into()),
						Arg::OptText(digest),
						Arg::Text("attestation".into()),
						Arg::Int(decided_block.into()),
						Arg::Int(index),
						Arg::OptText(lead.clone()),
					],
				)
				.await?;
			if verdict == Verdict::Valid {
				valid += 1;
			} else {
				invalid += 1;
			}
		}
	}
	let mut finalized_block = None;
	let mut closed_block = None;
	let phase = match fate {
		Fate::Finalized if decided => {
			finalized_block = Some(i64::from(decided_block));
			closed_block = finalized_block;
			let event =
				HavnEvent::ExecutionLog(JobEvent::JobFinalized { job_id: id, fee: Planck(fee) });
			let (_, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			pay(conn, t, ledger, pop, id, workflow_id, w, fee, &nodes, &committee, decided_block)
				.await?;
			"finalized"
		}
		Fate::Rejected if decided => {
			closed_block = Some(i64::from(decided_block));
			let event = HavnEvent::ExecutionLog(JobEvent::JobRejected { job_id: id });
			let (_, row) = event_row(ledger, pop.config.events, decided_block, &event)?;
			t.events.push_event(conn, row).await?;
			"rejected"
		}
		Fate::Expired { .. } => {
			closed_block = Some(i64::from(deadline));
			let event = HavnEvent::ExecutionLog(JobEvent::JobExpired { job_id: id });
			let (_, row) = event_row(ledger, pop.config.events, deadline, &event)?;
			t.events.push_event(conn, row).await?;
			"expired"
		}
		_ if attesting => "attesting",
		_ if assigned => "assigned",
		_ => "submitted",
	};
	let updated = closed_block
		.or(attesting.then_some(i64::from(receipt_block)))
		.or(assigned.then_some(i64::from(assigned_block)))
		.unwrap_or(i64::from(s));
	let committee_json =
		if attesting { serde_json::to_string(&committee_accounts)? } else { "[]".to_string() };
	t.jobs
		.push(
			conn,
			vec![
				Arg::Int(id as i64),
				Arg::Int(workflow_id.into()),
				Arg::Text(payer),
				Arg::Text(fee.to_string()),
				Arg::Text(w.class.to_string()),
				Arg::OptInt(Some(redundancy.into())),
				Arg::OptText(Some(input_digest)),
				Arg::OptText(Some(input_uri)),
				Arg::Text(phase.into()),
				Arg::Int(s.into()),
				Arg::Int(deadline.into()),
				Arg::OptInt(assigned.then_some(i64::from(assigned_block))),
				Arg::OptText(assigned.then(|| pop.relay.clone())),
				Arg::Text(committee_json),
				Arg::OptText(None),
				Arg::Int(i64::from(sampled && attesting)),
				Arg::Int(valid),
				Arg::Int(invalid),
				Arg::OptInt(finalized_block),
				Arg::OptInt(closed_block),
				Arg::OptText(None),
				Arg::Int(updated),
			],
		)
		.await?;
	Ok(())
}

/// The PayoutRouter's payments for a finalized job: `FeePaid` rows and events, then
/// `JobSettled`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn pay(
	conn: &Sink,
	t: &mut Tables,
	ledger: &mut Ledger,
	pop: &Population,
	id: u64,
	workflow_id: u32,
	w: &WorkflowSpec,
	fee: u128,
	nodes: &[usize],
	committee: &[usize],
	block: u32,
) -> Result<(), SeedError> {
	let part = |ppm: u32| {
		fee / 1_000_000 * u128::from(ppm) + fee % 1_000_000 * u128::from(ppm) / 1_000_000
	};
	let creator_share = part(w.royalty.creator);
	let upstream_share = part(w.royalty.upstream);
	let node_share = part(w.royalty.node);
	let validators_share = part(w.royalty.validators);
	let mut payments: Vec<(Payee, String, havn_orchestrator::model::PayeeRole, u128)> = Vec::new();
	let owner = pop.creators.get(w.owner).cloned().unwrap_or_default();
	let mut upstream_paid = 0u128;
	if w.dependencies.is_empty() {
		payments.push((
			Payee::Creator(w.owner),
			owner.clone(),
			havn_orchestrator::model::PayeeRole::Creator,
			creator_share + upstream_share,
		));
		upstream_paid = upstream_share;
	} else {
		payments.push((
			Payee::Creator(w.owner),
			owner.clone(),
			havn_orchestrator::model::PayeeRole::Creator,
			creator_share,
		));
		let weights: Vec<u32> = w.dependencies.iter().map(|(_, wt)| *wt).collect();
		let (parts, _) = havn_primitives::royalty::distribute(upstream_share, &weights);
		for ((dep, _), amount) in w.dependencies.iter().zip(parts) {
			let dep_owner = pop.workflows.get(*dep as usize).map(|d| d.owner).unwrap_or(0);
			let account = pop.creators.get(dep_owner).cloned().unwrap_or_default();
			payments.push((
				Payee::Creator(dep_owner),
				account,
				havn_orchestrator::model::PayeeRole::Upstream,
				amount,
			));
			upstream_paid += amount;
		}
	}
	let (each_node, _) =
		havn_primitives::royalty::distribute_equally(node_share, nodes.len() as u32);
	for n in nodes {
		let account = pop.nodes.get(*n).map(|x| x.account.clone()).unwrap_or_default();
		payments.push((
			Payee::Node(*n),
			account,
			havn_orchestrator::model::PayeeRole::Node,
			each_node,
		));
	}
	let (each_validator, _) =
		havn_primitives::royalty::distribute_equally(validators_share, committee.len() as u32);
	for v in committee {
		let account = pop.validators.get(*v).map(|x| x.0.clone()).unwrap_or_default();
		payments.push((
			Payee::Validator(*v),
			account,
			havn_orchestrator::model::PayeeRole::Validator,
			each_validator,
		));
	}
	let paid: u128 = payments.iter().map(|p| p.3).sum();
	payments.push((
		Payee::Treasury,
		TREASURY.to_string(),
		havn_orchestrator::model::PayeeRole::Treasury,
		fee - paid,
	));
	let mut shares = Shares {
		creator: Planck(0),
		upstream: Planck(0),
		node: Planck(0),
		validators: Planck(0),
		treasury: Planck(0),
	};
	for (payee, account, role, amount) in payments {
		let event = HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
			job_id: id,
			payee: account.clone(),
			role,
			amount: Planck(amount),
		});
		let (index, row) = event_row(ledger, pop.config.events, block, &event)?;
		t.events.push_event(conn, row).await?;
		t.payouts
			.push(
				conn,
				vec![
					Arg::Int(block.into()),
					Arg::Int(index),
					Arg::Int(id as i64),
					Arg::OptInt(Some(workflow_id.into())),
					Arg::Text(account),
					Arg::Text(role.as_str().into()),
					Arg::Text(amount.to_string()),
				],
			)
			.await?;
		ledger.pay(payee, amount);
		ledger.total(&format!("paid:{}", role.as_str()), amount);
		let share = match role {
			havn_orchestrator::model::PayeeRole::Creator => &mut shares.creator,
			havn_orchestrator::model::PayeeRole::Upstream => &mut shares.upstream,
			havn_orchestrator::model::PayeeRole::Node => &mut shares.node,
			havn_orchestrator::model::PayeeRole::Validator => &mut shares.validators,
			havn_orchestrator::model::PayeeRole::Treasury => &mut shares.treasury,
		};
		share.0 += amount;
	}
	let _ = upstream_paid;
	let event = HavnEvent::PayoutRouter(PayoutEvent::JobSettled {
		job_id: id,
		workflow_id: workflow_id.into(),
		fee: Planck(fee),
		shares,
	});
	let (_, row) = event_row(ledger, pop.config.events, block, &event)?;
	t.events.push_event(conn, row).await?;
	t.settlements
		.push(
			conn,
			vec![
				Arg::Int(id as i64),
				Arg::Int(workflow_id.into()),
				Arg::Text(fee.to_string()),
				Arg::Text(serde_json::to_string(&shares)?),
				Arg::Int(block.into()),
			],
		)
		.await?;
	ledger.total("settled", fee);
	Ok(())
}

pub(crate) async fn write_accounts(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut rng = Rng::new(pop.config.seed, 7);
	let head = i64::from(pop.head);
	for (i, node) in pop.nodes.iter().enumerate() {
		let earned = ledger.nodes.get(i).copied().unwrap_or(0);
		let gpu = node.class != ComputeClass::S;
		let capabilities = node.registered.map(|_| havn_orchestrator::model::Capabilities {
			compute_class: node.class,
			gpu_model: if gpu { "NVIDIA L4".into() } else { String::new() },
			vram_gib: if gpu { 24 } else { 0 },
			models: vec!["all-MiniLM-L6-v2".into(), "SmolLM2-135M-Instruct".into()],
		});
		let metrics =
			(gpu && node.registered.is_some()).then(|| havn_orchestrator::model::GpuMetrics {
				utilization_percent: rng.below(100) as u8,
				memory_used_mib: rng.below(24_000) as u32,
				power_milliwatts: 20_000 + rng.below(50_000) as u32,
				temperature_c: 35 + rng.below(45) as u8,
			});
		let bonded_block = node.registered.map(|r| r.saturating_sub(1).max(1)).unwrap_or(1);
		t.accounts
			.push(
				conn,
				vec![
					Arg::Text(node.account.clone()),
					Arg::OptText(Some("execution_node".into())),
					Arg::OptText(Some(node.class.to_string())),
					Arg::Text(node.bonded.to_string()),
					Arg::Text("0".into()),
					Arg::Text("0".into()),
					Arg::Text(earned.to_string()),
					Arg::Int(0),
					Arg::OptText(node.registered.map(|_| rng.hex(32))),
					Arg::OptText(capabilities.as_ref().map(serde_json::to_string).transpose()?),
					Arg::OptInt(node.registered.map(i64::from)),
					Arg::OptInt(node.last_heartbeat.map(i64::from)),
					Arg::OptText(metrics.as_ref().map(serde_json::to_string).transpose()?),
					Arg::OptInt(node.reputation_ppm.map(i64::from)),
					Arg::OptInt(node.reputation_ppm.map(|_| head - rng.below(500) as i64)),
					Arg::OptInt(Some(bonded_block.into())),
					Arg::Int(node.last_heartbeat.map(i64::from).unwrap_or(bonded_block.into())),
				],
			)
			.await?;
	}
	for (i, (account, reputation)) in pop.validators.iter().enumerate() {
		let earned = ledger.validators.get(i).copied().unwrap_or(0);
		t.accounts
			.push(
				conn,
				vec![
					Arg::Text(account.clone()),
					Arg::OptText(Some("validator".into())),
					Arg::OptText(None),
					Arg::Text((10_000 * HAI + u128::from(rng.below(5_000)) * HAI).to_string()),
					Arg::Text("0".into()),
					Arg::Text("0".into()),
					Arg::Text(earned.to_string()),
					Arg::Int(1),
					Arg::OptText(None),
					Arg::OptText(None),
					Arg::OptInt(None),
					Arg::OptInt(None),
					Arg::OptText(None),
					Arg::OptInt(Some((*reputation).into())),
					Arg::OptInt(Some(head - rng.below(50) as i64)),
					Arg::OptInt(Some(1)),
					Arg::Int(head),
				],
			)
			.await?;
	}
	let plain = |account: String, role: Option<&str>, bonded: u128, earned: u128| {
		vec![
			Arg::Text(account),
			Arg::OptText(role.map(str::to_string)),
			Arg::OptText(None),
			Arg::Text(bonded.to_string()),
			Arg::Text("0".into()),
			Arg::Text("0".into()),
			Arg::Text(earned.to_string()),
			Arg::Int(0),
			Arg::OptText(None),
			Arg::OptText(None),
			Arg::OptInt(None),
			Arg::OptInt(None),
			Arg::OptText(None),
			Arg::OptInt(None),
			Arg::OptInt(None),
			Arg::OptInt(role.map(|_| 1)),
			Arg::Int(head),
		]
	};
	t.accounts.push(conn, plain(pop.relay.clone(), Some("relay"), 1_000 * HAI, 0)).await?;
	t.accounts.push(conn, plain(TREASURY.to_string(), None, 0, ledger.treasury)).await?;
	for (i, creator) in pop.creators.iter().enumerate() {
		let earned = ledger.creators.get(i).copied().unwrap_or(0);
		if earned > 0 {
			t.accounts.push(conn, plain(creator.clone(), None, 0, earned)).await?;
		}
	}
	Ok(())
}

pub(crate) async fn write_totals(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	pop: &Population,
) -> Result<(), SeedError> {
	let mut totals = ledger.totals.clone();
	// Every payer drew from the faucet once.
	totals.insert(
		"faucet".into(),
		(u128::from(pop.config.payers) * 100 * HAI, pop.config.payers.into()),
	);
	for (key, (amount, count)) in totals {
		t.totals
			.push(conn, vec![Arg::Text(key), Arg::Text(amount.to_string()), Arg::Int(count as i64)])
			.await?;
	}
	Ok(())
}

pub(crate) async fn write_blocks(
	conn: &Sink,
	t: &mut Tables,
	ledger: &Ledger,
	head: u32,
) -> Result<(), SeedError> {
	let hash = |n: u32| Rng::new(0xB10C, n.into()).hex(32);
	let mut parent = hash(0);
	for n in 1..=head {
		let h = hash(n);
		t.blocks
			.push(
				conn,
				vec![
					Arg::Int(n.into()),
					Arg::Text(h.clone()),
					Arg::Text(parent),
					Arg::Int((GENESIS_MS + u64::from(n) * BLOCK_MS) as i64),
					Arg::Int(ledger.event_counts.get(n as usize).copied().unwrap_or(0).into()),
				],
			)
			.await?;
		parent = h;
	}
	Ok(())
}
