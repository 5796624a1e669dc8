/**
 * Reading reports back: one by its 受付番号, or the whole history of a 事業. Like `submitReport`,
 * each returns what was found or a refusal (400 with the field, 403 outside the reader's scope, 404)
 * that the channel answers in its own way. A 課 reads the 事業 it owns or is related to; the
 * secretariat and the leadership read every 事業 (shared/auth/read-access.ts). The scope is checked
 * before anything is read, so a refusal says nothing of what is stored.
 */
import { mayReadMeasure, measureForbidden, type Reader } from './auth/read-access.ts';
import { parseReportReference, resolveQuarter, type ReportHistory } from './domain/report-query.ts';
import type { StoredReport } from './domain/report.ts';
import { shown } from './domain/ids.ts';
import { measureIdOfPath } from './http/path-ids.ts';
import type { Catalog } from './store/catalog-cache.ts';
import { getReport, reportHistory } from './store/report-items.ts';
import type { Store } from './store/store.ts';
import type { Refusal } from './submit-report.ts';

/** What a read found, or why there is nothing to answer. */
export type ReadOutcome<T> = { outcome: 'found'; value: T } | Refusal;

/** The 事業 a path names, or the refusal: 400 when it is no 事業 id, 404 when the plan has none. */
export function measureOfPath(catalog: Catalog, measureId: string | undefined): ReadOutcome<Catalog['plan']['measures'][number]> {
  const path = measureIdOfPath(measureId);
  if ('problem' in path) return { outcome: 'invalid', ja: '事業 id が正しくありません', en: 'invalid measure id', fields: [path.problem] };
  const { id } = path;
  const measure = catalog.plan.measures.find((m) => m.id === id);
  if (!measure) return { outcome: 'not-found', ja: `事業 ${id} は計画にありません`, en: `measure ${id} is not in the plan` };
  return { outcome: 'found', value: measure };
}

/** The 事業 a path names, if the reader may read it: 400, 404, else 403 outside its scope. */
export function readableMeasure(catalog: Catalog, reader: Reader, measureId: string | undefined): ReadOutcome<Catalog['plan']['measures'][number]> {
  const measure = measureOfPath(catalog, measureId);
  if (measure.outcome !== 'found') return measure;
  return mayReadMeasure(reader, measure.value) ? measure : measureForbidden(measure.value.id);
}

/** One report by its 受付番号 (e.g. `FY2013-Q2-2-2-3-v1`), if the reader may read its 事業. */
export async function readReportByReference(
  store: Store,
  catalog: Catalog,
  reader: Reader,
  reference: string | undefined,
): Promise<ReadOutcome<StoredReport>> {
  const key = parseReportReference(reference ?? '');
  if (!key) {
    return {
      outcome: 'invalid',
      ja: '受付番号が正しくありません',
      en: 'invalid reference',
      fields: [
        {
          field: 'reference',
          ja: `受付番号は FY2013-Q2-2-2-3-v1 の形式です: "${shown(reference ?? '')}"`,
          en: `references look like FY2013-Q2-2-2-3-v1, got "${shown(reference ?? '')}"`,
        },
      ],
    };
  }
  const notFound = { outcome: 'not-found', ja: `受付番号 ${reference} の報告はありません`, en: `no report with reference ${reference}` } as const;
  // A 事業 no longer in the plan has no owner: only a dashboard holder may look for its reports.
  const measure = catalog.plan.measures.find((m) => m.id === key.measureId);
  if (measure ? !mayReadMeasure(reader, measure) : reader.kind !== 'dashboard') return measure ? measureForbidden(measure.id) : notFound;
  const report = await getReport(store, key.measureId, key.quarter, key.version);
  if (!report) return notFound;
  return { outcome: 'found', value: report };
}

/** Every report of a 事業, oldest first, optionally of one quarter (`?quarter=`), if the reader may read it. */
export async function readReportHistory(
  store: Store,
  catalog: Catalog,
  reader: Reader,
  request: { measureId: string | undefined; quarter: string | undefined; now?: Date },
): Promise<ReadOutcome<ReportHistory>> {
  const measure = readableMeasure(catalog, reader, request.measureId);
  if (measure.outcome !== 'found') return measure;
  let quarter: string | undefined;
  if (request.quarter !== undefined && request.quarter.trim() !== '') {
    const resolved = resolveQuarter(request.quarter, catalog.plan.plan.period, request.now ?? new Date());
    if ('problem' in resolved) return { outcome: 'invalid', ja: '四半期が正しくありません', en: 'invalid quarter', fields: [resolved.problem] };
    quarter = resolved.quarter;
  }
  const reports = await reportHistory(store, measure.value.id, quarter);
  return { outcome: 'found', value: { measureId: measure.value.id, ...(quarter ? { quarter } : {}), reports } };
}
