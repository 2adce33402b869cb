//! Every Havn pallet event the runtime metadata declares is indexed by its pallet's projection
//! or ignored by name, and every other pallet is named as not Havn's.

use havn_orchestrator::projection::{projection, OTHER_PALLETS, PROJECTIONS};
use std::collections::BTreeSet;

/// The committed metadata (`artifacts/havn.scale`; the client's `metadata` test keeps it equal
/// to the runtime's).
fn metadata() -> subxt::Metadata {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../artifacts/havn.scale");
	let bytes = std::fs::read(path).expect("artifacts/havn.scale is committed");
	subxt::Metadata::decode_from(&bytes).expect("the committed metadata decodes")
}

#[test]
fn every_metadata_event_is_indexed_or_ignored() {
	let metadata = metadata();
	let mut missing = Vec::new();
	let mut seen = BTreeSet::new();
	for pallet in metadata.pallets() {
		let name = pallet.name();
		seen.insert(name.to_string());
		let events: Vec<&str> =
			pallet.event_variants().unwrap_or_default().iter().map(|v| v.name.as_str()).collect();
		match projection(name) {
			Some(coverage) => {
				for event in &events {
					if !coverage.indexed.contains(event) && !coverage.ignored.contains(event) {
						missing.push(format!("{name}::{event} (neither indexed nor ignored)"));
					}
				}
				for event in coverage.indexed.iter().chain(coverage.ignored) {
					if !events.contains(event) {
						missing.push(format!("{name}::{event} (listed, not in the metadata)"));
					}
				}
			}
			None if OTHER_PALLETS.contains(&name) => {}
			None if events.is_empty() => {}
			None => missing.push(format!("{name} (a pallet with events and no projection)")),
		}
	}
	for coverage in &PROJECTIONS {
		if !seen.contains(coverage.pallet) {
			missing.push(format!("{} (projected, not in the metadata)", coverage.pallet));
		}
	}
	assert!(missing.is_empty(), "events the indexer does not account for: {missing:#?}");
}
