-- Havn orchestrator schema, version 4: who stored each artifact, for the per-account upload
-- quota (`orchestrator::uploads`). One row per (uploader, artifact) the uploader stored first:
-- bytes that were already in the store cost the uploader nothing.
CREATE TABLE artifact_uploads (
	account TEXT NOT NULL,
	cid TEXT NOT NULL,
	size BIGINT NOT NULL,
	at_ms BIGINT NOT NULL,
	PRIMARY KEY (account, cid)
);

-- An account's uploads by time (the quota sums the last 24 h).
CREATE INDEX artifact_uploads_account_at ON artifact_uploads (account, at_ms);
