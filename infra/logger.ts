import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'danvan'): Logger {
  return pino({ name, level });
}
