/**
 * What a cell of a returned sheet says, as text, the same way for the export (which hashes what it
 * wrote) and the import (which hashes what came back): numbers as plain digits, rich text as its
 * characters, dates as YYYY-MM-DD, line breaks as \n, surrounding blanks dropped.
 *
 * Formulas are never evaluated: a formula cell is read as the value Excel cached when it last
 * calculated the sheet (what the person saw), and a formula without a cached value is reported, not
 * guessed.
 * Pure: no I/O, no AWS (the spreadsheet library's types only).
 */
import type { Cell, CellValue } from 'hucre/xlsx';

export interface CellReading {
  /** Canonical text of the value (of the cached result, for a formula); '' when empty. */
  text: string;
  /** The value as a number, when the cell (or a formula's cached result) holds one. */
  number?: number;
  /** The formula, when the cell holds one (its cached value is in `text`/`number`). */
  formula?: string;
  /** True when a formula cell has no cached value (written by a program and never calculated). */
  noCachedValue?: boolean;
  /** An Excel error value such as #DIV/0!, in the cell or as a formula's cached result. */
  error?: string;
}

/**
 * A cell as the spreadsheet library reads it: the value (for a formula, its cached result), and for
 * formulas, errors and rich text, the details. A cell of a shared formula other than the first has
 * the formula `''`.
 */
export type SheetCell = Pick<Cell, 'value'> & Partial<Pick<Cell, 'type' | 'formula' | 'richText'>>;

/**
 * Characters an XML document cannot hold at all: U+FFFE, U+FFFF and unpaired surrogates. A report may
 * hold them (a form or the API takes any text), but a workbook part containing one is not XML, and
 * Excel opens such a sheet only as damaged.
 */
const notXmlCharacter = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text a workbook can hold: each character XML cannot hold becomes U+FFFD (�), as a reader shows an unreadable one. */
export function xmlSafeText(text: string): string {
  return text.replace(notXmlCharacter, '\uFFFD');
}

/** Text as the import compares it: Unicode NFC, \n line breaks, no surrounding blanks, only characters a workbook can hold. */
export function canonicalText(text: string): string {
  return xmlSafeText(text.normalize('NFC')).replace(/\r\n?/g, '\n').trim();
}

/** A date cell: Excel stores a date-only value as midnight, which reads back as 00:00 UTC. */
export function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function valueReading(value: CellValue | undefined): CellReading {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'number') return { text: Number.isFinite(value) ? String(value) : '', number: value };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: dateText(value) };
  return { text: canonicalText(String(value)) };
}

/** Reads a cell without evaluating anything. */
export function readCell(cell: SheetCell | undefined): CellReading {
  if (cell === undefined) return { text: '' };
  const formula = cell.formula ?? (cell.type === 'formula' ? '' : undefined);
  const withFormula = (reading: CellReading): CellReading => (formula === undefined ? reading : { ...reading, formula });
  if (cell.type === 'error') return withFormula({ text: String(cell.value), error: String(cell.value) });
  if (cell.richText && cell.richText.length > 0) return withFormula({ text: canonicalText(cell.richText.map((run) => run.text).join('')) });
  if (formula !== undefined && (cell.value === null || cell.value === undefined)) return { text: '', formula, noCachedValue: true };
  return withFormula(valueReading(cell.value));
}
