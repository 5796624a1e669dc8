/**
 * The reminder mails (shared/domain/reminder-mail.ts): a mail per 課 carrying only its own signed
 * links, the 部会's overview and the escalations without links, Japanese before English, 和暦 and
 * Western dates, 事業 ids and names, the plan's words for milestones, the reply template, and the
 * subject reference.
 */
import { describe, expect, it } from 'vitest';
import { verifyToken } from '#shared/auth/link-token';
import { mailReference, parseMailReference, reminderMails, replyTemplateLines, signedLinks, type NoticeMail } from '#shared/domain/reminder-mail';
import { defaultReminderConfig, dueItems, milestoneNoticeQuarter, type ReminderNotice } from '#shared/domain/reminders';
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

function mailsFor(notice: ReminderNotice, now = new Date('2012-06-26T00:00:00Z')): NoticeMail[] {
  return reminderMails({ notice, directory, plan, linksFor: signedLinks({ tenant: 'shimotsuke', directory, publicBaseUrl, secret, now }) });
}

const bukai = (notices: ReminderNotice[], id: string) => notices.find((n) => n.bukai.id === id)!;
/** The mail of a notice addressed to one 課 (its own), or the 部会's / escalation's (no 課 id). */
const mailOf = (mails: NoticeMail[], kaId?: string) => mails.find((m) => m.kaId === kaId)!.mail;
/** Every link token a mail carries: form links in the text, reply addresses in the text and in Reply-To. */
function tokensIn(mail: NoticeMail['mail']): { form: string[]; mail: string[] } {
  const form = [...mail.text.matchAll(/\/form\/([A-Za-z0-9._~-]+)/g)].map((m) => m[1]!);
  const addresses = [...mail.text.matchAll(/progress\+[^\s@]+@[^\s]+/g)].map((m) => m[0]!.replace(/[。、)]+$/, ''));
  return { form, mail: [...addresses, ...(mail.replyTo ?? [])].map((a) => tokenFromAddress(directory, a)!).filter(Boolean) };
}

describe('report reminder mails', () => {
  it('are one mail per 課 to its own addresses, replying to its reply address, and one to the 部会 mailbox', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const mails = mailsFor(notice);
    // Assess
    expect(mails.map((m) => [m.key, m.mail.to, m.mail.cc])).toEqual([
      ['report-due#FY2012-Q1#kikaku#before-14', ['bukai-kikaku@shimotsuke.example'], []],
      ['report-due#FY2012-Q1#kikaku#before-14#sogo-seisaku', ['sogo@shimotsuke.example'], []],
      ['report-due#FY2012-Q1#kikaku#before-14#joho-seisaku', ['joho@shimotsuke.example'], []],
    ]);
    for (const { mail, key } of mails) {
      expect(mail.from).toContain('<shinchoku@shimotsuke.example>');
      expect(mail.headers['X-Shinchoku-Notification']).toBe(key);
    }
    expect(mailOf(mails).replyTo).toBeUndefined();
    expect(tokenFromAddress(directory, mailOf(mails, 'joho-seisaku').replyTo![0]!)).toBeTruthy();
  });

  it("carry a 課's links to that 課 only: no mail holds the links of another 課, the 部会's none", () => {
    // Prepare
    const now = new Date('2012-06-26T00:00:00Z');
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const mails = mailsFor(notice, now);
    // Assess
    expect(tokensIn(mailOf(mails))).toEqual({ form: [], mail: [] });
    for (const kaId of ['sogo-seisaku', 'joho-seisaku']) {
      const tokens = tokensIn(mailOf(mails, kaId));
      expect(tokens.form.length).toBeGreaterThan(0);
      expect(tokens.mail.length).toBeGreaterThan(0);
      for (const t of tokens.form) expect(verifyToken(t, secret, { tenant: 'shimotsuke', purpose: 'form', now })).toMatchObject({ kaId, quarter: 'FY2012-Q1' });
      for (const t of tokens.mail) expect(verifyToken(t, secret, { tenant: 'shimotsuke', purpose: 'mail', now })).toMatchObject({ kaId, quarter: 'FY2012-Q1' });
    }
  });

  it('say what is due in Japanese first, English below, with 和暦 and Western dates', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const { text, subject } = mailOf(mailsFor(notice), 'sogo-seisaku');
    // Assess
    const english = text.indexOf('English');
    expect(english).toBeGreaterThan(0);
    expect(text.startsWith('総合政策課 ご担当者様 (企画専門部会)')).toBe(true);
    expect(text.indexOf('進捗報告の期限は')).toBeGreaterThan(-1);
    expect(text.indexOf('進捗報告の期限は')).toBeLessThan(english);
    expect(text.indexOf('is due on')).toBeGreaterThan(english);
    expect(text).toContain('平成24年度 第1四半期 (2012年4月–6月)');
    expect(text).toContain('平成24年7月10日 (2012-07-10)');
    expect(text).toContain('あと14日');
    expect(text).toContain('FY2012 Q1 (Apr–Jun 2012)');
    expect(subject).toMatch(/^【進捗報告のお願い】平成24年度第1四半期 期限 平成24年7月10日 \(あと14日\) \/ Progress report FY2012 Q1 due 2012-07-10/);
    expect(subject.endsWith('[shinchoku FY2012-Q1 sogo-seisaku]')).toBe(true);
  });

  it.each([
    ['2012-06-28', 'before-14', 'あと12日', 'in 12 days'],
    ['2012-07-11', 'on-day', '期限 平成24年7月10日 (2012-07-10) を1日過ぎました', '1 day ago'],
    ['2012-07-13', 'overdue-1', '期限 平成24年7月10日 (2012-07-10) を3日過ぎました', '3 days ago'],
  ])('word a step sent late (on %s, %s) as things stand on the day it goes out, under the step\'s own key', (today, step, ja, en) => {
    // Prepare: the day of the step was missed, and no later step has come (on-day: with no overdue step yet)
    const config = today === '2012-07-11' ? { ...defaultReminderConfig, report: { ...defaultReminderConfig.report, overdueDaysAfter: [2] } } : defaultReminderConfig;
    const [notice] = dueItems({ plan, directory, today, reportsReceived: new Map([['FY2012-Q1', new Set<string>()]]), milestoneDone: () => false, config });
    // Act
    const mails = mailsFor(notice!);
    // Assess
    expect(mails[0]!.key).toBe(`report-due#FY2012-Q1#kikaku#${step}`);
    const { text } = mailOf(mails, 'sogo-seisaku');
    expect(text).toContain(ja);
    expect(text).toContain(en);
  });

  it("give a 課 its 事業 (id and name), its signed form link, reply address and the reply template", () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    const now = new Date('2012-06-26T00:00:00Z');
    const claims = { tenant: 'shimotsuke', kaId: 'joho-seisaku', quarter: 'FY2012-Q1', now };
    // Act
    const mails = mailsFor(notice, now);
    // Assess
    const joho = mailOf(mails, 'joho-seisaku').text;
    expect(joho).toContain('・1-1-3 電子申請の拡充');
    expect(joho).not.toContain('1-1-1');
    expect(joho).toContain(`報告フォーム: ${formLink(publicBaseUrl, tokenFor({ ...claims, purpose: 'form' }, secret))}`);
    expect(joho).toContain(`${replyAddress(directory, tokenFor({ ...claims, purpose: 'mail' }, secret))} 宛に`);
    expect(joho).toContain(replyTemplateLines('1-1-3').map((line) => `      ${line}`).join('\n'));
    expect(replyTemplateLines('2-2-3')).toEqual(['事業: 2-2-3', '状況: 予定どおり', '執行額: ', '進捗: …']);
    const sogo = mailOf(mails, 'sogo-seisaku').text;
    expect(sogo).toContain('・1-1-1 市内ネットワークの利用促進');
    expect(sogo).toContain('・1-1-2 事業継続計画の策定');
  });

  it("tell the 部会 what each 課 was asked for, in the directory's order", () => {
    // Prepare
    const notice = bukai(noticesOn('2012-06-26'), 'kikaku');
    // Act
    const { text } = mailOf(mailsFor(notice));
    // Assess
    expect(text.startsWith('企画専門部会 ご担当者様')).toBe(true);
    expect(text.indexOf('■ 総合政策課')).toBeLessThan(text.indexOf('■ 情報政策課'));
    expect(text).toContain('・1-1-1 市内ネットワークの利用促進');
    expect(text).toContain('・1-1-3 電子申請の拡充');
    expect(text).toContain('各課宛てのメールにのみ記載');
    expect(text).not.toContain('報告フォーム:');
    // It shows no reply form, so no values to call examples
    expect(text).not.toContain('上の値は例です');
    expect(mailOf(mailsFor(notice), 'sogo-seisaku').text).toContain('上の値は例です');
  });

  it('name the fiscal year whose spending 執行額 is, also when the Q4 report is asked for in April', () => {
    // Prepare: FY2012-Q4 is due 2013-04-10; 14 days before is 2013-03-27, on the day is in FY2013
    const notice = bukai(noticesOn('2013-04-10'), 'kikaku');
    // Act
    const { text } = mailOf(mailsFor(notice, new Date('2013-04-10T00:00:00Z')), 'sogo-seisaku');
    // Assess
    expect(text).toContain('執行額は平成24年度の執行額 (年度の累計、千円)');
    expect(text).toContain('執行額 is the spending of FY2012 so far');
    expect(text).not.toContain('今年度');
  });

  it('on the day and overdue say so', () => {
    // Prepare
    const onDay = bukai(noticesOn('2012-07-10'), 'kikaku');
    const overdue = bukai(noticesOn('2012-07-11'), 'kikaku');
    // Act
    const [a, b] = [mailOf(mailsFor(onDay), 'sogo-seisaku'), mailOf(mailsFor(overdue), 'sogo-seisaku')];
    // Assess
    expect(a.subject).toContain('【本日が報告期限です】');
    expect(a.text).toContain('本日 平成24年7月10日 (2012-07-10) が');
    expect(b.subject).toContain('【報告期限を過ぎています】');
    expect(b.text).toContain('1日過ぎました');
    expect(b.text).toContain('due on 2012-07-10 (平成24年7月10日), 1 day ago.');
  });

  it('leave out 事業 already reported, and 課 with nothing left', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-07', ['1-1-1', '1-1-3']), 'kikaku');
    // Act
    const mails = mailsFor(notice);
    // Assess
    expect(mails.map((m) => m.kaId)).toEqual([undefined, 'sogo-seisaku']);
    expect(mailOf(mails).text).not.toContain('1-1-1');
    expect(mailOf(mails).text).toContain('1-1-2');
  });
});

describe('escalation mail', () => {
  it('goes to the 部会長 with the 部会 and its 課 in copy, without links or a reply-to', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-17'), 'somu');
    // Act
    const mails = mailsFor(notice);
    // Assess
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.mail;
    expect(mails[0]!.key).toBe('escalation#FY2012-Q1#somu#chair');
    expect(mail.to).toEqual(['somu-chair@shimotsuke.example']);
    expect(mail.cc).toEqual(['bukai-somu@shimotsuke.example', 'somu@shimotsuke.example']);
    expect(mail.replyTo).toBeUndefined();
    expect(tokensIn(mail)).toEqual({ form: [], mail: [] });
    expect(mail.text.startsWith('総務専門部会長 様')).toBe(true);
    expect(mail.text).toContain('7日を過ぎても届いていません');
    expect(mail.text).toContain('・1-1-2 事業継続計画の策定');
    expect(mail.subject).toContain('【未提出のお知らせ】');
    expect(mail.text).not.toContain('上の値は例です');
  });

  it('then also to the secretariat, saying nothing of a chair\'s mail a missed day may have left unsent', () => {
    // Prepare
    const notice = bukai(noticesOn('2012-07-24'), 'kikaku');
    // Act
    const [{ mail }] = mailsFor(notice) as [NoticeMail];
    // Assess
    expect(mail.to).toEqual(['kikaku-chair@shimotsuke.example', 'secretariat@shimotsuke.example']);
    expect(mail.cc).toEqual(['bukai-kikaku@shimotsuke.example', 'sogo@shimotsuke.example', 'joho@shimotsuke.example']);
    expect(mail.text).toContain('地域情報化計画 事務局 (総合政策課) 様');
    expect(mail.text).toContain('部会長と事務局にお知らせします');
    expect(mail.text).toContain('The 部会長 (committee chair) and the secretariat are informed.');
    expect(mail.text).not.toMatch(/連絡後|told earlier/);
    expect(tokensIn(mail)).toEqual({ form: [], mail: [] });
  });
});

describe('milestone mails', () => {
  it("quote the plan's own words with the milestone's id, the fiscal-year span and the dates", () => {
    // Prepare
    const ends = bukai(noticesOn('2013-03-01'), 'kikaku');
    const starts = bukai(noticesOn('2013-03-02'), 'kikaku');
    // Act
    const end = mailOf(mailsFor(ends, new Date('2013-03-01T00:00:00Z')), 'sogo-seisaku');
    const start = mailOf(mailsFor(starts, new Date('2013-03-02T00:00:00Z')), 'sogo-seisaku');
    // Assess
    expect(end.subject).toContain('【スケジュールの確認】企画専門部会');
    expect(end.subject.endsWith('[shinchoku FY2012-Q4 sogo-seisaku]')).toBe(true);
    expect(end.text).toContain('・1-1-1 市内ネットワークの利用促進');
    expect(end.text).toContain('[m1] スケジュール「利用状況の調査」(平成24年度) — 平成25年3月31日 (2013-03-31) に終了 (あと30日)');
    expect(start.text).toContain('[m2] スケジュール「利用促進策の実施」(平成25年度) — 平成25年4月1日 (2013-04-01) に開始 (あと30日) ※期間は計画書から推定');
    expect(start.text).toContain('m2 (FY2013) starts on 2013-04-01, in 30 days (span inferred)');
  });

  it('show how to report a milestone by mail, in the reply template', () => {
    // Prepare
    const notice = bukai(noticesOn('2013-03-01'), 'kikaku');
    // Act
    const { text } = mailOf(mailsFor(notice, new Date('2013-03-01T00:00:00Z')), 'sogo-seisaku');
    // Assess
    expect(text).toContain(replyTemplateLines('1-1-1', { milestoneId: 'm1', date: '2013-03-31' }).map((line) => `      ${line}`).join('\n'));
    expect(replyTemplateLines('1-1-1', { milestoneId: 'm1', date: '2013-03-31' })).toContain('m1: 完了 2013-03-31');
  });

  it('list a milestone until it is reported done, and say so: a report of the quarter does not leave the 事業 out', () => {
    // Prepare: 1-1-1 has its FY2012-Q4 report, and its m1 ends in 30 days, not yet done
    const [notice] = dueItems({
      plan,
      directory,
      today: '2013-03-01',
      reportsReceived: new Map([['FY2012-Q4', new Set(['1-1-1'])]]),
      milestoneDone: () => false,
      config: defaultReminderConfig,
    }).filter((n) => n.bukai.id === 'kikaku');
    // Act
    const mails = mailsFor(notice!, new Date('2013-03-01T00:00:00Z'));
    // Assess
    expect(notice!.kind).toBe('milestone');
    const ka = mailOf(mails, 'sogo-seisaku').text;
    const overview = mailOf(mails).text;
    expect(ka).toContain('・1-1-1 市内ネットワークの利用促進');
    for (const text of [ka, overview]) {
      expect(text).not.toContain('報告済みの事業はこの一覧に含まれません');
      expect(text).not.toContain('Measures already reported are not listed');
      expect(text).toContain('スケジュールの項目は、報告で「完了」になるまでお知らせします');
      expect(text).toContain('Milestones are listed until a report marks them done');
    }
    expect(ka).toContain('下記の事業のスケジュールについて、進み具合をご確認ください。');
    expect(ka).not.toContain('報告をお願いします');
    expect(overview).toContain('各課に、下記の事業のスケジュールの確認をお願いしました');
  });

  it('write multi-year spans from first to last year', () => {
    // Prepare: 1-1-2 m1 runs FY2012–FY2013
    const notice = bukai(noticesOn('2014-03-24'), 'somu');
    // Act
    const { text } = mailOf(mailsFor(notice, new Date('2014-03-24T00:00:00Z')), 'somu-ka');
    // Assess
    expect(text).toContain('[m1] スケジュール「BCP策定」(平成24年度〜平成25年度) — 平成26年3月31日 (2014-03-31) に終了 (あと7日)');
  });

  it('before the plan starts carry links for its first quarter, which the form accepts', () => {
    // Prepare: 30 days before FY2012 starts, the milestones beginning in FY2012 are announced
    const notice = bukai(noticesOn('2012-03-02'), 'kikaku');
    const now = new Date('2012-03-02T00:00:00Z');
    // Act
    const mails = mailsFor(notice, now);
    // Assess
    expect(notice.kind).toBe('milestone');
    expect(notice.quarter).toBe('FY2012-Q1');
    const tokens = tokensIn(mailOf(mails, 'sogo-seisaku'));
    expect(verifyToken(tokens.form[0]!, secret, { tenant: 'shimotsuke', purpose: 'form', now })).toMatchObject({ quarter: 'FY2012-Q1' });
    expect(milestoneNoticeQuarter('2016-03-01', { from: 2012, to: 2013 })).toBe('FY2013-Q4');
    expect(milestoneNoticeQuarter('2012-12-01', { from: 2012, to: 2013 })).toBe('FY2012-Q3');
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
