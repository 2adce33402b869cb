//! Chain specifications: `dev`, `local` and `aurora`.

use crate::cli::AuroraSpecCmd;
use havn_runtime::{genesis_config_presets::testnet_genesis, AccountId, WASM_BINARY};
use sc_service::ChainType;
use serde::Deserialize;
use serde_json::json;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::crypto::Ss58Codec;

/// A chain spec of the Havn runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token properties shown by wallets: HAI with 12 decimals, SS58 prefix 42.
fn properties() -> sc_chain_spec::Properties {
	let value = json!({ "tokenSymbol": "HAI", "tokenDecimals": 12, "ss58Format": 42 });
	match value {
		serde_json::Value::Object(map) => map,
		_ => Default::default(),
	}
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime wasm is not available: build without SKIP_WASM_BUILD".to_string()
	})
}

/// `dev`: one authority (Alice), pre-funded dev accounts, Alice as sudo.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Havn Development")
		.with_id("havn_dev")
		.with_chain_type(ChainType::Development)
		.with_properties(properties())
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.build())
}

/// `local`: Alice, Bob and Charlie as authorities.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Havn Local Testnet")
		.with_id("havn_local")
		.with_chain_type(ChainType::Local)
		.with_properties(properties())
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.build())
}

#[derive(Debug, Default, Deserialize)]
struct AuthorityKeys {
	aura: String,
	grandpa: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuroraFile {
	#[serde(default)]
	authorities: Vec<AuthorityKeys>,
	sudo: Option<String>,
	#[serde(default)]
	council: Vec<String>,
	#[serde(default)]
	endowed: Vec<String>,
}

fn account(ss58: &str, what: &str) -> Result<AccountId, String> {
	AccountId::from_ss58check(ss58.trim()).map_err(|e| format!("bad {what} `{ss58}`: {e:?}"))
}

fn authority(aura: &str, grandpa: &str) -> Result<(AuraId, GrandpaId), String> {
	let aura = AuraId::from_ss58check(aura.trim())
		.map_err(|e| format!("bad Aura (sr25519) key `{aura}`: {e:?}"))?;
	let grandpa = GrandpaId::from_ss58check(grandpa.trim())
		.map_err(|e| format!("bad GRANDPA (ed25519) key `{grandpa}`: {e:?}"))?;
	Ok((aura, grandpa))
}

/// `aurora`: a public testnet from authority keys given on the command line or in a file.
/// The Faucet is on; endowed accounts get 1,000,000 HAI each.
pub fn aurora_chain_spec(cmd: &AuroraSpecCmd) -> Result<ChainSpec, String> {
	let file: AuroraFile = match &cmd.authorities_file {
		Some(path) => {
			let text = std::fs::read_to_string(path)
				.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
			serde_json::from_str(&text)
				.map_err(|e| format!("{} is not a valid authorities file: {e}", path.display()))?
		}
		None => AuroraFile::default(),
	};
	let mut authorities = Vec::new();
	for keys in &file.authorities {
		authorities.push(authority(&keys.aura, &keys.grandpa)?);
	}
	for pair in &cmd.authorities {
		let (aura, grandpa) = pair
			.split_once(',')
			.ok_or_else(|| format!("--authority `{pair}` must be AURA_SS58,GRANDPA_SS58"))?;
		authorities.push(authority(aura, grandpa)?);
	}
	if authorities.is_empty() {
		return Err(
			"aurora needs at least one authority (--authority or --authorities-file)".into()
		);
	}
	let sudo = match cmd.sudo.as_deref().or(file.sudo.as_deref()) {
		Some(s) => Some(account(s, "sudo account")?),
		None => None,
	};
	let council =
		file.council.iter().map(|s| account(s, "council member")).collect::<Result<_, _>>()?;
	let endowed =
		file.endowed.iter().map(|s| account(s, "endowed account")).collect::<Result<_, _>>()?;
	let genesis = testnet_genesis(authorities, endowed, sudo, council, true);
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Havn Aurora Testnet")
		.with_id("havn_aurora")
		.with_chain_type(ChainType::Live)
		.with_properties(properties())
		.with_genesis_config_patch(genesis)
		.build())
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE_SR: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const ALICE_ED: &str = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu";

	#[test]
	fn aurora_needs_authorities() {
		let cmd =
			AuroraSpecCmd { authorities: vec![], authorities_file: None, sudo: None, raw: false };
		assert!(aurora_chain_spec(&cmd).err().unwrap().contains("at least one authority"));
	}

	#[test]
	fn aurora_rejects_malformed_keys() {
		let cmd = AuroraSpecCmd {
			authorities: vec!["not-a-key,also-not".into()],
			authorities_file: None,
			sudo: None,
			raw: false,
		};
		assert!(aurora_chain_spec(&cmd).err().unwrap().contains("bad Aura"));
	}

	#[test]
	fn aurora_from_file_and_flags() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keys.json");
		std::fs::write(
			&path,
			format!(
				r#"{{"authorities":[{{"aura":"{ALICE_SR}","grandpa":"{ALICE_ED}"}}],"sudo":"{ALICE_SR}"}}"#
			),
		)
		.unwrap();
		let cmd = AuroraSpecCmd {
			authorities: vec![format!("{ALICE_SR},{ALICE_ED}")],
			authorities_file: Some(path),
			sudo: None,
			raw: false,
		};
		let Ok(spec) = aurora_chain_spec(&cmd) else { panic!("aurora spec failed") };
		let json = sc_chain_spec::ChainSpec::as_json(&spec, false).unwrap();
		assert!(json.contains("havn_aurora"));
		assert!(json.matches(ALICE_SR).count() >= 2);
	}
}
