//! Routing latency at 10,000 execution nodes (target: a decision's p99 ≤ 1 ms).
//!
//! The relay's real path, over a real SQLite index: each round it reads the candidates from the
//! database ([`Db::node_rows`], the nodes with their open-job counts) and turns them into
//! [`Candidate`]s ([`relay::candidates`]); then it decides each open job with
//! [`routing::choose_with`]. The database is made by [`seed`] (10,000 nodes: mixed classes,
//! heartbeats, reputations, and the load of the open jobs, from a fixed seed) in a temporary
//! directory, or is the seeded database at `HAVN_BENCH_DB` (a `sqlite://` URL).
//!
//! First it times operations one by one and prints their p50, p99 and max as a markdown table
//! (also appended to the file named by `HAVN_BENCH_OUT`):
//!
//! - `decision`: one `choose_with` for a job drawn like the seeded jobs (the workflow's class,
//!   redundancy 1, 2 or 3), over a candidate list refreshed every 32 decisions (a round of
//!   `--route-batch`), with the load of the round's earlier assignments added as the relay does;
//! - `candidate list`: `node_rows` plus `candidates`, what a round pays once;
//! - `one-job round`: both, what a job costs when it is the only one in its round.
//!
//! Then criterion measures the same operations (`cargo bench --workspace --bench
//! routing`; `-- --quick` for the short mode, which also takes fewer timed samples and seeds a
//! smaller job history).

use criterion::{BenchmarkId, Criterion};
use havn_bench::seed::{seed, Population, Rng, SeedConfig};
use havn_orchestrator::{
	db::Db,
	relay,
	routing::{choose_with, Candidate, Policy},
};
use havn_primitives::ComputeClass;
use std::{
	collections::HashMap,
	hint::black_box,
	io::Write,
	time::{Duration, Instant},
};

/// Nodes in the network.
const NODES: u32 = 10_000;
/// Decisions per round (the relay's default `--route-batch`).
const ROUND: usize = 32;

/// What one set of timed samples shows.
struct Stats {
	name: &'static str,
	samples: usize,
	mean: Duration,
	p50: Duration,
	p99: Duration,
	max: Duration,
}

impl Stats {
	fn of(name: &'static str, mut samples: Vec<Duration>) -> Self {
		samples.sort_unstable();
		let n = samples.len();
		let rank = |q: f64| {
			let i = ((q * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1;
			samples.get(i).copied().unwrap_or_default()
		};
		let total: Duration = samples.iter().sum();
		Self {
			name,
			samples: n,
			mean: total / u32::try_from(n.max(1)).unwrap_or(u32::MAX),
			p50: rank(0.50),
			p99: rank(0.99),
			max: samples.last().copied().unwrap_or_default(),
		}
	}

	fn row(&self) -> String {
		let us = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6);
		format!(
			"| {} | {} | {} | {} | {} | {} |",
			self.name,
			self.samples,
			us(self.mean),
			us(self.p50),
			us(self.p99),
			us(self.max)
		)
	}
}

/// A job's class and redundancy, drawn like the seeded jobs.
fn draw_job(pop: &Population, rng: &mut Rng) -> (ComputeClass, u8) {
	let workflow = pop.workflow_zipf.sample(rng) as usize;
	let class = pop.workflows.get(workflow).map(|w| w.class).unwrap_or(ComputeClass::S);
	let redundancy = match rng.below(100) {
		0..85 => 1,
		85..95 => 2,
		_ => 3,
	};
	(class, redundancy)
}

async fn candidate_list(db: &Db, now: u32) -> anyhow::Result<Vec<Candidate<String>>> {
	let rows = db.node_rows().await?;
	// The runtime's floors (the seeded bonds are at or above them): the relay's bond filter runs.
	let floors = ComputeClass::ALL.map(havn_bench::seed::collateral);
	Ok(relay::candidates(rows, now, Some(floors), &HashMap::new(), &HashMap::new()))
}

fn run() -> anyhow::Result<()> {
	let quick = std::env::args().any(|a| a == "--quick");
	let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	let config = SeedConfig {
		jobs: if quick { 20_000 } else { 200_000 },
		open_jobs: if quick { 2_000 } else { 20_000 },
		nodes: NODES,
		..SeedConfig::default()
	};
	let dir = tempfile::tempdir()?;
	let (db, source) = match std::env::var("HAVN_BENCH_DB") {
		Ok(url) => (rt.block_on(Db::connect(&url))?, url),
		Err(_) => {
			let url = format!("sqlite://{}?mode=rwc", dir.path().join("havn.db").display());
			let db = rt.block_on(Db::connect(&url))?;
			let report = rt.block_on(seed(&db, &config))?;
			let source = format!(
				"seeded: {} jobs ({} open), {} nodes, in {:.1} s",
				config.jobs, config.open_jobs, config.nodes, report.seconds
			);
			(db, source)
		}
	};
	let now = rt
		.block_on(db.last_indexed())?
		.ok_or_else(|| anyhow::anyhow!("the database indexed no block"))?;
	let pop = Population::new(&config)?;
	let policy = Policy::default();
	let snapshot = rt.block_on(candidate_list(&db, now))?;
	let eligible = |class| snapshot.iter().filter(|c| policy.eligible(c, class, now)).count();
	println!("routing benchmark: {source}; head block {now}");
	println!(
		"candidates {} (eligible for S {}, M {}, L {}, XL {}); mean load {:.2} open jobs",
		snapshot.len(),
		eligible(ComputeClass::S),
		eligible(ComputeClass::M),
		eligible(ComputeClass::L),
		eligible(ComputeClass::XL),
		snapshot.iter().map(|c| f64::from(c.load)).sum::<f64>() / snapshot.len().max(1) as f64
	);

	// Individually timed decisions, in rounds as the relay makes them.
	let decisions = if quick { 2_000 } else { 10_000 };
	let mut rng = Rng::new(7, 1);
	let mut candidates = snapshot.clone();
	let mut times = Vec::with_capacity(decisions);
	let mut empty = 0usize;
	for i in 0..decisions {
		if i % ROUND == 0 {
			candidates.clone_from(&snapshot);
		}
		let (class, redundancy) = draw_job(&pop, &mut rng);
		let started = Instant::now();
		let chosen = choose_with(&policy, black_box(&candidates), class, redundancy, now);
		times.push(started.elapsed());
		if chosen.is_empty() {
			empty += 1;
		}
		for c in candidates.iter_mut().filter(|c| chosen.contains(&c.account)) {
			c.load = c.load.saturating_add(1);
		}
	}
	let decision = Stats::of("decision (choose_with, 10k candidates)", times);

	let builds = if quick { 20 } else { 200 };
	let mut times = Vec::with_capacity(builds);
	for _ in 0..builds {
		let started = Instant::now();
		let list = rt.block_on(candidate_list(&db, now))?;
		times.push(started.elapsed());
		black_box(list);
	}
	let build = Stats::of("candidate list (node_rows + candidates)", times);

	let mut times = Vec::with_capacity(builds);
	for _ in 0..builds {
		let (class, redundancy) = draw_job(&pop, &mut rng);
		let started = Instant::now();
		let list = rt.block_on(candidate_list(&db, now))?;
		let chosen = choose_with(&policy, &list, class, redundancy, now);
		times.push(started.elapsed());
		black_box(chosen);
	}
	let round = Stats::of("one-job round (candidate list + decision)", times);

	let mut table = String::new();
	table.push_str(&format!(
		"Routing at {} candidates (head block {now}; {})\n\n",
		snapshot.len(),
		if quick { "quick" } else { "full" }
	));
	table.push_str("| measurement | samples | mean (µs) | p50 (µs) | p99 (µs) | max (µs) |\n");
	table.push_str("|---|---|---|---|---|---|\n");
	for stats in [&decision, &build, &round] {
		table.push_str(&stats.row());
		table.push('\n');
	}
	table.push_str(&format!(
		"\ndecisions without enough eligible nodes: {empty} of {}; target: decision p99 ≤ 1000 µs: {}\n",
		decision.samples,
		if decision.p99 <= Duration::from_millis(1) { "met" } else { "MISSED" }
	));
	println!("\n{table}");
	if let Ok(path) = std::env::var("HAVN_BENCH_OUT") {
		let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
		writeln!(file, "{table}")?;
	}

	// Criterion's means of the same operations.
	let mut c = Criterion::default().configure_from_args();
	let mut group = c.benchmark_group("routing");
	for (class, redundancy) in [(ComputeClass::S, 1u8), (ComputeClass::L, 3)] {
		group.bench_with_input(
			BenchmarkId::new("choose_with_10k", format!("{class:?}x{redundancy}")),
			&(class, redundancy),
			|b, (class, redundancy)| {
				b.iter(|| choose_with(&policy, black_box(&snapshot), *class, *redundancy, now))
			},
		);
	}
	group
		.bench_function("candidate_list_10k", |b| b.iter(|| rt.block_on(candidate_list(&db, now))));
	group.finish();
	c.final_summary();
	Ok(())
}

fn main() {
	if let Err(err) = run() {
		eprintln!("routing benchmark failed: {err:#}");
		std::process::exit(1);
	}
}
