import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planSchema } from '../../domain/schemas';
import { nextWindowYear, planFromTemplate, templateDay } from '../../domain/templates';
import { loadTemplate, TEMPLATES_DIR } from '../../infra/templates';

/** Plans written as data: the shipped templates make valid plans for any year, and a bad template file says what is wrong where. */
describe('plan templates', () => {
  const bacGiang = { number: '202-KH/BDVTU', issuer: { unitCode: 'BG', name: 'Ban Dân vận Tỉnh ủy Bắc Giang' }, issuedOn: '2024-09-06', year: 2024 };

  it('"Tháng Dân vận" makes the October plan with its two obligations', () => {
    const plan = planSchema.parse(planFromTemplate(loadTemplate('thang-dan-van'), bacGiang));
    expect(plan.title).toBe('Triển khai các hoạt động "Tháng Dân vận" năm 2024');
    expect(plan.window).toEqual({ opensOn: '2024-10-01', closesOn: '2024-10-31' });
    expect(plan.deadlines).toEqual({ 'study-sessions': '2024-10-31', dialogues: '2024-10-31', assessment: '2024-11-15', commendation: '2024-11-30' });
    expect(plan.obligations?.map((o) => `${o.activity}:${o.owedBy.join('+')}`)).toEqual(['study-session:party-cell', 'dialogue:commune']);
    expect(plan.tasks).toHaveLength(5);
  });

  it('"Dân vận khéo" makes a year-long emulation plan: from 1 January, no study session owed, honours after New Year', () => {
    const haiBaTrung = { number: '205-KH/BDVQU', issuer: { unitCode: 'HN-HBT', name: 'Ban Dân vận Quận ủy Hai Bà Trưng' }, issuedOn: '2018-03-12', year: 2018 };
    const plan = planSchema.parse(planFromTemplate(loadTemplate('dan-van-kheo'), haiBaTrung));
    expect(plan.window).toEqual({ opensOn: '2018-01-01', closesOn: '2018-12-15' });
    expect(plan.deadlines).toEqual({ 'year-end-reviews': '2018-12-15', assessment: '2018-12-31', commendation: '2019-01-15' });
    expect(plan.obligations?.some((o) => o.activity === 'study-session' || o.activity === 'dialogue')).toBe(false);
  });

  it('every shipped template makes a valid plan in leap and common years, and overrides replace whole fields', () => {
    for (const file of fs.readdirSync(TEMPLATES_DIR)) {
      const template = loadTemplate(path.join(TEMPLATES_DIR, file));
      expect(`${file} → ${template.id}.json`).toBe(`${file} → ${file}`);
      for (const year of [2024, 2025]) expect(planSchema.safeParse(planFromTemplate(template, { ...bacGiang, year })).success).toBe(true);
    }
    const overridden = planSchema.parse(planFromTemplate(loadTemplate('thang-dan-van'), bacGiang, { title: 'Tháng Dân vận năm 2024 của tỉnh' }));
    expect(overridden.title).toBe('Tháng Dân vận năm 2024 của tỉnh');
    expect(templateDay('+1:01-15', 2024)).toBe('2025-01-15');
  });

  it('a missing or broken template file is refused with the file and the field', () => {
    expect(() => loadTemplate('khong-co')).toThrow(/no plan template khong-co .*the shipped ones are .*dan-van-kheo.*thang-dan-van/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-templates-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(
        bad,
        JSON.stringify({
          ...JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'dan-van-kheo.json'), 'utf8')),
          window: { opensOn: '1/1', closesOn: '12-15' },
        }),
      );
      expect(() => loadTemplate(bad)).toThrow(`${bad}: window.opensOn: expected a day of the plan year like 10-31, or of the next year like +1:01-15`);
      fs.writeFileSync(bad, '{ "id": ');
      expect(() => loadTemplate(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not JSON`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the yearly kick-off drafts the plan of the template's next window to open, by Vietnam's calendar", () => {
    const month = loadTemplate('thang-dan-van');
    const year = loadTemplate('dan-van-kheo');
    // 01/9/2025 08:00 and 01/12/2025 08:00 in Vietnam.
    expect(nextWindowYear(month, new Date('2025-09-01T01:00:00Z'))).toBe(2025);
    expect(nextWindowYear(year, new Date('2025-12-01T01:00:00Z'))).toBe(2026);
    expect(nextWindowYear(year, new Date('2025-09-01T01:00:00Z'))).toBe(2026);
    // October opens at 00:00 on 01/10 in Vietnam, 17:00 UTC the day before: from then on the next October is next year's.
    expect(nextWindowYear(month, new Date('2025-09-30T16:59:59Z'))).toBe(2025);
    expect(nextWindowYear(month, new Date('2025-09-30T17:00:00Z'))).toBe(2026);
    // A window that opens in the year after its plan's: early in January, last year's plan is still ahead.
    expect(nextWindowYear({ window: { opensOn: '+1:01-05', closesOn: '+1:03-31' } }, new Date('2025-01-02T01:00:00Z'))).toBe(2024);
    expect(nextWindowYear({ window: { opensOn: '+1:01-05', closesOn: '+1:03-31' } }, new Date('2025-12-01T01:00:00Z'))).toBe(2025);
  });
});
