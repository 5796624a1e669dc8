/**
 * Japanese fiscal years (年度), quarters (四半期), 和暦 and JST calendar dates.
 *
 * The one place that knows these rules, so no other module does date arithmetic by hand.
 * Pure: no I/O, no clock. Only UTC accessors are used, with the +9 h offset applied
 * explicitly, so results never depend on the machine's time zone (`TZ`).
 *
 * Conventions:
 * - A fiscal year is named by the calendar year it starts in: FY2012 = 平成24年度 =
 *   2012-04-01 … 2013-03-31. Q1 = April–June, Q2 = July–September, Q3 = October–December,
 *   Q4 = January–March of the following calendar year.
 * - A {@link LocalDate} is a JST calendar day written `YYYY-MM-DD`; a `Date` is an instant.
 * - Text parsers (`parse…`) throw {@link FiscalParseError}; each has a `tryParse…` twin that
 *   returns `undefined` instead. Functions that take already-typed values throw
 *   {@link FiscalRangeError} when a value is outside what this module supports.
 */
import * as z from '../zod.ts';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Base class, so callers can catch every error of this module with one `instanceof`. */
export class FiscalError extends Error {
  override name = 'FiscalError';
}

/**
 * Text that cannot be read as a fiscal year, quarter or date.
 * The message is Japanese first, then English, because both staff and developers read it;
 * it always starts the same way (`年度を読み取れません / cannot read fiscal year: "…"`) so it
 * can be recognised, and a hint, when there is one, follows after " — ".
 */
export class FiscalParseError extends FiscalError {
  override name = 'FiscalParseError';
  /** The text exactly as the caller passed it. */
  readonly input: string;
  /** Why the text was refused, when more can be said than that it could not be read. */
  readonly hint: { ja: string; en: string } | undefined;

  constructor(input: string, ja: string, en: string, hint?: { ja: string; en: string }) {
    super(`${ja} / ${en}: ${JSON.stringify(input)}${hint ? ` — ${hint.ja} / ${hint.en}` : ''}`);
    this.input = input;
    this.hint = hint;
  }
}

/** A typed value (Date, number, LocalDate, FiscalQuarter) outside what this module supports. */
export class FiscalRangeError extends FiscalError {
  override name = 'FiscalRangeError';
  /** The offending value. */
  readonly value: unknown;

  constructor(value: unknown, ja: string, en: string) {
    super(`${ja} / ${en}: ${describeValue(value)}`);
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

// ---------------------------------------------------------------------------------------------
// JST calendar dates
// ---------------------------------------------------------------------------------------------

/**
 * A JST calendar day as `YYYY-MM-DD` (years 0001–9999).
 * A plain string so it serialises, sorts and compares (`<`, `===`) without conversion.
 */
export type LocalDate = string;

/** Anything that denotes a JST day: an instant, or a {@link LocalDate} taken as is. */
export type DateInput = Date | LocalDate;

const DAY_MS = 86_400_000;
// Japan has kept one fixed offset since 1951; the 1948–1951 summer time is deliberately
// ignored because nothing this project handles is that old.
const JST_OFFSET_MS = 9 * 3_600_000;

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidYmd(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= 1 &&
    year <= 9999 &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function splitLocalDate(value: string): Ymd | undefined {
  const m = LOCAL_DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const ymd = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidYmd(ymd.year, ymd.month, ymd.day) ? ymd : undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatYmd({ year, month, day }: Ymd): LocalDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** True when `value` is a real calendar day written `YYYY-MM-DD` (so "2013-02-29" is not). */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && splitLocalDate(value) !== undefined;
}

function ymdOf(date: LocalDate): Ymd {
  const ymd = typeof date === 'string' ? splitLocalDate(date) : undefined;
  if (ymd) return ymd;
  const looksLikeInstant = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(date);
  throw new FiscalRangeError(
    date,
    '日付は実在する YYYY-MM-DD で指定してください',
    looksLikeInstant
      ? 'expected a YYYY-MM-DD date; pass an instant as a Date, not a string'
      : 'expected a real calendar date as YYYY-MM-DD',
  );
}

// Days since 1970-01-01. setUTCFullYear is used because Date.UTC maps years 0–99 to 1900–1999.
function epochDayOf(ymd: Ymd): number {
  const t = new Date(0);
  t.setUTCFullYear(ymd.year, ymd.month - 1, ymd.day);
  return Math.round(t.getTime() / DAY_MS);
}

/** `source` is what the caller passed, so the error names a value the caller knows. */
function ymdOfEpochDay(epochDay: number, source: unknown): Ymd {
  const t = new Date(epochDay * DAY_MS);
  const ymd = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
  if (!isValidYmd(ymd.year, ymd.month, ymd.day)) {
    throw new FiscalRangeError(source, '日付が範囲外です (0001〜9999年)', 'date outside years 0001–9999');
  }
  return ymd;
}

function assertInstant(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new FiscalRangeError(instant, '無効な日時です', 'invalid Date');
  return ms;
}

function ymdOfInput(date: DateInput): Ymd {
  if (date instanceof Date) {
    return ymdOfEpochDay(Math.floor((assertInstant(date) + JST_OFFSET_MS) / DAY_MS), date);
  }
  return ymdOf(date);
}

/** The JST calendar day an instant falls on: 2013-03-31T15:00:00Z → "2013-04-01". */
export function jstDate(instant: Date): LocalDate {
  assertInstant(instant);
  return formatYmd(ymdOfInput(instant));
}

/** The JST time of day of an instant, "HH:MM" on a 24-hour clock. */
export function jstTime(instant: Date): string {
  const minutes = Math.floor((((assertInstant(instant) + JST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The day `n` days after `date` (before it when `n` is negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new FiscalRangeError(n, '日数は整数で指定してください', 'day count must be an integer');
  return formatYmd(ymdOfEpochDay(epochDayOf(ymdOf(date)) + n, { date, n }));
}

/** Whole days from `a` to `b`: positive when `b` is later, so `daysBetween("2013-03-31", "2013-04-01")` is 1. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return epochDayOf(ymdOf(b)) - epochDayOf(ymdOf(a));
}

/** The instant a JST day begins (00:00 JST = 15:00 UTC the day before); for a Date, the start of its JST day. */
export function startOfJstDay(date: DateInput): Date {
  return new Date(epochDayOf(ymdOfInput(date)) * DAY_MS - JST_OFFSET_MS);
}

/** Validates a {@link LocalDate} (a real calendar day written `YYYY-MM-DD`). */
export const LocalDateSchema = z.string().check(
  z.refine(isLocalDate, {
    message: '日付は実在する YYYY-MM-DD で指定してください / expected a real calendar date as YYYY-MM-DD',
  }),
);

// ---------------------------------------------------------------------------------------------
// Fiscal years and quarters
// ---------------------------------------------------------------------------------------------

/** The smallest fiscal year this module handles. */
export const MIN_FISCAL_YEAR = 1;
/** The largest fiscal year this module handles: its Q4 still ends inside year 9999. */
export const MAX_FISCAL_YEAR = 9998;

/** A quarter number within a fiscal year: 1 = April–June … 4 = January–March. */
export type Quarter = 1 | 2 | 3 | 4;

/** One quarter of one fiscal year. Canonical text form: `"FY2013-Q2"` (see {@link formatQuarter}). */
export type FiscalQuarter = { fiscalYear: number; quarter: Quarter };

/** A span of JST days, with the instants it covers as a half-open interval `[start, endExclusive)`. */
export interface DateRange {
  /** First JST day, inclusive. */
  firstDay: LocalDate;
  /** Last JST day, inclusive. */
  lastDay: LocalDate;
  /** 00:00 JST of `firstDay`, as an instant. */
  start: Date;
  /**
   * 00:00 JST of the day after `lastDay`. Exclusive, so ranges tile without gaps or overlaps
   * at millisecond precision: an instant `t` is inside when `start <= t < endExclusive`.
   */
  endExclusive: Date;
}

function assertFiscalYear(fy: number): number {
  if (!Number.isInteger(fy) || fy < MIN_FISCAL_YEAR || fy > MAX_FISCAL_YEAR) {
    throw new FiscalRangeError(
      fy,
      `年度は${MIN_FISCAL_YEAR}〜${MAX_FISCAL_YEAR}の整数で指定してください`,
      `fiscal year must be an integer from ${MIN_FISCAL_YEAR} to ${MAX_FISCAL_YEAR}`,
    );
  }
  return fy;
}

function isQuarterNumber(n: unknown): n is Quarter {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

function assertQuarter(q: FiscalQuarter): FiscalQuarter {
  if (typeof q !== 'object' || q === null || !isQuarterNumber(q.quarter)) {
    throw new FiscalRangeError(q, '四半期は1〜4です', 'quarter must be 1, 2, 3 or 4');
  }
  assertFiscalYear(q.fiscalYear);
  return q;
}

function fiscalYearOfYmd({ year, month }: Ymd): number {
  return month >= 4 ? year : year - 1;
}

/**
 * The fiscal year a JST day belongs to: 2013-03-31 → 2012, 2013-04-01 → 2013.
 * A Date is taken as an instant and converted to JST first, so 2013-03-31T15:00:00Z is FY2013.
 */
export function fiscalYearOf(date: DateInput): number {
  return assertFiscalYear(fiscalYearOfYmd(ymdOfInput(date)));
}

/** The fiscal quarter a JST day (or instant, converted to JST) belongs to. */
export function quarterOf(date: DateInput): FiscalQuarter {
  const ymd = ymdOfInput(date);
  const fiscalYear = assertFiscalYear(fiscalYearOfYmd(ymd));
  // Shifting months so April is 0 makes the quarter a plain division.
  const quarter = (Math.floor(((ymd.month + 8) % 12) / 3) + 1) as Quarter;
  return { fiscalYear, quarter };
}

/** Calendar year and first month of a quarter: Q4 lives in the next calendar year. */
function quarterStart(q: FiscalQuarter): { year: number; month: number } {
  return q.quarter === 4 ? { year: q.fiscalYear + 1, month: 1 } : { year: q.fiscalYear, month: 1 + 3 * q.quarter };
}

function rangeOf(first: Ymd, last: Ymd): DateRange {
  const firstDay = epochDayOf(first);
  const lastDay = epochDayOf(last);
  return {
    firstDay: formatYmd(first),
    lastDay: formatYmd(last),
    start: new Date(firstDay * DAY_MS - JST_OFFSET_MS),
    endExclusive: new Date((lastDay + 1) * DAY_MS - JST_OFFSET_MS),
  };
}

/** The JST days and instants of a quarter: FY2013-Q4 is 2014-01-01 … 2014-03-31. */
export function quarterRange(q: FiscalQuarter): DateRange {
  const { year, month } = quarterStart(assertQuarter(q));
  const lastMonth = month + 2;
  return rangeOf({ year, month, day: 1 }, { year, month: lastMonth, day: daysInMonth(year, lastMonth) });
}

/** The JST days and instants of a fiscal year: FY2012 is 2012-04-01 … 2013-03-31. */
export function fiscalYearRange(fy: number): DateRange {
  assertFiscalYear(fy);
  return rangeOf({ year: fy, month: 4, day: 1 }, { year: fy + 1, month: 3, day: 31 });
}

/** The quarter after `q`; after Q4 comes Q1 of the next fiscal year. */
export function nextQuarter(q: FiscalQuarter): FiscalQuarter {
  assertQuarter(q);
  const next = q.quarter === 4 ? { fiscalYear: q.fiscalYear + 1, quarter: 1 as const } : { fiscalYear: q.fiscalYear, quarter: (q.quarter + 1) as Quarter };
  return assertQuarter(next);
}

/** The quarter before `q`; before Q1 comes Q4 of the previous fiscal year. */
export function previousQuarter(q: FiscalQuarter): FiscalQuarter {
  assertQuarter(q);
  const prev = q.quarter === 1 ? { fiscalYear: q.fiscalYear - 1, quarter: 4 as const } : { fiscalYear: q.fiscalYear, quarter: (q.quarter - 1) as Quarter };
  return assertQuarter(prev);
}

/** Chronological order, usable with `Array.prototype.sort`: -1, 0 or 1. */
export function compareQuarters(a: FiscalQuarter, b: FiscalQuarter): -1 | 0 | 1 {
  assertQuarter(a);
  assertQuarter(b);
  const diff = a.fiscalYear - b.fiscalYear || a.quarter - b.quarter;
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/**
 * Every quarter of fiscal years `fromFY` through `toFY` inclusive, in order:
 * `quartersBetween(2012, 2015)` is the 16 quarters of a four-year plan.
 * A reversed span throws rather than returning `[]`, because it is always a caller's mistake.
 */
export function quartersBetween(fromFY: number, toFY: number): FiscalQuarter[] {
  assertFiscalYear(fromFY);
  assertFiscalYear(toFY);
  if (fromFY > toFY) {
    throw new FiscalRangeError({ fromFY, toFY }, '開始年度が終了年度より後です', '"fromFY" is after "toFY"');
  }
  const quarters: FiscalQuarter[] = [];
  for (let fiscalYear = fromFY; fiscalYear <= toFY; fiscalYear++) {
    for (const quarter of [1, 2, 3, 4] as const) quarters.push({ fiscalYear, quarter });
  }
  return quarters;
}

/** Canonical, sortable text form used in keys and files: `"FY2013-Q2"`. */
export function formatQuarter(q: FiscalQuarter): string {
  assertQuarter(q);
  return `FY${pad(q.fiscalYear, 4)}-Q${q.quarter}`;
}

// ---------------------------------------------------------------------------------------------
// 和暦 (Japanese eras)
// ---------------------------------------------------------------------------------------------

/** One Japanese era, from its first (Gregorian) day. */
export interface Era {
  /** 元号, e.g. 平成. */
  name: '明治' | '大正' | '昭和' | '平成' | '令和';
  /** The Latin initial used in short forms, e.g. H. */
  letter: 'M' | 'T' | 'S' | 'H' | 'R';
  /** Romanised name, for English messages. */
  romaji: string;
  /** First day of the era. */
  start: LocalDate;
}

/** Era names this module knows. */
export type EraName = Era['name'];

/**
 * Supported eras, oldest first. 明治 starts on 1868-10-23 (the day of the proclamation,
 * as ICU also has it); its early years are shown in the proleptic Gregorian calendar,
 * not the lunisolar calendar Japan used until 1872.
 */
export const ERAS: readonly Era[] = Object.freeze([
  { name: '明治', letter: 'M', romaji: 'Meiji', start: '1868-10-23' },
  { name: '大正', letter: 'T', romaji: 'Taishō', start: '1912-07-30' },
  { name: '昭和', letter: 'S', romaji: 'Shōwa', start: '1926-12-25' },
  { name: '平成', letter: 'H', romaji: 'Heisei', start: '1989-01-08' },
  { name: '令和', letter: 'R', romaji: 'Reiwa', start: '2019-05-01' },
] as const satisfies readonly Era[]);

function eraStartYear(era: Era): number {
  return Number(era.start.slice(0, 4));
}

function eraOfYmd(ymd: Ymd): Era | undefined {
  const date = formatYmd(ymd);
  // LocalDate strings compare chronologically, so the newest era that has started wins.
  return [...ERAS].reverse().find((era) => era.start <= date);
}

/** A 和暦 year: the era and the year within it (1 is written 元年). */
export interface Wareki {
  era: Era;
  eraYear: number;
}

/** The era and era year of a JST day (or instant). Throws {@link FiscalRangeError} before 明治. */
export function warekiOf(date: DateInput): Wareki {
  const ymd = ymdOfInput(date);
  const era = eraOfYmd(ymd);
  if (!era) {
    throw new FiscalRangeError(date, '明治より前の日付は和暦にできません', 'dates before Meiji (1868-10-23) have no supported era');
  }
  return { era, eraYear: ymd.year - eraStartYear(era) + 1 };
}

function eraYearText(eraYear: number): string {
  return eraYear === 1 ? '元' : String(eraYear);
}

/** A JST day in 和暦: "平成25年4月1日"; the first year of an era is 元年 ("令和元年5月1日"). */
export function formatWarekiDate(date: DateInput): string {
  const ymd = ymdOfInput(date);
  const { era, eraYear } = warekiOf(formatYmd(ymd));
  return `${era.name}${eraYearText(eraYear)}年${ymd.month}月${ymd.day}日`;
}

/**
 * The era a fiscal year is labelled with: the one in force on its middle day, 30 September,
 * i.e. for most of the year. That reproduces how the years were actually named:
 * FY2019 began under 平成 but was relabelled 令和元年度 after 1 May; FY1988 stayed 昭和63年度
 * although 平成 began that January; FY1926 stayed 大正15年度 although 昭和 began on 25 December.
 */
function warekiOfFiscalYear(fy: number): Wareki {
  assertFiscalYear(fy);
  const era = eraOfYmd({ year: fy, month: 9, day: 30 });
  if (!era) {
    throw new FiscalRangeError(fy, '明治より前の年度は和暦にできません', 'fiscal years before FY1869 have no supported era');
  }
  return { era, eraYear: fy - eraStartYear(era) + 1 };
}

/** A fiscal year in 和暦: 2012 → "平成24年度", 2019 → "令和元年度", 1988 → "昭和63年度". */
export function formatWarekiFiscalYear(fy: number): string {
  const { era, eraYear } = warekiOfFiscalYear(fy);
  return `${era.name}${eraYearText(eraYear)}年度`;
}

/**
 * The short form for narrow columns and headers: 2012 → "H24年度", 2024 → "R6年度".
 * The first year is "R1年度", not "R元年度", so the digits align and sort in tables;
 * {@link parseWarekiFiscalYear} reads both.
 */
export function formatWarekiFiscalYearShort(fy: number): string {
  const { era, eraYear } = warekiOfFiscalYear(fy);
  return `${era.letter}${eraYear}年度`;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

const KANJI_DIGITS: Readonly<Record<string, number>> = {
  〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

const ERA_TOKEN = '明治|大正|昭和|平成|令和|[MTSHR]';
const NUMBER_TOKEN = '\\d+|[〇一二三四五六七八九十]+';
const ERA_YEAR_TOKEN = `${NUMBER_TOKEN}|元`;

/**
 * Brings the many ways people type these labels to one form: NFKC folds full-width digits,
 * letters and punctuation (and ㍻/㋿ ligatures) to ASCII/plain kanji; dashes are unified;
 * whitespace is dropped except between two digits, where removing it would merge numbers.
 */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[‐‑‒–—―−ー]/g, '-')
    .toUpperCase()
    // One callback per run of whitespace: a regex that looks around each space would drop the spaces of
    // a longer run one by one ("H2  4" → "H24") before seeing that digits stand on both sides.
    .replace(/\s+/g, (run: string, at: number, whole: string) => (/\d/.test(whole[at - 1] ?? '') && /\d/.test(whole[at + run.length] ?? '') ? ' ' : ''));
}

/** Arabic digits, 元, positional kanji (二〇一二) or kanji with 十 up to 99 (十, 二十四). */
function readNumber(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (token === '元') return 1;
  const withTen = /^([一二三四五六七八九])?十([一二三四五六七八九])?$/.exec(token);
  if (withTen) return (withTen[1] ? KANJI_DIGITS[withTen[1]]! : 1) * 10 + (withTen[2] ? KANJI_DIGITS[withTen[2]]! : 0);
  if (!/^[〇一二三四五六七八九]+$/.test(token)) return undefined;
  let n = 0;
  for (const ch of token) n = n * 10 + KANJI_DIGITS[ch]!;
  return n;
}

function eraByToken(token: string): Era | undefined {
  return ERAS.find((era) => era.name === token || era.letter === token);
}

/** Why text was unreadable, as a hint for the error message; UNREADABLE means no hint. */
type Failure = { ja: string; en: string };

const UNREADABLE: Failure = { ja: '', en: '' };
const OUT_OF_RANGE: Failure = {
  ja: `年度は${MIN_FISCAL_YEAR}〜${MAX_FISCAL_YEAR}年度の範囲です`,
  en: `fiscal years range from ${MIN_FISCAL_YEAR} to ${MAX_FISCAL_YEAR}`,
};

/**
 * The fiscal-year patterns, built once: `required` when the 年度/FY marker must be there (see
 * readFiscalYear), `optional` when a bare year is read too.
 */
const WESTERN_FY = {
  required: new RegExp(`^(?:FY-?(\\d{4})|(\\d{4}|[〇一二三四五六七八九]{4})年度)$`),
  optional: new RegExp(`^(?:FY-?(\\d{4})|(\\d{4}|[〇一二三四五六七八九]{4})年度|(\\d{4}))$`),
};
const WAREKI_FY = {
  required: new RegExp(`^(${ERA_TOKEN})(${ERA_YEAR_TOKEN})(年度)$`),
  optional: new RegExp(`^(${ERA_TOKEN})(${ERA_YEAR_TOKEN})(年度|)$`),
};
/** A bare year with no marker: "2012", "平成24". */
const BARE_YEAR = new RegExp(`^(?:\\d{4}|(?:${ERA_TOKEN})(?:${ERA_YEAR_TOKEN}))$`);

/**
 * Fiscal year from normalised text. In a quarter (`H25 Q2`) the Q already says "fiscal",
 * so the 年度/FY marker is optional there; on its own it is required, because a bare
 * "平成24" or "2012" may mean the calendar year, whose January–March is the previous FY.
 */
function readFiscalYear(s: string, markerRequired: boolean): number | Failure {
  const western = (markerRequired ? WESTERN_FY.required : WESTERN_FY.optional).exec(s);
  if (western) {
    const fy = readNumber(western[1] ?? western[2] ?? western[3]!);
    return fy !== undefined && fy >= MIN_FISCAL_YEAR && fy <= MAX_FISCAL_YEAR ? fy : OUT_OF_RANGE;
  }
  const wareki = (markerRequired ? WAREKI_FY.required : WAREKI_FY.optional).exec(s);
  if (wareki) {
    const era = eraByToken(wareki[1]!)!;
    const eraYear = readNumber(wareki[2]!);
    if (eraYear === undefined || eraYear < 1) {
      return { ja: `${era.name}の年は1(元年)から数えます`, en: `${era.romaji} years count from 1 (元年)` };
    }
    // Years past an era's end are accepted on purpose: plans written before 2019 say
    // 平成32年度 for FY2020, and the arithmetic is unambiguous.
    const fy = eraStartYear(era) + eraYear - 1;
    return fy <= MAX_FISCAL_YEAR ? fy : OUT_OF_RANGE;
  }
  if (/年(?!度)/.test(s)) {
    return { ja: '暦年ではなく年度で書いてください (例: 平成24年度)', en: 'write a fiscal year (年度), not a calendar year (年), e.g. 平成24年度' };
  }
  if (markerRequired && BARE_YEAR.test(s)) {
    return { ja: '「年度」か「FY」を付けてください (例: 2012年度, FY2012, H24年度)', en: 'add 年度 or FY, e.g. 2012年度, FY2012, H24年度' };
  }
  return UNREADABLE;
}

function fail(input: string, what: { ja: string; en: string }, why: Failure): FiscalParseError {
  return new FiscalParseError(input, `${what.ja}を読み取れません`, `cannot read ${what.en}`, why === UNREADABLE ? undefined : why);
}

const FISCAL_YEAR_WORDS = { ja: '年度', en: 'fiscal year' };
const QUARTER_WORDS = { ja: '四半期', en: 'quarter' };
const DATE_WORDS = { ja: '日付', en: 'date' };

function asText(input: unknown): string {
  return typeof input === 'string' ? input : String(input);
}

/**
 * Reads a fiscal year written as people write it: "平成24年度", "H24年度", "Ｈ２４年度",
 * "H24 年度", "令和元年度", "R6年度", "平成31年度" (→ 2019), "平成二十四年度", "2012年度", "FY2012".
 * The text must say it is a fiscal year (年度 or FY): "平成24年" is rejected.
 * @throws {FiscalParseError} `年度を読み取れません / cannot read fiscal year: "…"`
 */
export function parseWarekiFiscalYear(text: string): number {
  const input = asText(text);
  const result = readFiscalYear(normalize(input), true);
  if (typeof result === 'number') return result;
  throw fail(input, FISCAL_YEAR_WORDS, result);
}

/** {@link parseWarekiFiscalYear}, returning `undefined` instead of throwing. */
export function tryParseWarekiFiscalYear(text: string): number | undefined {
  return attempt(() => parseWarekiFiscalYear(text));
}

/**
 * Reads a fiscal quarter: "FY2013-Q2" (canonical), "FY2013Q2", "FY2013 Q2", "2013-Q2",
 * "H25 Q2", "平成25年度第2四半期", "令和6年度 第1四半期", "平成25年度 第二四半期", full-width forms.
 * "2013年第2四半期" is rejected: a calendar-year quarter is a different period.
 * @throws {FiscalParseError} `四半期を読み取れません / cannot read quarter: "…"`
 */
export function parseQuarter(text: string): FiscalQuarter {
  const input = asText(text);
  const s = normalize(input);
  const m = /^(.+?)(?:[-_/]?Q([1-4])|第([1-4一二三四])四半期)$/.exec(s);
  if (!m) {
    const why = /^(?:[-_/]?Q[1-4]|第[1-4一二三四]四半期)$/.test(s)
      ? { ja: '年度がありません (例: FY2013-Q2)', en: 'the fiscal year is missing (e.g. FY2013-Q2)' }
      : /(?:Q\d+|第.四半期)$/.test(s)
        ? { ja: '四半期は1〜4です', en: 'quarters are 1 to 4' }
        : { ja: '例: FY2013-Q2, 平成25年度第2四半期', en: 'e.g. FY2013-Q2, 平成25年度第2四半期' };
    throw fail(input, QUARTER_WORDS, why);
  }
  const fiscalYear = readFiscalYear(m[1]!, false);
  if (typeof fiscalYear !== 'number') throw fail(input, QUARTER_WORDS, fiscalYear);
  const quarter = readNumber(m[2] ?? m[3]!);
  if (!isQuarterNumber(quarter)) throw fail(input, QUARTER_WORDS, UNREADABLE);
  return { fiscalYear, quarter };
}

/** {@link parseQuarter}, returning `undefined` instead of throwing. */
export function tryParseQuarter(text: string): FiscalQuarter | undefined {
  return attempt(() => parseQuarter(text));
}

/**
 * Reads a date written in 和暦 — "平成31年4月30日", "令和元年5月1日", "H31.4.30", "R1/5/1",
 * "Ｈ３１．４．３０" — or in Western form ("2019年4月30日", "2019-04-30", "2019/4/30").
 * A date before its era began ("平成元年1月7日" was 昭和64年) is rejected; one after the era
 * ended ("平成31年5月1日") is accepted, as forms printed before an era change still say it.
 * @throws {FiscalParseError} `日付を読み取れません / cannot read date: "…"`
 */
export function parseWarekiDate(text: string): LocalDate {
  const input = asText(text);
  const s = normalize(input);
  const sep = '[./-]';
  const wareki =
    new RegExp(`^(${ERA_TOKEN})(${ERA_YEAR_TOKEN})年(${NUMBER_TOKEN})月(${NUMBER_TOKEN})日$`).exec(s) ??
    new RegExp(`^(${ERA_TOKEN})(\\d+|元)${sep}(\\d{1,2})${sep}(\\d{1,2})$`).exec(s);
  const western =
    /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(s) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})[./](\d{1,2})[./](\d{1,2})$/.exec(s);

  let ymd: Ymd;
  let era: Era | undefined;
  if (wareki) {
    era = eraByToken(wareki[1]!)!;
    const eraYear = readNumber(wareki[2]!);
    if (eraYear === undefined || eraYear < 1) {
      throw fail(input, DATE_WORDS, { ja: `${era.name}の年は1(元年)から数えます`, en: `${era.romaji} years count from 1 (元年)` });
    }
    ymd = { year: eraStartYear(era) + eraYear - 1, month: readNumber(wareki[3]!) ?? 0, day: readNumber(wareki[4]!) ?? 0 };
  } else if (western) {
    ymd = { year: Number(western[1]), month: Number(western[2]), day: Number(western[3]) };
  } else {
    throw fail(input, DATE_WORDS, UNREADABLE);
  }
  if (!isValidYmd(ymd.year, ymd.month, ymd.day)) {
    throw fail(input, DATE_WORDS, { ja: 'その日は存在しません', en: 'no such day' });
  }
  const date = formatYmd(ymd);
  if (era && date < era.start) {
    const [y, mo, d] = era.start.split('-').map(Number);
    throw fail(input, DATE_WORDS, {
      ja: `${era.name}は${y}年${mo}月${d}日からです`,
      en: `${era.romaji} began on ${era.start}`,
    });
  }
  return date;
}

/** {@link parseWarekiDate}, returning `undefined` instead of throwing. */
export function tryParseWarekiDate(text: string): LocalDate | undefined {
  return attempt(() => parseWarekiDate(text));
}

/**
 * Why {@link parseWarekiDate} refuses a date it can read the shape of, for a caller that otherwise
 * could only say "cannot read the date": a day before its era began ("令和元年4月10日" →
 * 令和は2019年5月1日からです / Reiwa began on 2019-05-01), a day that does not exist
 * ("平成31年2月30日"), an era year 0. Undefined when the date is read (a day after its era ended,
 * "平成31年5月20日", is read on purpose) and when the text is no date at all.
 */
export function warekiDateProblem(text: string): { ja: string; en: string } | undefined {
  try {
    parseWarekiDate(text);
    return undefined;
  } catch (error) {
    if (error instanceof FiscalParseError) return error.hint && { ja: error.hint.ja, en: error.hint.en };
    throw error;
  }
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof FiscalParseError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Labels for people
// ---------------------------------------------------------------------------------------------

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "平成25年度 第2四半期 (2013年7月–9月)"; the months are given because Q4 falls in the next calendar year. */
export function formatQuarterJa(q: FiscalQuarter): string {
  const { year, month } = quarterStart(assertQuarter(q));
  return `${formatWarekiFiscalYear(q.fiscalYear)} 第${q.quarter}四半期 (${year}年${month}月–${month + 2}月)`;
}

/** "FY2013 Q2 (Jul–Sep 2013)"; the months are given because Q4 falls in the next calendar year. */
export function formatQuarterEn(q: FiscalQuarter): string {
  const { year, month } = quarterStart(assertQuarter(q));
  return `FY${q.fiscalYear} Q${q.quarter} (${MONTHS_EN[month - 1]}–${MONTHS_EN[month + 1]} ${year})`;
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/** A {@link FiscalQuarter} as a JSON object. */
export const FiscalQuarterSchema = z.object({
  fiscalYear: z.int().check(z.gte(MIN_FISCAL_YEAR), z.lte(MAX_FISCAL_YEAR)),
  quarter: z.literal([1, 2, 3, 4]),
});

/** The canonical string form only (`"FY2013-Q2"`), for keys and stored data. */
export const CanonicalQuarterSchema = z
  .string()
  .check(
    z.regex(/^FY\d{4}-Q[1-4]$/, '四半期は FY2013-Q2 の形式です / quarters are stored as FY2013-Q2'),
    // The years parseQuarter reads, FY0001 to FY9998; a refinement keeps the published pattern plain.
    z.refine((q) => {
      const fiscalYear = Number(q.slice(2, 6));
      return fiscalYear >= MIN_FISCAL_YEAR && fiscalYear <= MAX_FISCAL_YEAR;
    }, `年度は ${MIN_FISCAL_YEAR}〜${MAX_FISCAL_YEAR} です / fiscal years run from ${MIN_FISCAL_YEAR} to ${MAX_FISCAL_YEAR}`),
  );

/** Any text {@link parseQuarter} reads, turned into a {@link FiscalQuarter}; for user input. */
export const QuarterTextSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx): FiscalQuarter => {
    try {
      return parseQuarter(text);
    } catch (error) {
      if (!(error instanceof FiscalParseError)) throw error;
      ctx.issues.push({ code: 'custom', message: error.message, input: text });
      return z.NEVER;
    }
  }),
);
