import { bundleDanvanWorkflows } from '../helpers/temporal';

/**
 * Every workflow instance evaluates the modules of the bundle for itself (the SDK's reused V8 context keeps module
 * state per workflow), so what the workflows import is paid per running workflow: zod and the schemas cost about
 * 1.6 MiB each, which a national campaign (3,355 workflows) cannot afford (docs/decisions/zod-free-workflows.md). This keeps them out.
 */
describe('the workflow bundle', () => {
  it('holds no zod, no wire schemas and no event contract: only the rules the workflows run', async () => {
    const { code } = await bundleDanvanWorkflows();
    const modules = [...new Set(code.match(/"\.\/[^"\s]+\.(?:ts|js|cjs|json)"/g) ?? [])].map((m) => m.slice(1, -1));
    expect(modules).toContain('./workflows/node.ts');
    expect(modules).toContain('./schemas/updates/submit.json');
    expect(modules.filter((m) => m.includes('/node_modules/zod/') || m === './domain/schemas.ts' || m === './domain/events.ts')).toEqual([]);
  }, 120_000);
});
