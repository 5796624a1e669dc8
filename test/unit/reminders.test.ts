/**
 * The reminder rules (shared/domain/reminders.ts): report reminders before, on and after the due
 * date, escalation steps, silence once reported, a 事業 of two 部会 in both notices, milestone
 * reminders at the configured offsets, fiscal-year boundaries, and the configuration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { measuresOwnedBy } from '#shared/domain/ownership';
import type { Directory } from '#shared/domain/directory';
import type { PlanFile } from '#shared/domain/plan';
import {
  defaultReminderConfig,
  dueItems,
  milestonesDoneOf,
  parseReminderConfig,
  ReminderConfigError,
  reminderConfigFromEnv,
  reportDueDate,
  reportQuartersInPlay,
  reportQuartersNeeded,
  reportsReceivedOf,
  type DueInput,
  type ReminderNotice,
} from '#shared/domain/reminders';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { fixtureDirectory, fixturePlan, storedReport } from '#test/support/reminder-fixture';

function due(today: string, overrides: Partial<DueInput> = {}): ReminderNotice[] {
  const config = overrides.config ?? defaultReminderConfig;
  const quarters = reportQuartersInPlay(today, fixturePlan, config);
  return dueItems({
    plan: fixturePlan,
    directory: fixtureDirectory,
    today,
    reportsReceived: new Map(quarters.map((q) => [q, new Set<string>()])),
    milestoneDone: () => false,
    config,
    ...overrides,
  });
}

/** `{ 部会 id: { 課 id: [事業 ids] } }` of the notices of one kind. */
function listing(notices: ReminderNotice[], kind: ReminderNotice['kind']) {
  return Object.fromEntries(
    notices
      .filter((n) => n.kind === kind)
      .map((n) => [n.bukai.id, Object.fromEntries(n.ka.map((k) => [k.ka.id, k.measures.map((m) => m.measureId)]))]),
  );
}

describe('report due dates', () => {
  it('are 10 days after the quarter ends by default, Q4 in the next calendar year', () => {
    // Prepare / Act / Assess
    expect(reportDueDate('FY2012-Q1', defaultReminderConfig)).toBe('2012-07-10');
    expect(reportDueDate('FY2012-Q3', defaultReminderConfig)).toBe('2013-01-10');
    expect(reportDueDate('FY2012-Q4', defaultReminderConfig)).toBe('2013-04-10');
  });

  it('follow the configured number of days', () => {
    // Prepare
    const config = parseReminderConfig({ report: { dueDaysAfterQuarterEnd: 20 } });
    // Act / Assess
    expect(reportDueDate('FY2012-Q2', config)).toBe('2012-10-20');
  });
});

describe('report reminders', () => {
  it.each([
    ['2012-06-26', 'before-14', 'before', 14],
    ['2012-07-07', 'before-3', 'before', 3],
    ['2012-07-10', 'on-day', 'on-day', 0],
    ['2012-07-11', 'overdue-1', 'overdue', 1],
  ] as const)('on %s remind every owning 課 (%s)', (today, stepKey, step, days) => {
    // Prepare / Act
    const notices = due(today);
    // Assess
    expect(notices.map((n) => n.key)).toEqual([`report-due#FY2012-Q1#kikaku#${stepKey}`, `report-due#FY2012-Q1#somu#${stepKey}`]);
    expect(listing(notices, 'report-due')).toEqual({
      kikaku: { 'sogo-seisaku': ['1-1-1', '1-1-2'], 'joho-seisaku': ['1-1-3'] },
      somu: { 'somu-ka': ['1-1-2'] },
    });
    const item = notices[0]!.ka[0]!.measures[0]!.due[0]!;
    expect(item).toMatchObject({ type: 'report', quarter: 'FY2012-Q1', dueDate: '2012-07-10', step, days, daysToDue: step === 'overdue' ? -days : days });
    expect(notices.every((n) => n.quarter === 'FY2012-Q1' && n.day === today)).toBe(true);
  });

  it.each(['2012-06-25', '2012-06-30', '2012-07-15', '2012-07-16'])('sends nothing on %s', (today) => {
    // Prepare / Act / Assess
    expect(due(today)).toEqual([]);
  });

  it.each([
    ['2012-06-27', 'before-14', 13],
    ['2012-06-29', 'before-14', 11],
    ['2012-07-09', 'before-3', 1],
    ['2012-07-12', 'overdue-1', -2],
    ['2012-07-14', 'overdue-1', -4],
  ] as const)('still has the step of a missed day due on %s (%s), worded from that day, up to 3 days late', (today, stepKey, daysToDue) => {
    // Prepare / Act
    const notices = due(today);
    const onItsDayOnly = due(today, { config: parseReminderConfig({ catchUpDays: 0 }) });
    // Assess: named as the step, so the run of its own day having sent it, this run sends nothing
    expect(notices.map((n) => n.key)).toEqual([`report-due#FY2012-Q1#kikaku#${stepKey}`, `report-due#FY2012-Q1#somu#${stepKey}`]);
    expect(notices[0]!.ka[0]!.measures[0]!.due[0]).toMatchObject({ type: 'report', daysToDue });
    expect(notices.every((n) => n.day === today)).toBe(true);
    expect(onItsDayOnly).toEqual([]);
  });

  it('catches up only the latest step: a later step that has come replaces a missed one', () => {
    // Prepare: 14 and 3 days before, with a week to catch up in
    const config = parseReminderConfig({ catchUpDays: 7 });
    // Act
    const beforeTheNext = due('2012-07-03', { config });
    const onTheNext = due('2012-07-07', { config });
    // Assess
    expect(beforeTheNext.map((n) => n.key.split('#').at(-1))).toEqual(['before-14', 'before-14']);
    expect(onTheNext.map((n) => n.key.split('#').at(-1))).toEqual(['before-3', 'before-3']);
  });

  it('follow configured offsets, without an on-day reminder when switched off', () => {
    // Prepare
    const config = parseReminderConfig({ report: { daysBefore: [7], onDueDay: false, overdueDaysAfter: [2, 5] }, catchUpDays: 0 });
    // Act
    const days = ['2012-07-03', '2012-07-10', '2012-07-12', '2012-07-15'].map((d) => due(d, { config }).map((n) => n.key.split('#').at(-1)));
    // Assess
    expect(days).toEqual([
      ['before-7', 'before-7'],
      [],
      ['overdue-2', 'overdue-2'],
      ['overdue-5', 'overdue-5'],
    ]);
  });

  it('cross the fiscal-year boundary: Q4 of FY2012 is reminded in FY2013 under its own quarter', () => {
    // Prepare / Act
    const before = due('2013-03-27');
    const onDay = due('2013-04-10');
    // Assess
    expect(before.map((n) => n.key)).toEqual(['report-due#FY2012-Q4#kikaku#before-14', 'report-due#FY2012-Q4#somu#before-14']);
    expect(onDay.map((n) => n.key)).toEqual(['report-due#FY2012-Q4#kikaku#on-day', 'report-due#FY2012-Q4#somu#on-day']);
  });

  it('stop at the end of the plan period', () => {
    // Prepare / Act / Assess: the plan runs FY2012–FY2013, so FY2014-Q1 (due 2014-07-10) has no reminders
    expect(due('2014-06-26')).toEqual([]);
  });

  it('leave out 事業 already reported, and send nothing to a 部会 whose 事業 are all reported', () => {
    // Prepare
    const reportsReceived = new Map([['FY2012-Q1', new Set(['1-1-1', '1-1-2'])]]);
    // Act
    const notices = due('2012-07-07', { reportsReceived });
    // Assess
    expect(listing(notices, 'report-due')).toEqual({ kikaku: { 'joho-seisaku': ['1-1-3'] } });
  });

  it('put a 事業 owned by 課 of two 部会 into both 部会 notices', () => {
    // Prepare / Act
    const notices = due('2012-06-26');
    // Assess
    const holders = notices.filter((n) => n.ka.some((k) => k.measures.some((m) => m.measureId === '1-1-2'))).map((n) => n.bukai.id);
    expect(holders).toEqual(['kikaku', 'somu']);
  });

  it('refuse to decide without the reports of the quarter in play', () => {
    // Prepare / Act / Assess
    expect(() => due('2012-07-10', { reportsReceived: new Map() })).toThrow(/FY2012-Q1/);
  });
});

describe('escalation', () => {
  it('goes to the 部会長 7 days after the due date and to the secretariat 14 days after', () => {
    // Prepare / Act
    const chair = due('2012-07-17');
    const secretariat = due('2012-07-24');
    // Assess
    expect(chair.map((n) => [n.key, n.kind, n.escalation])).toEqual([
      ['escalation#FY2012-Q1#kikaku#chair', 'escalation', 'chair'],
      ['escalation#FY2012-Q1#somu#chair', 'escalation', 'chair'],
    ]);
    expect(secretariat.map((n) => [n.key, n.escalation])).toEqual([
      ['escalation#FY2012-Q1#kikaku#secretariat', 'secretariat'],
      ['escalation#FY2012-Q1#somu#secretariat', 'secretariat'],
    ]);
    expect(listing(secretariat, 'escalation')).toEqual(listing(due('2012-06-26'), 'report-due'));
  });

  it('is not sent for 事業 reported late, nor at all when everything came in', () => {
    // Prepare
    const some = new Map([['FY2012-Q1', new Set(['1-1-2', '1-1-3'])]]);
    const all = new Map([['FY2012-Q1', new Set(['1-1-1', '1-1-2', '1-1-3'])]]);
    // Act / Assess
    expect(listing(due('2012-07-17', { reportsReceived: some }), 'escalation')).toEqual({ kikaku: { 'sogo-seisaku': ['1-1-1'] } });
    expect(due('2012-07-24', { reportsReceived: all })).toEqual([]);
  });

  it('follows configured grace periods', () => {
    // Prepare
    const config = parseReminderConfig({ escalation: { chairAfterDays: 3, secretariatAfterDays: 10 } });
    const escalations = (today: string) => due(today, { config }).filter((n) => n.kind === 'escalation');
    // Act / Assess
    expect(escalations('2012-07-13').map((n) => n.escalation)).toEqual(['chair', 'chair']);
    expect(escalations('2012-07-17')).toEqual([]);
    expect(escalations('2012-07-20').map((n) => n.escalation)).toEqual(['secretariat', 'secretariat']);
  });

  it('still has an escalation whose day was missed due up to 3 days later, counting the days overdue from that day', () => {
    // Prepare / Act: the chair's day is 2012-07-17, the secretariat's 2012-07-24
    const late = due('2012-07-20').filter((n) => n.kind === 'escalation');
    const tooLate = due('2012-07-21').filter((n) => n.kind === 'escalation');
    // Assess
    expect(late.map((n) => n.key)).toEqual(['escalation#FY2012-Q1#kikaku#chair', 'escalation#FY2012-Q1#somu#chair']);
    expect(late[0]!.ka[0]!.measures[0]!.due[0]).toMatchObject({ type: 'escalation', level: 'chair', daysOverdue: 10 });
    expect(tooLate).toEqual([]);
  });
});

describe('milestone reminders', () => {
  it('remind 30 and 7 days before a span ends (31 March) and before one starts (1 April)', () => {
    // Prepare / Act
    const endIn30 = due('2013-03-01');
    const startIn30 = due('2013-03-02');
    const endIn7 = due('2013-03-24');
    const startIn7 = due('2013-03-25');
    // Assess: 1-1-1 m1 spans FY2012 only; m2 starts FY2013
    expect(listing(endIn30, 'milestone')).toEqual({ kikaku: { 'sogo-seisaku': ['1-1-1'] } });
    expect(endIn30[0]!.ka[0]!.measures[0]!.due).toEqual([
      {
        type: 'milestone',
        key: 'milestone-end#1-1-1#m1#kikaku#before-30',
        edge: 'end',
        milestoneId: 'm1',
        label: '利用状況の調査',
        fiscalYears: { from: 2012, to: 2012 },
        inferred: false,
        date: '2013-03-31',
        daysBefore: 30,
      },
    ]);
    expect(startIn30[0]!.ka[0]!.measures[0]!.due.map((d) => d.key)).toEqual(['milestone-start#1-1-1#m2#kikaku#before-30']);
    expect(endIn7.flatMap((n) => n.ka.flatMap((k) => k.measures.flatMap((m) => m.due.map((d) => d.key))))).toEqual(['milestone-end#1-1-1#m1#kikaku#before-7']);
    expect(startIn7.flatMap((n) => n.ka.flatMap((k) => k.measures.flatMap((m) => m.due.map((d) => d.key))))).toEqual(['milestone-start#1-1-1#m2#kikaku#before-7']);
  });

  it('name the mail by kind, day and 部会, so a retry with fewer items keeps the same key', () => {
    // Prepare / Act
    const notices = due('2013-03-01');
    // Assess
    expect(notices.map((n) => [n.key, n.kind, n.quarter])).toEqual([['milestone#2013-03-01#kikaku', 'milestone', 'FY2012-Q4']]);
  });

  it('remind a 事業 of two 部会 in both, at the end of the plan period', () => {
    // Prepare / Act
    const notices = due('2014-03-01');
    // Assess: 1-1-1 m2, 1-1-2 m1 and 1-1-3 m1 all end on 2014-03-31
    expect(listing(notices, 'milestone')).toEqual({
      kikaku: { 'sogo-seisaku': ['1-1-1', '1-1-2'], 'joho-seisaku': ['1-1-3'] },
      somu: { 'somu-ka': ['1-1-2'] },
    });
  });

  it('fire at configured offsets only', () => {
    // Prepare
    const config = parseReminderConfig({ milestone: { daysBeforeStart: [10], daysBeforeEnd: [45] } });
    // Act / Assess
    expect(due('2013-02-14', { config }).map((n) => n.key)).toEqual(['milestone#2013-02-14#kikaku']);
    expect(due('2013-03-22', { config })[0]!.ka[0]!.measures[0]!.due.map((d) => d.key)).toEqual(['milestone-start#1-1-1#m2#kikaku#before-10']);
    expect(due('2013-03-01', { config })).toEqual([]);
  });

  it('are not sent for a milestone already done', () => {
    // Prepare
    const milestoneDone = (measureId: string, milestoneId: string) => measureId === '1-1-1' && milestoneId === 'm1';
    // Act / Assess
    expect(due('2013-03-01', { milestoneDone })).toEqual([]);
  });
});

describe('the reports that matter', () => {
  it('are the quarter in play on report days, every quarter of the plan so far on milestone days, none otherwise', () => {
    // Prepare / Act / Assess
    expect(reportQuartersNeeded('2012-06-26', fixturePlan, defaultReminderConfig)).toEqual(['FY2012-Q1']);
    expect(reportQuartersNeeded('2012-06-30', fixturePlan, defaultReminderConfig)).toEqual([]);
    expect(reportQuartersNeeded('2013-03-01', fixturePlan, defaultReminderConfig)).toEqual(['FY2012-Q1', 'FY2012-Q2', 'FY2012-Q3', 'FY2012-Q4']);
    // 30 days before the plan starts: no quarter of the plan has reports yet
    expect(reportQuartersNeeded('2012-03-02', fixturePlan, defaultReminderConfig)).toEqual([]);
  });

  it('count reports, not comments, per quarter', () => {
    // Prepare
    const reports = [
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q1' }),
      storedReport({ measureId: '1-1-2', quarter: 'FY2012-Q1', kind: 'comment', status: undefined }),
      storedReport({ measureId: '1-1-3', quarter: 'FY2012-Q2' }),
    ];
    // Act
    const received = reportsReceivedOf(reports, ['FY2012-Q1']);
    // Assess
    expect([...received.entries()].map(([q, s]) => [q, [...s]])).toEqual([['FY2012-Q1', ['1-1-1']]]);
  });

  it('read a milestone as done from the latest version, honouring a correction', () => {
    // Prepare
    const reports = [
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', version: 1, milestones: [{ milestoneId: 'm1', progress: 'done', date: '2012-12-01' }] }),
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', version: 2, milestones: [{ milestoneId: 'm1', progress: 'in_progress' }] }),
      storedReport({ measureId: '1-1-3', quarter: 'FY2012-Q4', milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-02-01' }] }),
    ];
    // Act
    const done = milestonesDoneOf(reports);
    // Assess
    expect(done('1-1-1', 'm1')).toBe(false);
    expect(done('1-1-3', 'm1')).toBe(true);
    expect(done('1-1-2', 'm1')).toBe(false);
  });

  it('keep a milestone done when later reports leave it out, and take it back when a later one says otherwise', () => {
    // Prepare: 1-1-1 m1 done in Q2, the Q3 report (by mail) names no milestone; 1-1-3 m1 done in Q2, in progress in Q4
    const reports = [
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q2', milestones: [{ milestoneId: 'm1', progress: 'done', date: '2012-09-01' }] }),
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', milestones: [] }),
      storedReport({ measureId: '1-1-3', quarter: 'FY2012-Q4', milestones: [{ milestoneId: 'm1', progress: 'in_progress' }] }),
      storedReport({ measureId: '1-1-3', quarter: 'FY2012-Q2', milestones: [{ milestoneId: 'm1', progress: 'done', date: '2012-09-01' }] }),
    ];
    // Act
    const done = milestonesDoneOf(reports);
    // Assess
    expect(done('1-1-1', 'm1')).toBe(true);
    expect(done('1-1-3', 'm1')).toBe(false);
  });

  it('keep a milestone done when a correction in the same quarter leaves it out', () => {
    // Prepare: v1 by the form marks m1 done; v2 by mail corrects only the amount
    const reports = [
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', version: 2, milestones: [], budgetExecutedThousandYen: 120 }),
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', version: 1, milestones: [{ milestoneId: 'm1', progress: 'done', date: '2012-12-01' }] }),
    ];
    // Act
    const done = milestonesDoneOf(reports);
    // Assess
    expect(done('1-1-1', 'm1')).toBe(true);
  });

  it('silence the milestone reminder of a milestone marked done quarters before', () => {
    // Prepare: 1-1-1 m1 (FY2012) ends 2013-03-31; it was reported done in FY2012-Q1, and the Q3 report left it out
    const today = '2013-03-01';
    const quarters = reportQuartersNeeded(today, fixturePlan, defaultReminderConfig);
    const reports = [
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q1', milestones: [{ milestoneId: 'm1', progress: 'done', date: '2012-06-01' }] }),
      storedReport({ measureId: '1-1-1', quarter: 'FY2012-Q3', milestones: [] }),
    ].filter((r) => quarters.includes(r.quarter));
    const itemsOf = (notices: ReminderNotice[]) => notices.flatMap((n) => n.ka.flatMap((k) => k.measures.flatMap((m) => m.due.map((d) => d.key))));
    // Act
    const silenced = itemsOf(due(today, { milestoneDone: milestonesDoneOf(reports) }));
    const unreported = itemsOf(due(today, { milestoneDone: milestonesDoneOf([]) }));
    // Assess
    expect(unreported.some((key) => key.startsWith('milestone-end#1-1-1#m1#'))).toBe(true);
    expect(silenced.some((key) => key.startsWith('milestone-end#1-1-1#m1#'))).toBe(false);
  });
});

describe('configuration', () => {
  it('defaults to due +10 days, reminders 14 and 3 days before, on the day, 1 day overdue, escalation +7/+14, 3 days to catch up, milestones 30 and 7 days', () => {
    // Prepare / Act
    const config = parseReminderConfig(undefined);
    // Assess
    expect(config).toEqual({
      report: { dueDaysAfterQuarterEnd: 10, daysBefore: [14, 3], onDueDay: true, overdueDaysAfter: [1] },
      escalation: { chairAfterDays: 7, secretariatAfterDays: 14 },
      catchUpDays: 3,
      milestone: { daysBeforeStart: [30, 7], daysBeforeEnd: [30, 7] },
    });
  });

  it('reads REMINDER_CONFIG as JSON, sorting and de-duplicating offsets', () => {
    // Prepare
    const env = { REMINDER_CONFIG: JSON.stringify({ report: { daysBefore: [3, 14, 3] }, milestone: { daysBeforeEnd: [7] } }) };
    // Act
    const config = reminderConfigFromEnv(env);
    // Assess
    expect(config.report.daysBefore).toEqual([14, 3]);
    expect(config.milestone).toEqual({ daysBeforeStart: [30, 7], daysBeforeEnd: [7] });
  });

  it.each([
    [{ escalation: { chairAfterDays: 14, secretariatAfterDays: 7 } }, /secretariatAfterDays must be later/],
    [{ report: { daysBefore: [0] } }, /day counts start at 1/],
    [{ report: { dayBefore: [3] } }, /report/],
    [{ report: { daysBefore: [60] }, escalation: { chairAfterDays: 20, secretariatAfterDays: 30 } }, /under 85 days/],
    [{ report: { daysBefore: [60] }, escalation: { chairAfterDays: 10, secretariatAfterDays: 20 }, catchUpDays: 5 }, /\+ catchUpDays\) must be under 85 days/],
    [{ catchUpDays: 15 }, /catchUpDays/],
  ])('refuses %j with a bilingual message', (section, message) => {
    // Prepare / Act / Assess
    expect(() => parseReminderConfig(section)).toThrow(ReminderConfigError);
    expect(() => parseReminderConfig(section)).toThrow(message);
    expect(() => parseReminderConfig(section)).toThrow(/リマインダー設定が不正です/);
  });

  it('refuses REMINDER_CONFIG that is not JSON', () => {
    // Prepare / Act / Assess
    expect(() => reminderConfigFromEnv({ REMINDER_CONFIG: '{report' })).toThrow(/not JSON/);
  });
});

describe('with the 下野市 plan', () => {
  let plan: PlanFile;
  let directory: Directory;
  beforeAll(async () => {
    ({ plan } = await readPlanFile());
    directory = await readDirectoryFile();
  });

  it('reminds each of the 6 部会 once, listing exactly the 事業 its 課 own', () => {
    // Prepare
    const today = '2012-06-26';
    // Act
    const notices = dueItems({
      plan,
      directory,
      today,
      reportsReceived: new Map([['FY2012-Q1', new Set<string>()]]),
      milestoneDone: () => false,
      config: defaultReminderConfig,
    });
    // Assess
    expect(notices.map((n) => n.bukai.id).sort()).toEqual(directory.bukai.map((b) => b.id).sort());
    for (const notice of notices) {
      const owned = directory.ka
        .filter((ka) => ka.bukai === notice.bukai.name)
        .flatMap((ka) => measuresOwnedBy(plan, ka).map((m) => `${ka.id} ${m.id}`));
      const listed = notice.ka.flatMap((k) => k.measures.map((m) => `${k.ka.id} ${m.measureId}`));
      expect(listed.sort()).toEqual(owned.sort());
    }
  });
});
