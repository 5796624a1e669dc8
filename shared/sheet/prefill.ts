/**
 * What the 進捗管理シート pre-fills in the input cells of a 事業 row from the 事業's last report: the
 * export writes it, and the import compares a returned row with what the last report would pre-fill
 * now, to tell a cell the person left alone from one a later report has changed since.
 * Pure: no I/O, no AWS.
 */
import { parseQuarter } from '../domain/fiscal.ts';
import type { Measure } from '../domain/plan.ts';
import type { StoredReport } from '../domain/report.ts';
import { canonicalText, readCell } from './cells.ts';
import type { editableColumns } from './layout.ts';

/** The pre-filled value of each input column, by column key (layout.ts). */
export interface PrefilledInputs extends Record<(typeof editableColumns)[number]['key'], string | number | null> {
  status: string;
  executed: number | null;
  narrative: string;
  issues: string;
  nextSteps: string;
  person: string;
}

/**
 * The input cells of a row, pre-filled from `last` (the 事業's report of the quarter, else of the
 * latest earlier quarter). The executed amount is "this fiscal year": an earlier year's figure would
 * be wrong here. The person is carried over only where nobody else can sign with it: on a 課's own
 * sheet (`ka`) from that 課's report, on a 部会 sheet only for a 事業 one 課 owns and from that 課's
 * report (the last report of a 事業 two 課 own may be the other's; one from before a change of owner
 * is the former owner's).
 */
export function prefilledInputs(measure: Measure, quarter: string, last: StoredReport | undefined, ka?: { id: string }): PrefilledInputs {
  const fiscalYear = parseQuarter(quarter).fiscalYear;
  const sameYear = last !== undefined && parseQuarter(last.quarter).fiscalYear === fiscalYear;
  const personCarried = last !== undefined && (ka ? last.reporter.kaId === ka.id : measure.owners.length === 1 && last.reporter.ka === measure.owners[0]!.ka);
  return {
    status: last?.status ?? '',
    executed: sameYear ? (last.budgetExecutedThousandYen ?? null) : null,
    narrative: last?.narrative ?? '',
    issues: last?.issues ?? '',
    nextSteps: last?.nextSteps ?? '',
    person: personCarried ? last.reporter.person : '',
  };
}

/** The text a pre-filled value reads back as (the text the signed reference hashes). */
export function prefilledText(value: string | number | null): string {
  return canonicalText(readCell({ value: value === '' ? null : value }).text);
}
