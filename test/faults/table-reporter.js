const fs = require('node:fs');

/** Prints the reliability table the fault suites recorded (test/faults/table.ts), after jest's own summary. */
class FaultTableReporter {
  onRunComplete() {
    const file = process.env.DANVAN_FAULT_TABLE;
    if (!file || !fs.existsSync(file)) return;
    const rows = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    if (rows.length === 0) return;
    const cells = [['fault or attack', 'how', 'must hold', 'counts', 'held']].concat(
      rows.map((r) => [
        r.fault,
        r.how,
        r.mustHold,
        Object.entries(r.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        r.held ? 'yes' : 'NO',
      ]),
    );
    const widths = cells[0].map((_, i) => Math.min(60, Math.max(...cells.map((row) => String(row[i]).length))));
    const line = (row) => `| ${row.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
    const out = [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
    process.stdout.write(`\nReliability and security (${rows.filter((r) => r.held).length}/${rows.length} held)\n${out.join('\n')}\n`);
  }
}

module.exports = FaultTableReporter;
