import { Connection } from '@temporalio/client';
import { loadConfig } from '../../infra/config';
import { stackLayout } from '../../stack/stack';
import { TEST_ENV } from '../helpers/env';
import { spawnTs } from '../helpers/processes';
import { startPrivateStack } from '../helpers/private-stack';
import { searchAttributes } from '../../workflows/search-attributes';

/** The stack scripts as an operator uses them, against the test profile that global setup manages. */
describe('npm run stack:status / stack:up on a running stack', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('DANVAN_') && e[1] !== undefined));
  const { ports } = stackLayout(loadConfig(), 'test');
  // Pointed at servers of your own, global setup starts no local stack, and status must say so.
  const local = process.env[TEST_ENV.stackMode] === 'local';

  it('reports the servers of the test profile and whether they are ready', async () => {
    const run = spawnTs('stack/cli.ts', ['status', '--profile', 'test'], env);
    expect(await run.exited).toBe(local ? 0 : 3);
    const state = local ? 'pid \\d+\\s+ready' : 'not running\\s+not ready';
    expect(run.output()).toMatch(new RegExp(`temporal\\s+${state}\\s+127\\.0\\.0\\.1:${ports.temporal}`));
    expect(run.output()).toMatch(new RegExp(`kafka\\s+${state}\\s+127\\.0\\.0\\.1:${ports.kafka}`));
  });

  if (local) {
    it('reuses running servers instead of starting them twice', async () => {
      const run = spawnTs('stack/cli.ts', ['up', '--profile', 'test'], env);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('[stack] already running');
    });
  }

  it('refuses an unknown command with the list of known ones', async () => {
    const run = spawnTs('stack/cli.ts', ['restart'], env);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('unknown command "restart": use up, down or status');
  });
});

describe('a data directory from an earlier danvan', () => {
  it('gets the search attributes added since registered when the dev server starts on it', async () => {
    const stack = await startPrivateStack('attributes', { temporal: true });
    try {
      const listed = async () => {
        const connection = await Connection.connect({ address: stack.endpoints.temporalAddress });
        try {
          return Object.keys((await connection.operatorService.listSearchAttributes({ namespace: stack.layout.namespace })).customAttributes ?? {});
        } finally {
          await connection.close();
        }
      };
      // As a data directory made before DanvanImplements existed: start-dev does not register it on an existing namespace.
      const connection = await Connection.connect({ address: stack.endpoints.temporalAddress });
      await connection.operatorService.removeSearchAttributes({ namespace: stack.layout.namespace, searchAttributes: [searchAttributes.implements.name] });
      await connection.close();
      expect(await listed()).not.toContain(searchAttributes.implements.name);
      await stack.stop('temporal');
      await stack.start('temporal');
      expect((await listed()).sort()).toEqual(
        Object.values(searchAttributes)
          .map((key) => key.name)
          .sort(),
      );
    } finally {
      await stack.down();
    }
  }, 180_000);
});
