/**
 * The zip reading under the sheet guards (shared/sheet/zip-directory.ts): packages written by a zip
 * library (JSZip), then changed the way a broken or hostile file is.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { inflateEntry, partText, readZipDirectory, ZipFormatError, type ZipEntry } from '#shared/sheet/zip-directory';

const body = 'あいうえお'.repeat(2000); // 30,000 bytes of UTF-8, compresses well
let deflated: Buffer;
let stored: Buffer;

async function zipOf(compression: 'DEFLATE' | 'STORE'): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<Types/>');
  zip.file('xl/workbook.xml', body);
  return zip.generateAsync({ type: 'nodebuffer', compression });
}

/** The offset of the central directory header of the entry named `name`. */
function centralHeaderOf(file: Buffer, name: string): number {
  const directory = file.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  return file.indexOf(Buffer.from(name), directory) - 46; // the name follows the 46-byte header
}

const entryOf = (file: Buffer, name: string): ZipEntry => readZipDirectory(file, 10).find((e) => e.name === name)!;

beforeAll(async () => {
  [deflated, stored] = await Promise.all([zipOf('DEFLATE'), zipOf('STORE')]);
});

describe('readZipDirectory', () => {
  it('lists the entries with their declared sizes, folders included', () => {
    // Act
    const entries = readZipDirectory(deflated, 10);
    // Assess
    const workbook = entries.find((e) => e.name === 'xl/workbook.xml')!;
    expect(entries.map((e) => e.name)).toEqual(['[Content_Types].xml', 'xl/', 'xl/workbook.xml']);
    expect(workbook).toMatchObject({ method: 8, uncompressedSize: Buffer.byteLength(body) });
    expect(workbook.compressedSize).toBeLessThan(workbook.uncompressedSize);
  });

  it('stops after one file more than the limit, not counting folders', () => {
    expect(readZipDirectory(deflated, 1).map((e) => e.name)).toEqual(['[Content_Types].xml', 'xl/', 'xl/workbook.xml']);
    expect(readZipDirectory(deflated, 0).map((e) => e.name)).toEqual(['[Content_Types].xml']);
  });

  it('refuses what is not a zip, a truncated one, ZIP64 and encrypted entries', () => {
    expect(() => readZipDirectory(Buffer.from('PK\x03\x04 not really'), 10)).toThrow(ZipFormatError);
    expect(() => readZipDirectory(deflated.subarray(0, deflated.length - 30), 10)).toThrow(ZipFormatError);
    const zip64 = Buffer.from(deflated);
    zip64.writeUInt32LE(0xffffffff, centralHeaderOf(zip64, 'xl/workbook.xml') + 24);
    expect(() => readZipDirectory(zip64, 10)).toThrow(/ZIP64/);
    const encrypted = Buffer.from(deflated);
    const at = centralHeaderOf(encrypted, 'xl/workbook.xml');
    encrypted.writeUInt16LE(encrypted.readUInt16LE(at + 8) | 0x1, at + 8);
    expect(() => readZipDirectory(encrypted, 10)).toThrow(/encrypted/);
  });
});

describe('inflateEntry', () => {
  it('inflates a deflated or stored entry up to a limit equal to its size', () => {
    for (const file of [deflated, stored]) {
      const entry = entryOf(file, 'xl/workbook.xml');
      const data = inflateEntry(file, entry, Buffer.byteLength(body));
      expect(data === 'over' ? data : data.toString('utf8')).toBe(body);
    }
  });

  it('stops one byte short of the size, whatever the directory declares', () => {
    for (const file of [deflated, stored]) {
      expect(inflateEntry(file, entryOf(file, 'xl/workbook.xml'), Buffer.byteLength(body) - 1)).toBe('over');
    }
    // Prepare: the directory claims 10 bytes; the guard passes the declared size as the limit
    const lying = { ...entryOf(deflated, 'xl/workbook.xml'), uncompressedSize: 10 };
    expect(inflateEntry(deflated, lying, lying.uncompressedSize)).toBe('over');
  });

  it('refuses an unknown compression method and broken data', () => {
    const entry = entryOf(deflated, 'xl/workbook.xml');
    expect(() => inflateEntry(deflated, { ...entry, method: 12 }, 1_000_000)).toThrow(/method 12/);
    const broken = Buffer.from(deflated);
    const dataStart = entry.localHeaderOffset + 30 + broken.readUInt16LE(entry.localHeaderOffset + 26) + broken.readUInt16LE(entry.localHeaderOffset + 28);
    broken.fill(0xff, dataStart, dataStart + 8);
    expect(() => inflateEntry(broken, entry, 1_000_000)).toThrow(ZipFormatError);
    expect(() => inflateEntry(deflated, { ...entry, localHeaderOffset: 3 }, 1_000_000)).toThrow(/no local header/);
  });
});

describe('partText', () => {
  it('reads a part as text, and answers undefined for a missing part, one over the limit and broken data', () => {
    // Prepare
    const entry = entryOf(deflated, 'xl/workbook.xml');
    const broken = Buffer.from(deflated);
    const dataStart = entry.localHeaderOffset + 30 + broken.readUInt16LE(entry.localHeaderOffset + 26) + broken.readUInt16LE(entry.localHeaderOffset + 28);
    broken.fill(0xff, dataStart, dataStart + 8);
    // Act / Assess
    expect(partText(deflated, entry, Buffer.byteLength(body))).toBe(body);
    expect(partText(deflated, undefined, 1_000_000)).toBeUndefined();
    expect(partText(deflated, entry, Buffer.byteLength(body) - 1)).toBeUndefined();
    expect(partText(broken, entry, 1_000_000)).toBeUndefined();
  });
});
