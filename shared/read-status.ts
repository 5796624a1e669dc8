/**
 * Reading the status of a quarter: the latest report per 事業 beside the compiled status (written
 * by the compile job), for one 事業, one 専門部会 or the whole plan. Returns what was found or a
 * refusal (400 with the field, 403 outside the reader's scope, 404), as the other read functions do.
 * Scope (shared/auth/read-access.ts): a 課 reads the 事業 it owns or is related to, and its own
 * 部会, whose other 事業 it sees as compiled status and report summary; the whole plan and
 * everything else need the secretariat's or leadership's dashboard link.
 */
import { bukaiForbidden, mayReadBukai, mayReadMeasure, mayReadPlan, planForbidden, type Reader } from './auth/read-access.ts';
import { inScopeOf } from './domain/measure-span.ts';
import { resolveQuarter } from './domain/report-query.ts';
import { bukaiIdProblem } from './http/path-ids.ts';
import {
  bukaiRollup,
  measureStatusEntries,
  measuresOfBukai,
  statusReports,
  type BukaiStatusView,
  type MeasureStatusView,
  type PlanStatusView,
} from './domain/status-view.ts';
import { readableMeasure, type ReadOutcome } from './read-reports.ts';
import type { Catalog } from './store/catalog-cache.ts';
import { latestPerMeasure, reportHistory, reportsOfQuarter } from './store/report-items.ts';
import { loadCompiledQuarter, type CompiledQuarter } from './store/status-items.ts';
import type { Measure } from './domain/plan.ts';
import type { Store } from './store/store.ts';

export interface StatusRequest {
  /** `?quarter=`; absent = the current quarter within the plan period. */
  quarter: string | undefined;
  now?: Date;
}

/**
 * Which 事業 are in scope in the quarter: for a compiled quarter, those the compile counted (in scope
 * when it ran), so `inScope` says what the roll-ups count also after a revised plan moved a 事業's
 * スケジュール; before the compile, by the plan (`isInScope`).
 */
function scopeOf(catalog: Catalog, quarter: string, compiled: CompiledQuarter | undefined): (measure: Measure) => boolean {
  if (!compiled) return inScopeOf(catalog.plan, quarter);
  const counted = new Set(compiled.measures.map((status) => status.measureId));
  return (measure) => counted.has(measure.id);
}

function quarterOf(catalog: Catalog, request: StatusRequest): ReadOutcome<string> {
  const resolved = resolveQuarter(request.quarter, catalog.plan.plan.period, request.now ?? new Date());
  if ('problem' in resolved) return { outcome: 'invalid', ja: '四半期が正しくありません', en: 'invalid quarter', fields: [resolved.problem] };
  return { outcome: 'found', value: resolved.quarter };
}

/** One 事業: its latest report of the quarter and its compiled status, if the reader may read the 事業. */
export async function readMeasureStatus(
  store: Store,
  catalog: Catalog,
  reader: Reader,
  request: StatusRequest & { measureId: string | undefined },
): Promise<ReadOutcome<MeasureStatusView>> {
  const measure = readableMeasure(catalog, reader, request.measureId);
  if (measure.outcome !== 'found') return measure;
  const quarter = quarterOf(catalog, request);
  if (quarter.outcome !== 'found') return quarter;
  // One partition for the reports; the compiled quarter is one partition as well.
  const [reports, compiled] = await Promise.all([
    reportHistory(store, measure.value.id, quarter.value),
    loadCompiledQuarter(store, quarter.value),
  ]);
  const [entry] = measureStatusEntries(
    [measure.value],
    latestPerMeasure(statusReports(reports)),
    compiled?.measures,
    scopeOf(catalog, quarter.value, compiled),
  );
  return { outcome: 'found', value: { quarter: quarter.value, ...entry! } };
}

/**
 * The 事業 of one 専門部会 (by its directory id, e.g. `kikaku`) and the 部会 roll-up, for the 部会's
 * own 課 and dashboard holders. A 課 sees the 事業 it owns or is related to in full, the others as
 * their compiled status and a summary of the report (no names, 課題, 今後の予定 or attachments).
 */
export async function readBukaiStatus(
  store: Store,
  catalog: Catalog,
  reader: Reader,
  request: StatusRequest & { bukaiId: string | undefined },
): Promise<ReadOutcome<BukaiStatusView>> {
  const problem = bukaiIdProblem(request.bukaiId);
  if (problem) return { outcome: 'invalid', ja: '専門部会 id が正しくありません', en: 'invalid 部会 id', fields: [problem] };
  const bukai = catalog.directory.bukai.find((b) => b.id === request.bukaiId);
  if (!bukai) {
    return {
      outcome: 'not-found',
      ja: `専門部会 ${request.bukaiId ?? ''} は名簿にありません (例: ${catalog.directory.bukai[0]?.id ?? 'kikaku'})`,
      en: `no 専門部会 with id ${request.bukaiId ?? ''} in the directory`,
    };
  }
  if (!mayReadBukai(reader, bukai)) return bukaiForbidden(bukai);
  const quarter = quarterOf(catalog, request);
  if (quarter.outcome !== 'found') return quarter;
  const [reports, compiled] = await Promise.all([reportsOfQuarter(store, quarter.value), loadCompiledQuarter(store, quarter.value)]);
  const measures = measuresOfBukai(catalog.plan, bukai);
  return {
    outcome: 'found',
    value: {
      quarter: quarter.value,
      bukai: { id: bukai.id, name: bukai.name },
      rollup: bukaiRollup(compiled?.rollups, bukai),
      measures: measureStatusEntries(
        measures,
        latestPerMeasure(statusReports(reports)),
        compiled?.measures,
        scopeOf(catalog, quarter.value, compiled),
        (m) => mayReadMeasure(reader, m),
      ),
    },
  };
}

/** Every 事業 of the plan, with the compiled roll-ups: for dashboard holders (secretariat, leadership) only. */
export async function readPlanStatus(store: Store, catalog: Catalog, reader: Reader, request: StatusRequest): Promise<ReadOutcome<PlanStatusView>> {
  if (!mayReadPlan(reader)) return planForbidden;
  const quarter = quarterOf(catalog, request);
  if (quarter.outcome !== 'found') return quarter;
  const [reports, compiled] = await Promise.all([reportsOfQuarter(store, quarter.value), loadCompiledQuarter(store, quarter.value)]);
  return {
    outcome: 'found',
    value: {
      quarter: quarter.value,
      rollups: compiled?.rollups ?? [],
      measures: measureStatusEntries(
        catalog.plan.measures,
        latestPerMeasure(statusReports(reports)),
        compiled?.measures,
        scopeOf(catalog, quarter.value, compiled),
      ),
    },
  };
}
