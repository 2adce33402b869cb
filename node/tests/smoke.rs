//! Node smoke test: start `havn-node --dev --tmp`, wait for finalized block >= 3, and check
//! over JSON-RPC that the metadata lists every Havn pallet and that Prometheus serves metrics;
//! then send, as an attacker would, an extrinsic whose argument is over its bound (hardening
//! finding 13): a typed refusal, and no trap in the runtime.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use codec::Decode;
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// The pallets Havn adds on top of FRAME's.
const HAVN_PALLETS: [&str; 6] =
	["WorkflowRegistry", "StakeGuard", "ExecutionLog", "PayoutRouter", "Reputation", "Faucet"];
/// FRAME pallets the runtime must also expose.
const FRAME_PALLETS: [&str; 13] = [
	"System",
	"Timestamp",
	"Aura",
	"Grandpa",
	"Balances",
	"TransactionPayment",
	"Sudo",
	"Utility",
	"Multisig",
	"Council",
	"Treasury",
	"Parameters",
	"SafeMode",
];

struct Node(Child);

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http_get(port: u16, path: &str) -> String {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
	write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
	let mut body = String::new();
	stream.read_to_string(&mut body).unwrap();
	body
}

async fn finalized_number(client: &HttpClient) -> Option<u64> {
	let hash: String = client.request("chain_getFinalizedHead", rpc_params![]).await.ok()?;
	let header: serde_json::Value =
		client.request("chain_getHeader", rpc_params![hash]).await.ok()?;
	let number = header.get("number")?.as_str()?;
	u64::from_str_radix(number.trim_start_matches("0x"), 16).ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_node_finalizes_and_exposes_every_pallet() {
	let rpc_port = free_port();
	let prometheus_port = free_port();
	let log = tempfile::NamedTempFile::new().unwrap();
	let node = Node(
		Command::new(env!("CARGO_BIN_EXE_havn-node"))
			.args(["--dev", "--tmp", "--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--prometheus-port", &prometheus_port.to_string()])
			.args(["--port", &free_port().to_string()])
			.stdout(Stdio::null())
			.stderr(log.reopen().unwrap())
			.spawn()
			.expect("havn-node starts"),
	);

	let client =
		HttpClientBuilder::default().build(format!("http://127.0.0.1:{rpc_port}")).unwrap();
	let start = Instant::now();
	let mut finalized = 0;
	while start.elapsed() < Duration::from_secs(180) {
		if let Some(n) = finalized_number(&client).await {
			finalized = n;
			if n >= 3 {
				break;
			}
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	if finalized < 3 {
		let mut logs = String::new();
		let _ = log.reopen().unwrap().read_to_string(&mut logs);
		panic!("finalized block stayed at {finalized} for 180 s; node log:\n{logs}");
	}

	let metadata_hex: String = client.request("state_getMetadata", rpc_params![]).await.unwrap();
	let bytes = hex::decode(metadata_hex.trim_start_matches("0x")).unwrap();
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &bytes[..]).unwrap();
	let names: Vec<String> = match prefixed.1 {
		RuntimeMetadata::V14(m) => m.pallets.into_iter().map(|p| p.name).collect(),
		RuntimeMetadata::V15(m) => m.pallets.into_iter().map(|p| p.name).collect(),
		RuntimeMetadata::V16(m) => m.pallets.into_iter().map(|p| p.name).collect(),
		other => panic!("unexpected metadata version {}", other.version()),
	};
	for pallet in HAVN_PALLETS.iter().chain(FRAME_PALLETS.iter()) {
		assert!(names.iter().any(|n| n == pallet), "pallet {pallet} missing from {names:?}");
	}

	let properties: serde_json::Value =
		client.request("system_properties", rpc_params![]).await.unwrap();
	assert_eq!(properties["tokenSymbol"], "HAI");
	assert_eq!(properties["tokenDecimals"], 12);

	let metrics = http_get(prometheus_port, "/metrics");
	assert!(metrics.contains("substrate_block_height"), "Prometheus metrics missing");

	// Hardening finding 13: the pool asks the runtime whether the bytes decode before it
	// validates them, so the runtime's `validate_transaction` glue never traps on them (which
	// printed a panic and a wasm backtrace in this log per transaction).
	for extra in 0..3 {
		let (_, over) = submit_job_extrinsics(extra);
		let refused = client
			.request::<String, _>("author_submitExtrinsic", rpc_params![over])
			.await
			.expect_err("an undecodable extrinsic is refused");
		let jsonrpsee::core::client::Error::Call(error) = refused else {
			panic!("expected a JSON-RPC error, got {refused:?}");
		};
		assert_eq!(error.code(), 1010, "Invalid Transaction expected: {error:?}");
		assert!(!error.message().contains("backtrace"), "{error:?}");
	}
	// The fee queries hand the extrinsic to another runtime API: the same check, FRAME's own
	// decode error for the bytes it refuses, the fee for the bytes it takes.
	let (within, over) = submit_job_extrinsics(0);
	for method in ["payment_queryInfo", "payment_queryFeeDetails"] {
		let refused = client
			.request::<serde_json::Value, _>(method, rpc_params![over.clone()])
			.await
			.expect_err("an undecodable extrinsic has no fee");
		let jsonrpsee::core::client::Error::Call(error) = refused else {
			panic!("expected a JSON-RPC error, got {refused:?}");
		};
		assert_eq!(error.code(), 2, "{method}: {error:?}");
		let info: serde_json::Value =
			client.request(method, rpc_params![within.clone()]).await.unwrap();
		assert!(info.is_object(), "{method}: {info}");
	}
	let mut logs = String::new();
	log.reopen().unwrap().read_to_string(&mut logs).unwrap();
	for trap in ["Bad input data provided to validate_transaction", "wasm backtrace"] {
		assert!(
			!logs.to_lowercase().contains(&trap.to_lowercase()),
			"`{trap}` in the node log:\n{logs}"
		);
	}
	drop(node);
}

/// A bare `ExecutionLog::submit_job` with a 1-byte `input_uri`, and the same one whose
/// `input_uri` (at most `MaxInputUriLen`, 256 bytes) is 4 KiB and `extra` bytes, each
/// SCALE-encoded as the pool receives extrinsics, 0x-hex. The first encodes by the runtime's own
/// types; the second differs only in the URI's length prefix and bytes.
fn submit_job_extrinsics(extra: usize) -> (String, String) {
	use codec::Encode;
	let call = havn_runtime::RuntimeCall::ExecutionLog(pallet_execution_log::Call::submit_job {
		workflow_id: 0,
		input_digest: Default::default(),
		input_uri: vec![7u8].try_into().unwrap(),
		compute_class: havn_primitives::ComputeClass::S,
		max_fee: 1,
		redundancy: 1,
		deadline: 30,
	});
	let within = havn_runtime::UncheckedExtrinsic::new_bare(call).encode();
	// `Compact(len) ‖ version ‖ call`; the call is `pallet ‖ call index ‖ u64 ‖ H256 ‖ uri ‖ …`,
	// and a 1-byte URI is `0x04 0x07`.
	let mut body = &within[..];
	let _length = codec::Compact::<u32>::decode(&mut body).unwrap();
	let uri_at = 1 + 2 + 8 + 32;
	assert_eq!(&body[uri_at..uri_at + 2], &[0x04, 0x07]);
	let mut over = body[..uri_at].to_vec();
	vec![7u8; 4096 + extra].encode_to(&mut over);
	over.extend_from_slice(&body[uri_at + 2..]);
	(format!("0x{}", hex::encode(&within)), format!("0x{}", hex::encode(over.encode())))
}
