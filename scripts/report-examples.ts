import fs from 'node:fs';
import path from 'node:path';
import { openProjection } from '../analytics/projection';
import { projectionReportFigures, reportDocument, reportText } from '../analytics/report';
import { SEED_CAMPAIGN, seedCampaign } from '../test/fixtures/seed-campaign';

/** The file the docs show `danvan report` from; test/unit/report-examples.test.ts keeps it equal to what the code prints. */
export const REPORT_EXAMPLES_FILE = path.join(__dirname, '..', 'docs', 'examples', 'danvan-report.txt');

/** A campaign, a commune over a quarter, the province over the year: what `danvan report` prints for each. */
const EXAMPLES: Array<{ unit?: string; period?: string }> = [{}, { unit: 'BG-HH-THANG', period: '2024-Q4' }, { period: '2024' }];

/**
 * `danvan report` on the projection of the seed campaign (test/fixtures/seed-campaign.ts: the figures of seeds 002
 * and 004 played through the domain's rules), each report under the command that prints it.
 */
export function reportExamples(): string {
  const projection = openProjection(':memory:');
  if (!projection.ok) throw new Error(projection.error.message);
  try {
    const applied = projection.value.apply(seedCampaign().events);
    if (!applied.ok) throw new Error(applied.error.message);
    return EXAMPLES.map((scope) => {
      // As `danvan report` prints it from this projection: the words, with the line saying where the figures come from.
      const report = projectionReportFigures(projection.value, SEED_CAMPAIGN, scope);
      if (!report.ok) throw new Error(report.error.message);
      const flags = [...(scope.unit ? ['--unit', scope.unit] : []), ...(scope.period ? ['--period', scope.period] : [])];
      return `$ npx danvan report ${[SEED_CAMPAIGN, ...flags].join(' ')}\n${reportText(reportDocument(report.value.facts))}\n`;
    }).join('\n');
  } finally {
    projection.value.close();
  }
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(REPORT_EXAMPLES_FILE), { recursive: true });
  fs.writeFileSync(REPORT_EXAMPLES_FILE, reportExamples());
  console.log(`wrote ${path.relative(process.cwd(), REPORT_EXAMPLES_FILE)}`);
}
