//! The relay: the orchestrator as a bonded StakeGuard relay that routes submitted jobs.
//!
//! At start, with `--bond-relay <HAI>`, the relay account bonds as `Role::Relay` if it holds no
//! role yet (without it, routing waits until the index shows the account bonded as a relay).
//! Then, after every indexed block (while the index is within
//! [`MAX_ROUTING_LAG`] blocks of the finalized head), it takes a page of the jobs still
//! `Submitted` (not partly claimed, with more than the chain's `ExecutionWindow` blocks left;
//! each round the next page, [`next_cursor`]), picks `redundancy` nodes for each with
//! [`crate::routing::choose_with`] over the indexed nodes (their open jobs plus the
//! assignments it made that are not indexed yet count as load), and submits
//! `ExecutionLog::assign`. A job that gets no eligible nodes, or whose assignment fails, is
//! tried again after the next block until it leaves `Submitted`. A job a node gave back
//! (`ExecutionLog::release`) is routed again, never to a node that released it. Nodes named in
//! an assignment refused with `NodeNotEligible` are checked with the runtime API
//! (`HavnApi::account`); those found ineligible (or, if none is, all of them) sit out one
//! heartbeat epoch.
//!
//! Each round the relay also prunes up to [`PRUNE_PER_ROUND`] ended jobs
//! (`ExecutionLog::prune`: expired and rejected jobs, and finalized ones after their challenge
//! window, as [`Db::prunable_jobs`] reads them), so that payers get their storage deposits back
//! without acting. `prune` is free when it succeeds; each is sent on its own task, so routing
//! never waits for it, and sent again after [`PRUNE_RETRY`] blocks if the index does not show
//! the job pruned by then.

use crate::{
	config::Config,
	db::{
		read::{NodeRow, OpenJob},
		Db,
	},
	metrics::{ChainStatus, Metrics},
	routing::{choose_with, Candidate, Policy},
};
use anyhow::Context;
use havn_client::{
	api,
	errors::{ExecutionLogError, RuntimeError},
	keys::{self, KeySource},
	AccountId, HavnClient, Signer, Static,
};
use havn_primitives::{ComputeClass, ReputationLevel, Role};
use std::{
	collections::{HashMap, HashSet},
	sync::Arc,
};
use tokio::sync::watch;

/// The relay routes only while the index is at most this many blocks behind the finalized
/// head, so that it never acts on a stale view of the jobs.
pub const MAX_ROUTING_LAG: u32 = 2;

/// Most `prune` extrinsics the relay sends per round (per indexed block).
pub const PRUNE_PER_ROUND: u32 = 8;

/// Blocks after which a `prune` the index does not show yet is sent again.
pub const PRUNE_RETRY: u32 = 10;

/// The relay's configuration.
#[derive(Clone)]
pub struct RelayConfig {
	key: KeySource,
	/// Bond this much (planck) as a relay at start, if the account holds no role.
	pub bond: Option<u128>,
	/// Most jobs routed per round.
	pub batch: u32,
}

impl std::fmt::Debug for RelayConfig {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		// The key is a secret.
		f.debug_struct("RelayConfig").field("bond", &self.bond).field("batch", &self.batch).finish()
	}
}

impl RelayConfig {
	/// The relay configuration of `config`; `None` without a relay key.
	pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
		let key = KeySource::from_flags(
			config.relay_suri.as_deref(),
			config.relay_keystore.as_deref(),
			config.relay_password.as_deref(),
		)
		.context("--relay-keystore")?;
		let Some(key) = key else {
			if config.bond_relay.is_some() {
				anyhow::bail!("--bond-relay needs --relay-suri or --relay-keystore");
			}
			return Ok(None);
		};
		let bond = config
			.bond_relay
			.as_deref()
			.map(havn_client::amount::parse_amount)
			.transpose()
			.context("--bond-relay")?;
		Ok(Some(Self { key, bond, batch: config.route_batch.max(1) }))
	}

	/// The relay's signer.
	pub fn signer(&self) -> anyhow::Result<Signer> {
		self.key.signer().context("the relay key (--relay-suri or --relay-keystore)")
	}
}

/// A running relay (one per chain connection).
pub struct Relay {
	client: HavnClient,
	db: Db,
	metrics: Arc<Metrics>,
	status: Arc<ChainStatus>,
	config: RelayConfig,
	signer: Signer,
	account: AccountId,
	policy: Policy,
	/// Nodes to leave out until the given block.
	cooldown: HashMap<String, u32>,
	/// Jobs this relay assigned that the index does not show as assigned yet, with their nodes.
	in_flight: HashMap<u64, Vec<String>>,
	/// Whether the relay is known to wait for its bond (logged once).
	waiting_for_bond: bool,
	/// Open jobs already reported without eligible nodes (logged once each).
	unroutable: HashSet<u64>,
	/// Where the next round's page of open jobs starts: after this job id (`None`: from the
	/// oldest). See [`next_cursor`].
	cursor: Option<u64>,
	/// Ended jobs whose `prune` was sent, with the block it was sent after.
	pruning: HashMap<u64, u32>,
}

/// The cursor after a round that read `page` (job ids, ascending) with room for `limit`: the
/// page's last id when it was full (more open jobs may follow), else `None` (start over from
/// the oldest). The relay thus walks every open job, `limit` at a time, so jobs it cannot route
/// (no node serves their class, too few nodes for their redundancy) never hide the ones behind
/// them (finding 2 of `docs/security.md`: a routable job behind 256 unroutable ones was never
/// routed while the relay read only the oldest 32).
pub fn next_cursor(page: &[u64], limit: u32) -> Option<u64> {
	if page.len() < limit as usize {
		None
	} else {
		page.last().copied()
	}
}

impl Relay {
	/// A relay over `client`.
	pub fn new(
		client: HavnClient,
		db: Db,
		metrics: Arc<Metrics>,
		status: Arc<ChainStatus>,
		config: RelayConfig,
		signer: Signer,
	) -> Self {
		let account = keys::account_of(&signer);
		Self {
			client,
			db,
			metrics,
			status,
			config,
			signer,
			account,
			policy: Policy::default(),
			cooldown: HashMap::new(),
			in_flight: HashMap::new(),
			waiting_for_bond: false,
			unroutable: HashSet::new(),
			cursor: None,
			pruning: HashMap::new(),
		}
	}

	/// Bond if asked, then route after every indexed block until shutdown.
	pub async fn run(
		mut self,
		mut indexed: watch::Receiver<Option<u32>>,
		mut shutdown: watch::Receiver<bool>,
	) {
		tracing::info!(relay = %self.account, "relay started");
		self.ensure_bonded().await;
		loop {
			let now = *indexed.borrow_and_update();
			if let Some(now) = now {
				let caught_up = self
					.status
					.finalized()
					.is_some_and(|finalized| finalized.saturating_sub(now) <= MAX_ROUTING_LAG);
				if caught_up {
					self.round(now).await;
				}
			}
			tokio::select! {
				changed = indexed.changed() => if changed.is_err() { return },
				_ = shutdown.changed() => return,
			}
			if *shutdown.borrow() {
				return;
			}
		}
	}

	/// Bond as a relay if `--bond-relay` was given and the account holds no role.
	async fn ensure_bonded(&mut self) {
		let Some(amount) = self.config.bond else { return };
		let standing =
			self.client.runtime_call(api::runtime_apis().havn_api().account(self.account)).await;
		match standing {
			Ok(standing) if standing.role.is_some() => {
				tracing::info!(relay = %self.account, "relay account already bonded");
			}
			Ok(_) => {
				match self
					.client
					.submit(
						&api::tx().stake_guard().bond(Static(Role::Relay), amount),
						&self.signer,
					)
					.await
				{
					Ok(_) => {
						tracing::info!(relay = %self.account, amount,
							"bonded as a relay; routing starts once the bond is indexed");
						self.waiting_for_bond = true;
					}
					Err(err) => tracing::error!(relay = %self.account, error = %err, "bond failed"),
				}
			}
			Err(err) => tracing::error!(error = %err, "cannot read the relay account's standing"),
		}
	}

	/// Route every open job once (once the index shows the relay bonded as a relay).
	async fn round(&mut self, now: u32) {
		match self.db.account_role(&self.account.to_string()).await {
			Ok(Some(role)) if role == "relay" => self.waiting_for_bond = false,
			Ok(role) => {
				if !self.waiting_for_bond {
					tracing::warn!(relay = %self.account, role = ?role,
						"the relay account is not bonded as a relay; routing waits for its bond");
					self.waiting_for_bond = true;
				}
				return;
			}
			Err(err) => {
				return tracing::error!(error = %err, "routing: cannot read the relay's bond")
			}
		}
		self.prune_ended(now).await;
		// `assign` needs `ExecutionWindow` blocks left when it is included (the next block, or
		// the one after): a job with less time is left to expire, never routed to a node that
		// would be held to account for it.
		let due_after = now.saturating_add(self.status.execution_window()).saturating_add(1);
		let after = self.cursor;
		let jobs = match self.db.open_jobs(due_after, after, self.config.batch).await {
			Ok(jobs) => jobs,
			Err(err) => return tracing::error!(error = %err, "routing: cannot read open jobs"),
		};
		let ids: Vec<u64> = jobs.iter().map(|j| j.id).collect();
		self.cursor = next_cursor(&ids, self.config.batch);
		// Assignments that the index now shows (or whose job left `Submitted`) are done: of the
		// ids this page covers, those not in it.
		let last = self.cursor;
		let covered = |id: u64| after.is_none_or(|a| id > a) && last.is_none_or(|l| id <= l);
		let open: HashSet<u64> = ids.iter().copied().collect();
		self.in_flight.retain(|job, _| !covered(*job) || open.contains(job));
		self.unroutable.retain(|job| !covered(*job) || open.contains(job));
		self.cooldown.retain(|_, until| *until > now);
		if jobs.iter().all(|j| self.in_flight.contains_key(&j.id)) {
			return;
		}
		let mut candidates = match self.candidates(now).await {
			Ok(c) => c,
			Err(err) => return tracing::error!(error = %err, "routing: cannot read nodes"),
		};
		for job in jobs {
			if self.in_flight.contains_key(&job.id) {
				continue;
			}
			if !self.route(&job, now, &mut candidates).await {
				break;
			}
		}
	}

	/// Send `prune` for the oldest ended jobs the chain still keeps (at most
	/// [`PRUNE_PER_ROUND`]), each on its own task; a job already sent is sent again only after
	/// [`PRUNE_RETRY`] blocks.
	async fn prune_ended(&mut self, now: u32) {
		let window = self.status.challenge_window();
		let ids = match self.db.prunable_jobs(now, window, PRUNE_PER_ROUND).await {
			Ok(ids) => ids,
			Err(err) => return tracing::error!(error = %err, "pruning: cannot read ended jobs"),
		};
		self.pruning
			.retain(|job, sent| ids.contains(job) && now < sent.saturating_add(PRUNE_RETRY));
		for job_id in ids {
			if self.pruning.contains_key(&job_id) {
				continue;
			}
			self.pruning.insert(job_id, now);
			let (client, signer) = (self.client.clone(), self.signer.clone());
			tokio::spawn(async move {
				let call = api::tx().execution_log().prune(job_id);
				match client.submit(&call, &signer).await {
					Ok(_) => tracing::debug!(job_id, "pruned an ended job"),
					Err(err) => tracing::warn!(job_id, error = %err, "prune failed"),
				}
			});
		}
	}

	/// The indexed nodes as routing candidates.
	async fn candidates(&self, now: u32) -> Result<Vec<Candidate<String>>, crate::db::DbError> {
		let floors = self.status.node_floors();
		Ok(candidates(self.db.node_rows().await?, now, floors, &self.cooldown, &self.in_flight))
	}

	/// Route one job; `false` if routing should stop for this round.
	async fn route(
		&mut self,
		job: &OpenJob,
		now: u32,
		candidates: &mut [Candidate<String>],
	) -> bool {
		let job_id = job.id;
		let Ok(class) = job.compute_class.parse::<ComputeClass>() else {
			tracing::error!(job_id, class = %job.compute_class, "unknown compute class");
			return true;
		};
		self.policy.heartbeat_epoch = self.status.heartbeat_epoch();
		// Nodes that gave this job back sit it out (as quarantined, for this decision only).
		let mut excluded = Vec::new();
		for c in candidates.iter_mut().filter(|c| !c.quarantined) {
			if job.released_by.contains(&c.account) {
				c.quarantined = true;
				excluded.push(c.account.clone());
			}
		}
		let nodes = choose_with(&self.policy, candidates, class, job.redundancy, now);
		for c in candidates.iter_mut().filter(|c| excluded.contains(&c.account)) {
			c.quarantined = false;
		}
		if nodes.is_empty() {
			self.metrics.routing_decisions.with_label_values(&["no_candidates"]).inc();
			if self.unroutable.insert(job_id) {
				tracing::info!(
					job_id,
					redundancy = job.redundancy,
					"no eligible nodes; retrying every block"
				);
			} else {
				tracing::debug!(job_id, "still no eligible nodes");
			}
			return true;
		}
		let accounts =
			match nodes.iter().map(|n| keys::parse_account(n)).collect::<Result<Vec<_>, _>>() {
				Ok(accounts) => accounts,
				Err(err) => {
					tracing::error!(job_id, error = %err, "stored node account does not parse");
					return true;
				}
			};
		let call = api::tx().execution_log().assign(job_id, accounts.clone());
		match self.client.submit(&call, &self.signer).await {
			Ok(_) => {
				self.metrics.routing_decisions.with_label_values(&["assigned"]).inc();
				tracing::info!(job_id, nodes = ?nodes, "job assigned");
				for c in candidates.iter_mut().filter(|c| nodes.contains(&c.account)) {
					c.load = c.load.saturating_add(1);
				}
				self.in_flight.insert(job_id, nodes);
				true
			}
			Err(err) => match err.module_error() {
				Some(RuntimeError::ExecutionLog(ExecutionLogError::NodeNotEligible)) => {
					self.metrics.routing_decisions.with_label_values(&["rejected"]).inc();
					tracing::warn!(job_id, nodes = ?nodes, "assignment refused: a node is not eligible");
					let cooled = self.cool_down(&accounts, &nodes, class, now).await;
					for c in candidates.iter_mut().filter(|c| cooled.contains(&c.account)) {
						c.quarantined = true;
					}
					true
				}
				Some(RuntimeError::ExecutionLog(
					ExecutionLogError::BadPhase
					| ExecutionLogError::JobPartiallyClaimed
					| ExecutionLogError::TooLateToRun,
				)) => {
					let reason = err.dispatch_error().unwrap_or_default();
					tracing::info!(job_id, reason, "job no longer open for assignment");
					self.in_flight.insert(job_id, Vec::new());
					true
				}
				Some(RuntimeError::ExecutionLog(ExecutionLogError::NotRelay)) => {
					self.metrics.routing_decisions.with_label_values(&["failed"]).inc();
					tracing::error!(job_id, relay = %self.account,
						"the relay account is not bonded as a relay (use --bond-relay)");
					false
				}
				_ => {
					self.metrics.routing_decisions.with_label_values(&["failed"]).inc();
					tracing::warn!(job_id, error = %err, "assignment failed; retrying next block");
					true
				}
			},
		}
	}

	/// After `NodeNotEligible`: sit out, for one heartbeat epoch, the nodes the runtime API shows
	/// ineligible for `class` (all of `nodes` if it shows none); return them.
	async fn cool_down(
		&mut self,
		accounts: &[AccountId],
		nodes: &[String],
		class: ComputeClass,
		now: u32,
	) -> Vec<String> {
		let mut ineligible = Vec::new();
		for (account, node) in accounts.iter().zip(nodes) {
			let standing =
				self.client.runtime_call(api::runtime_apis().havn_api().account(*account)).await;
			let eligible = match standing {
				Ok(standing) => {
					matches!(standing.role, Some(Role::ExecutionNode(c)) if c.serves(class))
						&& !standing.quarantined
						&& standing.level > ReputationLevel::Untrusted
				}
				Err(err) => {
					tracing::warn!(node = %node, error = %err, "cannot read the node's standing");
					true
				}
			};
			if !eligible {
				ineligible.push(node.clone());
			}
		}
		if ineligible.is_empty() {
			ineligible = nodes.to_vec();
		}
		let until = now.saturating_add(self.policy.heartbeat_epoch);
		for node in &ineligible {
			tracing::info!(node = %node, until, "node sits out routing");
			self.cooldown.insert(node.clone(), until);
		}
		ineligible
	}
}

/// The routing candidates of the indexed `rows` at block `now`: nodes sitting out (`cooldown`
/// until a later block) count as quarantined, and the assignments made but not indexed yet
/// (`in_flight`, job to nodes) add to their nodes' load. Rows without a known class are skipped,
/// and so are nodes bonded below their class's floor (`floors`, planck, in
/// [`ComputeClass::ALL`] order; once known),
/// which the chain would refuse (`NodeNotEligible`): a node that unbonded is not routed to.
pub fn candidates(
	rows: Vec<NodeRow>,
	now: u32,
	floors: Option<[u128; 4]>,
	cooldown: &HashMap<String, u32>,
	in_flight: &HashMap<u64, Vec<String>>,
) -> Vec<Candidate<String>> {
	let mut extra_load: HashMap<&str, u32> = HashMap::new();
	for node in in_flight.values().flatten() {
		*extra_load.entry(node.as_str()).or_default() += 1;
	}
	rows.into_iter()
		.filter_map(|row| {
			let class: ComputeClass = row.compute_class.as_deref()?.parse().ok()?;
			if let Some(floors) = floors {
				let floor = ComputeClass::ALL
					.iter()
					.zip(floors)
					.find_map(|(c, floor)| (*c == class).then_some(floor))
					.unwrap_or(0);
				if row.bonded < floor {
					return None;
				}
			}
			Some(Candidate {
				quarantined: cooldown.get(&row.account).is_some_and(|u| *u > now),
				load: row
					.open_jobs
					.saturating_add(extra_load.get(row.account.as_str()).copied().unwrap_or(0)),
				class,
				last_heartbeat: row.last_heartbeat,
				reputation_ppm: row.reputation_ppm,
				account: row.account,
			})
		})
		.collect()
}
