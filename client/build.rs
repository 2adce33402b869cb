//! The subxt codegen in `src/lib.rs` reads `artifacts/havn.scale` at compile time; this tells
//! cargo to rebuild the crate whenever that file changes (proc macros cannot declare it).
fn main() {
	println!("cargo:rerun-if-changed=../artifacts/havn.scale");
}
