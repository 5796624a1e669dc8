import { beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '#shared/domain/directory';
import { findKa, isOwner, kaByEmail, measuresOwnedBy, unroutableOwners } from '#shared/domain/ownership';
import type { PlanFile } from '#shared/domain/plan';
import { roleOf } from '#shared/domain/report-input';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

let plan: PlanFile;
let directory: Directory;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
  directory = await readDirectoryFile();
});

describe('ownership', () => {
  it('matches a 課 to a 事業 by 課 and 部会 together', () => {
    // Prepare: 5-1-1 is owned by 商工観光課 in 産業振興専門部会
    const measure = plan.measures.find((m) => m.id === '5-1-1')!;
    // Act / Assess
    expect(isOwner(measure, { ka: '商工観光課', bukai: '産業振興専門部会' })).toBe(true);
    expect(isOwner(measure, { ka: '商工観光課', bukai: '企画専門部会' })).toBe(false);
    expect(isOwner(measure, { ka: '総合政策課', bukai: '産業振興専門部会' })).toBe(false);
  });

  it('gives the report form and the reminders the same answer: the 事業 a 課 owns are those it may report on', () => {
    for (const ka of directory.ka) {
      // Act
      const owned = new Set(measuresOwnedBy(plan, ka).map((m) => m.id));
      const reportable = plan.measures.filter((m) => roleOf(m, { ka: ka.name, bukai: ka.bukai }) === 'owner').map((m) => m.id);
      // Assess
      expect(new Set(reportable), ka.id).toEqual(owned);
    }
    expect(directory.ka.some((ka) => measuresOwnedBy(plan, ka).length > 1)).toBe(true);
  });

  it('finds the 課 of an owner and of a registered address (case-insensitive), and routes every owner of the embedded plan', () => {
    // Prepare
    const ka = directory.ka[0]!;
    // Act / Assess
    expect(findKa(directory, { ka: ka.name, bukai: ka.bukai })?.id).toBe(ka.id);
    expect(kaByEmail(directory, ` ${ka.emails[0]!.toUpperCase()} `)?.id).toBe(ka.id);
    expect(kaByEmail(directory, 'nobody@example.com')).toBeUndefined();
    expect(unroutableOwners(directory, plan)).toEqual([]);
    expect(unroutableOwners({ ...directory, ka: directory.ka.filter((k) => k.id !== ka.id) }, plan).length).toBeGreaterThan(0);
  });
});
