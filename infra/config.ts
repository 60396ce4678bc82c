import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration';

/**
 * Every setting danvan reads from the environment, parsed once at boot.
 * A bad value stops the process with one line per problem naming the variable and the value,
 * instead of failing later somewhere deep in a client library.
 */

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-_]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

const brokerList = z
  .string()
  .trim()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
  )
  .pipe(z.array(hostPort.regex(/^[^,]+$/)).min(1, 'expected a comma-separated list of host:port'));

const port = z.coerce.number().int().min(1).max(65535);

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** A duration in seconds, written `90s`, `30m`, `12h` or `1d`. */
const duration = z
  .string()
  .trim()
  .regex(DURATION_PATTERN, 'expected a whole number and a unit (s, m, h, d), e.g. 24h')
  .transform((value) => parseDuration(value)!);

/** A claim name, or a dotted path into nested claims: `role`, `realm_access.roles`, `https://example.org/role`. */
const claimPath = z.string().trim().min(1).max(200).regex(/^\S+$/, 'expected a claim name or a dotted path such as realm_access.roles');

export const configSchema = z.object({
  /** Unset: `npm start` runs the embedded Temporal dev server. */
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('danvan'),
  /** Unset: `npm start` runs the embedded single-node Kafka broker. */
  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('danvan'),
  /** Partitions of the topics danvan creates; a campaign's events share one partition (keyed by campaign id). */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** HS256 secret for API tokens. Unset on the embedded default: a development secret is generated and kept in the data folder. */
  DANVAN_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Production: verify tokens with the identity provider's keys (RS256, PS256, ES256, EdDSA) instead of the shared secret. */
  DANVAN_JWKS_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of a JWKS document' }).optional(),
  /** What a token must carry as `iss` and `aud`: an identity provider's realm URL and client id. */
  DANVAN_JWT_ISSUER: z.string().trim().min(1).default('danvan'),
  DANVAN_JWT_AUDIENCE: z.string().trim().min(1).default('danvan-api'),
  /** Where a token carries danvan's role (a string, or a list with one danvan role in it) and unit. */
  DANVAN_JWT_ROLE_CLAIM: claimPath.default('role'),
  DANVAN_JWT_UNIT_CLAIM: claimPath.default('unit'),
  /** The longest lifetime (`exp - iat`) of a token the API accepts; development tokens are minted for 12 h, or this if shorter. */
  DANVAN_TOKEN_MAX_LIFETIME: duration.prefault('24h'),
  /** Requests per principal (token subject; client address without a token) per window; 0 turns the limit off. */
  DANVAN_RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(1000),
  DANVAN_RATE_LIMIT_WINDOW: duration.prefault('1m'),
  /** Where clients reach the API: the base of problem type URLs and of the events' `dataschema`; unset: see publicBaseUrl. */
  DANVAN_PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL clients reach the API at, e.g. https://danvan.example.org' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  DANVAN_CACHE_DIR: z
    .string()
    .min(1)
    .default(path.join(os.homedir(), '.cache', 'danvan')),
  DANVAN_DATA_DIR: z
    .string()
    .min(1)
    .default(path.resolve(__dirname, '..', '.data')),
  /** The analytics projection (SQLite) `npm run analytics` writes and the API's reports read; unset: see analyticsDbFile (the standalone API reads none). */
  DANVAN_ANALYTICS_DB: z.string().min(1).optional(),
  DANVAN_TEMPORAL_PORT: port.default(7233),
  DANVAN_TEMPORAL_UI_PORT: port.default(8233),
  DANVAN_KAFKA_PORT: port.default(9092),
  DANVAN_KAFKA_CONTROLLER_PORT: port.default(9093),
  /** The PostgreSQL of the cluster profile listens on this + its offset, as the other servers' ports do. */
  DANVAN_POSTGRES_PORT: port.default(5432),
  LOG_LEVEL: logLevel.default('info'),
  /**
   * Prometheus endpoints (GET /metrics, no token), one listener per process so that processes sharing a machine never
   * clash; unset: none. The API's requests and Updates, the worker's Temporal SDK metrics, the analytics consumer's lag.
   */
  DANVAN_API_METRICS_ADDRESS: hostPort.optional(),
  DANVAN_WORKER_METRICS_ADDRESS: hostPort.optional(),
  DANVAN_ANALYTICS_METRICS_ADDRESS: hostPort.optional(),
  /** Browser origins allowed to call the API's codec routes: the Temporal UI's, e.g. "http://127.0.0.1:8080,http://localhost:8080". */
  DANVAN_CODEC_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'expected origins like http://127.0.0.1:8080, separated by commas' }))),
  /** A workflow bundle written ahead by worker/bundle.ts (the image's build); unset, the worker bundles workflows/ at start. */
  DANVAN_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /**
   * `patched()` ids of the workflow code that this worker runs but does not start yet, comma-separated: a rolling
   * upgrade ships new workflow code with its patch held, and lifts the hold in a second rollout once no worker runs
   * the code before it (docs/operations.md). Unset: every patch starts.
   */
  DANVAN_WORKFLOW_PATCHES_HELD: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  /**
   * Workflows one worker keeps in memory between their tasks; unset: the Temporal SDK's default (≈ 600 per GiB of
   * V8 heap limit: 2,310 under Node 20's default 4 GiB limit). Fewer saves memory; a workflow evicted from
   * the cache replays its whole history at its next task. At least 2: the SDK raises 1 to 2, and 0 (no cache, every
   * task a full replay) is no setting for workflows that live a whole month.
   */
  DANVAN_WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'expected a whole number of workflows' })
    .int('expected a whole number of workflows')
    .min(2, 'expected at least 2 (the SDK raises 1 to 2; 0 would replay every workflow at every task)')
    .optional(),
});

export type Config = z.infer<typeof configSchema>;

/** The API as this machine reaches it, unless DANVAN_PUBLIC_BASE_URL names where clients do. */
export function publicBaseUrl(config: Config): string {
  return config.DANVAN_PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.API_PORT}`;
}

/** The projection file beside the dev stack's data, unless DANVAN_ANALYTICS_DB names another. */
export function analyticsDbFile(config: Config): string {
  return config.DANVAN_ANALYTICS_DB ?? path.join(config.DANVAN_DATA_DIR, 'dev', 'analytics.sqlite');
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, the way shells and compose files usually mean them. */
function presentOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(presentOnly(env));
  if (parsed.success) return parsed.data;
  const raw = presentOnly(env);
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      return `${key}=${JSON.stringify(raw[key] ?? '')}: ${issue.message}`;
    }),
  );
}
