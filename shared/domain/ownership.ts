/**
 * Who owns what: the directory entry of a plan owner, the 課 behind a mail address, the 事業 a 課
 * owns, and the owners the directory cannot route mail to. The one place a 課 is matched to the
 * plan's 担当部署 (by 部会 and 課 name), so "nobody reports for a 事業 their 課 does not own" has one
 * definition.
 * Pure: no I/O, no AWS.
 */
import type { Directory, Ka } from './directory.ts';
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

/** Owners of the plan that the directory cannot route mail to: each is a defect to fix. */
export function unroutableOwners(directory: Directory, plan: PlanFile): { measureId: string; owner: Owner }[] {
  return plan.measures.flatMap((m) =>
    m.owners.filter((o) => !findKa(directory, o)).map((owner) => ({ measureId: m.id, owner })),
  );
}

/** Whether a 課 (by its name and 部会) is among the 担当部署 of a 事業. */
export function isOwner(measure: Pick<Measure, 'owners'>, who: { ka: string; bukai: string }): boolean {
  return measure.owners.some((o) => o.ka === who.ka && o.bukai === who.bukai);
}

/** The 事業 a 課 owns (listed in 担当部署). */
export function measuresOwnedBy(plan: PlanFile, ka: Ka): PlanFile['measures'] {
  return plan.measures.filter((m) => isOwner(m, { ka: ka.name, bukai: ka.bukai }));
}
