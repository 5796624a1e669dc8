/**
 * What `shinchoku compile` says of the leadership digest (cli/compile-command.ts): send-digest's own
 * answer to the QuarterCompiled the command's bus delivered, in Japanese and English.
 */
import { describe, expect, it } from 'vitest';
import { digestOutcome, digestWords } from '#cli/compile-command';

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
