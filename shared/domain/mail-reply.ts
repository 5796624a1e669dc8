/**
 * The answer to a received report mail: a confirmation listing what was recorded, each with its
 * 受付番号, or a rejection saying exactly what was wrong (per 事業 and field, with line numbers),
 * how to fix it, and the form to copy. Japanese first, English below. The answer is threaded under
 * the received mail (`In-Reply-To` / `References`, `Re:` subject).
 * Pure: no I/O, no AWS.
 */
import { formatQuarterEn, formatQuarterJa, formatWarekiFiscalYear, quarterRange, tryParseQuarter } from './fiscal.ts';
import { mailFormGuide, mailFormTemplate } from './mail-form.ts';
import { checkName, type VerdictCheck } from './mail-rules.ts';
import { fieldLabels } from './report-input.ts';
import { statusLabelsEn, type ReportStatus } from './report.ts';

/** An answer as the mailer sends it (the shape of `OutgoingMail` in shared/aws/mailer.ts). */
export interface ReplyMail {
  from: string;
  to: string[];
  replyTo?: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** What the answer answers, and where it goes. */
export interface ReplyEnvelope {
  /** Our sender (the directory's `sender`). */
  from: string;
  /** The registered address of the 課 — never a Reply-To or envelope address from the mail. */
  to: string;
  /** Where a corrected mail should go: the reply address with the 課's token, when it is valid. */
  replyTo?: string;
  /** The received mail's Subject. */
  subject?: string;
  /** The received mail's Message-ID (with or without angle brackets). */
  messageId?: string;
  /** The received mail's References. */
  references?: readonly string[];
  /**
   * What the answer tells about parts of the mail it did not read as the report (a body form beside
   * an attached sheet, a spreadsheet that is no sheet of ours): after the greeting in Japanese, at the
   * head of the English part in English.
   */
  notes?: readonly ReplyNote[];
}

/** Something an answer tells beside its main message, in both languages. */
export interface ReplyNote {
  ja: string;
  en: string;
}

/** The notes of an answer in one language, each marked, then a blank line; nothing when there are none. */
export function noteLines(envelope: Pick<ReplyEnvelope, 'notes'>, lang: 'ja' | 'en'): string[] {
  const notes = envelope.notes ?? [];
  return notes.length === 0 ? [] : [...notes.map((n) => (lang === 'ja' ? `※ ${n.ja}` : `* ${n.en}`)), ''];
}

/** One recorded report, as the confirmation lists it. */
export interface RecordedLine {
  reference: string;
  measureId: string;
  measureName?: string;
  kind: 'report' | 'comment';
  status?: ReportStatus;
  budgetExecutedThousandYen?: number;
  version: number;
  /** The version this report corrects, when it corrects one. */
  supersedes?: number;
  /** True when this mail had already been recorded earlier (a redelivery). */
  alreadyRecorded: boolean;
  attachments: readonly string[];
}

/** One problem, as the rejection lists it. */
export interface ProblemLine {
  line?: number;
  measureId?: string;
  field?: string;
  ja: string;
  en: string;
}

export type Rejection =
  /** The form was read but has errors; nothing was recorded. */
  | { kind: 'problems'; problems: readonly ProblemLine[]; /** Some 事業 were recorded before a refusal (a race). */ partial?: boolean }
  /** The body has no `事業:` line (or no text at all). */
  | { kind: 'no-form'; empty: boolean; problems?: readonly ProblemLine[] }
  /** No `progress+<token>@…` among the recipients. */
  | { kind: 'no-token'; subjectReference: boolean }
  | { kind: 'several-tokens' }
  /** The token is expired, altered or malformed (messages from the token check). */
  | { kind: 'token'; ja: string; en: string }
  /** The token belongs to another 課 than the sender's. */
  | { kind: 'wrong-ka'; tokenKa: string }
  /** SES marked the mail as failing SPF / DKIM / DMARC, or as spam / virus. */
  | { kind: 'unverified'; failed: readonly VerdictCheck[] }
  /** The envelope sender's domain does not match From's. */
  | { kind: 'envelope-mismatch'; fromDomain: string; envelopeDomain: string };

export interface ReplyContext {
  /** The 課 the answer is addressed to. */
  kaName: string;
  /** The quarter of the token, when known (canonical, FY2013-Q2). */
  quarter?: string;
  /** The 事業 the 課 owns, to show with the form. */
  ownedMeasures?: readonly { id: string; name: string }[];
}

/** `Re: <subject>`, without stacking `Re: Re:`. */
export function replySubject(subject: string | undefined): string {
  const text = (subject ?? '').trim();
  if (text === '') return 'Re: 進捗報告 / progress report';
  return /^(re|ｒｅ)\s*[:：]/i.test(text) ? text : `Re: ${text}`;
}

function angle(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** In-Reply-To and References for an answer to `envelope`'s mail. */
export function threadHeaders(envelope: Pick<ReplyEnvelope, 'messageId' | 'references'>): Record<string, string> {
  if (!envelope.messageId) return {};
  const own = angle(envelope.messageId);
  const refs = [...(envelope.references ?? []).map(angle).filter((r) => r !== own), own];
  return { 'In-Reply-To': own, References: refs.join(' ') };
}

/** A quarter's name in Japanese and English, or undefined when `quarter` is missing or unreadable. */
export function quarterLabels(quarter: string | undefined): { ja: string; en: string } | undefined {
  const q = quarter ? tryParseQuarter(quarter) : undefined;
  return q ? { ja: formatQuarterJa(q), en: formatQuarterEn(q) } : undefined;
}

/**
 * The label of the executed amount, naming the fiscal year of the quarter reported (as the reminder
 * mails do): a report for FY2013-Q4 sent in April 2014 is about 平成25年度, not "this" year. Without a
 * readable quarter the year is left out rather than guessed.
 */
export function executedLabels(quarter: string | undefined): { ja: string; en: string } {
  const q = quarter ? tryParseQuarter(quarter) : undefined;
  if (!q) return { ja: '執行額', en: 'Budget executed' };
  return { ja: `${formatWarekiFiscalYear(q.fiscalYear)}の執行額`, en: `Budget executed in FY${q.fiscalYear}` };
}

/** The answer to `envelope`'s mail, in its thread, with `text` as the body (runs of blank lines folded to one). */
export function replyMail(envelope: ReplyEnvelope, text: string[]): ReplyMail {
  return {
    from: envelope.from,
    to: [envelope.to],
    ...(envelope.replyTo ? { replyTo: [envelope.replyTo] } : {}),
    subject: replySubject(envelope.subject),
    text: `${text.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`,
    headers: threadHeaders(envelope),
  };
}

/** The line between the parts of an answer mail. */
export const mailRule = '------------------------------------------------------------';

function thousandYen(value: number | undefined): { ja: string; en: string } {
  if (value === undefined) return { ja: '(記入なし)', en: '(not given)' };
  return { ja: `${value.toLocaleString('ja-JP')} 千円`, en: `${value.toLocaleString('en-US')} thousand yen` };
}

/** The confirmation: every recorded 事業 with its 受付番号, status and amount. */
export function confirmationReply(envelope: ReplyEnvelope, context: ReplyContext, recorded: readonly RecordedLine[]): ReplyMail {
  const q = quarterLabels(context.quarter);
  const executed = executedLabels(context.quarter);
  const ja: string[] = [
    `${context.kaName} ご担当者様`,
    '',
    ...noteLines(envelope, 'ja'),
    `進捗報告を受け付けました${q ? ` (${q.ja})` : ''}。受付番号は次のとおりです。`,
    '',
  ];
  const en: string[] = [...noteLines(envelope, 'en'), `Your progress report${q ? ` for ${q.en}` : ''} has been recorded. Reference numbers:`, ''];
  for (const r of recorded) {
    const amount = thousandYen(r.budgetExecutedThousandYen);
    ja.push(`■ 受付番号 ${r.reference}${r.alreadyRecorded ? ' (受付済み)' : ''}`);
    ja.push(`  事業 ${r.measureId}${r.measureName ? ` ${r.measureName}` : ''}`);
    if (r.kind === 'comment') ja.push('  種別: 関連部署の意見');
    else ja.push(`  状況: ${r.status ?? '(なし)'}`);
    ja.push(`  ${executed.ja}: ${amount.ja}`);
    if (r.supersedes !== undefined) ja.push(`  第${r.version}版 (第${r.supersedes}版を訂正)`);
    if (r.attachments.length > 0) ja.push(`  添付: ${r.attachments.join('、')}`);
    ja.push('');
    en.push(`* Reference ${r.reference}${r.alreadyRecorded ? ' (already recorded)' : ''}`);
    en.push(`  Measure ${r.measureId}`);
    if (r.kind === 'comment') en.push('  Kind: comment of a related department');
    else en.push(`  Status: ${r.status ? `${statusLabelsEn[r.status]} (${r.status})` : '(none)'}`);
    en.push(`  ${executed.en}: ${amount.en}`);
    if (r.supersedes !== undefined) en.push(`  Version ${r.version} (corrects version ${r.supersedes})`);
    if (r.attachments.length > 0) en.push(`  Attachments: ${r.attachments.join(', ')}`);
    en.push('');
  }
  ja.push('内容を訂正するときは、このメールに返信して同じ形式で送ってください (新しい版として記録され、以前の報告も残ります)。');
  en.push('To correct a report, reply to this mail with the same form; it is recorded as a new version and the earlier one is kept.');
  return replyMail(envelope, [...ja, '', mailRule, 'English', '', ...en, '', mailRule, 'このメールは自動送信です / This mail was sent automatically.']);
}

function fieldLabel(field: string | undefined): { ja: string; en: string } | undefined {
  if (!field) return undefined;
  const top = field.split('.')[0] ?? field;
  return fieldLabels[top];
}

function problemLines(problems: readonly ProblemLine[], lang: 'ja' | 'en'): string[] {
  return problems.map((p) => {
    const where = [
      p.line !== undefined ? (lang === 'ja' ? `${p.line}行目` : `line ${p.line}`) : undefined,
      p.measureId ? (lang === 'ja' ? `事業 ${p.measureId}` : `measure ${p.measureId}`) : undefined,
      fieldLabel(p.field)?.[lang],
    ]
      .filter(Boolean)
      .join(lang === 'ja' ? '・' : ', ');
    return `  - ${where ? `[${where}] ` : ''}${p[lang]}`;
  });
}

function explain(rejection: Rejection, context: ReplyContext): { ja: string[]; en: string[]; showForm: boolean } {
  switch (rejection.kind) {
    case 'problems':
      return {
        ja: [
          rejection.partial
            ? '報告の一部を記録できませんでした (記録済みの事業は下に受付番号を示します)。次の点を直して、記録できなかった事業だけもう一度送ってください。'
            : '報告に誤りがあったため、このメールの内容は1件も記録していません。次の点を直して、もう一度送ってください。',
          '',
          ...problemLines(rejection.problems, 'ja'),
        ],
        en: [
          rejection.partial
            ? 'Part of the report could not be recorded (recorded measures are listed with their reference). Fix the following and send only the measures not recorded:'
            : 'The report has errors, so nothing from this mail was recorded. Please fix the following and send it again:',
          '',
          ...problemLines(rejection.problems, 'en'),
        ],
        showForm: true,
      };
    case 'no-form':
      return {
        ja: [
          rejection.empty
            ? '本文が空のため、何も記録していません。'
            : '本文に報告の様式 (「事業: 2-2-3」で始まる行) が見つからないため、何も記録していません。',
          '下の様式を本文に書いて送ってください (引用部分と署名は読み飛ばします)。',
          ...(rejection.problems ? ['', ...problemLines(rejection.problems, 'ja')] : []),
        ],
        en: [
          rejection.empty
            ? 'The mail body is empty, so nothing was recorded.'
            : 'No report form (a line starting with "事業: 2-2-3") was found in the body, so nothing was recorded.',
          'Write the form below in the body (quoted text and signatures are skipped).',
          ...(rejection.problems ? ['', ...problemLines(rejection.problems, 'en')] : []),
        ],
        showForm: true,
      };
    case 'no-token':
      return {
        ja: [
          '宛先に報告用アドレス (progress+…@…) がないため、どの課・四半期の報告か確認できず、何も記録していません。',
          ...(rejection.subjectReference
            ? ['件名の [shinchoku …] の表示だけでは受け付けられません (件名は誰でも書けるため)。']
            : []),
          '依頼メールに「返信」して送るか、依頼メールに書かれた報告用アドレスに送ってください。',
        ],
        en: [
          'None of the recipients is a report address (progress+…@…), so we cannot tell which department and quarter this is for; nothing was recorded.',
          ...(rejection.subjectReference ? ['The [shinchoku …] reference in the subject alone is not enough, as anyone can write a subject.'] : []),
          'Reply to the reminder mail, or send to the report address given in it.',
        ],
        showForm: false,
      };
    case 'several-tokens':
      return {
        ja: ['宛先に報告用アドレスが複数あり、どれの報告か決められないため、何も記録していません。報告用アドレスを1つにして送ってください。'],
        en: ['The mail is addressed to several report addresses, so we cannot tell which one it is for; nothing was recorded. Send it to one report address.'],
        showForm: false,
      };
    case 'token':
      return {
        ja: [`報告用アドレスを確認できないため、何も記録していません: ${rejection.ja}`, '最新の依頼メールに返信するか、事務局に新しい依頼メールを依頼してください。'],
        en: [`The report address could not be verified, so nothing was recorded: ${rejection.en}`, 'Reply to the latest reminder, or ask the secretariat for a new one.'],
        showForm: false,
      };
    case 'wrong-ka':
      return {
        ja: [
          `この報告用アドレスは${rejection.tokenKa}用で、${context.kaName}のものではないため、何も記録していません。`,
          `${context.kaName}に届いた依頼メールに返信して送ってください。`,
        ],
        en: [
          `This report address belongs to another department (${rejection.tokenKa}), not to ${context.kaName}; nothing was recorded.`,
          'Reply to the reminder your own department received.',
        ],
        showForm: false,
      };
    case 'unverified': {
      const names = rejection.failed.map(checkName);
      return {
        ja: [
          `このメールは受信時の検査で不合格になったため、何も記録していません: ${names.map((n) => n.ja).join('、')}`,
          'このアドレスから送った覚えがない場合は、なりすましの可能性があります。事務局に知らせてください。',
          '送った覚えがある場合は、添付ファイルを外すか、庁内の通常のメールソフトから送り直してください。',
        ],
        en: [
          `This mail failed checks on receipt, so nothing was recorded: ${names.map((n) => n.en).join(', ')}.`,
          'If you did not send it, someone may have used your address: please tell the secretariat.',
          'If you did, send it again from your usual office mail client, without the attachment if it had one.',
        ],
        showForm: false,
      };
    }
    case 'envelope-mismatch':
      return {
        ja: [
          `差出人のドメイン (${rejection.fromDomain}) と実際の送信元 (${rejection.envelopeDomain || '不明'}) が一致しないため、何も記録していません。`,
          '転送サービスや別のメールサーバーを経由せず、登録されたアドレスから直接送ってください。送った覚えがない場合は事務局に知らせてください。',
        ],
        en: [
          `The From domain (${rejection.fromDomain}) does not match the actual sending domain (${rejection.envelopeDomain || 'unknown'}), so nothing was recorded.`,
          'Send directly from your registered address, not through a forwarding service. If you did not send it, please tell the secretariat.',
        ],
        showForm: false,
      };
  }
}

/** The first day of the quarter, as an example date a report of it may give; undefined when the quarter is not known. */
function exampleDateOf(quarter: string | undefined): string | undefined {
  const q = quarter ? tryParseQuarter(quarter) : undefined;
  return q ? quarterRange(q).firstDay : undefined;
}

/** The rejection: what was wrong, how to fix it, and (where it helps) the form to copy. */
export function rejectionReply(envelope: ReplyEnvelope, context: ReplyContext, rejection: Rejection): ReplyMail {
  const q = quarterLabels(context.quarter);
  const { ja, en, showForm } = explain(rejection, context);
  const owned = context.ownedMeasures ?? [];
  const form = showForm
    ? [
        '',
        mailRule,
        '報告の様式 / report form (コピーして使えます / copy and fill in)',
        '',
        mailFormTemplate({ measureId: owned[0]?.id }),
        '',
        '記入のしかた / how to fill in:',
        ...mailFormGuide({ measureId: owned[0]?.id, date: exampleDateOf(context.quarter) }).map((g) => `  ${g}`),
        ...(owned.length > 0
          ? ['', `${context.kaName}の担当事業 / measures of your department:`, ...owned.map((m) => `  ${m.id} ${m.name}`)]
          : []),
      ]
    : [];
  return replyMail(envelope, [
    `${context.kaName} ご担当者様`,
    '',
    ...noteLines(envelope, 'ja'),
    `進捗報告のメールを受け付けられませんでした${q ? ` (${q.ja})` : ''}。`,
    '',
    ...ja,
    '',
    mailRule,
    'English',
    '',
    ...noteLines(envelope, 'en'),
    `We could not accept your progress report mail${q ? ` for ${q.en}` : ''}.`,
    '',
    ...en,
    ...form,
    '',
    mailRule,
    'このメールは自動送信です / This mail was sent automatically.',
  ]);
}
