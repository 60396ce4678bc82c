/**
 * The production shape, said once: docker-compose.yml and the cluster profile (stack/cluster.ts) both take these
 * values, and test/docker-compose.test.ts with test/unit/shape.test.ts fail when either side drifts from them. Where
 * the two shapes differ on purpose (shards, replicas, heap on a 2-core machine), both values are here, side by side.
 */
export const SHAPE = {
  temporal: {
    /** The server compose's images run and the cluster builds (stack/versions.ts TEMPORAL_SERVER). */
    serverVersion: '1.29.1',
    /** Closed workflows are kept this long (compose's NAMESPACE_RETENTION). */
    namespaceRetentionHours: 720,
    /** Fixed when the databases are first set up: 512 for a real deployment, 4 for one process on 2 cores. */
    historyShards: { compose: 512, cluster: 4 },
  },
  kafka: {
    brokers: 3,
    partitions: 12,
    replicationFactor: 3,
    minInsyncReplicas: 2,
  },
  worker: {
    /** As the national benchmark run (docs/performance.md). */
    maxCachedWorkflows: 2000,
    heapMb: 1200,
    memoryLimitMb: 1536,
    replicas: { compose: 3, cluster: 2 },
    /** Where the image's build writes the workflow bundle, relative to the app folder. */
    bundle: 'dist/workflow-bundle.js',
  },
} as const;
