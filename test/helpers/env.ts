/** Variables global-setup hands to the suites (and that a developer may set to use servers of their own). */
export const TEST_ENV = {
  temporalAddress: 'DANVAN_TEST_TEMPORAL_ADDRESS',
  kafkaBrokers: 'DANVAN_TEST_KAFKA_BROKERS',
  timeSkippingServer: 'DANVAN_TIME_SKIPPING_SERVER',
  /** `local` when global setup started the test profile of the embedded stack, `external` otherwise. */
  stackMode: 'DANVAN_TEST_STACK',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suites through jest so test/setup/global-setup.ts provides the servers`);
  return value;
}

export function testTemporalAddress(): string {
  return required(TEST_ENV.temporalAddress);
}

export function testKafkaBrokers(): string[] {
  return required(TEST_ENV.kafkaBrokers).split(',');
}

export function timeSkippingServerPath(): string {
  return required(TEST_ENV.timeSkippingServer);
}
