/**
 * One jest run: unit suites (no servers) and integration suites against the real Temporal dev server, the
 * real time-skipping test server and the real Kafka broker, all brought up by test/setup/global-setup.ts.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // jose, cookie (under fastify.inject) and swagger-parser's ref parser ship only ES modules; jest's CommonJS runtime needs them transpiled.
  transformIgnorePatterns: ['/node_modules/(?!(jose|cookie|@apidevtools/json-schema-ref-parser)/)'],
  setupFiles: ['<rootDir>/test/setup/quiet-temporal-runtime.ts'],
  reporters: ['default', '<rootDir>/test/faults/table-reporter.js'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // One suite at a time: the whole-October story on the Java time-skipping server intermittently stalls
  // (server-side "invalid history builder state") when it shares the 2 cores with the dev-server load suites.
  maxWorkers: 1,
  testTimeout: 120_000,
  // The Temporal runtime and kafkajs keep sockets that outlive a suite by a few hundred ms after close.
  forceExit: false,
};
