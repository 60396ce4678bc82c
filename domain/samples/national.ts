import { UNIT_KINDS, type Unit, type UnitKind } from '../units';

/**
 * Nation-sized trees for benchmarks and load tests: the structure in force since 7/2025 — 34 provinces, 3,321
 * communes, about 60,000 chi bộ. Names and sizes are synthetic; a seeded PRNG keeps them reproducible (and keeps
 * this module usable inside workflows, where Math.random is not allowed).
 */

export const NATIONAL_ROOT = 'VN';

/** The 34 provinces and centrally-run cities after the 2025 merger; the six cities are "Thành phố". */
const PROVINCES: { name: string; city: boolean }[] = [
  { name: 'Hà Nội', city: true },
  { name: 'Huế', city: true },
  { name: 'Lai Châu', city: false },
  { name: 'Điện Biên', city: false },
  { name: 'Sơn La', city: false },
  { name: 'Lạng Sơn', city: false },
  { name: 'Quảng Ninh', city: false },
  { name: 'Thanh Hóa', city: false },
  { name: 'Nghệ An', city: false },
  { name: 'Hà Tĩnh', city: false },
  { name: 'Cao Bằng', city: false },
  { name: 'Tuyên Quang', city: false },
  { name: 'Lào Cai', city: false },
  { name: 'Thái Nguyên', city: false },
  { name: 'Phú Thọ', city: false },
  { name: 'Bắc Ninh', city: false },
  { name: 'Hưng Yên', city: false },
  { name: 'Hải Phòng', city: true },
  { name: 'Ninh Bình', city: false },
  { name: 'Quảng Trị', city: false },
  { name: 'Đà Nẵng', city: true },
  { name: 'Quảng Ngãi', city: false },
  { name: 'Gia Lai', city: false },
  { name: 'Khánh Hòa', city: false },
  { name: 'Lâm Đồng', city: false },
  { name: 'Đắk Lắk', city: false },
  { name: 'Hồ Chí Minh', city: true },
  { name: 'Đồng Nai', city: false },
  { name: 'Tây Ninh', city: false },
  { name: 'Cần Thơ', city: true },
  { name: 'Vĩnh Long', city: false },
  { name: 'Đồng Tháp', city: false },
  { name: 'Cà Mau', city: false },
  { name: 'An Giang', city: false },
];

export interface NationalTreeOptions {
  provinces?: number;
  communes?: number;
  partyCellsPerCommune?: { min: number; max: number };
  seed?: number;
}

/** mulberry32: tiny, fast and good enough to vary sizes; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Splits `total` communes over `parts` provinces, each getting at least one, sizes varying by a factor of ~3. */
function spread(total: number, parts: number, random: () => number): number[] {
  const weights = Array.from({ length: parts }, () => 0.5 + random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - parts;
  const counts = weights.map((w) => 1 + Math.floor((free * w) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % parts, left--) counts[i] = (counts[i] ?? 0) + 1;
  return counts;
}

export function generateNationalTree(opts: NationalTreeOptions = {}): Unit[] {
  const provinces = positiveInt(opts.provinces ?? 34, 'provinces');
  const communes = positiveInt(opts.communes ?? 3321, 'communes');
  const { min, max } = opts.partyCellsPerCommune ?? { min: 8, max: 28 };
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new Error(`partyCellsPerCommune must be integers with 0 <= min <= max, got ${min}..${max}`);
  }
  if (communes < provinces) throw new Error(`need at least one commune per province: ${communes} communes for ${provinces} provinces`);
  const random = mulberry32(opts.seed ?? 2025);

  const provinceWidth = Math.max(2, String(provinces).length);
  const communeWidth = Math.max(4, String(communes).length);
  const cellWidth = Math.max(2, String(max).length);

  const units: Unit[] = [{ code: NATIONAL_ROOT, name: 'Toàn quốc', kind: 'national' }];
  let communeNumber = 0;
  spread(communes, provinces, random).forEach((communeCount, p) => {
    const provinceCode = `P${String(p + 1).padStart(provinceWidth, '0')}`;
    const known = PROVINCES[p];
    const name = known ? `${known.city ? 'Thành phố' : 'Tỉnh'} ${known.name}` : `Tỉnh ${p + 1}`;
    units.push({ code: provinceCode, name, kind: 'province', parent: NATIONAL_ROOT });
    for (let c = 0; c < communeCount; c++) {
      communeNumber++;
      const communeCode = `${provinceCode}-X${String(communeNumber).padStart(communeWidth, '0')}`;
      units.push({ code: communeCode, name: `Xã ${communeNumber}`, kind: 'commune', parent: provinceCode });
      const cells = min + Math.floor(random() * (max - min + 1));
      for (let k = 1; k <= cells; k++) {
        units.push({ code: `${communeCode}-CB${String(k).padStart(cellWidth, '0')}`, name: `Chi bộ ${k}`, kind: 'party-cell', parent: communeCode });
      }
    }
  });
  return units;
}

export function summarizeTree(units: readonly Unit[]): Record<UnitKind, number> {
  const counts = Object.fromEntries(UNIT_KINDS.map((kind) => [kind, 0])) as Record<UnitKind, number>;
  for (const unit of units) counts[unit.kind]++;
  return counts;
}
