-- Havn orchestrator schema, version 2: running aggregates, so that no request counts or sums
-- millions of rows. The indexer keeps them in each block's transaction (exactly once, like every
-- other row); the orchestrator fills them from the rows already indexed when it first opens a
-- database without them (`Db::rebuild_aggregates`, recorded as `aggregates_version` in
-- `indexer_state`).

-- Row counts: `jobs`, `jobs:phase:<phase>`, `jobs:workflow:<id>`, `jobs:payer:<account>`,
-- `jobs:node:<account>` and `jobs:node:<account>:<phase>` (jobs the node was assigned or
-- claimed, in all and by the job's phase), `attestations:<validator>`.
CREATE TABLE counts (
	key TEXT PRIMARY KEY,
	count BIGINT NOT NULL
);

-- Earnings, amounts in planck as decimal TEXT (summed in Rust, exact on both databases):
-- `workflow:<id>:settled` (fees of the settled jobs; count = runs),
-- `workflow:<id>:paid:<role>` (payouts by role, by the workflow in `payouts.workflow_id`),
-- `upstream:<account>` (every upstream payout to the account) and
-- `upstream:<account>:<workflow id>` (those from one workflow's jobs).
CREATE TABLE earnings (
	key TEXT PRIMARY KEY,
	amount TEXT NOT NULL,
	count BIGINT NOT NULL
);

-- The dashboard's node and validator counts from the index alone, and pages of nodes in
-- account order without sorting every account.
CREATE INDEX accounts_role_heartbeat ON accounts (role, last_heartbeat);
CREATE INDEX accounts_active_validator ON accounts (active_validator);
CREATE INDEX accounts_role_account ON accounts (role, account);
