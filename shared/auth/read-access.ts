/**
 * Who may read what through the JSON API (least privilege). Reports hold people's names, internal
 * 課題 and 今後の予定, related departments' comments and attachments, so:
 *
 * - a 課, with its `form` link token, reads the 事業 its 課 owns (担当部署) or is related to (関連部署):
 *   their reports, history and status; and the status of its own 専門部会, where the 事業 of the
 *   部会's other 課 show only the compiled status and a summary of the latest report without personal
 *   or internal fields (`reportSummary` in shared/domain/status-view.ts);
 * - the secretariat (事務局) and the leadership, with their `dashboard` link token, read everything,
 *   as on the dashboard, which shows every department's reports and names;
 * - anything else is refused (403); the whole plan's status needs a dashboard token.
 *
 * Pure: no I/O, no AWS.
 */
import type { Bukai, Directory, Ka } from '../domain/directory.ts';
import type { Measure } from '../domain/plan.ts';
import { roleOf } from '../domain/report-input.ts';
import type { Refusal } from '../submit-report.ts';
import { authenticateDashboard } from './dashboard-access.ts';
import { verifyKaLink } from './ka-link.ts';
import type { LinkClaims } from './link-token.ts';

/** The caller of a read route: a 課 (form link) or a dashboard holder (secretariat, leadership). */
export type Reader =
  | { kind: 'ka'; claims: LinkClaims; ka: Ka }
  | { kind: 'dashboard'; claims: LinkClaims; holder: string; name: string };

type Unauthenticated = Extract<Refusal, { outcome: 'unauthenticated' }>;
type Forbidden = Extract<Refusal, { outcome: 'forbidden' }>;

/**
 * The reader of a token: a 課's `form` link, else a `dashboard` link of the secretariat or the
 * leadership; or why it is refused (401). Both kinds are written alike and differ in their signed
 * purpose, so a token whose signature fails as a form link is tried as a dashboard link, and the
 * refusal names what is wrong with the kind whose signature held.
 */
export function authenticateReader(
  token: string | undefined,
  deps: { secret: string; tenant: string; directory: Pick<Directory, 'ka' | 'secretariat'>; now?: Date },
): Reader | Unauthenticated {
  const link = verifyKaLink(token, 'form', deps);
  if (!('outcome' in link)) return { kind: 'ka', ...link };
  if (link.problem !== 'bad-signature') return { outcome: link.outcome, ja: link.ja, en: link.en };
  const viewer = authenticateDashboard(token, deps);
  if ('outcome' in viewer) return viewer;
  return { kind: 'dashboard', claims: viewer.claims, holder: viewer.holder, name: viewer.name };
}

/** Whether the reader sees a 事業's reports in full: its own or related 事業 for a 課, any for a dashboard holder. */
export function mayReadMeasure(reader: Reader, measure: Measure): boolean {
  return reader.kind === 'dashboard' || roleOf(measure, { ka: reader.ka.name, bukai: reader.ka.bukai }) !== 'none';
}

/** Whether the reader may see a 専門部会's status: the 部会 of its 課, or any for a dashboard holder. */
export function mayReadBukai(reader: Reader, bukai: Pick<Bukai, 'name'>): boolean {
  return reader.kind === 'dashboard' || reader.ka.bukai === bukai.name;
}

/** Whether the reader may see the whole plan's status: dashboard holders only. */
export function mayReadPlan(reader: Reader): boolean {
  return reader.kind === 'dashboard';
}

/** 403 for a 事業 outside the 課's scope. */
export function measureForbidden(measureId: string): Forbidden {
  return {
    outcome: 'forbidden',
    ja: `事業 ${measureId} の報告は、担当部署・関連部署の課と、事務局・幹部 (ダッシュボードのリンク) だけが閲覧できます`,
    en: `the reports of measure ${measureId} can be read only by its owning and related departments, and by the secretariat and leadership (dashboard link)`,
  };
}

/** 403 for another 専門部会. */
export function bukaiForbidden(bukai: Pick<Bukai, 'name'>): Forbidden {
  return {
    outcome: 'forbidden',
    ja: `${bukai.name}の状況は、その部会の課と、事務局・幹部 (ダッシュボードのリンク) だけが閲覧できます`,
    en: `the status of ${bukai.name} can be read only by its departments, and by the secretariat and leadership (dashboard link)`,
  };
}

/** 403 for the whole plan with a 課's link. */
export const planForbidden: Forbidden = {
  outcome: 'forbidden',
  ja: '計画全体の状況は、事務局・幹部のダッシュボードのリンクでのみ閲覧できます',
  en: "the whole plan's status can be read only with the secretariat's or leadership's dashboard link",
};
