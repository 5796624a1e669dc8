/**
 * What the status API answers for a quarter: per 事業 its current report (the latest an owning 課
 * sent) beside its compiled status, for one 事業, for the 事業 of one 専門部会, or for the whole
 * plan with the compiled roll-ups. Pure: no I/O, no AWS; the compile job writes the compiled part.
 */
import * as z from '../zod.ts';
import type { Bukai, Directory } from './directory.ts';
import { measuresOwnedBy } from './ownership.ts';
import type { Measure, PlanFile } from './plan.ts';
import { QuarterKeySchema, StoredReportSchema, type StoredReport } from './report.ts';
import { CompiledMeasureStatusSchema, RollupSchema, type CompiledMeasureStatus, type Rollup } from './status.ts';

/** One 事業 in a status answer. */
export const MeasureStatusEntrySchema = z.object({
  measureId: z.string(),
  name: z.string().check(z.describe('事業名')),
  current: z.nullable(StoredReportSchema).check(z.describe('the latest report of an owning 課 this quarter; null = 未報告')),
  compiled: z.nullable(CompiledMeasureStatusSchema).check(z.describe('the compiled status; null until the quarter is compiled')),
});
export type MeasureStatusEntry = z.infer<typeof MeasureStatusEntrySchema>;

/** GET /api/measures/{measureId}/status. */
export const MeasureStatusViewSchema = z.extend(MeasureStatusEntrySchema, { quarter: QuarterKeySchema });
export type MeasureStatusView = z.infer<typeof MeasureStatusViewSchema>;

/** GET /api/bukai/{bukaiId}/status. */
export const BukaiStatusViewSchema = z.object({
  quarter: QuarterKeySchema,
  bukai: z.object({ id: z.string(), name: z.string().check(z.describe('専門部会')) }),
  rollup: z.nullable(RollupSchema).check(z.describe('the 部会 roll-up; null until the quarter is compiled')),
  measures: z.array(MeasureStatusEntrySchema).check(z.describe('the 事業 any 課 of the 部会 owns, in plan order')),
});
export type BukaiStatusView = z.infer<typeof BukaiStatusViewSchema>;

/** GET /api/status. */
export const PlanStatusViewSchema = z.object({
  quarter: QuarterKeySchema,
  rollups: z.array(RollupSchema).check(z.describe('compiled roll-ups by 施策分野, 基本目標, 部会 and the plan; empty until compiled')),
  measures: z.array(MeasureStatusEntrySchema).check(z.describe('every 事業, in plan order')),
});
export type PlanStatusView = z.infer<typeof PlanStatusViewSchema>;

/**
 * The reports that state a status: an owner's `report`, not a related department's `comment`,
 * which may not set one.
 */
export function statusReports(reports: readonly StoredReport[]): StoredReport[] {
  return reports.filter((report) => report.kind === 'report');
}

/** One entry per 事業, in the order given. */
export function measureStatusEntries(
  measures: readonly Measure[],
  current: ReadonlyMap<string, StoredReport>,
  compiled: readonly CompiledMeasureStatus[] | undefined,
): MeasureStatusEntry[] {
  const compiledById = new Map((compiled ?? []).map((status) => [status.measureId, status]));
  return measures.map((measure) => ({
    measureId: measure.id,
    name: measure.name,
    current: current.get(measure.id) ?? null,
    compiled: compiledById.get(measure.id) ?? null,
  }));
}

/** The 事業 that any 課 of a 部会 owns (担当部署), in plan order, each once. */
export function measuresOfBukai(plan: PlanFile, directory: Directory, bukai: Bukai): Measure[] {
  const owned = new Set(
    directory.ka.filter((ka) => ka.bukai === bukai.name).flatMap((ka) => measuresOwnedBy(plan, ka).map((m) => m.id)),
  );
  return plan.measures.filter((measure) => owned.has(measure.id));
}

/** The 部会's roll-up among the compiled ones (keyed by the 部会's name; its id is accepted too). */
export function bukaiRollup(rollups: readonly Rollup[] | undefined, bukai: Bukai): Rollup | null {
  return (rollups ?? []).find((r) => r.scope === 'bukai' && (r.scopeId === bukai.name || r.scopeId === bukai.id)) ?? null;
}
