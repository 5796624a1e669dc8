/**
 * Accepting a report, whatever way it came in (API, web form, mail, sheet): check the signed link,
 * find the 課, validate the input against the plan, and append it once. Returns an outcome each
 * channel turns into its own answer (an HTTP status, a reply mail, a line on the CLI).
 */
import { verifyKaLink } from './auth/ka-link.ts';
import type { LinkClaims, TokenPurpose } from './auth/link-token.ts';
import type { Ka } from './domain/directory.ts';
import { jstDate } from './domain/fiscal.ts';
import { checkReport, ReportInputError, reportKeyOf, type FieldError, type ReportContext } from './domain/report-input.ts';
import type { Reporter, StoredReport } from './domain/report.ts';
import type { Catalog } from './store/catalog-cache.ts';
import {
  appendReport,
  latestVersion,
  maxCommentVersion,
  maxReportVersions,
  ReportVersionLimitError,
  ReportVersionRaceError,
  type AppendOptions,
  type AppendResult,
} from './store/report-items.ts';
import type { Store } from './store/store.ts';

export type Refusal =
  | { outcome: 'unauthenticated'; ja: string; en: string }
  | { outcome: 'forbidden'; ja: string; en: string }
  | { outcome: 'not-found'; ja: string; en: string }
  | { outcome: 'invalid'; ja: string; en: string; fields: FieldError[] }
  /** The 事業 and quarter hold every version they can: nothing is wrong with the input itself (409). */
  | { outcome: 'full'; ja: string; en: string; fields: FieldError[] }
  | { outcome: 'conflict'; ja: string; en: string; report: StoredReport }
  /** Other submissions to the same 事業 and quarter kept winning the next version: nothing recorded, send again (503). */
  | { outcome: 'busy'; ja: string; en: string };

export type SubmitOutcome = { outcome: 'recorded' | 'duplicate'; report: StoredReport } | Refusal;

export interface Caller {
  claims: LinkClaims;
  ka: Ka;
  reporter: Omit<Reporter, 'person'>;
}

/** Who a signed link belongs to, or why it is refused (401). */
export function authenticate(
  token: string | undefined,
  purpose: TokenPurpose,
  deps: { secret: string; catalog: Catalog; now?: Date },
): Caller | Refusal {
  const link = verifyKaLink(token, purpose, { secret: deps.secret, tenant: deps.catalog.plan.plan.tenant, directory: deps.catalog.directory, now: deps.now });
  if ('outcome' in link) return { outcome: link.outcome, ja: link.ja, en: link.en };
  const { claims, ka } = link;
  return { claims, ka, reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai } };
}

export interface SubmitOptions extends Pick<AppendOptions, 'channel' | 'attachments' | 'now'>, Pick<ReportContext, 'lastMilestones'> {
  /** The client's idempotency key; the same key with the same body records once. */
  idempotencyKey: string;
}

/**
 * Validate and append one report for an authenticated caller. Writes nothing unless accepted.
 *
 * The read of the 事業's latest version, which appending needs first, starts before the body is
 * checked and runs while it is (`reportKeyOf`): the checks cost no time of their own. A refused body
 * only leaves that read unused.
 */
export async function submitReport(
  store: Store,
  catalog: Catalog,
  caller: Caller,
  body: unknown,
  options: SubmitOptions,
): Promise<SubmitOutcome> {
  const named = reportKeyOf(body);
  const latest = named ? latestVersion(store, named.measureId, named.quarter) : undefined;
  if (latest) {
    // A refused body never awaits the read: its failure is no concern then.
    latest.catch(() => undefined);
    // The request goes out on a later turn of the event loop (node:http writes it from a tick of its
    // own): let it leave before the checks take the thread, or it would wait for them.
    await new Promise((resolve) => setImmediate(resolve));
  }
  let checked: ReturnType<typeof checkReport>;
  try {
    checked = checkReport(body, {
      plan: catalog.plan,
      reporter: caller.reporter,
      quarter: caller.claims.quarter,
      today: jstDate(options.now ?? new Date()),
      lastMilestones: options.lastMilestones,
    });
  } catch (error) {
    if (error instanceof ReportInputError) {
      return { outcome: 'invalid', ja: '入力内容に誤りがあります', en: 'the report has errors', fields: error.fields };
    }
    throw error;
  }
  if (!('submission' in checked)) {
    return { outcome: checked.kind === 'forbidden' ? 'forbidden' : 'not-found', ja: checked.ja, en: checked.en };
  }
  const { submission } = checked;
  let result: AppendResult;
  try {
    result = await appendReport(store, submission, {
      channel: options.channel,
      attachments: options.attachments,
      now: options.now,
      // Keys are per 課: two departments can never collide on a key they chose.
      idempotencyKey: `${caller.ka.id}#${options.idempotencyKey}`,
      latest: named?.measureId === submission.measureId && named.quarter === submission.quarter ? latest : undefined,
    });
  } catch (error) {
    if (error instanceof ReportVersionRaceError) {
      return {
        outcome: 'busy',
        ja: 'この事業・四半期に同時に送られた報告が多く、記録できませんでした。少し待ってからもう一度送信してください',
        en: 'too many reports on this 事業 and quarter arrived at the same time; nothing was recorded. Please send it again in a moment',
      };
    }
    if (!(error instanceof ReportVersionLimitError)) throw error;
    const ja =
      error.kind === 'comment'
        ? `この事業・四半期には意見をこれ以上記録できません (第 ${maxCommentVersion} 版まで。残りは担当課の報告のためにあります)`
        : `この事業・四半期の報告は ${maxReportVersions} 版までです。これ以上は記録できません`;
    const en =
      error.kind === 'comment'
        ? `no more comments can be recorded for this 事業 and quarter (up to version ${maxCommentVersion}; the rest are kept for the owning 課's reports)`
        : `a 事業 can have at most ${maxReportVersions} versions of its report per quarter; no more can be recorded`;
    return { outcome: 'full', ja, en, fields: [{ field: 'quarter', ja, en }] };
  }
  if (result.outcome === 'conflict') {
    return {
      outcome: 'conflict',
      ja: 'この Idempotency-Key は別の内容の報告に使われています',
      en: 'this idempotency key was already used for a different report',
      report: result.report,
    };
  }
  return result;
}
