import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { TOPICS } from '../domain/topics';
import { configSchema } from '../infra/config';
import { SHAPE } from '../stack/shape';
import { CLI_TYPE_NAMES } from '../stack/temporal-dev-server';
import { searchAttributes } from '../workflows/search-attributes';

type EnvValue = string | number | boolean | null;

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, EnvValue> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: Array<string | { type?: string; source?: string }>;
  ports?: unknown[];
  container_name?: string;
  restart?: string;
  healthcheck?: { test?: unknown; disable?: boolean };
  deploy?: { replicas?: unknown; resources?: { limits?: { memory?: unknown } } };
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const root = path.resolve(__dirname, '..');
const composeFile = path.join(root, 'docker-compose.yml');
const dockerfile = path.join(root, 'Dockerfile');

// Compose resolves `<<: *anchor` merge keys; YAML 1.2 does not unless asked.
const compose = parse(fs.readFileSync(composeFile, 'utf8'), { merge: true }) as Compose;
const services = compose.services ?? {};
const serviceNames = Object.keys(services);

const KAFKA_SERVICES = ['kafka-1', 'kafka-2', 'kafka-3'];
// The file spells out by hand what these are defined from; the tests hold it to them.
const DANVAN_TOPICS: string[] = Object.values(TOPICS);
const SEARCH_ATTRIBUTES = Object.values(searchAttributes).map((key) => ({ name: key.name, type: CLI_TYPE_NAMES[key.type] }));
const DANVAN_ENV = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_TOPIC_PARTITIONS',
  'KAFKA_REPLICATION_FACTOR',
  'API_HOST',
  'API_PORT',
  'DANVAN_JWT_SECRET',
  'DANVAN_CODEC_CORS_ORIGINS',
  'LOG_LEVEL',
];
const SEARCH_ATTRIBUTE_INIT = 'temporal-init';
/** What only the worker sets beside the shared environment: its cache, its prebuilt workflow bundle, its heap. */
const WORKER_ONLY_ENV = ['DANVAN_WORKER_MAX_CACHED_WORKFLOWS', 'DANVAN_WORKFLOW_BUNDLE', 'NODE_OPTIONS'];
/** Read by Node itself, not by danvan's config schema. */
const RUNTIME_ENV = ['NODE_OPTIONS'];

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function rawEnvironment(svc: Service): Record<string, EnvValue> {
  const env = svc.environment;
  if (!env) return {};
  if (!Array.isArray(env)) return env;
  const out: Record<string, EnvValue> = {};
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq < 0) out[entry] = null;
    else out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

function environment(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawEnvironment(service(name)))) {
    out[key] = value === null ? '' : String(value);
  }
  return out;
}

/** What compose would substitute when the variable is unset: `${X:-d}` becomes `d`. */
function withDefaults(text: string): string {
  return text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1');
}

function commandText(svc: Service): string {
  const parts = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  return [...parts(svc.entrypoint), ...parts(svc.command)].join(' ');
}

function dependsOn(svc: Service): Array<{ target: string; condition: string | undefined }> {
  const deps = svc.depends_on;
  if (!deps) return [];
  if (Array.isArray(deps)) return deps.map((target) => ({ target, condition: undefined }));
  return Object.entries(deps).map(([target, spec]) => ({ target, condition: spec?.condition }));
}

function hostPort(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: address.slice(colon + 1) };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** `NAME://host:port` entries of a Kafka listener list, keyed by listener name. */
function listeners(value: string | undefined): Map<string, { host: string; port: string }> {
  const out = new Map<string, { host: string; port: string }>();
  for (const entry of splitList(value)) {
    const match = /^([A-Za-z0-9_]+):\/\/(.*):(\d+)$/.exec(entry);
    if (match) out.set(match[1]!, { host: match[2]!, port: match[3]! });
  }
  return out;
}

describe('docker-compose.yml (scale-out deployment)', () => {
  it('defines every service of the deployment', () => {
    const expected = ['postgresql', 'temporal', 'temporal-ui', SEARCH_ATTRIBUTE_INIT, ...KAFKA_SERVICES, 'kafka-init', 'worker', 'api', 'analytics'];
    expect(expected.filter((name) => !serviceNames.includes(name))).toEqual([]);
  });

  it('gives every service an image or a build, and pins every image to a tag', () => {
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      if (!svc.image && !svc.build) {
        problems.push(`${name}: neither image nor build`);
        continue;
      }
      if (!svc.image) continue;
      const image = withDefaults(svc.image);
      if (image.includes('${')) {
        problems.push(`${name}: image "${svc.image}" depends on a variable without a default`);
        continue;
      }
      const [reference, digest] = image.split('@');
      const lastSlash = reference!.lastIndexOf('/');
      const colon = reference!.lastIndexOf(':');
      const tag = colon > lastSlash ? reference!.slice(colon + 1) : '';
      if (!tag && !digest) problems.push(`${name}: image "${svc.image}" has no tag`);
      if (tag === 'latest') problems.push(`${name}: image "${svc.image}" uses :latest`);
    }
    expect(problems).toEqual([]);
  });

  it('depends only on defined services, with conditions those services can meet', () => {
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      for (const { target, condition } of dependsOn(svc)) {
        const dependency = services[target];
        if (!dependency) {
          problems.push(`${name} depends on undefined service "${target}"`);
          continue;
        }
        if (condition === 'service_healthy' && (!dependency.healthcheck || dependency.healthcheck.disable)) {
          problems.push(`${name} waits for "${target}" to be healthy, but it has no healthcheck`);
        }
        if (condition === 'service_completed_successfully' && (dependency.restart === 'always' || dependency.restart === 'unless-stopped')) {
          problems.push(`${name} waits for "${target}" to complete, but it restarts ${dependency.restart}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      for (const volume of svc.volumes ?? []) {
        let source: string | undefined;
        if (typeof volume === 'string') {
          const parts = volume.split(':');
          source = parts.length > 1 ? parts[0] : undefined;
        } else if ((volume.type ?? 'volume') === 'volume') {
          source = volume.source;
        }
        if (!source || /^[./~$]/.test(source)) continue;
        if (!declared.includes(source)) problems.push(`${name} mounts undeclared volume "${source}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives worker and api the whole danvan environment from the shared anchor', () => {
    const problems: string[] = [];
    for (const name of ['worker', 'api']) {
      const env = environment(name);
      if ('<<' in env) problems.push(`${name}: merge key "<<" left unresolved`);
      for (const key of DANVAN_ENV) {
        if (!(key in env)) problems.push(`${name}: ${key} missing`);
      }
    }
    expect(problems).toEqual([]);
    const worker = environment('worker');
    expect(environment('api')).toEqual(Object.fromEntries(Object.entries(worker).filter(([key]) => !WORKER_ONLY_ENV.includes(key))));
    expect(environment('worker').DANVAN_JWT_SECRET).toMatch(/^\$\{DANVAN_JWT_SECRET:\?[^}]+\}$/);
  });

  it('sets on worker and api only variables that the config schema reads', () => {
    const known = Object.keys(configSchema.shape);
    const problems: string[] = [];
    for (const name of ['worker', 'api']) {
      for (const key of Object.keys(environment(name))) {
        if (!known.includes(key) && !RUNTIME_ENV.includes(key)) problems.push(`${name}: ${key} is not in infra/config configSchema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('sets on worker and api values that the config schema accepts', () => {
    const problems: string[] = [];
    for (const name of ['worker', 'api']) {
      const env = Object.fromEntries(Object.entries(environment(name)).filter(([key]) => !RUNTIME_ENV.includes(key)));
      // The secret is required from the shell at `docker compose up`; stand in a valid one.
      env.DANVAN_JWT_SECRET = 'x'.repeat(32);
      const result = configSchema.safeParse(env);
      if (!result.success) {
        for (const issue of result.error.issues) {
          const key = String(issue.path[0] ?? '?');
          problems.push(`${name}: ${key}=${JSON.stringify(env[key])}: ${issue.message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses only strings and numbers as environment values (compose rejects booleans)', () => {
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(rawEnvironment(svc))) {
        if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
          problems.push(`${name}: ${key} is a ${typeof value}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs three combined broker/controller Kafka nodes of one KRaft cluster', () => {
    const nodes = serviceNames.filter((name) => 'KAFKA_PROCESS_ROLES' in environment(name));
    expect(nodes.sort()).toEqual(KAFKA_SERVICES);

    const problems: string[] = [];
    for (const name of nodes) {
      const roles = splitList(environment(name).KAFKA_PROCESS_ROLES);
      if (!roles.includes('broker') || !roles.includes('controller')) {
        problems.push(`${name}: KAFKA_PROCESS_ROLES is "${roles.join(',')}", not broker,controller`);
      }
      const clusterId = environment(name).CLUSTER_ID ?? '';
      // Kafka formats storage only with a base64url UUID: 22 characters, 16 bytes.
      if (!/^[A-Za-z0-9_-]{22}$/.test(clusterId) || Buffer.from(clusterId, 'base64url').length !== 16) {
        problems.push(`${name}: CLUSTER_ID "${clusterId}" is not a base64url UUID`);
      }
    }
    expect(problems).toEqual([]);

    expect(new Set(nodes.map((name) => environment(name).CLUSTER_ID)).size).toBe(1);
    const nodeIds = nodes.map((name) => environment(name).KAFKA_NODE_ID);
    expect(new Set(nodeIds).size).toBe(nodes.length);
  });

  it('names every Kafka node, by its id, host and controller port, in the quorum voters', () => {
    const problems: string[] = [];
    const votersSeen = new Set<string>();
    for (const name of KAFKA_SERVICES) {
      const env = environment(name);
      votersSeen.add(env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '');
      const voters = new Map<string, { host: string; port: string }>();
      for (const voter of splitList(env.KAFKA_CONTROLLER_QUORUM_VOTERS)) {
        const match = /^(\d+)@(.+):(\d+)$/.exec(voter);
        if (match) voters.set(match[1]!, { host: match[2]!, port: match[3]! });
        else problems.push(`${name}: voter "${voter}" is not id@host:port`);
      }
      for (const node of KAFKA_SERVICES) {
        const nodeEnv = environment(node);
        const voter = voters.get(nodeEnv.KAFKA_NODE_ID ?? '');
        const controllerName = nodeEnv.KAFKA_CONTROLLER_LISTENER_NAMES ?? '';
        const controller = listeners(nodeEnv.KAFKA_LISTENERS).get(controllerName);
        if (!voter) problems.push(`${name}: voters omit ${node} (node id ${nodeEnv.KAFKA_NODE_ID})`);
        else if (voter.host !== node) problems.push(`${name}: voter ${nodeEnv.KAFKA_NODE_ID} is host "${voter.host}", not ${node}`);
        else if (voter.port !== controller?.port) {
          problems.push(`${name}: voter ${node} uses port ${voter.port}, but its ${controllerName} listener is on ${controller?.port}`);
        }
      }
      if (voters.size !== KAFKA_SERVICES.length) problems.push(`${name}: ${voters.size} voters for ${KAFKA_SERVICES.length} nodes`);
    }
    expect(problems).toEqual([]);
    expect(votersSeen.size).toBe(1);
  });

  it('replicates Kafka internal topics over the three brokers and creates no topic by accident', () => {
    const problems: string[] = [];
    for (const name of KAFKA_SERVICES) {
      const env = environment(name);
      const expectations: Record<string, string> = {
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      };
      for (const [key, value] of Object.entries(expectations)) {
        if (env[key] !== value) problems.push(`${name}: ${key} is ${JSON.stringify(env[key])}, expected ${value}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('points worker and api at the Kafka brokers and the Temporal frontend of this file', () => {
    const problems: string[] = [];
    for (const name of ['worker', 'api']) {
      const env = environment(name);
      const brokers = splitList(env.KAFKA_BROKERS);
      if (brokers.length === 0) problems.push(`${name}: KAFKA_BROKERS is empty`);
      for (const broker of brokers) {
        const { host, port } = hostPort(broker);
        if (!KAFKA_SERVICES.includes(host)) {
          problems.push(`${name}: KAFKA_BROKERS names "${host}", which is not a Kafka service`);
          continue;
        }
        const advertised = [...listeners(environment(host).KAFKA_ADVERTISED_LISTENERS).values()];
        if (!advertised.some((l) => l.host === host && l.port === port)) {
          problems.push(`${name}: KAFKA_BROKERS has ${broker}, which ${host} does not advertise`);
        }
      }
      const temporal = hostPort(env.TEMPORAL_ADDRESS ?? '');
      if (temporal.host !== 'temporal' || !services.temporal?.image?.startsWith('temporalio/server:')) {
        problems.push(`${name}: TEMPORAL_ADDRESS "${env.TEMPORAL_ADDRESS}" is not the temporal server service`);
      }
      if (temporal.port !== '7233') problems.push(`${name}: TEMPORAL_ADDRESS port ${temporal.port} is not the frontend's 7233`);
    }
    expect(problems).toEqual([]);
  });

  it('creates the three danvan topics in kafka-init, sized like the app expects', () => {
    const init = service('kafka-init');
    const script = commandText(init);
    expect(script).toContain('/opt/kafka/bin/kafka-topics.sh');
    expect(script).toContain('--create');
    expect(script).toContain('--if-not-exists');
    expect(script).toContain('min.insync.replicas=2');
    expect(DANVAN_TOPICS.filter((topic) => !script.includes(topic))).toEqual([]);

    const initEnv = environment('kafka-init');
    const app = environment('worker');
    expect(initEnv.TOPIC_PARTITIONS).toBe(app.KAFKA_TOPIC_PARTITIONS);
    expect(initEnv.TOPIC_REPLICATION_FACTOR).toBe(app.KAFKA_REPLICATION_FACTOR);
    expect(Number(initEnv.TOPIC_REPLICATION_FACTOR)).toBeLessThanOrEqual(KAFKA_SERVICES.length);
    expect(Number(initEnv.TOPIC_REPLICATION_FACTOR)).toBeGreaterThan(2);
    expect(splitList(initEnv.KAFKA_BOOTSTRAP)).toEqual(splitList(app.KAFKA_BROKERS));
  });

  it('registers the danvan search attributes, with their types, in the app namespace', () => {
    const script = commandText(service(SEARCH_ATTRIBUTE_INIT));
    expect(script).toContain('temporal operator search-attribute create');
    const missing = SEARCH_ATTRIBUTES.filter(({ name, type }) => !new RegExp(`--name\\s+${name}\\s+--type\\s+${type}\\b`).test(script)).map(
      ({ name, type }) => `${name} (${type})`,
    );
    expect(missing).toEqual([]);
    const created = [...script.matchAll(/--name\s+(\S+)/g)].map((m) => m[1]);
    expect(created.sort()).toEqual(SEARCH_ATTRIBUTES.map(({ name }) => name).sort());
    // The readiness probe names every attribute, so the workers start only once all of them can be queried.
    const probe = /--query\s+\\?\s*"([^"]*)"/.exec(script)?.[1] ?? '';
    expect(SEARCH_ATTRIBUTES.filter(({ name }) => !new RegExp(`\\b${name}\\s*=`).test(probe)).map(({ name }) => name)).toEqual([]);
    expect(environment(SEARCH_ATTRIBUTE_INIT).TEMPORAL_NAMESPACE).toBe(environment('worker').TEMPORAL_NAMESPACE);

    const appDeps = ['worker', 'api'].flatMap((name) =>
      dependsOn(service(name))
        .filter((dep) => dep.target === SEARCH_ATTRIBUTE_INIT && dep.condition === 'service_completed_successfully')
        .map(() => name),
    );
    expect(appDeps).toEqual(['worker', 'api']);
  });

  it('publishes Temporal and its UI on the loopback only: neither asks who calls, and the API checks roles', () => {
    const published = (name: string) => (service(name).ports ?? []).map(String);
    expect(published('temporal')).toEqual(['127.0.0.1:7233:7233']);
    expect(published('temporal-ui')).toEqual(['127.0.0.1:8080:8080']);
    const open = Object.entries(services).flatMap(([name, svc]) =>
      (svc.ports ?? [])
        .map(String)
        .filter((p) => !p.startsWith('127.0.0.1:'))
        .map((p) => `${name} ${p}`),
    );
    expect(open).toEqual(['api 3000:3000']);
  });

  it("points the Temporal UI at the API's codec routes, and lets the UI's origin call them", () => {
    const ui = environment('temporal-ui');
    const api = environment('api');
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${api.API_PORT}/v1/codec`);
    const origins = configSchema.shape.DANVAN_CODEC_CORS_ORIGINS.parse(api.DANVAN_CODEC_CORS_ORIGINS);
    const uiPort = String(service('temporal-ui').ports?.[0]).split(':').at(-1);
    expect(origins).toEqual(expect.arrayContaining([`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`]));
  });

  it('checks the API by /readyz, which fails while Temporal or Kafka does not answer', () => {
    const test = service('api').healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain("fetch('http://127.0.0.1:3000/readyz')");
  });

  it('runs the analytics consumer once, on the brokers of this file, with its projection on a volume of its own', () => {
    const analytics = service('analytics');
    expect(commandText(analytics)).toBe('node dist/analytics/main.js');
    expect(analytics.deploy?.replicas ?? 1).toBe(1);
    const env = environment('analytics');
    expect(env.KAFKA_BROKERS).toBe(environment('worker').KAFKA_BROKERS);
    const mount = (analytics.volumes ?? []).map(String).find((v) => v.startsWith('analytics-data:'));
    expect(mount).toBeDefined();
    expect(path.posix.dirname(env.DANVAN_ANALYTICS_DB!)).toBe(mount!.split(':')[1]);
    expect(configSchema.safeParse(env).success).toBe(true);
  });

  it("bounds each worker's memory and runs the workflow bundle the image built", () => {
    const worker = service('worker');
    const env = environment('worker');
    const limit = String(worker.deploy?.resources?.limits?.memory ?? '');
    expect(limit).toMatch(/^\d+M$/);
    const heap = Number(/--max-old-space-size=(\d+)/.exec(env.NODE_OPTIONS ?? '')?.[1]);
    expect(heap).toBeGreaterThan(0);
    expect(heap).toBeLessThan(parseInt(limit, 10));
    expect(Number(env.DANVAN_WORKER_MAX_CACHED_WORKFLOWS)).toBeGreaterThan(0);
    const built = /^RUN\s+node dist\/worker\/bundle\.js (\S+)\s*$/m.exec(fs.readFileSync(dockerfile, 'utf8'))?.[1];
    expect(built).toBe(env.DANVAN_WORKFLOW_BUNDLE);
  });

  it('leaves the worker free to scale', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(withDefaults(String(worker.deploy?.replicas ?? ''))).toMatch(/^\d+$/);
  });

  it('builds worker and api from the Dockerfile on node 20 and runs the compiled entry points', () => {
    expect(fs.existsSync(dockerfile)).toBe(true);
    const text = fs.readFileSync(dockerfile, 'utf8');
    const bases = [...text.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]!);
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.filter((base) => !/^node:20[.-]/.test(base))).toEqual([]);
    expect(text).toMatch(/^RUN\s+npm ci\s*$/m);
    expect(text).toMatch(/^RUN\s+npm ci --omit=dev\b/m);
    expect(text).toMatch(/^RUN\s+npm run build\s*$/m);
    expect(text).toMatch(/^USER\s+node\s*$/m);

    const problems: string[] = [];
    const entries: Record<string, string> = { worker: 'dist/worker/main.js', api: 'dist/api/server.js' };
    for (const [name, entry] of Object.entries(entries)) {
      const svc = service(name);
      if (commandText(svc) !== `node ${entry}`) problems.push(`${name}: command is "${commandText(svc)}", expected "node ${entry}"`);
      const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
      const built = path.resolve(root, build?.context ?? '.', build?.dockerfile ?? 'Dockerfile');
      if (built !== dockerfile) problems.push(`${name}: builds ${built}, not ${dockerfile}`);
    }
    expect(problems).toEqual([]);
  });

  it('runs entry points that `npm run build` compiles into dist/', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts;
    expect(scripts?.build ?? '').toMatch(/tsc\b.*-p\s+tsconfig\.build\.json/);

    const configPath = path.join(root, 'tsconfig.build.json');
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
    const outDir = parsed.options.outDir ?? '';
    const rootDir = parsed.options.rootDir ?? root;
    expect(path.resolve(outDir)).toBe(path.join(root, 'dist'));

    const compiled = new Set(parsed.fileNames.map((file) => path.resolve(file)));
    const missing: string[] = [];
    for (const entry of ['dist/worker/main.js', 'dist/api/server.js']) {
      const relative = path.relative(outDir, path.join(root, entry));
      const source = path.resolve(rootDir, relative.replace(/\.js$/, '.ts'));
      if (!compiled.has(source)) missing.push(`${entry}: ${path.relative(root, source)} is not compiled by tsconfig.build.json`);
    }
    expect(missing).toEqual([]);
  });

  it('takes the production shape from stack/shape.ts, as the cluster profile does: a value changed on one side fails here', () => {
    const drift: string[] = [];
    const same = (where: string, actual: unknown, expected: unknown) => {
      if (String(actual) !== String(expected)) drift.push(`${where}: ${JSON.stringify(actual)}, shape says ${JSON.stringify(expected)}`);
    };
    same('temporal image', service('temporal').image, `temporalio/server:${SHAPE.temporal.serverVersion}`);
    for (const name of ['temporal-schema', SEARCH_ATTRIBUTE_INIT])
      same(`${name} image`, service(name).image?.split(':')[1]?.split('-')[0], SHAPE.temporal.serverVersion);
    same('temporal NUM_HISTORY_SHARDS', environment('temporal').NUM_HISTORY_SHARDS, SHAPE.temporal.historyShards.compose);
    same(`${SEARCH_ATTRIBUTE_INIT} NAMESPACE_RETENTION`, environment(SEARCH_ATTRIBUTE_INIT).NAMESPACE_RETENTION, `${SHAPE.temporal.namespaceRetentionHours}h`);
    same('Kafka brokers', KAFKA_SERVICES.filter((name) => name in services).length, SHAPE.kafka.brokers);
    const broker = environment('kafka-1');
    same('KAFKA_NUM_PARTITIONS', broker.KAFKA_NUM_PARTITIONS, SHAPE.kafka.partitions);
    same('KAFKA_DEFAULT_REPLICATION_FACTOR', broker.KAFKA_DEFAULT_REPLICATION_FACTOR, SHAPE.kafka.replicationFactor);
    same('KAFKA_MIN_INSYNC_REPLICAS', broker.KAFKA_MIN_INSYNC_REPLICAS, SHAPE.kafka.minInsyncReplicas);
    same('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', broker.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, SHAPE.kafka.replicationFactor);
    same('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', broker.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, SHAPE.kafka.minInsyncReplicas);
    const worker = environment('worker');
    same('worker KAFKA_TOPIC_PARTITIONS', worker.KAFKA_TOPIC_PARTITIONS, SHAPE.kafka.partitions);
    same('worker KAFKA_REPLICATION_FACTOR', worker.KAFKA_REPLICATION_FACTOR, SHAPE.kafka.replicationFactor);
    same('kafka-init min.insync.replicas', /min\.insync\.replicas=(\d+)/.exec(commandText(service('kafka-init')))?.[1], SHAPE.kafka.minInsyncReplicas);
    same('worker DANVAN_WORKER_MAX_CACHED_WORKFLOWS', worker.DANVAN_WORKER_MAX_CACHED_WORKFLOWS, SHAPE.worker.maxCachedWorkflows);
    same('worker NODE_OPTIONS', worker.NODE_OPTIONS, `--max-old-space-size=${SHAPE.worker.heapMb}`);
    same('worker memory limit', service('worker').deploy?.resources?.limits?.memory, `${SHAPE.worker.memoryLimitMb}M`);
    same('worker replicas', withDefaults(String(service('worker').deploy?.replicas)), SHAPE.worker.replicas.compose);
    same('worker DANVAN_WORKFLOW_BUNDLE', worker.DANVAN_WORKFLOW_BUNDLE, SHAPE.worker.bundle);
    expect(drift).toEqual([]);
  });
});
