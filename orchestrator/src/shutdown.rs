//! Shutdown-aware waiting, shared by the follower, the indexer and the service loop.

use std::time::Duration;
use tokio::sync::watch;

/// Sleep for `delay`, or less if shutdown is requested; whether to go on.
pub async fn pause(delay: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
	if *shutdown.borrow() {
		return false;
	}
	tokio::select! {
		() = tokio::time::sleep(delay) => !*shutdown.borrow(),
		_ = shutdown.changed() => false,
	}
}
