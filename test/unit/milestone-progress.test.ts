/**
 * The milestone progress a new report states (shared/domain/milestone-progress.ts): its own lines,
 * and the last report's progress for every milestone it leaves out.
 */
import { expect, it } from 'vitest';
import { withCarriedMilestones } from '#shared/domain/milestone-progress';

it("keeps the report's own lines and carries the last report's progress for the milestones it leaves out", () => {
  // Prepare
  const last = {
    milestones: [
      { milestoneId: 'm1', progress: 'done' as const, date: '2013-06-30' },
      { milestoneId: 'm2', progress: 'in_progress' as const },
    ],
  };
  // Act
  const merged = withCarriedMilestones([{ milestoneId: 'm2', progress: 'done', date: '2013-09-01' }], last);
  // Assess
  expect(merged).toEqual([
    { milestoneId: 'm2', progress: 'done', date: '2013-09-01' },
    { milestoneId: 'm1', progress: 'done', date: '2013-06-30' },
  ]);
  expect(withCarriedMilestones([], undefined)).toEqual([]);
  expect(withCarriedMilestones([], last)).toEqual(last.milestones);
});
