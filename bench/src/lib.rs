//! # havn-bench
//!
//! Havn's benchmark tools, kept out of the services they measure:
//!
//! - `havn-bench-chain` (`src/main.rs`): the chain benchmark's load generator
//!   (`scripts/bench-chain.sh`);
//! - [`seed`] and `havn-bench-seed`: a deterministic synthetic history in an orchestrator
//!   database, for the REST API and routing benchmarks (`scripts/bench-api.sh`,
//!   `benches/routing.rs`);
//! - `benches/routing.rs` and `benches/indexer.rs`: the relay's routing decision and the
//!   indexer's block write, with criterion (`scripts/bench-routing.sh`).
//!
//! Units: amounts are HAI planck (10^12 planck = 1 HAI); blocks are block numbers; times ms.

pub mod seed;
