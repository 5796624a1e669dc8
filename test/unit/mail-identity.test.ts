/** What a received mail is known by for answering it once (functions/ingest-mail/ingest.ts). */
import { describe, expect, it } from 'vitest';
import { mailIdentity, replyClaimKey } from '#functions/ingest-mail/ingest';

const message = (head: string[], body: string, eol = '\r\n') => Buffer.from([...head, '', body].join(eol));
const head = ['From: sogo-seisaku@shimotsuke.example', 'Message-ID: <m1@shimotsuke.example>', 'Subject: 進捗報告'];
const body = '事業: 2-2-3\r\n状況: 予定どおり\r\n';

describe('mailIdentity', () => {
  it('is the same for every delivery of one mail, whatever trace headers each delivery adds', () => {
    // Prepare
    const once = message(['Received: from a by b; Mon, 1 Jul 2013 09:00:00 +0900', 'X-SES-Spam-Verdict: PASS', ...head], body);
    const again = message(['Received: from c by d; Mon, 1 Jul 2013 09:05:00 +0900', 'Return-Path: <sogo-seisaku@shimotsuke.example>', ...head], body);
    const bareLf = message(head, `${body.replace(/\r\n/g, ' \n')}\n`, '\n');
    // Act
    const identities = [once, again, bareLf].map((raw) => mailIdentity('sogo-seisaku@shimotsuke.example', '<m1@shimotsuke.example>', raw));
    // Assess
    expect(new Set(identities).size).toBe(1);
    expect(mailIdentity('Sogo-Seisaku@Shimotsuke.example', ' <m1@shimotsuke.example> ', once)).toBe(identities[0]);
  });

  it('tells apart mails that only share a Message-ID: another sender, or another body', () => {
    // Prepare
    const raw = message(head, body);
    const other = message(head, '事業: 2-2-5\r\n状況: 遅延\r\n');
    // Act
    const sogo = mailIdentity('sogo-seisaku@shimotsuke.example', '<m1@shimotsuke.example>', raw);
    const zeimu = mailIdentity('zeimu@shimotsuke.example', '<m1@shimotsuke.example>', raw);
    const otherBody = mailIdentity('sogo-seisaku@shimotsuke.example', '<m1@shimotsuke.example>', other);
    const otherId = mailIdentity('sogo-seisaku@shimotsuke.example', '<m2@shimotsuke.example>', raw);
    // Assess
    expect(new Set([sogo, zeimu, otherBody, otherId]).size).toBe(4);
    expect(replyClaimKey(sogo)).toMatch(/^mail#[A-Za-z0-9_-]{43}$/);
  });
});
