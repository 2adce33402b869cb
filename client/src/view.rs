//! Chain views the services share, read at one block: live runtime parameters, the newest job
//! id, and a job while its committee is voting.
//!
//! The runtime parameters here are the ones governance can change through `pallet-parameters`
//! (`Parameters::Parameters`): a view reads the stored value at the block it is given and falls
//! back to the default the runtime was built with (the pallet's metadata constant), so a service
//! that reads [`ChainParams::at`] on the block it acts on follows every change the Council makes,
//! with no restart and no copy of the value in its own configuration.

use crate::{api, AccountId, ClientError, HavnConfig};
use havn_primitives::{api::JobPhase, BlockNumber, Digest, JobId};

/// A view of the chain at one block (storage, constants, runtime calls).
pub type Block = subxt::client::OnlineClientAtBlock<HavnConfig>;

/// Read a `pallet-parameters` entry at `$at`, else the pallet's constant (its default).
macro_rules! parameter {
	($at:expr, $Outer:ident, $module:ident, $Name:ident, $constant:expr) => {{
		use api::runtime_types::havn_runtime::configs::parameters::{
			dynamic_params::$module, RuntimeParametersKey, RuntimeParametersValue,
		};
		let key = RuntimeParametersKey::$Outer($module::ParametersKey::$Name($module::$Name));
		let stored = $at
			.storage()
			.try_fetch(api::storage().parameters().parameters(), (key,))
			.await
			.map_err(ClientError::subxt)?;
		let value = match stored.map(|v| v.decode()).transpose().map_err(ClientError::subxt)? {
			Some(RuntimeParametersValue::$Outer($module::ParametersValue::$Name(v))) => Some(v),
			_ => None,
		};
		match value {
			Some(v) => v,
			None => $at.constants().entry($constant).map_err(ClientError::subxt)?,
		}
	}};
}

/// The runtime parameters the off-chain services act on, as they stand at one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainParams {
	/// Target block time, in ms: Aura's slot (`Timestamp::MinimumPeriod` × 2).
	pub block_ms: u64,
	/// Verdicts that decide a job (`ExecutionLog` `QuorumSize`).
	pub quorum: u32,
	/// Blocks within which a node must heartbeat to stay routable, and after three of which it
	/// is quarantined (`StakeGuard` `HeartbeatEpoch`).
	pub heartbeat_epoch: BlockNumber,
	/// Blocks a relay has to route a job before any eligible node may claim it
	/// (`ExecutionLog` `RelayTimeout`).
	pub relay_timeout: BlockNumber,
	/// Blocks a node is given to run a job: `assign` and `claim` need this many blocks left
	/// before the job's deadline (`ExecutionLog` `ExecutionWindow`).
	pub execution_window: BlockNumber,
	/// Blocks after finalization during which a job can be challenged; after them a finalized
	/// job can be pruned (`ExecutionLog` `ChallengeWindow`).
	pub challenge_window: BlockNumber,
	/// Collateral floor of an execution node of each class, in `ComputeClass::ALL` order (S, M,
	/// L, XL), in planck
	/// (`StakeGuard` `FloorS` … `FloorXL`): a node bonded below its class's floor is not eligible
	/// for any job.
	pub node_floors: [u128; 4],
}

impl ChainParams {
	/// The parameters at `at`.
	///
	/// Errors: [`ClientError::Subxt`] when a read fails or the metadata lacks an entry.
	pub async fn at(at: &Block) -> Result<Self, ClientError> {
		let minimum_period: u64 = at
			.constants()
			.entry(api::constants().timestamp().minimum_period())
			.map_err(ClientError::subxt)?;
		Ok(Self {
			block_ms: minimum_period.saturating_mul(2),
			quorum: Self::quorum_at(at).await?,
			heartbeat_epoch: parameter!(
				at,
				Stake,
				stake,
				HeartbeatEpoch,
				api::constants().stake_guard().heartbeat_epoch()
			),
			relay_timeout: parameter!(
				at,
				Execution,
				execution,
				RelayTimeout,
				api::constants().execution_log().relay_timeout()
			),
			execution_window: parameter!(
				at,
				Execution,
				execution,
				ExecutionWindow,
				api::constants().execution_log().execution_window()
			),
			challenge_window: parameter!(
				at,
				Execution,
				execution,
				ChallengeWindow,
				api::constants().execution_log().challenge_window()
			),
			node_floors: [
				parameter!(at, Stake, stake, FloorS, api::constants().stake_guard().floor_s()),
				parameter!(at, Stake, stake, FloorM, api::constants().stake_guard().floor_m()),
				parameter!(at, Stake, stake, FloorL, api::constants().stake_guard().floor_l()),
				parameter!(at, Stake, stake, FloorXL, api::constants().stake_guard().floor_xl()),
			],
		})
	}

	/// The quorum alone (`ExecutionLog` `QuorumSize`) at `at`: one storage read, for the paths
	/// that run per job and per block (the lead's pool sweep).
	///
	/// Errors: [`ClientError::Subxt`] when the read fails.
	pub async fn quorum_at(at: &Block) -> Result<u32, ClientError> {
		Ok(parameter!(
			at,
			Execution,
			execution,
			QuorumSize,
			api::constants().execution_log().quorum_size()
		))
	}

	/// One block, as a duration.
	pub fn block_time(&self) -> std::time::Duration {
		std::time::Duration::from_millis(self.block_ms)
	}
}

/// `ExecutionLog::NextJobId` at `at`: one past the newest job id.
pub async fn next_job_id(at: &Block) -> Result<JobId, ClientError> {
	at.storage()
		.fetch(api::storage().execution_log().next_job_id(), ())
		.await
		.map_err(ClientError::subxt)?
		.decode()
		.map_err(ClientError::subxt)
}

/// What decides whether an attestation of a job in `Attesting` can land now
/// (`ExecutionLog::ensure_can_attest` checks the same facts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestingJob {
	/// The job.
	pub job_id: JobId,
	/// Its attestation committee.
	pub committee: Vec<AccountId>,
	/// Validators with a verdict on it.
	pub voted: Vec<AccountId>,
	/// Verdicts the quorum still needs (at least 1).
	pub needed: usize,
	/// Whether it was sampled for re-execution (a `Valid` verdict must then carry a digest).
	pub sampled: bool,
	/// The receipts' reference hash ([`havn_primitives::rules::reference_hash`]), which a
	/// `Valid` verdict's digest must equal.
	pub reference: Option<Digest>,
}

impl AttestingJob {
	/// The job at `at` if it is in `Attesting` (else `None`), with the quorum in force at that
	/// block.
	pub async fn at(at: &Block, job_id: JobId) -> Result<Option<Self>, ClientError> {
		let job = at
			.storage()
			.try_fetch(api::storage().execution_log().jobs(), (job_id,))
			.await
			.map_err(ClientError::subxt)?;
		let Some(job) = job else { return Ok(None) };
		let job = job.decode().map_err(ClientError::subxt)?;
		if *job.phase != JobPhase::Attesting {
			return Ok(None);
		}
		let quorum = ChainParams::quorum_at(at).await? as usize;
		let voted: Vec<AccountId> = job.verdicts.iter().map(|(v, _)| *v).collect();
		Ok(Some(Self {
			job_id,
			committee: job.committee,
			needed: quorum.saturating_sub(voted.len()).max(1),
			voted,
			sampled: job.sampled,
			reference: havn_primitives::rules::reference_hash(&job.receipts),
		}))
	}
}
