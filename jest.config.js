/**
 * Three projects (`npm test` runs the first two; `npm run test:unit` only the first; `npm run test:faults:cluster` only
 * the third):
 * - unit: pure suites (test/unit) and the fast tier (test/workflows: the real workflows on the Java time-skipping
 *   server, events collected in memory). Its global setup only provisions the time-skipping server.
 * - integration: everything else, against the real Temporal dev server, the time-skipping server and the real
 *   Kafka broker, all brought up by test/setup/global-setup.ts.
 * - cluster: the reliability suite of the cluster profile (test/cluster): each file brings up a cluster of its own
 *   (stack/cluster.ts) and breaks a part of it; its global setup only names the fault table's file.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // jose, cookie (under fastify.inject) and swagger-parser's ref parser ship only ES modules; jest's CommonJS runtime needs them transpiled.
  transformIgnorePatterns: ['/node_modules/(?!(jose|cookie|@apidevtools/json-schema-ref-parser)/)'],
  setupFiles: ['<rootDir>/test/setup/quiet-temporal-runtime.ts'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit', '<rootDir>/test/workflows'],
      globalSetup: '<rootDir>/test/setup/unit-global-setup.ts',
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/', '<rootDir>/test/workflows/', '<rootDir>/test/cluster/'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'cluster',
      roots: ['<rootDir>/test/cluster'],
      globalSetup: '<rootDir>/test/setup/cluster-global-setup.ts',
    },
  ],
  reporters: ['default', '<rootDir>/test/faults/table-reporter.js'],
  // One suite at a time: the whole-October story on the Java time-skipping server intermittently stalls
  // (server-side "invalid history builder state") when it shares the 2 cores with the dev-server load suites.
  // A global option, so the unit project runs one suite at a time as well: each fast-tier test starts a
  // time-skipping server of its own, with the same stall to fear (README, the fast tier).
  maxWorkers: 1,
  // A global option: set inside a project it is ignored and every test gets jest's 5 s.
  testTimeout: 120_000,
  // The Temporal runtime and kafkajs keep sockets that outlive a suite by a few hundred ms after close.
  forceExit: false,
};
