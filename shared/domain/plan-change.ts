/**
 * What loading a new plan file over a stored plan does to the 事業 that already have reports. Reports
 * are kept by 事業 id: a 事業 the new file drops keeps its reports where nothing shows them any more,
 * and an id the new file gives another name or other owners shows the old reports as the status of
 * what it now names, reported by a 課 that may no longer own it. Both can be meant (a 事業 ended, a 課
 * renamed in a reorganisation), so `shinchoku load` lists them and asks for a confirmation. So is an
 * id a new plan brings back for another 事業 while the reports of the one dropped before are still there.
 *
 * Pure: no I/O, no AWS.
 */
import type { Measure, Owner, PlanFile } from './plan.ts';

export type MeasureChange =
  | { measureId: string; kind: 'removed'; before: Measure }
  | { measureId: string; kind: 'changed'; before: Measure; after: Measure; name: boolean; owners: boolean }
  /** A 事業 the stored plan does not have, under an id that has reports (of a 事業 dropped before). */
  | { measureId: string; kind: 'reused'; after: Measure };

const ownerKey = (o: Owner) => `${o.bukai}/${o.ka}`;
const ownersOf = (m: Measure) => m.owners.map(ownerKey).sort();

/**
 * The 事業 of `before` that `after` drops, renames or gives other owners (a change of order is none).
 * The 事業 `after` adds are in {@link addedMeasures}: whether one is a change depends on the reports
 * its id already has.
 */
export function measureChanges(before: Pick<PlanFile, 'measures'>, after: Pick<PlanFile, 'measures'>): Exclude<MeasureChange, { kind: 'reused' }>[] {
  const next = new Map(after.measures.map((m) => [m.id, m]));
  return before.measures.flatMap((old): Exclude<MeasureChange, { kind: 'reused' }>[] => {
    const now = next.get(old.id);
    if (!now) return [{ measureId: old.id, kind: 'removed', before: old }];
    const name = now.name !== old.name;
    const owners = ownersOf(now).join('、') !== ownersOf(old).join('、');
    return name || owners ? [{ measureId: old.id, kind: 'changed', before: old, after: now, name, owners }] : [];
  });
}

/** The 事業 of `after` that `before` does not have (every one when nothing is stored yet). */
export function addedMeasures(before: Pick<PlanFile, 'measures'> | undefined, after: Pick<PlanFile, 'measures'>): Measure[] {
  const known = new Set(before?.measures.map((m) => m.id));
  return after.measures.filter((m) => !known.has(m.id));
}

/** One line per change, with the number of reports it concerns: Japanese, then English. */
export function describeMeasureChange(change: MeasureChange, reports: number): { ja: string; en: string } {
  const id = change.measureId;
  if (change.kind === 'reused') {
    return {
      ja: `${id} 「${change.after.name}」: 計画にない事業の報告 ${reports} 件が、この番号に残っています (この事業の報告として読まれます)`,
      en: `${id} "${change.after.name}": ${reports} report(s) of a 事業 no longer in the plan are kept under this id (they would be read as this 事業's)`,
    };
  }
  if (change.kind === 'removed') {
    return {
      ja: `${id} 「${change.before.name}」: 新しい計画にありません (報告 ${reports} 件はどこにも表示されなくなります)`,
      en: `${id} "${change.before.name}": not in the new plan (its ${reports} report(s) would no longer be shown anywhere)`,
    };
  }
  const ja: string[] = [];
  const en: string[] = [];
  if (change.name) {
    ja.push(`事業名 「${change.before.name}」→「${change.after.name}」`);
    en.push(`name "${change.before.name}" → "${change.after.name}"`);
  }
  if (change.owners) {
    ja.push(`担当部署 ${ownersOf(change.before).join('、')} → ${ownersOf(change.after).join('、')}`);
    en.push(`owners ${ownersOf(change.before).join(', ')} → ${ownersOf(change.after).join(', ')}`);
  }
  return {
    ja: `${id}: ${ja.join('、')} (報告 ${reports} 件は新しい計画のこの事業の報告として読まれます)`,
    en: `${id}: ${en.join(', ')} (its ${reports} report(s) would be read as reports of the 事業 the new plan names)`,
  };
}

/**
 * Why a load is refused: the changes with their report counts, and how to load anyway (`retry`, e.g.
 * "run again with --accept-changes"). Japanese, then English.
 */
export function changesRefusal(changes: readonly { change: MeasureChange; reports: number }[], retry: { ja: string; en: string }): { ja: string; en: string } {
  const lines = changes.map(({ change, reports }) => describeMeasureChange(change, reports));
  return {
    ja:
      `新しい計画は、報告のある ${changes.length} 事業を削除または変更します。何も書き込んでいません:\n${lines.map((l) => `  ${l.ja}`).join('\n')}\n` +
      `意図した変更 (事業の終了、課の改称など) なら${retry.ja}`,
    en: `the new plan drops or changes ${changes.length} 事業 that have reports; nothing was written:\n${lines.map((l) => `  ${l.en}`).join('\n')}\nif that is meant (a 事業 ended, a 課 renamed), ${retry.en}`,
  };
}
