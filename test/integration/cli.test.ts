import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { spawnTs } from '../helpers/processes';
import { eventually } from '../helpers/campaign';
import { campaignIdFor } from '../../domain/plan';
import { generateNationalTree } from '../../domain/samples/national';
import { planSchema } from '../../domain/schemas';
import { nationalPlanOpenToday, plan202 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';

/** The `danvan` CLI as an administrator uses it: its output and its exit codes, against a real API. */
describe('danvan CLI', () => {
  let danvan: DanvanUnderTest;
  let secret: string;
  let api: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-cli-'));

  const today = vietnamDateOf(new Date());
  const plan = plan202({
    number: `${randomInt(1_000, 99_999)}-KH/BDVTU`,
    issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
    year: Number(today.slice(0, 4)),
    issuedOn: addDays(today, -20),
    window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
  });
  const campaignId = `BN-${plan.year}-${plan.number.replace('/', '-')}`;

  /** Runs the CLI with the test's secret, so its own minted tokens are valid for this API. */
  const cli = async (...args: string[]) => {
    const run = spawnTs('bin/danvan.ts', [...args, '--api', api], { DANVAN_JWT_SECRET: secret, DANVAN_DATA_DIR: dir });
    const code = await run.exited;
    return { code, out: run.output() };
  };

  beforeAll(async () => {
    danvan = await startDanvan('cli');
    ({ secret, baseUrl: api } = danvan);
    fs.writeFileSync(path.join(dir, 'plan.yaml'), stringify(plan));
  });

  afterAll(async () => {
    await danvan?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('issues a plan from YAML, once', async () => {
    expect(await cli('issue', path.join(dir, 'plan.yaml'), '--sample', 'bac-ninh-2025')).toEqual({ code: 0, out: `issued ${campaignId}\n` });
    expect(await cli('issue', path.join(dir, 'plan.yaml'), '--sample', 'bac-ninh-2025')).toEqual({
      code: 0,
      out: `${campaignId} already exists; nothing changed\n`,
    });
  });

  it('issues a plan from a template: a shipped one by id, a new kind of plan from a file of its own', async () => {
    // A kind of plan danvan does not ship: the anniversary of 15/10, with communes owing a propaganda drive.
    const file = path.join(dir, 'ky-niem-15-10.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        id: 'ky-niem-15-10',
        name: 'Kỷ niệm Ngày truyền thống công tác dân vận của Đảng',
        title: 'Tuyên truyền kỷ niệm Ngày truyền thống công tác dân vận của Đảng (15/10) năm {year}',
        window: { opensOn: '09-15', closesOn: '10-20' },
        deadlines: { propaganda: '10-15', assessment: '10-31', commendation: '11-10' },
        obligations: [{ activity: 'propaganda', owedBy: ['commune'], deadline: 'propaganda' }],
        tasks: [
          { ordinal: 1, title: 'Tuyên truyền sâu rộng về truyền thống công tác dân vận của Đảng', actorGroups: ['party-committees', 'fatherland-front'] },
        ],
      }),
    );
    const given = (number: string) => [
      '--number',
      number,
      '--issuer-code',
      'BN',
      '--issuer-name',
      'Ban Dân vận Tỉnh ủy Bắc Ninh',
      '--issued-on',
      `${plan.year}-09-01`,
      '--year',
      String(plan.year),
    ];
    const idOf = (number: string) => `BN-${plan.year}-${number.replace('/', '-')}`;

    const own = `${randomInt(1_000, 99_999)}-KH/BDVTU`;
    expect(await cli('issue', '--template', file, ...given(own), '--sample', 'bac-ninh-2025')).toEqual({ code: 0, out: `issued ${idOf(own)}\n` });
    expect((await cli('show', idOf(own))).out).toContain(`propaganda 15/10/${plan.year}`);

    const shipped = `${randomInt(1_000, 99_999)}-KH/BDVTU`;
    expect(await cli('issue', '--template', 'dan-van-kheo', ...given(shipped), '--sample', 'bac-ninh-2025')).toEqual({
      code: 0,
      out: `issued ${idOf(shipped)}\n`,
    });
    expect((await cli('show', idOf(shipped))).out).toContain(`year-end-reviews 15/12/${plan.year}`);

    const withoutNumber = given(own).slice(2);
    expect(await cli('issue', '--template', file, ...withoutNumber)).toEqual({
      code: 1,
      out: 'danvan: issue --template needs --number, e.g. --number 205-KH/BDVQU\n',
    });
  });

  it('sends a large plan gzipped, which the API reads', async () => {
    const national = nationalPlanOpenToday(today);
    const tree = generateNationalTree({ provinces: 2, communes: 30, partyCellsPerCommune: { min: 30, max: 30 }, seed: 7 });
    fs.writeFileSync(path.join(dir, 'national.yaml'), stringify(national));
    fs.writeFileSync(path.join(dir, 'tree.json'), JSON.stringify(tree));
    const args = ['issue', path.join(dir, 'national.yaml'), '--tree', path.join(dir, 'tree.json')];

    // What goes on the wire, caught by a stand-in for the API.
    const caught: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const standIn = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        caught.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ campaignId: 'VN', created: true }));
      });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    try {
      const run = spawnTs('bin/danvan.ts', [...args, '--api', `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`], {
        DANVAN_JWT_SECRET: secret,
        DANVAN_DATA_DIR: dir,
      });
      expect(await run.exited).toBe(0);
    } finally {
      standIn.close();
    }
    expect(caught).toHaveLength(1);
    expect(caught[0]!.headers['content-encoding']).toBe('gzip');
    const sent = JSON.parse(gunzipSync(caught[0]!.body).toString('utf8')) as { tree: unknown[] };
    expect(sent.tree).toHaveLength(tree.length);
    expect(caught[0]!.body.length).toBeLessThan(JSON.stringify(sent).length / 5);

    expect(await cli(...args)).toEqual({ code: 0, out: `issued ${campaignIdFor(planSchema.parse(national))}\n` });
  });

  it('deploys, following its progress, shows progress as a table, extends a deadline', async () => {
    const deployed = await cli('deploy', campaignId);
    expect(deployed.code).toBe(0);
    // The operation's progress on stderr, down to the last of the 76 units, then what a deploy always printed.
    expect(deployed.out).toMatch(/(^|\n)triển khai: 76\/76 đơn vị\n/);
    expect(deployed.out).toMatch(new RegExp(`(^|\\n)deployed ${campaignId}: 10 unit workflows running`));
    expect(deployed.out.replace(/triển khai: \d+\/76 đơn vị\n/g, '')).toMatch(
      new RegExp(`^deployed ${campaignId}: 10 unit workflows running, phase (deployed|in-progress)\n$`),
    );
    const shown = await cli('show', campaignId);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/unit\s+study sessions\s+%\s+overdue\s+dialogues\s+conferences\s+attendance/);
    expect(shown.out).toMatch(/total\s+0\/65\s+0%\s+0\s+0\/10\s+0\s+0/);
    const listed = await eventually(
      () => cli('list', '--province', 'BN', '--year', String(plan.year)),
      (r) => r.out.includes(campaignId),
    );
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(`^campaign\\s+plan\\s+year\\s+phase\\n[\\s\\S]*${campaignId}\\s+${plan.number}\\s+${plan.year}\\s+(deployed|in-progress)`),
    );
    const extended = await cli('extend', campaignId, 'dialogues', addDays(plan.window.closesOn, 2), '--reason', 'mưa lũ');
    expect(extended.code).toBe(0);
    expect(extended.out).toMatch(/^dialogues of .* now ends on \d{2}\/\d{1,2}\/\d{4}\n$/);
  });

  it('fails with one clear line and a non-zero exit', async () => {
    const skip = await cli('phase', campaignId, 'closed', '--reason', 'đóng sớm');
    expect(skip).toEqual({ code: 1, out: expect.stringMatching(/^danvan: 409 Conflict — from in-progress the next phase is assessment, not closed/) });
    expect(await cli('phase', campaignId, 'assessment')).toEqual({ code: 1, out: expect.stringMatching(/needs --reason/) });
    expect((await cli('issue', path.join(dir, 'missing.yaml'))).out).toMatch(/^danvan: cannot read .*missing\.yaml/);
    expect((await cli('frobnicate')).code).toBe(1);
    const viewer = spawnTs('bin/danvan.ts', ['token', 'viewer'], { DANVAN_JWT_SECRET: secret, DANVAN_DATA_DIR: dir });
    expect(await viewer.exited).toBe(0);
    const token = viewer.output().trim();
    const denied = spawnTs('bin/danvan.ts', ['deploy', campaignId, '--api', api, '--token', token], { DANVAN_DATA_DIR: dir });
    expect(await denied.exited).toBe(1);
    expect(denied.output()).toMatch(/^danvan: 403 Forbidden — role viewer may not campaign:deploy/);
  });
});
