//! The node's JSON-RPC extensions beyond the standard Substrate set: `system_accountNextIndex`
//! (frame-rpc-system) and `payment_queryInfo`/`payment_queryFeeDetails` (transaction payment,
//! behind the decode check of [`CheckedPayment`]).
//! Havn's own queries are the `HavnApi` runtime API, reachable through `state_call`, so no
//! custom RPC is needed.

use std::sync::Arc;

use havn_primitives::api::ExtrinsicCheckApi;
use havn_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::{core::RpcResult, types::ErrorObject, RpcModule};
use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
use pallet_transaction_payment_rpc_runtime_api::{FeeDetails, RuntimeDispatchInfo};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ApiExt;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_core::Bytes;
use sp_rpc::number::NumberOrHex;
use sp_runtime::{traits::Block as BlockT, Weight};

type Hash = <Block as BlockT>::Hash;

/// Dependencies of the full node's RPC.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// The full node's RPC extensions.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>,
	C: HeaderBackend<Block> + HeaderMetadata<Block, Error = BlockChainError> + 'static,
	C: Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: ExtrinsicCheckApi<Block>,
	P: TransactionPool + 'static,
{
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	let payment = CheckedPayment { inner: TransactionPayment::new(client.clone()), client };
	module.merge(payment.into_rpc())?;
	Ok(module)
}

/// FRAME's transaction-payment RPC with the decode check in front (hardening finding 13 of
/// `docs/security.md`): `payment_queryInfo` and `payment_queryFeeDetails` hand the extrinsic to
/// a runtime API whose glue traps on bytes the runtime cannot decode, so the runtime is asked
/// first (`ExtrinsicCheckApi::check_extrinsic`, as the transaction pool does,
/// `crate::pool`). Undecodable bytes get FRAME's own `DecodeError` answer (code 2, "Unable to
/// query dispatch info.").
pub struct CheckedPayment<C> {
	inner: TransactionPayment<C, Block>,
	client: Arc<C>,
}

impl<C> CheckedPayment<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
	C::Api: ExtrinsicCheckApi<Block>,
{
	/// Refuse `encoded` when the runtime at `at` (the best block if `None`) cannot decode it.
	fn check(&self, encoded: &Bytes, at: Option<Hash>) -> RpcResult<()> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let refused = |code: i32, detail: String| {
			ErrorObject::owned(code, "Unable to query dispatch info.", Some(detail))
		};
		// FRAME's error codes: 1 a runtime error, 2 an undecodable extrinsic.
		if !api
			.has_api::<dyn ExtrinsicCheckApi<Block>>(at)
			.map_err(|e| refused(1, e.to_string()))?
		{
			return Ok(());
		}
		match api.check_extrinsic(at, encoded.to_vec()) {
			Ok(Ok(())) => Ok(()),
			Ok(Err(_)) => Err(refused(2, "the extrinsic does not decode in this runtime".into())),
			Err(e) => Err(refused(1, e.to_string())),
		}
	}
}

impl<C> TransactionPaymentApiServer<Hash, RuntimeDispatchInfo<Balance, Weight>>
	for CheckedPayment<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: ExtrinsicCheckApi<Block>,
{
	fn query_info(
		&self,
		encoded_xt: Bytes,
		at: Option<Hash>,
	) -> RpcResult<RuntimeDispatchInfo<Balance, Weight>> {
		self.check(&encoded_xt, at)?;
		self.inner.query_info(encoded_xt, at)
	}

	fn query_fee_details(
		&self,
		encoded_xt: Bytes,
		at: Option<Hash>,
	) -> RpcResult<FeeDetails<NumberOrHex>> {
		self.check(&encoded_xt, at)?;
		self.inner.query_fee_details(encoded_xt, at)
	}
}
