import { CLUSTER_WORKERS, workerEnvironment } from '../../stack/cluster';
import { KAFKA_CLUSTER_REPLICATION_FACTOR, KAFKA_CLUSTER_SETTINGS, KAFKA_CLUSTER_SIZE } from '../../stack/kafka-cluster';
import { SHAPE } from '../../stack/shape';
import { temporalServerConfig } from '../../stack/temporal-server';
import { TEMPORAL_SERVER } from '../../stack/versions';

/**
 * The cluster profile's side of the production shape: what it runs is what stack/shape.ts says, as
 * test/docker-compose.test.ts holds docker-compose.yml to it. A value written into the cluster's code instead of
 * taken from the shape fails here.
 */
describe('the cluster profile takes the production shape', () => {
  it('runs the Temporal server version, shards and retention of the shape', () => {
    expect(TEMPORAL_SERVER.version).toBe(`v${SHAPE.temporal.serverVersion}`);
    const config = temporalServerConfig({ basePort: 30_233, postgresPort: 28_432 }) as { persistence: { numHistoryShards: number } };
    expect(config.persistence.numHistoryShards).toBe(SHAPE.temporal.historyShards.cluster);
  });

  it('runs as many brokers and replicas as the shape', () => {
    expect(KAFKA_CLUSTER_SIZE).toBe(SHAPE.kafka.brokers);
    expect(KAFKA_CLUSTER_REPLICATION_FACTOR).toBe(SHAPE.kafka.replicationFactor);
    expect(KAFKA_CLUSTER_SETTINGS).toEqual(
      expect.arrayContaining([
        `num.partitions=${SHAPE.kafka.partitions}`,
        `default.replication.factor=${SHAPE.kafka.replicationFactor}`,
        `min.insync.replicas=${SHAPE.kafka.minInsyncReplicas}`,
        `offsets.topic.replication.factor=${SHAPE.kafka.replicationFactor}`,
        `transaction.state.log.min.isr=${SHAPE.kafka.minInsyncReplicas}`,
      ]),
    );
  });

  it("gives its workers the shape's count, cache and heap", () => {
    expect(CLUSTER_WORKERS).toBe(SHAPE.worker.replicas.cluster);
    expect(workerEnvironment()).toEqual({
      DANVAN_WORKER_MAX_CACHED_WORKFLOWS: String(SHAPE.worker.maxCachedWorkflows),
      NODE_OPTIONS: `--max-old-space-size=${SHAPE.worker.heapMb}`,
    });
  });
});
