/**
 * The mails of a reminder notice (one notice per 専門部会, kind and day, see reminders.ts): each 課
 * gets its own mail with its signed form link, its reply address and the short reply template the
 * mail intake reads; the 部会's mailbox gets what each 課 was asked for, without links; an escalation
 * goes to the 部会長, then also the secretariat, without links. A link lets whoever holds it report
 * as its 課, so no mail carries the links of a 課 to anyone else. Japanese first, English below;
 * dates in 和暦 and Western form; every 事業 with its id and name, milestones in the plan's own words.
 *
 * Pure: no I/O, no clock, no AWS. The links are computed from the secret and the instant passed in.
 */
import { formLink, replyAddress, tokenFor } from '../links.ts';
import type { Directory, Ka } from './directory.ts';
import { countEn } from './english.ts';
import {
  formatQuarterEn,
  formatQuarterJa,
  formatWarekiDate,
  formatWarekiFiscalYear,
  parseQuarter,
  type LocalDate,
} from './fiscal.ts';
import type { PlanFile } from './plan.ts';
import type { DueWhat, EscalationDue, MilestoneDue, ReminderNotice, ReportDue } from './reminders.ts';
import { reportStatuses } from './report.ts';
import { planTitleOf } from './plan-title.ts';

/** A mail ready for the mailer (structurally the mailer's `OutgoingMail`). */
export interface ReminderMail {
  from: string;
  to: string[];
  cc: string[];
  replyTo?: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** Where a 課 reports for a quarter. */
export interface KaLinks {
  formUrl: string;
  replyAddress: string;
}

export type LinksFor = (kaId: string, quarter: string) => KaLinks;

/** Signed links for the 課 of a notice, issued at `now` (the scheduled time, so a retry issues the same ones). */
export function signedLinks(deps: {
  tenant: string;
  directory: Pick<Directory, 'replyLocalPart' | 'mailDomain'>;
  publicBaseUrl: string;
  secret: string;
  now: Date;
}): LinksFor {
  return (kaId, quarter) => {
    const claims = { tenant: deps.tenant, kaId, quarter, now: deps.now };
    return {
      formUrl: formLink(deps.publicBaseUrl, tokenFor({ ...claims, purpose: 'form' }, deps.secret)),
      replyAddress: replyAddress(deps.directory, tokenFor({ ...claims, purpose: 'mail' }, deps.secret)),
    };
  };
}

/** Header naming the notification a mail carries, for tracing a mail back to its claim. */
export const notificationHeader = 'X-Shinchoku-Notification';

/**
 * The reference in a reminder's subject, `[shinchoku FY2012-Q1 sogo-seisaku]`: the quarter, and the
 * 課 id when the mail concerns one 課, else the 部会 id. The mail intake may read it back with
 * {@link parseMailReference}.
 */
export function mailReference(quarter: string, scopeId: string): string {
  return `[shinchoku ${quarter} ${scopeId}]`;
}

/** The quarter and 課/部会 id of a reference in a subject (a reply's `Re: …` included). */
export function parseMailReference(subject: string): { quarter: string; scopeId: string } | undefined {
  const match = /\[shinchoku (FY\d{4}-Q[1-4]) ([a-z0-9][a-z0-9-]*)\]/.exec(subject);
  return match ? { quarter: match[1]!, scopeId: match[2]! } : undefined;
}

/** 平成24年7月10日 (2012-07-10) */
function bothDates(date: LocalDate): string {
  return `${formatWarekiDate(date)} (${date})`;
}

/** `1 day`, `3 days`. */
const daysEn = (n: number): string => countEn(n, 'day');

/** 2012-07-10 (平成24年7月10日) */
function bothDatesEn(date: LocalDate): string {
  return `${date} (${formatWarekiDate(date)})`;
}

function quarterShortJa(quarter: string): string {
  const q = parseQuarter(quarter);
  return `${formatWarekiFiscalYear(q.fiscalYear)}第${q.quarter}四半期`;
}

function quarterShortEn(quarter: string): string {
  const q = parseQuarter(quarter);
  return `FY${q.fiscalYear} Q${q.quarter}`;
}

function fySpanJa(span: { from: number; to: number }): string {
  return span.from === span.to
    ? formatWarekiFiscalYear(span.from)
    : `${formatWarekiFiscalYear(span.from)}〜${formatWarekiFiscalYear(span.to)}`;
}

function fySpanEn(span: { from: number; to: number }): string {
  return span.from === span.to ? `FY${span.from}` : `FY${span.from}–FY${span.to}`;
}

function unique(values: readonly string[], without: readonly string[] = []): string[] {
  const skip = new Set(without.map((v) => v.toLowerCase()));
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (skip.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The first due item of the notice of a given type (all report items of a notice share quarter and step). */
function first<T extends DueWhat['type']>(notice: ReminderNotice, type: T): Extract<DueWhat, { type: T }> | undefined {
  for (const ka of notice.ka) {
    for (const m of ka.measures) {
      const found = m.due.find((d) => d.type === type);
      if (found) return found as Extract<DueWhat, { type: T }>;
    }
  }
  return undefined;
}

interface Texts {
  subjectJa: string;
  subjectEn: string;
  /** The escalation's greeting (the other mails greet their own addressee). */
  greetingJa?: string;
  introJa: string[];
  introEn: string[];
}

function reportTexts(due: ReportDue): Texts {
  const q = parseQuarter(due.quarter);
  const quarterJa = formatQuarterJa(q);
  const quarterEn = formatQuarterEn(q);
  // Worded from the day it goes out: a step caught up late says how things stand that day.
  if (due.daysToDue > 0) {
    return {
      subjectJa: `【進捗報告のお願い】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)} (あと${due.daysToDue}日)`,
      subjectEn: `Progress report ${quarterShortEn(due.quarter)} due ${due.dueDate}`,
      introJa: [`${quarterJa} の進捗報告の期限は ${bothDates(due.dueDate)} です (あと${due.daysToDue}日)。`],
      introEn: [`The progress report for ${quarterEn} is due on ${bothDatesEn(due.dueDate)}, in ${daysEn(due.daysToDue)}.`],
    };
  }
  if (due.daysToDue === 0) {
    return {
      subjectJa: `【本日が報告期限です】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)}`,
      subjectEn: `Progress report ${quarterShortEn(due.quarter)} due today`,
      introJa: [`本日 ${bothDates(due.dueDate)} が ${quarterJa} の進捗報告の期限です。`, '下記の事業の報告がまだ届いていません。'],
      introEn: [`Today, ${bothDatesEn(due.dueDate)}, the progress report for ${quarterEn} is due.`, 'The reports of the measures below have not arrived yet.'],
    };
  }
  return {
    subjectJa: `【報告期限を過ぎています】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)}`,
    subjectEn: `Progress report ${quarterShortEn(due.quarter)} overdue`,
    introJa: [
      `${quarterJa} の進捗報告の期限 ${bothDates(due.dueDate)} を${-due.daysToDue}日過ぎました。`,
      '下記の事業の報告がまだ届いていません。至急お願いします。',
    ],
    introEn: [
      `The progress report for ${quarterEn} was due on ${bothDatesEn(due.dueDate)}, ${daysEn(-due.daysToDue)} ago.`,
      'The reports of the measures below have not arrived yet. Please send them as soon as possible.',
    ],
  };
}

function escalationTexts(notice: ReminderNotice, due: EscalationDue, directory: Directory): Texts {
  const q = parseQuarter(due.quarter);
  const toSecretariat = due.level === 'secretariat';
  return {
    subjectJa: `【未提出のお知らせ】${quarterShortJa(due.quarter)} ${notice.bukai.name} (期限から${due.daysOverdue}日経過)`,
    subjectEn: `Missing progress reports ${quarterShortEn(due.quarter)}, ${daysEn(due.daysOverdue)} overdue`,
    greetingJa: toSecretariat ? `${notice.bukai.chair.name} 様、${directory.secretariat.name} 様` : `${notice.bukai.chair.name} 様`,
    introJa: [
      `${formatQuarterJa(q)} の進捗報告が、期限 ${bothDates(due.dueDate)} から${due.daysOverdue}日を過ぎても届いていません。`,
      toSecretariat
        ? // Worded without the chair's earlier mail: a missed day past the catch-up may have left it unsent.
          '部会長と事務局にお知らせします。担当課への確認をお願いします。'
        : '部会内の担当課へのお声かけをお願いします。',
    ],
    introEn: [
      `Progress reports for ${formatQuarterEn(q)} are still missing ${daysEn(due.daysOverdue)} after the due date, ${bothDatesEn(due.dueDate)}.`,
      toSecretariat
        ? 'The 部会長 (committee chair) and the secretariat are informed. Please follow up with the departments.'
        : 'Please follow up with the departments of your committee (専門部会).',
    ],
  };
}

function milestoneTexts(notice: ReminderNotice): Texts {
  return {
    subjectJa: `【スケジュールの確認】${notice.bukai.name} 開始・終了が近い項目`,
    subjectEn: 'Plan milestones starting or ending soon',
    introJa: [
      '計画のスケジュールで、開始または終了が近い項目があります。',
      '進み具合を確認し、次の進捗報告に反映してください (完了した項目は報告で「完了」にしてください)。',
    ],
    introEn: [
      'Some milestones of the plan start or end soon. Please check their progress and include it in your next report',
      '(mark finished milestones as done in the report).',
    ],
  };
}

function milestoneLineJa(d: MilestoneDue): string {
  const when = d.edge === 'start' ? `${bothDates(d.date)} に開始 (あと${d.daysBefore}日)` : `${bothDates(d.date)} に終了 (あと${d.daysBefore}日)`;
  return `[${d.milestoneId}] スケジュール「${d.label}」(${fySpanJa(d.fiscalYears)}) — ${when}${d.inferred ? ' ※期間は計画書から推定' : ''}`;
}

function milestoneLineEn(d: MilestoneDue): string {
  return `${d.milestoneId} (${fySpanEn(d.fiscalYears)}) ${d.edge === 'start' ? 'starts' : 'ends'} on ${d.date}, in ${daysEn(d.daysBefore)}${d.inferred ? ' (span inferred)' : ''}`;
}

/**
 * The reply template the mail intake reads; the values are an example to overwrite, the amount left
 * blank (a figure kept in a copy would be recorded as spending). With a milestone, one more line shows
 * how to report it (`m3: 完了 2013-03-15`).
 */
export function replyTemplateLines(measureId: string, milestone?: { milestoneId: string; date: LocalDate }): string[] {
  return [
    `事業: ${measureId}`,
    `状況: ${reportStatuses[0]}`,
    '執行額: ',
    ...(milestone ? [`${milestone.milestoneId}: 完了 ${milestone.date}`] : []),
    '進捗: …',
  ];
}

type NoticeKa = ReminderNotice['ka'][number];

/** The 事業 of a 課 and what is due on each, without links (the 部会's and the escalation's mail). */
function measureLinesJa(measures: NoticeKa['measures']): string[] {
  const lines: string[] = [];
  for (const m of measures) {
    lines.push(`  ・${m.measureId} ${m.name}`);
    for (const d of m.due) if (d.type === 'milestone') lines.push(`      ${milestoneLineJa(d)}`);
  }
  return lines;
}

function measureLinesEn(ka: Ka, measures: NoticeKa['measures']): string[] {
  const lines = [`[${ka.name}] ${measures.map((m) => m.measureId).join(', ')}`];
  for (const m of measures) for (const d of m.due) if (d.type === 'milestone') lines.push(`  ${m.measureId} ${milestoneLineEn(d)}`);
  return lines;
}

/** A 課's own block: its 事業, its signed form link, its reply address and the reply template. */
function kaBlockJa(ka: Ka, measures: NoticeKa['measures'], links: KaLinks): string[] {
  const firstMilestone = measures.flatMap((m) => m.due.filter((d): d is MilestoneDue => d.type === 'milestone').map((d) => ({ m, d })))[0];
  const example = firstMilestone
    ? replyTemplateLines(firstMilestone.m.measureId, { milestoneId: firstMilestone.d.milestoneId, date: firstMilestone.d.date })
    : replyTemplateLines(measures[0]?.measureId ?? '');
  return [
    `■ ${ka.name}`,
    ...measureLinesJa(measures),
    `  報告フォーム: ${links.formUrl}`,
    `  メールで報告: このメールに返信するか ${links.replyAddress} 宛に、次の形式で送ってください (1通に複数の事業も書けます。「事業:」の行ごとに1件)`,
    ...example.map((line) => `      ${line}`),
    ...(firstMilestone ? ['  スケジュールの項目は [m1] などの記号で、未着手・実施中・完了 (完了なら日付も) と書きます。'] : []),
  ];
}

function kaBlockEn(ka: Ka, measures: NoticeKa['measures'], links: KaLinks): string[] {
  const hasMilestone = measures.some((m) => m.due.some((d) => d.type === 'milestone'));
  return [
    ...measureLinesEn(ka, measures),
    `  Form: ${links.formUrl}`,
    `  By mail: reply to this mail, or write to ${links.replyAddress}, using the lines shown above (several measures per mail, one per "事業:" line)`,
    ...(hasMilestone ? ['  A milestone is reported by its id (m1, …): 未着手 (not started), 実施中 (in progress) or 完了 (done) with the date.'] : []),
  ];
}

export interface ReminderMailInput {
  notice: ReminderNotice;
  directory: Directory;
  plan: Pick<PlanFile, 'plan'>;
  linksFor: LinksFor;
}

/** One mail of a notice, with the name its claim is recorded under. */
export interface NoticeMail {
  /** The notice's key for the 部会's (or the escalation's) mail; `<notice key>#<課 id>` for a 課's own. */
  key: string;
  /** The 課 the mail is addressed to, for a 課's own mail. */
  kaId?: string;
  /** The keys of the items the mail lists. */
  items: string[];
  mail: ReminderMail;
}

/**
 * The mails of one notice. A signed link lets whoever holds it report as its 課, so each 課's links
 * go only to that 課's own addresses:
 * - report-due and milestone: one mail to each 課 (its 事業, its form link, its reply address as
 *   Reply-To, so answering the mail is a report), and one to the 部会's mailbox listing what each 課
 *   was asked for, without links;
 * - escalation: one mail to the 部会長 (then also the secretariat) with the 部会 and the 課 in copy,
 *   without links: the 課 report through the links of their own mails.
 */
export function reminderMails({ notice, directory, plan, linksFor }: ReminderMailInput): NoticeMail[] {
  const report = first(notice, 'report');
  const escalation = first(notice, 'escalation');
  const texts =
    notice.kind === 'report-due' && report
      ? reportTexts(report)
      : notice.kind === 'escalation' && escalation
        ? escalationTexts(notice, escalation, directory)
        : milestoneTexts(notice);
  const planTitle = planTitleOf(plan.plan);
  const statuses = reportStatuses.join('・');
  const fiscalYear = parseQuarter(notice.quarter).fiscalYear;
  // Only a 課's own mail shows the reply form with values filled in, and says they are examples.
  // A report leaves a 事業 out of the report and escalation notices; a milestone is listed until a
  // report marks it done, whether or not the quarter's report came in (shared/domain/reminders.ts).
  const milestones = notice.kind === 'milestone';
  const closingOf = (withExample: boolean) => [
    `状況は ${statuses} のいずれか、執行額は${formatWarekiFiscalYear(fiscalYear)}の執行額 (年度の累計、千円) です。${withExample ? '上の値は例です。' : ''}`,
    milestones
      ? 'スケジュールの項目は、報告で「完了」になるまでお知らせします (この四半期の報告が済んだ事業も含みます)。'
      : '報告済みの事業はこの一覧に含まれません。行き違いの場合はご容赦ください。',
  ];
  const closingJa = closingOf(false);
  const closingEn =
    `Status is one of ${statuses}; 執行額 is the spending of FY${fiscalYear} so far, in thousand yen. ` +
    (milestones ? "Milestones are listed until a report marks them done, for measures whose quarter's report is already in too." : 'Measures already reported are not listed.');
  const itemsOf = (kas: readonly NoticeKa[]) => [...new Set(kas.flatMap((k) => k.measures.flatMap((m) => m.due.map((d) => d.key))))];

  const compose = (parts: {
    key: string;
    kaId?: string;
    kas: readonly NoticeKa[];
    to: string[];
    cc: string[];
    replyTo?: string[];
    scopeId: string;
    greetingJa: string;
    ja: string[];
    greetingEn: string;
    en: string[];
  }): NoticeMail => {
    const reference = mailReference(notice.quarter, parts.scopeId);
    const text = [
      parts.greetingJa,
      '',
      `${planTitle} の進捗管理 (shinchoku) からのお知らせです。`,
      ...texts.introJa,
      '',
      ...parts.ja,
      '---------------- English ----------------',
      parts.greetingEn,
      '',
      ...texts.introEn,
      ...parts.en,
      '',
      `このメールは自動送信です / This mail was sent automatically. ${reference}`,
      '',
    ].join('\n');
    return {
      key: parts.key,
      ...(parts.kaId ? { kaId: parts.kaId } : {}),
      items: itemsOf(parts.kas),
      mail: {
        from: `${plan.plan.municipality} 進捗管理 <${directory.sender}>`,
        to: parts.to,
        cc: parts.cc,
        ...(parts.replyTo ? { replyTo: parts.replyTo } : {}),
        subject: `${texts.subjectJa} / ${texts.subjectEn} ${reference}`,
        text,
        headers: { [notificationHeader]: parts.key },
      },
    };
  };

  const overviewJa = notice.ka.flatMap((k) => [`■ ${k.ka.name}`, ...measureLinesJa(k.measures), '']);
  const overviewEn = notice.ka.flatMap((k) => [...measureLinesEn(k.ka, k.measures), '']);

  if (notice.kind === 'escalation') {
    const to = unique([notice.bukai.chair.email, ...(notice.escalation === 'secretariat' ? [directory.secretariat.email] : [])]);
    return [
      compose({
        key: notice.key,
        kas: notice.ka,
        to,
        cc: unique([...notice.bukai.emails, ...notice.ka.flatMap((k) => k.ka.emails)], to),
        scopeId: notice.bukai.id,
        greetingJa: `${texts.greetingJa ?? ''}\n(cc: ${notice.bukai.name}、${notice.ka.map((k) => k.ka.name).join('、')})`,
        ja: [
          ...overviewJa,
          '各課は、各課宛てのリマインダーにある報告フォームまたは返信先から報告できます。',
          ...closingJa,
        ],
        greetingEn: `To the chair of ${notice.bukai.name} (${notice.bukai.chair.name})${notice.escalation === 'secretariat' ? ' and the secretariat' : ''}:`,
        en: ['', 'The measures (事業) still missing, per department:', '', ...overviewEn, 'Each department reports through the form link and reply address of its own reminder.', closingEn],
      }),
    ];
  }

  const perKa = notice.ka.map((k) => {
    const links = linksFor(k.ka.id, notice.quarter);
    return compose({
      key: `${notice.key}#${k.ka.id}`,
      kaId: k.ka.id,
      kas: [k],
      to: unique(k.ka.emails),
      cc: [],
      // Answering the mail is this 課's report: the reply goes to its signed reply address.
      replyTo: [links.replyAddress],
      scopeId: k.ka.id,
      greetingJa: `${k.ka.name} ご担当者様 (${notice.bukai.name})`,
      ja: [milestones ? '下記の事業のスケジュールについて、進み具合をご確認ください。' : '下記の事業について、報告をお願いします。', '', ...kaBlockJa(k.ka, k.measures, links), '', ...closingOf(true)],
      greetingEn: `To ${k.ka.name} (${notice.bukai.name}):`,
      en: ['The measures (事業), the report form and the reply address:', '', ...kaBlockEn(k.ka, k.measures, links), '', closingEn],
    });
  });
  const overview = compose({
    key: notice.key,
    kas: notice.ka,
    to: unique(notice.bukai.emails),
    cc: [],
    scopeId: notice.bukai.id,
    greetingJa: `${notice.bukai.name} ご担当者様`,
    ja: [
      `各課に、下記の事業${milestones ? 'のスケジュールの確認' : 'について報告'}をお願いしました (報告フォームと返信先は、各課宛てのメールにのみ記載しています)。`,
      '',
      ...overviewJa,
      ...closingJa,
    ],
    greetingEn: `To ${notice.bukai.name}:`,
    en: [
      `Each department was asked ${milestones ? 'to check the milestones of the measures (事業) below' : 'for the measures (事業) below'}; its form link and reply address went to its own addresses only.`,
      '',
      ...overviewEn,
      closingEn,
    ],
  });
  return [overview, ...perKa];
}
