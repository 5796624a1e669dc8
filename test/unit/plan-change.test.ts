/**
 * What a new plan file changes for the 事業 of the stored plan (shared/domain/plan-change.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addedMeasures, describeMeasureChange, measureChanges } from '#shared/domain/plan-change';
import type { PlanFile } from '#shared/domain/plan';
import { readPlanFile } from '#shared/plan-file';

let plan: PlanFile;

beforeAll(async () => {
  ({ plan } = await readPlanFile());
});

const edited = (edit: (m: PlanFile['measures'][number]) => PlanFile['measures'][number] | undefined): PlanFile => ({
  ...plan,
  measures: plan.measures.flatMap((m) => edit(m) ?? []),
});

describe('measureChanges', () => {
  it('finds nothing for the same plan, also with its 事業 in another order', () => {
    expect(measureChanges(plan, plan)).toEqual([]);
    expect(measureChanges(plan, { ...plan, measures: [...plan.measures].reverse() })).toEqual([]);
  });

  it('names a dropped 事業, a renamed one and one with other owners; a new 事業 is no change', () => {
    // Prepare
    const next = edited((m) => {
      if (m.id === '5-4-1') return undefined;
      if (m.id === '1-1-1') return { ...m, name: `${m.name}（改）` };
      if (m.id === '2-2-3') return { ...m, owners: [{ bukai: '総務専門部会', ka: '総務課' }] };
      return m;
    });
    next.measures.push({ ...plan.measures[0]!, id: '9-9-9', goalId: '9', areaId: '9-9' });
    // Act
    const changes = measureChanges(plan, next);
    // Assess
    expect(changes.map((c) => (c.kind === 'removed' ? [c.measureId, 'removed'] : [c.measureId, c.name, c.owners]))).toEqual([
      ['1-1-1', true, false],
      ['2-2-3', false, true],
      ['5-4-1', 'removed'],
    ]);
  });

  it('compares owners as a set: the same 課 in another order is no change', () => {
    // Prepare: 3-1-2 has two owners
    const next = edited((m) => (m.id === '3-1-2' ? { ...m, owners: [...m.owners].reverse() } : m));
    // Assess
    expect(plan.measures.find((m) => m.id === '3-1-2')!.owners.length).toBe(2);
    expect(measureChanges(plan, next)).toEqual([]);
  });
});

describe('addedMeasures', () => {
  it('lists the 事業 a new plan adds, and every 事業 when no plan is stored yet', () => {
    // Prepare
    const next = { ...plan, measures: [...plan.measures, { ...plan.measures[0]!, id: '9-9-9' }] };
    // Assess
    expect(addedMeasures(plan, next).map((m) => m.id)).toEqual(['9-9-9']);
    expect(addedMeasures(undefined, plan)).toHaveLength(plan.measures.length);
  });
});

describe('describeMeasureChange', () => {
  it('says in Japanese, then English, what each change does to the reports', () => {
    // Prepare
    const next = edited((m) => (m.id === '5-4-1' ? undefined : m.id === '2-2-3' ? { ...m, name: '新しい名前', owners: [{ bukai: '総務専門部会', ka: '総務課' }] } : m));
    const [renamed, removed] = measureChanges(plan, next);
    // Act
    const a = describeMeasureChange(renamed!, 2);
    const b = describeMeasureChange(removed!, 1);
    // Assess
    expect(a.ja).toMatch(/^2-2-3: 事業名 「.+」→「新しい名前」、担当部署 企画専門部会\/総合政策課 → 総務専門部会\/総務課 \(報告 2 件/);
    expect(a.en).toMatch(/^2-2-3: name ".+" → "新しい名前", owners 企画専門部会\/総合政策課 → 総務専門部会\/総務課 \(its 2 report/);
    expect(b.ja).toMatch(/^5-4-1 「.+」: 新しい計画にありません \(報告 1 件/);
    expect(b.en).toMatch(/^5-4-1 ".+": not in the new plan/);
    const reused = describeMeasureChange({ measureId: '5-4-1', kind: 'reused', after: { ...plan.measures[0]!, id: '5-4-1', name: '新しい事業' } }, 3);
    expect(reused.ja).toBe('5-4-1 「新しい事業」: 計画にない事業の報告 3 件が、この番号に残っています (この事業の報告として読まれます)');
    expect(reused.en).toMatch(/^5-4-1 "新しい事業": 3 report\(s\) of a 事業 no longer in the plan are kept under this id/);
  });
});
