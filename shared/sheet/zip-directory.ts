/**
 * The entries of a zip package as its central directory lists them, and each entry's data inflated
 * with a hard cap — what the checks in guards.ts need before a spreadsheet parser sees the file.
 *
 * Only what an .xlsx of at most a few MB uses is read: stored or deflated entries, no encryption,
 * no ZIP64 (a package of that size never needs it; Excel writes none). Anything else is
 * {@link ZipFormatError}, which the guards answer as "not an .xlsx". Inflating goes through Node's
 * zlib with `maxOutputLength`, so a part that inflates past its cap stops there, whatever its
 * header claims. The spreadsheet parser (hucre) reads the same central directory.
 * Pure: no I/O, no AWS.
 */

/**
 * Node's zlib, loaded when a part is first inflated rather than at a cold start: the mail intake reads
 * the directory of every spreadsheet attached to a mail, most of which are never inflated.
 */
const inflateRawSync: typeof import('node:zlib').inflateRawSync = (data, options) => process.getBuiltinModule('node:zlib').inflateRawSync(data, options);

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** One file of the package, as the central directory declares it. */
export interface ZipEntry {
  /** Path inside the package, e.g. `xl/workbook.xml`; a folder ends with `/`. */
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  /** What the entry claims to inflate to; `inflateEntry` does not trust it. */
  uncompressedSize: number;
  /** Where the entry's local header starts. */
  localHeaderOffset: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryHeader = 0x02014b50;
const localFileHeader = 0x04034b50;
/** A 16- or 32-bit field at its maximum: the real value is in a ZIP64 record. */
const zip64Marker16 = 0xffff;
const zip64Marker32 = 0xffffffff;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const maxEndRecordSearch = 22 + 0xffff;

function fail(message: string): never {
  throw new ZipFormatError(message);
}

/** The end-of-central-directory record: where the directory is and how many entries it has. */
function endRecord(file: Buffer): { count: number; offset: number; size: number } {
  const lowest = Math.max(0, file.length - maxEndRecordSearch);
  for (let at = file.length - 22; at >= lowest; at -= 1) {
    if (file.readUInt32LE(at) !== endOfCentralDirectory) continue;
    const count = file.readUInt16LE(at + 10);
    const size = file.readUInt32LE(at + 12);
    const offset = file.readUInt32LE(at + 16);
    if (count === zip64Marker16 || size === zip64Marker32 || offset === zip64Marker32) fail('ZIP64 package');
    if (offset + size > at) fail('central directory outside the file');
    return { count, offset, size };
  }
  return fail('no end of central directory');
}

/**
 * The central directory's entries, in order; stops reading after `maxEntries` + 1 files (folders
 * are not counted), so an oversized directory is seen without listing all of it.
 */
export function readZipDirectory(file: Buffer, maxEntries: number): ZipEntry[] {
  if (file.length < 22) fail('too short for a zip');
  const { count, offset, size } = endRecord(file);
  const entries: ZipEntry[] = [];
  let files = 0;
  let at = offset;
  for (let i = 0; i < count && files <= maxEntries; i += 1) {
    if (at + 46 > offset + size || file.readUInt32LE(at) !== centralDirectoryHeader) fail('broken central directory');
    const flags = file.readUInt16LE(at + 8);
    if ((flags & 0x1) !== 0) fail('encrypted entry');
    const nameLength = file.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    if (next > offset + size) fail('broken central directory');
    const entry: ZipEntry = {
      // Bit 11: the name is UTF-8; otherwise code page 437, which agrees with UTF-8 on the ASCII names of a package.
      name: file.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      uncompressedSize: file.readUInt32LE(at + 24),
      localHeaderOffset: file.readUInt32LE(at + 42),
    };
    if ([entry.compressedSize, entry.uncompressedSize, entry.localHeaderOffset].includes(zip64Marker32)) fail('ZIP64 entry');
    entries.push(entry);
    if (!entry.name.endsWith('/')) files += 1;
    at = next;
  }
  return entries;
}

/**
 * The entry's data, inflated; 'over' as soon as it would exceed `limit` bytes (the inflating stops
 * there). Throws {@link ZipFormatError} for a method other than stored or deflated, or broken data.
 */
export function inflateEntry(file: Buffer, entry: ZipEntry, limit: number): Buffer | 'over' {
  const at = entry.localHeaderOffset;
  if (at + 30 > file.length || file.readUInt32LE(at) !== localFileHeader) fail(`no local header for ${entry.name}`);
  const start = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > file.length) fail(`data of ${entry.name} outside the file`);
  const data = file.subarray(start, end);
  if (entry.method === 0) return data.length > limit ? 'over' : data;
  if (entry.method !== 8) fail(`compression method ${entry.method} of ${entry.name}`);
  try {
    const inflated = inflateRawSync(data, { maxOutputLength: Math.max(limit, 1) });
    return inflated.length > limit ? 'over' : inflated;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'over';
    return fail(`broken data in ${entry.name}`);
  }
}

/** The entry's data as UTF-8 text (an XML part); undefined when it would exceed `limit` bytes. Throws as `inflateEntry` does. */
export function inflateText(file: Buffer, entry: ZipEntry, limit: number): string | undefined {
  const data = inflateEntry(file, entry, limit);
  return data === 'over' ? undefined : data.toString('utf8');
}

/**
 * A part as text, or undefined when the package has no such part or it cannot be read within
 * `limit` bytes (too large, or broken data).
 */
export function partText(file: Buffer, entry: ZipEntry | undefined, limit: number): string | undefined {
  if (!entry) return undefined;
  try {
    return inflateText(file, entry, limit);
  } catch (error) {
    if (error instanceof ZipFormatError) return undefined;
    throw error;
  }
}
