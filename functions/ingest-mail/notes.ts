/**
 * Notes the intake adds to an answer (`ReplyEnvelope.notes`) about what it did with the parts of a
 * mail it did not read as the report: a body form beside an attached 進捗管理シート, a spreadsheet
 * that is no sheet of ours. Japanese first, then English, each in its own language's part of the answer.
 * Pure: no I/O, no AWS.
 */
import type { ReplyNote } from '#shared/domain/mail-reply';

const names = (fileNames: readonly string[]) => ({ ja: fileNames.join('、'), en: fileNames.join(', ') });

/** A body form beside a sheet: the sheet is read, the body is not. */
export function bodyFormNotRead(formLine: number): ReplyNote {
  return {
    ja: `本文の報告様式 (${formLine}行目の「事業:」から) は読み取っていません。進捗管理シートが添付されたメールでは、シートだけを読み取ります。本文の内容も報告するときは、シートに書き加えて送るか、シートを添付せずに本文だけを送ってください。`,
    en: `The report form in the body (from the "事業:" line at line ${formLine}) was not read: when a progress sheet is attached, only the sheet is read. To report what the body says as well, add it to the sheet, or send the body alone without the sheet.`,
  };
}

/** Spreadsheets that are no sheet of ours, in a mail whose body (or sheet) was read. */
export function workbooksKept(fileNames: readonly string[]): ReplyNote {
  const n = names(fileNames);
  return {
    ja: `添付の ${n.ja} は、このシステムが作成した進捗管理シートではないため、シートとしては読み取らず、ほかの添付ファイルと同じく報告に添付しています。`,
    en: `The attached ${n.en} is not a progress sheet issued by this system, so it was not read as one; like any other attachment, it is kept with the report.`,
  };
}

/** Spreadsheets that are no sheet of ours, in a mail that was refused. */
export function workbooksNotRead(fileNames: readonly string[]): ReplyNote {
  const n = names(fileNames);
  return {
    ja: `添付の ${n.ja} は、このシステムが作成した進捗管理シートではないため、シートとしては読み取っていません。シートで報告するときは、報告フォームのページからダウンロードした進捗管理シート (部会によっては依頼メールにも添付されます) に記入し、パスワードを付けずに .xlsx のまま送ってください。`,
    en: `The attached ${n.en} is not a progress sheet issued by this system, so it was not read as one. To report with the sheet, fill in the progress sheet downloaded from the report form's page (some 部会 also get it attached to the reminder) and send it as .xlsx, without a password.`,
  };
}

/** Attachments Outlook wrapped in its rich-text format (winmail.dat): nothing inside them can be read. */
export function richTextWrapperNotRead(fileNames: readonly string[]): ReplyNote {
  const n = names(fileNames);
  return {
    ja: `添付の ${n.ja} は Outlook のリッチテキスト形式で送られたため、中の添付ファイル (進捗管理シートを含む) を読み取れません。Outlook の「書式設定」で「HTML 形式」または「テキスト形式」を選び、ファイルを添付し直して送ってください。`,
    en: `The attached ${n.en} is Outlook's rich-text (TNEF) wrapper: the files inside it, a progress sheet included, cannot be read. In Outlook, choose Format Text → HTML or Plain Text, attach the files again and send.`,
  };
}
