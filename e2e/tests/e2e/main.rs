//! Havn's end-to-end tests, in one test binary: each test starts its own real `havn-node` (and,
//! as it needs them, `havn-orchestrator`, `havn-exec` and the models) on free loopback ports in
//! a temporary directory, so the harness runs them side by side on its threads. Most of their
//! time is spent waiting for blocks; one binary also links the workspace once instead of once
//! per file.
//!
//! - [`flywheel`]: the README's main job, then its on-chain, artifact and REST results, then an
//!   attestor back late through the lead's pool sweep, then ([`release`]) a job whose input does
//!   not match its digest, which the execute node gives back, and a job waiting on a slow `http`
//!   server while the node runs another;
//! - [`orchestrator_restart`]: the indexer killed and restarted mid-indexing;
//! - [`params`]: the services' chain parameters follow governance;
//! - [`bad_input`]: bad input at every door gets a typed error and writes nothing.

mod bad_input;
mod flywheel;
mod orchestrator_restart;
mod params;
mod release;
