//! Node smoke test: start `havn-node --dev --tmp`, wait for finalized block >= 3, and check
//! over JSON-RPC that the metadata lists every Havn pallet and that Prometheus serves metrics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
	drop(node);
}
