/**
 * exceljs, loaded the first time a sheet is written or read. Most invocations of the functions that
 * can build or read a sheet do neither: a mail without a workbook attached, a reminder run for a 部会
 * that did not ask for the sheet, an upload refused by the guards. As a dynamic `import()` it is its
 * own chunk of the bundle (infra/bundle.ts), read from disk only when this is first called; Node
 * keeps the module, so later calls cost nothing.
 *
 * Only `Workbook` and the enums are loaded, not the package's index: the index also loads exceljs's
 * streaming reader and writer (unzipper and archiver with their dependencies, about 500 KB
 * minified), which the sheets, read and written whole in memory, never use.
 */
import type ExcelJS from 'exceljs';
import type { Workbook } from 'exceljs';

export interface ExcelJSModule {
  Workbook: typeof Workbook;
  ValueType: typeof ExcelJS.ValueType;
}

export async function loadExcelJS(): Promise<ExcelJSModule> {
  const [workbook, enums] = await Promise.all([import('exceljs/lib/doc/workbook.js'), import('exceljs/lib/doc/enums.js')]);
  return { Workbook: workbook.default, ValueType: enums.default.ValueType };
}
