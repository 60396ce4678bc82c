import { ConfigError, loadConfig } from '../../infra/config';

describe('configuration (infra/config.ts)', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config).toMatchObject({
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'danvan',
      API_PORT: 3000,
      DANVAN_TEMPORAL_PORT: 7233,
      DANVAN_KAFKA_PORT: 9092,
    });
  });

  it('splits KAFKA_BROKERS into a list and trims it', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'kafka-1:19092, kafka-2:19092,kafka-3:19092' }).KAFKA_BROKERS).toEqual([
      'kafka-1:19092',
      'kafka-2:19092',
      'kafka-3:19092',
    ]);
  });

  it('treats empty variables as unset, as compose files and shells mean them', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '', API_PORT: '' });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.API_PORT).toBe(3000);
  });

  it.each([
    ['KAFKA_BROKERS', 'kafka-1;9092', 'host:port'],
    ['KAFKA_BROKERS', ',', 'comma-separated'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233', 'host:port'],
    ['API_PORT', '70000', 'API_PORT="70000"'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud"'],
    ['DANVAN_JWT_SECRET', 'short', 'at least 32 characters'],
    ['DANVAN_WORKER_MAX_CACHED_WORKFLOWS', 'many', 'whole number'],
    ['DANVAN_WORKER_MAX_CACHED_WORKFLOWS', '2.5', 'whole number'],
    ['DANVAN_WORKER_MAX_CACHED_WORKFLOWS', '1', 'at least 2'],
    ['DANVAN_WORKER_MAX_CACHED_WORKFLOWS', '0', 'at least 2'],
  ])('refuses %s=%j with a message naming the variable and the value', (name, value, fragment) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${name}=${JSON.stringify(value)}`);
    expect((error as ConfigError).message).toContain(fragment);
  });

  it("leaves the worker's workflow cache to the Temporal SDK unless DANVAN_WORKER_MAX_CACHED_WORKFLOWS is set", () => {
    expect(loadConfig({}).DANVAN_WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ DANVAN_WORKER_MAX_CACHED_WORKFLOWS: '' }).DANVAN_WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ DANVAN_WORKER_MAX_CACHED_WORKFLOWS: '500' }).DANVAN_WORKER_MAX_CACHED_WORKFLOWS).toBe(500);
  });

  it('holds the patches DANVAN_WORKFLOW_PATCHES_HELD names, none when unset', () => {
    expect(loadConfig({}).DANVAN_WORKFLOW_PATCHES_HELD).toEqual([]);
    expect(loadConfig({ DANVAN_WORKFLOW_PATCHES_HELD: ' report-v2, ,rollup-v3 ' }).DANVAN_WORKFLOW_PATCHES_HELD).toEqual(['report-v2', 'rollup-v3']);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ API_PORT: 'x', KAFKA_BROKERS: 'y' })).toThrow(/API_PORT[\s\S]*KAFKA_BROKERS|KAFKA_BROKERS[\s\S]*API_PORT/);
  });
});
