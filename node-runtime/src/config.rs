//! Configuration: a TOML file (`--config`), overridden by command-line flags.
//!
//! ```toml
//! chain = "ws://127.0.0.1:9944"          # the Havn node's RPC
//! orchestrator = "http://127.0.0.1:8080" # artifact store and attestation pool
//! roles = ["execute"]                    # or ["attest"] (one role per account)
//! models_dir = "models"                  # from scripts/fetch-models.sh
//! compute_class = "S"                    # S, M, L or XL
//! bond_hai = 2000                        # bond this much if the account has no role yet
//! device = "cpu"                         # or "cuda:0" (build with --features cuda)
//! reexecute = "sampled"                  # attest: re-execute "sampled" jobs or "always"
//! cpu_watts = 15.0                       # energy estimate without a GPU, W per busy core
//!
//! [key]
//! suri = "//Ferdie"                       # dev only; or:
//! # keystore = "/etc/havn/node.json"      # polkadot.js keystore, password in $HAVN_KEY_PASSWORD
//! ```

use anyhow::{bail, Context};
use havn_primitives::ComputeClass;
use std::path::{Path, PathBuf};

/// What the daemon does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
	/// Run assigned jobs and sign receipts.
	Execute,
	/// Check receipts, re-execute sampled jobs and attest.
	Attest,
}

/// When an attestor re-executes a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum Reexecute {
	/// Only jobs the chain sampled (it then requires the re-execution digest).
	#[default]
	Sampled,
	/// Every job of its committee.
	Always,
}

/// The file's shape (every field optional; flags override).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
	pub chain: Option<String>,
	pub orchestrator: Option<String>,
	pub roles: Option<Vec<RoleKind>>,
	pub models_dir: Option<PathBuf>,
	pub compute_class: Option<ComputeClass>,
	pub bond_hai: Option<u64>,
	pub device: Option<String>,
	pub reexecute: Option<Reexecute>,
	pub cpu_watts: Option<f64>,
	pub key: Option<KeyConfig>,
}

/// Where the account key comes from.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
	/// A secret URI (dev and tests).
	pub suri: Option<String>,
	/// A polkadot.js keystore file; its password is read from `$HAVN_KEY_PASSWORD`.
	pub keystore: Option<PathBuf>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
	/// RPC URL of the node.
	pub chain: String,
	/// Base URL of the orchestrator.
	pub orchestrator: String,
	/// Roles to run.
	pub roles: Vec<RoleKind>,
	/// Model directory.
	pub models_dir: PathBuf,
	/// Compute class bonded for (execute).
	pub compute_class: ComputeClass,
	/// Bond this many HAI at start if the account holds no role (0: never bond).
	pub bond_hai: u64,
	/// `cpu` or `cuda:N`.
	pub device: String,
	/// Re-execution policy (attest).
	pub reexecute: Reexecute,
	/// Watts per busy CPU core for the energy estimate without NVML.
	pub cpu_watts: f64,
	/// The key.
	pub key: KeyConfig,
}

impl FileConfig {
	/// Read and parse a TOML file.
	pub fn load(path: &Path) -> anyhow::Result<Self> {
		let text =
			std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
		toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
	}
}

impl Config {
	/// Merge the file with the flags (flags win) and check the result.
	pub fn resolve(file: FileConfig, flags: &crate::Cli) -> anyhow::Result<Self> {
		// A key on the command line replaces the file's key whole.
		let key = if flags.suri.is_some() || flags.keystore.is_some() {
			KeyConfig { suri: flags.suri.clone(), keystore: flags.keystore.clone() }
		} else {
			file.key.clone().unwrap_or_default()
		};
		if key.suri.is_none() && key.keystore.is_none() {
			bail!("no key: pass --suri (dev) or --keystore FILE (password in $HAVN_KEY_PASSWORD)");
		}
		let roles = if flags.role.is_empty() {
			file.roles.unwrap_or_else(|| vec![RoleKind::Execute])
		} else {
			flags.role.clone()
		};
		if roles.is_empty() {
			bail!("no role: pass --role execute or --role attest");
		}
		if roles.contains(&RoleKind::Execute) && roles.contains(&RoleKind::Attest) {
			bail!(
				"an account holds one StakeGuard role: run one havn-exec per account, with \
				 --role execute (a node's key) or --role attest (a validator's key)"
			);
		}
		let cpu_watts = flags.cpu_watts.or(file.cpu_watts).unwrap_or(15.0);
		if !(cpu_watts > 0.0 && cpu_watts < 10_000.0) {
			bail!("cpu_watts must be within (0, 10000)");
		}
		Ok(Self {
			chain: flags
				.chain
				.clone()
				.or(file.chain)
				.unwrap_or_else(|| havn_client::DEFAULT_CHAIN.into()),
			orchestrator: flags
				.orchestrator
				.clone()
				.or(file.orchestrator)
				.unwrap_or_else(|| havn_client::DEFAULT_ORCHESTRATOR.into()),
			roles,
			models_dir: flags
				.models_dir
				.clone()
				.or(file.models_dir)
				.unwrap_or_else(|| PathBuf::from("models")),
			compute_class: flags.compute_class.or(file.compute_class).unwrap_or(ComputeClass::S),
			bond_hai: flags.bond_hai.or(file.bond_hai).unwrap_or(0),
			device: flags.device.clone().or(file.device).unwrap_or_else(|| "cpu".into()),
			reexecute: flags.reexecute.or(file.reexecute).unwrap_or_default(),
			cpu_watts,
			key,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::Parser;

	fn resolve(args: &[&str], file: &str) -> anyhow::Result<Config> {
		let cli =
			crate::Cli::try_parse_from(std::iter::once("havn-exec").chain(args.iter().copied()))?;
		Config::resolve(toml::from_str(file)?, &cli)
	}

	#[test]
	fn flags_override_the_file() {
		let file = "chain = \"ws://h:1\"\nroles = [\"attest\"]\ncompute_class = \"M\"\n[key]\nsuri = \"//Bob\"\n";
		let c = resolve(&[], file).unwrap();
		assert_eq!(
			(c.chain.as_str(), c.roles.clone(), c.compute_class),
			("ws://h:1", vec![RoleKind::Attest], ComputeClass::M)
		);
		let c =
			resolve(&["--chain", "ws://x:2", "--compute-class", "xl", "--role", "execute"], file)
				.unwrap();
		assert_eq!(
			(c.chain.as_str(), c.roles.clone(), c.compute_class),
			("ws://x:2", vec![RoleKind::Execute], ComputeClass::XL)
		);
		assert_eq!(c.key.suri.as_deref(), Some("//Bob"));
	}

	#[test]
	fn refuses_what_cannot_work() {
		let key = "[key]\nsuri = \"//Bob\"\n";
		let err = |args: &[&str], file: &str| resolve(args, file).unwrap_err().to_string();
		assert!(
			err(&["--role", "execute", "--role", "attest"], key).contains("one StakeGuard role")
		);
		assert!(err(&[], "").contains("no key"));
		assert!(err(&["--cpu-watts", "0"], key).contains("cpu_watts"));
		assert!(err(&[], "colour = 1\n").contains("unknown field"));
		assert!(resolve(&["--compute-class", "XXL"], key).is_err());
	}
}
