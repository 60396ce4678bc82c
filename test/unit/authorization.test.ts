import { ACTIONS, authorize, type Action, type UnitPosition } from '../../api/authorization';
import type { Principal, Role } from '../../api/auth';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { UnitIndex } from '../../domain/units';

/**
 * The full matrix: every role × every position of the target unit relative to the token's unit × every
 * action, against a table written out by hand (not derived from the code under test). Every cell is checked.
 */
describe('authorization: role × unit position × action', () => {
  const index = new UnitIndex(bacGiangTree());
  const position = (code: string): UnitPosition => ({ unitCode: code, ancestors: index.ancestors(code).map((u) => u.code) });
  // The token speaks for Xã Bắc Lý (BG-HH-BACLY).
  const own = 'BG-HH-BACLY';
  const positions: Record<string, UnitPosition> = {
    own: position(own),
    child: position(index.children(own)[0]!.code),
    parent: position('BG-HH'),
    sibling: position('BG-HH-CHAUMINH'),
    'other district': position(index.children('BG-LN')[0]!.code),
    'other province': { unitCode: 'HN-X1', ancestors: ['HN'] },
  };
  const inScope = new Set(['own', 'child']);

  const WRITES_OF: Record<Role, readonly Action[]> = {
    admin: ACTIONS,
    reporter: ['report:study-session', 'report:dialogue', 'report:petition', 'report:petition-resolution', 'report:model-registration', 'report:activity'],
    council: ['model:assessment'],
    viewer: [],
  };
  const READS: readonly Action[] = ['campaign:list', 'campaign:read', 'unit:read'];
  const expected = (role: Role, action: Action, where: string): boolean => {
    if (role === 'admin') return true;
    // Decoding payloads for the Temporal UI reads what workflows hold: operators' work, so viewers and admins only.
    if (role === 'viewer') return READS.includes(action) || action === 'payload:decode';
    const permitted = READS.includes(action) || WRITES_OF[role].includes(action);
    return permitted && inScope.has(where);
  };

  let checked = 0;
  let escapes = 0;
  for (const role of ['admin', 'viewer', 'reporter', 'council'] as const) {
    const principal: Principal = { sub: `${role}-1`, role, ...(role === 'reporter' || role === 'council' ? { unit: own } : {}) };
    for (const action of ACTIONS) {
      for (const [where, target] of Object.entries(positions)) {
        it(`${role} ${action} on ${where}: ${expected(role, action, where) ? 'allowed' : 'denied'}`, () => {
          const decision = authorize(principal, action, target);
          checked += 1;
          if (decision.allowed && !expected(role, action, where)) escapes += 1;
          expect(decision.allowed).toBe(expected(role, action, where));
          if (!decision.allowed) expect(decision.reason).toMatch(new RegExp(`${role}`));
        });
      }
    }
  }

  afterAll(() => {
    process.stderr.write(`authorization matrix: ${checked} cases, ${escapes} escapes\n`);
  });
});
