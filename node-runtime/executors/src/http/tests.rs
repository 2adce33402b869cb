//! Tests of the `http` executor. The servers stand in for an operator's own model server (vLLM,
//! llama.cpp server, ComfyUI), which cannot run here: they speak the same request and response
//! shapes.

use super::*;
use crate::test_support::{engine, manifest, serve, Response};

fn step(params: Value, model: Option<&str>, input: Value) -> Result<StepOutput, ExecError> {
	step_by(params, model, input, None)
}

/// [`step`] with the run's deadline.
fn step_by(
	params: Value,
	model: Option<&str>,
	input: Value,
	deadline: Option<Instant>,
) -> Result<StepOutput, ExecError> {
	let params = params.as_object().unwrap().clone();
	let input = input.as_object().unwrap().clone();
	let mut state = Map::new();
	state.insert("input".into(), Value::Object(input.clone()));
	run_step(&Params::new("remote", &params), model, &state, &input, deadline)
}

fn http_reason(r: Result<StepOutput, ExecError>) -> (String, String) {
	match r {
		Err(ExecError::Http { url, reason }) => (url, reason),
		Err(e) => panic!("expected Http, got {e}"),
		Ok(o) => panic!("expected Http, got {}", o.value),
	}
}

#[test]
fn openai_chat_request_and_response() {
	let server = serve(|req| {
		assert_eq!((req.method.as_str(), req.target.as_str()), ("POST", "/v1/chat/completions"));
		let body = req.json();
		let user = body["messages"].as_array().unwrap().last().unwrap()["content"].clone();
		Response::json(json!({
			"id": "chatcmpl-1",
			"object": "chat.completion",
			"model": body["model"],
			"choices": [{ "index": 0, "finish_reason": "stop",
				"message": { "role": "assistant", "content": format!("echo: {}", user.as_str().unwrap()) } }],
		}))
	});
	// `HAVN_HTTP_TEST_TOKEN` is set by `.cargo/config.toml` (`[env]`) for every process cargo
	// runs; using it avoids set_var in a multi-threaded test binary.
	let out = step(
		json!({ "api": "openai-chat", "url": format!("{}/", server.url), "system": "Be brief.",
			"max_tokens": 100, "api_key_env": "HAVN_HTTP_TEST_TOKEN" }),
		Some("llama-3-8b"),
		json!({ "question": "Why is the sky blue?" }),
	)
	.unwrap();
	assert_eq!(
		out.value,
		json!({ "api": "openai-chat", "model": "llama-3-8b", "text": "echo: Why is the sky blue?" })
	);
	let reqs = server.requests();
	assert_eq!(reqs.len(), 1);
	let body = reqs[0].json();
	assert_eq!(body["model"], "llama-3-8b");
	assert_eq!(body["temperature"].as_f64(), Some(0.0));
	assert_eq!(body["seed"], 0);
	assert_eq!(body["max_tokens"], 100);
	assert_eq!(
		body["messages"],
		json!([{ "role": "system", "content": "Be brief." },
			{ "role": "user", "content": "Why is the sky blue?" }])
	);
	assert_eq!(reqs[0].header("authorization"), Some("Bearer havn-executors"));
	assert!(reqs[0].header("content-type").unwrap().starts_with("application/json"));

	// Without a key no Authorization header is sent; default max_tokens is 64.
	step(json!({ "api": "openai-chat", "url": server.url }), Some("m"), json!({ "prompt": "p" }))
		.unwrap();
	let req = &server.requests()[1];
	assert_eq!(req.header("authorization"), None);
	assert_eq!(req.json()["max_tokens"], 64);
	assert_eq!(req.json()["messages"], json!([{ "role": "user", "content": "p" }]));
}

#[test]
fn openai_chat_through_a_run_feeds_the_document() {
	let server =
		serve(|_| Response::json(json!({ "choices": [{ "message": { "content": "Paris." } }] })));
	let m = manifest(
		"remote",
		json!([{ "id": "chat", "executor": "http", "model": "qwen2.5-7b",
			"params": { "api": "openai-chat", "url": server.url } }]),
	);
	let a = engine().run(&m, br#"{"prompt": "Capital of France?"}"#).unwrap();
	let b = engine().run(&m, br#"{"prompt": "Capital of France?"}"#).unwrap();
	assert_eq!(a.document, b.document);
	let doc: Value = serde_json::from_slice(&a.document).unwrap();
	assert_eq!(doc["steps"]["chat"]["text"], "Paris.");
}

#[test]
fn errors_name_the_url_without_secrets() {
	let server = serve(|_| Response {
		status: 500,
		content_type: "text/plain",
		body: b"model crashed\nout of memory".to_vec(),
	});
	let url = server.url.replace("http://", "http://admin:hunter2@");
	let (shown, reason) = http_reason(step(
		json!({ "api": "openai-chat", "url": url, "api_key_env": "HAVN_HTTP_TEST_TOKEN" }),
		Some("m"),
		json!({ "prompt": "p" }),
	));
	assert_eq!(shown, format!("{}/v1/chat/completions", server.url));
	assert!(reason.contains("500") && reason.contains("model crashed out of memory"), "{reason}");
	let whole = ExecError::Http { url: shown, reason }.to_string();
	assert!(!whole.contains("hunter2") && !whole.contains("havn-executors"), "{whole}");

	// A malformed success.
	let odd = serve(|_| Response::json(json!({ "choices": [] })));
	let (_, reason) = http_reason(step(
		json!({ "api": "openai-chat", "url": odd.url }),
		Some("m"),
		json!({ "prompt": "p" }),
	));
	assert!(reason.contains("choices[0].message.content"), "{reason}");

	// Nobody listening.
	let port = {
		let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		l.local_addr().unwrap().port()
	};
	let (_, reason) = http_reason(step(
		json!({ "api": "openai-chat", "url": format!("http://127.0.0.1:{port}") }),
		Some("m"),
		json!({ "prompt": "p" }),
	));
	assert!(reason.contains("could not connect"), "{reason}");
}

#[test]
fn bodies_are_capped_and_slow_servers_time_out() {
	let huge = serve(|_| Response {
		status: 200,
		content_type: "application/json",
		body: vec![b' '; MAX_BODY_BYTES + 1],
	});
	let (_, reason) = http_reason(step(
		json!({ "api": "openai-chat", "url": huge.url }),
		Some("m"),
		json!({ "prompt": "p" }),
	));
	assert!(reason.contains("over 16777216 bytes"), "{reason}");

	let slow = serve(|_| {
		std::thread::sleep(Duration::from_millis(1_500));
		Response::json(json!({}))
	});
	let started = Instant::now();
	let (_, reason) = http_reason(step(
		json!({ "api": "openai-chat", "url": slow.url, "timeout_ms": 300 }),
		Some("m"),
		json!({ "prompt": "p" }),
	));
	assert!(reason.contains("timed out after 300 ms"), "{reason}");
	assert!(started.elapsed() < Duration::from_millis(1_400));
}

/// Finding 12 of `docs/security.md`: a creator's manifest asks for the longest timeout against
/// a server that never answers in time; the request still ends at the run's deadline (the
/// time the job's deadline block leaves the node), and a step due after it does not start.
#[test]
fn a_request_ends_at_the_runs_deadline() {
	let slow = serve(|_| {
		std::thread::sleep(Duration::from_secs(3));
		Response::json(json!({}))
	});
	let params = json!({ "api": "openai-chat", "url": slow.url, "timeout_ms": MAX_TIMEOUT_MS });
	let started = Instant::now();
	let deadline = Some(started + Duration::from_millis(300));
	let past = Some(Instant::now());
	for deadline in [deadline, past] {
		match step_by(params.clone(), Some("m"), json!({ "prompt": "p" }), deadline) {
			Err(ExecError::DeadlineReached { step }) => assert_eq!(step, "remote"),
			Err(e) => panic!("expected DeadlineReached, got {e}"),
			Ok(o) => panic!("expected DeadlineReached, got {}", o.value),
		}
	}
	assert!(started.elapsed() < Duration::from_millis(2_500), "{:?}", started.elapsed());
}

/// Finding 12 of `docs/security.md`: while one run's `http` step waits on its server, another
/// run's `embed` step gets the model slot and finishes; the server answers only after that.
#[test]
fn an_http_step_waiting_on_its_server_leaves_the_model_slot_free() {
	let (release, released) = std::sync::mpsc::channel::<()>();
	let released = std::sync::Mutex::new(released);
	let (asked, asked_rx) = std::sync::mpsc::channel::<()>();
	let asked = std::sync::Mutex::new(asked);
	let server = serve(move |_| {
		let _ = asked.lock().unwrap().send(());
		// Answers once the other run is done (or after 60 s: the test then fails below).
		let _ = released.lock().unwrap().recv_timeout(Duration::from_secs(60));
		Response::json(json!({ "choices": [{ "message": { "content": "late" } }] }))
	});
	let remote = manifest(
		"remote",
		json!([{ "id": "chat", "executor": "http", "model": "m",
			"params": { "api": "openai-chat", "url": server.url } }]),
	);
	let waiting = std::thread::spawn(move || {
		let deadline = Some(Instant::now() + Duration::from_secs(120));
		engine().run_until(&remote, br#"{"prompt": "p"}"#, deadline)
	});
	asked_rx.recv_timeout(Duration::from_secs(30)).unwrap();
	let local = manifest(
		"embedding",
		json!([{ "id": "embed", "executor": "embed", "model": "all-MiniLM-L6-v2" }]),
	);
	engine().run(&local, br#"{"texts": ["one"]}"#).unwrap();
	assert!(!waiting.is_finished(), "the http run ended before the embed run");
	release.send(()).unwrap();
	let remote = waiting.join().unwrap().unwrap();
	let doc: Value = serde_json::from_slice(&remote.document).unwrap();
	assert_eq!(doc["steps"]["chat"]["text"], "late");
}

#[test]
fn bad_http_params_are_manifest_errors() {
	let manifest_err = |r: Result<StepOutput, ExecError>, what: &str| match r {
		Err(ExecError::BadManifest(m)) => assert!(m.contains(what), "{m}"),
		Err(e) => panic!("expected BadManifest about {what}, got {e}"),
		Ok(_) => panic!("expected BadManifest about {what}"),
	};
	let input = json!({ "prompt": "p" });
	manifest_err(
		step(json!({ "url": "http://127.0.0.1:9" }), Some("m"), input.clone()),
		"params.api",
	);
	manifest_err(
		step(json!({ "api": "grpc", "url": "http://127.0.0.1:9" }), Some("m"), input.clone()),
		"params.api",
	);
	manifest_err(step(json!({ "api": "openai-chat" }), Some("m"), input.clone()), "params.url");
	manifest_err(
		step(json!({ "api": "openai-chat", "url": "ftp://x" }), Some("m"), input.clone()),
		"params.url",
	);
	manifest_err(
		step(json!({ "api": "openai-chat", "url": "http://127.0.0.1:9" }), None, input.clone()),
		"model",
	);
	// A manifest may not point at hosts the operator did not allow, nor read other secrets.
	manifest_err(
		step(
			json!({ "api": "openai-chat", "url": "http://10.0.0.7:8000" }),
			Some("m"),
			input.clone(),
		),
		"params.url",
	);
	manifest_err(
		step(
			json!({ "api": "openai-chat", "url": "http://127.0.0.1:9", "api_key_env": "HAVN_KEY_PASSWORD" }),
			Some("m"),
			input.clone(),
		),
		"params.api_key_env",
	);
	manifest_err(
		step(
			json!({ "api": "openai-chat", "url": "http://127.0.0.1:9", "api_key_env": "HAVN_HTTP_SURELY_UNSET_VAR" }),
			Some("m"),
			input.clone(),
		),
		"params.api_key_env",
	);
	manifest_err(
		step(
			json!({ "api": "comfyui", "url": "http://127.0.0.1:9", "prompt_node": "6" }),
			None,
			input.clone(),
		),
		"params.workflow",
	);
	manifest_err(
		step(
			json!({ "api": "comfyui", "url": "http://127.0.0.1:9", "prompt_node": "9",
				"workflow": { "6": { "inputs": {} } } }),
			None,
			input.clone(),
		),
		"params.prompt_node",
	);
	assert!(matches!(
		step(json!({ "api": "openai-chat", "url": "https://api.example.com" }), Some("m"), input),
		Err(ExecError::Unsupported(_))
	));
}

/// A two-node excerpt of ComfyUI's default text-to-image graph, in API format.
fn graph() -> Value {
	json!({
		"6": { "class_type": "CLIPTextEncode", "inputs": { "text": "PLACEHOLDER", "clip": ["4", 1] } },
		"9": { "class_type": "SaveImage", "inputs": { "filename_prefix": "havn", "images": ["8", 0] } },
	})
}

fn png(tag: u8) -> Vec<u8> {
	let mut bytes = PNG_SIGNATURE.to_vec();
	bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', tag]);
	bytes
}

#[test]
fn comfyui_queues_polls_and_fetches_images() {
	let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
	let seen = polls.clone();
	let server = serve(move |req| match (req.method.as_str(), req.target.as_str()) {
		("POST", "/prompt") => {
			Response::json(json!({ "prompt_id": "0f8e-42", "number": 1, "node_errors": {} }))
		}
		("GET", "/history/0f8e-42") => {
			// Running for the first two polls, then done.
			if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
				return Response::json(json!({}));
			}
			Response::json(json!({ "0f8e-42": {
				"status": { "status_str": "success", "completed": true, "messages": [] },
				"outputs": {
					"9": { "images": [
						{ "filename": "havn_00001_.png", "subfolder": "", "type": "output" },
						{ "filename": "havn_00002_.png", "subfolder": "batch 1", "type": "output" },
					] },
				},
			} }))
		}
		("GET", target) if target.starts_with("/view?") => {
			let tag = if target.contains("00001") { 1 } else { 2 };
			Response { status: 200, content_type: "image/png", body: png(tag) }
		}
		_ => Response { status: 404, content_type: "text/plain", body: b"no".to_vec() },
	});
	let out = step(
		json!({ "api": "comfyui", "url": server.url, "workflow": graph(), "prompt_node": "6" }),
		None,
		json!({ "prompt": "a lighthouse at dawn, oil painting" }),
	)
	.unwrap();
	let (one, two) = (png(1), png(2));
	assert_eq!(
		out.value,
		json!({ "api": "comfyui", "images": [
			{ "cid": havn_primitives::cid::cid_of(&one), "media_type": "image/png" },
			{ "cid": havn_primitives::cid::cid_of(&two), "media_type": "image/png" },
		] })
	);
	assert_eq!(out.blobs.len(), 2);
	assert_eq!((&out.blobs[0].bytes, &out.blobs[1].bytes), (&one, &two));

	let reqs = server.requests();
	let queued = reqs[0].json();
	let mut expected = graph();
	expected["6"]["inputs"]["text"] = json!("a lighthouse at dawn, oil painting");
	assert_eq!(queued["prompt"], expected);
	assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 3);
	let views: Vec<&str> =
		reqs.iter().map(|r| r.target.as_str()).filter(|t| t.starts_with("/view")).collect();
	assert_eq!(
		views,
		[
			"/view?filename=havn_00001_.png&subfolder=&type=output",
			"/view?filename=havn_00002_.png&subfolder=batch+1&type=output",
		]
	);
}

#[test]
fn comfyui_failures_and_timeouts() {
	let params = |url: &str, timeout_ms: u64| {
		json!({ "api": "comfyui", "url": url, "workflow": graph(), "prompt_node": "6",
			"timeout_ms": timeout_ms })
	};
	let input = json!({ "prompt": "p" });
	let never = serve(|req| {
		if req.target == "/prompt" {
			Response::json(json!({ "prompt_id": "p1", "number": 1, "node_errors": {} }))
		} else {
			Response::json(json!({}))
		}
	});
	let started = Instant::now();
	let (url, reason) = http_reason(step(params(&never.url, 700), None, input.clone()));
	assert!(reason.contains("timed out after 700 ms waiting for outputs"), "{reason}");
	assert_eq!(url, format!("{}/history/p1", never.url));
	assert!(started.elapsed() >= Duration::from_millis(700));
	assert!(never.requests().len() >= 3, "polled {} times", never.requests().len());

	let failing = serve(|req| {
		if req.target == "/prompt" {
			Response::json(json!({ "prompt_id": "p2", "number": 1, "node_errors": {} }))
		} else {
			Response::json(json!({ "p2": { "status": { "status_str": "error", "completed": false },
				"outputs": {} } }))
		}
	});
	let (_, reason) = http_reason(step(params(&failing.url, 5_000), None, input.clone()));
	assert!(reason.contains("failed"), "{reason}");

	let refused = serve(|_| {
		Response::json(
			json!({ "error": "invalid prompt", "node_errors": { "6": { "errors": [] } } }),
		)
	});
	let (_, reason) = http_reason(step(params(&refused.url, 5_000), None, input.clone()));
	assert!(reason.contains("refused nodes 6"), "{reason}");

	let not_png = serve(|req| match req.target.as_str() {
		"/prompt" => Response::json(json!({ "prompt_id": "p3" })),
		"/history/p3" => Response::json(json!({ "p3": { "outputs": {
			"9": { "images": [{ "filename": "x.png" }] } } } })),
		_ => Response { status: 200, content_type: "image/png", body: b"GIF89a".to_vec() },
	});
	let (_, reason) = http_reason(step(params(&not_png.url, 5_000), None, input));
	assert!(reason.contains("not a PNG"), "{reason}");
}

/// Finding 12 of `docs/security.md`: loopback was allowed by default, so a creator's
/// manifest could reach the services on the node's host (the chain node's RPC). Every host
/// is now the operator's explicit choice.
#[test]
fn every_host_is_listed_by_the_operator_loopback_included() {
	let url = |s: &str| Url::parse(s).unwrap();
	for loopback in ["http://127.0.0.1:9944", "http://localhost/x", "http://[::1]:8000"] {
		assert!(!host_allowed(&url(loopback), ""), "{loopback}");
	}
	assert!(host_allowed(&url("http://127.0.0.1:8188"), "127.0.0.1:8188"));
	assert!(!host_allowed(&url("http://127.0.0.1:9944"), "127.0.0.1:8188"));
	assert!(host_allowed(&url("http://localhost/x"), "localhost"));
	assert!(host_allowed(&url("http://[::1]:8000"), "[::1]:8000"));
	assert!(host_allowed(&url("http://[::1]:8000"), "::1"));
	assert!(!host_allowed(&url("http://10.0.0.7:8000"), ""));
	assert!(host_allowed(&url("http://10.0.0.7:8000"), "gpu.local, 10.0.0.7:8000"));
	assert!(!host_allowed(&url("http://10.0.0.7:9000"), "10.0.0.7:8000"));
	assert!(host_allowed(&url("http://gpu.local:9000"), "gpu.local"));
}
