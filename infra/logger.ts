import pino, { type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type { Logger };

export function createLogger(level: string, name = 'danvan'): Logger {
  return pino({ name, level });
}

const PINO_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal runtime (core SDK and workflow bundler) logging through danvan's logger. It starts at warn:
 * at info the runtime prints webpack's bundle report and every worker state change, which buries the
 * lines an operator needs; LOG_LEVEL=debug still shows everything.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const child = logger.child({ component: 'temporal' }, { level: logger.levelVal < pino.levels.values.info! ? logger.level : 'warn' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => child[PINO_LEVELS[level]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
