//! Throughput of the `embed` and `llm` executors, through the public API that `havn-exec`'s
//! execute role calls ([`Engine::run`] on a workflow manifest and a job's JSON input).
//!
//! Run by `scripts/bench-executors.sh`, which compares the figures with sentence-transformers;
//! one JSON object per line on stdout, progress on stderr.
//!
//! ```text
//! bench_executors embed MANIFEST TEXTS JOB_SIZE OUT.f32
//!     Embeds every line of TEXTS (UTF-8, one text per line) with the `embed` workflow MANIFEST,
//!     JOB_SIZE texts per Engine::run call (one job input {"texts": [...]}, in file order),
//!     after one warm-up job that is not timed. Writes the embeddings read back from the outputs
//!     documents to OUT.f32 (little-endian f32, one 384-float row per text, in file order) and
//!     prints {"bench": "embed", "texts", "job_size", "jobs", "wall_s", "compute_s",
//!     "texts_per_s", "threads", "profile"}: wall_s is the wall time of the timed
//!     Engine::run calls (seconds), compute_s the model time the engine reports for them.
//!
//! bench_executors llm MAX_TOKENS REPEATS [PROMPTS]
//!     For each of the first PROMPTS (default all) fixed prompts below, greedy SmolLM2 generation through Engine::run (a one-step
//!     `llm` manifest): with max_tokens 1 (prefill and one argmax: the prefill time) and with
//!     MAX_TOKENS, REPEATS times each, median taken. Prints one line per prompt and a summary:
//!     prefill tokens/s = prompt tokens / prefill time; decode tokens/s = decode forward passes
//!     / (full time - prefill time).
//! ```
//!
//! Models come from `HAVN_MODELS_DIR` (default: `<workspace>/models`, from
//! `scripts/fetch-models.sh`); the CPU device. Threads: candle's `get_num_threads` (all
//! cores unless `RAYON_NUM_THREADS` says otherwise).

use havn_executors::{DeviceChoice, Engine, LLM_MODEL};
use havn_primitives::manifest::Manifest;
use serde_json::{json, Value};
use std::{
	io::Write,
	path::PathBuf,
	time::{Duration, Instant},
};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Fixed prompts for the generation benchmark: varied lengths, each asking for a long answer
/// so that greedy decoding runs to `max_tokens` rather than stopping early.
const PROMPTS: &[(&str, &str)] = &[
	(
		"You are a helpful assistant.",
		"Write a short story about a lighthouse keeper who finds a message in a bottle.",
	),
	(
		"You are a concise assistant. Answer using the context.",
		"Context:\n- Paris is the capital and largest city of France.\n- The Havn chain pays \
		 workflow creators a royalty every time their workflow runs.\n\nQuestion: Explain in \
		 detail what the Havn chain does and why creators might use it, then describe Paris.",
	),
	("You are a teacher.", "Explain step by step how photosynthesis works, for a ten-year-old."),
	(
		"You are a travel guide.",
		"I am visiting Lisbon for three days in spring with two children who love trains, \
		 museums and the sea. We do not want to rent a car, we prefer walking, and we will \
		 stay near the old town. Describe a detailed plan for each day, with places to eat.",
	),
];

fn models_dir() -> PathBuf {
	std::env::var_os("HAVN_MODELS_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models")))
}

fn profile() -> &'static str {
	if cfg!(debug_assertions) {
		"dev"
	} else {
		"release"
	}
}

fn threads() -> usize {
	candle_core::utils::get_num_threads()
}

fn main() -> Res<()> {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let engine = Engine::new(models_dir(), DeviceChoice::Cpu)?;
	match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
		["embed", manifest, texts, job_size, out] => {
			embed(&engine, manifest, texts, job_size.parse()?, out)
		}
		["llm", max_tokens, repeats] => {
			llm(&engine, max_tokens.parse()?, repeats.parse()?, PROMPTS.len())
		}
		["llm", max_tokens, repeats, prompts] => {
			llm(&engine, max_tokens.parse()?, repeats.parse()?, prompts.parse()?)
		}
		_ => Err("usage: bench_executors embed MANIFEST TEXTS JOB_SIZE OUT.f32 | \
		          bench_executors llm MAX_TOKENS REPEATS [PROMPTS]"
			.into()),
	}
}

/// The embeddings of an outputs document's single `embed` step.
fn embeddings_of(document: &[u8]) -> Res<Vec<Vec<f32>>> {
	let doc: Value = serde_json::from_slice(document)?;
	let steps = doc.get("steps").and_then(Value::as_object).ok_or("no steps")?;
	let step = steps.values().next().ok_or("no step output")?;
	let rows = step.get("embeddings").and_then(Value::as_array).ok_or("no embeddings")?;
	rows.iter()
		.map(|row| {
			row.as_array()
				.ok_or("embedding is not an array")?
				.iter()
				.map(|x| x.as_f64().map(|x| x as f32).ok_or_else(|| "not a number".into()))
				.collect::<Res<Vec<f32>>>()
		})
		.collect()
}

fn embed(engine: &Engine, manifest: &str, texts: &str, job_size: usize, out: &str) -> Res<()> {
	let manifest = Manifest::parse(&std::fs::read(manifest)?)?;
	let texts: Vec<String> = std::fs::read_to_string(texts)?.lines().map(str::to_owned).collect();
	if texts.is_empty() || job_size == 0 {
		return Err("no texts, or job size 0".into());
	}
	let inputs: Vec<Vec<u8>> = texts
		.chunks(job_size)
		.map(|chunk| serde_json::to_vec(&json!({ "texts": chunk })))
		.collect::<Result<_, _>>()?;
	// Warm-up (model load, first allocations): one job, not timed.
	if let Some(first) = inputs.first() {
		engine.run(&manifest, first)?;
	}
	let mut wall = Duration::ZERO;
	let mut compute = Duration::ZERO;
	let mut rows: Vec<Vec<f32>> = Vec::with_capacity(texts.len());
	for input in &inputs {
		let started = Instant::now();
		let output = engine.run(&manifest, input)?;
		wall += started.elapsed();
		compute += output.compute;
		rows.extend(embeddings_of(&output.document)?);
	}
	if rows.len() != texts.len() {
		return Err(format!("{} embeddings for {} texts", rows.len(), texts.len()).into());
	}
	let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
	for x in rows.iter().flatten() {
		file.write_all(&x.to_le_bytes())?;
	}
	file.flush()?;
	println!(
		"{}",
		json!({
			"bench": "embed",
			"texts": texts.len(),
			"job_size": job_size,
			"jobs": inputs.len(),
			"wall_s": wall.as_secs_f64(),
			"compute_s": compute.as_secs_f64(),
			"texts_per_s": texts.len() as f64 / wall.as_secs_f64(),
			"threads": threads(),
			"profile": profile(),
		})
	);
	Ok(())
}

/// One `llm` run: (wall time, prompt tokens, generated tokens, finish reason).
fn generate(
	engine: &Engine,
	system: &str,
	prompt: &str,
	max_tokens: usize,
) -> Res<(Duration, u64, u64, String)> {
	let doc = json!({
		"schema": "havn.workflow/v1",
		"name": "bench-llm",
		"version": "1.0.0",
		"compute_class": "S",
		"base_fee": "1000000000000",
		"steps": [{ "id": "answer", "executor": "llm", "model": LLM_MODEL,
					"params": { "system": system, "max_tokens": max_tokens } }],
	});
	let manifest = Manifest::parse(&serde_json::to_vec(&doc)?)?;
	let input = serde_json::to_vec(&json!({ "prompt": prompt }))?;
	let started = Instant::now();
	let output = engine.run(&manifest, &input)?;
	let wall = started.elapsed();
	let doc: Value = serde_json::from_slice(&output.document)?;
	let field = |name: &str| doc.pointer(&format!("/steps/answer/{name}"));
	let prompt_tokens = field("prompt_tokens").and_then(Value::as_u64).ok_or("no prompt_tokens")?;
	let tokens = field("tokens").and_then(Value::as_u64).ok_or("no tokens")?;
	let finish =
		field("finish_reason").and_then(Value::as_str).ok_or("no finish_reason")?.to_string();
	Ok((wall, prompt_tokens, tokens, finish))
}

fn median(mut v: Vec<Duration>) -> Duration {
	v.sort();
	v.get(v.len() / 2).copied().unwrap_or_default()
}

fn llm(engine: &Engine, max_tokens: usize, repeats: usize, prompts: usize) -> Res<()> {
	let repeats = repeats.max(1);
	let prompts = PROMPTS.get(..prompts.clamp(1, PROMPTS.len())).unwrap_or(PROMPTS);
	// Warm-up: model load and a short generation, not timed.
	let (system, prompt) = PROMPTS.first().ok_or("no prompts")?;
	generate(engine, system, prompt, 8)?;
	let (mut prompt_total, mut prefill_total) = (0u64, Duration::ZERO);
	let (mut decode_total, mut decode_time) = (0u64, Duration::ZERO);
	for (i, (system, prompt)) in prompts.iter().enumerate() {
		let mut prefill = Vec::new();
		let mut full = Vec::new();
		let mut shape = (0, 0, String::new());
		for _ in 0..repeats {
			let (t, prompt_tokens, _, _) = generate(engine, system, prompt, 1)?;
			prefill.push(t);
			let (t, prompt_tokens_full, tokens, finish) =
				generate(engine, system, prompt, max_tokens)?;
			if prompt_tokens_full != prompt_tokens {
				return Err("prompt token counts differ between runs".into());
			}
			full.push(t);
			shape = (prompt_tokens, tokens, finish);
		}
		let (prompt_tokens, tokens, finish) = shape;
		let (prefill, full) = (median(prefill), median(full));
		// Forward passes after the prompt: one per generated token but the first (which the
		// prefill's logits give), plus the one that produced the stop token when stopped.
		let forwards = if finish == "length" { tokens.saturating_sub(1) } else { tokens };
		let decode = full.saturating_sub(prefill);
		println!(
			"{}",
			json!({
				"bench": "llm-prompt",
				"prompt": i,
				"prompt_tokens": prompt_tokens,
				"tokens": tokens,
				"finish_reason": finish,
				"prefill_s": prefill.as_secs_f64(),
				"full_s": full.as_secs_f64(),
				"prefill_tokens_per_s": prompt_tokens as f64 / prefill.as_secs_f64(),
				"decode_tokens_per_s": forwards as f64 / decode.as_secs_f64(),
			})
		);
		prompt_total += prompt_tokens;
		prefill_total += prefill;
		decode_total += forwards;
		decode_time += decode;
	}
	println!(
		"{}",
		json!({
			"bench": "llm",
			"prompts": prompts.len(),
			"max_tokens": max_tokens,
			"repeats": repeats,
			"prompt_tokens": prompt_total,
			"decode_tokens": decode_total,
			"prefill_tokens_per_s": prompt_total as f64 / prefill_total.as_secs_f64(),
			"decode_tokens_per_s": decode_total as f64 / decode_time.as_secs_f64(),
			"threads": threads(),
			"profile": profile(),
		})
	);
	Ok(())
}
