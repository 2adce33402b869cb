//! Genesis presets: `development` (one authority, Alice), `local_testnet` (Alice, Bob and
//! Charlie as authorities) and [`testnet_genesis`], from which the node builds the `aurora`
//! testnet spec out of authority keys given on its command line or in a file.
//!
//! Every preset pre-funds the Sr25519 dev accounts (testnets only), funds the Faucet pot and gives
//! the Treasury its existential deposit, makes Alice, Bob and Charlie the Council, and Alice the
//! sudo key. A mainnet-like spec is built with `faucet: false`: no pot and the Faucet disabled.

use crate::{
	configs::governance::TreasuryAccount, AccountId, BalancesConfig, CouncilConfig, FaucetConfig,
	RuntimeGenesisConfig, SudoConfig, EXISTENTIAL_DEPOSIT, HAI,
};
use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, traits::Get, PalletId};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::traits::AccountIdConversion;

/// Balance of each pre-funded dev account: 1,000,000 HAI.
pub const ENDOWMENT: u128 = 1_000_000 * HAI;
/// Funding of the Faucet pot on testnets: 10,000,000 HAI.
pub const FAUCET_POT: u128 = 10_000_000 * HAI;

/// Account of the Faucet pot.
pub fn faucet_pot() -> AccountId {
	let id: PalletId = <crate::configs::havn::FaucetPalletId as Get<PalletId>>::get();
	id.into_account_truncating()
}

/// Genesis of a Havn chain.
///
/// - `authorities`: Aura (sr25519) and GRANDPA (ed25519) keys of the block producers.
/// - `endowed`: accounts funded with [`ENDOWMENT`] each.
/// - `root`: the sudo key (`None` removes sudo's power: no key).
/// - `council`: initial Council members.
/// - `faucet`: whether the Faucet is enabled and its pot funded with [`FAUCET_POT`].
pub fn testnet_genesis(
	authorities: Vec<(AuraId, GrandpaId)>,
	endowed: Vec<AccountId>,
	root: Option<AccountId>,
	council: Vec<AccountId>,
	faucet: bool,
) -> Value {
	let mut balances: Vec<(AccountId, u128)> =
		endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect();
	balances.push((TreasuryAccount::get(), EXISTENTIAL_DEPOSIT));
	if faucet {
		balances.push((faucet_pot(), FAUCET_POT));
	}
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: root },
		council: CouncilConfig { members: council },
		faucet: FaucetConfig { enabled: faucet },
	})
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| k != &Sr25519Keyring::One && k != &Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

fn council() -> Vec<AccountId> {
	vec![
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Sr25519Keyring::Charlie.to_account_id(),
	]
}

fn authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// The `development` preset: Alice alone produces and finalizes blocks.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		dev_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		council(),
		true,
	)
}

/// The `local_testnet` preset: Alice, Bob and Charlie are authorities.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		],
		dev_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		council(),
		true,
	)
}

/// The JSON genesis patch of preset `id`, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(String::into_bytes)
}

/// Names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

use alloc::string::String;
