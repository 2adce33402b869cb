//! Conversions between `havn-primitives` types and the types generated from the metadata.
//!
//! Both sides are the same SCALE layout (the generated types are derived from the runtime's
//! `TypeInfo` of the primitives), so a value converts by encoding it on one side and decoding it
//! on the other. [`recode`] fails, rather than guessing, if the layouts ever drift apart; the
//! `metadata` test keeps `artifacts/havn.scale` in step with the runtime.

use crate::ClientError;
use codec::{Decode, Encode};

/// Re-encode `value` as the SCALE-identical type `B`.
pub fn recode<A: Encode, B: Decode>(value: &A) -> Result<B, ClientError> {
	let bytes = value.encode();
	let mut input = &bytes[..];
	let out = B::decode(&mut input).map_err(|e| {
		ClientError::Subxt(format!(
			"{} does not decode as {}: {e}",
			core::any::type_name::<A>(),
			core::any::type_name::<B>()
		))
	})?;
	if !input.is_empty() {
		return Err(ClientError::Subxt(format!(
			"{} left {} bytes decoding as {}",
			core::any::type_name::<A>(),
			input.len(),
			core::any::type_name::<B>()
		)));
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::api::runtime_types;
	use havn_primitives::{
		Attestation, ComputeClass, Digest as H256, Receipt, RoyaltySplit, Verdict,
	};

	#[test]
	fn primitives_round_trip_through_generated_types() {
		let receipt = Receipt {
			workflow_id: 7,
			job_id: 9,
			runtime_hash: H256::repeat_byte(3),
			outputs_cid: havn_primitives::cid::to_bounded(&havn_primitives::cid::cid_of(b"o"))
				.unwrap(),
			latency_ms: 12,
			energy_estimate: 34,
		};
		let generated: runtime_types::havn_primitives::receipt::Receipt = recode(&receipt).unwrap();
		assert_eq!(generated.job_id, 9);
		let back: Receipt = recode(&generated).unwrap();
		assert_eq!(back, receipt);

		let att = Attestation { job_id: 1, verdict: Verdict::Valid, reexecution_digest: None };
		let g: runtime_types::havn_primitives::receipt::Attestation = recode(&att).unwrap();
		assert_eq!(recode::<_, Attestation>(&g).unwrap(), att);

		let c: runtime_types::havn_primitives::ComputeClass = recode(&ComputeClass::L).unwrap();
		assert!(matches!(c, runtime_types::havn_primitives::ComputeClass::L));
		let r: runtime_types::havn_primitives::royalty::RoyaltySplit =
			recode(&RoyaltySplit::DEFAULT).unwrap();
		assert_eq!(recode::<_, RoyaltySplit>(&r).unwrap(), RoyaltySplit::DEFAULT);
		// Trailing bytes are refused.
		assert!(recode::<_, u8>(&1u16).is_err());
	}
}
