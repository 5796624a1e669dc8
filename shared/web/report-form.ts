/**
 * The web form of a 課, as data: which 事業 it shows, what each form control holds (pre-filled from
 * the last report), how a submitted form body becomes the `ReportInput` every channel sends through
 * `submitReport`, and which control each field error belongs to.
 * Pure: no I/O, no AWS.
 */
import { tryParseWarekiDate } from '../domain/fiscal.ts';
import type { Ka } from '../domain/directory.ts';
import { budgetLineApplies } from '../domain/measure-span.ts';
import type { BudgetLine, FiscalYearSpan, Measure, PlanFile } from '../domain/plan.ts';
import { roleOf, type FieldError, type ReportInput } from '../domain/report-input.ts';
import type { StoredReport } from '../domain/report.ts';

/** The languages of the pages: Japanese by default, English by `?lang=en`. */
export type Lang = 'ja' | 'en';

/** `?lang=en` → English; anything else → Japanese. */
export function langOf(query: Readonly<Record<string, string | undefined>> | undefined): Lang {
  return query?.lang?.trim().toLowerCase() === 'en' ? 'en' : 'ja';
}

/** The text a milestone's controls hold. */
export interface MilestoneValues {
  /** '' (not reported this time), or one of `milestoneProgressValues`. */
  progress: string;
  /** YYYY-MM-DD, or what the person typed. */
  date: string;
}

/** What the controls of one 事業's form hold, as text: exactly what the person sees or typed. */
export interface MeasureFormValues {
  status: string;
  milestones: Record<string, MilestoneValues>;
  budgetExecutedThousandYen: string;
  narrative: string;
  issues: string;
  nextSteps: string;
  person: string;
}

/** The names of the form controls, shared by the renderer and the body reader. */
export const fieldNames = {
  measureId: 'measureId',
  idempotencyKey: 'idempotencyKey',
  status: 'status',
  budgetExecutedThousandYen: 'budgetExecutedThousandYen',
  narrative: 'narrative',
  issues: 'issues',
  nextSteps: 'nextSteps',
  person: 'person',
  milestoneProgress: (milestoneId: string) => `milestone.${milestoneId}.progress`,
  milestoneDate: (milestoneId: string) => `milestone.${milestoneId}.date`,
} as const;

/** What a 課's page lists: the 事業 it owns (it reports), and those it is related to (it may comment). */
export function measuresOfKa(plan: PlanFile, ka: Pick<Ka, 'name' | 'bukai'>): { owned: Measure[]; related: Measure[] } {
  const reporter = { ka: ka.name, bukai: ka.bukai };
  return {
    owned: plan.measures.filter((m) => roleOf(m, reporter) === 'owner'),
    related: plan.measures.filter((m) => roleOf(m, reporter) === 'related'),
  };
}

/**
 * The report a form is pre-filled from: the latest version for the link's quarter, else the latest
 * report of any earlier quarter. Comments of related departments are not reports, and reports of
 * later quarters do not belong on an earlier quarter's form.
 */
export function lastReportFor(history: readonly StoredReport[], quarter: string): StoredReport | undefined {
  let last: StoredReport | undefined;
  for (const report of history) {
    if (report.kind !== 'report' || report.quarter > quarter) continue;
    // Canonical quarters (FY2013-Q2) sort as text; versions count up within a quarter.
    if (!last || report.quarter > last.quarter || (report.quarter === last.quarter && report.version > last.version)) {
      last = report;
    }
  }
  return last;
}

/** A form with nothing filled in. */
export function emptyValues(): MeasureFormValues {
  return { status: '', milestones: {}, budgetExecutedThousandYen: '', narrative: '', issues: '', nextSteps: '', person: '' };
}

/**
 * The controls pre-filled from a previous report. The executed budget is carried over only within
 * its fiscal year: it is the amount executed "this fiscal year", so last year's figure would be wrong.
 * The person is carried over only from a report of the same 課 (`kaId`): the last report of a
 * 事業 two 課 own may be the other's, and its person would sign this 課's report.
 */
export function valuesFromReport(report: StoredReport | undefined, fiscalYear: number, kaId?: string): MeasureFormValues {
  if (!report) return emptyValues();
  const sameYear = Number(report.quarter.slice(2, 6)) === fiscalYear;
  return {
    status: report.status ?? '',
    milestones: Object.fromEntries(report.milestones.map((m) => [m.milestoneId, { progress: m.progress, date: m.date ?? '' }])),
    budgetExecutedThousandYen: sameYear && report.budgetExecutedThousandYen !== undefined ? String(report.budgetExecutedThousandYen) : '',
    narrative: report.narrative,
    issues: report.issues,
    nextSteps: report.nextSteps,
    person: report.reporter.kaId === kaId ? report.reporter.person : '',
  };
}

/** The budget lines that apply to a fiscal year of the plan period, by the compile's rule (`budgetLineApplies`). */
export function budgetLinesForYear(measure: Measure, period: FiscalYearSpan, fiscalYear: number): BudgetLine[] {
  return measure.budget.lines.filter((line) => budgetLineApplies(line, period, fiscalYear));
}

/** Why a form body could not be read at all (before any field is looked at). */
export class FormBodyError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'FormBodyError';
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body. Stricter than `URLSearchParams`, which turns
 * broken percent-encoded UTF-8 into U+FFFD silently: here it is refused, so nothing garbled is stored.
 * The first value of a repeated name wins.
 */
export function readUrlEncoded(body: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [rawName, rawValue] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new FormBodyError(
        '送信内容の文字コードが正しくありません (UTF-8 で送信してください)',
        'the form data is not valid percent-encoded UTF-8',
      );
    }
    if (!fields.has(name)) fields.set(name, value);
  }
  return fields;
}

/** One submitted form: which 事業, the idempotency key the page carried, and the controls' text. */
export interface SubmittedForm {
  measureId: string;
  idempotencyKey: string;
  values: MeasureFormValues;
}

const idempotencyKeyPattern = /^[A-Za-z0-9-]{8,100}$/;

/** True for the keys the form page issues (a UUID); anything else did not come from our page. */
export function isIdempotencyKey(key: string): boolean {
  return idempotencyKeyPattern.test(key);
}

/** The controls of a submitted form, by the names the page gave them. */
export function submittedForm(fields: ReadonlyMap<string, string>, measure: Measure | undefined): SubmittedForm {
  const get = (name: string) => fields.get(name) ?? '';
  const milestones: Record<string, MilestoneValues> = {};
  for (const milestone of measure?.milestones ?? []) {
    milestones[milestone.id] = {
      progress: get(fieldNames.milestoneProgress(milestone.id)).trim(),
      date: get(fieldNames.milestoneDate(milestone.id)).trim(),
    };
  }
  return {
    measureId: get(fieldNames.measureId).trim(),
    idempotencyKey: get(fieldNames.idempotencyKey).trim(),
    values: {
      status: get(fieldNames.status).trim(),
      milestones,
      budgetExecutedThousandYen: get(fieldNames.budgetExecutedThousandYen),
      narrative: get(fieldNames.narrative),
      issues: get(fieldNames.issues),
      nextSteps: get(fieldNames.nextSteps),
      person: get(fieldNames.person),
    },
  };
}

/**
 * A date as offices write it (2013/7/1, 平成25年7月1日, full-width digits) in the form the API takes;
 * what cannot be read is passed on unchanged, so the schema names the field and says why.
 */
export function normaliseDate(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return tryParseWarekiDate(trimmed) ?? trimmed;
}

/**
 * The `ReportInput` a submitted form stands for. The quarter comes from the signed link, never from
 * the page. `milestoneOrder[i]` is the milestone id of `milestones[i]`, to place errors next to it.
 */
export function toReportInput(
  form: SubmittedForm,
  context: { quarter: string; role: 'owner' | 'related'; measure: Measure | undefined },
): { input: ReportInput; milestoneOrder: string[] } {
  const milestoneOrder: string[] = [];
  const milestones: NonNullable<ReportInput['milestones']> = [];
  for (const milestone of context.measure?.milestones ?? []) {
    const values = form.values.milestones[milestone.id];
    if (!values || values.progress === '') continue; // not reported this time
    milestoneOrder.push(milestone.id);
    milestones.push({
      milestoneId: milestone.id,
      progress: values.progress as 'not_started',
      ...(values.date === '' ? {} : { date: normaliseDate(values.date) }),
    });
  }
  const input: ReportInput = {
    measureId: form.measureId,
    quarter: context.quarter,
    narrative: form.values.narrative,
    person: form.values.person,
  };
  // A related department's page has no fields but the comment: whatever else a request carries for it
  // is passed on, so the submission refuses it with a reason rather than it being dropped unseen.
  const owner = context.role === 'owner';
  // An empty select is sent as "missing", so an owner's refusal says the status is required.
  if (form.values.status !== '') input.status = form.values.status as NonNullable<ReportInput['status']>;
  if (owner || milestones.length > 0) input.milestones = milestones;
  if (form.values.budgetExecutedThousandYen.trim() !== '') input.budgetExecutedThousandYen = form.values.budgetExecutedThousandYen as unknown as number;
  if (owner || form.values.issues !== '') input.issues = form.values.issues;
  if (owner || form.values.nextSteps !== '') input.nextSteps = form.values.nextSteps;
  return { input, milestoneOrder };
}

/** The control a field error is shown next to: a field name of the form, or `form` for the whole form. */
export function controlOf(error: FieldError, milestoneOrder: readonly string[]): string {
  const milestone = /^milestones\.(\d+)\.(\w+)$/.exec(error.field);
  if (milestone) {
    const id = milestoneOrder[Number(milestone[1])];
    if (id === undefined) return 'form';
    return milestone[2] === 'date' ? fieldNames.milestoneDate(id) : fieldNames.milestoneProgress(id);
  }
  const direct: readonly string[] = [
    fieldNames.status,
    fieldNames.budgetExecutedThousandYen,
    fieldNames.narrative,
    fieldNames.issues,
    fieldNames.nextSteps,
    fieldNames.person,
  ];
  return direct.includes(error.field) ? error.field : 'form';
}

/** Field errors grouped by the control they belong to. */
export function errorsByControl(errors: readonly FieldError[], milestoneOrder: readonly string[]): Map<string, FieldError[]> {
  const byControl = new Map<string, FieldError[]>();
  for (const error of errors) {
    const control = controlOf(error, milestoneOrder);
    byControl.set(control, [...(byControl.get(control) ?? []), error]);
  }
  return byControl;
}
