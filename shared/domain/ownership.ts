/**
 * Who owns what: the directory entry of a plan owner, the 課 behind a mail address, the 事業 a 課
 * owns, and the owners the directory cannot route mail to. The one place a 課 is matched to the
 * plan's 担当部署 (by 部会 and 課 name), so "nobody reports for a 事業 their 課 does not own" has one
 * definition.
 * Pure: no I/O, no AWS.
 */
import type { Directory, Ka } from './directory.ts';
import { editDistance } from './edit-distance.ts';
import type { Measure, Owner, PlanFile } from './plan.ts';

/** The directory entry of a plan owner, matched by 部会 and 課 name. */
export function findKa(directory: Directory, owner: Owner): Ka | undefined {
  return directory.ka.find((ka) => ka.name === owner.ka && ka.bukai === owner.bukai);
}

/** The 課 registered for an email address (case-insensitive), if any. */
export function kaByEmail(directory: Directory, email: string): Ka | undefined {
  const wanted = email.trim().toLowerCase();
  return directory.ka.find((ka) => ka.emails.some((e) => e.toLowerCase() === wanted));
}

/** An owner of the plan the directory cannot route mail to, with its place in the plan file. */
export interface UnroutableOwner {
  measureId: string;
  owner: Owner;
  /** Where in the plan file, e.g. `measures[3].owners[1]`. */
  path: string;
}

/** Owners of the plan that the directory cannot route mail to: each is a defect to fix. */
export function unroutableOwners(directory: Directory, plan: PlanFile): UnroutableOwner[] {
  return plan.measures.flatMap((m, mi) =>
    m.owners.flatMap((owner, oi) => (findKa(directory, owner) ? [] : [{ measureId: m.id, owner, path: `measures[${mi}].owners[${oi}]` }])),
  );
}

/** Spaces of any width dropped, so "行政　部会" and "行政部会" compare equal. */
const withoutSpaces = (text: string) => text.replace(/\s/gu, '');

/**
 * One line on an owner the directory cannot route mail to, Japanese then English: the 事業, the owner
 * as the plan writes it, its place in the plan file, and the directory's 課 it most likely means (the
 * same 課 in another 部会, names that differ only in spaces, or in a character or two: a typo), which the
 * two files must write alike.
 */
export function describeUnroutableOwner(directory: Directory, { measureId, owner, path }: UnroutableOwner): { ja: string; en: string } {
  const named = `${owner.bukai}/${owner.ka}`;
  const written = `${withoutSpaces(owner.bukai)}/${withoutSpaces(owner.ka)}`;
  const reach = written.length < 12 ? 1 : 2;
  const near =
    directory.ka.find((ka) => withoutSpaces(ka.name) === withoutSpaces(owner.ka) && withoutSpaces(ka.bukai) === withoutSpaces(owner.bukai)) ??
    directory.ka.find((ka) => withoutSpaces(ka.name) === withoutSpaces(owner.ka)) ??
    directory.ka
      .map((ka) => ({ ka, distance: editDistance(`${withoutSpaces(ka.bukai)}/${withoutSpaces(ka.name)}`, written) }))
      .filter((c) => c.distance <= reach)
      .sort((a, b) => a.distance - b.distance)[0]?.ka;
  const hint = near
    ? {
        ja: ` — 名簿では「${near.bukai}/${near.name}」(課 id ${near.id}) です。計画と名簿で同じ書き方にしてください`,
        en: ` — the directory has "${near.bukai}/${near.name}" (課 id ${near.id}); write it alike in both files`,
      }
    : { ja: ' — 名簿の ka にこの部会・課がありません', en: ' — no 課 of the directory\'s ka has this 部会 and name' };
  return {
    ja: `事業 ${measureId} の担当 「${named}」 (${path})${hint.ja}`,
    en: `事業 ${measureId}: owner "${named}" (${path})${hint.en}`,
  };
}

/** Whether a 課 (by its name and 部会) is among the 担当部署 of a 事業. */
export function isOwner(measure: Pick<Measure, 'owners'>, who: { ka: string; bukai: string }): boolean {
  return measure.owners.some((o) => o.ka === who.ka && o.bukai === who.bukai);
}

/** The 事業 a 課 owns (listed in 担当部署). */
export function measuresOwnedBy(plan: PlanFile, ka: Ka): PlanFile['measures'] {
  return plan.measures.filter((m) => isOwner(m, { ka: ka.name, bukai: ka.bukai }));
}
