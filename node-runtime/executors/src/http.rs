//! The `http` executor: the operator's own model server, over plain HTTP.
//!
//! - `params.api = "openai-chat"`: an OpenAI-compatible chat server (vLLM, llama.cpp server,
//!   ...). `POST {params.url}/v1/chat/completions` with the step's `model`, the chat messages
//!   (system from `params.system`, user turn as for `llm`), `temperature: 0`, `seed: 0` and
//!   `max_tokens` (`params.max_tokens`, default 64, 1..=4096). Output
//!   `{"api": "openai-chat", "model", "text"}` from `choices[0].message.content`.
//! - `params.api = "comfyui"`: a ComfyUI server. `params.workflow` is an API-format graph and
//!   `params.prompt_node` the id of the node whose `inputs.text` receives the prompt.
//!   `POST {url}/prompt`, then `GET {url}/history/{prompt_id}` every 250 ms until outputs appear
//!   (at most `params.timeout_ms`, default 120000), then `GET {url}/view?...` for each image.
//!   Output `{"api": "comfyui", "images": [{"cid", "media_type": "image/png"}]}` (output nodes in
//!   id order, images in the server's order) and the PNGs as blobs. File names are left out:
//!   ComfyUI numbers them per server, so they would make equal runs differ.
//!
//! Every request has a timeout (`params.timeout_ms`); response bodies are capped at 16 MiB;
//! redirects are not followed. Errors name the URL without credentials or query string and
//! never the token.
//!
//! The manifest is written by a creator, not by the operator, so the operator decides what it
//! may reach and read:
//! - `params.url` must name a host the operator allows, loopback included: one of the
//!   comma-separated `host` / `host:port` entries of the `HAVN_HTTP_ALLOWED_HOSTS` environment
//!   variable. Nothing is allowed by default: the node's host runs services on loopback (the
//!   chain node's RPC, its metrics) that a creator's manifest must not reach (finding 12 of
//!   `docs/security.md`);
//! - `params.api_key_env` names the environment variable holding a bearer token, and it must
//!   start with `HAVN_HTTP_`, so a manifest can never make a node send its other secrets (its
//!   keystore password, say) to a server.

use crate::{llm::user_turn, params::Params, Blob, ExecError, StepOutput};
use reqwest::{
	blocking::{Client, RequestBuilder},
	Url,
};
use serde_json::{json, Map, Value};
use std::{
	io::Read,
	time::{Duration, Instant},
};

/// Largest response body read, in bytes.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Default `params.timeout_ms`.
pub(crate) const DEFAULT_TIMEOUT_MS: u64 = 120_000;
/// Largest `params.timeout_ms`.
pub(crate) const MAX_TIMEOUT_MS: u64 = 3_600_000;
/// ComfyUI history poll interval.
const POLL: Duration = Duration::from_millis(250);
/// Most images taken from one ComfyUI run.
pub(crate) const MAX_IMAGES: usize = 64;
/// Default and largest `max_tokens` of `openai-chat`.
const DEFAULT_MAX_TOKENS: u64 = 64;
const MAX_TOKENS: u64 = 4096;
/// The PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Environment variable listing the hosts (`host` or `host:port`, comma-separated; IPv6 as
/// `::1` or `[::1]:port`) that manifests may point the `http` executor at, loopback included.
/// Unset or empty: none.
pub const ALLOWED_HOSTS_ENV: &str = "HAVN_HTTP_ALLOWED_HOSTS";
/// Prefix every `params.api_key_env` must have.
pub const TOKEN_ENV_PREFIX: &str = "HAVN_HTTP_";

/// Whether `url`'s host is listed in `allowed` (`host` or `host:port` entries), loopback
/// included: the operator opts in to every host.
pub(crate) fn host_allowed(url: &Url, allowed: &str) -> bool {
	let Some(host) = url.host_str() else { return false };
	let host = host.trim_start_matches('[').trim_end_matches(']');
	let port = url.port_or_known_default().unwrap_or(80);
	let with_port =
		if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
	allowed
		.split(',')
		.map(str::trim)
		.filter(|e| !e.is_empty())
		.any(|entry| entry == host || entry == with_port)
}

/// `url` without user name, password, query or fragment, for error messages.
fn redact(url: &Url) -> String {
	let mut url = url.clone();
	// Fails only for URLs that cannot have credentials, which then have none to hide.
	let _ = url.set_username("");
	let _ = url.set_password(None);
	url.set_query(None);
	url.set_fragment(None);
	url.to_string()
}

fn http_error(url: &Url, reason: impl Into<String>) -> ExecError {
	ExecError::Http { url: redact(url), reason: reason.into() }
}

/// One operator server.
struct Server {
	base: String,
	client: Client,
	token: Option<String>,
	timeout: Duration,
}

impl Server {
	fn new(params: &Params<'_>) -> Result<Self, ExecError> {
		let raw = params.str_req("url")?;
		let url = Url::parse(raw).map_err(|e| params.error("url", format!("is not a URL: {e}")))?;
		match url.scheme() {
			"http" => {}
			"https" => {
				return Err(ExecError::Unsupported(format!(
					"step `{}`: params.url is https://, but this build speaks plain HTTP only \
					 (put the server on a private network or behind a local proxy)",
					params.step()
				)))
			}
			other => return Err(params.error("url", format!("has scheme `{other}`; use http://"))),
		}
		if url.query().is_some() || url.fragment().is_some() {
			return Err(params.error("url", "must not have a query or fragment"));
		}
		let allowed = std::env::var(ALLOWED_HOSTS_ENV).unwrap_or_default();
		if !host_allowed(&url, &allowed) {
			return Err(params.error(
				"url",
				format!(
					"names a host this node does not allow (the operator lists every host it \
					 may reach, loopback included, in {ALLOWED_HOSTS_ENV})"
				),
			));
		}
		let timeout = Duration::from_millis(params.u64_in(
			"timeout_ms",
			DEFAULT_TIMEOUT_MS,
			1,
			MAX_TIMEOUT_MS,
		)?);
		let token = match params.str_opt("api_key_env")? {
			None => None,
			Some(var) if !var.starts_with(TOKEN_ENV_PREFIX) => {
				return Err(params.error(
					"api_key_env",
					format!("must name a variable starting with {TOKEN_ENV_PREFIX}"),
				))
			}
			Some(var) => Some(std::env::var(var).map_err(|_| {
				params
					.error("api_key_env", format!("names `{var}`, which is not set (or not UTF-8)"))
			})?),
		};
		let client = Client::builder()
			.timeout(timeout)
			.redirect(reqwest::redirect::Policy::none())
			.build()
			.map_err(|e| http_error(&url, format!("building the client: {}", e.without_url())))?;
		Ok(Self { base: url.as_str().trim_end_matches('/').to_string(), client, token, timeout })
	}

	fn url(&self, path: &str) -> Result<Url, ExecError> {
		let s = format!("{}{path}", self.base);
		Url::parse(&s)
			.map_err(|e| ExecError::Http { url: self.base.clone(), reason: e.to_string() })
	}

	/// Send `request` to `url`; the body of a 2xx response, at most [`MAX_BODY_BYTES`].
	fn send(&self, url: &Url, request: RequestBuilder) -> Result<Vec<u8>, ExecError> {
		let request = match &self.token {
			Some(token) => request.bearer_auth(token),
			None => request,
		};
		let response =
			request.send().map_err(|e| http_error(url, error_reason(e, self.timeout)))?;
		let status = response.status();
		if response.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
			return Err(http_error(url, format!("response body is over {MAX_BODY_BYTES} bytes")));
		}
		let mut body = Vec::new();
		response
			.take(MAX_BODY_BYTES as u64 + 1)
			.read_to_end(&mut body)
			.map_err(|e| http_error(url, format!("reading the response: {e}")))?;
		if body.len() > MAX_BODY_BYTES {
			return Err(http_error(url, format!("response body is over {MAX_BODY_BYTES} bytes")));
		}
		if !status.is_success() {
			let snippet: String = String::from_utf8_lossy(&body)
				.chars()
				.take(200)
				.map(|c| if c.is_control() { ' ' } else { c })
				.collect();
			return Err(http_error(url, format!("status {status}: {}", snippet.trim())));
		}
		Ok(body)
	}

	/// `send`, then parse the body as JSON.
	fn send_json(&self, url: &Url, request: RequestBuilder) -> Result<Value, ExecError> {
		let body = self.send(url, request)?;
		serde_json::from_slice(&body)
			.map_err(|e| http_error(url, format!("response is not JSON: {e}")))
	}
}

/// A reqwest error as a reason: timeouts and connection failures named, no URL.
fn error_reason(e: reqwest::Error, timeout: Duration) -> String {
	if e.is_timeout() {
		return format!("timed out after {} ms", timeout.as_millis());
	}
	let connect = e.is_connect();
	let e = e.without_url();
	let mut reason = e.to_string();
	let mut source = std::error::Error::source(&e);
	while let Some(s) = source {
		reason.push_str(": ");
		reason.push_str(&s.to_string());
		source = s.source();
	}
	if connect {
		format!("could not connect ({reason})")
	} else {
		reason
	}
}

/// Run one `http` step; `model` is the step's `model`.
pub(crate) fn run_step(
	params: &Params<'_>,
	model: Option<&str>,
	state: &Map<String, Value>,
	input: &Map<String, Value>,
) -> Result<StepOutput, ExecError> {
	match params.str_req("api")? {
		"openai-chat" => openai_chat(params, model, state, input),
		"comfyui" => comfyui(params, input),
		other => Err(params.error("api", format!("is `{other}`; use `openai-chat` or `comfyui`"))),
	}
}

fn openai_chat(
	params: &Params<'_>,
	model: Option<&str>,
	state: &Map<String, Value>,
	input: &Map<String, Value>,
) -> Result<StepOutput, ExecError> {
	let model = model.ok_or_else(|| {
		ExecError::BadManifest(format!(
			"step `{}`: an openai-chat step needs `model` (the server's model name)",
			params.step()
		))
	})?;
	let system = params.str_opt("system")?;
	let max_tokens = params.u64_in("max_tokens", DEFAULT_MAX_TOKENS, 1, MAX_TOKENS)?;
	let user = user_turn(params, state, input)?;
	let server = Server::new(params)?;

	let mut messages = Vec::new();
	if let Some(system) = system {
		messages.push(json!({"role": "system", "content": system}));
	}
	messages.push(json!({"role": "user", "content": user}));
	let body = json!({
		"model": model,
		"messages": messages,
		"temperature": 0.0,
		"seed": 0,
		"max_tokens": max_tokens,
	});
	let url = server.url("/v1/chat/completions")?;
	let started = Instant::now();
	let response = server.send_json(&url, server.client.post(url.clone()).json(&body))?;
	let compute = started.elapsed();
	let text = response
		.pointer("/choices/0/message/content")
		.and_then(Value::as_str)
		.ok_or_else(|| http_error(&url, "response has no choices[0].message.content string"))?;
	Ok(StepOutput {
		value: json!({"api": "openai-chat", "model": model, "text": text}),
		blobs: Vec::new(),
		compute,
	})
}

fn comfyui(params: &Params<'_>, input: &Map<String, Value>) -> Result<StepOutput, ExecError> {
	let mut graph =
		params.get("workflow").and_then(Value::as_object).cloned().ok_or_else(|| {
			params.error("workflow", "must be a ComfyUI API-format graph (an object)")
		})?;
	let node_id = params.str_req("prompt_node")?;
	let prompt = match params.str_opt("prompt_field")? {
		Some(field) => crate::params::input_str(input, field, crate::llm::MAX_PROMPT_BYTES)?,
		None => crate::params::input_str(input, "prompt", crate::llm::MAX_PROMPT_BYTES)?,
	};
	let inputs = graph
		.get_mut(node_id)
		.and_then(|node| node.get_mut("inputs"))
		.and_then(Value::as_object_mut)
		.ok_or_else(|| {
			params.error(
				"prompt_node",
				format!("`{node_id}` is not a node with inputs in the workflow"),
			)
		})?;
	inputs.insert("text".to_string(), Value::String(prompt.to_string()));
	let server = Server::new(params)?;
	let started = Instant::now();
	let deadline = started + server.timeout;

	let url = server.url("/prompt")?;
	let queued =
		server.send_json(&url, server.client.post(url.clone()).json(&json!({"prompt": graph})))?;
	if let Some(errors) = queued.get("node_errors").and_then(Value::as_object) {
		if !errors.is_empty() {
			let names: Vec<&str> = errors.keys().map(String::as_str).collect();
			return Err(http_error(&url, format!("ComfyUI refused nodes {}", names.join(", "))));
		}
	}
	let prompt_id = queued
		.get("prompt_id")
		.and_then(Value::as_str)
		.ok_or_else(|| http_error(&url, "response has no prompt_id"))?;
	if prompt_id.is_empty()
		|| !prompt_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
	{
		return Err(http_error(&url, "prompt_id is not a plain identifier"));
	}

	let url = server.url(&format!("/history/{prompt_id}"))?;
	let outputs = loop {
		let history = server.send_json(&url, server.client.get(url.clone()))?;
		if let Some(entry) = history.get(prompt_id) {
			let status = entry.get("status");
			if status.and_then(|s| s.get("status_str")).and_then(Value::as_str) == Some("error") {
				return Err(http_error(&url, "ComfyUI reports that the prompt failed"));
			}
			let completed =
				status.and_then(|s| s.get("completed")).and_then(Value::as_bool).unwrap_or(true);
			if let Some(outputs) = entry.get("outputs").and_then(Value::as_object) {
				if completed && !outputs.is_empty() {
					break outputs.clone();
				}
			}
		}
		let now = Instant::now();
		if now >= deadline {
			return Err(http_error(
				&url,
				format!("timed out after {} ms waiting for outputs", server.timeout.as_millis()),
			));
		}
		std::thread::sleep(POLL.min(deadline - now));
	};

	let mut images = Vec::new();
	let mut blobs: Vec<Blob> = Vec::new();
	// serde_json's map iterates in key order: output nodes in id order.
	for node in outputs.values() {
		let Some(list) = node.get("images").and_then(Value::as_array) else { continue };
		for image in list {
			if images.len() == MAX_IMAGES {
				return Err(http_error(&url, format!("more than {MAX_IMAGES} images")));
			}
			let field = |k: &str, default: &'static str| -> String {
				image.get(k).and_then(Value::as_str).unwrap_or(default).to_string()
			};
			let filename = image
				.get("filename")
				.and_then(Value::as_str)
				.ok_or_else(|| http_error(&url, "an output image has no filename"))?;
			let mut view = server.url("/view")?;
			view.query_pairs_mut()
				.append_pair("filename", filename)
				.append_pair("subfolder", &field("subfolder", ""))
				.append_pair("type", &field("type", "output"));
			let bytes = server.send(&view, server.client.get(view.clone()))?;
			if !bytes.starts_with(PNG_SIGNATURE) {
				return Err(http_error(&view, "an output image is not a PNG"));
			}
			let cid = havn_primitives::cid::cid_of(&bytes);
			images.push(json!({"cid": cid, "media_type": "image/png"}));
			if !blobs.iter().any(|b| b.cid == cid) {
				blobs.push(Blob { cid, media_type: "image/png".to_string(), bytes });
			}
		}
	}
	if images.is_empty() {
		return Err(http_error(&url, "the prompt finished without images"));
	}
	Ok(StepOutput {
		value: json!({"api": "comfyui", "images": images}),
		blobs,
		compute: started.elapsed(),
	})
}

// The servers below stand in for an operator's own model server (vLLM, llama.cpp server,
// ComfyUI), which cannot run here: they speak the same request and response shapes.
#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_support::{engine, manifest, serve, Response};

	fn step(params: Value, model: Option<&str>, input: Value) -> Result<StepOutput, ExecError> {
		let params = params.as_object().unwrap().clone();
		let input = input.as_object().unwrap().clone();
		let mut state = Map::new();
		state.insert("input".into(), Value::Object(input.clone()));
		run_step(&Params::new("remote", &params), model, &state, &input)
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
			assert_eq!(
				(req.method.as_str(), req.target.as_str()),
				("POST", "/v1/chat/completions")
			);
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
		step(
			json!({ "api": "openai-chat", "url": server.url }),
			Some("m"),
			json!({ "prompt": "p" }),
		)
		.unwrap();
		let req = &server.requests()[1];
		assert_eq!(req.header("authorization"), None);
		assert_eq!(req.json()["max_tokens"], 64);
		assert_eq!(req.json()["messages"], json!([{ "role": "user", "content": "p" }]));
	}

	#[test]
	fn openai_chat_through_a_run_feeds_the_document() {
		let server = serve(|_| {
			Response::json(json!({ "choices": [{ "message": { "content": "Paris." } }] }))
		});
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
		assert!(
			reason.contains("500") && reason.contains("model crashed out of memory"),
			"{reason}"
		);
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
			step(
				json!({ "api": "openai-chat", "url": "https://api.example.com" }),
				Some("m"),
				input
			),
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
				Response::json(
					json!({ "p2": { "status": { "status_str": "error", "completed": false },
					"outputs": {} } }),
				)
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
}
