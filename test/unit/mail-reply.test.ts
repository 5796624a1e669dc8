/** The answers to report mails (shared/domain/mail-reply.ts): threading, confirmation, rejections. */
import { describe, expect, it } from 'vitest';
import { confirmationReply, rejectionReply, replySubject, threadHeaders, type ReplyEnvelope } from '#shared/domain/mail-reply';

const envelope: ReplyEnvelope = {
  from: '進捗報告 受付 <shinchoku@shimotsuke.example>',
  to: 'sogo-seisaku@shimotsuke.example',
  replyTo: 'progress+sogo-seisaku.2013q2.abc.aaaaaaaaaaaaaaaa@shimotsuke.example',
  subject: '【進捗報告のお願い】第2四半期',
  messageId: '<m2@mail.shimotsuke.example>',
  references: ['<m0@shimotsuke.example>', '<m1@shimotsuke.example>'],
};
const context = { kaName: '総合政策課', quarter: 'FY2013-Q2', ownedMeasures: [{ id: '2-2-3', name: 'かんたん申請・申込の拡充' }] };

describe('threading', () => {
  it('answers under the received mail: In-Reply-To its Message-ID, References its chain plus it', () => {
    expect(threadHeaders(envelope)).toEqual({
      'In-Reply-To': '<m2@mail.shimotsuke.example>',
      References: '<m0@shimotsuke.example> <m1@shimotsuke.example> <m2@mail.shimotsuke.example>',
    });
    expect(threadHeaders({ messageId: 'bare@id' })).toEqual({ 'In-Reply-To': '<bare@id>', References: '<bare@id>' });
    expect(threadHeaders({})).toEqual({});
  });

  it.each([
    ['進捗報告', 'Re: 進捗報告'],
    ['Re: 進捗報告', 'Re: 進捗報告'],
    ['RE: 進捗報告', 'RE: 進捗報告'],
    ['返信: 進捗報告', 'Re: 返信: 進捗報告'],
    ['', 'Re: 進捗報告 / progress report'],
  ])('subject %j → %j', (subject, expected) => expect(replySubject(subject)).toBe(expected));
});

describe('confirmationReply', () => {
  it('lists each recorded 事業 with its 受付番号, status and amount, Japanese first and English below, to the registered address', () => {
    // Act
    const mail = confirmationReply(envelope, context, [
      { reference: 'FY2013-Q2-2-2-3-v1', measureId: '2-2-3', measureName: 'かんたん申請・申込の拡充', kind: 'report', status: '予定どおり', budgetExecutedThousandYen: 1234, version: 1, alreadyRecorded: false, attachments: ['資料.pdf'] },
      { reference: 'FY2013-Q2-2-2-5-v2', measureId: '2-2-5', kind: 'report', status: '遅延', version: 2, supersedes: 1, alreadyRecorded: true, attachments: [] },
      { reference: 'FY2013-Q2-2-2-6-v2', measureId: '2-2-6', kind: 'report', status: '予定どおり', version: 2, alreadyRecorded: false, attachments: [] },
    ]);
    // Assess
    expect(mail).toMatchObject({ to: [envelope.to], replyTo: [envelope.replyTo], subject: 'Re: 【進捗報告のお願い】第2四半期' });
    expect(mail.headers['In-Reply-To']).toBe(envelope.messageId);
    const ja = mail.text.indexOf('受付番号 FY2013-Q2-2-2-3-v1');
    const en = mail.text.indexOf('Reference FY2013-Q2-2-2-3-v1');
    expect(ja).toBeGreaterThan(0);
    expect(en).toBeGreaterThan(ja);
    expect(mail.text).toContain('平成25年度の執行額: 1,234 千円');
    expect(mail.text).toContain('Budget executed in FY2013: 1,234 thousand yen');
    expect(mail.text).toContain('受付番号 FY2013-Q2-2-2-5-v2 (受付済み)');
    expect(mail.text).toContain('第2版 (第1版を訂正)');
    expect(mail.text).toContain('Version 2 (corrects version 1)');
    // 2-2-6's version 2 follows a related department's comment: it corrects nothing
    expect(mail.text.match(/第2版/g)).toHaveLength(1);
    expect(mail.text).toContain('Status: delayed (遅延)');
    expect(mail.text).toContain('添付: 資料.pdf');
    expect(mail.text).toContain('平成25年度 第2四半期');
  });

  it('names the fiscal year the amount is for, the quarter\'s, not "this" year: FY2013-Q4 is reported in April 2014', () => {
    // Act
    const mail = confirmationReply(envelope, { ...context, quarter: 'FY2013-Q4' }, [
      { reference: 'FY2013-Q4-2-2-3-v1', measureId: '2-2-3', kind: 'report', status: '予定どおり', budgetExecutedThousandYen: 5000, version: 1, alreadyRecorded: false, attachments: [] },
    ]);
    // Assess
    expect(mail.text).toContain('  平成25年度の執行額: 5,000 千円');
    expect(mail.text).toContain('  Budget executed in FY2013: 5,000 thousand yen');
    expect(mail.text).not.toContain('今年度');
    expect(mail.text).not.toContain('this fiscal year');
  });

  it('leaves the year out rather than guessing it when the quarter is not known', () => {
    // Act
    const mail = confirmationReply(envelope, { kaName: '総合政策課' }, [
      { reference: 'FY2013-Q4-2-2-3-v1', measureId: '2-2-3', kind: 'report', status: '予定どおり', budgetExecutedThousandYen: 5000, version: 1, alreadyRecorded: false, attachments: [] },
    ]);
    // Assess
    expect(mail.text).toContain('  執行額: 5,000 千円');
    expect(mail.text).toContain('  Budget executed: 5,000 thousand yen');
  });
});

describe('notes beside the answer', () => {
  const note = { ja: '添付の 参考.xlsx はシートとしては読み取っていません。', en: 'The attached 参考.xlsx was not read as a sheet.' };
  const line = { reference: 'FY2013-Q2-2-2-3-v1', measureId: '2-2-3', kind: 'report' as const, status: '予定どおり' as const, version: 1, alreadyRecorded: false, attachments: [] };

  it('come after the greeting in Japanese and at the head of the English part, in a confirmation and in a refusal', () => {
    // Act
    const confirmed = confirmationReply({ ...envelope, notes: [note] }, context, [line]).text;
    const refused = rejectionReply({ ...envelope, notes: [note] }, context, { kind: 'no-form', empty: true }).text;
    // Assess
    for (const text of [confirmed, refused]) {
      const lines = text.split('\n');
      expect(lines.slice(0, 3)).toEqual([expect.stringContaining('ご担当者様'), '', `※ ${note.ja}`]);
      expect(lines[lines.indexOf('English') + 2]).toBe(`* ${note.en}`);
    }
  });

  it('leave an answer without notes as it was', () => {
    expect(confirmationReply({ ...envelope, notes: [] }, context, [line]).text).toBe(confirmationReply(envelope, context, [line]).text);
  });
});

describe('rejectionReply', () => {
  it('says exactly what was wrong, per line, 事業 and field, and gives the form with the 課\'s 事業', () => {
    // Act
    const mail = rejectionReply(envelope, context, {
      kind: 'problems',
      problems: [{ line: 3, measureId: '2-2-3', field: 'status', ja: '状況は … のいずれかです', en: 'status must be one of …' }],
    });
    // Assess
    expect(mail.text).toContain('  - [3行目・事業 2-2-3・状況] 状況は … のいずれかです');
    expect(mail.text).toContain('  - [line 3, measure 2-2-3, status] status must be one of …');
    expect(mail.text).toContain('1件も記録していません');
    expect(mail.text).toMatch(/^事業: 2-2-3$/m);
    expect(mail.text).toContain('2-2-3 かんたん申請・申込の拡充');
    expect(mail.text.indexOf('nothing from this mail was recorded')).toBeGreaterThan(mail.text.indexOf('1件も記録していません'));
  });

  it.each([
    [{ kind: 'no-token', subjectReference: true } as const, ['件名の [shinchoku …] の表示だけでは受け付けられません', 'subject alone is not enough']],
    [{ kind: 'no-token', subjectReference: false } as const, ['報告用アドレス (progress+…@…)']],
    [{ kind: 'token', ja: 'リンクの有効期限が切れています', en: 'the link has expired' } as const, ['有効期限が切れています', 'the link has expired']],
    [{ kind: 'wrong-ka', tokenKa: '税務課' } as const, ['税務課用', 'another department (税務課)']],
    [{ kind: 'unverified', failed: ['dkim', 'spam'] } as const, ['DKIM (電子署名)、迷惑メール判定', 'DKIM (signature), spam check']],
    [{ kind: 'envelope-mismatch', fromDomain: 'shimotsuke.example', envelopeDomain: 'evil.example' } as const, ['evil.example', 'does not match']],
    [{ kind: 'no-form', empty: true } as const, ['本文が空', 'The mail body is empty', '記入のしかた']],
  ])('explains %o', (rejection, phrases) => {
    // Act
    const mail = rejectionReply(envelope, context, rejection);
    // Assess
    for (const phrase of phrases) expect(mail.text).toContain(phrase);
    expect(mail.to).toEqual([envelope.to]);
  });

  it("gives the form's example date in the quarter of the reply address, which the plan's period holds", () => {
    // Act
    const q2 = rejectionReply(envelope, context, { kind: 'no-form', empty: true }).text;
    const fy2020 = rejectionReply(envelope, { ...context, quarter: 'FY2020-Q3' }, { kind: 'no-form', empty: true }).text;
    // Assess
    expect(q2).toContain('m1: 完了 2013-07-01 — スケジュール項目');
    expect(fy2020).toContain('m1: 完了 2020-10-01 — スケジュール項目');
  });

  it('shows the form only where the form was the problem', () => {
    expect(rejectionReply(envelope, context, { kind: 'unverified', failed: ['virus'] }).text).not.toContain('報告の様式');
    expect(rejectionReply(envelope, context, { kind: 'no-form', empty: false }).text).toContain('報告の様式');
  });
});
