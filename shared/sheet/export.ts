/**
 * The 進捗管理シート of a 部会 (or of one 課) for a quarter, as an .xlsx made with exceljs: the layout
 * Japanese offices use for a 照会 — a title block, then one row per 事業 with the plan's schedule, the
 * last status and this year's planned budget, and yellow cells to fill in. Only the yellow cells are
 * unlocked; the sheet is protected WITHOUT a password (protection guides the eye and stops slips, it
 * is not security — the import trusts only the signed reference and re-validates every value).
 *
 * A very hidden second sheet carries the signed reference (see reference.ts): the import uses it to
 * know who the sheet was for, which 事業 each row is, and what was pre-filled.
 * Pure: no I/O, no AWS (exceljs is loaded on the first build, see exceljs.ts).
 */
import type ExcelJS from 'exceljs';
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
import type { Measure, PlanFile } from '../domain/plan.ts';
import { reportStatuses, statusLabelsEn, type StoredReport } from '../domain/report.ts';
import { canonicalText, readCellValue } from './cells.ts';
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
import { loadExcelJS } from './exceljs.ts';
import { cellHash, chunkReference, signReference, type SheetReference, type SheetScope } from './reference.ts';

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
 * 課, the 事業 it owns. 関連部署 comment through the form, so their 事業 are not rows here.
 */
export function sheetRows(plan: PlanFile, resolved: ResolvedScope): SheetRow[] {
  const { bukai, ka } = resolved;
  return plan.measures.flatMap((measure) => {
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

const thin = { style: 'thin' as const, color: { argb: colours.border } };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const font = { name: 'Meiryo UI', size: 10 };

/** The values the export writes in a 事業 row, by column. */
export interface RowValues {
  measureId: string;
  name: string;
  ka: string;
  schedule: ExcelJS.RichText[];
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
export function scheduleRuns(measure: Measure, fiscalYear: number): ExcelJS.RichText[] {
  return measure.milestones.map((m, i) => {
    const current = m.fiscalYears.from <= fiscalYear && fiscalYear <= m.fiscalYears.to;
    const text = `${i > 0 ? '\n' : ''}${current ? '▶' : '・'}${m.label} (${spanText(m.fiscalYears.from, m.fiscalYears.to)}${m.inferred ? '・推定' : ''})`;
    return current ? { text, font: { ...font, bold: true, color: { argb: colours.current } } } : { text, font: { ...font, color: { argb: colours.muted } } };
  });
}

/** The row a 事業 gets: plan data, and the editable cells pre-filled from its last report. */
export function rowValues(row: SheetRow, plan: PlanFile, quarter: string, last: StoredReport | undefined): RowValues {
  const fiscalYear = parseQuarter(quarter).fiscalYear;
  const { measure } = row;
  const sameYear = last !== undefined && Number(last.quarter.slice(2, 6)) === fiscalYear;
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
    status: last?.status ?? '',
    planned: plannedBudget(measure, plan.plan.period, fiscalYear).plannedThousandYen,
    // The executed amount is "this fiscal year": last year's figure would be wrong here.
    executed: sameYear ? (last.budgetExecutedThousandYen ?? null) : null,
    narrative: last?.narrative ?? '',
    issues: last?.issues ?? '',
    nextSteps: last?.nextSteps ?? '',
    person: last?.reporter.person ?? '',
  };
}

function titleLines(input: ProgressSheetInput, resolved: ResolvedScope): Record<keyof typeof titleRows, [string, string]> {
  const q = parseQuarter(input.quarter);
  const { plan } = input.plan;
  return {
    title: [`${sheetName} (地域情報化計画 進捗状況調査)`, ''],
    plan: ['計画名', `${plan.municipality} ${plan.title} [版 ${plan.version}]`],
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

/** Build the sheet. The same input always gives the same cells (the file's timestamps aside). */
export async function buildProgressSheet(input: ProgressSheetInput): Promise<ProgressSheet> {
  const resolved = resolveScope(input.directory, input.scope);
  const rows = sheetRows(input.plan, resolved);
  const { Workbook } = await loadExcelJS();
  const workbook = new Workbook();
  workbook.creator = 'shinchoku';
  workbook.lastModifiedBy = 'shinchoku';
  workbook.company = input.plan.plan.municipality;
  workbook.title = `${sheetName} ${resolved.ka?.name ?? resolved.bukai.name} ${input.quarter}`;
  workbook.subject = input.plan.plan.title;
  workbook.created = input.now;
  workbook.modified = input.now;

  const ws = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: headerRow, topLeftCell: `C${firstDataRow}`, activeCell: `F${firstDataRow}`, zoomScale: 90 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C&P / &N', oddHeader: `&L&8${input.plan.plan.municipality} ${sheetName}&R&8${input.quarter}` },
    properties: { defaultRowHeight: 18 },
  });
  ws.columns = columns.map((c) => ({ key: c.key, width: c.width }));
  /** What the export wrote, cell by cell, as the import will read it back. */
  const written = new Map<string, string>();
  const put = (address: string, value: ExcelJS.CellValue): ExcelJS.Cell => {
    const cell = ws.getCell(address);
    cell.value = value;
    cell.font = font;
    written.set(address, readCellValue(value).text);
    return cell;
  };

  const lines = titleLines(input, resolved);
  for (const [key, row] of Object.entries(titleRows) as [keyof typeof titleRows, number][]) {
    const [label, value] = lines[key];
    if (key === 'title' || key === 'instructions') {
      ws.mergeCells(`A${row}:${lastColumnLetter}${row}`);
      const cell = put(`A${row}`, label);
      cell.font = key === 'title' ? { ...font, size: 14, bold: true } : { ...font, size: 9 };
      cell.alignment = { vertical: 'middle', wrapText: true };
      continue;
    }
    put(`A${row}`, label).font = { ...font, bold: true };
    ws.mergeCells(`B${row}:${lastColumnLetter}${row}`);
    put(`B${row}`, value).alignment = { vertical: 'middle' };
  }
  ws.getRow(titleRows.title).height = 24;
  ws.getRow(titleRows.instructions).height = 54;

  for (const c of columns) {
    const cell = put(`${c.letter}${headerRow}`, `${c.header.ja}\n${c.header.en}`);
    cell.font = { ...font, bold: true, color: { argb: colours.headerFont } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.headerFill } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = border;
  }
  ws.getRow(headerRow).height = 32;

  const placed: { row: number; measureId: string }[] = [];
  rows.forEach((sheetRow, i) => {
    const r = firstDataRow + i;
    const values = rowValues(sheetRow, input.plan, input.quarter, input.lastReports.get(sheetRow.measure.id));
    for (const c of columns) {
      const address = `${c.letter}${r}`;
      const raw = values[c.key as ColumnKey];
      const value: ExcelJS.CellValue = Array.isArray(raw) ? { richText: raw } : raw === '' ? null : raw;
      const cell = put(address, value);
      const editable = 'field' in c;
      cell.border = border;
      cell.alignment = { vertical: 'top', wrapText: 'wrap' in c && c.wrap === true, horizontal: 'numFmt' in c ? 'right' : undefined };
      if ('numFmt' in c) cell.numFmt = c.numFmt;
      cell.protection = { locked: !editable };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: editable ? colours.inputFill : colours.lockedFill } };
    }
    ws.getCell(`F${r}`).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${reportStatuses.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '状況 / Status',
      error: `一覧から選んでください / choose from the list: ${reportStatuses.map((s) => `${s} (${statusLabelsEn[s]})`).join(', ')}`,
      showInputMessage: true,
      promptTitle: '状況 / Status',
      prompt: '一覧から選択 / choose from the list',
    };
    ws.getCell(`H${r}`).dataValidation = {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, maxExecutedThousandYen],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '執行額 / Executed',
      error: '0 以上の数値 (千円) を入力してください / enter a number ≥ 0 in thousand yen',
    };
    for (const c of editableColumns) {
      const limit = textLimits[c.key as keyof typeof textLimits];
      if (limit === undefined) continue;
      ws.getCell(`${c.letter}${r}`).dataValidation = {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        allowBlank: true,
        formulae: [limit],
        showErrorMessage: true,
        errorStyle: 'stop',
        error: `${limit} 文字以内で入力してください / at most ${limit} characters`,
      };
    }
    placed.push({ row: r, measureId: sheetRow.measure.id });
  });

  const lastRow = Math.max(headerRow, firstDataRow + rows.length - 1);
  ws.pageSetup.printArea = `A1:${lastColumnLetter}${lastRow}`;
  ws.pageSetup.printTitlesRow = `${headerRow}:${headerRow}`;
  await ws.protect('', {
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
  });

  const reference: SheetReference = {
    tenant: input.plan.plan.tenant,
    scope: input.scope,
    quarter: input.quarter,
    planVersion: input.plan.plan.version,
    issuedAt: input.now.toISOString(),
    rows: placed.map((p) => [p.row, p.measureId]),
    cells: Object.fromEntries([...written].map(([address, text]) => [address, cellHash(canonicalText(text))])),
  };
  const hidden = workbook.addWorksheet(referenceSheetName, { state: 'veryHidden' });
  chunkReference(signReference(reference, input.secret)).forEach((chunk, i) => {
    hidden.getCell(`A${i + 1}`).value = chunk;
  });
  hidden.getCell('B1').value = '照合情報 (変更しないでください) / sheet reference — do not edit';
  await hidden.protect('', { selectLockedCells: false, selectUnlockedCells: false });

  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    buffer,
    fileName: sheetFileName(resolved.ka?.name ?? resolved.bukai.name, input.quarter),
    reference,
    rows: placed,
  };
}
