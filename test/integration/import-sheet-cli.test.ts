/**
 * `shinchoku import-sheet FILE...` against DynamoDB Local: every file is read before any is imported,
 * so a file that cannot be read refuses the run with nothing recorded; the answers of the files
 * imported are all printed, then the summary.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main, usage } from '#cli/main';
import type { Output } from '#cli/output';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { reportsOfQuarter } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { createTestTable, type TestTable } from '#test/support/dynamo';
import { dropDownChoices, editWorkbook, exportFor, rowOf, testCatalog, testSecret } from '#test/support/sheet-files';

const quarter = 'FY2013-Q2';
const kaId = 'jido-fukushi';
let table: TestTable;
let store: Store;
let dir: string;
let good: string;
let other: string;

beforeAll(async () => {
  table = await createTestTable();
  store = table.store();
  const catalog = await testCatalog();
  await savePlan(store, catalog.plan);
  await saveDirectory(store, catalog.directory);
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-import-sheet-'));
  const sheet = await exportFor(catalog, { kind: 'ka', id: kaId }, quarter);
  const filled = (measureId: string, narrative: string) =>
    editWorkbook(sheet.buffer, (ws) => {
      const r = rowOf(sheet, measureId);
      ws.getCell(`F${r}`).value = dropDownChoices(ws.getCell(`F${r}`))[0]!;
      ws.getCell(`I${r}`).value = narrative;
      ws.getCell(`L${r}`).value = '山田 花子';
    });
  good = join(dir, 'good.xlsx');
  other = join(dir, 'other.xlsx');
  await writeFile(good, await filled('3-3-1', '説明会を開催しました。'));
  await writeFile(other, await filled('3-3-2', '運用しています。'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await table?.drop();
});

function collect(): Output & { data: (text: string) => void; lines: string[]; infos: string[]; err: string[] } {
  const lines: string[] = [];
  const infos: string[] = [];
  const err: string[] = [];
  return { lines, infos, err, data: (text) => lines.push(text), info: (ja) => infos.push(ja), error: (ja, en) => err.push(`エラー: ${ja}\nerror: ${en}`) };
}

async function importSheets(files: string[], output: Output, ...extra: string[]): Promise<number> {
  const before = process.env.SHINCHOKU_LINK_SECRET;
  process.env.SHINCHOKU_LINK_SECRET = testSecret;
  try {
    return await main(
      ['import-sheet', ...files, '--ka', kaId, '--quarter', quarter, '--endpoint', inject('dynamoEndpoint'), '--table', table.tableName, ...extra],
      output,
    );
  } finally {
    if (before === undefined) delete process.env.SHINCHOKU_LINK_SECRET;
    else process.env.SHINCHOKU_LINK_SECRET = before;
  }
}

describe('import-sheet with a file that cannot be read', () => {
  it('imports none of the files, names the missing one in both languages, and exits 1 without the usage text', async () => {
    // Prepare
    const missing = join(dir, 'missing.xlsx');
    const output = collect();

    // Act
    const code = await importSheets([good, missing], output);

    // Assess
    expect(code).toBe(1);
    expect(output.err).toEqual([
      `エラー: 読めないファイルがあるため、どのファイルも取り込んでいません: ${missing} (ありません)\n` +
        `error: nothing was imported, some files cannot be read: ${missing} (ENOENT)`,
    ]);
    expect(output.lines).not.toContain(usage);
    expect(await reportsOfQuarter(store, quarter)).toEqual([]);
  });
});

describe('import-sheet with several files and the progress bar', () => {
  it('prints the answer of every file after the bar, then the summary', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await importSheets([good, other], output, '--progress');

    // Assess
    expect(code).toBe(0);
    expect(output.lines).toHaveLength(2);
    expect(output.lines[0]).toContain(`ファイル / file: ${good}`);
    expect(output.lines[1]).toContain(`ファイル / file: ${other}`);
    expect(output.infos.at(-1)).toContain('2 ファイル: 受付 2・不受理 0、記録した報告 2 件');
    expect((await reportsOfQuarter(store, quarter)).map((r) => r.measureId).sort()).toEqual(['3-3-1', '3-3-2']);
  });
});
