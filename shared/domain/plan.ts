/**
 * The plan catalog: 基本目標 → 施策分野 → 事業, with owners, milestones and budget.
 *
 * One zod schema is the single source for the plan file format (documented in the README),
 * the TypeScript types and the JSON Schema that `shinchoku plan schema` prints.
 * Pure: no I/O, no AWS.
 */
import * as z from 'zod';

/** A Western fiscal year number: FY2012 = 平成24年度 = April 2012 – March 2013. */
export const FiscalYearSchema = z.int().min(1989).max(2200);

/** An inclusive span of fiscal years. */
export const FiscalYearSpanSchema = z
  .object({
    from: FiscalYearSchema.describe('first fiscal year (FY2012 = 平成24年度)'),
    to: FiscalYearSchema.describe('last fiscal year, inclusive'),
  })
  .refine((span) => span.from <= span.to, {
    message: '開始年度が終了年度より後です / "from" is after "to"',
  });
export type FiscalYearSpan = z.infer<typeof FiscalYearSpanSchema>;

const Text = z.string().trim().min(1);

/** A department that owns a 事業: the 課 inside its 専門部会. */
export const OwnerSchema = z.object({
  bukai: Text.describe('専門部会, e.g. 企画専門部会'),
  ka: Text.describe('課, e.g. 総合政策課'),
});
export type Owner = z.infer<typeof OwnerSchema>;

/** A related department (関連部署); the plan does not always name its 部会. */
export const RelatedDepartmentSchema = z.object({
  bukai: Text.optional().describe('専門部会, when the plan names it'),
  ka: Text.describe('課 or group of 課 as the plan words it, e.g. 公共施設所管課'),
});
export type RelatedDepartment = z.infer<typeof RelatedDepartmentSchema>;

/** One step of the スケジュール row, with the fiscal years it spans. */
export const MilestoneSchema = z
  .object({
    id: z.string().regex(/^m\d+$/, 'milestone ids are m1, m2, …'),
    label: Text.describe("the plan's own words for the step"),
    fiscalYears: FiscalYearSpanSchema,
    inferred: z
      .boolean()
      .default(false)
      .describe('true when the year columns were not legible and the span was inferred'),
    inferenceReason: Text.optional().describe('one line: why this span was chosen'),
  })
  .refine((m) => !m.inferred || m.inferenceReason !== undefined, {
    message: '推定した期間には理由が必要です / an inferred milestone needs an inferenceReason',
    path: ['inferenceReason'],
  });
export type Milestone = z.infer<typeof MilestoneSchema>;

/** One item of a budget line's 内訳 (breakdown). */
export const BudgetItemSchema = z.object({
  label: Text,
  thousandYen: z.number().nonnegative(),
  note: Text.optional().describe('a restriction the plan attaches to the item, e.g. "H25年度以降", "3年間"'),
});
export type BudgetItem = z.infer<typeof BudgetItemSchema>;

/** A yearly budget line: ① 19,573 千円/年 with its breakdown and the years it applies to. */
export const BudgetLineSchema = z.object({
  key: Text.describe('the marker the plan uses, e.g. ①'),
  annualThousandYen: z.number().nonnegative().describe('予算額 千円/年'),
  years: z.int().min(1).describe('how many fiscal years the line applies to'),
  fiscalYears: FiscalYearSpanSchema.optional().describe('which fiscal years, when the plan says'),
  restriction: Text.optional().describe('the plan\'s words, e.g. "H24年度のみ", "H25年度以降"'),
  items: z.array(BudgetItemSchema).default([]),
});
export type BudgetLine = z.infer<typeof BudgetLineSchema>;

/** A ＜参考＞ line: context the plan gives, not the 事業's own budget. */
export const ReferenceBudgetSchema = z.object({
  label: Text,
  thousandYen: z.number().nonnegative().optional(),
  text: Text.optional().describe('the plan\'s wording'),
});

export const BudgetSchema = z.object({
  lines: z.array(BudgetLineSchema).default([]),
  plannedTotalThousandYen: z
    .number()
    .nonnegative()
    .nullable()
    .describe('計画期間予算額 as the plan states it (null when it states none)'),
  statedFormula: Text.optional().describe('the plan\'s formula for the total, e.g. "①×4+②×3"'),
  statedAnnualThousandYen: z
    .number()
    .nonnegative()
    .optional()
    .describe('one 予算額 N 千円/年 the plan prints over several lines, when it does'),
  reference: z.array(ReferenceBudgetSchema).default([]),
  notes: z.array(Text).default([]).describe('explanations the plan gives, e.g. where a cost is budgeted instead'),
});
export type Budget = z.infer<typeof BudgetSchema>;

const MeasureIdSchema = z.string().regex(/^\d+-\d+-\d+$/, '事業 ids look like "1-1-1"');

export const MeasureSchema = z.object({
  id: MeasureIdSchema,
  goalId: z.string().regex(/^\d+$/),
  areaId: z.string().regex(/^\d+-\d+$/),
  name: Text.describe('事業名 without its ① marker'),
  summary: Text.describe('事業概要; paragraphs separated by blank lines'),
  actions: z.array(Text).default([]).describe('具体的な取り組み内容, one entry per ○ (empty when the plan states none)'),
  owners: z.array(OwnerSchema).min(1).describe('担当部署'),
  related: z.array(RelatedDepartmentSchema).default([]).describe('関連部署'),
  milestones: z.array(MilestoneSchema).min(1),
  budget: BudgetSchema,
  page: z.int().positive().optional().describe('page number in the published plan'),
});
export type Measure = z.infer<typeof MeasureSchema>;

export const AreaSchema = z.object({
  id: z.string().regex(/^\d+-\d+$/),
  title: Text.describe('施策分野'),
});

export const GoalSchema = z.object({
  id: z.string().regex(/^\d+$/),
  title: Text.describe('基本目標'),
  areas: z.array(AreaSchema).min(1),
});
export type Goal = z.infer<typeof GoalSchema>;

export const PlanInfoSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'lower-case letters, digits and hyphens'),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'lower-case letters, digits and hyphens')
    .describe('the municipality key every stored record is partitioned by'),
  municipality: Text,
  title: Text,
  version: Text.describe('edition of the plan, e.g. 2012-03'),
  period: FiscalYearSpanSchema.describe('the fiscal years the plan runs over'),
});
export type PlanInfo = z.infer<typeof PlanInfoSchema>;

/** The plan file: `{ plan, goals, measures }`, also the shape `shinchoku plan export` prints. */
export const PlanFileSchema = z
  .object({
    plan: PlanInfoSchema,
    goals: z.array(GoalSchema).min(1),
    measures: z.array(MeasureSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const areas = new Map(file.goals.flatMap((g) => g.areas.map((a) => [a.id, g.id] as const)));
    const seen = new Set<string>();
    file.measures.forEach((m, i) => {
      if (seen.has(m.id)) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'id'], message: `事業 id ${m.id} が重複しています / duplicate 事業 id` });
      }
      seen.add(m.id);
      if (areas.get(m.areaId) !== m.goalId) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'areaId'],
          message: `施策分野 ${m.areaId} は基本目標 ${m.goalId} にありません / area ${m.areaId} is not under goal ${m.goalId}`,
        });
      }
      if (!m.id.startsWith(`${m.areaId}-`)) {
        ctx.addIssue({ code: 'custom', path: ['measures', i, 'id'], message: `事業 id ${m.id} が施策分野 ${m.areaId} と合いません / id does not match its area` });
      }
      const outside = m.milestones.filter(
        (ms) => ms.fiscalYears.from < file.plan.period.from || ms.fiscalYears.to > file.plan.period.to,
      );
      for (const ms of outside) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'milestones'],
          message: `${m.id} ${ms.id} が計画期間外です / milestone outside the plan period`,
        });
      }
    });
  });
export type PlanFile = z.infer<typeof PlanFileSchema>;
