import { unitTreeSchema } from '../../domain/schemas';
import { BAC_GIANG_PROVINCE, bacGiangTree } from '../../domain/samples/bac-giang';
import { BAC_NINH_PROVINCE, bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { generateNationalTree, summarizeTree } from '../../domain/samples/national';
import { obligationsOf, UnitIndex, unitsRequiring, type Unit } from '../../domain/units';

/** The issues of a failed parse, as [path, message] pairs for readable expectations. */
function issuesOf(units: unknown): { path: PropertyKey[]; message: string }[] {
  const result = unitTreeSchema.safeParse(units);
  if (result.success) throw new Error('expected the tree to be refused');
  return result.error.issues.map(({ path, message }) => ({ path, message }));
}

const province: Unit = { code: 'P', name: 'Tỉnh P', kind: 'province' };
const commune: Unit = { code: 'P-X', name: 'Xã X', kind: 'commune', parent: 'P' };
const cell: Unit = { code: 'P-X-CB01', name: 'Chi bộ thôn 1', kind: 'party-cell', parent: 'P-X' };

function childrenPerCommune(units: Unit[]): number[] {
  const index = new UnitIndex(units);
  return units.filter((u) => u.kind === 'commune').map((u) => index.children(u.code).length);
}

describe('bundled samples', () => {
  it('Bắc Giang (before 7/2025) validates and has three districts, tens of communes and hundreds of chi bộ', () => {
    const units = bacGiangTree();
    expect(unitTreeSchema.safeParse(units).success).toBe(true);
    const counts = summarizeTree(units);
    expect(counts).toMatchObject({ national: 0, province: 1, district: 3 });
    expect(counts.commune).toBeGreaterThanOrEqual(24);
    expect(counts.commune).toBeLessThanOrEqual(33);
    expect(counts['party-cell']).toBeGreaterThanOrEqual(300);
    expect(counts['party-cell']).toBeLessThanOrEqual(400);
    const index = new UnitIndex(units);
    expect(index.root.code).toBe(BAC_GIANG_PROVINCE);
    expect(index.children(BAC_GIANG_PROVINCE).map((u) => u.name)).toEqual(['Huyện Hiệp Hòa', 'Huyện Lục Nam', 'Huyện Yên Thế']);
    const sizes = childrenPerCommune(units);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    expect(new Set(sizes).size).toBeGreaterThan(3);
    expect(index.get('BG-HH-BACLY')).toEqual({ code: 'BG-HH-BACLY', name: 'Xã Bắc Lý', kind: 'commune', parent: 'BG-HH' });
    expect(index.get('BG-HH-BACLY-CB01')?.kind).toBe('party-cell');
  });

  it('Bắc Giang is the same every call', () => {
    expect(bacGiangTree()).toEqual(bacGiangTree());
  });

  it('Bắc Ninh (since 7/2025) validates and has communes directly below the province, no district', () => {
    const units = bacNinh2025Tree();
    expect(unitTreeSchema.safeParse(units).success).toBe(true);
    const counts = summarizeTree(units);
    expect(counts.district).toBe(0);
    expect(counts.province).toBe(1);
    expect(counts.commune).toBeGreaterThanOrEqual(8);
    const index = new UnitIndex(units);
    expect(index.root.code).toBe(BAC_NINH_PROVINCE);
    expect(index.children(BAC_NINH_PROVINCE).every((u) => u.kind === 'commune')).toBe(true);
    expect(index.children(BAC_NINH_PROVINCE).map((u) => u.name)).toContain('Phường Kinh Bắc');
    const sizes = childrenPerCommune(units);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(bacNinh2025Tree()).toEqual(units);
  });
});

describe('national tree generator', () => {
  it('defaults to 34 provinces, 3,321 communes and about 60,000 chi bộ, and the result validates quickly', () => {
    const started = performance.now();
    const units = generateNationalTree();
    const result = unitTreeSchema.safeParse(units);
    const elapsed = performance.now() - started;
    expect(result.success).toBe(true);
    const counts = summarizeTree(units);
    expect(counts).toMatchObject({ national: 1, province: 34, district: 0, commune: 3321 });
    expect(counts['party-cell']).toBeGreaterThanOrEqual(50_000);
    expect(counts['party-cell']).toBeLessThanOrEqual(70_000);
    // Typically ~150 ms; the bound is loose because integration suites may share the CPU.
    expect(elapsed).toBeLessThan(2_000);
    const index = new UnitIndex(units);
    expect(index.root).toEqual({ code: 'VN', name: 'Toàn quốc', kind: 'national' });
    expect(index.get('P01')?.name).toBe('Thành phố Hà Nội');
    expect(index.get('P34')?.name).toBe('Tỉnh An Giang');
    expect(index.get('P01-X0001-CB01')?.parent).toBe('P01-X0001');
    const sizes = childrenPerCommune(units);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(28);
    expect(index.children('VN').every((p) => index.children(p.code).length >= 1)).toBe(true);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const opts = { provinces: 5, communes: 40, partyCellsPerCommune: { min: 2, max: 9 } };
    const a = generateNationalTree({ ...opts, seed: 7 });
    expect(generateNationalTree({ ...opts, seed: 7 })).toEqual(a);
    expect(generateNationalTree({ ...opts, seed: 8 })).not.toEqual(a);
    expect(summarizeTree(a)).toMatchObject({ national: 1, province: 5, commune: 40 });
    expect(unitTreeSchema.safeParse(a).success).toBe(true);
  });

  it('spreads exactly the requested communes even when there are barely more than provinces', () => {
    const units = generateNationalTree({ provinces: 34, communes: 35, partyCellsPerCommune: { min: 1, max: 1 } });
    expect(summarizeTree(units)).toEqual({ national: 1, province: 34, district: 0, commune: 35, 'party-cell': 35 });
    expect(() => generateNationalTree({ provinces: 10, communes: 9 })).toThrow(/9 communes for 10 provinces/);
  });
});

describe('unitTreeSchema refuses malformed trees, pointing at the offending unit', () => {
  it('two roots', () => {
    const issues = issuesOf([province, commune, { code: 'Q', name: 'Tỉnh Q', kind: 'province' }]);
    expect(issues).toEqual([{ path: [2, 'parent'], message: expect.stringContaining('"Q"') }]);
  });

  it('no root at all', () => {
    expect(issuesOf([{ ...commune, parent: 'P-X' }]).map((i) => i.message)).toContainEqual(expect.stringMatching(/no root/));
  });

  it('a duplicate code', () => {
    const issues = issuesOf([province, commune, cell, { ...cell, name: 'Chi bộ thôn 2' }]);
    expect(issues).toEqual([{ path: [3, 'code'], message: expect.stringContaining('"P-X-CB01"') }]);
  });

  it('an unknown parent', () => {
    const issues = issuesOf([province, commune, { ...cell, parent: 'P-Y' }]);
    expect(issues).toEqual([{ path: [2, 'parent'], message: expect.stringContaining('"P-Y"') }]);
  });

  it('a cycle: two units parenting each other beside a proper root', () => {
    const a: Unit = { code: 'A', name: 'A', kind: 'district', parent: 'B' };
    const b: Unit = { code: 'B', name: 'B', kind: 'commune', parent: 'A' };
    const issues = issuesOf([province, a, b]);
    expect(issues).toContainEqual({ path: [1, 'parent'], message: expect.stringMatching(/"A".*cycle/) });
    expect(issues).toContainEqual({ path: [2, 'parent'], message: expect.stringMatching(/"B".*cycle/) });
  });

  it('a unit that parents itself', () => {
    const issues = issuesOf([province, { ...commune, parent: 'P-X' }]);
    expect(issues).toContainEqual({ path: [1, 'parent'], message: expect.stringMatching(/"P-X".*cycle/) });
  });

  it('a child whose kind ranks above (or level with) its parent', () => {
    expect(issuesOf([province, commune, { code: 'P-X-D', name: 'Huyện D', kind: 'district', parent: 'P-X' }])).toEqual([
      { path: [2, 'kind'], message: expect.stringContaining('"P-X-D"') },
    ]);
    expect(issuesOf([province, commune, { code: 'P-X-Y', name: 'Xã Y', kind: 'commune', parent: 'P-X' }])).toEqual([
      { path: [2, 'kind'], message: expect.stringContaining('"P-X"') },
    ]);
  });

  it('a child of a party cell', () => {
    const issues = issuesOf([province, commune, cell, { code: 'P-X-CB01-A', name: 'Tổ đảng', kind: 'party-cell', parent: 'P-X-CB01' }]);
    expect(issues).toEqual([{ path: [3, 'parent'], message: expect.stringContaining('"P-X-CB01"') }]);
  });

  it('a bad field of one unit, and an empty tree', () => {
    const result = unitTreeSchema.safeParse([province, { ...commune, code: 'bad code' }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([1, 'code']);
    expect(unitTreeSchema.safeParse([]).success).toBe(false);
  });

  it('accepts skipped levels (province → commune, national → commune)', () => {
    expect(unitTreeSchema.safeParse([province, commune, cell]).success).toBe(true);
    expect(
      unitTreeSchema.safeParse([
        { code: 'VN', name: 'Toàn quốc', kind: 'national' },
        { ...commune, parent: 'VN' },
      ]).success,
    ).toBe(true);
  });
});

describe('UnitIndex', () => {
  const bg = new UnitIndex(bacGiangTree());
  const bn = new UnitIndex(bacNinh2025Tree());

  it('knows the root, size and the direct children in tree order', () => {
    expect(bg.root.code).toBe('BG');
    expect(bg.size).toBe(bacGiangTree().length);
    expect(bg.children('BG').map((u) => u.code)).toEqual(['BG-HH', 'BG-LN', 'BG-YT']);
    expect(
      bg
        .children('BG-HH')
        .slice(0, 2)
        .map((u) => u.code),
    ).toEqual(['BG-HH-THANG', 'BG-HH-BACLY']);
    expect(bg.children('BG-HH-BACLY-CB01')).toEqual([]);
    expect(bg.children('NOPE')).toEqual([]);
    expect(bg.has('BG-LN-DOINGO')).toBe(true);
    expect(bg.has('BN')).toBe(false);
    expect(bg.get('NOPE')).toBeUndefined();
  });

  it('finds parents and ancestors, nearest first', () => {
    expect(bg.parentOf('BG-HH-BACLY-CB01')?.code).toBe('BG-HH-BACLY');
    expect(bg.parentOf('BG')).toBeUndefined();
    expect(bg.ancestors('BG-HH-BACLY-CB01').map((u) => u.code)).toEqual(['BG-HH-BACLY', 'BG-HH', 'BG']);
    expect(bn.ancestors('BN-KINHBAC-CB01').map((u) => u.code)).toEqual(['BN-KINHBAC', 'BN']);
    expect(bg.ancestors('BG')).toEqual([]);
    expect(() => bg.ancestors('NOPE')).toThrow(/NOPE/);
  });

  it('tells whether a unit lies within another', () => {
    expect(bg.isWithin('BG-HH-BACLY', 'BG-HH-BACLY')).toBe(true); // itself
    expect(bg.isWithin('BG-HH-BACLY-CB03', 'BG-HH-BACLY')).toBe(true); // its chi bộ
    expect(bg.isWithin('BG-HH-BACLY-CB03', 'BG')).toBe(true);
    expect(bg.isWithin('BG-HH', 'BG-HH-BACLY')).toBe(false); // the parent is not within the child
    expect(bg.isWithin('BG-HH-CHAUMINH', 'BG-HH-BACLY')).toBe(false); // sibling
    expect(bg.isWithin('BG-LN-DOINGO-CB01', 'BG-HH')).toBe(false); // other district
    expect(bg.isWithin('BN-KINHBAC', 'BG')).toBe(false); // other province, unknown here
    expect(bn.isWithin('BN-KINHBAC-CB01', 'BG')).toBe(false);
    expect(bg.isWithin('BG', 'NOPE')).toBe(false);
  });

  it('lists a subtree in pre-order, parents before children', () => {
    const district = bg.subtree('BG-YT');
    const communes = bg.children('BG-YT');
    const cells = communes.reduce((n, c) => n + bg.children(c.code).length, 0);
    expect(district).toHaveLength(1 + communes.length + cells);
    expect(district[0]?.code).toBe('BG-YT');
    expect(district[1]?.code).toBe(communes[0]?.code);
    expect(district[2]?.code).toBe(`${communes[0]?.code}-CB01`);
    const seen = new Set<string>();
    for (const unit of district) {
      if (unit.code !== 'BG-YT') expect(seen.has(unit.parent ?? '')).toBe(true);
      seen.add(unit.code);
    }
    expect(bg.subtree('BG')).toHaveLength(bg.size);
    expect(bg.subtree('BG-HH-BACLY-CB01').map((u) => u.code)).toEqual(['BG-HH-BACLY-CB01']);
    expect(() => bg.subtree('NOPE')).toThrow(/NOPE/);
  });

  it('gives leaves to their parent workflow and keeps inner units and the root for themselves', () => {
    expect(bg.ownerOf('BG-HH-BACLY-CB01')).toBe('BG-HH-BACLY');
    expect(bg.ownerOf('BG-HH-BACLY')).toBe('BG-HH-BACLY');
    expect(bg.ownerOf('BG-HH')).toBe('BG-HH');
    expect(bg.ownerOf('BG')).toBe('BG');
    expect(bn.ownerOf('BN-LUCNAM-CB02')).toBe('BN-LUCNAM');
    expect(new UnitIndex([province]).ownerOf('P')).toBe('P');
    // A commune without chi bộ is a leaf: its province's workflow owns it.
    expect(new UnitIndex([province, commune]).ownerOf('P-X')).toBe('P');
    expect(() => bg.ownerOf('NOPE')).toThrow(/NOPE/);
    expect(bg.isLeaf('BG-HH-BACLY-CB01')).toBe(true);
    expect(bg.isLeaf('BG-HH-BACLY')).toBe(false);
    expect(bg.isLeaf('NOPE')).toBe(false);
  });
});

describe('obligations', () => {
  it('chi bộ owe the study session, communes the dialogue, everyone else nothing', () => {
    expect(obligationsOf({ kind: 'party-cell' })).toEqual(['study-session']);
    expect(obligationsOf({ kind: 'commune' })).toEqual(['dialogue']);
    for (const kind of ['national', 'province', 'district'] as const) expect(obligationsOf({ kind })).toEqual([]);
  });

  it('counts the units that must report on the Bắc Giang sample', () => {
    const units = bacGiangTree();
    const counts = summarizeTree(units);
    const study = unitsRequiring(units, 'study-session');
    const dialogue = unitsRequiring(units, 'dialogue');
    expect(study).toHaveLength(counts['party-cell']);
    expect(dialogue).toHaveLength(counts.commune);
    expect(study.every((u) => u.kind === 'party-cell')).toBe(true);
    expect(dialogue.map((u) => u.code)).toContain('BG-YT-CAUGO');
  });
});
