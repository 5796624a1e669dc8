/**
 * Which attachments of a received mail are 進捗管理シート for the sheet import. Kept apart from the
 * import itself (mail.ts, import.ts): the mail intake asks this of every mail, and loads the import
 * only for a mail that carries a workbook.
 * Pure: no I/O, no AWS.
 */

/** An attachment as the mail intake gives it (only what is needed). */
export interface MailAttachmentLike {
  filename?: string;
  content: Buffer;
  /** Inline images of an HTML body (`cid:`) are part of the text, not files. */
  related?: boolean;
}

/**
 * Attachments the sheet import reads: every spreadsheet-named file. Not only .xlsx: an .xlsm or .xls
 * sent by mistake gets its own refusal ("save as .xlsx") instead of being silently ignored.
 */
export function sheetAttachmentsOf(attachments: readonly MailAttachmentLike[]): { fileName: string; content: Buffer }[] {
  return attachments
    .filter((a) => !a.related && /\.(xlsx|xlsm|xls|xlsb)$/i.test((a.filename ?? '').trim()))
    .map((a) => ({ fileName: (a.filename ?? '').trim(), content: a.content }));
}
