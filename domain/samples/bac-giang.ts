import type { Unit } from '../units';

/**
 * Tỉnh Bắc Giang as it was organised before 7/2025: province → district → commune → chi bộ, three levels below the
 * province. Three of its districts with real commune names; the chi bộ of each commune are illustrative (real
 * communes have village cells plus cells at the school, health station, police and military command).
 */

export const BAC_GIANG_PROVINCE = 'BG';

interface CommuneSeed {
  code: string;
  name: string;
}

interface DistrictSeed {
  code: string;
  name: string;
  communes: CommuneSeed[];
}

const DISTRICTS: DistrictSeed[] = [
  {
    code: 'HH',
    name: 'Huyện Hiệp Hòa',
    communes: [
      { code: 'THANG', name: 'Thị trấn Thắng' },
      { code: 'BACLY', name: 'Xã Bắc Lý' },
      { code: 'CHAUMINH', name: 'Xã Châu Minh' },
      { code: 'DAITHANH', name: 'Xã Đại Thành' },
      { code: 'DANHTHANG', name: 'Xã Danh Thắng' },
      { code: 'DOANBAI', name: 'Xã Đoan Bái' },
      { code: 'DONGLO', name: 'Xã Đông Lỗ' },
      { code: 'HOASON', name: 'Xã Hòa Sơn' },
      { code: 'HOANGAN', name: 'Xã Hoàng An' },
      { code: 'MAIDINH', name: 'Xã Mai Đình' },
      { code: 'HUONGLAM', name: 'Xã Hương Lâm' },
    ],
  },
  {
    code: 'LN',
    name: 'Huyện Lục Nam',
    communes: [
      { code: 'DOINGO', name: 'Thị trấn Đồi Ngô' },
      { code: 'BAODAI', name: 'Xã Bảo Đài' },
      { code: 'BAOSON', name: 'Xã Bảo Sơn' },
      { code: 'BINHSON', name: 'Xã Bình Sơn' },
      { code: 'CAMLY', name: 'Xã Cẩm Lý' },
      { code: 'CHUDIEN', name: 'Xã Chu Điện' },
      { code: 'CUONGSON', name: 'Xã Cương Sơn' },
      { code: 'DONGHUNG', name: 'Xã Đông Hưng' },
      { code: 'HUYENSON', name: 'Xã Huyền Sơn' },
      { code: 'LUCSON', name: 'Xã Lục Sơn' },
    ],
  },
  {
    code: 'YT',
    name: 'Huyện Yên Thế',
    communes: [
      { code: 'CAUGO', name: 'Thị trấn Cầu Gồ' },
      { code: 'BOHA', name: 'Thị trấn Bố Hạ' },
      { code: 'DONGKY', name: 'Xã Đồng Kỳ' },
      { code: 'DONGHUU', name: 'Xã Đồng Hưu' },
      { code: 'HONGKY', name: 'Xã Hồng Kỳ' },
      { code: 'HUONGVI', name: 'Xã Hương Vĩ' },
      { code: 'TAMTIEN', name: 'Xã Tam Tiến' },
      { code: 'TANSOI', name: 'Xã Tân Sỏi' },
      { code: 'XUANLUONG', name: 'Xã Xuân Lương' },
    ],
  },
];

const NAMED_HAMLETS = ['Đông', 'Tây', 'Nam', 'Bắc', 'Trung', 'Thượng', 'Hạ', 'Chùa', 'Đình', 'Mới'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** 6–16 cells, varied by position so the sample has small and large communes without any randomness. */
function cellCount(districtIndex: number, communeIndex: number): number {
  return 6 + ((communeIndex * 7 + districtIndex * 3) % 11);
}

function partyCellNames(commune: CommuneSeed, count: number): string[] {
  const isTown = commune.name.startsWith('Thị trấn ');
  const place = commune.name.replace(/^(Xã|Thị trấn) /, '');
  const level = isTown ? 'thị trấn' : 'xã';
  const institutions = [
    `Chi bộ Công an ${level}`,
    `Chi bộ Quân sự ${level}`,
    `Chi bộ Trạm Y tế ${level}`,
    `Chi bộ Trường Tiểu học ${place}`,
    `Chi bộ Trường THCS ${place}`,
    `Chi bộ Trường Mầm non ${place}`,
  ];
  const institutionCount = count >= 12 ? 6 : 4;
  const names: string[] = [];
  for (let j = 0; j < count - institutionCount; j++) {
    if (isTown) names.push(`Chi bộ Tổ dân phố số ${j + 1}`);
    else if (j < 4) names.push(`Chi bộ thôn ${NAMED_HAMLETS[(j + place.length) % NAMED_HAMLETS.length]}`);
    else names.push(`Chi bộ thôn ${j - 3}`);
  }
  return [...names, ...institutions.slice(0, institutionCount)];
}

export function bacGiangTree(): Unit[] {
  const units: Unit[] = [{ code: BAC_GIANG_PROVINCE, name: 'Tỉnh Bắc Giang', kind: 'province' }];
  DISTRICTS.forEach((district, d) => {
    const districtCode = `${BAC_GIANG_PROVINCE}-${district.code}`;
    units.push({ code: districtCode, name: district.name, kind: 'district', parent: BAC_GIANG_PROVINCE });
    district.communes.forEach((commune, c) => {
      const communeCode = `${districtCode}-${commune.code}`;
      units.push({ code: communeCode, name: commune.name, kind: 'commune', parent: districtCode });
      partyCellNames(commune, cellCount(d, c)).forEach((name, k) => {
        units.push({ code: `${communeCode}-CB${pad2(k + 1)}`, name, kind: 'party-cell', parent: communeCode });
      });
    });
  });
  return units;
}
