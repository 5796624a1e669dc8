/** Types for the two exceljs modules `loadExcelJS` (exceljs.ts) imports instead of the package index. */
declare module 'exceljs/lib/doc/workbook.js' {
  import type { Workbook } from 'exceljs';
  const WorkbookClass: typeof Workbook;
  export default WorkbookClass;
}

declare module 'exceljs/lib/doc/enums.js' {
  import type ExcelJS from 'exceljs';
  const enums: { ValueType: typeof ExcelJS.ValueType };
  export default enums;
}
