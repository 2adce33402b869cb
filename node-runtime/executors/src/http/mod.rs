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
//! A step takes at most `params.timeout_ms` in all (every request's timeout is the time left of
//! it), and no longer than the run's deadline when it has one: a manifest cannot keep a node past
//! its job's deadline (finding 12 of `docs/security.md`; the step then fails with
//! `ExecError::DeadlineReached`); response bodies are capped at 16 MiB;
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
	/// When the step must be done: `timeout` from its start.
	ends_at: Instant,
	/// Whether `timeout` is the time left before the run's deadline (shorter than
	/// `params.timeout_ms`).
	capped: bool,
	/// The step's id.
	step: String,
}

impl Server {
	/// The server of `params.url`, its requests timing out after `params.timeout_ms` or at
	/// `deadline`, whichever comes first.
	fn new(params: &Params<'_>, deadline: Option<Instant>) -> Result<Self, ExecError> {
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
		let asked = Duration::from_millis(params.u64_in(
			"timeout_ms",
			DEFAULT_TIMEOUT_MS,
			1,
			MAX_TIMEOUT_MS,
		)?);
		let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
		if left == Some(Duration::ZERO) {
			return Err(ExecError::DeadlineReached { step: params.step().to_string() });
		}
		let timeout = left.map_or(asked, |left| asked.min(left));
		let capped = timeout < asked;
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
		let base = url.as_str().trim_end_matches('/').to_string();
		let ends_at = Instant::now() + timeout;
		Ok(Self { base, client, token, timeout, ends_at, capped, step: params.step().to_string() })
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
		let left = self.ends_at.saturating_duration_since(Instant::now());
		if left.is_zero() {
			return Err(self.timed_out(url, ""));
		}
		let response = request.timeout(left).send().map_err(|e| {
			if e.is_timeout() {
				self.timed_out(url, "")
			} else {
				http_error(url, error_reason(e))
			}
		})?;
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

impl Server {
	/// The step ran out of time at `url` (`what` says while doing what): the run's deadline
	/// ([`ExecError::DeadlineReached`]) when it capped the timeout, else an [`ExecError::Http`]
	/// timeout.
	fn timed_out(&self, url: &Url, what: &str) -> ExecError {
		if self.capped {
			return ExecError::DeadlineReached { step: self.step.clone() };
		}
		http_error(url, format!("timed out after {} ms{what}", self.timeout.as_millis()))
	}
}

/// A reqwest error other than a timeout as a reason: connection failures named, no URL.
fn error_reason(e: reqwest::Error) -> String {
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

/// Run one `http` step by `deadline` (see [`Server::new`]); `model` is the step's `model`.
pub(crate) fn run_step(
	params: &Params<'_>,
	model: Option<&str>,
	state: &Map<String, Value>,
	input: &Map<String, Value>,
	deadline: Option<Instant>,
) -> Result<StepOutput, ExecError> {
	match params.str_req("api")? {
		"openai-chat" => openai_chat(params, model, state, input, deadline),
		"comfyui" => comfyui(params, input, deadline),
		other => Err(params.error("api", format!("is `{other}`; use `openai-chat` or `comfyui`"))),
	}
}

fn openai_chat(
	params: &Params<'_>,
	model: Option<&str>,
	state: &Map<String, Value>,
	input: &Map<String, Value>,
	deadline: Option<Instant>,
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
	let server = Server::new(params, deadline)?;

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

fn comfyui(
	params: &Params<'_>,
	input: &Map<String, Value>,
	deadline: Option<Instant>,
) -> Result<StepOutput, ExecError> {
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
	let server = Server::new(params, deadline)?;
	let started = Instant::now();

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
		if server.ends_at <= Instant::now() {
			return Err(server.timed_out(&url, " waiting for outputs"));
		}
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
		let left = server.ends_at.saturating_duration_since(Instant::now());
		if left.is_zero() {
			return Err(server.timed_out(&url, " waiting for outputs"));
		}
		std::thread::sleep(POLL.min(left));
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

#[cfg(test)]
mod tests;
