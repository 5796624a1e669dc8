/**
 * The plan in DynamoDB: one header item, one item per 基本目標 and one per 事業, all in the tenant's
 * plan partition, so the whole plan is read back with a single query.
 *
 * A plan is validated once, where it enters: its file is read through the plan's schema and lint
 * (`readPlanFile`), and these items are only ever written from a plan read that way. Reading them
 * back only drops the key attributes: the functions do not build the plan's schemas at every cold
 * start nor re-check the whole plan at every catalog refresh. After a change of the plan format,
 * load the plan again (`shinchoku load`, or a local restart).
 */
import { compareIds } from '../domain/ids.ts';
import type { Goal, Measure, PlanFile, PlanInfo } from '../domain/plan.ts';
import { batchWrite, deleteRequest, putRequest } from './batch.ts';
import { queryAll } from './query.ts';
import type { Store } from './store.ts';
import { tenantPrefix } from './table.ts';

export const planKeys = {
  partition: (tenant: string) => `${tenantPrefix(tenant)}PLAN`,
  info: () => 'INFO',
  goal: (goalId: string) => `GOAL#${goalId}`,
  measure: (measureId: string) => `MEASURE#${measureId}`,
};

export function planInfoToItem(tenant: string, info: PlanInfo) {
  return { pk: planKeys.partition(tenant), sk: planKeys.info(), type: 'PlanInfo', ...info };
}

export function goalToItem(tenant: string, goal: Goal) {
  return { pk: planKeys.partition(tenant), sk: planKeys.goal(goal.id), type: 'Goal', ...goal };
}

export function measureToItem(tenant: string, measure: Measure) {
  return { pk: planKeys.partition(tenant), sk: planKeys.measure(measure.id), type: 'Measure', ...measure };
}

/** An item as savePlan wrote it, without its key and type attributes. */
function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest;
}

export const planInfoFromItem = (item: Record<string, unknown>): PlanInfo => withoutKeys(item) as unknown as PlanInfo;
export const goalFromItem = (item: Record<string, unknown>): Goal => withoutKeys(item) as unknown as Goal;
export const measureFromItem = (item: Record<string, unknown>): Measure => withoutKeys(item) as unknown as Measure;

/**
 * Store a plan for its tenant, replacing the one stored before: 事業 that the new file no longer has
 * are deleted, so the stored plan always equals the file.
 */
export async function savePlan(store: Store, plan: PlanFile): Promise<void> {
  if (plan.plan.tenant !== store.tenant) {
    throw new Error(
      `計画のテナント "${plan.plan.tenant}" が保存先 "${store.tenant}" と異なります / plan tenant does not match the store's tenant`,
    );
  }
  const items = [
    planInfoToItem(store.tenant, plan.plan),
    ...plan.goals.map((g) => goalToItem(store.tenant, g)),
    ...plan.measures.map((m) => measureToItem(store.tenant, m)),
  ];
  const keep = new Set(items.map((i) => i.sk));
  const existing = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': planKeys.partition(store.tenant) },
    ProjectionExpression: 'pk, sk',
  });
  const stale = existing.filter((i) => !keep.has(String(i.sk)));
  await batchWrite(store, [
    ...items.map(putRequest),
    ...stale.map((i) => deleteRequest({ pk: i.pk, sk: i.sk })),
  ]);
}

/** The stored plan of the store's tenant; undefined when none was loaded. */
export async function loadPlan(store: Store): Promise<PlanFile | undefined> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': planKeys.partition(store.tenant) },
  });
  const info = items.find((i) => i.type === 'PlanInfo');
  if (!info) return undefined;
  const goals = items
    .filter((i) => i.type === 'Goal')
    .map(goalFromItem)
    .sort((a, b) => compareIds(a.id, b.id));
  const measures = items
    .filter((i) => i.type === 'Measure')
    .map(measureFromItem)
    .sort((a, b) => compareIds(a.id, b.id));
  return { plan: planInfoFromItem(info), goals, measures };
}

/** One 事業, read by its key. */
export async function getMeasure(store: Store, measureId: string): Promise<Measure | undefined> {
  const { Item } = await store.doc.get({
    TableName: store.tableName,
    Key: { pk: planKeys.partition(store.tenant), sk: planKeys.measure(measureId) },
  });
  return Item ? measureFromItem(Item) : undefined;
}
