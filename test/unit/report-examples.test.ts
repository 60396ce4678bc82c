import fs from 'node:fs';
import path from 'node:path';
import { REPORT_EXAMPLES_FILE, reportExamples } from '../../scripts/report-examples';

/**
 * The reports the docs show are what the code prints: the committed examples file is regenerated here and compared,
 * and every line of the report shown in docs/event-contract.md is a line of it. Run `npm run docs:reports` after a
 * change to the report's wording.
 */
describe('the danvan report examples in the docs', () => {
  const printed = reportExamples();

  it('docs/examples/danvan-report.txt is what the code prints for a campaign, a commune over a quarter and a year', () => {
    expect(fs.readFileSync(REPORT_EXAMPLES_FILE, 'utf8')).toBe(printed);
    expect(printed).toContain('$ npx danvan report BG-2024-202-KH-BDVTU --unit BG-HH-THANG --period 2024-Q4\n');
    expect(printed).toContain('$ npx danvan report BG-2024-202-KH-BDVTU --period 2024\n');
  });

  it('every line of the report docs/event-contract.md shows is printed by the code', () => {
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'event-contract.md'), 'utf8');
    const shown = /```\n(\$ npx danvan report [\s\S]*?)```/.exec(docs)?.[1];
    expect(shown).toBeDefined();
    const lines = printed.split('\n');
    for (const line of shown!.split('\n').filter((l) => l !== '' && l !== '…')) expect(lines).toContain(line);
  });
});
