/**
 * A 進捗管理シート attached to a reply mail: which attachments the mail intake hands to the sheet
 * import, the import itself for the caller the reply address's token names, and the answer mail that
 * lists, per file, the recorded rows with their 受付番号 or every refusal with its cell.
 *
 * The mail intake (functions/ingest-mail/ingest.ts, `answerOf`) picks the issued sheets out of a
 * mail's workbooks once token and sender are checked (`workbookAttachmentsOf` and `issuedSheetsOf` in
 * attachments.ts, asked of every mail), and only when there is one loads this module with `import()`
 * to call `importMailSheets` and answer with `sheetReplyMail`.
 *
 * The upload on the form page does not depend on mail: city gateways often strip attachments (無害化).
 */
import type { StoredReport } from '../domain/report.ts';
import { mailRule, noteLines, quarterLabels, replyMail, type ReplyEnvelope, type ReplyMail } from '../domain/mail-reply.ts';
import type { Catalog } from '../store/catalog-cache.ts';
import type { Store } from '../store/store.ts';
import type { Caller } from '../submit-report.ts';
import { importAnswerText } from './answer.ts';
import { importSheet, type SheetImportResult } from './import.ts';

export interface MailSheetsAnswer {
  results: SheetImportResult[];
  /** True when every attached sheet was accepted (each sheet is all or nothing on its own). */
  accepted: boolean;
  /** 受付番号 of the reports recorded (or found recorded) from the sheets. */
  references: string[];
}

/** Import every attached sheet for the reply address's 課 and quarter. */
export async function importMailSheets(
  store: Store,
  catalog: Catalog,
  caller: Caller,
  sheets: readonly { fileName: string; content: Buffer }[],
  options: { secret: string; now?: Date; attachments?: StoredReport['attachments'] | (() => Promise<StoredReport['attachments']>) },
): Promise<MailSheetsAnswer> {
  const results: SheetImportResult[] = [];
  for (const sheet of sheets) {
    results.push(await importSheet(store, catalog, caller, sheet.content, { fileName: sheet.fileName, secret: options.secret, now: options.now, attachments: options.attachments }));
  }
  return {
    results,
    accepted: results.every((r) => r.outcome === 'recorded' && r.failed.length === 0),
    references: results.flatMap((r) => (r.outcome === 'recorded' ? r.recorded.map((x) => x.reference) : [])),
  };
}

/** The answer to a mail with sheets: per file, the recorded rows with 受付番号, or each refusal with its cell. */
export function sheetReplyMail(envelope: ReplyEnvelope, context: { kaName: string; quarter?: string }, results: readonly SheetImportResult[]): ReplyMail {
  const q = quarterLabels(context.quarter);
  const allAccepted = results.every((r) => r.outcome === 'recorded');
  // Rows that passed every check but could not be written (a full quarter, a busy 事業): said, never "accepted".
  const rowsFailed = results.some((r) => r.outcome === 'recorded' && r.failed.length > 0);
  const text = [
    `${context.kaName} ご担当者様 / To ${context.kaName}`,
    '',
    ...noteLines(envelope, 'ja'),
    ...noteLines(envelope, 'en'),
    !allAccepted
      ? `添付の進捗管理シートに受け付けられないものがありました${q ? ` (${q.ja})` : ''}。受け付けられなかったシートからは何も記録していません。直してもう一度このアドレスに送ってください。`
      : rowsFailed
        ? `添付の進捗管理シートを読み取りましたが、記録できなかった行があります${q ? ` (${q.ja})` : ''}。理由は各行のとおりです。`
        : `添付の進捗管理シートを受け付けました${q ? ` (${q.ja})` : ''}。`,
    !allAccepted
      ? `A progress sheet could not be accepted${q ? ` (${q.en})` : ''}. Nothing was recorded from a refused sheet; fix it and send it again to this address.`
      : rowsFailed
        ? `Your progress sheet was read, but some rows could not be recorded${q ? ` (${q.en})` : ''}; each has its reason below.`
        : `Your progress sheet has been processed${q ? ` (${q.en})` : ''}.`,
    '',
    ...results.flatMap((r) => [mailRule, importAnswerText(r).trimEnd(), '']),
    mailRule,
    '訂正は、直したシートをこのメールへの返信で送ってください (新しい版として記録され、以前の報告も残ります)。',
    'To correct, reply to this mail with the corrected sheet; it is recorded as a new version and the earlier one is kept.',
    'このメールは自動送信です / This mail was sent automatically.',
  ];
  return replyMail(envelope, text);
}
