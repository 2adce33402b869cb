//! `havn dev set-params …`: change ExecutionLog parameters on a devnet.
//!
//! Each given parameter is set with its own `Sudo::sudo(Parameters::set_parameter(..))`, signed
//! by the sudo key (Alice on `--dev`). `Sudo::sudo` succeeds even when the inner call fails, so
//! the `Sudid` event's result is checked too. Typical use: a single-validator devnet lowers
//! `QuorumSize` and `CommitteeSize` to 1 so that jobs can finalize.

use crate::{
	chain::{self, Chain},
	cli::SetParamsArgs,
	failure::Failure,
	render::percent,
	Ctx, Report,
};
use anyhow::{anyhow, Result};
use havn_client::{
	api::{
		self,
		runtime_types::{
			havn_runtime::{
				configs::parameters::{dynamic_params::execution, RuntimeParameters},
				RuntimeCall,
			},
			pallet_parameters::pallet::Call as ParametersCall,
			sp_arithmetic::per_things::Permill,
			sp_runtime::DispatchError,
		},
	},
	keys,
};
use havn_primitives::manifest::percent_to_permill;
use serde_json::{json, Value};

/// One parameter to set; its name is the runtime parameter's.
#[derive(Clone, Copy, Debug, PartialEq, strum::IntoStaticStr)]
pub enum Setting {
	/// `QuorumSize`: matching verdicts that decide a job.
	QuorumSize(u32),
	/// `CommitteeSize`: validators drawn per committee.
	CommitteeSize(u32),
	/// `ReexecutionRate`, in parts per million.
	ReexecutionRate(u32),
	/// `RelayTimeout`, in blocks.
	RelayTimeout(u32),
}

impl Setting {
	/// The parameter's name in the runtime.
	pub fn name(self) -> &'static str {
		self.into()
	}

	/// The value for people.
	pub fn value_text(self) -> String {
		match self {
			Self::QuorumSize(n) | Self::CommitteeSize(n) => n.to_string(),
			Self::ReexecutionRate(ppm) => percent(ppm),
			Self::RelayTimeout(blocks) => format!("{blocks} blocks"),
		}
	}

	fn value_json(self) -> Value {
		match self {
			Self::QuorumSize(n) | Self::CommitteeSize(n) | Self::RelayTimeout(n) => n.into(),
			Self::ReexecutionRate(ppm) => json!({ "ppm": ppm, "percent": percent(ppm) }),
		}
	}

	fn runtime_parameters(self) -> RuntimeParameters {
		let p = match self {
			Self::QuorumSize(n) => {
				execution::Parameters::QuorumSize(execution::QuorumSize, Some(n))
			}
			Self::CommitteeSize(n) => {
				execution::Parameters::CommitteeSize(execution::CommitteeSize, Some(n))
			}
			Self::ReexecutionRate(ppm) => execution::Parameters::ReexecutionRate(
				execution::ReexecutionRate,
				Some(Permill(ppm)),
			),
			Self::RelayTimeout(blocks) => {
				execution::Parameters::RelayTimeout(execution::RelayTimeout, Some(blocks))
			}
		};
		RuntimeParameters::Execution(p)
	}
}

/// The settings the flags ask for, checked: at least one, a percent with at most four decimals
/// within 0..=100, and a quorum no larger than the committee when both are given (a committee
/// smaller than the quorum never decides).
pub fn settings(args: &SetParamsArgs) -> Result<Vec<Setting>, Failure> {
	let mut out = Vec::new();
	if let Some(n) = args.quorum_size {
		out.push(Setting::QuorumSize(n));
	}
	if let Some(n) = args.committee_size {
		out.push(Setting::CommitteeSize(n));
	}
	if let Some(p) = args.reexecution_percent {
		let permill = percent_to_permill("reexecution-percent", p)
			.map_err(|e| Failure::bad_input(format!("--reexecution-percent: {e}")))?;
		out.push(Setting::ReexecutionRate(permill.deconstruct()));
	}
	if let Some(blocks) = args.relay_timeout {
		out.push(Setting::RelayTimeout(blocks));
	}
	if let (Some(q), Some(c)) = (args.quorum_size, args.committee_size) {
		if q > c {
			return Err(Failure::bad_input(format!(
				"--quorum-size {q} is larger than --committee-size {c}: such a committee never decides"
			)));
		}
	}
	if out.is_empty() {
		return Err(Failure::bad_input("give at least one parameter to set"));
	}
	Ok(out)
}

/// Run `havn dev set-params`.
pub async fn set_params(ctx: &Ctx, args: SetParamsArgs) -> Result<Report> {
	let settings = settings(&args)?;
	let signer = chain::signer(&ctx.opts)?;
	let chain = Chain::connect(&ctx.opts).await?;

	let me = keys::account_of(&signer);
	let at = chain.at_best().await?;
	let sudo_key = match at.storage().try_fetch(api::storage().sudo().key(), ()).await? {
		Some(v) => Some(v.decode()?),
		None => None,
	};
	match &sudo_key {
		Some(key) if *key == me => {}
		Some(key) => {
			return Err(anyhow!(
				"{} is not the sudo key of this chain ({} is)",
				keys::ss58(&me),
				keys::ss58(key)
			))
		}
		None => return Err(anyhow!("this chain has no sudo key")),
	}

	let mut text = String::new();
	let mut done = Vec::new();
	for setting in settings {
		let call = RuntimeCall::Parameters(ParametersCall::set_parameter {
			key_value: setting.runtime_parameters(),
		});
		let included = chain.submit(&api::tx().sudo().sudo(call), &signer).await?;
		let sudid: api::sudo::events::Sudid = chain::event(&included, "Sudo.Sudid")?;
		if let Err(e) = sudid.sudo_result {
			let name = dispatch_error_name(&at, &e);
			return Err(anyhow!(
				"Parameters.set_parameter({}) failed under sudo: {name}",
				setting.name()
			));
		}
		text.push_str(&format!("{} = {}\n", setting.name(), setting.value_text()));
		done.push(json!({
			"parameter": setting.name(),
			"value": setting.value_json(),
			"block_hash": format!("{:?}", included.block_hash),
		}));
	}
	Ok(Report::ok(json!({ "set": done }), text))
}

/// `Pallet::Error` of a generated dispatch error, using the metadata for module errors.
fn dispatch_error_name(
	at: &havn_client::subxt::client::OnlineClientAtBlock<havn_client::HavnConfig>,
	e: &DispatchError,
) -> String {
	if let DispatchError::Module(m) = e {
		let metadata = at.metadata_ref();
		if let Some(pallet) = metadata.pallet_by_error_index(m.index) {
			let variant = m.error.first().and_then(|i| pallet.error_variant_by_index(*i));
			if let Some(variant) = variant {
				return format!("{}::{}", pallet.name(), variant.name);
			}
		}
	}
	format!("{e:?}")
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::failure::EXIT_BAD_INPUT;

	fn args(
		quorum: Option<u32>,
		committee: Option<u32>,
		percent: Option<f64>,
		timeout: Option<u32>,
	) -> SetParamsArgs {
		SetParamsArgs {
			quorum_size: quorum,
			committee_size: committee,
			reexecution_percent: percent,
			relay_timeout: timeout,
		}
	}

	#[test]
	fn settings_are_checked() {
		assert_eq!(
			settings(&args(Some(1), Some(1), Some(12.5), Some(3))).unwrap(),
			vec![
				Setting::QuorumSize(1),
				Setting::CommitteeSize(1),
				Setting::ReexecutionRate(125_000),
				Setting::RelayTimeout(3)
			]
		);
		assert_eq!(
			settings(&args(None, None, Some(100.0), None)).unwrap(),
			vec![Setting::ReexecutionRate(1_000_000)]
		);
		assert_eq!(settings(&args(Some(5), Some(3), None, None)).unwrap_err().code, EXIT_BAD_INPUT);
		assert_eq!(
			settings(&args(None, None, Some(100.5), None)).unwrap_err().code,
			EXIT_BAD_INPUT
		);
		assert_eq!(
			settings(&args(None, None, Some(0.00001), None)).unwrap_err().code,
			EXIT_BAD_INPUT
		);
		assert_eq!(settings(&args(None, None, None, None)).unwrap_err().code, EXIT_BAD_INPUT);
	}

	#[test]
	fn settings_encode_as_the_runtime_expects() {
		// RuntimeParameters::Execution (codec index 3), then the execution parameter's index
		// (QuorumSize 0, ReexecutionRate 2, RelayTimeout 3), the unit key, then `Some(value)`.
		use havn_client::subxt::ext::codec::Encode;
		let enc = |s: Setting| s.runtime_parameters().encode();
		assert_eq!(enc(Setting::QuorumSize(1)), vec![3, 0, 1, 1, 0, 0, 0]);
		assert_eq!(enc(Setting::CommitteeSize(2)), vec![3, 1, 1, 2, 0, 0, 0]);
		assert_eq!(
			enc(Setting::ReexecutionRate(100_000)),
			[vec![3, 2, 1], 100_000u32.to_le_bytes().to_vec()].concat()
		);
		assert_eq!(enc(Setting::RelayTimeout(7)), vec![3, 3, 1, 7, 0, 0, 0]);
	}
}
