//! The runtime parameters the services act on come from the chain and follow governance: on a
//! dev node `havn_client::view::ChainParams` gives the runtime's defaults, and after
//! `havn dev set-params` (Sudo → `Parameters::set_parameter`, as the Council would) the values
//! just set, with no restart and no copy of them in any configuration.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use havn_client::{view::ChainParams, HavnClient};
use havn_e2e::{havn, DevNode};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_params_follow_governance() {
	let tmp = tempfile::tempdir().unwrap();
	let node = DevNode::start(tmp.path()).await.unwrap();
	let client = HavnClient::connect(&node.url, Duration::from_secs(60)).await.unwrap();
	let defaults = ChainParams::at(&client.at_best().await.unwrap()).await.unwrap();
	assert_eq!(
		defaults,
		ChainParams {
			block_ms: 3_000,
			quorum: 5,
			heartbeat_epoch: 100,
			relay_timeout: 10,
			execution_window: 20,
			challenge_window: 100,
			node_floors: [2_000, 5_000, 9_000, 18_000].map(|hai| hai * havn_primitives::HAI),
		}
	);
	havn(&[
		"--chain",
		&node.url,
		"--suri",
		"//Alice",
		"dev",
		"set-params",
		"--quorum-size",
		"2",
		"--relay-timeout",
		"4",
	])
	.unwrap();
	let changed = ChainParams::at(&client.at_best().await.unwrap()).await.unwrap();
	assert_eq!(changed, ChainParams { quorum: 2, relay_timeout: 4, ..defaults });
}
