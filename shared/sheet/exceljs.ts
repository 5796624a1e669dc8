/**
 * exceljs, loaded the first time a sheet is written or read. It is a large library (with its zip
 * readers and writers, about 1 MB minified), and most invocations of the functions that can build
 * or read a sheet do neither: a mail without a workbook attached, a reminder run for a 部会 that did
 * not ask for the sheet, an upload refused by the guards. As a dynamic `import()` it is its own
 * chunk of the bundle (infra/bundle.ts), read from disk only when this is first called; Node keeps
 * the module, so later calls cost nothing.
 */
import type ExcelJS from 'exceljs';

export type ExcelJSModule = typeof ExcelJS;

export async function loadExcelJS(): Promise<ExcelJSModule> {
  return (await import('exceljs')).default;
}
