/**
 * How `shinchoku remind` tells, on a day with nothing to send, when report reminders go: every kind of
 * day the rules have (before the due date, on it, after it), and none at all.
 */
import { describe, expect, it } from 'vitest';
import { reportReminderDays } from '#cli/remind-command';
import { defaultReminderConfig, type ReminderConfig } from '#shared/domain/reminders';

const withReport = (report: Partial<ReminderConfig['report']>): ReminderConfig => ({ ...defaultReminderConfig, report: { ...defaultReminderConfig.report, ...report } });

describe('when report reminders go, in words', () => {
  it('names the days before, the due date itself and the days after, in both languages', () => {
    // Act
    const words = reportReminderDays(withReport({ daysBefore: [14, 3], onDueDay: true, overdueDaysAfter: [1, 5] }));
    // Assess
    expect(words.ja).toBe('リマインダーは期限の14日前・3日前、期限の当日、期限の1日後・5日後に送ります');
    expect(words.en).toBe('reminders go 14 and 3 day(s) before the due date, on the due date, and 1 and 5 day(s) after it');
  });

  it('leaves out a kind of day the rules do not have', () => {
    // Act
    const words = reportReminderDays(withReport({ daysBefore: [], onDueDay: false, overdueDaysAfter: [2] }));
    // Assess
    expect(words.ja).toBe('リマインダーは期限の2日後に送ります');
    expect(words.en).toBe('reminders go 2 day(s) after the due date');
  });

  it('says so when no report reminder is set at all', () => {
    // Act
    const words = reportReminderDays(withReport({ daysBefore: [], onDueDay: false, overdueDaysAfter: [] }));
    // Assess
    expect(words).toEqual({ ja: '報告のリマインダーは送らない設定です', en: 'no report reminders are set' });
  });
});
