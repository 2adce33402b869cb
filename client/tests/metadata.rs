//! The committed `artifacts/havn.scale` (read by the subxt codegen of this crate) must be the
//! metadata of the runtime in this tree. When this fails, run `scripts/update-metadata.sh` and
//! commit the result.

#[test]
fn committed_metadata_matches_the_runtime() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../artifacts/havn.scale");
	let committed = std::fs::read(path).expect("artifacts/havn.scale is committed");
	// Building the metadata reads constants backed by storage (dynamic parameters), so it runs
	// in an empty externalities environment.
	let built = sp_io::TestExternalities::new_empty()
		.execute_with(|| havn_runtime::Runtime::metadata_at_version(16))
		.expect("the runtime serves metadata V16");
	assert!(
		committed == *built,
		"artifacts/havn.scale ({} bytes) differs from the runtime's metadata V16 ({} bytes): \
		 run scripts/update-metadata.sh",
		committed.len(),
		built.len()
	);
}
