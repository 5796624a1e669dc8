/**
 * `plan lint`: every defect of a plan file, each with the 事業 it belongs to. The schema says what a
 * plan file must look like; the arithmetic checks what the plan states against itself (breakdowns
 * against yearly amounts, yearly lines × years against the stated total, the printed formula against
 * the lines). A plan with arithmetic defects still loads: the catalog keeps what the plan states.
 */
import type * as z from '../zod.ts';
import { tryParseWarekiFiscalYear } from './fiscal.ts';
import { fiscalYearSpanText, PlanFileSchema, type Measure, type PlanFile } from './plan.ts';
import { editDistance } from './edit-distance.ts';
import { areaIdPattern, goalIdPattern, measureIdPattern, milestoneIdPattern, tenantPattern } from './ids.ts';

export type DefectKind = 'schema' | 'breakdown' | 'total' | 'formula' | 'years';

export interface Defect {
  kind: DefectKind;
  /** The 事業 the defect is in, when it is in one. */
  measureId?: string;
  /** Where in the file, e.g. `measures[3].budget.lines[0]`. */
  path: string;
  ja: string;
  en: string;
}

export interface LintResult {
  /** The plan, when the schema accepted it (arithmetic defects do not prevent loading). */
  plan?: PlanFile;
  defects: Defect[];
}

export function lintPlan(input: unknown): LintResult {
  const parsed = PlanFileSchema.safeParse(input);
  if (!parsed.success) return { defects: schemaDefects(input, parsed.error) };
  const defects = parsed.data.measures.flatMap((measure, index) => budgetDefects(measure, `measures[${index}]`, parsed.data));
  return { plan: parsed.data, defects };
}

function schemaDefects(input: unknown, error: z.core.$ZodError): Defect[] {
  const measures = (input as { measures?: { id?: unknown }[] } | null)?.measures;
  return describeSchemaIssues(PlanFileSchema, input, error).map(({ path, ja, en }) => {
    const [first, index] = path;
    const measureId =
      first === 'measures' && typeof index === 'number' && typeof measures?.[index]?.id === 'string'
        ? (measures[index].id as string)
        : undefined;
    return { kind: 'schema', measureId, path: formatPath(path), ja: `形式の誤り: ${ja}`, en: `schema: ${en}` };
  });
}

/**
 * Every issue of a file's schema error, bilingual, at its path: an unknown key is one issue per key,
 * at the key itself, with the key of `root` it most likely misspells (a misspelt key is refused,
 * never silently dropped).
 */
export function describeSchemaIssues(root: z.core.$ZodType, input: unknown, error: z.core.$ZodError): { path: PropertyKey[]; ja: string; en: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(root, issue.path);
      return issue.keys.map((key) => ({ path: [...issue.path, key], ...unknownKeyText(key, known) }));
    }
    const value = valueAt(input, issue.path);
    const text = issueText(issue, value);
    const hint = issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int') ? numberWrittenAsText(issue.path, value) : undefined;
    return [{ path: issue.path, ...(hint ? { ja: `${text.ja}。${hint.ja}`, en: `${text.en}; ${hint.en}` } : text) }];
  });
}

/**
 * What to write instead of a number written as text, as a file exported from Excel or typed from the
 * printed plan has it: a fiscal year in 和暦 ("令和6年度", "R6") as its Western year, an amount with
 * separators or full-width digits ("1,500", "１５００") as a plain number.
 */
function numberWrittenAsText(path: readonly PropertyKey[], value: unknown): { ja: string; en: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const key = path.at(-1);
  if (key === 'from' || key === 'to') {
    const year = tryParseWarekiFiscalYear(value) ?? (/^\s*[A-Za-zＡ-Ｚａ-ｚ一-龯]+\s*[0-9０-９元]+\s*$/u.test(value) ? tryParseWarekiFiscalYear(`${value}年度`) : undefined);
    if (year !== undefined) {
      return {
        ja: `年度は西暦の数で、引用符を付けずに書きます: ${JSON.stringify(value)} は ${year}`,
        en: `fiscal years are Western year numbers, without quotes: ${JSON.stringify(value)} is ${year}`,
      };
    }
  }
  const plain = value.normalize('NFKC').replace(/[,\s]/g, '');
  if (plain !== '' && Number.isFinite(Number(plain))) {
    return {
      ja: `数は引用符を付けず、桁区切りのない半角で書きます: ${Number(plain)}`,
      en: `numbers are written without quotes or separators: ${Number(plain)}`,
    };
  }
  return undefined;
}

/** The keys `root` knows for the object at `path` (empty when the path leads nowhere known). */
function keysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = root;
  const step = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    return inner ? step(inner) : s;
  };
  for (const part of path) {
    if (!schema) return [];
    const def = step(schema)._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    schema = def.type === 'array' && typeof part === 'number' ? def.element : def.type === 'object' ? def.shape?.[String(part)] : undefined;
  }
  const def = schema ? (step(schema)._zod.def as { type: string; shape?: Record<string, unknown> }) : undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** A key the schema does not know, with the known key it is most likely a misspelling of. */
function unknownKeyText(key: string, known: readonly string[]): { ja: string; en: string } {
  const reach = key.length < 5 ? 1 : 2;
  const guess = known
    .map((k) => ({ k, distance: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter((c) => c.distance <= reach)
    .sort((x, y) => x.distance - y.distance)[0]?.k;
  const name = JSON.stringify(key);
  if (guess === undefined) {
    return { ja: `不明な項目 ${name} です (綴りを確認してください)`, en: `unknown key ${name} (check the spelling)` };
  }
  return {
    ja: `不明な項目 ${name} です (${JSON.stringify(guess)} の書き誤りではありませんか)`,
    en: `unknown key ${name} (did you mean ${JSON.stringify(guess)}?)`,
  };
}

/** The value at `path` in the file as given (what zod found there). */
/** The value of `input` at a schema issue's path (undefined where the path leads nowhere). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

const typeJa: Record<string, string> = {
  string: '文字列',
  number: '数値',
  int: '整数',
  boolean: '真偽値 (true か false)',
  array: '配列',
  object: 'オブジェクト',
  null: 'null',
};

/** What JSON holds at a place, in both languages. */
function describeValue(value: unknown): { ja: string; en: string } {
  if (value === undefined) return { ja: 'ありません', en: 'missing' };
  if (value === null) return { ja: 'null です', en: 'null' };
  const type = Array.isArray(value) ? 'array' : typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') {
    const text = JSON.stringify(value).slice(0, 40);
    return { ja: `${typeJa[type] ?? type} ${text} です`, en: `${type} ${text}` };
  }
  return { ja: `${typeJa[type] ?? type}です`, en: type };
}

/** Ids and keys of the plan file, by the pattern their schema checks: what a person should write. */
const patternJa: Record<string, string> = {
  [milestoneIdPattern.source]: 'スケジュール項目の id は m1, m2, … の形です',
  [measureIdPattern.source]: '事業の id は 1-1-1 の形です',
  [areaIdPattern.source]: '施策分野の id は 1-1 の形です',
  [goalIdPattern.source]: '基本目標の id は数字です (1, 2, …)',
  [tenantPattern.source]: '英小文字・数字・ハイフン (3〜63 文字、先頭は英数字) で書いてください',
};

const sizeUnit = (origin: string): { ja: string; en: string } =>
  origin === 'string' ? { ja: ' 文字', en: ' characters' } : origin === 'array' || origin === 'set' ? { ja: ' 件', en: ' items' } : { ja: '', en: '' };

/**
 * A zod issue as one Japanese and one English text: a message we wrote "ja / en" split in two, the
 * codes zod words itself (in English only) given a Japanese text of their own.
 */
export function issueText(issue: z.core.$ZodIssue, value?: unknown): { ja: string; en: string } {
  const text = issueTextOnly(issue, value);
  // An id or key in the wrong shape is shown as written: a trailing or full-width space, a full-width
  // digit, which the file's reader cannot see in the rule alone.
  if (issue.code !== 'invalid_format' || issue.format === 'email' || typeof value !== 'string') return text;
  const found = describeValue(value);
  return { ja: `${text.ja} (${found.ja})`, en: `${text.en}, got ${found.en}` };
}

function issueTextOnly(issue: z.core.$ZodIssue, value?: unknown): { ja: string; en: string } {
  const at = issue.message.indexOf(' / ');
  if (at > 0 && /[\u3040-\u30ff\u3400-\u9fff]/u.test(issue.message.slice(0, at))) {
    return { ja: issue.message.slice(0, at), en: issue.message.slice(at + 3) };
  }
  switch (issue.code) {
    case 'too_small': {
      const unit = sizeUnit(issue.origin);
      const n = String(issue.minimum);
      if (unit.ja === '') {
        return { ja: `${n} ${issue.inclusive === false ? 'より大きい' : '以上の'}数にしてください`, en: issue.message };
      }
      if (issue.exact) return { ja: `${n}${unit.ja}にしてください`, en: issue.message };
      return { ja: issue.origin === 'string' && n === '1' ? '空にはできません' : `${n}${unit.ja}以上にしてください`, en: issue.message };
    }
    case 'too_big': {
      const unit = sizeUnit(issue.origin);
      const n = String(issue.maximum);
      if (unit.ja === '') return { ja: `${n} ${issue.inclusive === false ? '未満の' : '以下の'}数にしてください`, en: issue.message };
      return { ja: issue.exact ? `${n}${unit.ja}にしてください` : `${n}${unit.ja}以下にしてください`, en: issue.message };
    }
    case 'invalid_type': {
      const found = describeValue(value);
      const expected = typeJa[issue.expected] ?? issue.expected;
      if (value === undefined) return { ja: `必須の項目がありません (${expected})`, en: `required, missing (expected ${issue.expected})` };
      return { ja: `${expected}にしてください (${found.ja})`, en: `expected ${issue.expected}, got ${found.en}` };
    }
    case 'invalid_format': {
      if (issue.format === 'email') {
        // Not the pattern: a regular expression tells a person nothing. The value, and a full-width
        // character (＠, a full-width letter) an IME typed, which is what is usually wrong.
        const found = describeValue(value);
        const wide = typeof value === 'string' && /[^\x00-\x7f]/.test(value);
        return {
          ja: `メールアドレスにしてください (${found.ja}${wide ? '。全角の文字があります' : ''})`,
          en: `expected a mail address, got ${found.en}${wide ? ' (it has full-width or other non-ASCII characters)' : ''}`,
        };
      }
      const pattern = issue.pattern?.replace(/^\/|\/[a-z]*$/g, '');
      const known = pattern === undefined ? undefined : patternJa[pattern];
      return { ja: known ?? '書式が違います', en: issue.message };
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return { ja: `次のどれかにしてください: ${allowed}`, en: issue.message };
    }
    case 'unrecognized_keys':
      return {
        ja: `不明な項目があります (綴りを確認してください): ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`,
        en: issue.message,
      };
    case 'not_multiple_of':
      return { ja: `${issue.divisor} の倍数にしてください`, en: issue.message };
    case 'invalid_union':
      return { ja: 'どの形にも当てはまりません', en: issue.message };
    default:
      // A custom check worded in one language only, or a code not met in plan files.
      return { ja: `不正な値です (${issue.message})`, en: issue.message };
  }
}

/** A schema path as people read it: `measures[3].budget.lines[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

const yen = (n: number) => `${n.toLocaleString('ja-JP')} 千円`;
const yenEn = (n: number) => `${n.toLocaleString('en-US')} thousand yen`;

/**
 * Amounts in 千円 may have decimals (1.1 + 2.2), which binary floating point does not add exactly:
 * two amounts are the same when they differ by less than half a yen.
 */
function sameAmount(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.0005;
}

/**
 * When one of two amounts that should agree is exactly 1,000 times the other, one of them was
 * written in 円 rather than 千円 (a breakdown copied from an estimate in yen): said after the defect.
 */
function unitHint(a: number, b: number): { ja: string; en: string } {
  const thousandfold = a !== 0 && b !== 0 && (sameAmount(a, b * 1000) || sameAmount(b, a * 1000));
  return thousandfold
    ? { ja: '。ちょうど 1,000 倍の違いです: 円で書いた金額はありませんか (金額は千円単位です)', en: '; they differ exactly 1,000-fold: is one written in yen? (amounts are in thousands of yen)' }
    : { ja: '', en: '' };
}

function budgetDefects(measure: Measure, at: string, plan: PlanFile): Defect[] {
  const defects: Defect[] = [];
  const add = (kind: DefectKind, path: string, ja: string, en: string) =>
    defects.push({ kind, measureId: measure.id, path: `${at}.budget${path}`, ja, en });
  const { lines, plannedTotalThousandYen, statedFormula, statedAnnualThousandYen } = measure.budget;

  lines.forEach((line, i) => {
    if (line.items.length > 0) {
      const sum = line.items.reduce((s, item) => s + item.thousandYen, 0);
      if (!sameAmount(sum, line.annualThousandYen)) {
        const hint = unitHint(sum, line.annualThousandYen);
        add(
          'breakdown',
          `.lines[${i}]`,
          `${line.key} の内訳の合計 ${yen(sum)} が年額 ${yen(line.annualThousandYen)} と一致しません (差 ${yen(sum - line.annualThousandYen)})${hint.ja}`,
          `${line.key}: breakdown adds up to ${yenEn(sum)}, the yearly amount is ${yenEn(line.annualThousandYen)}${hint.en}`,
        );
      }
    }
    if (line.fiscalYears) {
      const span = line.fiscalYears.to - line.fiscalYears.from + 1;
      if (span !== line.years) {
        add(
          'years',
          `.lines[${i}]`,
          `${line.key} の年数 ${line.years} が対象年度 FY${line.fiscalYears.from}–FY${line.fiscalYears.to} (${span} 年) と一致しません`,
          `${line.key}: ${line.years} years stated, but FY${line.fiscalYears.from}–FY${line.fiscalYears.to} is ${span}`,
        );
      }
      if (line.fiscalYears.from < plan.plan.period.from || line.fiscalYears.to > plan.plan.period.to) {
        const years = fiscalYearSpanText(line.fiscalYears);
        const period = fiscalYearSpanText(plan.plan.period);
        add(
          'years',
          `.lines[${i}].fiscalYears`,
          `${line.key} の対象年度 ${years.ja} が計画期間 ${period.ja} の外です`,
          `${line.key}: fiscal years ${years.en} are outside the plan period ${period.en}`,
        );
      }
    }
    const periodYears = plan.plan.period.to - plan.plan.period.from + 1;
    if (line.years > periodYears) {
      add(
        'years',
        `.lines[${i}]`,
        `${line.key} の年数 ${line.years} が計画期間 (${periodYears} 年) を超えています`,
        `${line.key}: ${line.years} years exceeds the ${periodYears}-year plan period`,
      );
    }
  });

  if (statedAnnualThousandYen !== undefined) {
    const sum = lines.reduce((s, line) => s + line.annualThousandYen, 0);
    if (!sameAmount(sum, statedAnnualThousandYen)) {
      const hint = unitHint(sum, statedAnnualThousandYen);
      add(
        'breakdown',
        '.statedAnnualThousandYen',
        `年額として記載の ${yen(statedAnnualThousandYen)} が予算行 ${lines.map((l) => l.key).join('')} の合計 ${yen(sum)} と一致しません (差 ${yen(sum - statedAnnualThousandYen)})${hint.ja}`,
        `stated yearly amount ${yenEn(statedAnnualThousandYen)} differs from the lines' sum ${yenEn(sum)}${hint.en}`,
      );
    }
  }

  if (plannedTotalThousandYen !== null && lines.length > 0) {
    const computed = lines.reduce((s, line) => s + line.annualThousandYen * line.years, 0);
    if (!sameAmount(computed, plannedTotalThousandYen)) {
      const terms = lines.map((l) => `${l.key} ${l.annualThousandYen.toLocaleString('ja-JP')}×${l.years}`).join(' + ');
      const hint = unitHint(computed, plannedTotalThousandYen);
      add(
        'total',
        '.plannedTotalThousandYen',
        `計画期間予算額 ${yen(plannedTotalThousandYen)} が ${terms} = ${yen(computed)} と一致しません (差 ${yen(plannedTotalThousandYen - computed)})${hint.ja}`,
        `stated total ${yenEn(plannedTotalThousandYen)} differs from yearly lines × years = ${yenEn(computed)}${hint.en}`,
      );
    }
  }

  if (statedFormula) {
    const terms = parseFormula(statedFormula);
    if (terms === undefined) {
      add('formula', '.statedFormula', `算式 "${statedFormula}" を読み取れません`, `cannot read the formula "${statedFormula}"`);
    } else {
      for (const term of terms) {
        const line = lines.find((l) => l.key === term.key);
        if (!line) {
          add('formula', '.statedFormula', `算式の ${term.key} に対応する予算行がありません`, `formula names ${term.key}, which has no budget line`);
        } else if (line.years !== term.multiplier) {
          add(
            'formula',
            '.statedFormula',
            `算式 ${term.key}×${term.multiplier} と予算行の年数 ${line.years} が一致しません`,
            `formula says ${term.key}×${term.multiplier}, the line says ${line.years} years`,
          );
        }
      }
      for (const line of lines) {
        if (!terms.some((t) => t.key === line.key)) {
          add('formula', '.statedFormula', `予算行 ${line.key} が算式に含まれていません`, `budget line ${line.key} is not in the formula`);
        }
      }
    }
  }
  return defects;
}

/**
 * "①×4+②×3" → [{①, 4}, {②, 3}]; "(①+②)×4" distributes the multiplier; a bare "①" counts once.
 * Undefined when unreadable.
 */
export function parseFormula(formula: string): { key: string; multiplier: number }[] | undefined {
  // Not NFKC: it would fold the circled markers (①) into plain digits.
  const text = formula
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/＋/g, '+')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/[xX*＊✕]/g, '×')
    .replace(/\s/g, '');
  const out: { key: string; multiplier: number }[] = [];
  // A `+` joins two terms: one at the end ("①×4+") leaves the formula unfinished.
  const term = /(?:\(([^()]+)\)|([\u2460-\u2473]))(?:×(\d+))?(?:\+(?=.)|$)/uy;
  let position = 0;
  while (position < text.length) {
    term.lastIndex = position;
    const match = term.exec(text);
    if (!match) return undefined;
    const multiplier = match[3] ? Number(match[3]) : 1;
    const keys = match[1] ? match[1].split('+') : [match[2] as string];
    if (keys.some((k) => !/^[\u2460-\u2473]$/u.test(k))) return undefined;
    out.push(...keys.map((key) => ({ key, multiplier })));
    position = term.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}
