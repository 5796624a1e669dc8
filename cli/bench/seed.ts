/**
 * A seeded generator of many municipalities for the benchmarks: each tenant gets a plan derived from
 * the 下野市 catalog (a seeded subset of its 事業, 30–51) and one report per 事業 for the quarter,
 * with seeded statuses, milestone progress and text of realistic length. The same seed gives the
 * same data, so two runs measure the same work.
 */
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, reportStatuses, type StoredReport } from '#shared/domain/report';
import { batchWrite, putRequest } from '#shared/store/batch';
import { goalToItem, measureToItem, planInfoToItem } from '#shared/store/plan-items';
import { reportToItem } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';

/** mulberry32: a tiny seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedTenant {
  tenant: string;
  plan: PlanFile;
  reports: StoredReport[];
}

const phrases = ['庁内ネットワークの更新を進めた。', '関係課と調整中。', '仕様書を作成した。', '入札を実施した。', '利用者説明会を開催した。', '次期計画に向けて課題を整理した。'];

function text(random: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => phrases[Math.floor(random() * phrases.length)]).join('');
}

/** The `index`-th generated municipality for `quarter`, from the base plan. */
export function generateTenant(base: PlanFile, index: number, quarter: string, seed: number): GeneratedTenant {
  const random = mulberry32(seed * 1_000_003 + index);
  const tenant = `bench-${String(index).padStart(6, '0')}`;
  const keep = 30 + Math.floor(random() * (base.measures.length - 29));
  const measures = [...base.measures].sort(() => random() - 0.5).slice(0, Math.min(keep, base.measures.length));
  measures.sort((a, b) => (a.id < b.id ? -1 : 1));
  const plan: PlanFile = { ...base, plan: { ...base.plan, tenant }, measures };
  const submittedAt = new Date(Date.UTC(2013, 9, 5, 1, 0, 0)).toISOString();
  const reports = measures.map((m): StoredReport => {
    const owner = m.owners[0]!;
    const status = reportStatuses[Math.floor(random() * reportStatuses.length)]!;
    return {
      measureId: m.id,
      quarter,
      kind: 'report',
      status,
      milestones: m.milestones.map((ms) => ({ milestoneId: ms.id, progress: random() < 0.5 ? 'in_progress' : 'done' })),
      narrative: text(random, 2 + Math.floor(random() * 6)),
      issues: status === '遅延' || status === '遅れ気味' ? text(random, 2) : '',
      nextSteps: text(random, 1 + Math.floor(random() * 3)),
      reporter: { kaId: 'bench-ka', ka: owner.ka, bukai: owner.bukai, person: '担当者' },
      version: 1,
      reference: reportReference(m.id, quarter, 1),
      channel: 'api',
      submittedAt,
      attachments: [],
    };
  });
  return { tenant, plan, reports };
}

/** Write a generated municipality's plan and reports with BatchWrite; returns the items written. */
export async function writeTenant(store: Store, generated: GeneratedTenant): Promise<number> {
  const t = generated.tenant;
  const items = [
    planInfoToItem(t, generated.plan.plan),
    ...generated.plan.goals.map((g) => goalToItem(t, g)),
    ...generated.plan.measures.map((m) => measureToItem(t, m)),
    ...generated.reports.map((r) => reportToItem(t, r)),
  ];
  await batchWrite(store, items.map(putRequest));
  return items.length;
}

/** A municipality written by `seedTable`: enough to compile it again. */
export interface SeededTenant {
  tenant: string;
  plan: PlanFile;
  /** 事業 in its plan (each with one report for the quarter). */
  measures: number;
}

export interface SeedProgress {
  measures: number;
  tenants: number;
  items: number;
  seconds: number;
}

/**
 * Fill one table with generated municipalities `0, 1, 2, …` until it holds at least `measures`
 * 事業, with a few writers in parallel (each taking the next municipality). `progress` is called
 * about every `progressEveryMs` while writing.
 */
export async function seedTable(options: {
  base: PlanFile;
  quarter: string;
  seed: number;
  measures: number;
  writers: number;
  store: (tenant: string) => Store;
  progress?: (p: SeedProgress) => void;
  progressEveryMs?: number;
}): Promise<{ tenants: SeededTenant[]; measures: number; items: number; seconds: number }> {
  const started = Date.now();
  const tenants: SeededTenant[] = [];
  let next = 0;
  let measures = 0;
  let items = 0;
  let lastProgress = Date.now();
  await Promise.all(
    Array.from({ length: options.writers }, async () => {
      while (measures < options.measures) {
        const g = generateTenant(options.base, next++, options.quarter, options.seed);
        measures += g.plan.measures.length;
        // Add after the await: `items += await …` would read `items` before the other writers' updates.
        const written = await writeTenant(options.store(g.tenant), g);
        items += written;
        tenants.push({ tenant: g.tenant, plan: g.plan, measures: g.plan.measures.length });
        if (options.progress && Date.now() - lastProgress > (options.progressEveryMs ?? 5000)) {
          lastProgress = Date.now();
          options.progress({ measures, tenants: tenants.length, items, seconds: (Date.now() - started) / 1000 });
        }
      }
    }),
  );
  tenants.sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
  return { tenants, measures, items, seconds: (Date.now() - started) / 1000 };
}
