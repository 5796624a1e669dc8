/**
 * A returned 進捗管理シート becomes reports, cell by cell validated, all or nothing.
 *
 * 1. `inspectXlsx` refuses what must never reach the parser (size, not a zip, macros, external
 *    links, zip bombs) — see guards.ts.
 * 2. hucre reads the workbook. Formulas are NOT evaluated: a formula cell counts as the value Excel
 *    cached when it last calculated (and the answer says so); one without a cached value is refused.
 * 3. The signed reference (hidden sheet) must verify with the link secret and match the caller:
 *    same city, same quarter, same plan version, and issued to the caller's 課 (a 課 sheet) or to
 *    the caller's 部会 (a 部会 sheet).
 * 4. Only the editable columns are read, in the rows the reference lists; edits anywhere else are
 *    ignored and listed. A row whose editable cells still hold what was pre-filled is not reported
 *    again; an empty row is not reported.
 * 5. Every changed row becomes a `ReportInput` and is checked (schema, plan, ownership) BEFORE
 *    anything is written; one bad row refuses the whole sheet. Then each row goes through
 *    `submitReport` (channel `sheet`) with the idempotency key `sheet-<sha256 of the file>#<row>`,
 *    so the same file imported twice records once.
 *
 * Every problem names the sheet, the cell and the reason, in Japanese and English.
 */
import { createHash } from 'node:crypto';
import { parseRange } from 'hucre';
import { colToLetter, parseCellRef, readXlsx, type Sheet } from 'hucre/xlsx';
import type { SheetFilterInfo } from 'hucre';
import { checkReport, ReportInputError, ReportInputSchema, roleOf, type FieldError, type ReportInput } from '../domain/report-input.ts';
import { jstDate } from '../domain/fiscal.ts';
import { withCarriedMilestones } from '../domain/milestone-progress.ts';
import { measureIdPattern, normaliseMeasureId } from '../domain/ids.ts';
import type { Measure } from '../domain/plan.ts';
import { reportStatuses, type ReportSubmission, type StoredReport } from '../domain/report.ts';
import type { Catalog } from '../store/catalog-cache.ts';
import { reportHistory } from '../store/report-items.ts';
import type { Store } from '../store/store.ts';
import { submitReport, type Caller } from '../submit-report.ts';
import { lastReportFor } from '../web/report-form.ts';
import { cellsBeyond } from './beyond-area.ts';
import { readCell, type CellReading, type SheetCell } from './cells.ts';
import { inspectXlsx, type FileRefusal } from './guards.ts';
import {
  columnByLetter,
  columnOfField,
  editableColumns,
  headerRow,
  referenceSheetName,
  sheetName,
  type EditableField,
} from './layout.ts';
import { prefilledInputs, prefilledText } from './prefill.ts';
import { cellHash, isReferenceProblem, verifyReference, type SheetReference } from './reference.ts';

/** One thing a person should know about the file: which sheet and cell, and what, in both languages. */
export interface SheetProblem {
  /** The worksheet, when the problem is inside one. */
  sheet?: string;
  /** A cell reference such as `F12`, when the problem is about one cell. */
  cell?: string;
  ja: string;
  en: string;
}

/** How a 事業 row of a returned sheet was left. */
export type RowState = 'changed' | 'unchanged' | 'blank';

export interface SheetRowReading {
  row: number;
  measureId: string;
  state: RowState;
  /** The report the row stands for (changed rows only); milestones are added by the import. */
  input?: ReportInput;
  /** The editable cells that differ from what was pre-filled, e.g. `['F12', 'I12']`. */
  changedCells: string[];
}

/** What a returned sheet says, before anything about the caller is checked. */
export interface SheetReading {
  reference: SheetReference;
  sheet: string;
  rows: SheetRowReading[];
  /** Refusals found while reading (cells that cannot be read, rows that do not belong). */
  problems: SheetProblem[];
  /** Edits outside the editable cells: not read, listed in the answer. */
  ignored: SheetProblem[];
  /** How cells were read where a person may wonder (formulas read as cached values, spelling variants). */
  notes: SheetProblem[];
}

export type ReadOutcome = { ok: true; reading: SheetReading } | { ok: false; problems: SheetProblem[] };

/** Spellings people use for a status, mapped to the plan office's word. */
const statusAliases: Record<string, (typeof reportStatuses)[number]> = {
  予定通り: '予定どおり',
  予定とおり: '予定どおり',
  遅れぎみ: '遅れ気味',
};

const maxListed = 50;

function fileProblem(refusal: FileRefusal | { ja: string; en: string }): SheetProblem {
  return { ja: refusal.ja, en: refusal.en };
}

/**
 * The area of each worksheet that is read. The reader holds a sheet as a dense rectangle, so two
 * cells far apart (A1 and XFD1048576) would take memory for everything between; within this area a
 * sheet is at most 520,000 cells. A sheet has one row per 事業 of a 部会 and 12 columns; what is
 * written beyond the area is not read, and listed as such (beyond-area.ts finds it in the XML).
 */
const readArea = 'A1:AZ10000';

const damaged: SheetProblem = { ja: 'Excel ブックとして読み取れません (ファイルが壊れています)', en: 'the workbook cannot be read (the file is damaged)' };

/** A worksheet as read: its cells by A1 address, merged cells other than a merge's first left out. */
interface ReadSheet {
  name: string;
  /** The cell at an address (an empty one when nothing is there). */
  cell(address: string): SheetCell;
  /** Every address that holds something, merged cells aside. */
  addresses(): Iterable<string>;
}

/**
 * How many cells merges may cover within the read area. The sheet as sent merges the title rows (a
 * few dozen cells); a merge spanning the whole grid (A1:XFD1048576 is 17 billion cells) would
 * otherwise be walked cell by cell.
 */
const maxMergedCells = 20_000;

class TooManyMergedCells extends Error {}

// Grouped by hand: Intl's number formatting would load ICU's locale data at every cold start.
const groupedMaxMergedCells = String(maxMergedCells).replace(/\B(?=(\d{3})+$)/g, ',');
const tooManyMerged: SheetProblem = {
  ja: `結合されたセルが多すぎるため読み取れません (${groupedMaxMergedCells} セルまで)。送られたシートの書式のまま記入してください`,
  en: `too many merged cells to read (at most ${groupedMaxMergedCells}); fill in the sheet as it was sent`,
};

function readSheet(sheet: Sheet): ReadSheet {
  const area = parseRange(readArea);
  // The reader keeps merges as written, beyond the area it reads too: only their part inside counts.
  const merges = (sheet.merges ?? []).flatMap((m) => {
    const clipped = {
      startRow: Math.max(m.startRow, area.startRow),
      startCol: Math.max(m.startCol, area.startCol),
      endRow: Math.min(m.endRow, area.endRow),
      endCol: Math.min(m.endCol, area.endCol),
    };
    return clipped.startRow <= clipped.endRow && clipped.startCol <= clipped.endCol ? [{ ...clipped, first: m.startRow === clipped.startRow && m.startCol === clipped.startCol }] : [];
  });
  const mergedCells = merges.reduce((sum, m) => sum + (m.endRow - m.startRow + 1) * (m.endCol - m.startCol + 1), 0);
  if (mergedCells > maxMergedCells) throw new TooManyMergedCells();
  const covered = new Set<string>();
  for (const m of merges) {
    for (let r = m.startRow; r <= m.endRow; r += 1) {
      for (let c = m.startCol; c <= m.endCol; c += 1) if (!m.first || r !== m.startRow || c !== m.startCol) covered.add(`${r},${c}`);
    }
  }
  const at = (r: number, c: number): SheetCell => sheet.cells?.get(`${r},${c}`) ?? { value: sheet.rows[r]?.[c] ?? null };
  return {
    name: sheet.name,
    cell(address) {
      const { row, col } = parseCellRef(address);
      return covered.has(`${row},${col}`) ? { value: null } : at(row, col);
    },
    *addresses() {
      for (const [r, values] of sheet.rows.entries()) {
        for (const [c, value] of values.entries()) {
          if ((value !== null || sheet.cells?.has(`${r},${c}`)) && !covered.has(`${r},${c}`)) yield `${colToLetter(c)}${r + 1}`;
        }
      }
      for (const key of sheet.cells?.keys() ?? []) {
        const [r, c] = key.split(',').map(Number) as [number, number];
        if (r >= sheet.rows.length || c >= (sheet.rows[r]?.length ?? 0)) yield `${colToLetter(c)}${r + 1}`;
      }
    },
  };
}

/** The reference text from the hidden sheet (column A, joined), if the sheet is there. */
function referenceText(sheets: readonly ReadSheet[]): string | undefined {
  const hidden = sheets.find((s) => s.name === referenceSheetName);
  if (!hidden) return undefined;
  let text = '';
  for (let row = 1; row <= 100; row += 1) {
    const chunk = readCell(hidden.cell(`A${row}`)).text;
    if (chunk === '') break;
    text += chunk;
  }
  return text;
}

function describeFormula(reading: CellReading): string {
  // The cells of a shared formula after its first carry no formula text of their own.
  return reading.formula ? `=${reading.formula}`.slice(0, 60) : '共有数式 / shared formula';
}

/**
 * Read a returned sheet (already passed through `inspectXlsx`) against its signed reference. Pure:
 * it knows nothing about who sends the file; `importSheet` checks that.
 */
export async function readProgressSheet(file: Buffer, secret: string): Promise<ReadOutcome> {
  // Only the two sheets the import reads are parsed: every sheet is held as a dense rectangle of up
  // to the read area, so a small file with many sheets would otherwise take memory for all of them.
  const listed: SheetFilterInfo[] = [];
  /** The sheets `wanted` picks, or why the workbook cannot be read. */
  const read = async (wanted: (info: SheetFilterInfo) => boolean): Promise<ReadSheet[] | SheetProblem> => {
    try {
      return (await readXlsx(file, { range: readArea, sheets: (info) => (listed.push(info), wanted(info)) })).sheets.map(readSheet);
    } catch (error) {
      return error instanceof TooManyMergedCells ? tooManyMerged : damaged;
    }
  };
  const sheets = await read((info) => info.name === sheetName || info.name === referenceSheetName);
  if (!Array.isArray(sheets)) return { ok: false, problems: [sheets] };
  const reference = verifyReference(referenceText(sheets), secret);
  if (isReferenceProblem(reference)) return { ok: false, problems: [fileProblem(reference)] };

  const findings: Findings = { problems: [], ignored: [], notes: [] };
  const ws = await locateSheet(file, sheets, listed, read, findings);
  if ('problem' in ws) return { ok: false, problems: [ws.problem] };
  const cells = compareCells(ws, reference, findings);
  const rows = rowsOf(ws, reference, cells, findings);
  const { problems, ignored, notes } = findings;
  return { ok: true, reading: { reference, sheet: ws.name, rows, problems, ignored: ignored.sort(byPlace), notes: notes.sort(byPlace) } };
}

/** What reading a sheet finds besides its rows: what refuses it, what was not read, what was read in another way. */
interface Findings {
  problems: SheetProblem[];
  ignored: SheetProblem[];
  notes: SheetProblem[];
}

/**
 * The worksheet to read: the one of the sheet's name, or the only visible one when it was renamed
 * (noted). The other visible sheets and whatever lies beyond the read area are noted as not read.
 */
async function locateSheet(
  file: Buffer,
  sheets: ReadSheet[],
  listed: readonly SheetFilterInfo[],
  read: (wanted: (info: SheetFilterInfo) => boolean) => Promise<ReadSheet[] | SheetProblem>,
  { ignored, notes }: Findings,
): Promise<ReadSheet | { problem: SheetProblem }> {
  const visible = listed.filter((info) => info.hidden !== true && info.veryHidden !== true);
  let ws = sheets.find((w) => w.name === sheetName);
  if (!ws && visible.length === 1) {
    const renamed = visible[0]!.name;
    const renamedSheets = await read((info) => info.name === renamed);
    if (!Array.isArray(renamedSheets)) return { problem: renamedSheets };
    ws = renamedSheets[0];
    if (ws) notes.push({ sheet: ws.name, ja: `シート名が「${sheetName}」から「${ws.name}」に変わっていますが、このシートを読み取りました`, en: `the sheet was renamed to "${ws.name}"; it was read anyway` });
  }
  if (!ws) return { problem: { ja: `シート「${sheetName}」が見つかりません`, en: `the worksheet "${sheetName}" is missing` } };
  const sheet = ws.name;
  for (const other of visible) {
    if (other.name !== sheet) ignored.push({ sheet: other.name, ja: `シート「${other.name}」は読み取りませんでした`, en: `the worksheet "${other.name}" was not read` });
  }
  let beyond: ReturnType<typeof cellsBeyond>;
  try {
    beyond = cellsBeyond(file, sheet, parseRange(readArea));
  } catch {
    return { problem: damaged };
  }
  for (const address of beyond?.addresses ?? []) {
    ignored.push({ sheet, cell: address, ja: `読み取る範囲 (${readArea}) の外に記入された内容は読み取りませんでした`, en: `text beyond the area read (${readArea}) was not read` });
  }
  if (beyond && beyond.count > beyond.addresses.length) {
    const more = beyond.count - beyond.addresses.length;
    ignored.push({ sheet, ja: `範囲 ${readArea} の外には、ほかに ${more} 個のセルに記入があり、読み取りませんでした`, en: `${more} more cells beyond ${readArea} hold something and were not read` });
  }
  return ws;
}

/** Every cell read, and per row of a 事業 the input cells that differ from the sheet as issued. */
interface ComparedCells {
  readings: Map<string, CellReading>;
  changedByRow: Map<number, string[]>;
}

/**
 * Every cell the export wrote, and every cell that now holds something, compared once with what was
 * issued: a changed input cell of a 事業's row is kept for its row; a changed header, 事業 id or row
 * below the table naming a 事業 refuses the sheet; any other change is noted as ignored.
 */
function compareCells(ws: ReadSheet, reference: SheetReference, { problems, ignored }: Findings): ComparedCells {
  const sheet = ws.name;
  const rowsByNumber = new Map(reference.rows.map(([row, measureId]) => [row, measureId]));
  const lastRow = Math.max(headerRow, ...reference.rows.map(([row]) => row));
  const editableLetters = new Set<string>(editableColumns.map((c) => c.letter));
  const hashOf = (address: string) => reference.cells[address] ?? cellHash('');
  const addresses = new Set([...Object.keys(reference.cells), ...ws.addresses()]);

  const changedByRow = new Map<number, string[]>();
  const readings = new Map<string, CellReading>();
  const extraRows = new Map<number, string[]>();
  for (const address of addresses) {
    const reading = readCell(ws.cell(address));
    readings.set(address, reading);
    const changed = cellHash(reading.text) !== hashOf(address);
    const row = Number(/\d+$/.exec(address)![0]);
    const letter = address.replace(/\d+$/, '');
    const column = columnByLetter.get(letter);
    const measureId = rowsByNumber.get(row);
    if (measureId !== undefined && editableLetters.has(letter)) {
      if (changed) changedByRow.set(row, [...(changedByRow.get(row) ?? []), address]);
      continue;
    }
    if (!changed) continue;
    if (row === headerRow && column !== undefined) {
      // An inserted, deleted or moved column shifts the header with it: the cells below would be read
      // as the wrong fields (a note read as 課題, 課題 as 今後の予定, …).
      problems.push({
        sheet,
        cell: address,
        ja: `見出し (${headerRow} 行目) が発行時から変わっています。列の挿入・削除・並べ替えや見出しの書き換えはできません。送られたシートの列のまま記入してください`,
        en: `the header (row ${headerRow}) differs from the sheet as sent; columns must not be inserted, deleted, moved or renamed — fill in the columns as sent`,
      });
      continue;
    }
    if (row > lastRow) {
      if (reading.text !== '') extraRows.set(row, [...(extraRows.get(row) ?? []), address]);
      continue;
    }
    if (measureId !== undefined && column?.key === 'measureId') {
      problems.push({
        sheet,
        cell: address,
        ja: `事業IDが発行時の「${measureId}」から変わっています。行の並べ替え・挿入・削除や事業IDの書き換えはできません。送られたシートの行のまま記入してください`,
        en: `the measure id was changed from "${measureId}"; rows must not be sorted, inserted, deleted or renumbered — fill in the rows as sent`,
      });
      continue;
    }
    const what = column && row >= headerRow ? `「${column.header.ja}」は記入欄ではないため` : 'この欄は記入欄ではないため';
    const whatEn = column && row >= headerRow ? `"${column.header.en}" is not an editable column` : 'this cell is not an input cell';
    ignored.push({ sheet, cell: address, ja: `${what}、変更を無視しました`, en: `${whatEn}; the change was ignored` });
  }

  // Content below the table: a row that names a 事業 is a report the sheet cannot take; other text is ignored.
  for (const [row, cells] of [...extraRows].sort(([a], [b]) => a - b)) {
    const idCell = `A${row}`;
    const id = normaliseMeasureId(readings.get(idCell)?.text ?? '');
    if (measureIdPattern.test(id)) {
      problems.push({
        sheet,
        cell: idCell,
        ja: `行 ${row} (事業 ${id}) は送られたシートにない行です。行を追加して報告することはできません。担当する事業の行は最初から含まれています`,
        en: `row ${row} (measure ${id}) is not part of the sheet that was sent; rows cannot be added — the measures you own already have a row`,
      });
    } else {
      for (const address of cells) {
        ignored.push({ sheet, cell: address, ja: '表の外に記入された内容は読み取りませんでした', en: 'text outside the table was not read' });
      }
    }
  }
  return { readings, changedByRow };
}

/**
 * Each 事業's row as issued: blank, unchanged, or changed and then read into a report's input (a cell
 * holding an error or a formula without its saved result refuses the sheet; a formula's saved value
 * is read, and noted).
 */
function rowsOf(ws: ReadSheet, reference: SheetReference, { readings, changedByRow }: ComparedCells, { problems, notes }: Findings): SheetRowReading[] {
  const sheet = ws.name;
  const rows: SheetRowReading[] = [];
  for (const [row, measureId] of reference.rows) {
    const changedCells = changedByRow.get(row) ?? [];
    const values = new Map<EditableField, CellReading>();
    for (const column of editableColumns) {
      const address = `${column.letter}${row}`;
      const reading = readings.get(address) ?? readCell(ws.cell(address));
      values.set(column.field, reading);
    }
    const allEmpty = [...values.values()].every((r) => r.text === '' && r.formula === undefined && !r.error);
    const state: RowState = allEmpty ? 'blank' : changedCells.length === 0 ? 'unchanged' : 'changed';
    if (state !== 'changed') {
      rows.push({ row, measureId, state, changedCells });
      continue;
    }
    for (const column of editableColumns) {
      const address = `${column.letter}${row}`;
      const reading = values.get(column.field)!;
      if (reading.error) {
        problems.push({ sheet, cell: address, ja: `セルがエラー値 (${reading.error}) です`, en: `the cell holds an error value (${reading.error})` });
      } else if (reading.noCachedValue) {
        problems.push({
          sheet,
          cell: address,
          ja: `数式 (${describeFormula(reading)}) の計算結果が保存されていません。数式ではなく値を入力してください (数式は計算しません)`,
          en: `the formula (${describeFormula(reading)}) has no saved result; enter a value instead (formulas are not evaluated)`,
        });
      } else if (reading.formula !== undefined) {
        notes.push({
          sheet,
          cell: address,
          ja: `数式 (${describeFormula(reading)}) は計算せず、保存されていた値「${reading.text}」を読み取りました`,
          en: `the formula (${describeFormula(reading)}) was not evaluated; its saved value "${reading.text}" was read`,
        });
      }
    }
    rows.push({ row, measureId, state, changedCells, input: rowInput(measureId, reference.quarter, values, (ja, en, cell) => notes.push({ sheet, cell, ja, en }), row) });
  }
  return rows;
}

function rowInput(
  measureId: string,
  quarter: string,
  values: ReadonlyMap<EditableField, CellReading>,
  note: (ja: string, en: string, cell: string) => void,
  row: number,
): ReportInput {
  const text = (field: EditableField) => values.get(field)?.text ?? '';
  const input: ReportInput = {
    measureId,
    quarter,
    narrative: text('narrative'),
    issues: text('issues'),
    nextSteps: text('nextSteps'),
    person: text('person'),
  };
  const status = text('status').normalize('NFKC').trim();
  if (status !== '') {
    const alias = statusAliases[status];
    if (alias) note(`状況「${status}」を「${alias}」として読み取りました`, `status "${status}" was read as "${alias}"`, `F${row}`);
    input.status = (alias ?? status) as ReportInput['status'];
  }
  const executed = values.get('budgetExecutedThousandYen');
  if (executed && executed.text !== '') {
    // A number stays a number; text (full-width digits, 千円, commas) goes to the schema's normaliser.
    input.budgetExecutedThousandYen = (executed.number ?? executed.text) as number;
  }
  return input;
}

/** A field error of the report schema, placed on the cell it is about. */
function cellProblem(sheet: string, row: number, error: FieldError): SheetProblem {
  const column = columnOfField(error.field);
  return column ? { sheet, cell: `${column.letter}${row}`, ja: error.ja, en: error.en } : { sheet, cell: `A${row}`, ja: `${error.field}: ${error.ja}`, en: `${error.field}: ${error.en}` };
}

/** One row the import recorded (or found already recorded). */
export interface RecordedRow {
  row: number;
  measureId: string;
  measureName: string;
  /** 受付番号. */
  reference: string;
  version: number;
  /** True when the row had been recorded before (the same file sent again, or a copy saying the same). */
  duplicate: boolean;
}

export interface SheetImportBase {
  fileName: string;
  /** sha256 of the file, hex: the idempotency key base. */
  sha256: string;
  sheet?: string;
  ignored: SheetProblem[];
  notes: SheetProblem[];
}

export type SheetImportResult =
  | (SheetImportBase & {
      outcome: 'recorded';
      recorded: RecordedRow[];
      unchanged: { row: number; measureId: string }[];
      blank: { row: number; measureId: string }[];
      /** Rows of 事業 other 課 of the 部会 own, left as they were. */
      otherKaRows: { row: number; measureId: string }[];
      /**
       * Rows refused when written, after every check passed (a 事業 whose quarter has reached its
       * last version), each with its reason. A database error ends the import instead: the rows
       * written before it stay recorded, and sending the same file again records the rest once.
       */
      failed: SheetProblem[];
    })
  | (SheetImportBase & { outcome: 'refused'; problems: SheetProblem[] });

export interface ImportSheetOptions {
  /** The file's name as sent (upload, attachment, path); checked for .xlsx. */
  fileName: string;
  secret: string;
  now?: Date;
  /**
   * Files kept with each recorded report (e.g. the sheet as received by mail, stored in S3). A
   * function is called once, only after every row passed, so a refused sheet stores nothing.
   */
  attachments?: StoredReport['attachments'] | (() => Promise<StoredReport['attachments']>);
}

/** Reading order: what concerns the whole file first, then by row, then by column. */
function byPlace(a: SheetProblem, b: SheetProblem): number {
  const place = (p: SheetProblem) => {
    const match = /^([A-Z]+)(\d+)$/.exec(p.cell ?? '');
    return match ? [1, Number(match[2]), match[1]!.length, match[1]!] as const : [0, 0, 0, ''] as const;
  };
  const [x, y] = [place(a), place(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3].localeCompare(y[3]);
}

const refused = (base: SheetImportBase, problems: SheetProblem[]): SheetImportResult => ({ ...base, outcome: 'refused', problems: [...problems].sort(byPlace) });

/** Whether a reference was issued to this caller: city, quarter, plan version, 課 or 部会. */
export function referenceProblems(reference: SheetReference, caller: Caller, catalog: Catalog): SheetProblem[] {
  const { plan, directory } = catalog;
  if (reference.tenant !== plan.plan.tenant) {
    return [{ ja: 'このシートは別の自治体の環境で作成されたものです', en: 'this sheet was issued for another municipality' }];
  }
  const problems: SheetProblem[] = [];
  if (reference.scope.kind === 'ka' && reference.scope.id !== caller.ka.id) {
    const owner = directory.ka.find((k) => k.id === reference.scope.id);
    problems.push({
      ja: `このシートは${owner?.name ?? reference.scope.id}用です。${caller.ka.name}は自課用のシートで報告してください`,
      en: `this sheet was issued to ${reference.scope.id}; ${caller.ka.id} must use its own sheet`,
    });
  }
  if (reference.scope.kind === 'bukai') {
    const bukai = directory.bukai.find((b) => b.id === reference.scope.id);
    if (!bukai || bukai.name !== caller.ka.bukai) {
      problems.push({
        ja: `このシートは${bukai?.name ?? reference.scope.id}用です。${caller.ka.name} (${caller.ka.bukai}) のシートではありません`,
        en: `this sheet was issued to the 部会 ${reference.scope.id}; ${caller.ka.id} belongs to another 部会`,
      });
    }
  }
  if (reference.quarter !== caller.claims.quarter) {
    problems.push({
      ja: `このシートは ${reference.quarter} 用です。${caller.claims.quarter} の報告には ${caller.claims.quarter} のシートを使ってください`,
      en: `this sheet is for ${reference.quarter}; use the ${caller.claims.quarter} sheet to report for ${caller.claims.quarter}`,
    });
  }
  if (reference.planVersion !== plan.plan.version) {
    problems.push({
      ja: `このシートは計画の旧版 (${reference.planVersion}) で作成されています。新しいシートを取得してください`,
      en: `this sheet was made for plan version ${reference.planVersion}; please get a new sheet`,
    });
  }
  return problems;
}

/**
 * Import a returned sheet for an authenticated caller (a 課 and quarter, from the form link, the
 * reply address or the secretariat's command line). Writes nothing unless every changed row passes.
 */
export async function importSheet(
  store: Store,
  catalog: Catalog,
  caller: Caller,
  file: Buffer,
  options: ImportSheetOptions,
): Promise<SheetImportResult> {
  const sha256 = createHash('sha256').update(file).digest('hex');
  const base: SheetImportBase = { fileName: options.fileName, sha256, ignored: [], notes: [] };
  const inspected = inspectXlsx(file, options.fileName);
  if (!inspected.ok) return refused(base, [fileProblem(inspected.refusal)]);
  const read = await readProgressSheet(file, options.secret);
  if (!read.ok) return refused(base, read.problems);
  const { reading } = read;
  const withSheet: SheetImportBase = { ...base, sheet: reading.sheet, ignored: reading.ignored, notes: reading.notes };
  const mismatch = referenceProblems(reading.reference, caller, catalog);
  if (mismatch.length > 0) return refused(withSheet, mismatch);

  const { plan } = catalog;
  const problems = [...reading.problems];
  const otherKaRows: { row: number; measureId: string }[] = [];
  // The day the rows are received, as submitReport will judge their dates.
  const today = jstDate(options.now ?? new Date());
  const checked: { reading: SheetRowReading; input: ReportInput; name: string; lastMilestones: StoredReport['milestones'] | undefined }[] = [];
  const alreadyRecorded: RecordedRow[] = [];
  for (const row of reading.rows) {
    const measure = plan.measures.find((m) => m.id === row.measureId);
    const mine = measure !== undefined && roleOf(measure, caller.reporter) === 'owner';
    if (row.state !== 'changed') {
      if (!mine) otherKaRows.push({ row: row.row, measureId: row.measureId });
      continue;
    }
    const firstCell = row.changedCells[0] ?? `A${row.row}`;
    if (!measure) {
      problems.push({ sheet: reading.sheet, cell: `A${row.row}`, ja: `事業 ${row.measureId} は現在の計画にありません`, en: `measure ${row.measureId} is not in the current plan` });
      continue;
    }
    if (!mine) {
      // A 部会's sheet passed on from the 課 that filled this row and sent it: the row says what a report
      // of the quarter recorded (corrected since, perhaps), so it reports nothing of this 課 and is left
      // as another 課's row.
      const ofQuarter = await reportHistory(store, measure.id, reading.reference.quarter);
      if (ofQuarter.some((r) => r.kind === 'report' && saysRecorded(row.input!, r))) {
        otherKaRows.push({ row: row.row, measureId: row.measureId });
        continue;
      }
      const owners = measure.owners.map((o) => o.ka).join('・');
      problems.push({
        sheet: reading.sheet,
        cell: firstCell,
        ja: `行 ${row.row} の事業 ${measure.id}「${measure.name}」は${owners}の担当です。${caller.ka.name}は担当する事業の行だけ記入できます (記入された欄: ${row.changedCells.join(', ')})`,
        en: `row ${row.row}: measure ${measure.id} is owned by ${owners}; ${caller.ka.id} may only fill in the rows of measures it owns (cells changed: ${row.changedCells.join(', ')})`,
      });
      continue;
    }
    const history = await reportHistory(store, measure.id);
    const last = lastReportFor(history, reading.reference.quarter);
    // The sheet has no milestone columns: the report keeps what the 事業's last report said.
    const input: ReportInput = { ...row.input!, milestones: withCarriedMilestones([], last) };
    let submission: ReportSubmission;
    try {
      const result = checkReport(input, { plan, reporter: caller.reporter, quarter: caller.claims.quarter, today, lastMilestones: last?.milestones });
      if (!('submission' in result)) {
        problems.push({ sheet: reading.sheet, cell: firstCell, ja: result.ja, en: result.en });
        continue;
      }
      submission = result.submission;
    } catch (error) {
      if (!(error instanceof ReportInputError)) throw error;
      problems.push(...error.fields.map((f) => cellProblem(reading.sheet, row.row, f)));
      continue;
    }
    // A copy of a sheet already sent (edited again, so another file) repeats rows recorded from it: a
    // row that says exactly what the quarter's latest report says, or a report recorded since the sheet
    // was made (from it or a copy, a correction having come after it), is that report, not a new one.
    // An earlier report that was already there when the sheet was made is not: typing its words back
    // into a fresh sheet returns to them, as a new version.
    const issuedAt = Date.parse(reading.reference.issuedAt);
    const ofQuarter = history.filter((r) => r.quarter === submission.quarter && r.kind === 'report');
    const same = ofQuarter.findLast((r) => (r === ofQuarter.at(-1) || Date.parse(r.submittedAt) >= issuedAt) && sameRow(submission, r));
    // A 事業 owned with another 課, whose row that 課 filled and sent before passing the 部会's sheet on:
    // the row is that 課's report (its words, its person), not a new one of this 課.
    const latest = ofQuarter.at(-1);
    const carried = latest && latest.reporter.kaId !== caller.reporter.kaId && saysRecorded(row.input!, latest) ? latest : undefined;
    const recordedAs = same ?? carried;
    if (recordedAs) {
      alreadyRecorded.push({ row: row.row, measureId: measure.id, measureName: measure.name, reference: recordedAs.reference, version: recordedAs.version, duplicate: true });
      continue;
    }
    const conflict = laterReportProblem(reading, row, measure, last, caller);
    if (conflict) {
      problems.push(conflict);
      continue;
    }
    checked.push({ reading: row, input, name: measure.name, lastMilestones: last?.milestones });
  }
  if (problems.length > 0) return refused(withSheet, problems);

  const attachments = typeof options.attachments === 'function' ? await options.attachments() : options.attachments;
  const recorded: RecordedRow[] = [...alreadyRecorded];
  const failed: SheetProblem[] = [];
  for (const { reading: row, input, name, lastMilestones } of checked) {
    const outcome = await submitReport(store, catalog, caller, input, {
      channel: 'sheet',
      idempotencyKey: `sheet-${sha256}#${row.row}`,
      now: options.now,
      attachments,
      lastMilestones,
    });
    if ('report' in outcome) {
      // conflict: the same file's row was recorded before, when the carried milestones differed.
      recorded.push({
        row: row.row,
        measureId: row.measureId,
        measureName: name,
        reference: outcome.report.reference,
        version: outcome.report.version,
        duplicate: outcome.outcome !== 'recorded',
      });
    } else {
      failed.push({ sheet: reading.sheet, cell: row.changedCells[0], ja: outcome.ja, en: outcome.en });
    }
  }
  recorded.sort((a, b) => a.row - b.row);
  const state = (s: RowState) => reading.rows.filter((r) => r.state === s && !otherKaRows.some((o) => o.row === r.row)).map((r) => ({ row: r.row, measureId: r.measureId }));
  return { ...withSheet, outcome: 'recorded', recorded, unchanged: state('unchanged'), blank: state('blank'), otherKaRows, failed };
}

/**
 * Why a changed row cannot be recorded as it stands, when a report recorded since the sheet was made
 * says something else in the cells the person left alone, or when the person left in place is another
 * 課's. A changed row is recorded whole, its untouched cells included: from a sheet made before a
 * correction (on the form, by mail, from another copy), those cells would put the older values back.
 */
function laterReportProblem(reading: SheetReading, row: SheetRowReading, measure: Measure, last: StoredReport | undefined, caller: Caller): SheetProblem | undefined {
  const { reference, sheet } = reading;
  const ka = reference.scope.kind === 'ka' ? { id: reference.scope.id } : undefined;
  const now = prefilledInputs(measure, reference.quarter, last, ka);
  const addressOf = (column: (typeof editableColumns)[number]) => `${column.letter}${row.row}`;
  const untouched = editableColumns.filter((c) => !row.changedCells.includes(addressOf(c)));
  const moved = untouched.filter((c) => cellHash(prefilledText(now[c.key])) !== (reference.cells[addressOf(c)] ?? cellHash('')));
  // Only a report recorded since the sheet was made can have moved a cell (not a change of how cells are
  // pre-filled); one of the same millisecond is either in the pre-fill, and so moved nothing, or after it.
  if (last && Date.parse(last.submittedAt) >= Date.parse(reference.issuedAt) && moved.length > 0) {
    const cells = moved.map(addressOf);
    return {
      sheet,
      cell: cells[0],
      ja:
        `行 ${row.row} の事業 ${measure.id}「${measure.name}」は、このシートの作成後に報告 (受付番号 ${last.reference}) が記録され、変更していない欄 (${cells.join(', ')}) の内容がその報告と違います。` +
        'このまま記録すると、新しい報告の内容を古い内容に戻してしまいます。シートを取得し直して記入するか、これらの欄も記入してください',
      en:
        `row ${row.row}: measure ${measure.id} has a report recorded after this sheet was made (${last.reference}), and the cells you did not change (${cells.join(', ')}) differ from it; ` +
        'recording the row would put the older values back — get a new sheet, or fill in those cells too',
    };
  }
  const person = untouched.find((c) => c.field === 'person');
  if (last && person && row.input?.person === last.reporter.person && last.reporter.kaId !== caller.reporter.kaId) {
    return {
      sheet,
      cell: addressOf(person),
      ja: `報告者「${last.reporter.person}」は前回報告した${last.reporter.ka}の方です。${caller.ka.name}の報告者を記入してください`,
      en: `the reporting person "${last.reporter.person}" reported last for ${last.reporter.kaId}; enter the person reporting for ${caller.ka.id}`,
    };
  }
  return undefined;
}

/**
 * True when a sheet row's submission says what a stored report says in everything a row holds (who,
 * status, amount, texts). Milestones are not compared: a row has none, and carries the latest report's.
 */
function sameRow(submission: ReportSubmission, stored: StoredReport): boolean {
  const pick = (r: ReportSubmission) => ({
    kind: r.kind,
    status: r.status,
    budgetExecutedThousandYen: r.budgetExecutedThousandYen,
    narrative: r.narrative,
    issues: r.issues,
    nextSteps: r.nextSteps,
    kaId: r.reporter.kaId,
    person: r.reporter.person,
  });
  return JSON.stringify(pick(submission)) === JSON.stringify(pick(stored));
}

/**
 * True when a row says, field by field as a report reads it, what a stored report says: the status, the
 * amount, the texts and the person who signed it (for a row of another 課, which is not checked as this
 * 課's report).
 */
function saysRecorded(input: ReportInput, stored: StoredReport): boolean {
  const parsed = ReportInputSchema.safeParse({ ...input, milestones: [] });
  if (!parsed.success) return false;
  const row = parsed.data;
  return (
    row.status === stored.status &&
    row.budgetExecutedThousandYen === stored.budgetExecutedThousandYen &&
    row.narrative === stored.narrative &&
    row.issues === stored.issues &&
    row.nextSteps === stored.nextSteps &&
    row.person === stored.reporter.person
  );
}

/** Caps a long list for a page or a mail, saying how many more there are. */
export function capList<T>(items: readonly T[], max = maxListed): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
