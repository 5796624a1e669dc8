import { describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '#local/aws-local';
import { fetchSentMails } from '#local/ses-local';
import { createMailer } from '#shared/aws/mailer';

describe('mailer (through the SES emulator)', () => {
  it('sends Japanese mail with a text and an HTML part, reply-to and an attachment', async () => {
    // Prepare
    const endpoint = inject('sesEndpoint');
    const mailer = createMailer({ connection: localClientConfig(endpoint), maxPerSecond: 0 });
    const subject = `【進捗報告のお願い】平成25年度 第2四半期 ${Date.now()}`;
    // Act
    const { messageId } = await mailer.send({
      from: '地域情報化計画 事務局 <shinchoku@shimotsuke.example>',
      to: ['bukai-kikaku@shimotsuke.example'],
      replyTo: ['progress+sogo-seisaku.2013q2.abc.aaaaaaaaaaaaaaaa@shimotsuke.example'],
      subject,
      text: '総合政策課 ご担当者様\n事業 1-1-1 の報告をお願いします。',
      html: '<p>総合政策課 ご担当者様</p>',
      attachments: [{ filename: '進捗管理シート.xlsx', content: Buffer.from('PK'), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
    });
    // Assess
    const mail = (await fetchSentMails(endpoint)).find((m) => m.subject === subject);
    expect(messageId).not.toBe('');
    expect(mail?.destination.to.join(',')).toContain('bukai-kikaku@shimotsuke.example');
    expect(mail?.replyTo.join(',')).toContain('progress+sogo-seisaku.2013q2');
    expect(mail?.body.text).toContain('事業 1-1-1 の報告をお願いします。');
    expect(mail?.body.html).toContain('総合政策課');
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['進捗管理シート.xlsx']);
  });

  it('paces sends below the configured rate', async () => {
    // Prepare
    const waits: number[] = [];
    const mailer = createMailer({
      connection: localClientConfig(inject('sesEndpoint')),
      maxPerSecond: 20,
      sleep: async (ms) => {
        waits.push(ms);
      },
      now: () => 1_000_000,
    });
    // Act: five mails at once
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => mailer.send({ from: 'a@shimotsuke.example', to: ['b@shimotsuke.example'], subject: `pace ${i}`, text: 'x' })),
    );
    // Assess: with the clock standing still, the first goes at once and each later one waits one
    // more 50 ms slot
    expect(waits).toEqual([50, 100, 150, 200]);
  });
});
