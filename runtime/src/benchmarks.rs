//! The pallets benchmarked by `havn-node benchmark pallet` (see `scripts/benchmark.sh`).

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_workflow_registry, WorkflowRegistry]
	[pallet_stake_guard, StakeGuard]
	[pallet_execution_log, ExecutionLog]
	[pallet_payout_router, PayoutRouter]
	[pallet_reputation, Reputation]
	[pallet_faucet, Faucet]
);
