//! The chain side of the CLI: connecting, signers, reading at the best block, submitting, and
//! turning dispatch errors into readable messages.
//!
//! Reads go to the **best** block, not the finalized one: a demo publishes a model and then a
//! workflow that depends on it a few seconds later, and finality lags the best block by a couple
//! of blocks.

use crate::{cli::GlobalOpts, render::Job};
use anyhow::{anyhow, Context as _, Result};
use havn_client::{
	api,
	keys::{self, KeySource},
	subxt::{self, client::OnlineClientAtBlock, events::DecodeAsEvent, transactions::Payload},
	AccountId, ClientError, HavnClient, HavnConfig, Included, Signer, Static,
};
use havn_primitives::{
	api::{FeeQuote, QuoteError},
	Balance, ComputeClass, JobId, WorkflowId,
};
use std::time::Duration;

/// A connected node.
pub struct Chain {
	client: HavnClient,
}

impl Chain {
	/// Connect to `opts.chain`, retrying for `opts.connect_timeout` seconds.
	pub async fn connect(opts: &GlobalOpts) -> Result<Self> {
		let client =
			HavnClient::connect(&opts.chain, Duration::from_secs(opts.connect_timeout)).await?;
		Ok(Self { client })
	}

	/// The underlying client.
	pub fn client(&self) -> &HavnClient {
		&self.client
	}

	/// A view of the chain at the current best block.
	pub async fn at_best(&self) -> Result<OnlineClientAtBlock<HavnConfig>> {
		let hash = self
			.client
			.rpc()
			.chain_get_block_hash(None)
			.await
			.context("asking the node for its best block")?
			.ok_or_else(|| anyhow!("the node has no best block"))?;
		Ok(self.client.online().at_block(hash).await?)
	}

	/// Call a runtime API at the best block.
	pub async fn runtime_call<P: subxt::runtime_apis::Payload>(
		&self,
		payload: P,
	) -> Result<P::ReturnType> {
		let at = self.at_best().await?;
		Ok(at.runtime_apis().call(payload).await?)
	}

	/// `HavnApi::job` at the best block.
	pub async fn job(&self, job_id: JobId) -> Result<Option<Job>> {
		let view = self.runtime_call(api::runtime_apis().havn_api().job(job_id)).await?;
		Ok(view.map(|v| v.0))
	}

	/// `HavnApi::quote_fee` at the best block.
	pub async fn quote_fee(
		&self,
		workflow: WorkflowId,
		class: ComputeClass,
		redundancy: u8,
	) -> Result<Result<FeeQuote<Balance>, QuoteError>> {
		let payload = api::runtime_apis().havn_api().quote_fee(workflow, Static(class), redundancy);
		let quote = self.runtime_call(payload).await?;
		Ok(quote.map(|q| q.0).map_err(|e| e.0))
	}

	/// The smallest compute class that runs `workflow` (`None`: no such workflow).
	pub async fn workflow_class(&self, workflow: WorkflowId) -> Result<Option<ComputeClass>> {
		let at = self.at_best().await?;
		let record = at
			.storage()
			.try_fetch(api::storage().workflow_registry().workflows(), (workflow,))
			.await?;
		match record {
			Some(record) => Ok(Some(*record.decode()?.compute_class)),
			None => Ok(None),
		}
	}

	/// Free balance of `who` at the best block, in planck.
	pub async fn free_balance(&self, who: &AccountId) -> Result<Balance> {
		let at = self.at_best().await?;
		free_balance_at(&at, who).await
	}

	/// Sign and submit `call`; wait until it is in a best block. A dispatch failure is reported
	/// as `Pallet::Error: <its documentation>`.
	pub async fn submit<C: Payload>(&self, call: &C, signer: &Signer) -> Result<Included> {
		match self.client.submit(call, signer).await {
			Ok(included) => Ok(included),
			Err(e) => Err(self.explain(e).await),
		}
	}

	/// Submit `call` as an unsigned (bare) extrinsic and wait until it is in a best block.
	pub async fn submit_unsigned<C: Payload>(&self, call: &C) -> Result<Included, ClientError> {
		self.client.submit_unsigned(call).await
	}

	/// An error for people: a dispatch error gets the documentation the metadata carries for it.
	pub async fn explain(&self, e: ClientError) -> anyhow::Error {
		let ClientError::Dispatch { call, error, .. } = &e else { return e.into() };
		let docs = match self.at_best().await {
			Ok(at) => error_docs(at.metadata_ref(), error),
			Err(_) => None,
		};
		match docs {
			Some(docs) => anyhow!("{call} failed: {error}: {docs}"),
			None => anyhow!("{call} failed: {error}"),
		}
	}
}

/// Free balance of `who` at the block `at` views, in planck.
pub async fn free_balance_at(
	at: &OnlineClientAtBlock<HavnConfig>,
	who: &AccountId,
) -> Result<Balance> {
	let account = at.storage().try_fetch(api::storage().system().account(), (*who,)).await?;
	Ok(match account {
		Some(account) => account.decode()?.data.free,
		None => 0,
	})
}

/// The documentation of the error `Pallet::Variant` in the metadata.
pub fn error_docs(metadata: &subxt::metadata::Metadata, name: &str) -> Option<String> {
	let (pallet, variant) = name.split_once("::")?;
	let variants = metadata.pallet_by_name(pallet)?.error_variants()?;
	let docs = variants.iter().find(|v| v.name == variant)?.docs.join(" ");
	let docs = docs.trim();
	(!docs.is_empty()).then(|| docs.to_string())
}

/// The first event `E` of an included extrinsic.
pub fn event<E: DecodeAsEvent>(included: &Included, what: &str) -> Result<E> {
	included
		.events
		.find_first::<E>()
		.transpose()
		.with_context(|| format!("decoding the {what} event"))?
		.ok_or_else(|| anyhow!("the extrinsic succeeded but emitted no {what} event"))
}

/// The signer from `--keystore` (password in `$HAVN_KEY_PASSWORD`) or `--suri`.
pub fn signer(opts: &GlobalOpts) -> Result<Signer> {
	match KeySource::from_flags(opts.suri.as_deref(), opts.keystore.as_deref(), None)? {
		Some(source) => Ok(source.signer().context("--suri / --keystore")?),
		None => Err(anyhow!(
			"this command signs an extrinsic: pass --suri (or $HAVN_SURI) or --keystore FILE"
		)),
	}
}

/// An account given on the command line (SS58 or `0x` + 64 hex digits).
pub fn parse_account(text: &str) -> Result<AccountId> {
	Ok(keys::parse_account(text)?)
}
