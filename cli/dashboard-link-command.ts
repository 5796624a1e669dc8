/**
 * `shinchoku dashboard-link [--holder sogo-seisaku|leadership] [--quarter FY2013-Q2]`: a signed link to
 * the progress dashboard for the plan's secretariat or the leadership. Prints the URL on stdout.
 * The quarter only chooses what the dashboard shows first; every quarter can be chosen on the page.
 * The plan and directory are --plan / --directory, else those the `npm start` running on .shinchoku
 * was started with, else the embedded 下野市 ones.
 */
import { dashboardHolders, dashboardLink, dashboardLinkValidityDays, issueDashboardToken } from '#shared/auth/dashboard-access';
import { addDays, compareQuarters, formatQuarter, formatWarekiDate, jstDate, quarterOf, tryParseQuarter } from '#shared/domain/fiscal';
import { readPlanAndDirectory } from '#shared/plan-file';
import { planFilesOf, runningStack } from '#local/running-stack';
import { linkBaseUrl, linkValidity, localSigningSecret } from './link-options.ts';
import { InputError, type Output } from './output.ts';

export interface DashboardLinkOptions {
  /** @default the directory's secretariat */
  holder?: string;
  /** @default the current quarter, kept inside the plan period */
  quarter?: string;
  /** @default PUBLIC_BASE_URL, else the local stack */
  baseUrl?: string;
  /** @default dashboardLinkValidityDays (180) */
  days?: string;
  /** @default the running `npm start`'s, else the embedded plan */
  plan?: string;
  /** @default the running `npm start`'s, else the embedded directory */
  directory?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

export async function dashboardLinkCommand(options: DashboardLinkOptions, out: Output): Promise<number> {
  const env = options.env ?? process.env;
  const files = planFilesOf(options, await runningStack());
  const { plan, directory } = await readPlanAndDirectory(files.plan, files.directory);
  const holders = dashboardHolders(directory);
  const holder = options.holder ?? directory.secretariat.kaId;
  if (!holders.some((h) => h.id === holder)) {
    throw new InputError(
      `--holder は ${holders.map((h) => h.id).join(' か ')} です: ${holder}`,
      `--holder must be ${holders.map((h) => h.id).join(' or ')}: ${holder}`,
    );
  }
  const now = options.now ?? new Date();
  const { period } = plan.plan;
  let quarter;
  if (options.quarter !== undefined) {
    const parsed = tryParseQuarter(options.quarter);
    if (!parsed || parsed.fiscalYear < period.from || parsed.fiscalYear > period.to) {
      throw new InputError(
        `--quarter は計画期間 (FY${period.from}–FY${period.to}) の四半期です: ${options.quarter}`,
        `--quarter must be a quarter of the plan period FY${period.from}–FY${period.to}: ${options.quarter}`,
      );
    }
    quarter = formatQuarter(parsed);
  } else {
    const current = quarterOf(now);
    const first = { fiscalYear: period.from, quarter: 1 as const };
    const last = { fiscalYear: period.to, quarter: 4 as const };
    quarter = formatQuarter(compareQuarters(current, first) < 0 ? first : compareQuarters(current, last) > 0 ? last : current);
  }
  const days = linkValidity(options.days, dashboardLinkValidityDays);
  const baseUrl = await linkBaseUrl(options.baseUrl, env);
  // The same secret as the local stack (and `shinchoku link`).
  const secret = await localSigningSecret(env);
  const token = issueDashboardToken({ tenant: plan.plan.tenant, directory, holder, quarter, now, validDays: days }, secret);
  const expires = addDays(jstDate(now), days);
  const name = holders.find((h) => h.id === holder)!.name;
  out.info(`${name} のダッシュボードのリンク — 有効期限 ${formatWarekiDate(expires)}頃`, `dashboard link for ${holder}, valid until about ${expires}`);
  out.data(dashboardLink(baseUrl, token));
  return 0;
}
