//! How long the indexer's block write ([`Db::apply_block`]) takes for blocks as busy as the chain
//! benchmark's (`scripts/bench-chain.sh`: about 272 jobs settled per 3-s block, quorum 5), over
//! SQLite: the database half of the indexer's lag behind finality (the other half is reading
//! the block over RPC).
//!
//! Each block of the steady state carries, for `JOBS` jobs at each stage of the pipeline: their
//! submission, their assignment, their receipt and committee, and for the jobs three blocks
//! older their five attestations (batched by a lead), decision, nine payments, settlement and
//! the reputation updates of their node and validators. Prints the SQL statements per block
//! (and per settled job: each block settles `JOBS`) and p50, p99 and max of the block writes as a
//! markdown table (appended to `HAVN_BENCH_OUT`); `-- --quick` writes fewer blocks.
//! Run with `cargo bench --workspace --bench indexer`.

// A benchmark, not service code: it indexes only into its own fixed fixtures.
#![allow(clippy::indexing_slicing)]

use havn_bench::seed::{account, Rng};
use havn_orchestrator::{db::Db, model::*};
use havn_primitives::{ComputeClass, Verdict, HAI};
use std::{
	io::Write,
	time::{Duration, Instant},
};

/// Jobs entering (and leaving) the pipeline per block.
const JOBS: u64 = 272;
/// Validators per committee (the runtime's default quorum).
const QUORUM: usize = 5;

fn block(number: u32, events: Vec<HavnEvent>) -> BlockData {
	BlockData {
		number,
		hash: format!("0x{number:064x}"),
		parent_hash: format!("0x{:064x}", number.saturating_sub(1)),
		timestamp_ms: 1_767_225_600_000 + u64::from(number) * 3_000,
		events: events
			.into_iter()
			.enumerate()
			.map(|(i, event)| IndexedEvent { index: i as u32, event })
			.collect(),
		validators: None,
	}
}

struct Cast {
	creator: String,
	payers: Vec<String>,
	nodes: Vec<String>,
	validators: Vec<String>,
	relay: String,
}

/// Block 1: a workflow, 50 nodes, 9 validators and a relay.
fn genesis(c: &Cast) -> BlockData {
	let mut events = vec![HavnEvent::WorkflowRegistry(WorkflowEvent::WorkflowPublished {
		id: 0,
		owner: c.creator.clone(),
		manifest_hash: format!("0x{:064x}", 1),
		parent: None,
		record: WorkflowRecord {
			owner: c.creator.clone(),
			kind: "workflow",
			manifest_hash: format!("0x{:064x}", 1),
			manifest_uri: "ipfs://manifest".into(),
			compute_class: ComputeClass::S,
			base_fee: Planck(HAI),
			royalty: havn_primitives::RoyaltySplit::DEFAULT.into(),
			dependencies: vec![],
			parent: None,
			depth: 0,
			version: 1,
			deprecated: false,
			flag: None,
			deposit: Planck(HAI),
			created_at: 1,
		},
		first_manifest_uri: "ipfs://manifest".into(),
	})];
	for node in &c.nodes {
		events.push(HavnEvent::StakeGuard(StakeEvent::Bonded {
			who: node.clone(),
			role: BondRole::ExecutionNode,
			compute_class: Some(ComputeClass::S),
			amount: Planck(2_000 * HAI),
			ledger: Some(Ledger { bonded: Planck(2_000 * HAI), unbonding: Planck(0) }),
		}));
		events.push(HavnEvent::StakeGuard(StakeEvent::NodeRegistered {
			who: node.clone(),
			receipt_key: format!("0x{:064x}", 7),
			capabilities: None,
		}));
	}
	for who in c.validators.iter().chain([&c.relay]) {
		let role = if *who == c.relay { BondRole::Relay } else { BondRole::Validator };
		events.push(HavnEvent::StakeGuard(StakeEvent::Bonded {
			who: who.clone(),
			role,
			compute_class: None,
			amount: Planck(10_000 * HAI),
			ledger: Some(Ledger { bonded: Planck(10_000 * HAI), unbonding: Planck(0) }),
		}));
	}
	let mut b = block(1, events);
	b.validators = Some(c.validators.clone());
	b
}

/// Block `number` of the steady state: every stage of the pipeline for `JOBS` jobs.
fn busy(c: &Cast, number: u32, rng: &mut Rng) -> BlockData {
	let first = |b: u32| u64::from(b - 2) * JOBS; // jobs submitted in block b
	let node = |job: u64| c.nodes[(job % c.nodes.len() as u64) as usize].clone();
	let committee = |job: u64| -> Vec<String> {
		(0..QUORUM)
			.map(|k| c.validators[((job as usize) + k) % c.validators.len()].clone())
			.collect()
	};
	let mut events = Vec::new();
	for job in first(number)..first(number) + JOBS {
		events.push(HavnEvent::ExecutionLog(JobEvent::JobSubmitted {
			job_id: job,
			workflow_id: 0,
			payer: c.payers[(job % c.payers.len() as u64) as usize].clone(),
			fee: Planck(HAI),
			compute_class: ComputeClass::S,
			deadline: number + 100,
			details: JobDetails {
				redundancy: 1,
				input_digest: rng.hex(32),
				input_uri: format!("ipfs://{}", rng.cid()),
			},
		}));
	}
	if number >= 3 {
		for job in first(number - 1)..first(number - 1) + JOBS {
			events.push(HavnEvent::ExecutionLog(JobEvent::JobAssigned {
				job_id: job,
				nodes: vec![node(job)],
				by: c.relay.clone(),
			}));
		}
	}
	if number >= 4 {
		for job in first(number - 2)..first(number - 2) + JOBS {
			events.push(HavnEvent::ExecutionLog(JobEvent::ReceiptSubmitted {
				job_id: job,
				node: node(job),
				runtime_hash: format!("0x{:064x}", job),
				outputs_cid: rng.cid(),
				details: ReceiptDetails {
					latency_ms: 100,
					energy_mj: 1_000,
					signature: rng.hex(64),
				},
			}));
			events.push(HavnEvent::ExecutionLog(JobEvent::JobAttesting {
				job_id: job,
				committee: committee(job),
				sampled: job % 10 == 0,
			}));
		}
	}
	if number >= 5 {
		let (creator, node_share, validators, treasury) =
			(HAI * 65 / 100, HAI / 4, HAI / 20, HAI / 20);
		for job in first(number - 3)..first(number - 3) + JOBS {
			let members = committee(job);
			for v in &members {
				events.push(HavnEvent::ExecutionLog(JobEvent::AttestationSubmitted {
					job_id: job,
					validator: v.clone(),
					verdict: Verdict::Valid,
					reexecution_digest: None,
					batched_by: Some(members[0].clone()),
				}));
			}
			events.push(HavnEvent::ExecutionLog(JobEvent::JobFinalized {
				job_id: job,
				fee: Planck(HAI),
			}));
			let mut pay = |payee: String, role, amount| {
				events.push(HavnEvent::PayoutRouter(PayoutEvent::FeePaid {
					job_id: job,
					payee,
					role,
					amount: Planck(amount),
				}))
			};
			pay(c.creator.clone(), PayeeRole::Creator, creator);
			pay(node(job), PayeeRole::Node, node_share);
			for v in &members {
				pay(v.clone(), PayeeRole::Validator, validators / QUORUM as u128);
			}
			pay(
				"5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z".into(),
				PayeeRole::Treasury,
				treasury,
			);
			events.push(HavnEvent::PayoutRouter(PayoutEvent::JobSettled {
				job_id: job,
				workflow_id: 0,
				fee: Planck(HAI),
				shares: Shares {
					creator: Planck(creator),
					upstream: Planck(0),
					node: Planck(node_share),
					validators: Planck(validators),
					treasury: Planck(treasury),
				},
			}));
			for who in std::iter::once(node(job)).chain(members) {
				events.push(HavnEvent::Reputation(ReputationEvent::ReputationUpdated {
					who,
					outcome: "job_finalized",
					score_ppm: 700_000,
				}));
			}
		}
	}
	block(number, events)
}

fn run() -> anyhow::Result<()> {
	let quick = std::env::args().any(|a| a == "--quick");
	let blocks: u32 = if quick { 8 } else { 40 };
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	let dir = tempfile::tempdir()?;
	let url = format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display());
	let db = rt.block_on(Db::connect(&url))?;
	let c = Cast {
		creator: account(1, 1, 0),
		payers: (0..200).map(|i| account(1, 2, i)).collect(),
		nodes: (0..50).map(|i| account(1, 3, i)).collect(),
		validators: (0..9).map(|i| account(1, 4, i)).collect(),
		relay: account(1, 5, 0),
	};
	rt.block_on(db.apply_block(&genesis(&c)))?;
	let mut rng = Rng::new(1, 2);
	let mut times = Vec::new();
	let mut events = 0usize;
	let mut statements = Vec::new();
	for number in 2..2 + blocks {
		let data = busy(&c, number, &mut rng);
		let started = Instant::now();
		let (_, ran) = rt.block_on(db.apply_block_counted(&data))?;
		let elapsed = started.elapsed();
		// The pipeline is full from block 5 on.
		if number >= 5 {
			times.push(elapsed);
			statements.push(ran);
			events = data.events.len();
		}
	}
	statements.sort_unstable();
	let per_block = statements[statements.len() / 2];
	times.sort_unstable();
	let pick = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
	let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
	let table = format!(
		"Indexer block writes ({}), {JOBS} jobs settled per block, quorum {QUORUM}\n\n\
		 | blocks | events per block | SQL statements per block | per settled job | p50 (ms) | \
		 p99 (ms) | max (ms) |\n|---|---|---|---|---|---|---|\n\
		 | {} | {events} | {per_block} | {:.2} | {} | {} | {} |\n",
		if quick { "quick" } else { "full" },
		times.len(),
		per_block as f64 / JOBS as f64,
		ms(pick(0.5)),
		ms(pick(0.99)),
		ms(times[times.len() - 1]),
	);
	println!("{table}");
	if let Ok(path) = std::env::var("HAVN_BENCH_OUT") {
		let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
		writeln!(file, "{table}")?;
	}
	Ok(())
}

fn main() {
	if let Err(err) = run() {
		eprintln!("indexer benchmark failed: {err:#}");
		std::process::exit(1);
	}
}
