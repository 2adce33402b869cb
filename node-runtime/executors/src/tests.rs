//! Tests of the engine with the real models (see `test_support::models_dir`).

use crate::{
	embed::cosine,
	test_support::{engine, manifest, models_dir},
	*,
};
use std::time::Instant;

fn texts(t: &[&str]) -> Vec<String> {
	t.iter().map(|s| s.to_string()).collect()
}

fn norm(v: &[f32]) -> f32 {
	v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn executor_version_names_this_crate_and_the_locked_candle() {
	assert_eq!(
		EXECUTOR_VERSION,
		format!("havn-executors/{}-r2 candle/{CANDLE_VERSION}", env!("CARGO_PKG_VERSION"))
	);
	// CANDLE_VERSION must follow the candle that is actually built (Cargo.lock).
	let lock =
		std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
	for krate in ["candle-core", "candle-nn", "candle-transformers"] {
		let entry = format!("name = \"{krate}\"\nversion = \"{CANDLE_VERSION}\"");
		assert!(lock.contains(&entry), "Cargo.lock has no {krate} {CANDLE_VERSION}");
	}
}

#[test]
fn embeddings_put_paraphrases_together() {
	let e = engine()
		.embed(&texts(&[
			"A man is playing a guitar.",
			"Someone plays the guitar.",
			"The stock market fell sharply today.",
		]))
		.unwrap();
	assert_eq!(e.len(), 3);
	for v in &e {
		assert_eq!(v.len(), 384);
		assert!((norm(v) - 1.0).abs() < 1e-5, "norm {}", norm(v));
	}
	let paraphrase = cosine(&e[0], &e[1]);
	let unrelated = cosine(&e[0], &e[2]).max(cosine(&e[1], &e[2]));
	eprintln!("cosine: paraphrases {paraphrase:.4}, unrelated {unrelated:.4}");
	assert!(paraphrase > 0.7, "paraphrases: {paraphrase}");
	assert!(unrelated < 0.3, "unrelated: {unrelated}");
	assert!(paraphrase - unrelated > 0.4);
}

#[test]
fn batching_and_padding_do_not_change_embeddings() {
	let batch = texts(&[
		"Short.",
		"A considerably longer sentence, so that the short one is padded by many tokens in the \
		 batch: embeddings must not depend on the padding.",
		"",
		"Ünïcödé and emoji 🚀 survive tokenisation.",
	]);
	let together = engine().embed(&batch).unwrap();
	for (text, in_batch) in batch.iter().zip(&together) {
		let alone = engine().embed(std::slice::from_ref(text)).unwrap().remove(0);
		let diff = alone.iter().zip(in_batch).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
		assert!(diff < 1e-5, "{text:?}: batch and single differ by {diff}");
	}
	// Long texts are truncated to 256 tokens, not refused.
	let long = "word ".repeat(1_600); // 8,000 bytes, 1,600 tokens
	assert_eq!(engine().embed(&[long]).unwrap()[0].len(), 384);
}

#[test]
fn embed_refuses_bad_input() {
	let field = |r: Result<Vec<Vec<f32>>, ExecError>| match r {
		Err(ExecError::BadInput { field, .. }) => field,
		other => panic!("expected BadInput, got {other:?}"),
	};
	assert_eq!(field(engine().embed(&[])), "texts");
	assert_eq!(field(engine().embed(&vec!["a".to_string(); 257])), "texts");
	assert_eq!(field(engine().embed(&["ok".into(), "x".repeat(8 * 1024 + 1)])), "texts[1]");
}

#[test]
fn embed_step_plain_and_retrieval() {
	let m = manifest(
		"embedding",
		json!([{ "id": "embed", "executor": "embed", "model": "all-MiniLM-L6-v2" }]),
	);
	let out = engine().run(&m, br#"{"texts": ["one", "two"]}"#).unwrap();
	let doc: Value = serde_json::from_slice(&out.document).unwrap();
	let step = &doc["steps"]["embed"];
	assert_eq!(step["model"], "all-MiniLM-L6-v2");
	assert_eq!(step["dimensions"], 384);
	let vectors = step["embeddings"].as_array().unwrap();
	assert_eq!(vectors.len(), 2);
	let first: Vec<f32> =
		vectors[0].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
	// The document carries the exact f32 values of the direct call.
	assert_eq!(first, engine().embed(&texts(&["one"])).unwrap()[0]);
	assert!(out.blobs.is_empty());

	// One string as input.text; a custom field.
	let one = engine().run(&m, br#"{"text": "one"}"#).unwrap();
	let one: Value = serde_json::from_slice(&one.document).unwrap();
	assert_eq!(one["steps"]["embed"]["embeddings"][0], vectors[0]);
	let custom = manifest(
		"embedding",
		json!([{ "id": "e", "executor": "embed", "model": "all-MiniLM-L6-v2",
			"params": { "field": "sentences" } }]),
	);
	let r = engine().run(&custom, br#"{"sentences": ["one"]}"#).unwrap();
	let r: Value = serde_json::from_slice(&r.document).unwrap();
	assert_eq!(r["steps"]["e"]["embeddings"][0], vectors[0]);
	assert!(matches!(
		engine().run(&custom, br#"{"texts": ["one"]}"#),
		Err(ExecError::BadInput { field, .. }) if field == "input.sentences"
	));

	let rag = manifest(
		"retrieval",
		json!([{ "id": "search", "executor": "embed", "model": "all-MiniLM-L6-v2", "params": {
			"documents": [
				"Bananas are yellow and rich in potassium.",
				"Paris is the capital and largest city of France.",
				"A guitar usually has six strings.",
			],
			"top_k": 2,
		} }]),
	);
	let out = engine().run(&rag, br#"{"question": "What is the capital of France?"}"#).unwrap();
	let doc: Value = serde_json::from_slice(&out.document).unwrap();
	let step = &doc["steps"]["search"];
	assert_eq!(step["query"], "What is the capital of France?");
	let matches = step["matches"].as_array().unwrap();
	assert_eq!(matches.len(), 2);
	assert_eq!(matches[0]["index"], 1);
	assert_eq!(matches[0]["text"], "Paris is the capital and largest city of France.");
	let (s0, s1) = (matches[0]["score"].as_f64().unwrap(), matches[1]["score"].as_f64().unwrap());
	assert!(s0 > s1 && s0 > 0.5, "scores {s0} {s1}");
}

const CAPITAL: &str = "What is the capital of France?";

#[test]
fn generation_is_greedy_and_reproducible() {
	let started = Instant::now();
	let a = engine().generate(None, CAPITAL, 32).unwrap();
	eprintln!("generation: {:?} in {} ms", a, started.elapsed().as_millis());
	assert!(!a.text.trim().is_empty());
	assert!(a.text.contains("Paris"), "{:?}", a.text);
	assert!(a.tokens >= 1 && a.tokens <= 32);
	assert_eq!(a.finish_reason == FinishReason::Length, a.tokens == 32);
	// `<|im_start|>user\n` + prompt + `<|im_end|>\n<|im_start|>assistant\n`.
	assert!(a.prompt_tokens > 10 && a.prompt_tokens < 20, "{}", a.prompt_tokens);

	let b = engine().generate(None, CAPITAL, 32).unwrap();
	assert_eq!(a, b);

	// An attestor re-executes with its own, freshly loaded model.
	let fresh = Engine::new(models_dir(), DeviceChoice::Cpu).unwrap();
	assert_eq!(fresh.generate(None, CAPITAL, 32).unwrap(), a);

	// A shorter budget is a prefix of the same greedy path.
	let short = engine().generate(None, CAPITAL, 3).unwrap();
	assert_eq!((short.tokens, short.finish_reason), (3, FinishReason::Length));
	assert!(a.text.starts_with(short.text.trim_end()), "{:?} / {:?}", short.text, a.text);

	// A system prompt is a real input.
	let pirate = engine().generate(Some("You always answer in French."), CAPITAL, 32).unwrap();
	assert!(pirate.prompt_tokens > a.prompt_tokens);
	assert_ne!(pirate.text, a.text);
}

#[test]
fn generate_refuses_bad_arguments() {
	let field = |r: Result<Generation, ExecError>| match r {
		Err(ExecError::BadInput { field, .. }) => field,
		other => panic!("expected BadInput, got {other:?}"),
	};
	assert_eq!(field(engine().generate(None, "hi", 0)), "max_tokens");
	assert_eq!(field(engine().generate(None, "hi", 513)), "max_tokens");
	assert_eq!(field(engine().generate(None, &"x".repeat(8 * 1024 + 1), 8)), "prompt");
	assert_eq!(field(engine().generate(Some(&"x".repeat(8 * 1024 + 1)), "hi", 8)), "system");
	// Within 8 KiB but over the 4,096-token context with the budget: digits are one token each.
	assert_eq!(field(engine().generate(None, &"7".repeat(8 * 1024), 8)), "prompt");
}

/// Retrieval feeding generation: the whole pipeline, twice, bit for bit.
#[test]
fn a_run_is_bit_identical_and_canonical() {
	let m = manifest(
		"rag",
		json!([
			{ "id": "search", "executor": "embed", "model": "all-MiniLM-L6-v2", "params": {
				"documents": [
					"The Havn chain settles AI workflow runs.",
					"Paris is the capital and largest city of France.",
				],
			} },
			{ "id": "answer", "executor": "llm", "model": "SmolLM2-135M-Instruct", "params": {
				"system": "Answer in one short sentence using the context.",
				"context_from": "search",
				"max_tokens": 24,
			} },
			{ "id": "tune", "executor": "audio", "params": { "text_field": "question" } },
		]),
	);
	let input = br#"{"question": "Which city is the capital of France?"}"#;
	let a = engine().run(&m, input).unwrap();
	let b = engine().run(&m, input).unwrap();
	assert_eq!(a.document, b.document);
	assert_eq!(a.blobs, b.blobs);

	let doc: Value = serde_json::from_slice(&a.document).unwrap();
	assert_eq!(doc["schema"], "havn.outputs/v1");
	assert_eq!(doc["executor_version"], EXECUTOR_VERSION);
	assert_eq!(doc["workflow"], "rag");
	// Canonical: keys sorted at every level, no whitespace.
	let text = std::str::from_utf8(&a.document).unwrap();
	assert!(text.starts_with(r#"{"executor_version":"#), "{text}");
	assert!(text.contains(r#""steps":{"answer":{"finish_reason":"#), "{text}");
	assert_eq!(serde_json::to_vec(&doc).unwrap(), a.document);

	let answer = &doc["steps"]["answer"];
	assert_eq!(answer["model"], "SmolLM2-135M-Instruct");
	assert_eq!(answer["quantization"], "Q4_1");
	assert!(answer["text"].as_str().unwrap().contains("Paris"), "{answer}");
	// The context made the prompt longer than the bare question would be.
	let bare = engine()
		.generate(
			Some("Answer in one short sentence using the context."),
			"Which city is the capital of France?",
			1,
		)
		.unwrap();
	assert!(answer["prompt_tokens"].as_u64().unwrap() > bare.prompt_tokens as u64 + 10);

	let tune = &doc["steps"]["tune"];
	assert_eq!(a.blobs.len(), 1);
	assert_eq!(tune["cid"], a.blobs[0].cid.as_str());
	assert_eq!(havn_primitives::cid::cid_of(&a.blobs[0].bytes), a.blobs[0].cid);
	assert!(a.compute_ms > 0);

	// Another input gives another document.
	let c = engine().run(&m, br#"{"question": "Which city is the capital of Italy?"}"#).unwrap();
	assert_ne!(c.document, a.document);
}

#[test]
fn run_refuses_bad_input_and_manifests() {
	let m = manifest("t", json!([{ "id": "tune", "executor": "audio" }]));
	let big = vec![b' '; MAX_INPUT_BYTES + 1];
	assert!(
		matches!(engine().run(&m, &big), Err(ExecError::InputTooLarge(n)) if n == MAX_INPUT_BYTES + 1)
	);
	for input in [&b"[1, 2]"[..], b"\"text\"", b"{", b""] {
		assert!(
			matches!(
				engine().run(&m, input),
				Err(ExecError::BadInput { ref field, .. }) if field == "input"
			),
			"{:?}",
			String::from_utf8_lossy(input)
		);
	}
	let wrong_model =
		manifest("t", json!([{ "id": "e", "executor": "embed", "model": "bge-small-en" }]));
	match engine().run(&wrong_model, br#"{"text": "a"}"#) {
		Err(ExecError::BadManifest(msg)) => {
			assert!(msg.contains("step `e`") && msg.contains("all-MiniLM-L6-v2"), "{msg}")
		}
		other => panic!("expected BadManifest, got {other:?}"),
	}
	let llm_wrong = manifest("t", json!([{ "id": "g", "executor": "llm", "model": "gpt-4" }]));
	assert!(matches!(
		engine().run(&llm_wrong, br#"{"prompt": "a"}"#),
		Err(ExecError::BadManifest(_))
	));
	let bad_budget = manifest(
		"t",
		json!([{ "id": "g", "executor": "llm", "model": "SmolLM2-135M-Instruct",
			"params": { "max_tokens": 513 } }]),
	);
	match engine().run(&bad_budget, br#"{"prompt": "a"}"#) {
		Err(ExecError::BadManifest(msg)) => assert!(msg.contains("params.max_tokens"), "{msg}"),
		other => panic!("expected BadManifest, got {other:?}"),
	}
	let no_context = manifest(
		"t",
		json!([{ "id": "g", "executor": "llm", "model": "SmolLM2-135M-Instruct",
			"params": { "context_from": "search" } }]),
	);
	match engine().run(&no_context, br#"{"prompt": "a"}"#) {
		Err(ExecError::BadManifest(msg)) => assert!(msg.contains("context_from"), "{msg}"),
		other => panic!("expected BadManifest, got {other:?}"),
	}
	let llm =
		manifest("t", json!([{ "id": "g", "executor": "llm", "model": "SmolLM2-135M-Instruct" }]));
	assert!(matches!(
		engine().run(&llm, br#"{"text": "a"}"#),
		Err(ExecError::BadInput { field, .. }) if field == "input.prompt"
	));
	// A manifest built by hand (not parsed) with clashing step ids.
	let mut dup = m.clone();
	dup.steps.push(dup.steps[0].clone());
	assert!(matches!(engine().run(&dup, br#"{"text": "a"}"#), Err(ExecError::BadManifest(_))));
	let mut reserved = m.clone();
	reserved.steps[0].id = "input".into();
	assert!(matches!(engine().run(&reserved, br#"{"text": "a"}"#), Err(ExecError::BadManifest(_))));
}

#[test]
fn missing_models_say_how_to_fetch_them() {
	let empty = tempfile::tempdir().unwrap();
	let engine = Engine::new(empty.path(), DeviceChoice::Cpu).unwrap();
	for err in
		[engine.embed(&texts(&["a"])).unwrap_err(), engine.generate(None, "a", 1).unwrap_err()]
	{
		match &err {
			ExecError::ModelMissing { path, hint } => {
				assert!(path.starts_with(&empty.path().display().to_string()), "{path}");
				assert_eq!(*hint, "run scripts/fetch-models.sh");
			}
			other => panic!("expected ModelMissing, got {other:?}"),
		}
		assert!(err.to_string().contains("scripts/fetch-models.sh"));
	}
	// Executors without models still run.
	let m = manifest("t", json!([{ "id": "tune", "executor": "audio" }]));
	assert_eq!(engine.run(&m, br#"{"text": "abc"}"#).unwrap().blobs.len(), 1);
}

#[test]
fn devices() {
	let cpu = Engine::new(models_dir(), DeviceChoice::Cpu).unwrap();
	assert_eq!(cpu.device_name(), "cpu");
	#[cfg(not(feature = "cuda"))]
	assert!(matches!(
		Engine::new(models_dir(), DeviceChoice::Cuda(0)),
		Err(ExecError::Unsupported(msg)) if msg.contains("cuda")
	));
	#[cfg(feature = "cuda")]
	assert_eq!(Engine::new(models_dir(), DeviceChoice::Cuda(0)).unwrap().device_name(), "cuda:0");
}

#[test]
fn engine_is_send_and_sync() {
	fn check<T: Send + Sync>() {}
	check::<Engine>();
	// Concurrent callers share the loaded models and get the same answers.
	let answers: Vec<Generation> = std::thread::scope(|s| {
		let handles: Vec<_> = (0..2)
			.map(|_| s.spawn(|| engine().generate(None, "Name a colour.", 8).unwrap()))
			.collect();
		handles.into_iter().map(|h| h.join().unwrap()).collect()
	});
	assert_eq!(answers[0], answers[1]);
}

/// Timings for the report (`cargo test -p havn-executors timings -- --nocapture`); models are
/// loaded before the clock starts.
#[test]
fn timings() {
	let e = engine();
	e.embed(&texts(&["warm-up"])).unwrap();
	e.generate(None, "warm-up", 1).unwrap();
	let pair = texts(&["A man is playing a guitar.", "Someone plays the guitar."]);
	let started = Instant::now();
	let v = e.embed(&pair).unwrap();
	let embed_ms = started.elapsed().as_secs_f64() * 1000.0;
	assert_eq!(v.len(), 2);
	let started = Instant::now();
	let g = e.generate(None, "Write a short story about a lighthouse keeper.", 32).unwrap();
	let gen_ms = started.elapsed().as_secs_f64() * 1000.0;
	eprintln!(
		"TIMING device={} embed(2 texts)={embed_ms:.1} ms \
		 generate({} tokens, prompt {})={gen_ms:.1} ms ({:.1} ms/token)",
		e.device_name(),
		g.tokens,
		g.prompt_tokens,
		gen_ms / g.tokens.max(1) as f64
	);
	assert_eq!(g.tokens, 32, "a story does not end within 32 tokens: {:?}", g.text);
}
