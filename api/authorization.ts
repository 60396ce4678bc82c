import type { Principal, Role } from './auth';
import { problem } from './problems';

/**
 * Who may do what, and where: the one authorization rule of the API. Administrators do everything; viewers
 * read everything; reporters and council members act for one unit (their token's `unit`) and everything
 * below it, and read only there too.
 */
export const ACTIONS = [
  'campaign:issue',
  'campaign:list',
  'campaign:read',
  'campaign:deploy',
  'campaign:phase',
  'campaign:extend',
  'unit:read',
  'report:study-session',
  'report:dialogue',
  'report:activity',
  'report:petition',
  'report:petition-resolution',
  'report:model-registration',
  'model:assessment',
  'model:commendation',
  'honour:award',
  'schedule:manage',
  'draft:review',
  'payload:decode',
  'payload:encode',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions about a unit need its position: the unit itself and its ancestors, nearest first. */
export interface UnitPosition {
  unitCode: string;
  ancestors: readonly string[];
}

const ALLOWED: Record<Role, readonly Action[]> = {
  admin: ACTIONS,
  viewer: ['campaign:list', 'campaign:read', 'unit:read', 'payload:decode'],
  reporter: [
    'campaign:list',
    'campaign:read',
    'unit:read',
    'report:study-session',
    'report:dialogue',
    'report:activity',
    'report:petition',
    'report:petition-resolution',
    'report:model-registration',
  ],
  council: ['campaign:list', 'campaign:read', 'unit:read', 'model:assessment'],
};

/** Roles whose every permission is scoped to their own unit's subtree. */
const SCOPED: readonly Role[] = ['reporter', 'council'];

export type Decision = { allowed: true } | { allowed: false; reason: string; vi: string };

export function authorize(principal: Principal, action: Action, position?: UnitPosition): Decision {
  if (!ALLOWED[principal.role].includes(action))
    return { allowed: false, reason: `role ${principal.role} may not ${action}`, vi: `Vai trò ${principal.role} không được phép ${action}` };
  if (!SCOPED.includes(principal.role) || !position) return { allowed: true };
  const own = principal.unit;
  if (own !== undefined && (position.unitCode === own || position.ancestors.includes(own))) return { allowed: true };
  return {
    allowed: false,
    reason: `a ${principal.role} for unit ${own ?? '(none)'} may act only for that unit and the units below it, not for ${position.unitCode}`,
    vi: `Vai trò ${principal.role} của đơn vị ${own ?? '(không có)'} chỉ được làm việc cho đơn vị đó và các đơn vị cấp dưới, không cho ${position.unitCode}`,
  };
}

/** `authorize`, as a route uses it: a refusal becomes a 403 problem with the reason. */
export function requireAllowed(principal: Principal, action: Action, position?: UnitPosition): Principal {
  const decision = authorize(principal, action, position);
  if (!decision.allowed) throw problem(403, 'forbidden', { en: decision.reason, vi: decision.vi });
  return principal;
}
