import type { Unit } from './schemas';
import type { Obligation } from './vocabulary';

export type { Unit } from './schemas';
export { kindRank, OBLIGATIONS, UNIT_KINDS, type Obligation, type UnitKind } from './vocabulary';

/**
 * The unit tree of a campaign: the issuing unit at the root, then whatever levels lie below it. Before 7/2025 a
 * province had districts (huyện/quận/thị xã/thành phố) → communes (xã/phường/thị trấn) → chi bộ (party cells);
 * since then there is no district level, and a national campaign adds a root above the 34 provinces. So the depth
 * is data: kinds only have to rank strictly downwards, and levels may be skipped.
 */

export type UnitTree = Unit[];

const NO_UNITS: readonly Unit[] = Object.freeze([]);

/** Look-ups over a tree already validated by `unitTreeSchema` (domain/schemas.ts); built in one pass, so cheap to rebuild in a workflow. */
export class UnitIndex {
  readonly root: Unit;
  readonly size: number;
  private readonly byCode = new Map<string, Unit>();
  private readonly childrenOf = new Map<string, Unit[]>();

  /** Works on a whole tree or on a subtree cut from one: the root is the unit whose parent is not in the set. */
  constructor(units: readonly Unit[]) {
    for (const unit of units) this.byCode.set(unit.code, unit);
    let root: Unit | undefined;
    for (const unit of units) {
      if (unit.parent === undefined || !this.byCode.has(unit.parent)) {
        root ??= unit;
        continue;
      }
      const siblings = this.childrenOf.get(unit.parent);
      if (siblings) siblings.push(unit);
      else this.childrenOf.set(unit.parent, [unit]);
    }
    if (!root) throw new Error('the unit tree has no root');
    this.root = root;
    this.size = units.length;
  }

  get(code: string): Unit | undefined {
    return this.byCode.get(code);
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  /** Direct children in tree order; empty for leaves and unknown codes. */
  children(code: string): readonly Unit[] {
    return this.childrenOf.get(code) ?? NO_UNITS;
  }

  parentOf(code: string): Unit | undefined {
    const parent = this.byCode.get(code)?.parent;
    return parent === undefined ? undefined : this.byCode.get(parent);
  }

  isLeaf(code: string): boolean {
    return this.byCode.has(code) && !this.childrenOf.has(code);
  }

  /** Nearest first, the unit itself excluded: a chi bộ's ancestors are its commune, (district,) province… */
  ancestors(code: string): Unit[] {
    const result: Unit[] = [];
    let current = this.require(code);
    for (let parent = this.parentOf(current.code); parent; parent = this.parentOf(current.code)) {
      result.push(parent);
      current = parent;
    }
    return result;
  }

  /** True when `code` is `ancestorCode` or lies below it; false for unknown codes. */
  isWithin(code: string, ancestorCode: string): boolean {
    if (!this.byCode.has(ancestorCode)) return false;
    for (let current = this.byCode.get(code); current; current = current.parent === undefined ? undefined : this.byCode.get(current.parent)) {
      if (current.code === ancestorCode) return true;
    }
    return false;
  }

  /** The unit and everything below it, pre-order (parents before children, siblings in tree order). */
  subtree(code: string): Unit[] {
    const result: Unit[] = [];
    const stack: Unit[] = [this.require(code)];
    for (let unit = stack.pop(); unit; unit = stack.pop()) {
      result.push(unit);
      const below = this.childrenOf.get(unit.code);
      if (below) for (let i = below.length - 1; i >= 0; i--) stack.push(below[i] as Unit);
    }
    return result;
  }

  /**
   * The code of the unit whose workflow owns `code`. Leaves such as chi bộ get no workflow of their own (there are
   * ~60,000 of them nationally); their commune's workflow tracks them.
   */
  ownerOf(code: string): string {
    const unit = this.require(code);
    if (unit.parent === undefined || this.childrenOf.has(code)) return code;
    return unit.parent;
  }

  private require(code: string): Unit {
    const unit = this.byCode.get(code);
    if (!unit) throw new Error(`unknown unit code "${code}"`);
    return unit;
  }
}

/**
 * What a unit must report in the campaign — the one place for "who must report what":
 * every chi bộ holds the thematic study session on Hồ Chí Minh's article "Dân vận", and the heads of every
 * commune-level party committee and government hold a dialogue conference with citizens.
 */
export function obligationsOf(unit: Pick<Unit, 'kind'>): Obligation[] {
  switch (unit.kind) {
    case 'party-cell':
      return ['study-session'];
    case 'commune':
      return ['dialogue'];
    default:
      return [];
  }
}

export function unitsRequiring(units: readonly Unit[], obligation: Obligation): Unit[] {
  return units.filter((unit) => obligationsOf(unit).includes(obligation));
}
