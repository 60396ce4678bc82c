import type { FastifyInstance } from 'fastify';
import { ConfigError, type Config } from './config';
import type { ServiceEndpoints } from './services';

/** Errors a user can fix from the message alone: printed as one message, without a stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(`danvan ${name}: ${error.message}`);
    } else {
      console.error(`danvan ${name}: failed:`, error);
    }
    process.exit(1);
  });
}

/** Standalone processes have no embedded servers to fall back on. */
export function requireEndpoints(config: Config): ServiceEndpoints {
  const { TEMPORAL_ADDRESS: temporalAddress, KAFKA_BROKERS: kafkaBrokers } = config;
  if (temporalAddress && kafkaBrokers) {
    return { temporalAddress, namespace: config.TEMPORAL_NAMESPACE, kafkaBrokers, kafkaClientId: config.KAFKA_CLIENT_ID };
  }
  throw unsetError([temporalAddress ? undefined : 'TEMPORAL_ADDRESS', kafkaBrokers ? undefined : 'KAFKA_BROKERS']);
}

export function requireKafkaBrokers(config: Config): string[] {
  if (config.KAFKA_BROKERS) return config.KAFKA_BROKERS;
  throw unsetError(['KAFKA_BROKERS']);
}

function unsetError(names: Array<string | undefined>): ConfigError {
  return new ConfigError(
    names.filter((name) => name !== undefined).map((name) => `${name} is required here (only \`npm start\` runs embedded servers when it is unset)`),
  );
}

export async function listenOrExplain(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StartupError(`API port ${port} on ${host} is already in use: stop whatever holds it or set API_PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new StartupError(`API_HOST=${host} is not an address of this machine`);
    throw error;
  }
}
