/**
 * Which attachments of a received mail are 進捗管理シート for the sheet import. Kept apart from the
 * import itself (mail.ts, import.ts): the mail intake asks this of every mail, and loads the import
 * only for a mail that carries a sheet this system issued.
 *
 * A sheet is told by the very hidden worksheet that carries its signed reference
 * (`referenceSheetName`): the zip's central directory is read, and `xl/workbook.xml` alone is
 * inflated (within a small limit) to see whether it lists that worksheet — no spreadsheet parser, no
 * other part. Any other spreadsheet (a 参考資料.xlsx, an old .xls, a password-protected file) is an
 * attachment like a PDF, and the body's short form is read. The import then checks the signature and
 * everything else (guards.ts): a workbook that lists the worksheet but fails there is refused with
 * its reason, as before.
 * Pure: no I/O, no AWS.
 */
import { referenceSheetName } from './layout.ts';
import { sheetLimits } from './limits.ts';
import { partText, readZipDirectory } from './zip-directory.ts';

/** An attachment as the mail intake gives it (only what is needed). */
export interface MailAttachmentLike {
  filename?: string;
  content: Buffer;
  /** Inline images of an HTML body (`cid:`) are part of the text, not files. */
  related?: boolean;
  /** The media type as sent, e.g. `application/ms-tnef`. */
  contentType?: string;
}

/** A spreadsheet-named attachment, and whether it is a sheet this system issued. */
export interface WorkbookAttachment {
  fileName: string;
  content: Buffer;
  /** Its workbook lists the worksheet of the signed reference: the sheet import reads it. */
  issued: boolean;
}

const spreadsheetName = /\.(xlsx|xlsm|xls|xlsb)$/i;
const zipMagic = 0x04034b50;
/** The workbook part of a sheet is about 1 KB; a sheet list longer than this is no sheet of ours. */
const workbookPartLimit = 256 * 1024;

/** The `name` of every `<sheet>` of a workbook part. */
function sheetNamesOf(workbookXml: string): string[] {
  return [...workbookXml.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)].flatMap(([, attributes]) => {
    const name = /(?:^|\s)name\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes ?? '');
    return name ? [name[1] ?? name[2] ?? ''] : [];
  });
}

/**
 * True when the file is a zip package whose `xl/workbook.xml` lists the worksheet that carries the
 * signed reference of a 進捗管理シート. Reads the central directory and that one part only.
 */
export function carriesSheetReference(file: Buffer): boolean {
  if (file.length < 22 || file.readUInt32LE(0) !== zipMagic) return false;
  try {
    // As the parser does, the last entry of a name is the one that counts.
    const workbook = readZipDirectory(file, sheetLimits.maxEntries).findLast((e) => e.name === 'xl/workbook.xml');
    const xml = partText(file, workbook, workbookPartLimit);
    return xml !== undefined && sheetNamesOf(xml).includes(referenceSheetName);
  } catch {
    // Not a zip package as the import reads one (zip-directory.ts): no sheet of ours.
    return false;
  }
}

/**
 * Every spreadsheet-named attachment (.xlsx, .xlsm, .xls, .xlsb), each marked whether it is a sheet
 * this system issued. An issued sheet saved as .xlsm still goes to the import, which answers "save as
 * .xlsx" instead of the file being read as a mere attachment.
 */
export function workbookAttachmentsOf(attachments: readonly MailAttachmentLike[]): WorkbookAttachment[] {
  return attachments
    .filter((a) => !a.related && spreadsheetName.test((a.filename ?? '').trim()))
    .map((a) => ({ fileName: (a.filename ?? '').trim(), content: a.content, issued: carriesSheetReference(a.content) }));
}

/** What the sheet import reads of a mail's workbooks ({@link workbookAttachmentsOf}): the sheets this system issued. */
export function issuedSheetsOf(workbooks: readonly WorkbookAttachment[]): { fileName: string; content: Buffer }[] {
  return workbooks.filter((w) => w.issued).map(({ fileName, content }) => ({ fileName, content }));
}

/** Outlook's rich-text wrapper: in that mode every attachment of the mail travels inside one `winmail.dat`. */
const richTextWrapperType = /^application\/(?:vnd\.)?ms-tnef$/i;

/**
 * The names of the attachments Outlook wrapped in its rich-text format (TNEF, `winmail.dat`): the files
 * inside, a 進捗管理シート among them, cannot be read, and the sender is told how to send them instead.
 */
export function richTextWrappersOf(attachments: readonly MailAttachmentLike[]): string[] {
  return attachments
    .filter((a) => !a.related && (/^winmail\.dat$/i.test((a.filename ?? '').trim()) || richTextWrapperType.test(a.contentType ?? '')))
    .map((a) => (a.filename ?? '').trim() || 'winmail.dat');
}
