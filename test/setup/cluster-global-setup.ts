import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { FAULT_TABLE_VARIABLE } from '../faults/table';

/**
 * The cluster project's global setup (test/cluster): no servers, since each of its suites brings up a cluster of its
 * own in a scratch folder. It only names a fresh file for the fault table, as test/setup/global-setup.ts does, so
 * that recordFault works and test/faults/table-reporter.js prints the rows when the run ends.
 */
export default async function clusterGlobalSetup(): Promise<void> {
  const file = path.join(loadConfig().DANVAN_DATA_DIR, 'cluster-faults', 'fault-table.jsonl');
  fs.rmSync(file, { force: true });
  process.env[FAULT_TABLE_VARIABLE] = file;
}
