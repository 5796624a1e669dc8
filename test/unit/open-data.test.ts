/**
 * Open data (shared/domain/open-data.ts): the CSV opens in Excel (UTF-8 BOM, CRLF) and round-trips
 * through csv-parse with Japanese, commas, quotes and line breaks intact; formulas are defused; the
 * JSON carries the same records; docs/OPEN-DATA.md documents exactly the columns the code writes.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter } from '#shared/domain/compile';
import { openDataColumns, openDataRecords, toOpenDataCsv, toOpenDataJson } from '#shared/domain/open-data';
import { buildPublicQuarter, type PublicQuarter } from '#shared/domain/public-status';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { asStoredReports, canaries, scriptedSubmissions } from '#test/support/progress-script';

const quarter = 'FY2013-Q2';
let published: PublicQuarter;
let csv: string;

beforeAll(async () => {
  // Prepare
  const { plan } = await readPlanFile();
  const directory = await readDirectoryFile();
  const reports = asStoredReports(scriptedSubmissions(plan, directory, ['FY2013-Q1', quarter]));
  const compiled = compileQuarter({ plan, quarter, reports: reports.filter((r) => r.quarter === quarter) });
  published = buildPublicQuarter({ plan, quarter, statuses: compiled.measures, reports, generatedAt: new Date('2013-10-05T00:00:00Z') });
  // Act
  csv = toOpenDataCsv(published);
});

describe('toOpenDataCsv', () => {
  it('starts with the UTF-8 BOM and ends every record with CRLF', () => {
    // Assess
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/"[^"]*"/g, '').match(/(?<!\r)\n/g)).toBeNull();
  });

  it('quotes a cell whose only special character is a line break, so that no reader ends the row there', () => {
    // Prepare: a narrative of two plain lines, stored with LF as every report text is
    const plain = { ...published, measures: published.measures.map((m, i) => (i === 0 ? { ...m, narrative: '一行目\n二行目' } : m)) };

    // Act
    const text = toOpenDataCsv(plain);
    const rows = parse(text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];

    // Assess
    expect(text).toContain('"一行目\n二行目"');
    expect(rows.length - 1).toBe(published.measures.length);
  });

  it('round-trips through csv-parse: the header is the column names, one record per 事業', () => {
    // Act
    const rows = parse(Buffer.from(csv, 'utf8'), { bom: true, record_delimiter: '\r\n' }) as string[][];
    // Assess
    expect(rows[0]).toEqual(openDataColumns.map((c) => c.name));
    expect(rows.length - 1).toBe(published.measures.length);
    expect(rows.slice(1).map((r) => r[1])).toEqual(published.measures.map((m) => m.measureId));
  });

  it('keeps Japanese, commas, quotes and line breaks of a narrative exactly', () => {
    // Prepare
    const tricky = published.measures.find((m) => m.narrative.includes('\n') && m.narrative.includes(',') && m.narrative.includes('"'));
    expect(tricky).toBeDefined();
    // Act
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    const row = records.find((r) => r['事業番号'] === tricky!.measureId)!;
    // Assess
    expect(row['取組状況']).toBe(tricky!.narrative);
    expect(row['事業名']).toBe(tricky!.name);
  });

  it('defuses a cell that a spreadsheet would run as a formula', () => {
    // Prepare
    const formula = published.measures.find((m) => m.narrative.startsWith('='));
    expect(formula).toBeDefined();
    // Act
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    // Assess
    expect(records.find((r) => r['事業番号'] === formula!.measureId)!['取組状況']).toBe(`'${formula!.narrative}`);
  });

  it('writes null as an empty cell and numbers as digits', () => {
    // Prepare
    const unreported = published.measures.find((m) => m.status === null)!;
    const withBudget = published.measures.find((m) => m.budget.executedThousandYen !== null)!;
    // Act
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    // Assess
    expect(records.find((r) => r['事業番号'] === unreported.measureId)!['報告日']).toBe('');
    expect(records.find((r) => r['事業番号'] === unreported.measureId)!['進捗状況']).toBe('未報告');
    expect(records.find((r) => r['事業番号'] === withBudget.measureId)!['執行額(千円)']).toBe(String(withBudget.budget.executedThousandYen));
  });

  it('contains no canary of an internal field', () => {
    // Assess
    for (const canary of Object.values(canaries)) expect(csv).not.toContain(canary);
  });
});

describe('toOpenDataJson', () => {
  it('holds the column documentation and the same records, unescaped and with null for no value', () => {
    // Act
    const json = JSON.parse(toOpenDataJson(published)) as { quarter: string; columns: { key: string; name: string }[]; records: Record<string, unknown>[] };
    // Assess
    expect(json.quarter).toBe(quarter);
    expect(json.columns.map((c) => [c.key, c.name])).toEqual(openDataColumns.map((c) => [c.key, c.name]));
    expect(json.records).toEqual(openDataRecords(published));
    expect(json.records.some((r) => r.reported_on === null)).toBe(true);
    expect(json.records.some((r) => typeof r.narrative === 'string' && r.narrative.startsWith('='))).toBe(true);
  });

  it('gives null, never "", for an empty text: the narrative of a 未報告 事業 and no overdue milestones', () => {
    // Act
    const json = JSON.parse(toOpenDataJson(published)) as { records: Record<string, unknown>[] };
    // Assess
    for (const record of json.records) for (const value of Object.values(record)) expect(value).not.toBe('');
    const unreported = json.records.find((r) => r.colour === 'unreported')!;
    expect(unreported.narrative).toBeNull();
    expect(json.records.some((r) => r.milestones_overdue === 0 && r.overdue_milestones === null)).toBe(true);
  });

  it('separates several values with " | " exactly as the column descriptions say', () => {
    // Prepare
    const records = openDataRecords(published);
    const owners = openDataColumns.find((c) => c.key === 'owners')!;
    // Act
    const several = records.map((r) => r.owners).find((o) => typeof o === 'string' && o.includes('|')) as string;
    // Assess
    expect(several).toMatch(/\S \| \S/);
    expect(owners.ja).toContain('「 | 」');
    expect(owners.en).toContain('" | "');
  });
});

describe('docs/OPEN-DATA.md', () => {
  it('states the separator exactly as the data writes it', async () => {
    // Prepare
    const doc = await readFile(new URL('../../docs/OPEN-DATA.md', import.meta.url), 'utf8');
    // Assess: the table escapes the bar as \|, with the spaces of " | " around it
    expect(doc).toContain('「 \\| 」');
    expect(doc).not.toContain('「\\|」');
  });

  it('documents exactly the columns the code writes, in order', async () => {
    // Prepare
    const doc = await readFile(new URL('../../docs/OPEN-DATA.md', import.meta.url), 'utf8');
    // Act: the rows of the column table, "| # | name | `key` | ja | en |"
    const rows = doc
      .split('\n')
      .filter((line) => /^\| \d+ \|/.test(line))
      .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim().replaceAll('\\|', '|')));
    // Assess
    expect(rows.map((r) => [r[1], r[2]?.replaceAll('`', ''), r[3], r[4]])).toEqual(
      openDataColumns.map((c) => [c.name, c.key, c.ja, c.en]),
    );
  });
});
