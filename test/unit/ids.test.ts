/**
 * The id shapes of shared/domain/ids.ts and the places that read ids with them: a path, a body, the
 * directory. One pattern per id, so a path, a body and a sheet agree on what a 事業 id is.
 */
import { describe, expect, it } from 'vitest';
import { DirectorySchema } from '#shared/domain/directory';
import { compareIds, directoryIdPattern, measureIdPattern, normaliseMeasureId, reportReferencePattern, tenantPattern } from '#shared/domain/ids';
import { reportKeyOf } from '#shared/domain/report-input';
import { reportReference } from '#shared/domain/report';
import { bukaiIdProblem, measureIdOfPath } from '#shared/http/path-ids';
import { fixtureDirectory } from '#test/support/reminder-fixture';

describe('a 事業 id as people type it', () => {
  it.each([
    ['2-2-3', '2-2-3'],
    ['２－２－３', '2-2-3'],
    ['2ー2ー3', '2-2-3'],
    ['2−2‐3', '2-2-3'],
    [' 1-10-12 ', '1-10-12'],
  ])('reads "%s" as %s', (typed, id) => {
    // Act
    const normalised = normaliseMeasureId(typed);
    // Assess
    expect(normalised).toBe(id);
    expect(measureIdPattern.test(normalised)).toBe(true);
  });

  it.each(['2-2', '2-2-3-4', 'a-2-3', '2--3', '', '1-1-1000', `1-1-${'1'.repeat(3000)}`])('refuses "%s"', (typed) => {
    expect(measureIdPattern.test(normaliseMeasureId(typed))).toBe(false);
  });

  it('takes parts of up to 3 digits, and 受付番号 versions up to the 9999 a quarter holds', () => {
    // Prepare / Act / Assess
    expect(measureIdPattern.test('123-45-999')).toBe(true);
    expect(reportReferencePattern.test('FY2013-Q2-123-45-999-v9999')).toBe(true);
    expect(reportReferencePattern.test('FY2013-Q2-2-2-3-v10000')).toBe(false);
    expect(reportReferencePattern.test(`FY2013-Q2-2-2-${'3'.repeat(3000)}-v1`)).toBe(false);
  });

  it.each(['2ー2ー3', '２－２－３', '2-2-3'])('is read the same from a path and from a body: "%s"', (typed) => {
    // Act
    const fromPath = measureIdOfPath(typed);
    const fromBody = reportKeyOf({ measureId: typed, quarter: 'FY2013-Q2' });
    // Assess
    expect(fromPath).toEqual({ id: '2-2-3' });
    expect(fromBody?.measureId).toBe('2-2-3');
  });

  it('quotes at most 40 characters of a path id it refuses, in Japanese and English', () => {
    // Act
    const result = measureIdOfPath('x'.repeat(3000));
    // Assess
    expect(result).toMatchObject({ problem: { field: 'measureId' } });
    const { problem } = result as { problem: { ja: string; en: string } };
    expect(problem.ja).toContain(`"${'x'.repeat(40)}…"`);
    expect(problem.en).toContain('measure ids look like 2-2-3');
    expect(problem.ja.length).toBeLessThan(80);
  });
});

describe('directory ids and the tenant key', () => {
  it('takes a 専門部会 id of the directory in a path and refuses another shape', () => {
    expect(bukaiIdProblem('kikaku')).toBeUndefined();
    expect(bukaiIdProblem('Kikaku')).toMatchObject({ field: 'bukaiId' });
    expect(bukaiIdProblem('-kikaku')).toMatchObject({ field: 'bukaiId' });
  });

  it('allows a two-character 課 id but not a two-character tenant: every stored key starts with the tenant', () => {
    // Prepare
    expect(directoryIdPattern.test('ab')).toBe(true);
    expect(tenantPattern.test('ab')).toBe(false);
    const directory = { ...fixtureDirectory, tenant: 'ab' };
    // Act
    const parsed = DirectorySchema.safeParse(directory);
    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['tenant'] });
    expect(parsed.error?.issues[0]?.message).toContain('3〜63 文字');
  });
});

describe('the 受付番号', () => {
  it('is what reportReference writes', () => {
    expect(reportReferencePattern.test(reportReference('1-10-12', 'FY2015-Q4', 27))).toBe(true);
    expect(reportReferencePattern.test('FY2015-Q4-1-10-12')).toBe(false);
  });
});

describe('the order of ids', () => {
  it('is numeric per part, shorter first, and the same every time for ids equal as numbers', () => {
    // Prepare
    const ids = ['1-10-1', '2', '1-2-1', '01-2-1', '1-2', '1-2-10', '1-2-2'];
    // Act
    const sorted = [...ids].sort(compareIds);
    const again = [...ids].reverse().sort(compareIds);
    // Assess
    expect(sorted).toEqual(['1-2', '01-2-1', '1-2-1', '1-2-2', '1-2-10', '1-10-1', '2']);
    expect(again).toEqual(sorted);
  });
});
