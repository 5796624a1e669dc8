/**
 * What loading a plan would change under the reports already stored, apart from the plan's own items
 * (shared/store/plan-items.ts), whose readers (every function's catalog, the public plan) need none
 * of the report code this reads with.
 */
import type { PlanFile } from '../domain/plan.ts';
import { addedMeasures, measureChanges, type MeasureChange } from '../domain/plan-change.ts';
import { compareIds } from '../domain/ids.ts';
import { loadPlan } from './plan-items.ts';
import { reportCount } from './report-items.ts';
import type { Store } from './store.ts';

/**
 * The 事業 that saving `plan` would drop, rename or give other owners and that already have reports,
 * and the 事業 it adds under an id that still has reports of one dropped before (see
 * shared/domain/plan-change.ts), with their report counts, in id order.
 */
export async function changesOverReports(store: Store, plan: PlanFile): Promise<{ change: MeasureChange; reports: number }[]> {
  const stored = await loadPlan(store);
  const changes: MeasureChange[] = [
    ...(stored ? measureChanges(stored, plan) : []),
    ...addedMeasures(stored, plan).map((after): MeasureChange => ({ measureId: after.id, kind: 'reused', after })),
  ];
  const counted = await Promise.all(changes.map(async (change) => ({ change, reports: await reportCount(store, change.measureId) })));
  return counted.filter((c) => c.reports > 0).sort((a, b) => compareIds(a.change.measureId, b.change.measureId));
}
