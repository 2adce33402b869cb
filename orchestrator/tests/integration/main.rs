//! Integration tests of the orchestrator (one binary): REST over SQLite, the artifact store,
//! the attestation pool, exactly-once indexing and, with
//! `HAVN_TEST_POSTGRES_URL`, PostgreSQL.

// Test helpers live outside `#[test]` functions, where clippy's test exemptions do not reach.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod aggregates;
mod api;
mod artifacts;
mod fixtures;
mod indexer_db;
mod live;
mod openapi;
mod pool;
mod postgres;
mod projections;
mod rest_fuzz;
mod routing;
