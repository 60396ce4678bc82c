import type { Unit } from '../units';

/**
 * Tỉnh Bắc Ninh as organised since 7/2025 (merged with Bắc Giang, districts abolished): the province directly above
 * its communes and wards, then chi bộ — two levels below the province. A selection of real commune-level names;
 * the chi bộ are illustrative.
 */

export const BAC_NINH_PROVINCE = 'BN';

const COMMUNES: { code: string; name: string }[] = [
  { code: 'KINHBAC', name: 'Phường Kinh Bắc' },
  { code: 'VOCUONG', name: 'Phường Võ Cường' },
  { code: 'TUSON', name: 'Phường Từ Sơn' },
  { code: 'BACGIANG', name: 'Phường Bắc Giang' },
  { code: 'DAMAI', name: 'Phường Đa Mai' },
  { code: 'TIENDU', name: 'Xã Tiên Du' },
  { code: 'HIEPHOA', name: 'Xã Hiệp Hòa' },
  { code: 'LUCNAM', name: 'Xã Lục Nam' },
  { code: 'YENTHE', name: 'Xã Yên Thế' },
  { code: 'LANGGIANG', name: 'Xã Lạng Giang' },
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function partyCellNames(name: string, count: number): string[] {
  const isWard = name.startsWith('Phường ');
  const level = isWard ? 'phường' : 'xã';
  const institutions = [`Chi bộ Công an ${level}`, `Chi bộ Quân sự ${level}`, `Chi bộ Trạm Y tế ${level}`];
  const names: string[] = [];
  for (let j = 1; j <= count - institutions.length; j++) names.push(isWard ? `Chi bộ Khu phố ${j}` : `Chi bộ thôn ${j}`);
  return [...names, ...institutions];
}

export function bacNinh2025Tree(): Unit[] {
  const units: Unit[] = [{ code: BAC_NINH_PROVINCE, name: 'Tỉnh Bắc Ninh', kind: 'province' }];
  COMMUNES.forEach((commune, c) => {
    const communeCode = `${BAC_NINH_PROVINCE}-${commune.code}`;
    units.push({ code: communeCode, name: commune.name, kind: 'commune', parent: BAC_NINH_PROVINCE });
    // 5–10 cells, varied by position rather than randomly.
    partyCellNames(commune.name, 5 + ((c * 3) % 6)).forEach((name, k) => {
      units.push({ code: `${communeCode}-CB${pad2(k + 1)}`, name, kind: 'party-cell', parent: communeCode });
    });
  });
  return units;
}
