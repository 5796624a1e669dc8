/**
 * Reading plan and directory files. The seed's plan (下野市) is the embedded default; a city loads its
 * own with the commands' `--plan` / `--directory` options (start, load, replay, plan export, …).
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import * as z from './zod.ts';
import { DirectorySchema, type Directory } from './domain/directory.ts';
import { describeSchemaIssues, formatPath, lintPlan, type Defect } from './domain/plan-lint.ts';
import type { PlanFile } from './domain/plan.ts';

export const defaultPlanPath = fileURLToPath(new URL('../plans/shimotsuke/plan.json', import.meta.url));
export const defaultDirectoryPath = fileURLToPath(new URL('../plans/shimotsuke/directory.json', import.meta.url));

/**
 * An error's two halves, each whole: describeError (cli/output.ts) splits a message at its first
 * " / ", so the Japanese half must not hold one of its own (a value quoted from the file might).
 */
const japaneseHalf = (text: string) => text.replaceAll(' / ', '/');

export class PlanFileError extends Error {
  constructor(
    readonly file: string,
    readonly defects: Defect[],
    ja: string,
    en: string,
  ) {
    super(`計画ファイル ${file} を読み込めません: ${japaneseHalf(ja)} / cannot load plan file ${file}: ${en}`);
    this.name = 'PlanFileError';
  }
}

/**
 * Scan errors jsonc-parser places at the start of the string or number they are in, not at the
 * character at fault (a line break inside a string, a bad escape, "1.").
 */
const faultsInsideToken = new Set(['InvalidCharacter', 'InvalidEscapeCharacter', 'InvalidUnicode', 'UnexpectedEndOfString', 'UnexpectedEndOfNumber']);

/**
 * The offset of the first character JSON.parse cannot take in a text it refused (the text's length
 * when the text ends too early), found by jsonc-parser: V8 names a position for some of its errors
 * only ("Unexpected token '　', … is not valid JSON" names none). Inside a string or a number, V8's
 * position, which names the character. Undefined when neither finds it.
 */
function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  const v8 = position ? Number(position[1]) : undefined;
  const errors: ParseError[] = [];
  try {
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // Nested too deep for jsonc-parser's recursion: the errors found before.
  }
  const first = errors[0];
  if (!first) return v8;
  return faultsInsideToken.has(printParseErrorCode(first.error)) ? (v8 ?? first.offset) : first.offset;
}

/**
 * The line of a place in a JSON text (a path as formatPath writes it, `measures[3].owners[0]`, a
 * member's at its key); a place the file does not have (a missing key) is at the line of the nearest
 * one around it that it has.
 */
function lineFinder(text: string): (path: string) => number | undefined {
  let lines: Map<string, number> | undefined;
  // A file on one line (written by a program): its line says nothing the path does not.
  if (!text.trimEnd().includes('\n')) return () => undefined;
  return (path) => {
    if (!lines) {
      const found = new Map<string, number>();
      const starts: number[] = [];
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at);
      const place = (p: string, offset: number) => {
        // Lines before the offset: the number of line ends before it, found by bisection.
        let low = 0;
        let high = starts.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          if (starts[mid]! < offset) low = mid + 1;
          else high = mid;
        }
        found.set(p, low + 1);
      };
      // Every value by its path, a member's at its key.
      const walk = (node: JsonNode, p: string, offset = node.offset): void => {
        place(p, offset);
        if (node.type === 'object') {
          for (const { offset: at, children: [key, value] = [] } of node.children ?? []) {
            if (key && value) walk(value, p ? `${p}.${String(key.value)}` : String(key.value), at);
          }
        } else if (node.type === 'array') {
          node.children?.forEach((element, index) => walk(element, `${p}[${index}]`));
        }
      };
      try {
        const root = parseTree(text);
        if (root) walk(root, '');
      } catch {
        // Nested too deep to read recursively: the lines found so far, if any.
      }
      lines = found;
    }
    // Up one step at a time: `a.b[2]` → `a.b` → `a` → the whole file ('').
    for (let p = path; ; ) {
      const line = lines.get(p);
      if (line !== undefined) return line;
      if (p === '') return undefined;
      const up = p.replace(/(?:\.[^.[\]]*|\[\d+\])$/, '');
      p = up === p ? '' : up;
    }
  };
}

/**
 * Where a JSON.parse failure is, and why, in both languages ("3 行 7 列目: 予期しない文字 "}" があります" /
 * V8's message with "(line 3, column 7)").
 */
function jsonProblem(text: string, message: string): { ja: string; en: string } {
  const offset = jsonErrorOffset(text, message);
  let where: { line: number; column: number } | undefined;
  if (offset !== undefined) {
    const lines = text.slice(0, offset).split('\n');
    where = { line: lines.length, column: (lines.at(-1) ?? '').length + 1 };
  }
  const char = offset === undefined ? undefined : text[offset];
  const token = /^Unexpected token '(.+?)'/.exec(message);
  const atEnd = /Unexpected end of JSON input/.test(message) || (offset !== undefined && offset >= text.length);
  const codePoint = char === undefined ? '' : `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  // Only a character JSON never takes stops a reading at a space or a control character: one that is
  // not ASCII between the items (U+3000, U+00A0), a line break or tab inside a string (a cell's Alt+Enter).
  const control = char !== undefined && char < ' ';
  const wideSpace = char !== undefined && char > '\x7f' && /\s/.test(char);
  const why = atEnd
    ? 'ファイルが途中で終わっています (閉じ括弧の不足など)'
    : control
      ? '文字列の中で改行やタブはそのまま書けません (改行は \\n、タブは \\t と書きます)'
      : char === '\u3000'
        ? '全角スペースがあります (項目の外の空白は半角にしてください)'
        : wideSpace
          ? `JSON では使えない空白 (${codePoint}) があります (項目の外の空白は半角にしてください)`
          : char === '/'
            ? 'JSON にはコメント (// や /* */) を書けません'
            : char !== undefined && "'“”＂".includes(char)
              ? `項目名と文字列は半角の " で囲みます (${char} は使えません)`
              : /property name/.test(message)
                ? 'ここには "…" で囲んだ項目名が必要です (末尾の余分なカンマなど)'
                : /after (property value|array element)/.test(message)
                  ? 'カンマか閉じ括弧が必要です'
                  : token || char !== undefined
                    ? `予期しない文字 "${char ?? token?.[1]}" があります`
                    : 'JSON の書式に誤りがあります';
  const enWhy = atEnd
    ? ''
    : control
      ? `: a line break or tab (${codePoint}) inside a string must be written \\n or \\t`
      : char === '\u3000'
        ? ': a full-width space (U+3000) outside a string; spaces there must be ASCII'
        : wideSpace
          ? `: a space JSON does not allow (${codePoint}) outside a string`
          : '';
  const lineColumn = where && !/\(line \d+ column \d+\)/.test(message) ? ` (line ${where.line}, column ${where.column})` : '';
  return {
    ja: where ? `${where.line} 行 ${where.column} 列目: ${why}` : why,
    en: `${message}${lineColumn}${enWhy}`,
  };
}

/**
 * A file's text, which must be UTF-8 (with or without a BOM). A file saved as Shift_JIS (メモ帳 or
 * Excel on Japanese Windows) or UTF-16 is refused with the line of its first character that is not
 * UTF-8: read as UTF-8 anyway, its Japanese would become replacement characters (文字化け) that the
 * schema takes, so a plan with garbled names could be loaded.
 */
async function readUtf8File(file: string): Promise<string> {
  const bytes = await readFile(file);
  // A workbook (a zip: "PK\x03\x04") or a CSV, e.g. the catalog `plan export --format csv` prints
  // edited in Excel: said as such, not as a character JSON does not expect.
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (zip || /\.(csv|tsv|xls|xlsx|xlsm)$/i.test(file)) {
    throw new Error(
      `${file} は JSON ではありません (Excel や CSV のファイルは読み込めません。plan export --format csv の CSV は一覧用で、読み込みには使えません)。` +
        `JSON のファイルを指定してください (計画なら plan export --format json の形です) / ` +
        `${file} is not JSON (a workbook or CSV cannot be loaded; the CSV of plan export --format csv is for reading only): ` +
        'give a JSON file (a plan has the shape plan export --format json prints)',
    );
  }
  // UTF-16 by its BOM, or without one by its zero bytes (every ASCII character has one), which no
  // JSON text holds: valid UTF-8 as they are, they would be read as stray control characters.
  const utf16 = (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) || bytes.includes(0);
  if (utf16) {
    throw new Error(
      `${file} は UTF-16 で保存されています。文字コードを UTF-8 にして保存し直してください / ` +
        `${file} is saved as UTF-16: save it again as UTF-8`,
    );
  }
  if (!isUtf8(bytes)) {
    // A line break (0x0A) is never part of a multi-byte character, in UTF-8 as in Shift_JIS.
    let line = 1;
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(0x0a, start);
      if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) break;
      if (end === -1) break;
      line += 1;
      start = end + 1;
    }
    throw new Error(
      `${file} は UTF-8 ではありません (${line} 行目に UTF-8 でない文字があります。Shift_JIS で保存されていませんか)。` +
        `文字コードを UTF-8 にして保存し直してください / ` +
        `${file} is not UTF-8 (line ${line} has a character that is not; saved as Shift_JIS?): save it again as UTF-8`,
    );
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

export async function readJsonFile(file: string): Promise<unknown> {
  return (await readJsonFileWithLines(file)).value;
}

/** A JSON file's value, and the line of each place in it (for defects named by their path). */
export async function readJsonFileWithLines(file: string): Promise<{ value: unknown; lineOf: (path: string) => number | undefined }> {
  const text = await readUtf8File(file);
  try {
    return { value: JSON.parse(text), lineOf: lineFinder(text) };
  } catch (error) {
    const { ja, en } = jsonProblem(text, (error as Error).message);
    throw new Error(`${file} を JSON として読めません: ${japaneseHalf(ja)} / not valid JSON: ${file}: ${en}`);
  }
}

/** Read and validate a plan file; schema defects refuse it, arithmetic defects do not. */
export async function readPlanFile(file: string = defaultPlanPath): Promise<{ plan: PlanFile; defects: Defect[] }> {
  const { value, lineOf } = await readJsonFileWithLines(file);
  const { plan, defects } = lintPlan(value);
  if (!plan) {
    const first = defects[0];
    const more = defects.length > 1 ? `ほか ${defects.length - 1} 件、` : '';
    const moreEn = defects.length > 1 ? ` and ${defects.length - 1} more` : '';
    const where = placeText(first?.path ?? '', lineOf);
    throw new PlanFileError(
      file,
      defects,
      `${first ? `${where.ja}${first.ja}` : '形式が不正です'} (${more}問題の一覧は shinchoku plan lint ${file})`,
      `${first ? `${where.en}${first.en}` : 'invalid'}${moreEn} (shinchoku plan lint ${file} lists them all)`,
    );
  }
  return { plan, defects };
}

/**
 * A defect's place as the start of its line, "measures[3].owners[0] (45 行目): " / "… (line 45): ":
 * nothing for the whole file, no line for a file on one line.
 */
export function placeText(path: string, lineOf: (path: string) => number | undefined): { ja: string; en: string } {
  if (path === '') return { ja: '', en: '' };
  const line = lineOf(path);
  return line === undefined ? { ja: `${path}: `, en: `${path}: ` } : { ja: `${path} (${line} 行目): `, en: `${path} (line ${line}): ` };
}

/** Read and validate a directory file. */
export async function readDirectoryFile(file: string = defaultDirectoryPath): Promise<Directory> {
  const { value: input, lineOf } = await readJsonFileWithLines(file);
  const parsed = DirectorySchema.safeParse(input);
  if (!parsed.success) {
    const issues = describeSchemaIssues(DirectorySchema, input, parsed.error);
    const first = issues[0];
    const where = first ? placeText(formatPath(first.path), lineOf).ja : '';
    const reason = first ? first.ja : '形式が不正です';
    const more = issues.length > 1 ? `ほか ${issues.length - 1} 件、` : '';
    throw new Error(
      `名簿ファイル ${file} が不正です: ${japaneseHalf(`${where}${reason}`)} (${more}問題の一覧は shinchoku directory lint ${file}) / ` +
        `invalid directory file ${file} (shinchoku directory lint ${file} lists the problems):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The plan and directory files a check names, when it has them. */
export interface PlanAndDirectoryFiles {
  plan?: string;
  directory?: string;
}

/**
 * The plan and the directory are stored, and links signed, under the plan's tenant: a directory of
 * another city is refused before anything is written or signed.
 */
export function assertSameTenant(plan: PlanFile, directory: Directory, files: PlanAndDirectoryFiles = {}): void {
  if (directory.tenant === plan.plan.tenant) return;
  const planName = files.plan ? ` ${files.plan}` : '';
  const directoryName = files.directory ? ` ${files.directory}` : '';
  const ja = (name: string) => (name ? `${name} ` : '');
  throw new Error(
    japaneseHalf(
      `計画${ja(planName)}のテナント "${plan.plan.tenant}" と名簿${ja(directoryName)}のテナント "${directory.tenant}" が異なります。` +
        '同じ団体の計画と名簿を指定してください (--plan と --directory)',
    ) +
      ` / the plan${planName} is for tenant "${plan.plan.tenant}" but the directory${directoryName} is for tenant "${directory.tenant}"; ` +
      'give the plan and the directory of one city (--plan and --directory)',
  );
}

/** Read a plan and a directory file (the embedded ones by default) that belong to one tenant. */
export async function readPlanAndDirectory(
  planPath: string = defaultPlanPath,
  directoryPath: string = defaultDirectoryPath,
): Promise<{ plan: PlanFile; defects: Defect[]; directory: Directory }> {
  const { plan, defects } = await readPlanFile(planPath);
  const directory = await readDirectoryFile(directoryPath);
  assertSameTenant(plan, directory, { plan: planPath, directory: directoryPath });
  return { plan, defects, directory };
}
