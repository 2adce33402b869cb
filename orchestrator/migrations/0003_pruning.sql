-- Havn orchestrator schema, version 3: the block in which each job's on-chain record was pruned
-- (`ExecutionLog::JobPruned`; NULL while the chain keeps it). The index keeps every job; the
-- relay prunes the ended ones on chain so that their payers get their storage deposits back.
ALTER TABLE jobs ADD COLUMN pruned_block BIGINT;

-- The ended jobs not pruned yet, oldest first (the relay's `Db::prunable_jobs`).
CREATE INDEX jobs_unpruned ON jobs (pruned_block, closed_block, id);
