//! Test helpers: the models directory, one shared engine, manifests, and a tiny HTTP server.

use crate::{DeviceChoice, Engine, EMBED_MODEL, LLM_GGUF};
use havn_primitives::manifest::Manifest;
use serde_json::{json, Value};
use std::{
	io::{BufRead, BufReader, Read, Write},
	net::TcpListener,
	path::PathBuf,
	sync::{Arc, Mutex, OnceLock},
};

/// `HAVN_MODELS_DIR`, else `<workspace>/models`. Fails (never skips) when a model file is
/// missing.
pub(crate) fn models_dir() -> PathBuf {
	let dir = std::env::var_os("HAVN_MODELS_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models")));
	let minilm = dir.join(EMBED_MODEL);
	for file in [
		minilm.join("config.json"),
		minilm.join("tokenizer.json"),
		minilm.join("model.safetensors"),
		dir.join(LLM_GGUF),
	] {
		assert!(
			file.is_file(),
			"model file {} is missing: run scripts/fetch-models.sh (or point HAVN_MODELS_DIR at \
			 a directory holding the models)",
			file.display()
		);
	}
	dir
}

/// One CPU engine shared by the tests (each model loads once).
pub(crate) fn engine() -> &'static Engine {
	static ENGINE: OnceLock<Engine> = OnceLock::new();
	ENGINE.get_or_init(|| Engine::new(models_dir(), DeviceChoice::Cpu).unwrap())
}

/// A valid manifest named `name` with these steps.
pub(crate) fn manifest(name: &str, steps: Value) -> Manifest {
	let doc = json!({
		"schema": "havn.workflow/v1",
		"name": name,
		"version": "1.0.0",
		"compute_class": "S",
		"base_fee": "1000000000000",
		"steps": steps,
	});
	Manifest::parse(&serde_json::to_vec(&doc).unwrap()).unwrap()
}

/// A request the test server received.
#[derive(Clone, Debug)]
pub(crate) struct Request {
	pub method: String,
	/// Path and query, as sent.
	pub target: String,
	/// Header names lower-cased.
	pub headers: Vec<(String, String)>,
	pub body: Vec<u8>,
}

impl Request {
	pub fn header(&self, name: &str) -> Option<&str> {
		self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
	}

	pub fn json(&self) -> Value {
		serde_json::from_slice(&self.body).unwrap()
	}
}

/// A response of the test server.
pub(crate) struct Response {
	pub status: u16,
	pub content_type: &'static str,
	pub body: Vec<u8>,
}

impl Response {
	pub fn json(v: Value) -> Self {
		Self {
			status: 200,
			content_type: "application/json",
			body: serde_json::to_vec(&v).unwrap(),
		}
	}
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 (one request per connection). It stands in for
/// an operator's model server (vLLM, llama.cpp server, ComfyUI), which cannot run here.
pub(crate) struct TestServer {
	/// `http://127.0.0.1:<port>`.
	pub url: String,
	pub requests: Arc<Mutex<Vec<Request>>>,
}

impl TestServer {
	pub fn requests(&self) -> Vec<Request> {
		self.requests.lock().unwrap().clone()
	}
}

pub(crate) fn serve(handler: impl Fn(&Request) -> Response + Send + 'static) -> TestServer {
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let url = format!("http://{}", listener.local_addr().unwrap());
	let requests = Arc::new(Mutex::new(Vec::new()));
	let seen = requests.clone();
	std::thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(mut stream) = stream else { continue };
			let mut reader = BufReader::new(stream.try_clone().unwrap());
			let mut line = String::new();
			if reader.read_line(&mut line).is_err() {
				continue;
			}
			let mut parts = line.split_whitespace();
			let method = parts.next().unwrap_or_default().to_string();
			let target = parts.next().unwrap_or_default().to_string();
			let mut headers = Vec::new();
			loop {
				let mut h = String::new();
				reader.read_line(&mut h).unwrap();
				let h = h.trim_end();
				if h.is_empty() {
					break;
				}
				let (n, v) = h.split_once(':').unwrap();
				headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
			}
			let len = headers
				.iter()
				.find(|(n, _)| n == "content-length")
				.map_or(0, |(_, v)| v.parse::<usize>().unwrap());
			let mut body = vec![0; len];
			reader.read_exact(&mut body).unwrap();
			let request = Request { method, target, headers, body };
			let response = handler(&request);
			seen.lock().unwrap().push(request);
			let head = format!(
				"HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
				response.status,
				response.content_type,
				response.body.len()
			);
			// The client may have given up (timeouts, size caps): ignore write errors.
			let _ =
				stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&response.body));
		}
	});
	TestServer { url, requests }
}
