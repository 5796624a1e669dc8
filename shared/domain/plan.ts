/**
 * The plan catalog: 基本目標 → 施策分野 → 事業, with owners, milestones and budget.
 *
 * One zod schema is the single source for the plan file format (documented in the README),
 * the TypeScript types and the JSON Schema that `shinchoku plan schema` prints. Every object of the
 * file is strict: a key the schema does not know (a misspelt "milestone") is refused with its name,
 * never dropped. A 事業 may leave out its budget (a city that budgets elsewhere): it parses as no lines
 * and no total.
 * Pure: no I/O, no AWS.
 */
import * as z from '../zod.ts';
import { formatWarekiFiscalYear } from './fiscal.ts';
import { areaIdPattern, goalIdPattern, measureIdPattern, milestoneIdPattern, tenantPattern } from './ids.ts';

/** A Western fiscal year number: FY2012 = 平成24年度 = April 2012 – March 2013. */
export const FiscalYearSchema = z.int().check(z.gte(1989), z.lte(2200));

/** An inclusive span of fiscal years. */
export const FiscalYearSpanSchema = z
  .strictObject({
    from: FiscalYearSchema.check(z.describe('first fiscal year (FY2012 = 平成24年度)')),
    to: FiscalYearSchema.check(z.describe('last fiscal year, inclusive')),
  })
  .check(
    z.refine((span) => span.from <= span.to, {
      message: '開始年度が終了年度より後です / "from" is after "to"',
    }),
  );
export type FiscalYearSpan = z.infer<typeof FiscalYearSpanSchema>;

/**
 * A span of fiscal years as people check it against a plan, each year with its 和暦 label:
 * "FY2023 (令和5年度)〜FY2024 (令和6年度)" / "FY2023 (令和5年度)–FY2024 (令和6年度)"; one year once.
 */
export function fiscalYearSpanText(span: FiscalYearSpan): { ja: string; en: string } {
  const year = (fy: number) => `FY${fy} (${formatWarekiFiscalYear(fy)})`;
  if (span.from === span.to) return { ja: year(span.from), en: year(span.from) };
  return { ja: `${year(span.from)}〜${year(span.to)}`, en: `${year(span.from)}–${year(span.to)}` };
}

const Text = z.string().check(z.trim(), z.minLength(1));
const described = <T extends z.ZodMiniType>(schema: T, description: string): T => schema.check(z.describe(description));

/**
 * A list a plan file may leave out: empty then, and a new array on every parse. The description goes
 * on the array, not on the default: zod/mini's `.check()` copies a default's definition and with it one
 * evaluated default value, which every parse would then share.
 */
const listOf = <T extends z.ZodMiniType>(item: T, description?: string) =>
  z._default(description === undefined ? z.array(item) : described(z.array(item), description), () => []);

/** A department that owns a 事業: the 課 inside its 専門部会. */
export const OwnerSchema = z.strictObject({
  bukai: described(Text, '専門部会, e.g. 企画専門部会'),
  ka: described(Text, '課, e.g. 総合政策課'),
});
export type Owner = z.infer<typeof OwnerSchema>;

/** A related department (関連部署); the plan does not always name its 部会. */
export const RelatedDepartmentSchema = z.strictObject({
  bukai: described(z.optional(Text), '専門部会, when the plan names it'),
  ka: described(Text, '課 or group of 課 as the plan words it, e.g. 公共施設所管課'),
});
export type RelatedDepartment = z.infer<typeof RelatedDepartmentSchema>;

/** One step of the スケジュール row, with the fiscal years it spans. */
export const MilestoneSchema = z
  .strictObject({
    id: z.string().check(z.regex(milestoneIdPattern, 'milestone ids are m1, m2, …')),
    label: described(Text, "the plan's own words for the step"),
    fiscalYears: FiscalYearSpanSchema,
    inferred: described(z._default(z.boolean(), false), 'true when the year columns were not legible and the span was inferred'),
    inferenceReason: described(z.optional(Text), 'one line: why this span was chosen'),
  })
  .check(
    z.refine((m) => !m.inferred || m.inferenceReason !== undefined, {
      message: '推定した期間には理由が必要です / an inferred milestone needs an inferenceReason',
      path: ['inferenceReason'],
    }),
  );
export type Milestone = z.infer<typeof MilestoneSchema>;

const ThousandYen = z.number().check(z.nonnegative());

/** One item of a budget line's 内訳 (breakdown). */
export const BudgetItemSchema = z.strictObject({
  label: Text,
  thousandYen: ThousandYen,
  note: described(z.optional(Text), 'a restriction the plan attaches to the item, e.g. "H25年度以降", "3年間"'),
});
export type BudgetItem = z.infer<typeof BudgetItemSchema>;

/** A yearly budget line: ① 19,573 千円/年 with its breakdown and the years it applies to. */
export const BudgetLineSchema = z.strictObject({
  key: described(Text, 'the marker the plan uses, e.g. ①'),
  annualThousandYen: described(ThousandYen, '予算額 千円/年'),
  years: described(z.int().check(z.gte(1)), 'how many fiscal years the line applies to'),
  fiscalYears: described(z.optional(FiscalYearSpanSchema), 'which fiscal years, when the plan says'),
  restriction: described(z.optional(Text), 'the plan\'s words, e.g. "H24年度のみ", "H25年度以降"'),
  items: listOf(BudgetItemSchema),
});
export type BudgetLine = z.infer<typeof BudgetLineSchema>;

/** A ＜参考＞ line: context the plan gives, not the 事業's own budget. */
export const ReferenceBudgetSchema = z.strictObject({
  label: Text,
  thousandYen: z.optional(ThousandYen),
  text: described(z.optional(Text), 'the plan\'s wording'),
});

export const BudgetSchema = z.strictObject({
  lines: listOf(BudgetLineSchema),
  plannedTotalThousandYen: described(
    z._default(z.nullable(ThousandYen), null),
    '計画期間予算額 as the plan states it (null when it states none; a plan file may leave it out)',
  ),
  statedFormula: described(z.optional(Text), 'the plan\'s formula for the total, e.g. "①×4+②×3"'),
  statedAnnualThousandYen: described(z.optional(ThousandYen), 'one 予算額 N 千円/年 the plan prints over several lines, when it does'),
  reference: listOf(ReferenceBudgetSchema),
  notes: listOf(Text, 'explanations the plan gives, e.g. where a cost is budgeted instead'),
});
export type Budget = z.infer<typeof BudgetSchema>;

const MeasureIdSchema = z.string().check(z.regex(measureIdPattern, '事業 ids look like "1-1-1"'));

export const MeasureSchema = z.strictObject({
  id: MeasureIdSchema,
  goalId: z.string().check(z.regex(goalIdPattern)),
  areaId: z.string().check(z.regex(areaIdPattern)),
  name: described(Text, '事業名 without its ① marker'),
  summary: described(Text, '事業概要; paragraphs separated by blank lines'),
  actions: listOf(Text, '具体的な取り組み内容, one entry per ○ (empty when the plan states none)'),
  owners: described(z.array(OwnerSchema).check(z.minLength(1)), '担当部署'),
  related: listOf(RelatedDepartmentSchema, '関連部署'),
  milestones: listOf(MilestoneSchema, 'スケジュール (empty when the plan gives the 事業 none)'),
  budget: described(
    z.prefault(BudgetSchema, {}),
    "the 事業's budget as the plan states it; a plan file may leave it out when the plan gives none (no lines, total null)",
  ),
  page: described(z.optional(z.int().check(z.positive())), 'page number in the published plan'),
});
export type Measure = z.infer<typeof MeasureSchema>;

export const AreaSchema = z.strictObject({
  id: z.string().check(z.regex(areaIdPattern)),
  title: described(Text, '施策分野'),
});

export const GoalSchema = z.strictObject({
  id: z.string().check(z.regex(goalIdPattern)),
  title: described(Text, '基本目標'),
  areas: z.array(AreaSchema).check(z.minLength(1)),
});
export type Goal = z.infer<typeof GoalSchema>;

const TenantKey = z.string().check(z.regex(tenantPattern, 'lower-case letters, digits and hyphens'));

export const PlanInfoSchema = z.strictObject({
  id: TenantKey,
  tenant: described(TenantKey, 'the municipality key every stored record is partitioned by'),
  municipality: Text,
  title: Text,
  version: described(Text, 'edition of the plan, e.g. 2012-03'),
  period: described(FiscalYearSpanSchema, 'the fiscal years the plan runs over'),
});
export type PlanInfo = z.infer<typeof PlanInfoSchema>;

/** The plan file: `{ plan, goals, measures }`, also the shape `shinchoku plan export` prints. */
export const PlanFileSchema = z
  .strictObject({
    $schema: described(z.optional(Text), 'the JSON Schema an editor checks the file with (`shinchoku plan schema` > plan.schema.json); not used otherwise'),
    plan: PlanInfoSchema,
    goals: z.array(GoalSchema).check(z.minLength(1)),
    measures: z.array(MeasureSchema).check(z.minLength(1)),
  })
  .check(z.superRefine((file, ctx) => {
    // Each id with the place it first appears at, which a duplicate's message names.
    const goals = new Map<string, string>();
    // Each area id with its goal and the place it first appears at.
    const areas = new Map<string, { goalId: string; place: string }>();
    file.goals.forEach((g, gi) => {
      const first = goals.get(g.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['goals', gi, 'id'],
          message: `基本目標 id ${g.id} が重複しています (最初は ${first}) / duplicate goal id ${g.id} (first at ${first})`,
        });
      } else goals.set(g.id, `goals[${gi}]`);
      g.areas.forEach((a, ai) => {
        const firstArea = areas.get(a.id)?.place;
        if (firstArea !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['goals', gi, 'areas', ai, 'id'],
            message: `施策分野 id ${a.id} が重複しています (最初は ${firstArea}) / duplicate area id ${a.id} (first at ${firstArea})`,
          });
        } else {
          areas.set(a.id, { goalId: g.id, place: `goals[${gi}].areas[${ai}]` });
        }
        if (!a.id.startsWith(`${g.id}-`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['goals', gi, 'areas', ai, 'id'],
            message: `施策分野 id ${a.id} が基本目標 ${g.id} と合いません (${g.id}-n の形です) / area id ${a.id} does not match goal ${g.id} (ids look like ${g.id}-n)`,
          });
        }
      });
    });
    const seen = new Map<string, string>();
    file.measures.forEach((m, i) => {
      const milestoneIds = new Set<string>();
      m.milestones.forEach((ms, mi) => {
        if (milestoneIds.has(ms.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['measures', i, 'milestones', mi, 'id'],
            message: `${m.id} のスケジュール項目 id ${ms.id} が重複しています / duplicate milestone id ${ms.id} in ${m.id}`,
          });
        }
        milestoneIds.add(ms.id);
      });
      const owners = new Set<string>();
      m.owners.forEach((o, oi) => {
        // A 課 name may hold any character but a line break, so one joins the two unambiguously.
        const key = `${o.bukai}\n${o.ka}`;
        if (owners.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['measures', i, 'owners', oi],
            message: `${m.id} の担当部署 ${o.bukai}/${o.ka} が重複しています / duplicate owner ${o.bukai}/${o.ka} in ${m.id}`,
          });
        }
        owners.add(key);
      });
      const first = seen.get(m.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'id'],
          message: `事業 id ${m.id} が重複しています (最初は ${first}) / duplicate 事業 id ${m.id} (first at ${first})`,
        });
      } else seen.set(m.id, `measures[${i}]`);
      if (areas.get(m.areaId)?.goalId !== m.goalId) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'areaId'],
          message: `施策分野 ${m.areaId} は基本目標 ${m.goalId} にありません / area ${m.areaId} is not under goal ${m.goalId}`,
        });
      }
      if (!m.id.startsWith(`${m.areaId}-`)) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'id'], message: `事業 id ${m.id} が施策分野 ${m.areaId} と合いません (${m.areaId}-n の形です) / 事業 id ${m.id} does not match its area ${m.areaId} (ids look like ${m.areaId}-n)` });
      }
      const period = fiscalYearSpanText(file.plan.period);
      m.milestones.forEach((ms, mi) => {
        if (ms.fiscalYears.from >= file.plan.period.from && ms.fiscalYears.to <= file.plan.period.to) return;
        const years = fiscalYearSpanText(ms.fiscalYears);
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'milestones', mi, 'fiscalYears'],
          message:
            `${m.id} ${ms.id} の期間 ${years.ja} が計画期間 ${period.ja} の外です` +
            ` / ${m.id} ${ms.id}: ${years.en} is outside the plan period ${period.en}`,
        });
      });
    });
  }));
export type PlanFile = z.infer<typeof PlanFileSchema>;
