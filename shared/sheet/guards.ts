/**
 * Checks on a returned 進捗管理シート BEFORE any spreadsheet parser sees it: size, that it is an .xlsx
 * package at all, no macros (VBA project, Excel 4.0 macro sheets, ActiveX), no external links, and
 * no zip bomb (entry count, declared sizes and ratios in the central directory, then the real sizes
 * while inflating, stopping at the limit).
 *
 * The package is read from its central directory, as the spreadsheet parser (hucre) reads it
 * (zip-directory.ts): every entry listed there is counted and inflated, stopped at its declared size
 * or the limit, so whatever the parser picks from the archive has been inflated here first.
 * The limits are in limits.ts, which the form pages read without loading these checks.
 * Pure: no network, no AWS, no disk.
 */
import { inflateEntry, partText, readZipDirectory, type ZipEntry } from './zip-directory.ts';
import { sheetLimits } from './limits.ts';

export type FileRefusalCode =
  | 'empty'
  | 'too-large'
  | 'wrong-extension'
  | 'legacy-or-encrypted'
  | 'not-xlsx'
  | 'not-spreadsheet'
  | 'macro'
  | 'external-link'
  | 'too-many-entries'
  | 'zip-bomb';

export interface FileRefusal {
  code: FileRefusalCode;
  ja: string;
  en: string;
}

export type InspectResult = { ok: true; entries: number; uncompressedBytes: number } | { ok: false; refusal: FileRefusal };

const refuse = (code: FileRefusalCode, ja: string, en: string): InspectResult => ({ ok: false, refusal: { code, ja, en } });

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const zipMagic = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** OLE2 compound file: an old .xls, or an .xlsx saved with a password (Excel encrypts into OLE2). */
const oleMagic = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Parts that only a macro-enabled or active-content workbook has. */
const macroPart = /(^|\/)vbaProject(Signature\w*)?\.bin$|^xl\/macrosheets\/|^xl\/dialogsheets\/|^xl\/activeX\/|^customUI\/vbaProject/i;
const macroContentType = /macroEnabled|vbaProject|macrosheet|ms-excel\.intlmacrosheet|ms-office\.activeX|ms-excel\.dialogsheet/i;
const externalLinkPart = /^xl\/externalLinks\//i;
const externalLinkContentType = /spreadsheetml\.externalLink\+xml|relationships\/externalLink/i;
const xlsxMainContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

/**
 * Decide whether a file may be handed to the spreadsheet parser. `fileName` (when the channel has
 * one) is checked too, but the content decides: an .xlsm renamed .xlsx is still refused.
 */
export function inspectXlsx(file: Buffer, fileName?: string): InspectResult {
  const limits = sheetLimits;
  if (file.length === 0) return refuse('empty', 'ファイルが空です', 'the file is empty');
  if (file.length > limits.maxFileBytes) {
    return refuse(
      'too-large',
      `ファイルが大きすぎます (${mb(file.length)}、上限 ${mb(limits.maxFileBytes)})。進捗管理シート以外のシートや画像を削除してください`,
      `the file is too large (${mb(file.length)}, limit ${mb(limits.maxFileBytes)}); remove other sheets and pictures`,
    );
  }
  const extension = fileName ? (/\.([^./\\]+)$/.exec(fileName.trim())?.[1] ?? '').toLowerCase() : 'xlsx';
  if (['xlsm', 'xltm', 'xlam', 'xlsb'].includes(extension)) {
    return refuse(
      'macro',
      `マクロ有効ブック (.${extension}) は受け付けません。「Excel ブック (*.xlsx)」で保存し直してください`,
      `macro-enabled or binary workbooks (.${extension}) are not accepted; save as "Excel Workbook (*.xlsx)"`,
    );
  }
  if (extension !== 'xlsx') {
    return refuse(
      'wrong-extension',
      `Excel ブック (.xlsx) のみ受け付けます (送られたファイル: ${fileName})`,
      `only Excel workbooks (.xlsx) are accepted (got ${fileName})`,
    );
  }
  if (file.subarray(0, oleMagic.length).equals(oleMagic)) {
    return refuse(
      'legacy-or-encrypted',
      'パスワード付きのブック、または古い形式 (.xls) のファイルです。パスワードを外し「Excel ブック (*.xlsx)」で保存してください',
      'the workbook is password-protected or in the old .xls format; remove the password and save as "Excel Workbook (*.xlsx)"',
    );
  }
  const notXlsx = () =>
    refuse(
      'not-xlsx',
      'ファイルの中身が Excel ブック (.xlsx) ではありません (名前だけ .xlsx になっています)',
      'the file is not an Excel workbook (.xlsx), only named like one',
    );
  if (!file.subarray(0, zipMagic.length).equals(zipMagic)) return notXlsx();

  let parts: ZipEntry[];
  try {
    parts = readZipDirectory(file, limits.maxEntries).filter((e) => !e.name.endsWith('/'));
  } catch {
    return notXlsx();
  }
  if (parts.length > limits.maxEntries) {
    return refuse(
      'too-many-entries',
      `ファイルの構成要素が多すぎます (${parts.length}、上限 ${limits.maxEntries})`,
      `the package has too many parts (${parts.length}, limit ${limits.maxEntries})`,
    );
  }
  const names = new Set(parts.map((p) => p.name));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    return refuse(
      'not-spreadsheet',
      'Excel ブックとして読めません (ワークブックの本体がありません)',
      'this is a zip file but not an Excel workbook (no workbook part)',
    );
  }
  if (parts.some((p) => macroPart.test(p.name))) {
    return refuse(
      'macro',
      'マクロ (VBA・Excel 4.0 マクロ・ActiveX) を含むブックは受け付けません。マクロを削除し「Excel ブック (*.xlsx)」で保存してください',
      'workbooks with macros (VBA, Excel 4.0 macros, ActiveX) are not accepted; remove them and save as "Excel Workbook (*.xlsx)"',
    );
  }
  const externalLinks = () =>
    refuse(
      'external-link',
      '他のブックへのリンク (外部参照) を含むブックは受け付けません。「データ」→「リンクの編集」→「リンクの解除」で値に変換してください',
      'workbooks with links to other workbooks (external references) are not accepted; break the links (Data → Edit Links → Break Link)',
    );
  if (parts.some((p) => externalLinkPart.test(p.name))) return externalLinks();

  const bomb = (detail: string, detailEn: string) =>
    refuse('zip-bomb', `展開すると極端に大きくなるファイルです (${detail})。受け付けません`, `the file expands to an extreme size (${detailEn}); refused`);
  let declaredTotal = 0;
  for (const part of parts) {
    const { compressedSize: compressed, uncompressedSize: uncompressed, name } = part;
    declaredTotal += uncompressed;
    if (uncompressed > limits.ratioCheckFromBytes && uncompressed / Math.max(compressed, 1) > limits.maxRatio) {
      return bomb(`${name}: 圧縮率 ${Math.round(uncompressed / Math.max(compressed, 1))} 倍`, `${name}: ratio ${Math.round(uncompressed / Math.max(compressed, 1))}:1`);
    }
  }
  if (declaredTotal > limits.maxUncompressedBytes) {
    return bomb(`展開後 ${mb(declaredTotal)}、上限 ${mb(limits.maxUncompressedBytes)}`, `${mb(declaredTotal)} expanded, limit ${mb(limits.maxUncompressedBytes)}`);
  }

  // The central directory can lie; inflate every part and stop at its declared size (or the limit).
  let actualTotal = 0;
  const byName = new Map<string, ZipEntry>();
  for (const part of parts) {
    byName.set(part.name, part);
    const budget = limits.maxUncompressedBytes - actualTotal;
    let inflated: Buffer | 'over';
    try {
      inflated = inflateEntry(file, part, Math.min(part.uncompressedSize, budget));
    } catch {
      return notXlsx();
    }
    if (inflated === 'over') {
      return bomb(`${part.name}: 申告より大きく展開されます`, `${part.name} inflates beyond its declared size`);
    }
    actualTotal += inflated.length;
  }

  // As the parser does, the last entry of a name is the one that counts.
  const contentTypes = partText(file, byName.get('[Content_Types].xml')!, 1024 * 1024);
  if (contentTypes === undefined) return notXlsx();
  if (macroContentType.test(contentTypes)) {
    return refuse(
      'macro',
      'マクロ有効ブック (.xlsm) の形式です。「Excel ブック (*.xlsx)」で保存し直してください',
      'the workbook is macro-enabled (.xlsm content); save it as "Excel Workbook (*.xlsx)"',
    );
  }
  if (externalLinkContentType.test(contentTypes)) return externalLinks();
  if (!contentTypes.includes(xlsxMainContentType)) {
    return refuse(
      'not-spreadsheet',
      'Excel ブック (.xlsx) の形式ではありません (テンプレートやほかの形式は受け付けません)',
      'not an Excel workbook (.xlsx); templates and other formats are not accepted',
    );
  }
  const workbookRels = byName.get('xl/_rels/workbook.xml.rels');
  if (workbookRels) {
    const rels = partText(file, workbookRels, 1024 * 1024);
    if (rels === undefined) return notXlsx();
    if (externalLinkContentType.test(rels)) return externalLinks();
  }
  return { ok: true, entries: parts.length, uncompressedBytes: actualTotal };
}
