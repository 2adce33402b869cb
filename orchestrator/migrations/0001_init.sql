-- Havn orchestrator schema, version 1. Portable between SQLite and PostgreSQL.
--
-- Units: amounts are HAI planck (u128, 12 decimals) stored as decimal TEXT; block numbers,
-- ids and counters are BIGINT; flags are BIGINT 0/1; JSON documents are TEXT; accounts are
-- SS58 strings (prefix 42); digests and signatures are 0x-prefixed hex.

-- Indexer progress (`last_indexed_block`) and chain facts (`genesis_hash`).
CREATE TABLE indexer_state (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Every indexed finalized block.
CREATE TABLE blocks (
	number BIGINT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	parent_hash TEXT NOT NULL,
	timestamp_ms BIGINT NOT NULL,
	event_count BIGINT NOT NULL
);

-- Every decoded Havn event, by (block, index in the block's events). `phase` is set on the
-- events that move a job to a new phase (the job timeline).
CREATE TABLE events (
	block BIGINT NOT NULL,
	event_index BIGINT NOT NULL,
	pallet TEXT NOT NULL,
	name TEXT NOT NULL,
	job_id BIGINT,
	workflow_id BIGINT,
	account TEXT,
	phase TEXT,
	data TEXT NOT NULL,
	PRIMARY KEY (block, event_index)
);
CREATE INDEX events_job ON events (job_id, block, event_index);
CREATE INDEX events_workflow ON events (workflow_id, block);
CREATE INDEX events_account ON events (account, block);

-- Registered workflows (and models, LoRAs, prompts), as of the latest indexed block.
CREATE TABLE workflows (
	id BIGINT PRIMARY KEY,
	owner TEXT NOT NULL,
	creator TEXT NOT NULL,
	kind TEXT NOT NULL,
	manifest_hash TEXT NOT NULL,
	manifest_uri TEXT NOT NULL,
	compute_class TEXT NOT NULL,
	base_fee TEXT NOT NULL,
	royalty TEXT NOT NULL,
	parent BIGINT,
	depth BIGINT NOT NULL,
	version BIGINT NOT NULL,
	status TEXT NOT NULL,
	flag_reason TEXT,
	deposit TEXT NOT NULL,
	created_block BIGINT NOT NULL,
	updated_block BIGINT NOT NULL
);
CREATE INDEX workflows_parent ON workflows (parent);
CREATE INDEX workflows_owner ON workflows (owner);

-- Weighted dependencies (weights in parts per million).
CREATE TABLE workflow_dependencies (
	workflow_id BIGINT NOT NULL,
	dependency_id BIGINT NOT NULL,
	weight_ppm BIGINT NOT NULL,
	PRIMARY KEY (workflow_id, dependency_id)
);
CREATE INDEX workflow_dependants ON workflow_dependencies (dependency_id);

-- Manifest version history.
CREATE TABLE workflow_versions (
	workflow_id BIGINT NOT NULL,
	version BIGINT NOT NULL,
	manifest_hash TEXT NOT NULL,
	manifest_uri TEXT,
	block BIGINT NOT NULL,
	PRIMARY KEY (workflow_id, version)
);

-- Jobs, as of the latest indexed block. `committee` is the attestation committee and
-- `adjudicators` the challenge's adjudication committee (JSON arrays of accounts).
CREATE TABLE jobs (
	id BIGINT PRIMARY KEY,
	workflow_id BIGINT NOT NULL,
	payer TEXT NOT NULL,
	fee TEXT NOT NULL,
	compute_class TEXT NOT NULL,
	redundancy BIGINT,
	input_digest TEXT,
	input_uri TEXT,
	phase TEXT NOT NULL,
	submitted_block BIGINT NOT NULL,
	deadline BIGINT NOT NULL,
	assigned_block BIGINT,
	assigned_by TEXT,
	committee TEXT NOT NULL,
	adjudicators TEXT,
	sampled BIGINT NOT NULL,
	valid_verdicts BIGINT NOT NULL,
	invalid_verdicts BIGINT NOT NULL,
	finalized_block BIGINT,
	closed_block BIGINT,
	challenger TEXT,
	updated_block BIGINT NOT NULL
);
CREATE INDEX jobs_workflow ON jobs (workflow_id, id);
CREATE INDEX jobs_payer ON jobs (payer, id);
CREATE INDEX jobs_phase ON jobs (phase, id);

-- The nodes of each job (assigned by a relay or claimed), in order.
CREATE TABLE job_nodes (
	job_id BIGINT NOT NULL,
	node TEXT NOT NULL,
	slot BIGINT NOT NULL,
	block BIGINT NOT NULL,
	PRIMARY KEY (job_id, node)
);
CREATE INDEX job_nodes_node ON job_nodes (node, job_id);

-- Signed execution receipts (`energy_mj` is a u64 in decimal TEXT).
CREATE TABLE receipts (
	job_id BIGINT NOT NULL,
	node TEXT NOT NULL,
	runtime_hash TEXT NOT NULL,
	outputs_cid TEXT NOT NULL,
	latency_ms BIGINT,
	energy_mj TEXT,
	signature TEXT,
	block BIGINT NOT NULL,
	PRIMARY KEY (job_id, node)
);
CREATE INDEX receipts_node ON receipts (node);

-- Verdicts recorded on-chain (`stage`: attestation or adjudication).
CREATE TABLE attestations (
	job_id BIGINT NOT NULL,
	validator TEXT NOT NULL,
	verdict TEXT NOT NULL,
	reexecution_digest TEXT,
	stage TEXT NOT NULL,
	block BIGINT NOT NULL,
	event_index BIGINT NOT NULL,
	batched_by TEXT,
	PRIMARY KEY (job_id, validator, stage)
);
CREATE INDEX attestations_validator ON attestations (validator);

-- Every payment of the PayoutRouter (`FeePaid`).
CREATE TABLE payouts (
	block BIGINT NOT NULL,
	event_index BIGINT NOT NULL,
	job_id BIGINT NOT NULL,
	workflow_id BIGINT,
	payee TEXT NOT NULL,
	role TEXT NOT NULL,
	amount TEXT NOT NULL,
	PRIMARY KEY (block, event_index)
);
CREATE INDEX payouts_job ON payouts (job_id);
CREATE INDEX payouts_workflow ON payouts (workflow_id);
CREATE INDEX payouts_payee ON payouts (payee);

-- Settled jobs (`JobSettled`): fee and paid shares (JSON, planck as strings).
CREATE TABLE settlements (
	job_id BIGINT PRIMARY KEY,
	workflow_id BIGINT NOT NULL,
	fee TEXT NOT NULL,
	shares TEXT NOT NULL,
	block BIGINT NOT NULL
);
CREATE INDEX settlements_workflow ON settlements (workflow_id);

-- Running totals (`paid:<role>`, `settled`, `faucet`): amount in planck and count.
CREATE TABLE totals (
	key TEXT PRIMARY KEY,
	amount TEXT NOT NULL,
	count BIGINT NOT NULL
);

-- Bonded accounts: execution nodes, validators, relays.
CREATE TABLE accounts (
	account TEXT PRIMARY KEY,
	role TEXT,
	compute_class TEXT,
	bonded TEXT NOT NULL,
	unbonding TEXT NOT NULL,
	slashed TEXT NOT NULL,
	earned TEXT NOT NULL,
	active_validator BIGINT NOT NULL,
	receipt_key TEXT,
	capabilities TEXT,
	registered_block BIGINT,
	last_heartbeat BIGINT,
	gpu_metrics TEXT,
	reputation_ppm BIGINT,
	reputation_block BIGINT,
	bonded_block BIGINT,
	updated_block BIGINT NOT NULL
);
CREATE INDEX accounts_role ON accounts (role);

-- Content-addressed artifacts stored under `<data-dir>/artifacts/<cid>`.
CREATE TABLE artifacts (
	cid TEXT PRIMARY KEY,
	size BIGINT NOT NULL,
	media_type TEXT NOT NULL,
	created_at_ms BIGINT NOT NULL
);

-- The attestation pool: signed attestations handed to the lead aggregator. `included_block` is
-- set when the indexer sees the verdict on-chain.
CREATE TABLE pool_attestations (
	job_id BIGINT NOT NULL,
	validator TEXT NOT NULL,
	verdict TEXT NOT NULL,
	reexecution_digest TEXT,
	signature TEXT NOT NULL,
	received_at_ms BIGINT NOT NULL,
	included_block BIGINT,
	PRIMARY KEY (job_id, validator)
);
CREATE INDEX pool_pending ON pool_attestations (included_block, job_id);
