// The tests start app processes and drive them hard; on a shared two-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
