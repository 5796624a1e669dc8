/**
 * Cells beyond the area the import reads. The spreadsheet reader is given a bounded area (a cell far
 * away would otherwise make it hold every empty cell in between), so what lies outside it never
 * reaches the import. It is found here instead, in the worksheet's XML, so the answer can say it was
 * not read rather than drop it without a word.
 *
 * Only addresses are read, never values. The file has passed guards.ts, so every part is inflated
 * within the same limits. Pure: no network, no AWS, no disk.
 */
import { isInRange, parseCellRef, parseRange } from 'hucre';
import { partText, readZipDirectory, type ZipEntry } from './zip-directory.ts';
import { sheetLimits } from './limits.ts';

/** An area of a worksheet, 0-based and inclusive, as hucre's `parseRange` gives it. */
export type SheetArea = ReturnType<typeof parseRange>;

export interface CellsBeyond {
  /** The first addresses found, in the order of the sheet's XML (row by row). */
  addresses: string[];
  /** How many cells hold something beyond the area in all. */
  count: number;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An XML attribute value with its entities resolved. */
function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return entities[name] ?? whole;
  });
}

/** The attributes of one start tag, by name without its namespace prefix. */
function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [, name, double, single] of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    found.set(name!.replace(/^[\w.-]+:/, ''), unescapeXml(double ?? single ?? ''));
  }
  return found;
}

/** A part as text within the guards' limit; undefined when the package has no such part. */
const part = (file: Buffer, entry: ZipEntry | undefined) => partText(file, entry, sheetLimits.maxUncompressedBytes);

/** The package path of the worksheet named `sheetName` (workbook.xml, then its relationships). */
function worksheetPath(file: Buffer, entries: Map<string, ZipEntry>, sheetName: string): string | undefined {
  const workbook = part(file, entries.get('xl/workbook.xml'));
  const rels = part(file, entries.get('xl/_rels/workbook.xml.rels'));
  if (!workbook || !rels) return undefined;
  const sheet = [...workbook.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)].map(([, tag]) => attributes(tag!)).find((a) => a.get('name') === sheetName);
  const id = sheet?.get('id');
  if (!id) return undefined;
  const target = [...rels.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)].map(([, tag]) => attributes(tag!)).find((a) => a.get('Id') === id)?.get('Target');
  if (!target) return undefined;
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/**
 * The cells of the worksheet `sheetName` that hold something (a value, inline text or a formula)
 * beyond `area` (e.g. `parseRange('A1:AZ10000')`); formatting alone does not count. At most `keep`
 * addresses are kept. Undefined when the worksheet cannot be found in the package.
 */
export function cellsBeyond(file: Buffer, sheetName: string, area: SheetArea, keep = 20): CellsBeyond | undefined {
  const entries = new Map(readZipDirectory(file, sheetLimits.maxEntries).map((e) => [e.name, e]));
  const path = worksheetPath(file, entries, sheetName);
  const xml = path === undefined ? undefined : part(file, entries.get(path));
  if (xml === undefined) return undefined;
  const found: CellsBeyond = { addresses: [], count: 0 };
  for (const [, tag, body] of xml.matchAll(/<(?:[\w.-]+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g)) {
    if (!body || !/<(?:[\w.-]+:)?(?:v|is|f)\b/.test(body)) continue;
    const address = attributes(tag!).get('r')?.toUpperCase() ?? '';
    // A cell without its own address is placed after the one before it; writers give every cell one.
    if (!/^[A-Z]{1,3}\d+$/.test(address)) continue;
    const { row, col } = parseCellRef(address);
    if (isInRange(row, col, area)) continue;
    found.count += 1;
    if (found.addresses.length < keep) found.addresses.push(address);
  }
  return found;
}
