/**
 * The text of a reminder mail: one mail per 専門部会, kind and day (see reminders.ts), to the 部会's
 * mailbox with its 課 in copy (escalations: to the 部会長, then also the secretariat). Japanese
 * first, English below; dates in 和暦 and Western form; every 事業 with its id and name, milestones
 * in the plan's own words; per 課 its signed form link, its reply address and the short reply
 * template the mail intake reads.
 *
 * Pure: no I/O, no clock, no AWS. The links are computed from the secret and the instant passed in.
 */
import { formLink, replyAddress, tokenFor } from '../links.ts';
import type { Directory, Ka } from './directory.ts';
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
  greetingJa: string;
  introJa: string[];
  introEn: string[];
}

function reportTexts(notice: ReminderNotice, due: ReportDue): Texts {
  const q = parseQuarter(due.quarter);
  const greetingJa = `${notice.bukai.name} 各課 ご担当者様`;
  const quarterJa = formatQuarterJa(q);
  const quarterEn = formatQuarterEn(q);
  if (due.step === 'before') {
    return {
      subjectJa: `【進捗報告のお願い】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)} (あと${due.days}日)`,
      subjectEn: `Progress report ${quarterShortEn(due.quarter)} due ${due.dueDate}`,
      greetingJa,
      introJa: [
        `${quarterJa} の進捗報告の期限は ${bothDates(due.dueDate)} です (あと${due.days}日)。`,
        '下記の事業について、担当課ごとに報告をお願いします。',
      ],
      introEn: [`The progress report for ${quarterEn} is due on ${bothDatesEn(due.dueDate)}, in ${due.days} days.`],
    };
  }
  if (due.step === 'on-day') {
    return {
      subjectJa: `【本日が報告期限です】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)}`,
      subjectEn: `Progress report ${quarterShortEn(due.quarter)} due today`,
      greetingJa,
      introJa: [`本日 ${bothDates(due.dueDate)} が ${quarterJa} の進捗報告の期限です。`, '下記の事業の報告がまだ届いていません。'],
      introEn: [`Today, ${bothDatesEn(due.dueDate)}, the progress report for ${quarterEn} is due.`],
    };
  }
  return {
    subjectJa: `【報告期限を過ぎています】${quarterShortJa(due.quarter)} 期限 ${formatWarekiDate(due.dueDate)}`,
    subjectEn: `Progress report ${quarterShortEn(due.quarter)} overdue`,
    greetingJa,
    introJa: [
      `${quarterJa} の進捗報告の期限 ${bothDates(due.dueDate)} を${due.days}日過ぎました。`,
      '下記の事業の報告がまだ届いていません。至急お願いします。',
    ],
    introEn: [`The progress report for ${quarterEn} was due on ${bothDatesEn(due.dueDate)}, ${due.days} day(s) ago.`],
  };
}

function escalationTexts(notice: ReminderNotice, due: EscalationDue, directory: Directory): Texts {
  const q = parseQuarter(due.quarter);
  const toSecretariat = due.level === 'secretariat';
  return {
    subjectJa: `【未提出のお知らせ】${quarterShortJa(due.quarter)} ${notice.bukai.name} (期限から${due.daysOverdue}日経過)`,
    subjectEn: `Missing progress reports ${quarterShortEn(due.quarter)}, ${due.daysOverdue} days overdue`,
    greetingJa: toSecretariat ? `${notice.bukai.chair.name} 様、${directory.secretariat.name} 様` : `${notice.bukai.chair.name} 様`,
    introJa: [
      `${formatQuarterJa(q)} の進捗報告が、期限 ${bothDates(due.dueDate)} から${due.daysOverdue}日を過ぎても届いていません。`,
      toSecretariat
        ? '部会長への連絡後もまだ届いていないため、事務局にもお知らせします。担当課への確認をお願いします。'
        : '部会内の担当課へのお声かけをお願いします。',
    ],
    introEn: [
      `Progress reports for ${formatQuarterEn(q)} are still missing ${due.daysOverdue} days after the due date, ${bothDatesEn(due.dueDate)}.`,
      toSecretariat
        ? 'The 部会長 (committee chair) was told earlier; the secretariat is now informed as well. Please follow up with the departments.'
        : 'Please follow up with the departments of your committee (専門部会).',
    ],
  };
}

function milestoneTexts(notice: ReminderNotice): Texts {
  return {
    subjectJa: `【スケジュールの確認】${notice.bukai.name} 開始・終了が近い項目`,
    subjectEn: 'Plan milestones starting or ending soon',
    greetingJa: `${notice.bukai.name} 各課 ご担当者様`,
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
  return `スケジュール「${d.label}」(${fySpanJa(d.fiscalYears)}) — ${when}${d.inferred ? ' ※期間は計画書から推定' : ''}`;
}

function milestoneLineEn(d: MilestoneDue): string {
  return `${d.milestoneId} (${fySpanEn(d.fiscalYears)}) ${d.edge === 'start' ? 'starts' : 'ends'} on ${d.date}, in ${d.daysBefore} days${d.inferred ? ' (span inferred)' : ''}`;
}

/** The reply template the mail intake reads; the values are an example to overwrite. */
export function replyTemplateLines(measureId: string): string[] {
  return [`事業: ${measureId}`, `状況: ${reportStatuses[0]}`, '執行額: 882', '進捗: …'];
}

function kaBlockJa(ka: Ka, measures: ReminderNotice['ka'][number]['measures'], links: KaLinks): string[] {
  const lines = [`■ ${ka.name}`];
  for (const m of measures) {
    lines.push(`  ・${m.measureId} ${m.name}`);
    for (const d of m.due) if (d.type === 'milestone') lines.push(`      ${milestoneLineJa(d)}`);
  }
  lines.push(`  報告フォーム: ${links.formUrl}`);
  lines.push(`  メールで報告: ${links.replyAddress} 宛に、次の形式で送ってください (1通に複数の事業も書けます。「事業:」の行ごとに1件)`);
  for (const line of replyTemplateLines(measures[0]?.measureId ?? '1-1-1')) lines.push(`      ${line}`);
  return lines;
}

function kaBlockEn(ka: Ka, measures: ReminderNotice['ka'][number]['measures'], links: KaLinks): string[] {
  const lines = [`[${ka.name}] ${measures.map((m) => m.measureId).join(', ')}`];
  for (const m of measures) for (const d of m.due) if (d.type === 'milestone') lines.push(`  ${m.measureId} ${milestoneLineEn(d)}`);
  lines.push(`  Form: ${links.formUrl}`);
  lines.push(`  By mail: write to ${links.replyAddress} using the lines shown above (several measures per mail, one per "事業:" line)`);
  return lines;
}

export interface ReminderMailInput {
  notice: ReminderNotice;
  directory: Directory;
  plan: Pick<PlanFile, 'plan'>;
  linksFor: LinksFor;
}

/** The mail for one notice. */
export function reminderMail({ notice, directory, plan, linksFor }: ReminderMailInput): ReminderMail {
  const report = first(notice, 'report');
  const escalation = first(notice, 'escalation');
  const texts =
    notice.kind === 'report-due' && report
      ? reportTexts(notice, report)
      : notice.kind === 'escalation' && escalation
        ? escalationTexts(notice, escalation, directory)
        : milestoneTexts(notice);

  const kaEmails = notice.ka.flatMap((k) => k.ka.emails);
  const to =
    notice.kind === 'escalation'
      ? unique([notice.bukai.chair.email, ...(notice.escalation === 'secretariat' ? [directory.secretariat.email] : [])])
      : unique(notice.bukai.emails);
  const cc = unique(notice.kind === 'escalation' ? [...notice.bukai.emails, ...kaEmails] : kaEmails, to);
  const links = new Map(notice.ka.map((k) => [k.ka.id, linksFor(k.ka.id, notice.quarter)] as const));
  const single = notice.ka.length === 1 ? notice.ka[0] : undefined;
  const reference = mailReference(notice.quarter, single ? single.ka.id : notice.bukai.id);
  // A reply to a reminder sent to one 課 is that 課's report; an escalation is answered by people, not the intake.
  const replyTo = single && notice.kind !== 'escalation' ? [links.get(single.ka.id)!.replyAddress] : undefined;
  const planTitle = plan.plan.title.startsWith(plan.plan.municipality) ? plan.plan.title : `${plan.plan.municipality} ${plan.plan.title}`;
  const statuses = reportStatuses.join('・');

  const ja = [
    texts.greetingJa,
    `(cc: ${notice.ka.map((k) => k.ka.name).join('、')})`,
    '',
    `${planTitle} の進捗管理 (shinchoku) からのお知らせです。`,
    ...texts.introJa,
    '',
    ...notice.ka.flatMap((k) => [...kaBlockJa(k.ka, k.measures, links.get(k.ka.id)!), '']),
    `状況は ${statuses} のいずれか、執行額は今年度の執行額 (千円) です。上の値は例です。`,
    '報告済みの事業はこの一覧に含まれません。行き違いの場合はご容赦ください。',
  ];
  const en = [
    `To the departments of ${notice.bukai.name}${notice.kind === 'escalation' ? ` (committee chair: ${notice.bukai.chair.name})` : ''}:`,
    '',
    ...texts.introEn,
    'The measures (事業) and, for each department, its report form and reply address:',
    '',
    ...notice.ka.flatMap((k) => [...kaBlockEn(k.ka, k.measures, links.get(k.ka.id)!), '']),
    `Status is one of ${statuses}; 執行額 is this fiscal year's spending in thousand yen. Measures already reported are not listed.`,
  ];
  const text = [
    ...ja,
    '',
    '---------------- English ----------------',
    ...en,
    '',
    `このメールは自動送信です / This mail was sent automatically. ${reference}`,
    '',
  ].join('\n');

  return {
    from: `${plan.plan.municipality} 地域情報化計画 進捗管理 <${directory.sender}>`,
    to,
    cc,
    ...(replyTo ? { replyTo } : {}),
    subject: `${texts.subjectJa} / ${texts.subjectEn} ${reference}`,
    text,
    headers: { [notificationHeader]: notice.key },
  };
}
