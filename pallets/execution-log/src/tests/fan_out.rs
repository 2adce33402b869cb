//! Finding 10 of `docs/security.md`: the attestation that decides a job pays it out, and the
//! payout pays every upstream creator of the workflow; its weight reserves the largest fan-out
//! (`MaxUpstream` dependencies) and charges the actual one.
use super::*;
use frame_support::dispatch::GetDispatchInfo;

type W = <Test as Config>::WeightInfo;

#[test]
fn a_deciding_attestation_is_charged_for_the_payouts_upstream_fan_out() {
	ExtBuilder::default().build_and_execute(|| {
		set_upstream(WF, 16);
		let job = attesting(&[0]);
		let c = committee(job);
		let size = c.len() as u32;
		let attest_as = |m: &AccountId| {
			ExecutionLog::attest(
				RuntimeOrigin::signed(m.clone()),
				att(job, Verdict::Valid, Some(HASH)),
			)
			.unwrap()
			.actual_weight
		};
		// Before the quorum: no payout, no fan-out.
		assert_eq!(attest_as(&c[0]), Some(W::attest(1, size, 0)));
		assert_eq!(attest_as(&c[1]), Some(W::attest(1, size, 0)));
		// The third decides and pays the 16 upstream creators.
		assert_eq!(attest_as(&c[2]), Some(W::attest(1, size, 16)));
		assert_eq!(phase(job), JobPhase::Finalized);

		// The weights price the fan-out: it is what the old weights left out.
		assert!(W::attest(1, size, 16).ref_time() > W::attest(1, size, 0).ref_time());
		assert!(W::finalize(1, 3, 16).ref_time() > W::finalize(1, 3, 0).ref_time());
		// What is reserved before dispatch covers the largest workflow.
		let call = crate::Call::<Test>::attest { attestation: att(job, Verdict::Valid, None) };
		let max: u32 = <<Test as Config>::MaxUpstream as sp_core::Get<u32>>::get();
		assert_eq!(
			call.get_dispatch_info().call_weight,
			W::attest(MaxRedundancy::get(), MaxCommittee::get(), max)
		);
		assert!(ExecutionLog::submit_attestations_weight(1).all_gte(
			W::submit_attestations(1).saturating_add(W::finalize(
				MaxRedundancy::get(),
				MaxCommittee::get(),
				max
			))
		));
	});
}
