import { SHAPE } from './shape';

/**
 * The exact server versions the local stack runs. Each is fetched from a package registry on first use
 * and cached under DANVAN_CACHE_DIR; bump a version here and the next start fetches the new one beside the old.
 */
export const TEMPORAL_CLI = {
  module: 'github.com/temporalio/cli/cmd/temporal',
  /** v1.5.1 embeds Temporal server 1.29.1 with pure-Go SQLite. v1.6.0+ carry a `replace` directive and cannot be `go install`ed. */
  version: 'v1.5.1',
  fallbackVersion: 'v1.4.1',
} as const;

/** Temporal's time-skipping test server, published to Maven Central with every Java SDK release (see stack/maven/temporal-test-server/pom.xml). */
export const TIME_SKIPPING_SERVER = { version: '1.38.0' } as const;

/**
 * Apache Kafka broker jars from Maven Central (see stack/maven/kafka/pom.xml). 3.9.x because kafkajs 2.2.4,
 * unmaintained since 2023, is proven by test/kafka-broker.test.ts to produce, consume and join groups on it.
 */
export const KAFKA = { version: '3.9.2' } as const;

/**
 * Temporal server for the cluster profile, built with `go install` from its module, at the version docker-compose.yml
 * runs (temporalio/server:1.29.1). temporal-sql-tool, from the same module, carries the matching database schema.
 */
export const TEMPORAL_SERVER = { module: 'go.temporal.io/server', version: `v${SHAPE.temporal.serverVersion}` } as const;
