/**
 * The CLI run in the folder of a city's running stack (`shinchoku start --plan … --directory …`) works on
 * that city: `compile`, `export-sheet`, `import-sheet`, `link` and `dashboard-link` read the plan and
 * directory files the stack recorded in `.shinchoku/running.json` unless `--plan` / `--directory` say
 * otherwise. With no files recorded they fall back to the embedded 下野市 ones, and when that is the
 * wrong city they say to give --plan. The CLI sets process.env and the working directory, so this runs
 * alone in its file.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { main } from '#cli/main';
import type { Output } from '#cli/output';
import { startLocalEventBridge, type LocalEventBridge } from '#local/eventbridge-local';
import { readPlanAndDirectory } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { reportsOfQuarter } from '#shared/store/report-items';
import { createTestTable, type TestTable } from '#test/support/dynamo';
import { dropDownChoices, editWorkbook, exportFor, testSecret } from '#test/support/sheet-files';

/** Another city than the embedded one: tenant sakuradai, plan period FY2019–FY2023. */
const cityPlan = fileURLToPath(new URL('../fixtures/sakuradai/plan.json', import.meta.url));
const cityDirectory = fileURLToPath(new URL('../fixtures/sakuradai/directory.json', import.meta.url));
const embeddedPlan = fileURLToPath(new URL('../../plans/shimotsuke/plan.json', import.meta.url));
const embeddedDirectory = fileURLToPath(new URL('../../plans/shimotsuke/directory.json', import.meta.url));

const savedEnv = { ...process.env };
let cwd: string;
let dir: string;
let table: TestTable;
/** Another live process standing in for the `npm start` that wrote .shinchoku/running.json. */
let other: ReturnType<typeof spawn>;
/** The running stack's bus (no rules: what reaches it is enough). */
let bus: LocalEventBridge;

function collect(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    data: (text) => out.push(text),
    info: (ja, en) => err.push(`${ja} / ${en}`),
    error: (ja, en) => err.push(`エラー: ${ja}\nerror: ${en}`),
  };
}

/** The running record of a stack started here, with the files it names (none: started without them known) and its reminder rules. */
const record = (files: { planFile?: string; directoryFile?: string; reminders?: unknown }) =>
  writeFile(
    join(dir, '.shinchoku', 'running.json'),
    JSON.stringify({ pid: other.pid, dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint'), eventsEndpoint: bus.endpoint, httpUrl: 'http://127.0.0.1:3999', ...files }),
  );

beforeAll(async () => {
  // Prepare: a table holding only the other city, a folder where its stack runs
  table = await createTestTable();
  const { plan, directory } = await readPlanAndDirectory(cityPlan, cityDirectory);
  const store = table.store(plan.plan.tenant);
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  cwd = process.cwd();
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-city-folder-'));
  await mkdir(join(dir, '.shinchoku'));
  other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  bus = await startLocalEventBridge({ rules: [], onLog: () => undefined });
  process.env.SHINCHOKU_LINK_SECRET = testSecret;
  process.env.MAIL_MAX_PER_SECOND = '0';
  for (const name of ['SHINCHOKU_DYNAMODB_PORT', 'SHINCHOKU_EVENTS_PORT', 'SHINCHOKU_HTTP_PORT', 'PUBLIC_BASE_URL', 'TENANT']) delete process.env[name];
  process.chdir(dir);
}, 120_000);

afterAll(async () => {
  process.chdir(cwd);
  other?.kill();
  await bus?.stop();
  await table?.drop();
  await rm(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('in the folder of a stack started with another city’s plan and directory', () => {
  beforeEach(async () => {
    await record({ planFile: cityPlan, directoryFile: cityDirectory });
  });

  it('compile compiles that city’s quarter', async () => {
    // Prepare: the handler reads its environment at load, as on Lambda
    vi.resetModules();
    const output = collect();

    // Act
    const code = await main(['compile', '--quarter', 'FY2019-Q2', '--table', table.tableName, '--json'], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(JSON.parse(output.out.join('\n'))).toMatchObject({ quarter: 'FY2019-Q2' });
    expect(bus.published.map((e) => e['detail-type'])).toContain('QuarterCompiled');
  });

  it('export-sheet writes the sheet of one of its 部会', async () => {
    // Prepare
    const output = collect();
    const out = join(dir, 'out');

    // Act
    const code = await main(['export-sheet', '--bukai', 'gyosei', '--quarter', 'FY2019-Q1', '--table', table.tableName, '--out', out], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(await readdir(out)).toHaveLength(1);
  });

  it('export-sheet gives the sheet the 提出期限 of the rules the stack runs with (its REMINDER_CONFIG), not the defaults', async () => {
    // Prepare: the stack was started with the reports due 20 days after a quarter ends (FY2019-Q1: 20 July 2019)
    await record({ planFile: cityPlan, directoryFile: cityDirectory, reminders: { report: { dueDaysAfterQuarterEnd: 20 } } });
    const output = collect();
    const out = join(dir, 'out-due');

    // Act
    const code = await main(['export-sheet', '--bukai', 'gyosei', '--quarter', 'FY2019-Q1', '--table', table.tableName, '--out', out], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    const [file] = await readdir(out);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(join(out, file!))) as unknown as ArrayBuffer);
    const texts: string[] = [];
    workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => void texts.push(String(cell.text))));
    expect(texts).toContain('令和元年7月20日 (2019-07-20)');
    expect(texts.join('\n')).not.toContain('2019-07-10');
  });

  it('import-sheet records a returned sheet as a report of one of its 課', async () => {
    // Prepare: a sheet of the city's 課, filled in on one row
    const catalog = await readPlanAndDirectory(cityPlan, cityDirectory);
    const sheet = await exportFor(catalog, { kind: 'ka', id: 'joho-seisaku' }, 'FY2019-Q1', { now: new Date() });
    const { row, measureId } = sheet.rows[0]!;
    const file = join(dir, 'returned.xlsx');
    await writeFile(
      file,
      await editWorkbook(sheet.buffer, (ws) => {
        ws.getCell(`F${row}`).value = dropDownChoices(ws.getCell(`F${row}`))[0]!;
        ws.getCell(`I${row}`).value = '進めています。';
        ws.getCell(`L${row}`).value = '桜台 花子';
      }),
    );
    const output = collect();

    // Act
    const code = await main(['import-sheet', file, '--ka', 'joho-seisaku', '--quarter', 'FY2019-Q1', '--table', table.tableName], output);

    // Assess
    expect(code, [...output.out, ...output.err].join('\n')).toBe(0);
    expect((await reportsOfQuarter(table.store('sakuradai'), 'FY2019-Q1')).map((r) => r.measureId)).toContain(measureId);
  });

  it('link signs the form link of one of its 課, to the running stack', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['link', '--ka', 'joho-seisaku', '--quarter', 'FY2019-Q1'], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(output.out[0]).toMatch(/^http:\/\/127\.0\.0\.1:3999\//);
    expect(output.out[1]).toMatch(/@sakuradai\.example$/);
  });

  it('dashboard-link signs a link for its secretariat', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['dashboard-link', '--holder', 'joho-seisaku', '--quarter', 'FY2019-Q1'], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(output.out).toHaveLength(1);
  });

  it('remind sends the reminders of the rules the stack runs with (its REMINDER_CONFIG), not the defaults', async () => {
    // Prepare: the stack was started with the reports due 20 days after a quarter ends, so the FY2019-Q1
    // reports are due on 20 July 2019 and 6 July is 14 days before (with the defaults it is no reminder day)
    await record({ planFile: cityPlan, directoryFile: cityDirectory, reminders: { report: { dueDaysAfterQuarterEnd: 20 } } });
    const output = collect();

    // Act
    const code = await main(['remind', '--day', '2019-07-06', '--table', table.tableName, '--json'], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    const result = JSON.parse(output.out.join('\n')) as { sent: { key: string; subject: string }[] };
    expect(result.sent.length).toBeGreaterThan(0);
    expect(result.sent.every((m) => m.key.startsWith('report-due#FY2019-Q1#') && m.key.includes('#before-14'))).toBe(true);
    expect(result.sent[0]!.subject).toContain('期限 令和元年7月20日 (あと14日)');
  });

  it('remind refuses reminder rules of its own that differ from those the stack runs with, naming both in both languages', async () => {
    // Prepare
    await record({ planFile: cityPlan, directoryFile: cityDirectory, reminders: { report: { dueDaysAfterQuarterEnd: 20 } } });
    process.env.REMINDER_CONFIG = '{"report":{"dueDaysAfterQuarterEnd":15}}';
    const output = collect();

    // Act
    let code: number;
    try {
      code = await main(['remind', '--day', '2019-07-01', '--table', table.tableName], output);
    } finally {
      delete process.env.REMINDER_CONFIG;
    }

    // Assess: nothing is sent under rules the stack's own schedule does not follow (the exit code is that of
    // a refused input, 2, unless an earlier test's vi.resetModules() gave the command another InputError class)
    expect(code, output.err.join('\n')).not.toBe(0);
    expect(output.out).toEqual([]);
    expect(output.err.join('\n')).toMatch(/REMINDER_CONFIG[\s\S]*リマインダー設定[\s\S]*error: [\s\S]*reminder rules/);
  });

  it('--plan and --directory still win over the running stack’s files', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['link', '--ka', 'sogo-seisaku', '--quarter', 'FY2013-Q2', '--plan', embeddedPlan, '--directory', embeddedDirectory], output);

    // Assess
    expect(code, output.err.join('\n')).toBe(0);
    expect(output.out[1]).not.toMatch(/sakuradai/);
  });
});

describe('in the folder of a stack that recorded no files, with another city in the table', () => {
  beforeEach(async () => {
    await record({});
  });

  it('compile falls back to the embedded plan and says to give --plan, in both languages', async () => {
    // Prepare
    vi.resetModules();
    const output = collect();

    // Act
    const code = await main(['compile', '--quarter', 'FY2013-Q2', '--table', table.tableName], output);

    // Assess
    expect(code).toBe(1);
    expect(output.err.join('\n')).toMatch(/計画がテナント shimotsuke [\s\S]*--plan で[\s\S]*error: no plan is loaded for tenant shimotsuke[\s\S]*give its plan file with --plan/);
  });

  it('link says a 課 missing from the embedded directory may be another city’s, to be named with --plan and --directory', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['link', '--ka', 'joho-seisaku', '--quarter', 'FY2013-Q2'], output);

    // Assess
    expect(code).not.toBe(0);
    expect(output.err.join('\n')).toMatch(/課 id "joho-seisaku" は名簿にありません[\s\S]*--plan と --directory[\s\S]*for another city give --plan and --directory/);
  });
});
