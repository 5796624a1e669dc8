/**
 * Issue 4 end to end: report mails through the SMTP intake of the running local stack (DynamoDB
 * Local, the SES emulator, the local S3, the same ingest-mail handler SES invokes on AWS). Real MIME:
 * composed with nodemailer's MailComposer, or written by hand where the charset needs real bytes
 * (ISO-2022-JP with encoding-japanese, Shift_JIS and EUC-JP with iconv-lite), sent over SMTP with
 * nodemailer's SMTP transport. Each good mail is found in DynamoDB and its confirmation, with the
 * 受付番号, in the SES emulator; each bad mail records nothing and gets exactly the answer it should
 * (a rejection saying what was wrong) or none at all.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Encoding from 'encoding-japanese';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailBucketPrefixes, SesReceiptEventSchema, type SesReceiptEvent } from '#events/ses-receipt';
import { ingestMail, mailIdentity, replyClaimKey, type IngestDeps } from '#functions/ingest-mail/ingest';
import { localClientConfig } from '#local/aws-local';
import { localLambdaContext } from '#local/lambda-context';
import { fetchSentMails, type SentMail } from '#local/ses-local';
import { commonHeadersOf, rawHeaders, sesReceiptEvent } from '#local/smtp-intake';
import type { LocalStack } from '#local/stack';
import { AwsError } from '#shared/aws/client';
import { createDocumentClient, type DocumentDb } from '#shared/aws/dynamodb';
import { createMailer } from '#shared/aws/mailer';
import { createObjectStore } from '#shared/aws/s3';
import { envNames } from '#shared/config/env';
import { catalogLoader } from '#shared/store/catalog-cache';
import { claimNotification, invocationDeadline, markNotificationSending } from '#shared/store/notification-items';
import { exportSheet } from '#shared/sheet/service';
import { createStore } from '#shared/store/store';
import { replyAddress, tokenFor } from '#shared/links';
import { reportHistory, reportsOfQuarter } from '#shared/store/report-items';
import type { Store } from '#shared/store/store';
import { testStack } from '#test/support/local-stack';

const quarter = 'FY2013-Q2';
const domain = 'shimotsuke.example';
/** 総合政策課: owns 2-2-3, 2-2-5, 4-1-1 … (and not 5-1-1, which is 商工観光課's). */
const sogo = { kaId: 'sogo-seisaku', address: `sogo-seisaku@${domain}`, name: '総合政策課 山田' };
const zeimu = { kaId: 'zeimu', address: `zeimu@${domain}` };
const kanzai = { kaId: 'kanzai', address: `kanzai@${domain}` };
const shoko = { kaId: 'shoko-kanko', address: `shoko-kanko@${domain}` };
const gakko = { kaId: 'gakko-kyoiku', address: `gakko-kyoiku@${domain}` };

const localStack = testStack('shinchoku-mail-e2e-');
let stack: LocalStack;
let store: Store;
let secret: string;
let transport: ReturnType<typeof nodemailer.createTransport>;
let s3: S3Client;
const previousRate = process.env.MAIL_MAX_PER_SECOND;

beforeAll(async () => {
  // The SES emulator has no sending quota: answer at once instead of at SES's sandbox rate.
  process.env.MAIL_MAX_PER_SECOND = '0';
  ({ stack, store } = await localStack.start({
    inMemory: true,
    httpPort: 0,
    dynamoPort: 0,
    sesPort: 0,
    eventsPort: 0,
    s3Port: 0,
    smtpPort: 0,
    scheduler: false,
  }));
  secret = stack.environment[envNames.linkSecret]!;
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
  s3 = new S3Client({ ...localClientConfig(stack.s3Endpoint), forcePathStyle: true });
}, 240_000);

afterAll(async () => {
  transport?.close();
  s3?.destroy();
  await localStack.stop();
  if (previousRate === undefined) delete process.env.MAIL_MAX_PER_SECOND;
  else process.env.MAIL_MAX_PER_SECOND = previousRate;
}, 60_000);

/** The reply address of a reminder to `kaId` for the quarter, as reminder mails carry it. */
function reportAddress(kaId: string, options: { now?: Date; purpose?: 'mail' | 'form'; quarter?: string } = {}): string {
  const token = tokenFor(
    { tenant: stack.tenant, kaId, quarter: options.quarter ?? quarter, purpose: options.purpose ?? 'mail', now: options.now ?? new Date() },
    secret,
  );
  return replyAddress({ replyLocalPart: 'progress', mailDomain: domain }, token);
}

/** A subject nobody else uses, so the answer to this mail can be found among all mails the emulator got. */
function subjectFor(label: string): string {
  return `${label} [${randomUUID().slice(0, 8)}]`;
}

async function compose(options: Mail.Options): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

/** A hand-written message whose body is in a Japanese legacy charset (real bytes, not UTF-8). */
function legacyMail(input: {
  from: string;
  to: string;
  subject: string;
  charset: 'ISO-2022-JP' | 'Shift_JIS' | 'EUC-JP';
  transferEncoding: '7bit' | '8bit' | 'base64';
  body: string;
  extraHeaders?: string[];
}): Buffer {
  const encode = (text: string): Buffer =>
    input.charset === 'ISO-2022-JP'
      ? Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }))
      : iconv.encode(text, input.charset);
  const body = encode(input.body.replace(/\n/g, '\r\n'));
  const encodedBody = input.transferEncoding === 'base64' ? Buffer.from(`${body.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`) : body;
  const head = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: =?${input.charset}?B?${encode(input.subject).toString('base64')}?=`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@mail.${domain}>`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${input.charset}`,
    `Content-Transfer-Encoding: ${input.transferEncoding}`,
    ...(input.extraHeaders ?? []),
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), encodedBody]);
}

/** Send a raw message over SMTP; `from` is the envelope sender (MAIL FROM). */
async function send(raw: Buffer, envelope: { from: string; to: string[] }): Promise<void> {
  await transport.sendMail({ envelope, raw });
}

async function answersTo(subject: string): Promise<SentMail[]> {
  const wanted = subject.replace(/^re:\s*/i, '');
  return (await fetchSentMails(stack.sesEndpoint)).filter((m) => m.subject.replace(/^re:\s*/i, '') === wanted);
}

async function onlyAnswerTo(subject: string): Promise<SentMail> {
  const answers = await answersTo(subject);
  expect(answers, `answers to "${subject}"`).toHaveLength(1);
  return answers[0]!;
}

async function reportCount(): Promise<number> {
  return (await reportsOfQuarter(store, quarter)).length;
}

describe('good mails: recorded and confirmed with the 受付番号', () => {
  it('ISO-2022-JP, a reply (Re:) to the reminder, full-width digits, colons and hyphens', async () => {
    // Prepare
    const subject = subjectFor('Re: 【進捗報告のお願い】平成25年度 第2四半期 [shinchoku FY2013-Q2 sogo-seisaku]');
    const raw = legacyMail({
      from: `=?ISO-2022-JP?B?${Buffer.from(Encoding.convert(Encoding.stringToCode(sogo.name), { to: 'JIS', from: 'UNICODE' })).toString('base64')}?= <${sogo.address}>`,
      to: reportAddress(sogo.kaId),
      subject,
      charset: 'ISO-2022-JP',
      transferEncoding: '7bit',
      body: ['お世話になっております。', '', '事業：２－２－３', '状況：予定どおり', '執行額：８８２', '進捗：電子申請の様式を３件追加しました。', '　利用者アンケートも準備中です。', '報告者：山田 太郎', ''].join('\n'),
    });
    // Act
    await send(raw, { from: sogo.address, to: [reportAddress(sogo.kaId)] });
    // Assess
    const [report] = await reportHistory(store, '2-2-3', quarter);
    expect(report).toMatchObject({
      channel: 'mail',
      status: '予定どおり',
      budgetExecutedThousandYen: 882,
      narrative: '電子申請の様式を３件追加しました。\n　利用者アンケートも準備中です。',
      reporter: { kaId: sogo.kaId, person: '山田 太郎' },
    });
    const answer = await onlyAnswerTo(subject);
    expect(answer.destination.to.join(',')).toContain(sogo.address);
    expect(answer.body.text).toContain(`受付番号 ${report!.reference}`);
    expect(answer.body.text).toContain('Reference');
    expect(answer.replyTo.join(',')).toContain('progress+sogo-seisaku.2013q2.');
  });

  it('Shift_JIS in base64 from another 課 (税務課, 2-2-6)', async () => {
    // Prepare
    const subject = subjectFor('返信: 進捗報告');
    const to = reportAddress(zeimu.kaId);
    const raw = legacyMail({
      from: `=?Shift_JIS?B?${iconv.encode('税務課', 'Shift_JIS').toString('base64')}?= <${zeimu.address}>`,
      to,
      subject,
      charset: 'Shift_JIS',
      transferEncoding: 'base64',
      body: ['事業: 2-2-6', '状況: 遅れ気味', '執行額: 1,234千円', '進捗: コンビニ収納の契約準備', '課題: 業者との調整に時間がかかっている', '今後の予定: 11月に契約', '報告者: 鈴木'].join('\n'),
    });
    // Act
    await send(raw, { from: zeimu.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '2-2-6', quarter);
    expect(report).toMatchObject({ status: '遅れ気味', budgetExecutedThousandYen: 1234, issues: '業者との調整に時間がかかっている', nextSteps: '11月に契約' });
    expect((await onlyAnswerTo(subject)).body.text).toContain(`受付番号 ${report!.reference}`);
  });

  it('EUC-JP in 8bit (管財課, 2-2-7), the status on the line after its key', async () => {
    // Prepare
    const subject = subjectFor('進捗報告 管財課');
    const to = reportAddress(kanzai.kaId);
    const raw = legacyMail({
      from: kanzai.address,
      to,
      subject,
      charset: 'EUC-JP',
      transferEncoding: '8bit',
      body: ['【事業】2-2-7', '状況:', '完了', '執行額: 0', '進捗: 電子入札の全件移行が完了', '報告者: 高橋', '以上', '', '管財課 高橋 内線 1234'].join('\n'),
    });
    // Act
    await send(raw, { from: kanzai.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '2-2-7', quarter);
    expect(report).toMatchObject({ status: '完了', budgetExecutedThousandYen: 0, narrative: '電子入札の全件移行が完了', reporter: { person: '高橋' } });
    expect((await onlyAnswerTo(subject)).body.text).toContain(`受付番号 ${report!.reference}`);
  });

  it('UTF-8 quoted-printable, with a milestone line', async () => {
    // Prepare
    const subject = subjectFor('進捗報告 4-1-1');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({
      from: { name: sogo.name, address: sogo.address },
      to,
      subject,
      textEncoding: 'quoted-printable',
      text: ['事業: 4-1-1', '状況: 予定どおり', '執行額: 12,345', '進捗: グループウェアの更新を完了しました。', 'm1: 完了 平成25年7月15日', '報告者: 山田'].join('\n'),
    });
    expect(raw.toString('latin1')).toMatch(/Content-Transfer-Encoding: quoted-printable/i);
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '4-1-1', quarter);
    expect(report).toMatchObject({ budgetExecutedThousandYen: 12345, milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-07-15' }] });
    expect((await onlyAnswerTo(subject)).body.text).toContain(`受付番号 ${report!.reference}`);
  });

  it('a later mail that leaves the milestone line out keeps its progress, carried from the last report', async () => {
    // Prepare: 4-1-1 was reported above with m1 done
    const subject = subjectFor('訂正 4-1-1 執行額');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: ['事業: 4-1-1', '状況: 予定どおり', '執行額: 13,000', '報告者: 山田'].join('\n') });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const history = await reportHistory(store, '4-1-1', quarter);
    expect(history.at(-1)).toMatchObject({ version: 2, budgetExecutedThousandYen: 13000, milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-07-15' }] });
    expect((await onlyAnswerTo(subject)).body.text).toContain('受付番号 FY2013-Q2-4-1-1-v2');
  });

  it('a later mail without an 執行額 line keeps the amount of the last report of the year', async () => {
    // Prepare: 4-1-1's last report (above) states 13,000 千円 for FY2013
    const subject = subjectFor('状況のみ 4-1-1');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: ['事業: 4-1-1', '状況: 遅れ気味', '課題: 調整中', '報告者: 山田'].join('\n') });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const history = await reportHistory(store, '4-1-1', quarter);
    expect(history.at(-1)).toMatchObject({ version: 3, status: '遅れ気味', budgetExecutedThousandYen: 13000 });
    expect((await onlyAnswerTo(subject)).body.text).toContain('受付番号 FY2013-Q2-4-1-1-v3');
  });

  it('HTML only, the quoted reminder in a <blockquote> ignored', async () => {
    // Prepare
    const subject = subjectFor('Re: 進捗報告のお願い');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      html:
        '<div>事業：4-2-1</div><div>状況：予定どおり</div><div>執行額：50</div><p>進捗：職員研修を<b>2回</b>実施<br>受講者 120名</p><div>報告者：山田</div>' +
        '<div class="gmail_quote">2013年7月1日(月) 9:00 事務局 &lt;shinchoku@shimotsuke.example&gt;:<blockquote>事業: 4-2-2<br>状況: 遅延</blockquote></div>',
    });
    expect(raw.toString('latin1')).not.toMatch(/text\/plain/i);
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '4-2-1', quarter);
    expect(report).toMatchObject({ status: '予定どおり', budgetExecutedThousandYen: 50, narrative: '職員研修を2回実施\n受講者 120名' });
    expect(await reportHistory(store, '4-2-2', quarter)).toEqual([]);
    expect((await onlyAnswerTo(subject)).body.text).toContain(`受付番号 ${report!.reference}`);
  });

  it('a reply with quoted history (返信:), an Original Message below and a signature: only the own block counts', async () => {
    // Prepare
    const subject = subjectFor('返信: 【進捗報告のお願い】');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: [
        '事務局 様',
        '',
        '事業: 4-3-1',
        '状況: 予定どおり',
        '進捗: セキュリティポリシーの改定案を作成',
        '報告者: 山田',
        '',
        '-- ',
        '総合政策課 山田',
        '内線 1234',
        '',
        '> 事業: 4-3-3',
        '> 状況: 遅延',
        '-----Original Message-----',
        'From: shinchoku@shimotsuke.example',
        '事業: 4-4-1',
        '状況: 完了',
      ].join('\n'),
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    expect(await reportHistory(store, '4-3-1', quarter)).toHaveLength(1);
    for (const ignored of ['4-3-2', '4-3-3', '4-4-1']) expect(await reportHistory(store, ignored, quarter), ignored).toEqual([]);
    const answer = await onlyAnswerTo(subject);
    expect(answer.body.text).toContain('受付番号 FY2013-Q2-4-3-1-v1');
    expect(answer.body.text).not.toContain('4-4-1');
  });

  it('several 事業 in one mail, one person for all of them', async () => {
    // Prepare
    const subject = subjectFor('進捗報告 (3件)');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: [
        '報告者: 山田',
        '',
        '1. 事業: 5-3-1',
        '   状況: 予定どおり',
        '   執行額: 100',
        '2. 事業: 5-3-2',
        '   状況: 未着手',
        '3. 事業: 4-4-2',
        '   状況: 遅延',
        '   課題: 予算の確保',
      ].join('\n'),
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const reports = await Promise.all(['5-3-1', '5-3-2', '4-4-2'].map(async (id) => (await reportHistory(store, id, quarter))[0]));
    expect(reports.map((r) => [r?.measureId, r?.status, r?.reporter.person])).toEqual([
      ['5-3-1', '予定どおり', '山田'],
      ['5-3-2', '未着手', '山田'],
      ['4-4-2', '遅延', '山田'],
    ]);
    const answer = await onlyAnswerTo(subject);
    for (const r of reports) expect(answer.body.text).toContain(`受付番号 ${r!.reference}`);
  });

  it('the form copied once per 事業 with a heading between the copies: every 事業 after 以上 is recorded', async () => {
    // Prepare
    const subject = subjectFor('進捗報告 (2件、以上で区切り)');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: ['【1件目】', '事業: 2-2-1', '状況: 予定どおり', '報告者: 山田', '以上', '', '【2件目】', '事業: 3-1-2', '状況: 遅延', '課題: 予算の確保', '報告者: 山田', '以上'].join('\n'),
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [first] = await reportHistory(store, '2-2-1', quarter);
    const [second] = await reportHistory(store, '3-1-2', quarter);
    expect([first?.status, second?.status]).toEqual(['予定どおり', '遅延']);
    const answer = await onlyAnswerTo(subject);
    expect(answer.body.text).toContain(`受付番号 ${first!.reference}`);
    expect(answer.body.text).toContain(`受付番号 ${second!.reference}`);
  });

  it('attached files (a PDF and a Word document) are stored in the mail bucket and referenced from the report', async () => {
    // Prepare (a 進捗管理シート this system issued goes to the sheet import instead, shared/sheet/mail.ts)
    const subject = subjectFor('進捗報告 (資料添付)');
    const to = reportAddress(sogo.kaId);
    const document = randomBytes(2048);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: ['事業: 4-4-3', '状況: 予定どおり', '進捗: 添付の資料のとおり', '報告者: 山田'].join('\n'),
      attachments: [
        { filename: '資料.pdf', content: Buffer.from('%PDF-1.4\n%test\n'), contentType: 'application/pdf' },
        { filename: '会議録.docx', content: document, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      ],
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '4-4-3', quarter);
    expect(report?.attachments.map((a) => [a.name, a.contentType, a.bytes])).toEqual([
      ['資料.pdf', 'application/pdf', 15],
      ['会議録.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', document.length],
    ]);
    const stored = await s3.send(new GetObjectCommand({ Bucket: stack.mailBucket, Key: report!.attachments[1]!.key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(document)).toBe(true);
    expect(report!.attachments[1]!.key).toMatch(new RegExp(`^${mailBucketPrefixes.attachments}[a-z0-9]{40}/会議録\\.docx$`));
    expect((await onlyAnswerTo(subject)).body.text).toContain('添付: 資料.pdf、会議録.docx');
  });

  it('a file name over its byte limit, and a content type no HTTP header can carry: both stored, the mail recorded and answered', async () => {
    // Prepare: a name of 503 bytes whose cut falls inside 𠮷 (4 bytes); a type with kanji in it
    const subject = subjectFor('進捗報告 (長い名前の資料)');
    const to = reportAddress(gakko.kaId);
    const longName = `${'資'.repeat(65)}𠮷${'資'.repeat(100)}.pdf`;
    const raw = await compose({
      from: gakko.address,
      to,
      subject,
      text: ['事業: 1-2-1', '状況: 予定どおり', '進捗: 添付の資料のとおり', '報告者: 山田'].join('\n'),
      attachments: [
        { filename: longName, content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' },
        { filename: '議事録.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf資料' },
      ],
    });
    // Act
    await send(raw, { from: gakko.address, to: [to] });
    // Assess: the name is cut to 200 bytes before 𠮷, keeping its extension; the type falls back
    const [report] = await reportHistory(store, '1-2-1', quarter);
    expect(report?.attachments.map((a) => [a.name, a.contentType])).toEqual([
      [`${'資'.repeat(65)}.pdf`, 'application/pdf'],
      ['議事録.pdf', 'application/octet-stream'],
    ]);
    const stored = await s3.send(new GetObjectCommand({ Bucket: stack.mailBucket, Key: report!.attachments[1]!.key }));
    expect(stored.ContentType).toBe('application/octet-stream');
    expect((await onlyAnswerTo(subject)).body.text).toContain('議事録.pdf');
  });

  it('a spreadsheet that is no 進捗管理シート (参考資料.xlsx) is an attachment like any other: the body is read and recorded', async () => {
    // Prepare
    const subject = subjectFor('進捗報告 (参考資料.xlsx)');
    const to = reportAddress(sogo.kaId);
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('集計').getCell('A1').value = '利用件数';
    const reference = Buffer.from(await workbook.xlsx.writeBuffer());
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: ['事業: 2-2-5', '状況: 予定どおり', '進捗: 集計は添付の参考資料のとおり', '報告者: 山田'].join('\n'),
      attachments: [{ filename: '参考資料.xlsx', content: reference }],
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '2-2-5', quarter);
    expect(report?.status).toBe('予定どおり');
    expect(report?.attachments.map((a) => [a.name, a.bytes])).toEqual([['参考資料.xlsx', reference.length]]);
    const text = (await onlyAnswerTo(subject)).body.text ?? '';
    expect(text).toContain(`受付番号 ${report!.reference}`);
    expect(text).toContain('添付の 参考資料.xlsx は、このシステムが作成した進捗管理シートではないため');
    expect(text).toContain('The attached 参考資料.xlsx is not a progress sheet issued by this system');
    expect(text.indexOf('参考資料.xlsx は')).toBeLessThan(text.indexOf('The attached 参考資料.xlsx'));
  });

  it('a returned 進捗管理シート and a body form in one mail: the sheet is recorded, and the answer says the body was not read', async () => {
    // Prepare: 総合政策課's own sheet with one row filled in, and a form in the body for another 事業
    const subject = subjectFor('進捗報告 (シートと本文)');
    const to = reportAddress(sogo.kaId);
    const sheet = await exportSheet(store, await catalogLoader(store)(), { scope: { kind: 'ka', id: sogo.kaId }, quarter, secret });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    const row = sheet.rows.find((r) => r.measureId === '1-1-1')!.row;
    const ws = workbook.worksheets.find((w) => w.state === 'visible')!;
    ws.getCell(`F${row}`).value = '予定どおり';
    ws.getCell(`L${row}`).value = '山田';
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: ['シートを添付します。', '', '事業: 1-1-2', '状況: 予定どおり', '報告者: 山田'].join('\n'),
      attachments: [{ filename: sheet.fileName, content: filled }],
    });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const [report] = await reportHistory(store, '1-1-1', quarter);
    expect(report?.status).toBe('予定どおり');
    expect(await reportHistory(store, '1-1-2', quarter)).toEqual([]);
    const text = (await onlyAnswerTo(subject)).body.text ?? '';
    expect(text).toContain('添付の進捗管理シートを受け付けました');
    expect(text).toContain(report!.reference);
    expect(text).toContain('本文の報告様式 (3行目の「事業:」から) は読み取っていません');
    expect(text).toContain('The report form in the body (from the "事業:" line at line 3) was not read');
  });

  it('a correction is a new version: v2 supersedes v1', async () => {
    // Prepare
    const subject = subjectFor('訂正 2-2-3');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '事業: 2-2-3\n状況: 完了\n執行額: 900\n報告者: 山田' });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    const history = await reportHistory(store, '2-2-3', quarter);
    expect(history.map((r) => [r.version, r.status, r.supersedes])).toEqual([
      [1, '予定どおり', undefined],
      [2, '完了', 1],
    ]);
    expect((await onlyAnswerTo(subject)).body.text).toContain('受付番号 FY2013-Q2-2-2-3-v2');
  });

  it('the same message delivered twice is recorded once and answered once', async () => {
    // Prepare
    const subject = subjectFor('二重配信');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, messageId: `<${randomUUID()}@mail.${domain}>`, text: '事業: 4-5-1\n状況: 予定どおり\n報告者: 山田' });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    await send(raw, { from: sogo.address, to: [to] });
    // Assess
    expect(await reportHistory(store, '4-5-1', quarter)).toHaveLength(1);
    expect(await answersTo(subject)).toHaveLength(1);
  });

  it("another 課's mail under a Message-ID already handled is its own mail: recorded and answered", async () => {
    // Prepare: 総合政策課's mail handled first; 税務課's client reuses its Message-ID
    const messageId = `<${randomUUID()}@mail.${domain}>`;
    const first = subjectFor('Message-ID 共用 (総合政策課)');
    const second = subjectFor('Message-ID 共用 (税務課)');
    const sogoTo = reportAddress(sogo.kaId);
    const zeimuTo = reportAddress(zeimu.kaId);
    await send(await compose({ from: sogo.address, to: sogoTo, subject: first, messageId, text: '事業: 1-1-3\n状況: 予定どおり\n報告者: 山田' }), {
      from: sogo.address,
      to: [sogoTo],
    });
    const before = (await reportHistory(store, '2-2-6', quarter)).length;
    const raw = await compose({ from: zeimu.address, to: zeimuTo, subject: second, messageId, text: '事業: 2-2-6\n状況: 予定どおり\n報告者: 鈴木' });
    // Act
    await send(raw, { from: zeimu.address, to: [zeimuTo] });
    // Assess
    expect(await reportHistory(store, '1-1-3', quarter)).toHaveLength(1);
    expect(await reportHistory(store, '2-2-6', quarter)).toHaveLength(before + 1);
    const answer = await onlyAnswerTo(second);
    expect(answer.destination.to[0]).toContain(zeimu.address);
    expect(answer.body.text).toContain(`受付番号 FY2013-Q2-2-2-6-v${before + 1}`);
  });

  it('a different mail of the same 課 under a reused Message-ID (a broken client) is recorded too, and each is answered', async () => {
    // Prepare
    const messageId = `<${randomUUID()}@mail.${domain}>`;
    const first = subjectFor('Message-ID 再利用 1');
    const second = subjectFor('Message-ID 再利用 2');
    const to = reportAddress(sogo.kaId);
    await send(await compose({ from: sogo.address, to, subject: first, messageId, text: '事業: 2-1-1\n状況: 予定どおり\n報告者: 山田' }), { from: sogo.address, to: [to] });
    const raw = await compose({ from: sogo.address, to, subject: second, messageId, text: '事業: 2-1-2\n状況: 予定どおり\n報告者: 山田' });
    // Act
    await send(raw, { from: sogo.address, to: [to] });
    await send(raw, { from: sogo.address, to: [to] });
    // Assess: both recorded; the second, delivered twice, once
    expect(await reportHistory(store, '2-1-1', quarter)).toHaveLength(1);
    expect(await reportHistory(store, '2-1-2', quarter)).toHaveLength(1);
    expect(await answersTo(first)).toHaveLength(1);
    expect((await onlyAnswerTo(second)).body.text).toContain('受付番号 FY2013-Q2-2-1-2-v1');
  });
});

/** The mail handler's own code and parts, called directly as Lambda calls it, on `withStore`. */
function directDeps(withStore: Store = store): IngestDeps {
  return {
    store: withStore,
    loadCatalog: catalogLoader(withStore),
    s3: createObjectStore(localClientConfig(stack.s3Endpoint)),
    mailer: createMailer(),
    secret: async () => secret,
    bucket: stack.mailBucket,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

/** A mail of 総合政策課 reporting `measureId`, stored in the bucket as SES's S3 action stores it, and the receipt event for it. */
async function storedMail(subject: string, measureId: string, sesIdPrefix: string): Promise<{ raw: Buffer; messageId: string; event: SesReceiptEvent }> {
  const to = reportAddress(sogo.kaId);
  const messageId = `<${randomUUID()}@mail.${domain}>`;
  const raw = await compose({ from: sogo.address, to, subject, messageId, text: `事業: ${measureId}\n状況: 予定どおり\n進捗: ${subject}\n報告者: 山田` });
  const sesId = `${sesIdPrefix}-${randomUUID()}`;
  await createObjectStore(localClientConfig(stack.s3Endpoint)).put({ bucket: stack.mailBucket, key: `${mailBucketPrefixes.inbound}${sesId}`, body: raw, contentType: 'message/rfc822' });
  const event = SesReceiptEventSchema.parse(
    sesReceiptEvent({ messageId: sesId, envelopeFrom: sogo.address, recipients: [to], headers: rawHeaders(raw), commonHeaders: await commonHeadersOf(raw, sogo.address), receivedAt: new Date() }),
  );
  return { raw, messageId, event };
}

describe('an answer that went out is not sent again', () => {
  it('when marking it sent fails, the claim is kept: the retry fails instead of answering a second time', async () => {
    // Prepare: the mail handler's own code and parts, with a table whose next mark of a sent answer is throttled
    const doc = createDocumentClient(localClientConfig(stack.dynamoEndpoint));
    let throttleNextUpdate = true;
    const flaky: DocumentDb = {
      ...doc,
      update: async (input) => {
        if (!throttleNextUpdate || !input.UpdateExpression?.includes('sentAt')) return doc.update(input);
        throttleNextUpdate = false;
        throw new AwsError('ThrottlingException', 'Rate exceeded', 400, undefined);
      },
    };
    const deps = directDeps(createStore(flaky, stack.tableName, stack.tenant));
    const subject = subjectFor('記録に失敗');
    const { event } = await storedMail(subject, '4-1-1', 'fault');

    const before = (await reportHistory(store, '4-1-1', quarter)).length;

    // Act: the first attempt answers, then cannot mark the answer sent
    const first = ingestMail(event, deps);

    // Assess
    await expect(first).rejects.toThrow(/Rate exceeded/);
    expect(await answersTo(subject)).toHaveLength(1);

    // Act: Lambda's retry of the same event
    const retry = ingestMail(event, deps);

    // Assess: it fails without a second answer, so the event ends in the on-failure queue
    await expect(retry).rejects.toThrow(/the same message is being handled/);
    expect(await answersTo(subject)).toHaveLength(1);
    expect(await reportHistory(store, '4-1-1', quarter)).toHaveLength(before + 1);
  });
});

describe('a run that died with the claim held (a timeout, memory)', () => {
  /** A mail in the bucket, its receipt event, and the claim a run that died left on its answer two minutes ago. */
  async function leftBehind(subject: string, measureId: string, sending: boolean) {
    const { raw, messageId, event } = await storedMail(subject, measureId, 'died');
    const key = replyClaimKey(mailIdentity(sogo.address, messageId, raw));
    const diedAt = new Date(Date.now() - 120_000);
    const claim = await claimNotification(store, { key, kind: 'reply', recipients: [sogo.address], subject, day: '2013-08-01' }, diedAt, {
      heldUntil: invocationDeadline({ getRemainingTimeInMillis: () => 60_000 }, diedAt.getTime()),
    });
    if (claim.outcome !== 'claimed') throw new Error(`not claimed: ${claim.outcome}`);
    if (sending) expect(await markNotificationSending(store, key, claim.claimId, diedAt)).toBe('marked');
    return event;
  }

  it("before it began to answer: Lambda's retry minutes later takes the mail over, records it and answers once", async () => {
    // Prepare
    const subject = subjectFor('途中で停止 (返信前)');
    const event = await leftBehind(subject, '4-1-1', false);
    const before = (await reportHistory(store, '4-1-1', quarter)).length;
    // Act
    const outcome = await ingestMail(event, directDeps());
    // Assess
    expect(outcome).toEqual([expect.objectContaining({ outcome: 'recorded' })]);
    expect(await reportHistory(store, '4-1-1', quarter)).toHaveLength(before + 1);
    expect(await answersTo(subject)).toHaveLength(1);
  });

  it('after it began to answer: the retry fails into the on-failure queue rather than answer a second time', async () => {
    // Prepare
    const subject = subjectFor('途中で停止 (返信中)');
    const event = await leftBehind(subject, '4-1-1', true);
    // Act / Assess
    await expect(ingestMail(event, directDeps())).rejects.toThrow(/the same message is being handled/);
    expect(await answersTo(subject)).toEqual([]);
  });
});

/** A bad mail: sent, then nothing may have been recorded, and the answer must be exactly `expected`. */
async function expectRefused(
  subject: string,
  sendIt: () => Promise<void>,
  expected: { answer: 'none' } | { answer: 'to'; address: string; says: readonly (string | RegExp)[] },
): Promise<void> {
  const before = await reportCount();
  await sendIt();
  expect(await reportCount(), 'reports recorded').toBe(before);
  const answers = await answersTo(subject);
  if (expected.answer === 'none') {
    expect(answers, 'answers').toEqual([]);
    return;
  }
  expect(answers, 'answers').toHaveLength(1);
  const [answer] = answers;
  expect(answer!.destination.to).toHaveLength(1);
  expect(answer!.destination.to[0]).toContain(expected.address);
  for (const phrase of expected.says) expect(answer!.body.text).toMatch(phrase);
}

describe('bad mails: nothing recorded, and the right answer or none', () => {
  const good = (measure = '4-4-4') => `事業: ${measure}\n状況: 予定どおり\n報告者: 山田`;

  it('malformed MIME (a multipart whose boundary never comes): answered that the body is empty', async () => {
    const subject = subjectFor('壊れたMIME');
    const to = reportAddress(sogo.kaId);
    const raw = Buffer.from(
      [`From: ${sogo.address}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${randomUUID()}@x>`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="expected"', '', '--other', 'Content-Type: text/plain', '', good(), '--other--', ''].join('\r\n'),
    );
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['本文が空', 'The mail body is empty'] });
  });

  it('an unknown sender (a stranger with a valid reply address): no answer', async () => {
    const subject = subjectFor('stranger');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: 'someone@example.org', to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: 'someone@example.org', to: [to] }), { answer: 'none' });
  });

  it('a spoofed From (registered address, envelope from another domain): refused to the registered address only', async () => {
    const subject = subjectFor('spoofed');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, replyTo: 'attacker@evil.example', to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: 'bounce@evil.example', to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['evil.example', 'ドメイン', 'does not match'],
    });
    expect((await answersTo(subject))[0]!.destination.to.join(',')).not.toContain('evil.example');
  });

  it("another 課's reply address (税務課's token from 総合政策課)", async () => {
    const subject = subjectFor('wrong ka');
    const to = reportAddress(zeimu.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['税務課用', 'another department'] });
  });

  it('an expired reply address', async () => {
    const subject = subjectFor('expired');
    const to = reportAddress(sogo.kaId, { now: new Date(Date.now() - 90 * 86_400_000) });
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['有効期限が切れています', 'expired'] });
  });

  it('a tampered reply address (one letter of the signature changed)', async () => {
    const subject = subjectFor('tampered');
    const genuine = reportAddress(sogo.kaId);
    const to = genuine.replace(/([a-z2-7])@/, (_, c: string) => `${c === 'a' ? 'b' : 'a'}@`);
    expect(to).not.toBe(genuine);
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['署名が正しくありません', 'signature is invalid'] });
  });

  it('a form-link token used as a reply address (other purpose)', async () => {
    const subject = subjectFor('form token');
    const to = reportAddress(sogo.kaId, { purpose: 'form' });
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['署名が正しくありません'] });
  });

  it('no reply address, only the [shinchoku …] subject reference: refused, saying the subject is not enough', async () => {
    const subject = subjectFor('Re: 進捗報告 [shinchoku FY2013-Q2 sogo-seisaku]');
    const to = `progress@${domain}`;
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['報告用アドレス', '件名の [shinchoku …] の表示だけでは受け付けられません', 'subject alone is not enough'],
    });
  });

  it('two report addresses at once', async () => {
    const subject = subjectFor('two tokens');
    const to = [reportAddress(sogo.kaId), reportAddress(sogo.kaId, { quarter: 'FY2013-Q3' })];
    const raw = await compose({ from: sogo.address, to, subject, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to }), { answer: 'to', address: sogo.address, says: ['複数'] });
  });

  it('an unknown 事業, with its line number', async () => {
    const subject = subjectFor('unknown measure');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: 'お世話になります。\n\n事業: 9-9-9\n状況: 予定どおり\n報告者: 山田' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['[3行目・事業 9-9-9・事業] 事業 9-9-9 は計画にありません', 'measure 9-9-9 is not in the plan', '2-2-3 かんたん申請・申込の拡充'],
    });
  });

  it('a 事業 the 課 does not own (5-1-1 is 商工観光課\'s)', async () => {
    const subject = subjectFor('not owned');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: good('5-1-1') });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['担当部署ではありません', 'does not own measure 5-1-1'] });
  });

  it('an empty body', async () => {
    const subject = subjectFor('empty');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['本文が空', '報告の様式', /^状況: 予定どおり$/m] });
  });

  it('the form filled in inside the quoted reminder: refused, the answer naming the line and saying a quote is not read', async () => {
    const subject = subjectFor('Re: 進捗報告のお願い');
    const to = reportAddress(sogo.kaId);
    const text = [
      '記入しました。よろしくお願いします。',
      '',
      'On Mon, Oct 7, 2013 at 9:00 AM 進捗報告 <shinchoku@shimotsuke.example> wrote:',
      '> 事業: 4-4-4',
      '> 状況: 予定どおり',
      '> 進捗: 今期は研修を2回実施',
    ].join('\n');
    const raw = await compose({ from: sogo.address, to, subject, text });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['4行目', '引用された部分', 'line 4', 'quoted text'],
    });
  });

  it('text but no form block', async () => {
    const subject = subjectFor('no form');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '今期も予定どおり進んでいます。よろしくお願いします。' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['様式', 'No report form'] });
  });

  it("a sheet wrapped by Outlook's rich-text format (winmail.dat): the answer says why it cannot be read and how to send it", async () => {
    // Prepare: Outlook in rich-text mode sends a plain-text body and every attachment inside winmail.dat
    const subject = subjectFor('進捗管理シート (winmail.dat)');
    const to = reportAddress(sogo.kaId);
    const tnef = Buffer.concat([Buffer.from([0x78, 0x9f, 0x3e, 0x22]), Buffer.from('進捗管理シート_企画専門部会_FY2013-Q2.xlsx')]);
    const raw = await compose({
      from: sogo.address,
      to,
      subject,
      text: '進捗管理シートを添付のとおり提出します。',
      attachments: [{ filename: 'winmail.dat', content: tnef, contentType: 'application/ms-tnef' }],
    });
    // Act and assess: nothing recorded, and the answer names the wrapper before the form
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['winmail.dat は Outlook のリッチテキスト形式', 'HTML 形式', "winmail.dat is Outlook's rich-text (TNEF) wrapper", 'No report form'],
    });
  });

  it('a status that is not one of the five, with its line number and the allowed values', async () => {
    const subject = subjectFor('bad status');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '事業: 4-4-4\n状況: 順調\n報告者: 山田' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['[2行目・事業 4-4-4・状況]', '予定どおり・遅れ気味・遅延・完了・未着手'],
    });
  });

  it('an amount that is not a number', async () => {
    const subject = subjectFor('bad amount');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '事業: 4-4-4\n状況: 予定どおり\n執行額: 約八百\n報告者: 山田' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['[3行目・事業 4-4-4・執行額 (報告する四半期の年度, 千円)]', '数値で入力してください', '「約八百」'] });
  });

  it('遅延 without 課題', async () => {
    const subject = subjectFor('delayed no issues');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: '事業: 4-4-4\n状況: 遅延\n報告者: 山田' });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['課題を記入してください'] });
  });

  it('one good and one bad block: all or nothing, the answer names only the bad one', async () => {
    const subject = subjectFor('mixed');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: `${good('4-4-4')}\n\n事業: 1-1-1\n状況: だいたい\n報告者: 山田` });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['1件も記録していません', '[6行目・事業 1-1-1・状況]'] });
    expect((await answersTo(subject))[0]!.body.text).not.toMatch(/事業 4-4-4・/);
  });

  it.each([
    ['a "--" line', '--'],
    ['a ruled line of underscores', '__________'],
  ])('a second 事業 after %s: refused, naming both lines, instead of recording only the first', async (_label, marker) => {
    const subject = subjectFor(`区切り ${marker}`);
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: `${good('4-4-4')}\n${marker}\n事業: 1-1-2\n状況: 予定どおり\n報告者: 山田` });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['1件も記録していません', /\[5行目・事業 ?.*\] この「事業:」の行は、4行目の/, /\[line 5.*\] this "事業:" line comes after line 4/],
    });
  });

  it('a spreadsheet that is no 進捗管理シート and no form in the body: refused, saying the file was not read as a sheet', async () => {
    const subject = subjectFor('古い形式のシート');
    const to = reportAddress(sogo.kaId);
    const legacy = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...randomBytes(1024)]);
    const raw = await compose({ from: sogo.address, to, subject, text: '添付のとおり報告します。', attachments: [{ filename: '進捗管理シート.xls', content: legacy }] });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), {
      answer: 'to',
      address: sogo.address,
      says: ['報告の様式', '添付の 進捗管理シート.xls は、このシステムが作成した進捗管理シートではないため、シートとしては読み取っていません', 'The attached 進捗管理シート.xls is not a progress sheet issued by this system'],
    });
  });

  it('the same 事業 twice in one mail', async () => {
    const subject = subjectFor('repeated');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: `${good('4-4-4')}\n${good('4-4-4')}` });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'to', address: sogo.address, says: ['2回あります (1行目と4行目)'] });
  });

  it('oversize (over the 10 MB limit): refused in SMTP (552), no answer from us', async () => {
    const subject = subjectFor('oversize');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, text: good(), attachments: [{ filename: 'big.bin', content: randomBytes(8 * 1024 * 1024) }] });
    await expectRefused(
      subject,
      async () => {
        await expect(send(raw, { from: sogo.address, to: [to] })).rejects.toMatchObject({ responseCode: 552 });
      },
      { answer: 'none' },
    );
  });

  it('an auto-reply (Auto-Submitted: auto-replied): no answer', async () => {
    const subject = subjectFor('自動応答: 不在');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, headers: { 'Auto-Submitted': 'auto-replied' }, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'none' });
  });

  it("an out-of-office reply with no header saying so (Outlook's 不在: subject, ISO-2022-JP), sent to the reply address: no answer", async () => {
    const subject = subjectFor('不在: Re: 【進捗報告のお願い】');
    const to = reportAddress(sogo.kaId);
    const raw = legacyMail({
      from: sogo.address,
      to,
      subject,
      charset: 'ISO-2022-JP',
      transferEncoding: '7bit',
      body: '総合政策課の山田は10月15日まで不在にしております。\n急ぎの用件は内線1234までご連絡ください。',
    });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'none' });
  });

  it('a bounce (DSN from MAILER-DAEMON, null envelope sender): no answer', async () => {
    const subject = subjectFor('Undelivered Mail Returned to Sender');
    const to = reportAddress(sogo.kaId);
    const boundary = 'dsn-boundary';
    const raw = Buffer.from(
      [
        `From: MAILER-DAEMON@mail.${domain}`,
        `To: ${to}`,
        `Subject: ${subject}`,
        `Message-ID: <${randomUUID()}@mail.${domain}>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        'Delivery failed.',
        good(),
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mail.shimotsuke.example',
        '',
        'Final-Recipient: rfc822; nobody@example.org',
        'Action: failed',
        'Status: 5.1.1',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    await expectRefused(subject, () => send(raw, { from: '', to: [to] }), { answer: 'none' });
  });

  it('our own mail coming back (X-Shinchoku-Mail, from our sender): no answer', async () => {
    const subject = subjectFor('【進捗報告のお願い】');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: `shinchoku@${domain}`, to, subject, headers: { 'X-Shinchoku-Mail': '1', 'Auto-Submitted': 'auto-generated' }, text: good() });
    await expectRefused(subject, () => send(raw, { from: `shinchoku@${domain}`, to: [to] }), { answer: 'none' });
  });

  it('our own marker header alone, from a registered address (a forwarded copy of our mail): no answer', async () => {
    const subject = subjectFor('Fw: 【進捗報告のお願い】');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, headers: { 'X-Shinchoku-Mail': '1' }, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'none' });
  });

  it('Precedence: bulk: no answer', async () => {
    const subject = subjectFor('bulk');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, headers: { Precedence: 'bulk' }, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'none' });
  });

  it('a mailing list (List-Id): no answer', async () => {
    const subject = subjectFor('[ml:0001] 進捗');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, to, subject, headers: { 'List-Id': '<staff.shimotsuke.example>' }, text: good() });
    await expectRefused(subject, () => send(raw, { from: sogo.address, to: [to] }), { answer: 'none' });
  });

  it('mail to an address the receipt rule does not cover: refused in SMTP (550), no answer', async () => {
    const subject = subjectFor('wrong recipient');
    const to = `sogo-seisaku@${domain}`;
    const raw = await compose({ from: shoko.address, to, subject, text: good() });
    await expectRefused(
      subject,
      async () => {
        await expect(send(raw, { from: shoko.address, to: [to] })).rejects.toMatchObject({ responseCode: 550 });
      },
      { answer: 'none' },
    );
  });
});

describe('SES verdicts (the handler with the event SES would send; the local intake always says PASS)', () => {
  /** Store a message as the S3 action would and invoke ingest-mail with the given verdicts. */
  async function deliverWithVerdicts(raw: Buffer, envelopeFrom: string, to: string, verdicts: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', 'FAIL'>>) {
    const messageId = randomBytes(20).toString('hex');
    await s3.send(new PutObjectCommand({ Bucket: stack.mailBucket, Key: `${mailBucketPrefixes.inbound}${messageId}`, Body: raw }));
    const event = sesReceiptEvent({ messageId, envelopeFrom, recipients: [to], headers: rawHeaders(raw), commonHeaders: await commonHeadersOf(raw, envelopeFrom), receivedAt: new Date() });
    const receipt = event.Records[0]!.ses.receipt;
    for (const [check, status] of Object.entries(verdicts)) receipt[`${check as 'spam'}Verdict`] = { status };
    const { handler } = await import('#functions/ingest-mail/handler');
    await handler(event, localLambdaContext('ingest-mail', randomUUID(), 60_000));
  }

  it.each([
    ['spam', { spam: 'FAIL' }, '迷惑メール判定'],
    ['virus', { virus: 'FAIL' }, 'ウイルス検査'],
    ['DKIM', { dkim: 'FAIL' }, 'DKIM'],
    ['SPF and DMARC', { spf: 'FAIL', dmarc: 'FAIL' }, 'SPF'],
  ] as const)('%s FAIL: refused, answered to the registered address only', async (_, verdicts, says) => {
    const subject = subjectFor(`verdict ${_}`);
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: sogo.address, replyTo: 'attacker@evil.example', to, subject, text: '事業: 1-1-2\n状況: 予定どおり\n報告者: 山田' });
    await expectRefused(subject, () => deliverWithVerdicts(raw, sogo.address, to, verdicts), {
      answer: 'to',
      address: sogo.address,
      says: ['検査で不合格', says, 'failed checks on receipt'],
    });
  });

  it('a stranger whose mail fails DKIM: no answer at all', async () => {
    const subject = subjectFor('verdict stranger');
    const to = reportAddress(sogo.kaId);
    const raw = await compose({ from: 'someone@example.org', to, subject, text: '事業: 1-1-2\n状況: 予定どおり\n報告者: 山田' });
    await expectRefused(subject, () => deliverWithVerdicts(raw, 'someone@example.org', to, { dkim: 'FAIL' }), { answer: 'none' });
  });
});
