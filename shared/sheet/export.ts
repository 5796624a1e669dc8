/**
 * The 進捗管理シート of a 部会 (or of one 課) for a quarter, as an .xlsx made with hucre: the layout
 * Japanese offices use for a 照会 — a title block, then one row per 事業 with the plan's schedule, the
 * last status and this year's planned budget, and yellow cells to fill in. Only the yellow cells are
 * unlocked; the sheet is protected WITHOUT a password (protection guides the eye and stops slips, it
 * is not security — the import trusts only the signed reference and re-validates every value).
 *
 * A very hidden second sheet carries the signed reference (see reference.ts): the import uses it to
 * know who the sheet was for, which 事業 each row is, and what was pre-filled.
 * Pure: no I/O, no AWS.
 */
import type { RowDef } from 'hucre';
import { parseCellRef, writeXlsx, type Cell, type CellStyle, type DataValidation, type MergeRange } from 'hucre/xlsx';
import { plannedBudget } from '../domain/compile.ts';
import type { Directory } from '../domain/directory.ts';
import {
  formatQuarterEn,
  formatQuarterJa,
  formatWarekiDate,
  formatWarekiFiscalYearShort,
  parseQuarter,
  type LocalDate,
} from '../domain/fiscal.ts';
import { inScopeOf } from '../domain/measure-span.ts';
import type { Measure, PlanFile } from '../domain/plan.ts';
import { reportStatuses, statusLabelsEn, type StoredReport } from '../domain/report.ts';
import { canonicalText, readCell, xmlSafeText } from './cells.ts';
import { prefilledInputs } from './prefill.ts';
import {
  columns,
  editableColumns,
  firstDataRow,
  headerRow,
  lastColumnLetter,
  maxExecutedThousandYen,
  referenceSheetName,
  sheetFileName,
  sheetName,
  textLimits,
  titleRows,
  type ColumnKey,
} from './layout.ts';
import { cellHash, chunkReference, signReference, type SheetReference, type SheetScope } from './reference.ts';
import { planTitleOf } from '../domain/plan-title.ts';

/** One 事業 row of a sheet. */
export interface SheetRow {
  measure: Measure;
  /** The owning 課 shown in 担当課 (those of the sheet's 部会). */
  ownerNames: string[];
}

/** What a sheet is about: the 部会 and, for a 課's own sheet, the 課. */
export interface ResolvedScope {
  scope: SheetScope;
  bukai: Directory['bukai'][number];
  ka?: Directory['ka'][number];
}

export class SheetScopeError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'SheetScopeError';
  }
}

/** The directory entries a scope names; throws {@link SheetScopeError} when it names none. */
export function resolveScope(directory: Directory, scope: SheetScope): ResolvedScope {
  if (scope.kind === 'ka') {
    const ka = directory.ka.find((k) => k.id === scope.id);
    if (!ka) throw new SheetScopeError(`課 ${scope.id} は名簿にありません`, `no 課 "${scope.id}" in the directory`);
    const bukai = directory.bukai.find((b) => b.name === ka.bukai);
    if (!bukai) throw new SheetScopeError(`${ka.name}の部会が名簿にありません`, `the 部会 of ${ka.id} is not in the directory`);
    return { scope, bukai, ka };
  }
  const bukai = directory.bukai.find((b) => b.id === scope.id);
  if (!bukai) throw new SheetScopeError(`部会 ${scope.id} は名簿にありません`, `no 部会 "${scope.id}" in the directory`);
  return { scope, bukai };
}

/**
 * The 事業 rows of a sheet, in plan order: for a 部会, every 事業 one of its 課 owns (担当部署); for a
 * 課, the 事業 it owns; in both, only those in scope in the quarter (their スケジュール or budget
 * runs in its fiscal year: `isInScope`), as the reminders ask for them. 関連部署 comment through the form, so
 * their 事業 are not rows here.
 */
export function sheetRows(plan: PlanFile, resolved: ResolvedScope, quarter: string): SheetRow[] {
  const { bukai, ka } = resolved;
  const inScope = inScopeOf(plan, quarter);
  return plan.measures.flatMap((measure) => {
    if (!inScope(measure)) return [];
    const owners = measure.owners.filter((o) => o.bukai === bukai.name && (ka === undefined || o.ka === ka.name));
    return owners.length > 0 ? [{ measure, ownerNames: [...new Set(measure.owners.filter((o) => o.bukai === bukai.name).map((o) => o.ka))] }] : [];
  });
}

export interface ProgressSheetInput {
  plan: PlanFile;
  directory: Directory;
  scope: SheetScope;
  /** Canonical quarter, e.g. FY2013-Q2. */
  quarter: string;
  /**
   * The report each row is pre-filled from (by 事業 id): the latest report of the quarter, else of
   * the latest earlier quarter (`lastReportFor` of the web form picks it the same way).
   */
  lastReports: ReadonlyMap<string, StoredReport>;
  /** 提出期限 printed in the title block; omitted → "—". */
  dueDate?: LocalDate;
  /** The link secret; signs the reference. */
  secret: string;
  now: Date;
}

export interface ProgressSheet {
  /** The .xlsx file. */
  buffer: Buffer;
  /** e.g. 進捗管理シート_企画専門部会_FY2013-Q2.xlsx */
  fileName: string;
  reference: SheetReference;
  rows: { row: number; measureId: string }[];
}

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const colours = {
  headerFill: 'FF1F4E79',
  headerFont: 'FFFFFFFF',
  inputFill: 'FFFFF2CC',
  lockedFill: 'FFF2F2F2',
  border: 'FF808080',
  current: 'FFC00000',
  muted: 'FF595959',
};

const thin = { style: 'thin' as const, color: { rgb: colours.border } };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const font = { name: 'Meiryo UI', size: 10 };

/** A rich-text run: text and its font. */
export type TextRun = NonNullable<Cell['richText']>[number];

/** The values the export writes in a 事業 row, by column. */
export interface RowValues {
  measureId: string;
  name: string;
  ka: string;
  schedule: TextRun[];
  lastStatus: string;
  status: string;
  planned: number | null;
  executed: number | null;
  narrative: string;
  issues: string;
  nextSteps: string;
  person: string;
}

/** How a milestone span reads in the schedule column: "H24年度–H25年度". */
function spanText(from: number, to: number): string {
  return from === to ? formatWarekiFiscalYearShort(from) : `${formatWarekiFiscalYearShort(from)}–${formatWarekiFiscalYearShort(to)}`;
}

/** The plan's milestones, one per line; the steps of this fiscal year are marked ▶ and shown in red. */
export function scheduleRuns(measure: Measure, fiscalYear: number): TextRun[] {
  return measure.milestones.map((m, i) => {
    const current = m.fiscalYears.from <= fiscalYear && fiscalYear <= m.fiscalYears.to;
    const text = `${i > 0 ? '\n' : ''}${current ? '▶' : '・'}${m.label} (${spanText(m.fiscalYears.from, m.fiscalYears.to)}${m.inferred ? '・推定' : ''})`;
    return current ? { text, font: { ...font, bold: true, color: { rgb: colours.current } } } : { text, font: { ...font, color: { rgb: colours.muted } } };
  });
}

/**
 * The row a 事業 gets: plan data, and the editable cells pre-filled from its last report
 * (`prefilledInputs`: on a 課's own sheet, `ka`, the person only from that 課's report).
 */
export function rowValues(row: SheetRow, plan: PlanFile, quarter: string, last: StoredReport | undefined, ka?: { id: string }): RowValues {
  const fiscalYear = parseQuarter(quarter).fiscalYear;
  const { measure } = row;
  const lastQuarter = last ? parseQuarter(last.quarter) : undefined;
  return {
    measureId: measure.id,
    name: measure.name,
    ka: row.ownerNames.join('\n'),
    schedule: scheduleRuns(measure, fiscalYear),
    lastStatus:
      last?.status && lastQuarter
        ? `${last.status}\n(${formatWarekiFiscalYearShort(lastQuarter.fiscalYear)} 第${lastQuarter.quarter}四半期)`
        : '報告なし',
    planned: plannedBudget(measure, plan.plan.period, fiscalYear).plannedThousandYen,
    ...prefilledInputs(measure, quarter, last, ka),
  };
}

function titleLines(input: ProgressSheetInput, resolved: ResolvedScope): Record<keyof typeof titleRows, [string, string]> {
  const q = parseQuarter(input.quarter);
  const { plan } = input.plan;
  return {
    title: [`${sheetName} (${plan.title} 進捗状況調査)`, ''],
    plan: ['計画名', `${planTitleOf(plan)} [版 ${plan.version}]`],
    bukai: ['部会・課', resolved.ka ? `${resolved.bukai.name} ／ ${resolved.ka.name}` : `${resolved.bukai.name} (全課)`],
    quarter: ['四半期', `${formatQuarterJa(q)} ／ ${formatQuarterEn(q)}`],
    due: ['提出期限', input.dueDate ? `${formatWarekiDate(input.dueDate)} (${input.dueDate})` : '—'],
    instructions: [
      '黄色のセル (状況・執行額・進捗状況・課題・今後の予定・報告者) に記入してください。状況は一覧から選びます。金額は千円単位です。' +
        '変更しなかった行は報告されません。行や列の追加・削除・並べ替えはしないでください。自課が担当する事業の行だけ記入してください。\n' +
        'Fill in the yellow cells; choose the status from the list; amounts are in thousand yen. Rows left unchanged are not reported. ' +
        'Do not add, delete or sort rows or columns; fill in only the rows of measures your department owns.',
      '',
    ],
  };
}

/** A1 reference → the library's `row,col` cell key (both 0-based). */
function cellKey(address: string): string {
  const { row, col } = parseCellRef(address);
  return `${row},${col}`;
}

/** A merge of whole rows of the title block, e.g. A1:L1. */
function mergeOf(range: string): MergeRange {
  const [from, to] = range.split(':') as [string, string];
  const start = parseCellRef(from);
  const end = parseCellRef(to);
  return { startRow: start.row, startCol: start.col, endRow: end.row, endCol: end.col };
}

/** The drop-down, number and length checks Excel applies to the input cells of the 事業 rows. */
function inputValidations(dataRows: string): DataValidation[] {
  const range = (letter: string) => dataRows.replace(/#/g, letter);
  const validations: DataValidation[] = [
    {
      type: 'list',
      range: range('F'),
      values: [...reportStatuses],
      allowBlank: true,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '状況 / Status',
      errorMessage: `一覧から選んでください / choose from the list: ${reportStatuses.map((s) => `${s} (${statusLabelsEn[s]})`).join(', ')}`,
      showInputMessage: true,
      inputTitle: '状況 / Status',
      inputMessage: '一覧から選択 / choose from the list',
    },
    {
      type: 'decimal',
      range: range('H'),
      operator: 'between',
      formula1: '0',
      formula2: String(maxExecutedThousandYen),
      allowBlank: true,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '執行額 / Executed',
      errorMessage: '0 以上の数値 (千円) を入力してください / enter a number ≥ 0 in thousand yen',
    },
  ];
  for (const c of editableColumns) {
    const limit = textLimits[c.key as keyof typeof textLimits];
    if (limit === undefined) continue;
    validations.push({
      type: 'textLength',
      range: range(c.letter),
      operator: 'lessThanOrEqual',
      formula1: String(limit),
      allowBlank: true,
      showErrorMessage: true,
      errorStyle: 'stop',
      errorMessage: `${limit} 文字以内で入力してください / at most ${limit} characters`,
    });
  }
  return validations;
}

/** Build the sheet. The same input always gives the same cells (the file's timestamps aside). */
export async function buildProgressSheet(input: ProgressSheetInput): Promise<ProgressSheet> {
  const resolved = resolveScope(input.directory, input.scope);
  const rows = sheetRows(input.plan, resolved, input.quarter);
  const cells = new Map<string, Partial<Cell>>();
  /** What the export wrote, cell by cell, as the import will read it back. */
  const written = new Map<string, string>();
  const put = (address: string, value: string | number | null | TextRun[], style: CellStyle): void => {
    // Texts come from reports and the plan file: a character XML cannot hold would make the file damaged.
    const cell: Partial<Cell> = Array.isArray(value)
      ? { value: null, richText: value.map((run) => ({ ...run, text: xmlSafeText(run.text) })), style }
      : { value: typeof value === 'string' ? xmlSafeText(value) : value, style };
    cells.set(cellKey(address), cell);
    written.set(address, readCell({ value: cell.value ?? null, richText: cell.richText }).text);
  };

  const merges: MergeRange[] = [];
  const lines = titleLines(input, resolved);
  for (const [key, row] of Object.entries(titleRows) as [keyof typeof titleRows, number][]) {
    const [label, value] = lines[key];
    if (key === 'title' || key === 'instructions') {
      merges.push(mergeOf(`A${row}:${lastColumnLetter}${row}`));
      put(`A${row}`, label, {
        font: key === 'title' ? { ...font, size: 14, bold: true } : { ...font, size: 9 },
        alignment: { vertical: 'center', wrapText: true },
      });
      continue;
    }
    put(`A${row}`, label, { font: { ...font, bold: true } });
    merges.push(mergeOf(`B${row}:${lastColumnLetter}${row}`));
    put(`B${row}`, value, { font, alignment: { vertical: 'center' } });
  }

  for (const c of columns) {
    put(`${c.letter}${headerRow}`, `${c.header.ja}\n${c.header.en}`, {
      font: { ...font, bold: true, color: { rgb: colours.headerFont } },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { rgb: colours.headerFill } },
      alignment: { horizontal: 'center', vertical: 'center', wrapText: true },
      border,
    });
  }

  const placed: { row: number; measureId: string }[] = [];
  rows.forEach((sheetRow, i) => {
    const r = firstDataRow + i;
    const values = rowValues(sheetRow, input.plan, input.quarter, input.lastReports.get(sheetRow.measure.id), resolved.ka);
    for (const c of columns) {
      const raw = values[c.key as ColumnKey];
      const editable = 'field' in c;
      put(`${c.letter}${r}`, raw === '' ? null : raw, {
        font,
        border,
        alignment: { vertical: 'top', wrapText: 'wrap' in c && c.wrap === true, horizontal: 'numFmt' in c ? 'right' : undefined },
        ...('numFmt' in c ? { numFmt: c.numFmt } : {}),
        protection: { locked: !editable },
        fill: { type: 'pattern', pattern: 'solid', fgColor: { rgb: editable ? colours.inputFill : colours.lockedFill } },
      });
    }
    placed.push({ row: r, measureId: sheetRow.measure.id });
  });
  const lastRow = Math.max(headerRow, firstDataRow + rows.length - 1);

  const reference: SheetReference = {
    tenant: input.plan.plan.tenant,
    scope: input.scope,
    quarter: input.quarter,
    planVersion: input.plan.plan.version,
    issuedAt: input.now.toISOString(),
    rows: placed.map((p) => [p.row, p.measureId]),
    cells: Object.fromEntries([...written].map(([address, text]) => [address, cellHash(canonicalText(text))])),
  };
  const referenceRows: string[][] = chunkReference(signReference(reference, input.secret)).map((chunk) => [chunk]);
  referenceRows[0]!.push('照合情報 (変更しないでください) / sheet reference — do not edit');

  const rowDefs = new Map<number, RowDef>([
    [titleRows.title - 1, { height: 24 }],
    [titleRows.instructions - 1, { height: 54 }],
    [headerRow - 1, { height: 32 }],
  ]);
  const buffer = await writeXlsx({
    properties: {
      creator: 'shinchoku',
      lastModifiedBy: 'shinchoku',
      company: input.plan.plan.municipality,
      title: `${sheetName} ${resolved.ka?.name ?? resolved.bukai.name} ${input.quarter}`,
      subject: input.plan.plan.title,
      created: input.now,
      modified: input.now,
    },
    defaultFont: font,
    sheets: [
      {
        name: sheetName,
        columns: columns.map((c) => ({ width: c.width })),
        cells,
        merges,
        rowDefs,
        dataValidations: rows.length > 0 ? inputValidations(`#${firstDataRow}:#${lastRow}`) : [],
        freezePane: { rows: headerRow, columns: 2 },
        view: { zoomScale: 90 },
        pageSetup: {
          paperSize: 'a4',
          orientation: 'landscape',
          fitToPage: true,
          fitToWidth: 1,
          fitToHeight: 0,
          horizontalCentered: true,
          margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
          printArea: `$A$1:$${lastColumnLetter}$${lastRow}`,
          printTitlesRow: `$${headerRow}:$${headerRow}`,
        },
        headerFooter: { oddFooter: '&C&P / &N', oddHeader: `&L&8${input.plan.plan.municipality} ${sheetName}&R&8${input.quarter}` },
        // Protected without a password: true = allowed while protected.
        protection: {
          sheet: true,
          selectLockedCells: true,
          selectUnlockedCells: true,
          formatColumns: true,
          formatRows: true,
          insertRows: false,
          insertColumns: false,
          deleteRows: false,
          deleteColumns: false,
          sort: false,
          autoFilter: false,
        },
      },
      {
        name: referenceSheetName,
        rows: referenceRows,
        veryHidden: true,
        protection: { sheet: true, selectLockedCells: false, selectUnlockedCells: false },
      },
    ],
  });
  return {
    buffer: Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength),
    fileName: sheetFileName(resolved.ka?.name ?? resolved.bukai.name, input.quarter),
    reference,
    rows: placed,
  };
}
