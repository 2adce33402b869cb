//! The relay's routing candidates, read from the index as the relay reads them.

use crate::fixtures::*;
use havn_orchestrator::{
	model::{HavnEvent, Planck, StakeEvent},
	projection::Ledger,
	relay::candidates,
};
use havn_primitives::HAI;
use std::collections::HashMap;

/// The runtime's floors, S to XL, in planck.
const FLOORS: [u128; 4] = [2_000 * HAI, 5_000 * HAI, 9_000 * HAI, 18_000 * HAI];

/// The hardening issue's finding 13: the relay kept a node that had unbonded as a routing
/// candidate; it learned of it only from a failed `assign` (`NodeNotEligible`), then cooled it
/// down for a while and tried it again. Now a node bonded below its class's floor is no candidate.
#[tokio::test]
async fn a_node_that_unbonded_is_no_routing_candidate() {
	let (_dir, db) = sqlite().await;
	let c = cast();
	for b in history(&c).into_iter().take(2) {
		db.apply_block(&b).await.unwrap();
	}
	let routable = |rows| {
		candidates(rows, 2, Some(FLOORS), &HashMap::new(), &HashMap::new())
			.into_iter()
			.map(|c| c.account)
			.collect::<Vec<_>>()
	};
	// Bob bonded 5,000 HAI as an M node (the M floor) and heartbeated.
	assert_eq!(routable(db.node_rows().await.unwrap()), vec![c.bob.clone()]);

	// Bob starts unbonding 1 HAI: below the M floor, the chain would refuse him.
	let unbond = block(
		3,
		vec![HavnEvent::StakeGuard(StakeEvent::Unbonded {
			who: c.bob.clone(),
			amount: Planck(HAI),
			unlock_at: 100,
			ledger: Some(Ledger { bonded: Planck(4_999 * HAI), unbonding: Planck(HAI) }),
		})],
	);
	db.apply_block(&unbond).await.unwrap();
	assert_eq!(routable(db.node_rows().await.unwrap()), Vec::<String>::new());
	// Until the floors are known (the chain not read yet), nothing is filtered out.
	let unknown =
		candidates(db.node_rows().await.unwrap(), 2, None, &HashMap::new(), &HashMap::new());
	assert_eq!(unknown.len(), 1);
}
