/**
 * The compiled status of a quarter: one entry per 事業 and the roll-ups by 施策分野, 基本目標,
 * 専門部会 and the whole plan. Pure: no I/O, no AWS. The compile job computes it; the API, the digest
 * and the dashboard read it.
 */
import * as z from '../zod.ts';
import { QuarterKeySchema, ReportStatusSchema } from './report.ts';

export const compiledColours = ['green', 'amber', 'red', 'unreported'] as const;
export const CompiledColourSchema = z.enum(compiledColours);
export type CompiledColour = z.infer<typeof CompiledColourSchema>;

export const CompiledMeasureStatusSchema = z.object({
  measureId: z.string(),
  quarter: QuarterKeySchema,
  colour: CompiledColourSchema,
  reportStatus: z.optional(ReportStatusSchema).check(z.describe("the latest report's status; absent = 未報告")),
  reportReference: z.optional(z.string()),
  reportVersion: z.optional(z.int()),
  overdueMilestones: z._default(
    z.array(
      z.object({
        milestoneId: z.string(),
        label: z.string().check(z.describe("the plan's own words for the step")),
        dueFiscalYear: z.int().check(z.describe("the last fiscal year of its span: due by the end of that year's Q4")),
        fromFiscalYear: z.optional(z.int()).check(z.describe('the first fiscal year of its span')),
        progress: z
          .optional(z.enum(['not_started', 'in_progress']))
          .check(z.describe('what the latest report says of it; absent = the report does not mention it, or no report')),
      }),
    ),
    [],
  ),
  budget: z.object({
    plannedThousandYen: z.nullable(z.number()).check(z.describe("the year's planned lines")),
    executedThousandYen: z.nullable(z.number()).check(z.describe("executed so far in the quarter's fiscal year, as its latest report of the quarter states")),
    fiscalYear: z.optional(z.int()).check(z.describe('the fiscal year both amounts are for')),
    plannedLines: z.optional(z.array(z.string())).check(z.describe("keys (①, ②, …) of the plan's lines that apply to that year")),
  }),
});
export type CompiledMeasureStatus = z.infer<typeof CompiledMeasureStatusSchema>;

export const rollupScopes = ['area', 'goal', 'bukai', 'plan'] as const;
export const ColourCountsSchema = z.object({
  green: z.int().check(z.nonnegative()),
  amber: z.int().check(z.nonnegative()),
  red: z.int().check(z.nonnegative()),
  unreported: z.int().check(z.nonnegative()),
});
export type ColourCounts = z.infer<typeof ColourCountsSchema>;

export const RollupSchema = z.object({
  quarter: QuarterKeySchema,
  scope: z.enum(rollupScopes),
  scopeId: z.string().check(z.describe('area or goal id, 部会 name, or "all"')),
  counts: ColourCountsSchema,
});
export type Rollup = z.infer<typeof RollupSchema>;

export function emptyCounts(): ColourCounts {
  return { green: 0, amber: 0, red: 0, unreported: 0 };
}
