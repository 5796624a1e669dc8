/**
 * What a person or a client sends as a report, and how it becomes a `ReportSubmission`: one zod
 * schema for the JSON API (and its OpenAPI document), the same rules for the web form, the mail
 * intake and the sheet import. Every refusal names the field and says why, in Japanese and English.
 * Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';
import { formatQuarter, formatWarekiDate, isLocalDate, jstDate, tryParseQuarter, warekiDateProblem, type LocalDate } from './fiscal.ts';
import { measureIdPattern, milestoneIdPattern, normaliseMeasureId } from './ids.ts';
import { isOwner } from './ownership.ts';
import type { Measure, PlanFile } from './plan.ts';
import { bodyField } from './field-error.ts';
import { maxExecutedThousandYen, milestoneProgressValues, reportStatuses, reportTextLimits, type MilestoneProgress, type ReportStatus, type ReportSubmission, type Reporter } from './report.ts';

/** Japanese labels of the fields, for messages a person reads. */
export const fieldLabels: Record<string, { ja: string; en: string }> = {
  measureId: { ja: '事業', en: 'measure' },
  quarter: { ja: '四半期', en: 'quarter' },
  status: { ja: '状況', en: 'status' },
  milestones: { ja: 'スケジュールの進捗', en: 'milestones' },
  milestoneId: { ja: 'スケジュール項目', en: 'milestone' },
  progress: { ja: '進捗', en: 'progress' },
  date: { ja: '日付', en: 'date' },
  budgetExecutedThousandYen: { ja: '執行額 (報告する四半期の年度, 千円)', en: "budget executed in the reported quarter's fiscal year (thousand yen)" },
  narrative: { ja: '進捗状況', en: 'progress narrative' },
  issues: { ja: '課題', en: 'issues' },
  nextSteps: { ja: '今後の予定', en: 'next steps' },
  person: { ja: '報告者', en: 'reporting person' },
};

/** A field error, bilingual. `field` is a dotted path such as `milestones.0.date`. */
export interface FieldError {
  field: string;
  ja: string;
  en: string;
}

export class ReportInputError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => `${f.field}: ${f.ja} / ${f.en}`).join('; '));
    this.name = 'ReportInputError';
  }
}

/**
 * Reads numbers as offices write them: full-width digits, thousands separators (， or ,), a trailing
 * 千円 or 円-less unit. "１２，３４５" → 12345. Anything else is left for the schema to refuse.
 */
export function normaliseNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value
    .normalize('NFKC')
    .trim()
    .replace(/\s+/g, '')
    .replace(/千円$/, '');
  if (text === '') return undefined;
  if (!/^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$/.test(text)) return value;
  return Number(text.replace(/,/g, ''));
}


function bilingual(message: string): { ja: string; en: string } {
  const [ja, en] = message.split(' / ');
  return { ja: ja ?? message, en: en ?? ja ?? message };
}

// Normalising steps are `z.overwrite` checks on the string itself rather than pipes into transforms:
// the same result, with a schema half the size to build at a cold start and to run per request.
const text = (max: number) =>
  z.string({ error: '文字列で入力してください / must be text' }).check(
    // Normalised first, then measured: a form posts each line break as CRLF while the browser's
    // maxlength counts it as one character, and surrounding spaces are not the person's text.
    z.overwrite((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim()),
    z.maxLength(max, { error: `${max} 文字以内で入力してください / at most ${max} characters` }),
  );

// The description goes into zod's global registry (read by the JSON Schema of the OpenAPI document)
// rather than in a `z.describe` check: no copy of the schema, and nothing to run per submission. Each
// schema given here is built in place, so no other field shares its entry.
const described = <T extends z.ZodMiniType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

function dateFormatMessage(input: unknown): string {
  const why = typeof input === 'string' ? warekiDateProblem(input) : undefined;
  return why ? `日付を読み取れません: 「${input as string}」 (${why.ja}) / cannot read the date "${input as string}" (${why.en})` : '日付は 2013-07-01 のように YYYY-MM-DD で書いてください (フォームとメールでは 平成25年7月1日 の形も読めます) / write dates as YYYY-MM-DD, e.g. 2013-07-01 (the form and mail also read 和暦 such as 平成25年7月1日)';
}

/** One milestone's progress in a report: strict like the report itself, a mistyped key ("startedOn") is refused, not dropped. */
const MilestoneInputSchema = z.strictObject({
  milestoneId: z.string().check(z.regex(milestoneIdPattern, { error: 'スケジュール項目は m1, m2 … です / milestone ids are m1, m2, …' })),
  progress: z.enum(milestoneProgressValues, {
    error: `進捗は ${milestoneProgressValues.join(', ')} のいずれかです / progress must be one of ${milestoneProgressValues.join(', ')}`,
  }),
  date: z.optional(
    z.string().check(
      // Not also "not a real date" for a date written otherwise (平成25年7月1日): one message. A date
      // the form could not read for a reason (令和元年4月10日: before Reiwa began) says that reason.
      z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => dateFormatMessage(issue.input), abort: true }),
      z.refine(isLocalDate, { error: '存在しない日付です / not a real date' }),
    ),
  ),
});

/** The report a client sends (JSON API). The 課 comes from the signed link, never from the body. */
export const ReportInputSchema = z.strictObject(
  {
    measureId: described(
      z.string({ error: '事業 id を文字列で指定してください (例: "2-2-3") / a measure id is required, as a string such as "2-2-3"' }).check(
        z.overwrite(normaliseMeasureId),
        // A refinement, not z.regex: the pattern holds after normalising ("２－２－３" is accepted), so it
        // must not appear as the input's pattern in the JSON Schema.
        z.refine((s) => measureIdPattern.test(s), { error: '事業 id は 2-2-3 の形式です / measure ids look like 2-2-3' }),
      ),
      '事業 id, e.g. "2-2-3"',
    ),
    quarter: described(
      z.pipe(
        z.string({ error: '四半期が必要です (例: FY2013-Q2) / a quarter is required, e.g. FY2013-Q2' }),
        z.transform((s: string, ctx) => {
          const q = tryParseQuarter(s);
          if (!q) {
            ctx.issues.push({
              code: 'custom',
              message: `四半期を読み取れません: "${s}" (例: FY2013-Q2, 平成25年度第2四半期) / cannot read quarter "${s}"`,
              input: s,
            });
            return z.NEVER;
          }
          return formatQuarter(q);
        }),
      ),
      'fiscal quarter, e.g. "FY2013-Q2" or "平成25年度第2四半期"',
    ),
    status: described(
      z.optional(
        z.enum(reportStatuses, {
          error: `状況は ${reportStatuses.join('・')} のいずれかです / status must be one of ${reportStatuses.join(', ')}`,
        }),
      ),
      'overall status; omitted only by a related department (関連部署) leaving a comment',
    ),
    milestones: z._default(
      z
        .array(MilestoneInputSchema, { error: 'スケジュールの進捗は一覧で指定してください / milestones must be a list' })
        .check(z.maxLength(50, { error: 'スケジュールの進捗は 50 項目までです / at most 50 milestones' })),
      [],
    ),
    // Optional around the whole pipe: an absent field stays absent; "" and "千円" alone normalise to absent.
    budgetExecutedThousandYen: described(
      z.optional(
        z.pipe(
          z.transform(normaliseNumber),
          z.optional(
            z.number({ error: '千円単位の数値で入力してください (例: 12,345,000 円なら 12,345) / must be a number in thousand yen, e.g. 12,345 for ¥12,345,000' }).check(
              z.nonnegative({ error: '0 以上で入力してください / must not be negative' }),
              z.lte(maxExecutedThousandYen, { error: '大きすぎます (千円単位で入力してください) / too large (the unit is thousand yen)' }),
            ),
          ),
        ),
      ),
      'budget executed so far in the fiscal year of the quarter reported, thousand yen; "１２，３４５" is read as 12345',
    ),
    narrative: described(z._default(text(reportTextLimits.narrative), ''), '進捗状況'),
    issues: described(z._default(text(reportTextLimits.issues), ''), '課題'),
    nextSteps: described(z._default(text(reportTextLimits.nextSteps), ''), '今後の予定'),
    person: described(
      text(reportTextLimits.person).check(z.minLength(1, { error: '報告者の氏名が必要です / the reporting person is required' })),
      'reporting person',
    ),
  },
  { error: '報告は JSON のオブジェクト ({ … }) で送ってください / the report must be a JSON object' },
);
export type ReportInput = z.input<typeof ReportInputSchema>;
export type ParsedReportInput = z.output<typeof ReportInputSchema>;

/** Turns zod's issues into field errors a person can act on. */
export function fieldErrorsOf(error: z.core.$ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.join('.') || bodyField;
    if (issue.code === 'unrecognized_keys') {
      // Named with the path of the object they are in: `kaId`, `milestones.0.startedOn`.
      const keys = issue.keys.map((key) => [...issue.path, key].join('.')).join(', ');
      return { field: keys, ja: `不明な項目です: ${keys}`, en: `unknown field(s): ${keys}` };
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      const label = fieldLabels[String(issue.path.at(-1))];
      return {
        field,
        ja: `${label?.ja ?? field}が入力されていません`,
        en: `${label?.en ?? field} is required`,
      };
    }
    if (!issue.message.includes(' / ')) {
      // A message zod wrote itself (English only): say what is wrong in both languages.
      const label = fieldLabels[String(issue.path.at(-1))];
      return { field, ja: `${label?.ja ?? field}の値が正しくありません (${issue.message})`, en: `${label?.en ?? field}: ${issue.message}` };
    }
    return { field, ...bilingual(issue.message) };
  });
}

export interface ReportContext {
  plan: PlanFile;
  /** Who the signed link belongs to; the person's name comes from the input. */
  reporter: Omit<Reporter, 'person'>;
  /** The quarter the signed link is for. */
  quarter: string;
  /**
   * The day (JST) the report is received: a milestone cannot have started or finished after it.
   * @default today in JST
   */
  today?: LocalDate;
  /**
   * The milestones as the 事業's last report stated them, when the report carries them over (the sheet,
   * a mail that leaves a milestone out): a date repeated from there was accepted then and is not the
   * sender's to correct now, so it is not checked against {@link today} again.
   * @default none
   */
  lastMilestones?: readonly MilestoneProgress[];
}

/** What the 課 may do with a 事業: report on it (owner), comment on it (related), or nothing. */
export type Role = 'owner' | 'related' | 'none';

export function roleOf(measure: Measure, reporter: Pick<Reporter, 'ka' | 'bukai'>): Role {
  if (isOwner(measure, reporter)) return 'owner';
  if (measure.related.some((r) => r.ka === reporter.ka && (r.bukai === undefined || r.bukai === reporter.bukai))) return 'related';
  return 'none';
}

export type AccessProblem =
  | { kind: 'unknown-measure'; ja: string; en: string }
  | { kind: 'forbidden'; ja: string; en: string };

/** What the report checks read of an input: each field as its schema reads it, undefined where it does not parse. */
type CheckedFields = Partial<Omit<ParsedReportInput, 'milestones'>> & { milestones?: readonly (ParsedReportInput['milestones'][number] | undefined)[] };

const relatedStatusRefusal = (context: ReportContext) => ({
  ja: `関連部署 (${context.reporter.ka}) は意見を記入できますが、状況は設定できません`,
  en: 'a related department may comment but not set the status',
});

/** Whether the link's 課 may send `measureId` for `quarter`, and as what; else why not (403/404). */
function accessOf(measureId: string, quarter: string, context: ReportContext): { measure: Measure; role: Exclude<Role, 'none'> } | AccessProblem {
  const measure = context.plan.measures.find((m) => m.id === measureId);
  if (!measure) {
    return { kind: 'unknown-measure', ja: `事業 ${measureId} は計画にありません`, en: `measure ${measureId} is not in the plan` };
  }
  const role = roleOf(measure, context.reporter);
  if (role === 'none') {
    return {
      kind: 'forbidden',
      ja: `${context.reporter.ka}は事業 ${measure.id}「${measure.name}」の担当部署ではありません`,
      en: `${context.reporter.ka} does not own measure ${measure.id}`,
    };
  }
  if (quarter !== context.quarter) {
    return {
      kind: 'forbidden',
      ja: `このリンクは ${context.quarter} の報告用です (本文は ${quarter})`,
      en: `this link is for ${context.quarter}, the report is for ${quarter}`,
    };
  }
  return { measure, role };
}

/**
 * The field checks against the plan and the role: the quarter inside the plan period, the status an
 * owner must give, what a related department may write, the milestones the 事業's (each once), a done
 * milestone's date and 課題 for 遅延 or 遅れ気味. Fields that did not parse (undefined) are skipped.
 */
function fieldChecks(input: CheckedFields, measure: Measure, role: Exclude<Role, 'none'>, context: ReportContext): FieldError[] {
  const errors: FieldError[] = [];
  const { period } = context.plan.plan;
  if (input.quarter !== undefined) {
    const fy = Number(input.quarter.slice(2, 6));
    if (fy < period.from || fy > period.to) {
      errors.push({
        field: 'quarter',
        ja: `四半期 ${input.quarter} は計画期間 (FY${period.from}–FY${period.to}) の外です`,
        en: `quarter ${input.quarter} is outside the plan period FY${period.from}–FY${period.to}`,
      });
    }
  }
  // Like the other fields that are the owner's to report (below): a field error, beside any other.
  if (role === 'related' && input.status !== undefined) errors.push({ field: 'status', ...relatedStatusRefusal(context) });
  if (role === 'owner' && input.status === undefined) {
    errors.push({ field: 'status', ja: '状況が入力されていません', en: 'status is required' });
  }
  if (role === 'related' && input.narrative === '') {
    errors.push({ field: 'narrative', ja: '意見 (進捗状況) が入力されていません', en: 'a comment (narrative) is required' });
  }
  if (role === 'related') {
    // A comment is its text: the 事業's milestones, spending, 課題 and 今後の予定 are the owner's to report.
    const ownersOnly: [field: string, set: boolean, ja: string, en: string][] = [
      ['milestones', (input.milestones ?? []).length > 0, 'スケジュールの進捗', 'milestone progress'],
      ['budgetExecutedThousandYen', input.budgetExecutedThousandYen !== undefined, '執行額', 'the budget executed'],
      ['issues', (input.issues ?? '') !== '', '課題', 'issues'],
      ['nextSteps', (input.nextSteps ?? '') !== '', '今後の予定', 'next steps'],
    ];
    for (const [field, set, ja, en] of ownersOnly) {
      if (set) {
        errors.push({
          field,
          ja: `関連部署 (${context.reporter.ka}) の意見に${ja}は書けません (担当部署が報告します)`,
          en: `a related department's comment carries no ${en} (the owning department reports it)`,
        });
      }
    }
  }
  const known = new Set(measure.milestones.map((m) => m.id));
  const today = context.today ?? jstDate(new Date());
  const seen = new Set<string>();
  input.milestones?.forEach((m, i) => {
    if (m === undefined) return;
    if (!known.has(m.milestoneId)) {
      errors.push({
        field: `milestones.${i}.milestoneId`,
        ja: `事業 ${measure.id} にスケジュール項目 ${m.milestoneId} はありません`,
        en: `measure ${measure.id} has no milestone ${m.milestoneId}`,
      });
    }
    if (seen.has(m.milestoneId)) {
      errors.push({ field: `milestones.${i}.milestoneId`, ja: `${m.milestoneId} が重複しています`, en: `${m.milestoneId} appears twice` });
    }
    seen.add(m.milestoneId);
    if (m.progress === 'done' && m.date === undefined) {
      errors.push({ field: `milestones.${i}.date`, ja: '完了した項目には完了日が必要です', en: 'a done milestone needs its date' });
    }
    // A start or a completion is reported once it happened: a later day is a slip (令和25年 for 平成25年, 2031 for 2013).
    const repeated = context.lastMilestones?.some((l) => l.milestoneId === m.milestoneId && l.progress === m.progress && l.date === m.date);
    if (m.progress !== 'not_started' && m.date !== undefined && m.date > today && !repeated) {
      const what = m.progress === 'done' ? { ja: '完了日', en: 'completion date' } : { ja: '開始日', en: 'start date' };
      errors.push({
        field: `milestones.${i}.date`,
        ja: `${what.ja} ${formatWarekiDate(m.date)} (${m.date}) は今日 (${formatWarekiDate(today)}) より後です。済んだ日を書いてください`,
        en: `the ${what.en} ${m.date} is after today (${today}); give the day it happened`,
      });
    }
  });
  // A related department's status is refused above: asking it for 課題 as well would mislead.
  if (role === 'owner' && (input.status === '遅延' || input.status === '遅れ気味') && input.issues === '') {
    errors.push({ field: 'issues', ja: `状況が「${input.status}」のときは課題を記入してください`, en: 'issues are required when the status is delayed or at risk' });
  }
  return errors;
}

/**
 * Checks a parsed input against the plan and the link: the 事業 exists, the quarter is the link's
 * and inside the plan period, the milestones are the 事業's, and the 課 may report (or comment).
 * Returns the submission, or throws `ReportInputError` (400) / returns an access problem (403/404).
 */
export function toSubmission(
  input: ParsedReportInput,
  context: ReportContext,
): { submission: ReportSubmission; role: Exclude<Role, 'none'> } | AccessProblem {
  const access = accessOf(input.measureId, input.quarter, context);
  if ('kind' in access) return access;
  const { measure, role } = access;
  const errors = fieldChecks(input, measure, role, context);
  if (errors.length > 0) throw new ReportInputError(errors);
  const submission: ReportSubmission = {
    measureId: measure.id,
    quarter: input.quarter,
    kind: role === 'owner' ? 'report' : 'comment',
    status: input.status as ReportStatus | undefined,
    milestones: input.milestones,
    budgetExecutedThousandYen: input.budgetExecutedThousandYen,
    narrative: input.narrative,
    issues: input.issues,
    nextSteps: input.nextSteps,
    reporter: { ...context.reporter, person: input.person },
  };
  return { submission, role };
}

/**
 * The 事業 and quarter a body names, read as `ReportInputSchema` reads them, before anything else of it
 * is checked; undefined unless both are there and well formed. It lets the store start reading the
 * 事業's latest version while the body is validated (shared/submit-report.ts); what is written still
 * waits for every check, and a refused body only costs that read.
 */
export function reportKeyOf(body: unknown): { measureId: string; quarter: string } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { measureId, quarter } = body as { measureId?: unknown; quarter?: unknown };
  if (typeof measureId !== 'string' || typeof quarter !== 'string') return undefined;
  const id = normaliseMeasureId(measureId);
  const parsed = tryParseQuarter(quarter);
  return measureIdPattern.test(id) && parsed ? { measureId: id, quarter: formatQuarter(parsed) } : undefined;
}

/** Parse and check in one step; throws `ReportInputError` on any field problem. */
export function parseReportInput(body: unknown): ParsedReportInput {
  // reportInput: zod 4 leaves the input out of issues otherwise, and a wrong value would read as a missing one.
  const parsed = ReportInputSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw new ReportInputError(fieldErrorsOf(parsed.error));
  return parsed.data;
}

/**
 * Reads a report's body and checks it against the plan and the link in one pass: what
 * `toSubmission(parseReportInput(body), context)` does, except that a body with fields the schema
 * refuses is also checked, field by field, against the plan and the role (a done milestone without
 * its date, a missing status, an unknown milestone…), so one answer names every problem rather than
 * the rest after the first ones are fixed.
 */
export function checkReport(body: unknown, context: ReportContext): ReturnType<typeof toSubmission> {
  const parsed = ReportInputSchema.safeParse(body, { reportInput: true });
  if (parsed.success) return toSubmission(parsed.data, context);
  const errors = fieldErrorsOf(parsed.error);
  const fields = fieldsThatParse(body);
  const access = fields.measureId !== undefined && fields.quarter !== undefined ? accessOf(fields.measureId, fields.quarter, context) : undefined;
  const more = access && !('kind' in access) ? fieldChecks(fields, access.measure, access.role, context) : [];
  // A field the schema refused is named once, by the schema: so is all under it (each milestone of a list refused whole).
  const refused = errors.map((e) => e.field);
  const under = (field: string) => refused.some((r) => field === r || field.startsWith(`${r}.`));
  throw new ReportInputError([...errors, ...more.filter((e) => !under(e.field))]);
}

/** Each field of a body as its schema reads it, or undefined where it does not parse (each milestone on its own). */
function fieldsThatParse(body: unknown): CheckedFields {
  const raw = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const value = <T>(result: { success: true; data: T } | { success: false }): T | undefined => (result.success ? result.data : undefined);
  const { milestones: _each, ...shape } = ReportInputSchema.shape;
  const fields = Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [key, value((schema as z.ZodMiniType).safeParse(raw[key]) as { success: true; data: unknown } | { success: false })]),
  ) as CheckedFields;
  return { ...fields, milestones: Array.isArray(raw.milestones) ? raw.milestones.map((m) => value(MilestoneInputSchema.safeParse(m))) : undefined };
}
