/** Who a received mail may be answered by, and when it is refused (shared/domain/mail-rules.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SesReceiptEventSchema } from '#events/ses-receipt';
import { DirectorySchema } from '#shared/domain/directory';
import {
  classifyInboundMail,
  domainsAligned,
  isOwnAddress,
  parseContentType,
  senderBelongsTo,
  type InboundMailFacts,
  type SesVerdicts,
} from '#shared/domain/mail-rules';

const directory = DirectorySchema.parse(JSON.parse(readFileSync(new URL('../../plans/shimotsuke/directory.json', import.meta.url), 'utf8')));
const pass: SesVerdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' };
const sogo = 'sogo-seisaku@shimotsuke.example';

function facts(overrides: Partial<Omit<InboundMailFacts, 'headers'>> & { headers?: Record<string, string> } = {}): InboundMailFacts {
  const { headers = {}, ...rest } = overrides;
  return {
    headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
    from: [{ address: sogo, name: '総合政策課' }],
    envelopeFrom: sogo,
    contentType: { value: 'text/plain', params: { charset: 'utf-8' } },
    verdicts: pass,
    ...rest,
  };
}

describe('classifyInboundMail', () => {
  it('accepts a registered address with passing checks and an aligned envelope', () => {
    // Act
    const decision = classifyInboundMail(facts(), directory);
    // Assess
    expect(decision).toMatchObject({ action: 'accept', sender: sogo, senderName: '総合政策課', ka: { id: 'sogo-seisaku' } });
  });

  it.each([
    ['our marker header', facts({ headers: { 'X-Shinchoku-Mail': '1' } }), 'own-mail'],
    ['our sender address', facts({ from: [{ address: 'shinchoku@shimotsuke.example' }] }), 'own-mail'],
    ['our reply address with a token', facts({ from: [{ address: 'Progress+abc@Shimotsuke.example' }] }), 'own-mail'],
    ['Auto-Submitted: auto-replied', facts({ headers: { 'Auto-Submitted': 'auto-replied' } }), 'auto-submitted'],
    ['Auto-Submitted: auto-generated; comment', facts({ headers: { 'Auto-Submitted': 'auto-generated; (x)' } }), 'auto-submitted'],
    ['X-Autoreply', facts({ headers: { 'X-Autoreply': 'yes' } }), 'auto-reply'],
    ['Precedence: bulk', facts({ headers: { Precedence: 'bulk' } }), 'precedence'],
    ['Precedence: junk', facts({ headers: { Precedence: 'Junk' } }), 'precedence'],
    ['Precedence: list', facts({ headers: { Precedence: 'list' } }), 'precedence'],
    ['List-Id', facts({ headers: { 'List-Id': '<x.example>' } }), 'mailing-list'],
    ['a delivery report', facts({ contentType: { value: 'multipart/report', params: { 'report-type': 'delivery-status' } } }), 'bounce'],
    ['an empty envelope sender', facts({ envelopeFrom: '' }), 'bounce'],
    ['a <> envelope sender', facts({ envelopeFrom: '<>' }), 'bounce'],
    ['an empty Return-Path', facts({ headers: { 'Return-Path': '<>' } }), 'bounce'],
    ['MAILER-DAEMON', facts({ from: [{ address: 'MAILER-DAEMON@mx.shimotsuke.example' }] }), 'bounce'],
    ['postmaster as envelope sender', facts({ envelopeFrom: 'postmaster@shimotsuke.example' }), 'bounce'],
    ['no From', facts({ from: [] }), 'no-sender'],
    ['two From addresses', facts({ from: [{ address: sogo }, { address: 'zeimu@shimotsuke.example' }] }), 'several-senders'],
    ['a stranger', facts({ from: [{ address: 'someone@example.org' }], envelopeFrom: 'someone@example.org' }), 'stranger'],
    ['a stranger failing DKIM', facts({ from: [{ address: 'someone@example.org' }], verdicts: { ...pass, dkim: 'FAIL' } }), 'stranger'],
  ])('drops %s without an answer', (_, input, reason) => {
    // Act
    const decision = classifyInboundMail(input, directory);
    // Assess
    expect(decision).toMatchObject({ action: 'drop', reason });
  });

  it.each([
    ['自動応答: 【進捗報告のお願い】'],
    ['不在: Re: 【進捗報告のお願い】'],
    ['不在通知：進捗報告のお願い'],
    ['【不在通知】進捗報告のお願い'],
    ['［自動返信］進捗報告のお願い'],
    ['不在のお知らせ'],
    ['Automatic reply: 進捗報告のお願い'],
    ['Out of Office AutoReply: 進捗報告のお願い'],
  ])('drops an auto-reply that carries no header saying so, by its subject "%s", without an answer', (subject) => {
    // Act
    const decision = classifyInboundMail(facts({ subject }), directory);
    // Assess
    expect(decision).toMatchObject({ action: 'drop', reason: 'auto-reply' });
  });

  it.each([
    ['Re: 【進捗報告のお願い】'],
    ['Re: 不在: Re: 【進捗報告のお願い】'],
    ['不在者投票の受付システム 進捗'],
    ['自動応答の設定について'],
  ])('answers a person whose subject "%s" only mentions such words', (subject) => {
    expect(classifyInboundMail(facts({ subject }), directory).action).toBe('accept');
  });

  it("answers a person's mail that carries X-Auto-Response-Suppress, which Exchange puts on mails people write too", () => {
    expect(classifyInboundMail(facts({ headers: { 'X-Auto-Response-Suppress': 'All' } }), directory).action).toBe('accept');
  });

  it('treats Auto-Submitted: no as a person writing', () => {
    expect(classifyInboundMail(facts({ headers: { 'Auto-Submitted': 'no' } }), directory).action).toBe('accept');
  });

  it.each([
    ['spam', { spam: 'FAIL' }, ['spam']],
    ['virus', { virus: 'FAIL' }, ['virus']],
    ['SPF', { spf: 'FAIL' }, ['spf']],
    ['DKIM and DMARC', { dkim: 'FAIL', dmarc: 'FAIL' }, ['dkim', 'dmarc']],
  ] as const)('refuses a %s FAIL with an answer to the registered address', (_, verdicts, failed) => {
    // Act
    const decision = classifyInboundMail(facts({ verdicts: { ...pass, ...verdicts } }), directory);
    // Assess
    expect(decision).toMatchObject({ action: 'refuse', reason: 'unverified', answerTo: sogo, failed });
  });

  it.each(['GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const)('does not refuse a %s verdict', (status) => {
    expect(classifyInboundMail(facts({ verdicts: { ...pass, dkim: status, dmarc: status } }), directory).action).toBe('accept');
  });

  it('refuses a From whose domain differs from the envelope sender (a spoof), answering the registered address', () => {
    // Act
    const decision = classifyInboundMail(facts({ envelopeFrom: 'bounce@evil.example' }), directory);
    // Assess
    expect(decision).toMatchObject({ action: 'refuse', reason: 'envelope-mismatch', answerTo: sogo, envelopeDomain: 'evil.example', fromDomain: 'shimotsuke.example' });
  });

  it('accepts an envelope from a subdomain (relaxed alignment) and a BATV-tagged envelope sender', () => {
    expect(classifyInboundMail(facts({ envelopeFrom: 'bounces@mail.shimotsuke.example' }), directory).action).toBe('accept');
    expect(classifyInboundMail(facts({ envelopeFrom: 'prvs=144d0cba7=sogo-seisaku@shimotsuke.example' }), directory).action).toBe('accept');
  });
});

describe('helpers', () => {
  it('reads a Content-Type header: the type in lower case, parameters with or without quotes', () => {
    expect(parseContentType('Multipart/Report; report-type="delivery-status"; boundary="b;1"')).toEqual({
      value: 'multipart/report',
      params: { 'report-type': 'delivery-status', boundary: 'b;1' },
    });
    expect(parseContentType('text/plain; CHARSET=ISO-2022-JP; format=flowed;')).toEqual({
      value: 'text/plain',
      params: { charset: 'ISO-2022-JP', format: 'flowed' },
    });
    expect(parseContentType('text/plain; name="a \\"quoted\\" name"')).toEqual({ value: 'text/plain', params: { name: 'a "quoted" name' } });
    expect(parseContentType('text/plain; broken; =x')).toEqual({ value: 'text/plain', params: {} });
    expect(parseContentType('')).toEqual({ value: '', params: {} });
  });

  it('aligns domains only on a label boundary', () => {
    expect(domainsAligned('a.example.jp', 'example.jp')).toBe(true);
    expect(domainsAligned('badexample.jp', 'example.jp')).toBe(false);
    expect(domainsAligned('', 'example.jp')).toBe(false);
  });

  it('knows our own addresses', () => {
    expect(isOwnAddress('進捗 <shinchoku@shimotsuke.example>', directory)).toBe(true);
    expect(isOwnAddress('progress@shimotsuke.example', directory)).toBe(true);
    expect(isOwnAddress('progress@other.example', directory)).toBe(false);
  });

  it('lets a sender use a token only of a 課 that registered the address', () => {
    const sogoKa = directory.ka.find((k) => k.id === 'sogo-seisaku')!;
    expect(senderBelongsTo(sogoKa, 'SOGO-SEISAKU@shimotsuke.example')).toBe(true);
    expect(senderBelongsTo(sogoKa, 'zeimu@shimotsuke.example')).toBe(false);
  });
});

describe('events/samples/ses-receipt.json', () => {
  it('is an SES receipt event the schema accepts, for a registered sender with passing checks', () => {
    // Prepare
    const sample = JSON.parse(readFileSync(new URL('../../events/samples/ses-receipt.json', import.meta.url), 'utf8')) as unknown;
    // Act
    const event = SesReceiptEventSchema.parse(sample);
    const { mail, receipt } = event.Records[0]!.ses;
    // Assess
    expect(receipt.action).toMatchObject({ type: 'Lambda', invocationType: 'Event' });
    expect(mail.destination[0]).toMatch(/^progress\+sogo-seisaku\.2013q2\./);
    expect(
      classifyInboundMail(
        facts({
          envelopeFrom: mail.source,
          verdicts: {
            spf: receipt.spfVerdict.status,
            dkim: receipt.dkimVerdict.status,
            dmarc: receipt.dmarcVerdict.status,
            spam: receipt.spamVerdict.status,
            virus: receipt.virusVerdict.status,
          },
        }),
        directory,
      ).action,
    ).toBe('accept');
  });

  it('rejects an event that is not from SES', () => {
    expect(SesReceiptEventSchema.safeParse({ Records: [{ eventSource: 'aws:s3', eventVersion: '2.1' }] }).success).toBe(false);
  });
});
