/**
 * What `shinchoku compile` says of the leadership digest (cli/compile-command.ts): send-digest's own
 * answer to the QuarterCompiled the command's bus delivered, in Japanese and English.
 */
import { describe, expect, it } from 'vitest';
import { digestOutcome, digestWords, rollupTable } from '#cli/compile-command';

const bus = (result: unknown, failed = false) => ({
  delivered: failed ? [] : [{ fn: 'publish-public' }, { fn: 'send-digest', result }],
  deadLetters: failed ? [{ fn: 'send-digest' }] : [],
});

describe('the digest line of shinchoku compile', () => {
  it("tells sent, already sent and waiting for the due date apart, from send-digest's answer", () => {
    // Prepare / Act / Assess
    expect(digestOutcome(bus({ outcome: 'sent', messageId: 'm' }))).toBe('sent');
    expect(digestOutcome(bus({ outcome: 'already-sent' }))).toBe('already-sent');
    expect(digestOutcome(bus({ outcome: 'before-reports-due' }))).toBe('before-reports-due');
    expect(digestWords['before-reports-due'].ja).toContain('報告期限の翌日以降の集計で送ります');
    expect(digestWords['before-reports-due'].en).toContain('not sent now');
  });

  it('says failed when the delivery failed, and nothing without a bus of its own or a delivery', () => {
    // Prepare / Act / Assess
    expect(digestOutcome(bus(undefined, true))).toBe('failed');
    expect(digestOutcome(undefined)).toBeUndefined();
    expect(digestOutcome({ delivered: [{ fn: 'publish-public' }], deadLetters: [] })).toBeUndefined();
    expect(digestOutcome(bus({ outcome: 'other-tenant' }))).toBe('delivered');
  });
});

describe('the roll-up table of shinchoku compile', () => {
  it('heads its columns and names its scopes in Japanese and English, one tab-separated row per roll-up', () => {
    // Prepare
    const counts = { green: 2, amber: 1, red: 0, unreported: 3 };
    // Act
    const rows = rollupTable([
      { quarter: 'FY2014-Q2', scope: 'plan', scopeId: 'all', counts },
      { quarter: 'FY2014-Q2', scope: 'bukai', scopeId: '企画専門部会', counts },
    ])
      .split('\n')
      .map((line) => line.split('\t'));
    // Assess
    expect(rows).toEqual([
      ['範囲 / scope', 'id', '順調 / on track', '注意 / attention', '遅延 / delayed', '未報告 / not reported'],
      ['計画全体 / plan', 'all', '2', '1', '0', '3'],
      ['専門部会 / bukai', '企画専門部会', '2', '1', '0', '3'],
    ]);
  });
});
