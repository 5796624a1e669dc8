/**
 * Parsing a received message for the mail intake: charsets, addresses, the content type the rules
 * read, and attachments as Buffers (inline images of an HTML body kept apart from files).
 */
import Encoding from 'encoding-japanese';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { factsOf, maxFileNameBytes, mediaTypeOf, parseMail, safeFileName } from '#functions/ingest-mail/ingest';
import type { SesMail, SesReceipt } from '#events/ses-receipt';
import { DirectorySchema } from '#shared/domain/directory';
import { classifyInboundMail } from '#shared/domain/mail-rules';

const jis = (text: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

const verdict = { status: 'PASS' as const };
const receipt = {
  spfVerdict: verdict,
  dkimVerdict: verdict,
  dmarcVerdict: verdict,
  spamVerdict: verdict,
  virusVerdict: verdict,
} as unknown as SesReceipt;
const sesMail = { source: 'yamada@city.example.jp' } as unknown as SesMail;

describe('parseMail', () => {
  it('runs on a runtime whose TextDecoder knows the Japanese mail charsets (full ICU)', () => {
    // postal-mime decodes with TextDecoder and would fall back to windows-1252 for a charset it lacks.
    for (const charset of ['iso-2022-jp', 'shift_jis', 'euc-jp']) expect(new TextDecoder(charset).encoding).toBe(charset);
    expect(new TextDecoder('iso-2022-jp').decode(jis('進捗'))).toBe('進捗');
  });

  it('decodes an ISO-2022-JP message: subject, display name, body, references', async () => {
    // Prepare
    const raw = Buffer.concat([
      Buffer.from(
        [
          `From: =?ISO-2022-JP?B?${jis('山田').toString('base64')}?= <yamada@city.example.jp>`,
          'To: "Progress" <progress+sogo.2013q2.x.y@progress.example.jp>, Team: c@x.example, d@x.example;',
          `Subject: =?ISO-2022-JP?B?${jis('進捗報告').toString('base64')}?=`,
          'Message-ID: <m1@city.example.jp>',
          'References: <r0@x.example>',
          ' <r1@x.example>',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=ISO-2022-JP',
          'Content-Transfer-Encoding: 7bit',
          '',
          '',
        ].join('\r\n'),
      ),
      jis('事業: 2-2-3\r\n状況: 予定どおり\r\n'),
    ]);
    // Act
    const mail = await parseMail(raw);
    const facts = factsOf(mail, sesMail, receipt);
    // Assess
    expect(mail.subject).toBe('進捗報告');
    expect(mail.text).toBe('事業: 2-2-3\n状況: 予定どおり\n');
    expect(mail.messageId).toBe('<m1@city.example.jp>');
    expect(mail.references).toBe('<r0@x.example> <r1@x.example>');
    expect(facts.from).toEqual([{ address: 'yamada@city.example.jp', name: '山田' }]);
    expect(facts.contentType).toEqual({ value: 'text/plain', params: { charset: 'ISO-2022-JP' } });
    expect(facts.headers.get('references')).toEqual(['<r0@x.example> <r1@x.example>']);
  });

  it('gives attachments as Buffers and marks the images the HTML shows as related', async () => {
    // Prepare
    const sheet = Buffer.from('PK\u0003\u0004 not really a workbook');
    const raw = await compose({
      from: 'yamada@city.example.jp',
      to: 'progress@progress.example.jp',
      subject: 'シート',
      html: '<p>添付します</p><img src="cid:logo">',
      attachments: [
        { filename: '進捗管理シート.xlsx', content: sheet },
        { filename: 'logo.png', content: Buffer.from([0x89, 0x50]), cid: 'logo' },
      ],
    });
    // Act
    const mail = await parseMail(raw);
    // Assess
    const files = mail.attachments.map((a) => ({ filename: a.filename, related: a.related, isBuffer: Buffer.isBuffer(a.content) }));
    expect(files).toEqual(
      expect.arrayContaining([
        { filename: '進捗管理シート.xlsx', related: false, isBuffer: true },
        { filename: 'logo.png', related: true, isBuffer: true },
      ]),
    );
    const workbook = mail.attachments.find((a) => a.filename === '進捗管理シート.xlsx')!;
    expect(workbook.content.equals(sheet)).toBe(true);
    expect(workbook.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(mail.html).toContain('添付します');
  });
});

describe('attachments as stored: file name and content type', () => {
  it('cuts a long name to its byte limit between characters, keeping the extension (𠮷 and emoji whole)', () => {
    // Prepare: 4-byte characters on both sides of every possible cut
    const names = [`${'資'.repeat(100)}.pdf`, `${'𠮷'.repeat(100)}.xlsx`, `${'a'.repeat(198)}😀😀.docx`, '𠮷'.repeat(100)];
    // Act
    const cut = names.map((name) => safeFileName(name, 0));
    // Assess
    for (const [i, name] of cut.entries()) {
      expect(Buffer.byteLength(name), name).toBeLessThanOrEqual(maxFileNameBytes);
      expect(Buffer.byteLength(name), name).toBeGreaterThan(maxFileNameBytes - 4);
      expect(encodeURIComponent(name), name).toBeTruthy(); // throws on half of a surrogate pair
      expect(names[i]!.startsWith(name.replace(/\.[a-z]+$/, ''))).toBe(true);
    }
    expect(cut.map((name) => /\.[a-z]+$/.exec(name)?.[0])).toEqual(['.pdf', '.xlsx', '.docx', undefined]);
  });

  it('keeps a name within the limit as it is, paths and control characters replaced, and names a nameless file', () => {
    // Prepare / Act / Assess
    expect(safeFileName('議事録 (第2回).pdf', 0)).toBe('議事録 (第2回).pdf');
    expect(safeFileName('..\\..\\資料/a\u0007b.pdf', 0)).toBe('_.._資料_a_b.pdf');
    expect(safeFileName('  ', 2)).toBe('attachment-3');
  });

  it('keeps a media type (lower-cased), and a type no HTTP header can carry as application/octet-stream', () => {
    // Prepare / Act / Assess
    expect(mediaTypeOf('Application/PDF')).toBe('application/pdf');
    expect(mediaTypeOf('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    for (const odd of ['application/pdf資料', 'text/plain\r\nX-Injected: 1', 'pdf', '', undefined]) {
      expect(mediaTypeOf(odd), String(odd)).toBe('application/octet-stream');
    }
  });
});

describe('the senders of a mail (From)', () => {
  const directory = DirectorySchema.parse(JSON.parse(readFileSync(new URL('../../plans/shimotsuke/directory.json', import.meta.url), 'utf8')));
  const sogo = 'sogo-seisaku@shimotsuke.example';
  const rawMail = (fromLines: string[]) =>
    Buffer.from([...fromLines, 'To: progress@shimotsuke.example', 'Subject: 進捗報告', 'Message-ID: <f1@shimotsuke.example>', '', '事業: 2-2-3', ''].join('\r\n'));

  it.each([
    ['two addresses in one From header', [`From: ${sogo}, attacker@evil.example`]],
    ['a registered address and a group', [`From: ${sogo}, Team: attacker@evil.example;`]],
    ['two From headers', [`From: ${sogo}`, 'From: attacker@evil.example']],
    ['a second, empty From header', [`From: ${sogo}`, 'From: ']],
    ['an empty From header before the registered one', ['From: ', `From: ${sogo}`]],
  ])('%s: several senders, dropped', async (_label, fromLines) => {
    // Prepare
    const mail = await parseMail(rawMail(fromLines));
    // Act
    const facts = factsOf(mail, { source: sogo } as unknown as SesMail, receipt);
    const decision = classifyInboundMail(facts, directory);
    // Assess
    expect(facts.from.length).toBeGreaterThan(1);
    expect(decision).toMatchObject({ action: 'drop', reason: 'several-senders' });
  });

  it('one address with a comma in its quoted name is one sender', async () => {
    // Prepare
    const mail = await parseMail(rawMail([`From: "総合政策課, 山田" <${sogo}>`]));
    // Act
    const facts = factsOf(mail, { source: sogo } as unknown as SesMail, receipt);
    // Assess
    expect(facts.from).toEqual([{ address: sogo, name: '総合政策課, 山田' }]);
    expect(classifyInboundMail(facts, directory)).toMatchObject({ action: 'accept', sender: sogo });
  });
});
