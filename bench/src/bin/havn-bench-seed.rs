//! `havn-bench-seed`: a benchmarking tool that fills a fresh orchestrator database with a
//! deterministic synthetic history (see `havn_bench::seed`), and optionally writes
//! files of request URLs over it for a load generator (`scripts/bench-api.sh`).
//!
//! ```sh
//! havn-bench-seed --data-dir /tmp/havn-bench --jobs 1000000 --urls /tmp/havn-bench/urls
//! havn-orchestrator --data-dir /tmp/havn-bench --no-index
//! ```

use anyhow::Context;
use clap::Parser;
use havn_bench::seed::{seed, EventRows, Population, Rng, SeedConfig};
use havn_orchestrator::db::Db;
use std::{io::Write, path::PathBuf};

/// Fill a fresh orchestrator database with a synthetic history, for benchmarks only.
#[derive(Debug, Parser)]
#[command(name = "havn-bench-seed", version, about)]
struct Args {
	/// Directory of the SQLite database (`havn.db`), created if missing.
	#[arg(long, default_value = "orchestrator-bench")]
	data_dir: PathBuf,
	/// Database URL instead (`sqlite://…` or `postgres://…`); must be empty.
	#[arg(long)]
	database_url: Option<String>,
	/// Jobs.
	#[arg(long, default_value_t = 1_000_000)]
	jobs: u64,
	/// Workflows.
	#[arg(long, default_value_t = 1_000)]
	workflows: u32,
	/// Accounts that publish workflows.
	#[arg(long, default_value_t = 300)]
	creators: u32,
	/// Accounts that pay for jobs.
	#[arg(long, default_value_t = 20_000)]
	payers: u32,
	/// Execution nodes.
	#[arg(long, default_value_t = 10_000)]
	nodes: u32,
	/// Validators.
	#[arg(long, default_value_t = 100)]
	validators: u32,
	/// Validators per committee.
	#[arg(long, default_value_t = 3)]
	quorum: u8,
	/// Newest jobs still open (default: 1% of the jobs).
	#[arg(long)]
	open_jobs: Option<u64>,
	/// Jobs per block.
	#[arg(long, default_value_t = 10)]
	jobs_per_block: u32,
	/// Which job events get event rows: `timeline` (the phase changes) or `all`.
	#[arg(long, value_enum, default_value_t = EventRows::Timeline)]
	events: EventRows,
	/// Seed of every random choice.
	#[arg(long, default_value_t = 42)]
	seed: u64,
	/// Write request URL files (one per endpoint, `<name>.txt`) into this directory.
	#[arg(long)]
	urls: Option<PathBuf>,
	/// Base URL of the API in the URL files.
	#[arg(long, default_value = "http://127.0.0.1:8080")]
	base_url: String,
	/// URLs per file.
	#[arg(long, default_value_t = 20_000)]
	url_count: u32,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let args = Args::parse();
	let config = SeedConfig {
		jobs: args.jobs,
		workflows: args.workflows,
		creators: args.creators,
		payers: args.payers,
		nodes: args.nodes,
		validators: args.validators,
		quorum: args.quorum,
		open_jobs: args.open_jobs.unwrap_or(args.jobs / 100),
		jobs_per_block: args.jobs_per_block,
		events: args.events,
		seed: args.seed,
	};
	let url = match &args.database_url {
		Some(url) => url.clone(),
		None => {
			std::fs::create_dir_all(&args.data_dir)
				.with_context(|| format!("create {}", args.data_dir.display()))?;
			format!("sqlite://{}?mode=rwc", args.data_dir.join("havn.db").display())
		}
	};
	let db = Db::connect(&url).await.context("open the database")?;
	let report = seed(&db, &config).await.context("seed")?;
	let rows: u64 = report.rows.values().sum();
	println!(
		"seeded {} jobs ({rows} rows, {} SQL statements through the indexer's writer) in {:.1} s \
		 (blocks {:.1} s, indexes {:.1} s); head block {}",
		config.jobs,
		report.statements,
		report.seconds,
		report.rows_seconds,
		report.index_seconds,
		report.head
	);
	for (table, n) in &report.rows {
		println!("  {table:<22} {n:>12}");
	}
	if let Some(dir) = &args.urls {
		let population = Population::new(&config)?;
		write_urls(dir, &args.base_url, args.url_count, &population)?;
		println!("URL files in {}", dir.display());
	}
	Ok(())
}

/// One file of request URLs per endpoint, drawn as real traffic would be: job ids uniformly,
/// workflows and payers by popularity, list pages among the first ten.
fn write_urls(
	dir: &std::path::Path,
	base: &str,
	count: u32,
	pop: &Population,
) -> anyhow::Result<()> {
	std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
	let cfg = &pop.config;
	let mut rng = Rng::new(cfg.seed, 9);
	let pages = |n: u64| n.div_ceil(50).clamp(1, 10);
	type Gen<'a> = Box<dyn FnMut(&mut Rng) -> String + 'a>;
	let generators: Vec<(&str, Gen)> = vec![
		("job", Box::new(|r: &mut Rng| format!("/v1/jobs/{}", r.below(cfg.jobs)))),
		(
			"workflow",
			Box::new(|r: &mut Rng| format!("/v1/workflows/{}", pop.workflow_zipf.sample(r))),
		),
		(
			"jobs_by_payer",
			Box::new(|r: &mut Rng| {
				let payer = pop.payer_zipf.sample(r) as usize;
				format!(
					"/v1/jobs?payer={}",
					pop.payers.get(payer).map(String::as_str).unwrap_or("")
				)
			}),
		),
		(
			"jobs_by_workflow",
			Box::new(|r: &mut Rng| format!("/v1/jobs?workflow={}", pop.workflow_zipf.sample(r))),
		),
		(
			"jobs_page",
			Box::new(|r: &mut Rng| format!("/v1/jobs?limit=50&offset={}", r.below(10) * 50)),
		),
		(
			"nodes",
			Box::new(|r: &mut Rng| {
				format!("/v1/nodes?limit=50&offset={}", r.below(pages(cfg.nodes.into())) * 50)
			}),
		),
		(
			"validators",
			Box::new(|r: &mut Rng| {
				format!(
					"/v1/validators?limit=50&offset={}",
					r.below(pages(cfg.validators.into())) * 50
				)
			}),
		),
		(
			"workflows",
			Box::new(|r: &mut Rng| {
				format!(
					"/v1/workflows?limit=50&offset={}",
					r.below(pages(cfg.workflows.into())) * 50
				)
			}),
		),
		("dashboard", Box::new(|_: &mut Rng| "/v1/dashboard".to_string())),
	];
	for (name, mut generate) in generators {
		let path = dir.join(format!("{name}.txt"));
		let file =
			std::fs::File::create(&path).with_context(|| format!("create {}", path.display()))?;
		let mut out = std::io::BufWriter::new(file);
		for _ in 0..count {
			writeln!(out, "{base}{}", generate(&mut rng))?;
		}
		out.flush()?;
	}
	Ok(())
}
