/**
 * The reminder mail (shared/domain/reminder-mail.ts): recipients per kind, Japanese before English,
 * 和暦 and Western dates, 事業 ids and names, the plan's words for milestones, signed per-課 links
 * and reply addresses that verify, the reply template, and the subject reference.
 */
import { describe, expect, it } from 'vitest';
import { verifyToken } from '#shared/auth/link-token';
import { mailReference, parseMailReference, reminderMail, replyTemplateLines, signedLinks } from '#shared/domain/reminder-mail';
import { defaultReminderConfig, dueItems, type ReminderNotice } from '#shared/domain/reminders';
import { formLink, replyAddress, tokenFor, tokenFromAddress } from '#shared/links';
import { fixtureDirectory as directory, fixturePlan as plan } from '#test/support/reminder-fixture';

const secret = 'a-test-secret-of-at-least-32-bytes!!';
const publicBaseUrl = 'https://progress.example.jp';

function noticesOn(today: string, received: string[] = []): ReminderNotice[] {
  return dueItems({
    plan,
    directory,
    today,
    reportsReceived: new Map(['FY2012-Q1', 'FY2012-Q4', 'FY2013-Q1'].map((q) => [q, new Set(received)])),
    milestoneDone: () => false,
    config: defaultReminderConfig,
  });
}

function mailFor(notice: ReminderNotice, now = new Date('2012-06-26T00:00:00Z')) {
  return reminderMail({ notice, directory, plan, linksFor: signedLinks({ tenant: 'shimotsuke', directory, publicBaseUrl, secret, now }) });
}

const bukai = (notices: ReminderNotice[], id: string) => notices.find((n) => n.bukai.id === id)!;

describe('report reminder mail', () => {
  it('goes to the 部会 mailbox with its 課 in copy, from the sender', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const mail = mailFor(notice);
    // Assess
    expect(mail.to).toEqual(['bukai-kikaku@shimotsuke.example']);
    expect(mail.cc).toEqual(['sogo@shimotsuke.example', 'joho@shimotsuke.example']);
    expect(mail.from).toContain('<shinchoku@shimotsuke.example>');
    expect(mail.replyTo).toBeUndefined();
    expect(mail.headers['X-Shinchoku-Notification']).toBe('report-due#FY2012-Q1#kikaku#before-14');
  });

  it('says what is due in Japanese first, English below, with 和暦 and Western dates', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const { text, subject } = mailFor(notice);
    // Assess
    const english = text.indexOf('English');
    expect(english).toBeGreaterThan(0);
    expect(text.indexOf('進捗報告の期限は')).toBeGreaterThan(-1);
    expect(text.indexOf('進捗報告の期限は')).toBeLessThan(english);
    expect(text.indexOf('is due on')).toBeGreaterThan(english);
    expect(text).toContain('平成24年度 第1四半期 (2012年4月–6月)');
    expect(text).toContain('平成24年7月10日 (2012-07-10)');
    expect(text).toContain('あと14日');
    expect(text).toContain('FY2012 Q1 (Apr–Jun 2012)');
    expect(subject).toMatch(/^【進捗報告のお願い】平成24年度第1四半期 期限 平成24年7月10日 \(あと14日\) \/ Progress report FY2012 Q1 due 2012-07-10/);
    expect(subject.endsWith('[shinchoku FY2012-Q1 kikaku]')).toBe(true);
  });

  it('lists each 課 with its 事業 (id and name), its signed form link, reply address and the reply template', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    const now = new Date('2012-06-26T00:00:00Z');
    const claims = { tenant: 'shimotsuke', kaId: 'joho-seisaku', quarter: 'FY2012-Q1', now };
    // Act
    const { text } = mailFor(notice, now);
    // Assess
    const joho = text.slice(text.indexOf('■ 情報政策課'), text.indexOf('状況は'));
    expect(text.indexOf('■ 総合政策課')).toBeLessThan(text.indexOf('■ 情報政策課'));
    expect(text).toContain('・1-1-1 市内ネットワークの利用促進');
    expect(text).toContain('・1-1-2 事業継続計画の策定');
    expect(joho).toContain('・1-1-3 電子申請の拡充');
    expect(joho).not.toContain('1-1-1');
    expect(joho).toContain(`報告フォーム: ${formLink(publicBaseUrl, tokenFor({ ...claims, purpose: 'form' }, secret))}`);
    expect(joho).toContain(`${replyAddress(directory, tokenFor({ ...claims, purpose: 'mail' }, secret))} 宛に`);
    expect(joho).toContain(replyTemplateLines('1-1-3').map((line) => `      ${line}`).join('\n'));
    expect(replyTemplateLines('2-2-3')).toEqual(['事業: 2-2-3', '状況: 予定どおり', '執行額: 882', '進捗: …']);
  });

  it('carries links that verify for the 課 and quarter, for the form and for mail', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'somu');
    const now = new Date('2012-06-26T00:00:00Z');
    // Act
    const { text, replyTo } = mailFor(notice, now);
    // Assess
    const formToken = /\/form\/(\S+)/.exec(text)![1]!;
    const mailToken = tokenFromAddress(directory, replyTo![0]!)!;
    expect(verifyToken(formToken, secret, { tenant: 'shimotsuke', purpose: 'form', now })).toMatchObject({ kaId: 'somu-ka', quarter: 'FY2012-Q1' });
    expect(verifyToken(mailToken, secret, { tenant: 'shimotsuke', purpose: 'mail', now })).toMatchObject({ kaId: 'somu-ka', quarter: 'FY2012-Q1' });
  });

  it('to a single 課: replies go to its reply address and the reference names the 課', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'somu');
    // Act
    const mail = mailFor(notice);
    // Assess
    expect(mail.replyTo).toHaveLength(1);
    expect(mail.text).toContain(`${mail.replyTo![0]} 宛に`);
    expect(mail.subject.endsWith('[shinchoku FY2012-Q1 somu-ka]')).toBe(true);
    expect(mail.cc).toEqual(['somu@shimotsuke.example']);
  });

  it('on the day and overdue say so', () => {
    // Prepare
    const onDay = bukai(noticesOn('2012-07-10'), 'kikaku');
    const overdue = bukai(noticesOn('2012-07-11'), 'kikaku');
    // Act
    const [a, b] = [mailFor(onDay), mailFor(overdue)];
    // Assess
    expect(a.subject).toContain('【本日が報告期限です】');
    expect(a.text).toContain('本日 平成24年7月10日 (2012-07-10) が');
    expect(b.subject).toContain('【報告期限を過ぎています】');
    expect(b.text).toContain('1日過ぎました');
  });

  it('leaves out 事業 already reported', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-07', ['1-1-1']), 'kikaku');
    // Act
    const { text } = mailFor(notice);
    // Assess
    expect(text).not.toContain('1-1-1');
    expect(text).toContain('1-1-2');
  });
});

describe('escalation mail', () => {
  it('goes to the 部会長 with the 部会 and its 課 in copy, without a reply-to', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-17'), 'somu');
    // Act
    const mail = mailFor(notice);
    // Assess
    expect(mail.to).toEqual(['somu-chair@shimotsuke.example']);
    expect(mail.cc).toEqual(['bukai-somu@shimotsuke.example', 'somu@shimotsuke.example']);
    expect(mail.replyTo).toBeUndefined();
    expect(mail.text.startsWith('総務専門部会長 様')).toBe(true);
    expect(mail.text).toContain('7日を過ぎても届いていません');
    expect(mail.subject).toContain('【未提出のお知らせ】');
  });

  it('then also to the secretariat', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-24'), 'kikaku');
    // Act
    const mail = mailFor(notice);
    // Assess
    expect(mail.to).toEqual(['kikaku-chair@shimotsuke.example', 'secretariat@shimotsuke.example']);
    expect(mail.cc).toEqual(['bukai-kikaku@shimotsuke.example', 'sogo@shimotsuke.example', 'joho@shimotsuke.example']);
    expect(mail.text).toContain('地域情報化計画 事務局 (総合政策課) 様');
    expect(mail.text).toContain('事務局にもお知らせします');
  });
});

describe('milestone mail', () => {
  it("quotes the plan's own words with the fiscal-year span and the dates", () => {
    // Prepare
    const ends = bukai(noticesOn('2013-03-01'), 'kikaku');
    const starts = bukai(noticesOn('2013-03-02'), 'kikaku');
    // Act
    const [end, start] = [mailFor(ends, new Date('2013-03-01T00:00:00Z')), mailFor(starts, new Date('2013-03-02T00:00:00Z'))];
    // Assess
    expect(end.subject).toContain('【スケジュールの確認】企画専門部会');
    expect(end.subject.endsWith('[shinchoku FY2012-Q4 sogo-seisaku]')).toBe(true);
    expect(end.text).toContain('・1-1-1 市内ネットワークの利用促進');
    expect(end.text).toContain('スケジュール「利用状況の調査」(平成24年度) — 平成25年3月31日 (2013-03-31) に終了 (あと30日)');
    expect(start.text).toContain('スケジュール「利用促進策の実施」(平成25年度) — 平成25年4月1日 (2013-04-01) に開始 (あと30日) ※期間は計画書から推定');
    expect(start.text).toContain('m2 (FY2013) starts on 2013-04-01, in 30 days (span inferred)');
  });

  it('writes multi-year spans from first to last year', () => {
    // Prepare: 1-1-2 m1 runs FY2012–FY2013
    const notice = bukai(noticesOn('2014-03-24'), 'somu');
    // Act
    const { text } = mailFor(notice, new Date('2014-03-24T00:00:00Z'));
    // Assess
    expect(text).toContain('スケジュール「BCP策定」(平成24年度〜平成25年度) — 平成26年3月31日 (2014-03-31) に終了 (あと7日)');
  });
});

describe('subject reference', () => {
  it('reads back from a reply subject', () => {
    // Prepare
    const subject = `Re: 【進捗報告のお願い】… ${mailReference('FY2012-Q1', 'sogo-seisaku')}`;
    // Act / Assess
    expect(parseMailReference(subject)).toEqual({ quarter: 'FY2012-Q1', scopeId: 'sogo-seisaku' });
    expect(parseMailReference('Re: hello')).toBeUndefined();
  });
});
