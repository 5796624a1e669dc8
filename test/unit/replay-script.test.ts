/**
 * The replay script (cli/replay.ts): the shipped sample is valid and covers on-time, late and red
 * reports; a broken script is refused with every problem named, in Japanese and English.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { UsageError } from '#cli/output';
import { readReplayScript } from '#cli/replay';
import { defaultReminderConfig, reportDueDate } from '#shared/domain/reminders';

const samplePath = fileURLToPath(new URL('../../events/samples/replay-reports.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shinchoku-replay-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scriptFile(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('readReplayScript', () => {
  it('reads the shipped sample: reports on time, late, and red', async () => {
    // Prepare / Act
    const entries = await readReplayScript(samplePath);
    // Assess
    const late = entries.filter((e) => e.date > reportDueDate(String(e.report.quarter), defaultReminderConfig));
    const onTime = entries.filter((e) => e.date <= reportDueDate(String(e.report.quarter), defaultReminderConfig));
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(late.length).toBeGreaterThan(0);
    expect(onTime.length).toBeGreaterThan(0);
    expect(entries.some((e) => e.report.status === '遅延')).toBe(true);
  });

  it('names every problem of a broken script with its place, in both languages', async () => {
    // Prepare
    const path = scriptFile([
      { date: '2012-02-30', kaId: 'sogo-seisaku', report: { measureId: '2-2-3', quarter: 'FY2012-Q1', status: '予定どおり', person: '山田' } },
      { date: '2012-07-01', kaId: 'sogo-seisaku', report: { measureId: '2-2-3', quarter: 'FY2012-Q1', status: 'green', person: '山田' } },
    ]);
    // Act
    const failure = (await readReplayScript(path).then(() => undefined, (error: unknown) => error)) as UsageError;
    // Assess
    expect(failure.ja).toContain('スクリプトに誤りがあります');
    expect(failure.ja).toContain('0.date');
    expect(failure.ja).toContain('1.report.status');
    expect(failure.ja).toMatch(/状況は .* のいずれかです/);
    expect(failure.en).toContain('the script has errors');
  });

  it('refuses a file that is not JSON, or missing', async () => {
    // Prepare / Act / Assess
    await expect(readReplayScript(scriptFile('[{'))).rejects.toMatchObject({ en: expect.stringContaining('not JSON') });
    await expect(readReplayScript(join(dir, 'missing.json'))).rejects.toMatchObject({ en: expect.stringContaining('cannot read') });
  });
});
