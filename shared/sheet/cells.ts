/**
 * What a cell of a returned sheet says, as text, the same way for the export (which hashes what it
 * wrote) and the import (which hashes what came back): numbers as plain digits, rich text as its
 * characters, dates as YYYY-MM-DD, line breaks as \n, surrounding blanks dropped.
 *
 * Formulas are never evaluated: a formula cell is read as the value Excel cached when it last
 * calculated the sheet (what the person saw), and a formula without a cached value is reported, not
 * guessed.
 * Pure: no I/O, no AWS (exceljs types only).
 */
import type { CellValue } from 'exceljs';

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

/** Text as the import compares it: Unicode NFC, \n line breaks, no surrounding blanks. */
export function canonicalText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  // Excel stores a date-only value as midnight; exceljs hands it back as 00:00 UTC.
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function numberText(n: number): string {
  return Number.isFinite(n) ? String(n) : '';
}

/** Reads an exceljs cell value without evaluating anything. */
export function readCellValue(value: CellValue | undefined): CellReading {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'number') return { text: numberText(value), number: value };
  if (typeof value === 'string') return { text: canonicalText(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: dateText(value) };
  if (typeof value === 'object') {
    if ('error' in value) return { text: String(value.error), error: String(value.error) };
    if ('richText' in value) return { text: canonicalText(value.richText.map((run) => run.text).join('')) };
    if ('formula' in value || 'sharedFormula' in value) {
      const formula = 'formula' in value && value.formula ? value.formula : String((value as { sharedFormula?: string }).sharedFormula ?? '');
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return { text: '', formula, noCachedValue: true };
      const cached = readCellValue(result as CellValue);
      return { ...cached, formula };
    }
    if ('hyperlink' in value) {
      const text = (value as { text?: unknown }).text;
      return readCellValue((typeof text === 'string' || typeof text === 'object' ? text : '') as CellValue);
    }
  }
  return { text: canonicalText(String(value)) };
}
