/**
 * The short form a person writes in the body of a mail, read into report inputs:
 *
 * ```
 * 事業: 2-2-3
 * 状況: 予定どおり
 * 執行額: 882
 * 進捗: 申請フォームを 3 件追加しました。
 *       (続きの行も進捗に入ります)
 * 課題: なし
 * 今後の予定: 10 月に利用者アンケート
 * 報告者: 山田
 * m1: 完了 2013-07-15
 * ```
 *
 * Written as offices write: full-width colons and digits (`事業：２－２－３`), extra spaces, bullets,
 * `【事業】2-2-3`, several 事業 in one mail, a free-text value running over several lines until the
 * next key. What is not the person's own writing is left out: quoted lines (`>` / `＞`), everything
 * after a reply header (`-----Original Message-----`, `On … wrote:`, `… さんは書きました:`, Gmail's and
 * the iPhone's dated lines (`2013年10月7日(月) 9:00 … <x@y>:`, `2013/10/07 9:00、… <x@y>のメール:`),
 * `--- 元のメッセージ ---`, a forwarded-message line, Outlook's `差出人:` / `From:` block), after a
 * signature delimiter (`-- `) and after a closing `以上` (`以上です。`, `以上、よろしくお願いいたします。`) — unless another unquoted `事業:` line
 * follows before a reply header (the form copied once per 事業, with a heading such as `【2件目】`
 * between the copies). Such a `事業:` line after a signature delimiter or a ruled line of
 * underscores is not read and not dropped either: it is a problem of the mail, which is refused with
 * both line numbers. A reply header followed by `>` lines only introduces a quote, so a form written
 * below it (bottom-posting) is still read. A mail with no form of its own but a `事業:` line in the quote
 * or in the earlier or forwarded mail gets a problem at that line saying why it is not read. Lines that belong to no key
 * between two keys of a 事業 are refused rather than dropped. Every problem carries the line number
 * in the body as the person sees it. Pure: no I/O, no AWS.
 */
import { tryParseWarekiDate, warekiDateProblem } from './fiscal.ts';
import type { MilestoneProgress } from './report.ts';
import { milestoneProgressValues, reportStatuses } from './report.ts';
import {
  checkReport,
  fieldLabels,
  normaliseNumber,
  ReportInputError,
  type ReportContext,
  type ReportInput,
} from './report-input.ts';
import type { ReportSubmission } from './report.ts';

/** The fields a block can set; `milestones` comes from `m1:` … lines. */
export type MailFormField =
  | 'measureId'
  | 'quarter'
  | 'status'
  | 'budgetExecutedThousandYen'
  | 'narrative'
  | 'issues'
  | 'nextSteps'
  | 'person'
  | 'milestones';

/** A report input as read from a mail: the status is still the person's word, checked later. */
export type MailReportInput = Omit<ReportInput, 'status'> & { status?: string };

/** A problem in the mail, at a line of the body (1-based). */
export interface MailFormProblem {
  line: number;
  /** The field it concerns, when it concerns one (a `ReportInput` path such as `milestones.0.date`). */
  field?: string;
  ja: string;
  en: string;
}

/** One `事業:` block of the mail. */
export interface MailFormBlock {
  /** Position in the mail, from 0. */
  index: number;
  /** Line of the `事業:` key. */
  line: number;
  input: MailReportInput;
  /** Where each field was written, for messages. */
  lines: Partial<Record<MailFormField, number>>;
  /** The line of each milestone of `input.milestones`, in its order. */
  milestoneLines: number[];
  /** Problems the reading itself found (a repeated key, an unreadable milestone line, …). */
  problems: MailFormProblem[];
}

export interface MailForm {
  blocks: MailFormBlock[];
  /** Problems outside any block (a key before the first `事業:`). */
  problems: MailFormProblem[];
  /** True when the person's own part of the body (quotes and signature removed) has no text at all. */
  empty: boolean;
}

export interface MailFormDefaults {
  /** The quarter of the reply address's token; a `四半期:` line may restate it. */
  quarter?: string;
  /** Who reports when no `報告者:` line says it (e.g. the sender's display name). */
  person?: string;
}

type ValueKind = 'single' | 'text';

interface KeyDefinition {
  field: Exclude<MailFormField, 'milestones'>;
  names: readonly string[];
  kind: ValueKind;
}

/**
 * The keys a person may write, with the words offices use for them. Longer names come first so
 * that 進捗状況 is the narrative and not 進捗 + 状況.
 */
const keyDefinitions: readonly KeyDefinition[] = [
  { field: 'measureId', names: ['事業番号', '事業ID', '事業ＩＤ', '事業'], kind: 'single' },
  { field: 'narrative', names: ['進捗状況', '進捗内容', '取組状況', '進捗'], kind: 'text' },
  { field: 'status', names: ['状況', 'ステータス'], kind: 'single' },
  {
    field: 'budgetExecutedThousandYen',
    names: ['今年度の執行額', '今年度執行額', '本年度の執行額', '本年度執行額', '予算執行額', '執行額'],
    kind: 'single',
  },
  { field: 'issues', names: ['課題', '問題点'], kind: 'text' },
  { field: 'nextSteps', names: ['今後の予定', '今後の取組', '今後'], kind: 'text' },
  { field: 'person', names: ['報告者', '担当者', '記入者'], kind: 'single' },
  { field: 'quarter', names: ['対象四半期', '四半期'], kind: 'single' },
];

const space = '[ \\t\\u3000]';
const keyAlternatives = keyDefinitions
  .flatMap((k) => k.names)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
const milestoneKey = '[mMｍＭ][0-9０-９]{1,2}';
/** `・事業：2-2-3`, `1. 状況: 完了`, `執行額（千円）: 882` (the note in brackets is kept: it may name a unit). */
const colonKeyLine = new RegExp(
  // Each run of spaces can be matched one way only (never two runs side by side with nothing between
  // them that must be there): a line of many spaces, then anything but a key, fails in step with its
  // length instead of trying every split of the run between the two.
  `^${space}*(?:(?:[・*＊■□●○◆◇▼▽※-]|[0-9０-９]{1,2}[.)．）])${space}*)?(${keyAlternatives}|${milestoneKey})${space}*(?:[(（]([^)）]{0,12})[)）]${space}*)?[:：]${space}*(.*)$`,
);
/** `【事業】2-2-3`, `[状況] 完了`. */
const bracketKeyLine = new RegExp(`^${space}*[【\\[［]${space}*(${keyAlternatives}|${milestoneKey})${space}*[】\\]］]${space}*[:：]?${space}*()(.*)$`);

/** A reply header: everything from here on is the earlier mail. */
const replyHeaderPatterns: readonly RegExp[] = [
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*(?:元の|転送|転送された)メッセージ\s*-{2,}\s*$/,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*転送メッセージ\s*-{2,}\s*$/,
  /^\s*On\s.+\swrote:\s*$/i,
  /^.*(?:さん|様)?は書きました[:：]\s*$/,
  /^\s*_{10,}\s*$/,
];
/**
 * A client's line above the quoted mail that names its date and sender (only a line of at most
 * `attributionLength` characters is tried: such a line holds no more than a date, a name and an
 * address, and a long one would take these patterns the square of its length). Gmail, iPhone and
 * Thunderbird in Japanese: `2013年10月7日(月) 9:00 事務局 <x@y>:`, `2013年10月7日(月) 9:00 <x@y> wrote:`,
 * `2013/10/07 9:00、事務局 <x@y>のメール:`, `(2013/10/07 9:00), 事務局 wrote:`, `事務局 wrote on 2013/10/07 9:00:`.
 */
const attributionPatterns: readonly RegExp[] = [
  /^\s*[(（]?\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[/.-]\d{1,2}[/.-]\d{1,2}).*(?:<[^<>@\s]+@[^<>\s]+>\s*(?:のメール|wrote)?|\swrote|のメール)\s*[:：]\s*$/i,
  /^[^>＞]*\S\s+wrote\s+on\s.*\d.*[:：]\s*$/i,
];
const attributionLength = 300;
/**
 * A line that only continues a reply header the client wrapped: `On Mon, … <` or `2013年10月7日(月) 9:00 事務局 <`
 * above, `x@y> wrote:`, `x@y>:` or `x@y>のメール:` here.
 */
const wrappedWroteLine = /^[^>＞](?:.*\swrote|[^<>\s]*@[^<>\s]+>\s*(?:wrote|のメール)?)\s*[:：]\s*$/i;
const wrappedHeaderStart = /^\s*(?:On\s|[(（]?\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[/.-]\d{1,2}[/.-]\d{1,2}))/i;
/**
 * Outlook's reply header, a block of the earlier mail's headers with no marker line above it:
 * `差出人: …` / `From: …` followed within a few lines by `送信日時: …` / `Sent: …` (or a date).
 */
const headerBlockFrom = /^\s*(?:差出人|送信者|From)\s*[:：]/i;
const headerBlockDate = /^\s*(?:送信日時|送信日|日時|日付|Sent|Date)\s*[:：]/i;
/** Spaces people do not see: a no-break space (common in the text part of an HTML mail), zero-width ones. */
const invisibleSpace = /\u00a0|\u2007|\u202f/g;
const zeroWidth = /[\u200b\u200c\u200d\u2060\ufeff]/g;

const quoted = /^[ \t\u3000]*[>＞]/;
const signatureDelimiter = /^--[ \t]?$/;
/** `以上`, and the closings offices write with it: `以上です。`, `以上、よろしくお願いいたします。`. */
const closing =
  /^[ \t\u3000]*以上(?:です|となります|になります|でございます)?(?:[、，,]?[ \t\u3000]*(?:どうぞ)?(?:よろしく|宜しく)(?:お願い|おねがい)(?:いた|致)?(?:します|申し上げます))?[。．.!！]?[ \t\u3000]*$/;
/**
 * A ruled line people put above a signature or between parts (a short one of dashes, `----`, too), or
 * the line a phone puts below what was written (`iPhoneから送信`, `Sent from my iPhone`): ends a running text value.
 */
const rule =
  /^[ \t\u3000]*(?:[-=_*~━─═＝＊＿～・]{8,}|[-－―─━=＝]{4,}|(?:iPhone|iPad|Android|Galaxy|Xperia|AQUOS|arrows|Pixel)[^\s]*[ \t\u3000]*から送信|Sent from my (?:iPhone|iPad|Android|Galaxy|Xperia|Pixel|mobile)\b.{0,40}|Get Outlook for (?:iOS|Android)|Outlook for (?:iOS|Android)[ \t\u3000]*を入手)[。.]?[ \t\u3000]*$/i;

type BodyLine = { number: number; text: string; kind: 'own' | 'quoted' | 'rule' };

/** A lone ruled line of underscores: Outlook's line above the earlier mail's headers, or a person's own separator. */
const underscoreLine = /^\s*_{10,}\s*$/;

/** The person's own lines, and a `事業:` line found after the line that ended them, if any. */
interface OwnText {
  lines: BodyLine[];
  /**
   * A `事業:` line (unquoted, before any reply header) after a signature delimiter (`--`) or a ruled
   * line of underscores that ended the person's text: it cannot be told from a signature or a
   * forwarded text, so the mail is refused rather than read on or cut short without a word.
   */
  cutOff?: { line: number; marker: number; text: string };
}

function bodyLines(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(invisibleSpace, ' ').replace(zeroWidth, ''));
}

function isReplyHeaderLine(text: string): boolean {
  return replyHeaderPatterns.some((p) => p.test(text)) || (text.length <= attributionLength && attributionPatterns.some((p) => p.test(text)));
}

/** The line at `i` starts the earlier mail: a reply header, or the second line of a wrapped "On … wrote:". */
function replyHeaderAt(lines: readonly string[], i: number): 'header' | 'wrapped' | undefined {
  const text = lines[i] ?? '';
  // A wrapped "On …, Name <address>\n wrote:" header: the previous line started it (and is no header by itself).
  const previous = lines[i - 1] ?? '';
  if (text.length + previous.length <= attributionLength && wrappedWroteLine.test(text) && wrappedHeaderStart.test(previous) && !isReplyHeaderLine(previous)) {
    return 'wrapped';
  }
  if (isReplyHeaderLine(text) || (headerBlockFrom.test(text) && lines.slice(i + 1, i + 5).some((l) => headerBlockDate.test(l)))) {
    return 'header';
  }
  return undefined;
}

/** The next line after `i` with any text on it. */
function nextWritten(lines: readonly string[], i: number): string | undefined {
  for (let j = i + 1; j < lines.length; j += 1) if (lines[j]!.trim() !== '') return lines[j];
  return undefined;
}

/**
 * The first unquoted `事業:` line after line `i` that is still the person's writing — before a reply
 * header that starts the earlier mail (one that only introduces a quote is read past), whatever
 * `以上`, `--` or ruled lines come between — and the index where looking stopped.
 */
function measureLineAfter(lines: readonly string[], i: number): { at?: number; until: number } {
  for (let j = i + 1; j < lines.length; j += 1) {
    const text = lines[j]!;
    if (quoted.test(text)) continue;
    if (isMeasureKey(text)) return { at: j, until: j };
    const header = replyHeaderAt(lines, j);
    if (header && !underscoreLine.test(text)) {
      const next = nextWritten(lines, j);
      if (next === undefined || !quoted.test(next)) return { until: j };
    }
  }
  return { until: lines.length };
}

/**
 * The person's own lines of the body, numbered as in the body: quoted lines are marked, and the
 * earlier mail below a reply header, the signature and anything after `以上` are cut off (see the
 * module documentation for the exceptions).
 */
export function ownLines(body: string): BodyLine[] {
  return ownText(body).lines;
}

function ownText(body: string): OwnText {
  const lines = bodyLines(body);
  const out: BodyLine[] = [];
  /** The last look past an end: lines before `until` need not be looked at again. */
  let looked: { until: number; at?: number } | undefined;
  const laterMeasure = (i: number): number | undefined => {
    if (!looked || i >= looked.until) looked = measureLineAfter(lines, i);
    return looked.at;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const text = lines[i] ?? '';
    const number = i + 1;
    if (signatureDelimiter.test(text)) {
      const later = laterMeasure(i);
      if (later !== undefined) return { lines: out, cutOff: { line: later + 1, marker: number, text: text.trim() } };
      break;
    }
    if (closing.test(text)) {
      // The form copied once per 事業, each copy ending in 以上 (a heading such as 【2件目】 or a blank
      // line between copies): read on while another 事業 follows. Anything else ends the form.
      if (laterMeasure(i) !== undefined) {
        out.push({ number, text, kind: 'rule' });
        continue;
      }
      break;
    }
    const header = replyHeaderAt(lines, i);
    if (header) {
      const next = nextWritten(lines, i);
      if (next !== undefined && quoted.test(next)) {
        // It only introduces a quote: what is written below the quote is the person's own.
        if (header === 'wrapped') out[out.length - 1]!.kind = 'quoted';
        out.push({ number, text, kind: 'quoted' });
        continue;
      }
      if (header === 'wrapped') out.pop();
      if (underscoreLine.test(text)) {
        const later = laterMeasure(i);
        if (later !== undefined) return { lines: out, cutOff: { line: later + 1, marker: number, text: text.trim() } };
      }
      break;
    }
    if (quoted.test(text)) {
      out.push({ number, text, kind: 'quoted' });
      continue;
    }
    out.push({ number, text, kind: rule.test(text) ? 'rule' : 'own' });
  }
  return { lines: out };
}

function isMeasureKey(text: string): boolean {
  const name = keyOf(text)?.name;
  return name !== undefined && definitionOf(name)?.field === 'measureId';
}

function keyOf(text: string): { name: string; note: string; value: string } | undefined {
  const match = colonKeyLine.exec(text) ?? bracketKeyLine.exec(text);
  if (!match) return undefined;
  return { name: match[1] ?? '', note: (match[2] ?? '').trim(), value: (match[3] ?? '').trim() };
}

function definitionOf(name: string): KeyDefinition | undefined {
  return keyDefinitions.find((k) => k.names.includes(name));
}

function label(field: string): { ja: string; en: string } {
  return fieldLabels[field] ?? { ja: field, en: field };
}

const dashes = /[－ー−‐‑‒–—―﹣]/g;

/**
 * `２－２－３ かんたん申請` → `2-2-3`. Anything else — no id, a longer one (`2-2-3-4`), or a second id
 * (`2-2-3、2-2-5`) — is left as written, for the schema to refuse with its message.
 */
export function readMeasureId(value: string): string {
  const normalised = value.normalize('NFKC').replace(dashes, '-').trim();
  const id = /^(\d+)\s*-\s*(\d+)\s*-\s*(\d+)(?!\d|\s*-\s*\d)/.exec(normalised);
  if (!id || /\d\s*-\s*\d/.test(normalised.slice(id[0].length))) return value.trim();
  return `${id[1]}-${id[2]}-${id[3]}`;
}

/** How many 事業 ids (`2-2-3`, `２－２－５`) a value names. */
function measureIdsIn(value: string): number {
  return value.normalize('NFKC').replace(dashes, '-').match(/\d+\s*-\s*\d+\s*-\s*\d+/g)?.length ?? 0;
}

const statusSynonyms: Record<string, (typeof reportStatuses)[number]> = {
  予定通り: '予定どおり',
  予定どうり: '予定どおり',
  遅れぎみ: '遅れ気味',
  おくれぎみ: '遅れ気味',
};

/** Every way of writing a status, longest first so that a longer word is never read as a shorter one. */
const statusWords = [...reportStatuses.map((s) => [s, s] as const), ...Object.entries(statusSynonyms)].sort(
  (a, b) => b[0].length - a[0].length,
);
/**
 * What may follow a status word (after NFKC): a polite ending, a note in brackets, punctuation. Nothing
 * else: `完了予定`, `予定どおりではない`, `遅延なし` say something else than their first word.
 */
const statusTail = /^(?:です|でした|しました|しています|しております)?[。.!]?\s*(?:[(\[【][^)\]】]*[)\]】])?\s*[。.]?$/;

/**
 * `「予定どおり」`, `予定通り`, `完了（7月）`, `完了しました` → the status word; anything else is left as
 * written, for the schema to refuse with the list of statuses.
 */
export function readStatus(value: string): string {
  const text = value.normalize('NFKC').trim().replace(/^[「『"']|[」』"']$/g, '').trim();
  const found = statusWords.find(([word]) => text.startsWith(word) && statusTail.test(text.slice(word.length)));
  return found ? found[1] : text;
}

const milestoneWords: Record<(typeof milestoneProgressValues)[number], readonly string[]> = {
  done: ['完了', '済み', '済', '実施済み', '実施済', 'done'],
  in_progress: ['実施中', '進行中', '対応中', '着手', '着手済み', 'in_progress', 'in progress'],
  not_started: ['未着手', '未実施', 'not_started', 'not started'],
};

/** `m1: 完了 2013-07-15` / `m2: 実施中` / `m3: 完了 平成25年8月1日`. */
function readMilestone(
  id: string,
  value: string,
  line: number,
): { milestone?: MilestoneProgress; problem?: MailFormProblem } {
  const text = value.normalize('NFKC').trim();
  const words = Object.entries(milestoneWords).flatMap(([progress, list]) => list.map((w) => ({ progress, w })));
  words.sort((a, b) => b.w.length - a.w.length);
  const found = words.find(({ w }) => text.toLowerCase().startsWith(w.toLowerCase()));
  if (!found) {
    return {
      problem: {
        line,
        field: `milestones.${id}.progress`,
        ja: `スケジュール項目 ${id} の進捗を読み取れません: 「${value}」 (未着手・実施中・完了 のいずれかと、完了なら日付を書いてください)`,
        en: `cannot read the progress of milestone ${id}: "${value}" (write 未着手 / 実施中 / 完了, and the date when done)`,
      },
    };
  }
  const rest = withoutTrailing(text.slice(found.w.length).replace(/^[\s,、()（）]+/, ''), /[\s)）]/);
  const milestone: MilestoneProgress = { milestoneId: id, progress: found.progress as MilestoneProgress['progress'] };
  if (rest !== '') {
    const date = tryParseWarekiDate(rest);
    if (!date) {
      // A readable date refused for a reason (before its era began, no such day) says that reason.
      const why = warekiDateProblem(rest);
      return {
        problem: {
          line,
          field: `milestones.${id}.date`,
          ja: `スケジュール項目 ${id} の日付を読み取れません: 「${rest}」 (${why ? why.ja : '例: 2013-07-15, 平成25年7月15日'})`,
          en: `cannot read the date of milestone ${id}: "${rest}" (${why ? why.en : 'e.g. 2013-07-15'})`,
        },
      };
    }
    milestone.date = date;
  }
  return { milestone };
}

interface OpenValue {
  field: Exclude<MailFormField, 'milestones'>;
  kind: ValueKind;
  lines: string[];
}

interface BlockDraft {
  block: MailFormBlock;
  values: Partial<Record<Exclude<MailFormField, 'milestones'>, string[]>>;
  milestones: MilestoneProgress[];
}

/**
 * Read the short form out of a mail body (plain text; see {@link htmlToText} for HTML-only mails).
 * Never throws: what cannot be read becomes a problem with its line number.
 */
export function parseMailForm(body: string, defaults: MailFormDefaults = {}): MailForm {
  const { lines, cutOff } = ownText(body);
  const problems: MailFormProblem[] = cutOff ? [cutOffProblem(cutOff)] : [];
  const drafts: BlockDraft[] = [];
  const mailDefaults: { quarter?: { value: string; line: number }; person?: { value: string; line: number } } = {};
  let current: BlockDraft | undefined;
  let open: OpenValue | undefined;
  let pendingDefault: 'quarter' | 'person' | undefined;
  /** Lines of the current 事業 that no key took; refused if another key of the 事業 follows them. */
  let stray: { number: number; text: string }[] = [];

  for (const { number, text, kind } of lines) {
    if (kind !== 'own') {
      // A quote or a ruled line ends a running value: what follows is not part of it.
      open = undefined;
      pendingDefault = undefined;
      continue;
    }
    const key = keyOf(text);
    if (!key) {
      if (open?.kind === 'text') open.lines.push(withoutTrailing(text, /[ \t\u3000]/));
      else if (open?.kind === 'single' && open.lines.every((l) => l.trim() === '') && text.trim() !== '') {
        // "状況:" with the value on the next line.
        open.lines.splice(0, open.lines.length, text.trim());
        open = undefined;
      } else if (pendingDefault && text.trim() !== '') {
        mailDefaults[pendingDefault] = { value: text.trim(), line: number };
        pendingDefault = undefined;
      } else if (current && text.trim() !== '') stray.push({ number, text: text.trim() });
      continue;
    }
    open = undefined;
    pendingDefault = undefined;
    const startsBlock = definitionOf(key.name)?.field === 'measureId';
    if (current && !startsBlock) {
      // Text between two keys of one 事業 was meant for one of them: say so rather than drop it.
      for (const line of stray) current.block.problems.push(strayLine(line));
    }
    stray = [];

    if (/^[mMｍＭ]/.test(key.name)) {
      const id = `m${key.name.slice(1).normalize('NFKC')}`;
      if (!current) {
        problems.push(beforeFirstBlock(number, id));
        continue;
      }
      if (current.milestones.some((m) => m.milestoneId === id)) {
        current.block.problems.push({
          line: number,
          // Named by its id: the milestone is not in the input, so no check of the input can name it again.
          field: `milestones.${id}.milestoneId`,
          ja: `スケジュール項目 ${id} が2回書かれています`,
          en: `milestone ${id} is written twice`,
        });
        continue;
      }
      const { milestone, problem } = readMilestone(id, key.value, number);
      if (problem) current.block.problems.push(problem);
      if (milestone) {
        current.milestones.push(milestone);
        current.block.milestoneLines.push(number);
        current.block.lines.milestones ??= number;
      }
      continue;
    }

    const definition = definitionOf(key.name);
    if (!definition) continue;
    if (definition.field === 'measureId') {
      current = {
        block: { index: drafts.length, line: number, input: { measureId: '', quarter: '' } as MailReportInput, lines: { measureId: number }, milestoneLines: [], problems: [] },
        values: { measureId: [key.value] },
        milestones: [],
      };
      drafts.push(current);
      open = { field: 'measureId', kind: 'single', lines: current.values.measureId! };
      continue;
    }
    if (!current) {
      if (definition.field === 'person' || definition.field === 'quarter') {
        // Written once above the blocks, it holds for all of them.
        if (key.value !== '') mailDefaults[definition.field] = { value: key.value, line: number };
        else pendingDefault = definition.field;
        continue;
      }
      problems.push(beforeFirstBlock(number, label(definition.field).ja, label(definition.field).en));
      continue;
    }
    const seenAt = current.block.lines[definition.field];
    if (seenAt !== undefined) {
      const { ja, en } = label(definition.field);
      current.block.problems.push({
        line: number,
        field: definition.field,
        ja: `「${ja}」が1つの事業に2回書かれています (${seenAt}行目と${number}行目)。どちらか1つにしてください`,
        en: `"${en}" is written twice for one measure (lines ${seenAt} and ${number}); keep one`,
      });
      continue;
    }
    current.block.lines[definition.field] = number;
    if (definition.field === 'budgetExecutedThousandYen' && /円/.test(key.note) && !/千円/.test(key.note)) {
      current.block.problems.push({
        line: number,
        field: definition.field,
        ja: `執行額は千円単位で書いてください (「${key.note}」と書かれています。例: 882,000 円なら 882)`,
        en: `write the budget executed in thousand yen (the label says "${key.note}"; e.g. 882 for 882,000 yen)`,
      });
    }
    const values = [key.value];
    current.values[definition.field] = values;
    open = { field: definition.field, kind: definition.kind, lines: values };
  }

  const blocks = drafts.map((draft) => finishBlock(draft, defaults, mailDefaults));
  markRepeatedMeasures(blocks);
  if (blocks.length === 0) {
    // Nothing to record: say where a form was seen and why it was not read, rather than only that none was found.
    const unread = unreadMeasureLine(body, lines);
    if (unread && !problems.some((p) => p.line === unread.line)) problems.push(unreadFormProblem(unread));
  }
  const empty = lines.every((l) => l.kind !== 'own' || l.text.trim() === '');
  return { blocks, problems, empty };
}

/** The `>` (or `＞`) marks that begin a quoted line, at every level. */
const quoteMarks = /^(?:[ \t\u3000]*[>＞])+/;

/**
 * The first `事業:` line of the body that is not the person's own text: one in the quote (a form
 * filled in inside the quoted reminder) or in the earlier or forwarded mail below a reply header.
 */
function unreadMeasureLine(body: string, own: readonly BodyLine[]): { line: number; quoted: boolean } | undefined {
  const read = new Set(own.filter((l) => l.kind === 'own').map((l) => l.number));
  const all = bodyLines(body);
  for (let i = 0; i < all.length; i += 1) {
    if (read.has(i + 1)) continue;
    const text = all[i]!;
    const isQuoted = quoted.test(text);
    if (isMeasureKey(isQuoted ? text.replace(quoteMarks, '') : text)) return { line: i + 1, quoted: isQuoted };
  }
  return undefined;
}

function unreadFormProblem({ line, quoted: isQuoted }: { line: number; quoted: boolean }): MailFormProblem {
  return isQuoted
    ? {
        line,
        field: 'measureId',
        ja: 'この「事業:」の行は引用された部分 (行頭が「>」の行) にあるため、読み取っていません。引用には以前の値が残るため、報告は引用の外に、行頭に「>」を付けずに書いてください',
        en: 'this "事業:" line is in the quoted text (lines starting with ">"), which is not read, as a quote holds the earlier values; write the report outside the quote, without ">" at the start of its lines',
      }
    : {
        line,
        field: 'measureId',
        ja: 'この「事業:」の行は、以前のメールや転送されたメールの部分 (「-----Original Message-----」「差出人:」などの行より後) または署名より後にあるため、読み取っていません。報告は返信の本文の、それらの行より上に書いてください',
        en: 'this "事業:" line is in the earlier or forwarded mail (below a line such as "-----Original Message-----" or "From:") or after the signature, which is not read; write the report in your own text, above those lines',
      };
}

function cutOffProblem({ line, marker, text }: NonNullable<OwnText['cutOff']>): MailFormProblem {
  const shown = text.length > 12 ? `${text.slice(0, 12)}…` : text;
  return {
    line,
    field: 'measureId',
    ja: `この「事業:」の行は、${marker}行目の「${shown}」(署名や以前のメールの始まりとして、これより後は読み飛ばす行) より後にあるため、読み取れません。${marker}行目を削除して、もう一度送ってください`,
    en: `this "事業:" line comes after line ${marker} ("${shown}"), which marks the start of a signature or of an earlier mail, after which nothing is read; remove line ${marker} and send the mail again`,
  };
}

function strayLine({ number, text }: { number: number; text: string }): MailFormProblem {
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  return {
    line: number,
    ja: `「${shown}」はどの項目にも入りません。進捗なら「進捗:」の行に続けるなど、項目名の後に書いてください`,
    en: `"${shown}" belongs to no field; write it after its key (e.g. below "進捗:" if it is progress)`,
  };
}

function beforeFirstBlock(line: number, ja: string, en: string = ja): MailFormProblem {
  return {
    line,
    ja: `「${ja}」が「事業:」の行より前にあります。各事業の「事業:」の行の後に書いてください`,
    en: `"${en}" comes before the first "事業:" line; write it after the "事業:" line of its measure`,
  };
}

/**
 * `text` without the characters `char` matches at its end. A loop, not `replace(/[…]+$/)`: that tries
 * the pattern from every such character inside the text, each try running to its end, so a line of
 * many spaces took the square of its length.
 */
function withoutTrailing(text: string, char: RegExp): string {
  let end = text.length;
  while (end > 0 && char.test(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}

/** The value as written, or undefined when the key was left empty (so a default applies). */
function joinValue(lines: string[] | undefined): string | undefined {
  if (!lines) return undefined;
  const text = lines.join('\n').replace(/^\s*\n/, '').trimEnd();
  return text.trim() === '' ? undefined : text;
}

/** What the reply template of the reminder (shared/domain/reminder-mail.ts) puts after 進捗: for a person to overwrite. */
const examplePlaceholder = /^(?:…+|\.{3,}|・{3,})$/;

function finishBlock(
  draft: BlockDraft,
  defaults: MailFormDefaults,
  mailDefaults: { quarter?: { value: string; line: number }; person?: { value: string; line: number } },
): MailFormBlock {
  const { block, values } = draft;
  const measure = joinValue(values.measureId) ?? '';
  const status = joinValue(values.status);
  const amount = joinValue(values.budgetExecutedThousandYen);
  const quarter = joinValue(values.quarter) ?? mailDefaults.quarter?.value ?? defaults.quarter ?? '';
  const person = joinValue(values.person) ?? mailDefaults.person?.value ?? defaults.person ?? '';
  if (block.lines.quarter === undefined && mailDefaults.quarter) block.lines.quarter = mailDefaults.quarter.line;
  if (block.lines.person === undefined && mailDefaults.person) block.lines.person = mailDefaults.person.line;
  if (measureIdsIn(measure) > 1) {
    block.problems.push({
      line: block.line,
      field: 'measureId',
      ja: `「事業:」の行には事業番号を1つだけ書いてください (「${measure}」)。事業ごとに「事業:」の行から書きます`,
      en: `write one measure id per "事業:" line ("${measure}"); start each measure with its own "事業:" line`,
    });
  }
  const narrative = joinValue(values.narrative) ?? '';
  if (examplePlaceholder.test(narrative.trim())) {
    // The reminder's reply template as it was sent: an example, not this 課's report.
    block.problems.push({
      line: block.lines.narrative ?? block.line,
      field: 'narrative',
      ja: `「進捗:」の行が記入例の「${narrative.trim()}」のままです。今期の進捗を書いてください (状況も記入例のままでないか確かめてください)`,
      en: `the 進捗 line still holds the example "${narrative.trim()}"; write this quarter's progress (and check the status is not the example's either)`,
    });
  }
  const input: MailReportInput = {
    measureId: readMeasureId(measure),
    quarter,
    ...(status !== undefined ? { status: readStatus(status) } : {}),
    ...(amount !== undefined ? { budgetExecutedThousandYen: amount } : {}),
    narrative,
    issues: joinValue(values.issues) ?? '',
    nextSteps: joinValue(values.nextSteps) ?? '',
    person,
    milestones: draft.milestones,
  };
  return { ...block, input };
}

/** The same 事業 twice in one mail would record two versions at once: almost surely a slip. */
function markRepeatedMeasures(blocks: MailFormBlock[]): void {
  const first = new Map<string, number>();
  for (const block of blocks) {
    const id = block.input.measureId;
    const seen = first.get(id);
    if (seen !== undefined && id !== '') {
      block.problems.push({
        line: block.line,
        field: 'measureId',
        ja: `事業 ${id} がこのメールに2回あります (${seen}行目と${block.line}行目)。1つにまとめてください`,
        en: `measure ${id} appears twice in this mail (lines ${seen} and ${block.line}); merge them into one`,
      });
    } else first.set(id, block.line);
  }
}

/**
 * The line a field error of a block belongs on: a milestone's own line (`milestones.2.date`), else
 * the line of the field, else the block's `事業:` line (a field not written at all).
 */
export function lineOfField(block: Pick<MailFormBlock, 'line' | 'lines' | 'milestoneLines'>, field: string): number {
  const [top, index] = field.split('.');
  const milestoneLine = top === 'milestones' && index !== undefined ? block.milestoneLines[Number(index)] : undefined;
  return milestoneLine ?? block.lines[top as MailFormField] ?? block.line;
}

/** A block that can be recorded, or what is wrong with it. */
export type CheckedBlock =
  | { block: MailFormBlock; submission: ReportSubmission; problems: [] }
  | { block: MailFormBlock; submission?: undefined; problems: MailFormProblem[] };

/**
 * Check every block against the schema and the plan, as `submitReport` will, so that a mail is
 * recorded whole or not at all. Field errors are placed on the line where the field was written
 * (or on the block's `事業:` line when the field is missing).
 */
export function checkMailForm(form: MailForm, context: ReportContext): CheckedBlock[] {
  return form.blocks.map((block): CheckedBlock => {
    const problems: MailFormProblem[] = [...block.problems];
    const lineOf = (field: string): number => lineOfField(block, field);
    let submission: ReportSubmission | undefined;
    let input = block.input;
    const amount = input.budgetExecutedThousandYen;
    if (typeof amount === 'string' && typeof normaliseNumber(amount) !== 'number') {
      // Said here with what was written: the schema would only say the field is missing.
      problems.push({
        line: lineOf('budgetExecutedThousandYen'),
        field: 'budgetExecutedThousandYen',
        ja: `執行額は数値で入力してください (千円単位。例: 882、1,234): 「${amount}」`,
        en: `the budget executed must be a number in thousand yen (e.g. 882, 1,234): "${amount}"`,
      });
      const { budgetExecutedThousandYen: _unreadable, ...rest } = input;
      input = rest;
    }
    try {
      const checked = checkReport(input, context);
      if ('submission' in checked) submission = checked.submission;
      else problems.push({ line: block.line, field: 'measureId', ja: checked.ja, en: checked.en });
    } catch (error) {
      if (!(error instanceof ReportInputError)) throw error;
      for (const f of error.fields) {
        // A field the reading already found wrong (a unit, a second 事業 id) is said once, by the reading.
        if (block.problems.some((p) => p.field === f.field)) continue;
        problems.push({ line: lineOf(f.field), field: f.field, ja: f.ja, en: f.en });
      }
    }
    problems.sort((a, b) => a.line - b.line);
    return problems.length === 0 && submission ? { block, submission, problems: [] } : { block, problems };
  });
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A numeric character reference as text; one that names no character (too large, a surrogate, NUL) is U+FFFD. */
function characterOf(code: number): string {
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
}

/**
 * `text.replace(pattern, by)` for a pattern every match of which ends with `end`: the part after the
 * last `end` is left out of the search, as nothing can match there. There each `<` (or `<!--`) would
 * otherwise be tried and scanned to the end of the text, which took the square of its length.
 */
function replaceUpTo(text: string, end: string, pattern: RegExp, by: string): string {
  const cut = text.lastIndexOf(end);
  if (cut < 0) return text;
  const at = cut + end.length;
  return text.slice(0, at).replace(pattern, by) + text.slice(at);
}

/**
 * `text` without the elements named (their content too). A search per element name rather than one
 * pattern with a back reference: an element that is never closed would have that pattern scan to the
 * end of the text from every opening tag; here the first one that finds no end ends the search for its name.
 */
function withoutElements(text: string, names: readonly string[]): string {
  const opening = new RegExp(`<(${names.join('|')})\\b`, 'gi');
  const unclosed = new Set<string>();
  let out = '';
  let from = 0;
  for (let match = opening.exec(text); match; match = opening.exec(text)) {
    const name = match[1]!.toLowerCase();
    if (unclosed.has(name)) continue;
    const closing = new RegExp(`<\\/${name}\\s*>`, 'gi');
    closing.lastIndex = opening.lastIndex;
    const end = closing.exec(text);
    if (!end) {
      unclosed.add(name);
      continue;
    }
    out += text.slice(from, match.index);
    from = closing.lastIndex;
    opening.lastIndex = from;
  }
  return out + text.slice(from);
}

/** Text of HTML with no `<blockquote>` in it: block elements become line breaks, entities are decoded. */
function flatText(html: string): string {
  const blocks = 'p|div|li|tr|h[1-6]|table|ul|ol|pre';
  let text = replaceUpTo(html, '>', /<br\s*\/?>/gi, '\n');
  text = replaceUpTo(text, '>', new RegExp(`<\\/(${blocks})\\s*>`, 'gi'), '\n');
  text = replaceUpTo(text, '>', new RegExp(`<(${blocks})\\b[^>]*>`, 'gi'), '\n');
  return replaceUpTo(text, '>', /<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return characterOf(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return characterOf(Number.parseInt(name.slice(1), 10));
      return entities[name.toLowerCase()] ?? whole;
    });
}

/**
 * Plain text of an HTML body, for a mail whose parser gave no text part: block elements become
 * line breaks, what is inside a `<blockquote>` (nested ones too) becomes `>`-quoted lines, one `>`
 * per level (so the quoted history is left out like in a plain-text reply), and entities are decoded.
 */
export function htmlToText(html: string): string {
  const visible = withoutElements(replaceUpTo(html, '-->', /<!--[\s\S]*?-->/g, ''), ['script', 'style', 'head', 'title']);
  const parts: string[] = [];
  let depth = 0;
  // Split at every <blockquote> and </blockquote>; the text between two of them is at one depth. What
  // follows the last ">" holds no such tag: it joins the last piece rather than being searched.
  const cut = visible.lastIndexOf('>') + 1;
  const pieces = visible.slice(0, cut).split(/(<\/?blockquote\b[^>]*>)/i);
  pieces[pieces.length - 1] += visible.slice(cut);
  for (const piece of pieces) {
    if (/^<blockquote\b/i.test(piece)) {
      depth += 1;
      parts.push('\n');
    } else if (/^<\/blockquote\b/i.test(piece)) {
      depth = Math.max(0, depth - 1);
      parts.push('\n');
    } else {
      const text = flatText(piece);
      parts.push(depth === 0 ? text : text.split('\n').map((l) => (l.trim() === '' ? l : `${'> '.repeat(depth)}${l}`)).join('\n'));
    }
  }
  return parts.join('').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * The form as the reply mails show it, to copy and fill in: values only, so a copy reads cleanly. The
 * amount is left blank: a figure there would be recorded as the 事業's spending when a copy keeps it.
 */
export function mailFormTemplate(example: { measureId?: string } = {}): string {
  return [`事業: ${example.measureId ?? ''}`, '状況: 予定どおり', '執行額: ', '進捗: ', '課題: ', '今後の予定: ', '報告者: ', '以上'].join('\n');
}

/**
 * How to fill in the form, one line per key, Japanese with English; the 事業 id of the example is one
 * of the reader's own, its date one of the quarter reported (a date the plan's period holds).
 */
export const mailFormGuide = (example: { measureId?: string; date?: string } = {}): readonly string[] => [
  example.measureId ? `事業: 事業番号 (例 ${example.measureId}) / measure id` : '事業: 事業番号 / measure id',
  `状況: ${reportStatuses.join(' / ')} のいずれか / one of these statuses`,
  '執行額: 報告する四半期の年度の執行額 (千円) / budget executed in the fiscal year of the quarter reported, thousand yen',
  '進捗: 取組の状況。次の項目までの行はすべて進捗になります / what was done; it runs until the next key',
  '課題: 遅れ気味・遅延のときは必須 / required when at risk or delayed',
  '今後の予定: / next steps',
  '報告者: 氏名 (省略すると差出人名) / your name (defaults to the sender name)',
  `m1: 完了 ${example.date ?? '2013-07-15'} — スケジュール項目 (任意): 未着手 / 実施中 / 完了 + 日付 / milestones, optional`,
  '以上 — ここで本文が終わります / the form ends here',
  '1通に複数の事業を書けます (「事業:」の行ごとに1件) / several measures per mail, one per "事業:" line',
];
