/**
 * `shinchoku link --ka <kaId> --quarter FY2013-Q2`: the signed form link and reply-to address of a 課
 * for a quarter, as a reminder mail would carry them. For people (send a link by hand, open the form
 * of the local stack) and for tests. Prints the form URL, then the reply-to address, on stdout.
 * The plan and directory are --plan / --directory, else those the `npm start` running on .shinchoku
 * was started with, else the embedded 下野市 ones.
 */
import { addDays, formatQuarter, formatQuarterEn, formatQuarterJa, formatWarekiDate, jstDate, tryParseQuarter } from '#shared/domain/fiscal';
import { formLink, linkValidityDays, replyAddress, tokenFor } from '#shared/links';
import { defaultDirectoryPath, readPlanAndDirectory } from '#shared/plan-file';
import { planFilesOf, runningStack } from '#local/running-stack';
import { linkBaseUrl, linkValidity, localSigningSecret } from './link-options.ts';
import { InputError, UsageError, type Output } from './output.ts';

export interface LinkOptions {
  ka?: string;
  quarter?: string;
  /** @default PUBLIC_BASE_URL, else the local stack (http://127.0.0.1:3000 or SHINCHOKU_HTTP_PORT) */
  baseUrl?: string;
  /** Validity in days. @default linkValidityDays (60) */
  days?: string;
  /** @default the running `npm start`'s, else the embedded plan */
  plan?: string;
  /** @default the running `npm start`'s, else the embedded directory */
  directory?: string;
  /** For tests: the instant the link is issued at. */
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

export async function linkCommand(options: LinkOptions, out: Output): Promise<number> {
  const env = options.env ?? process.env;
  if (!options.ka || !options.quarter) {
    throw new UsageError('--ka と --quarter が必要です', '--ka and --quarter are required');
  }
  const files = planFilesOf(options, await runningStack());
  const { plan, directory } = await readPlanAndDirectory(files.plan, files.directory);
  const ka = directory.ka.find((k) => k.id === options.ka);
  if (!ka) {
    // With the embedded directory, the 課 may be one of another city, named by its files.
    const embedded = files.directory === undefined || files.directory === defaultDirectoryPath;
    throw new InputError(
      `課 id "${options.ka}" は名簿にありません (例: ${directory.ka[0]?.id ?? ''})` +
        (embedded ? '。組み込みの下野市の名簿です。別の団体なら --plan と --directory で指定してください' : ''),
      `no 課 with id "${options.ka}" in the directory (e.g. ${directory.ka[0]?.id ?? ''})` +
        (embedded ? '; this is the embedded Shimotsuke directory, for another city give --plan and --directory' : ''),
    );
  }
  const parsed = tryParseQuarter(options.quarter);
  if (!parsed) {
    throw new InputError(`四半期を読み取れません: ${options.quarter} (例: FY2013-Q2)`, `cannot read quarter: ${options.quarter} (e.g. FY2013-Q2)`);
  }
  const { period } = plan.plan;
  if (parsed.fiscalYear < period.from || parsed.fiscalYear > period.to) {
    throw new InputError(
      `四半期 ${formatQuarter(parsed)} は計画期間 (FY${period.from}–FY${period.to}) の外です`,
      `quarter ${formatQuarter(parsed)} is outside the plan period FY${period.from}–FY${period.to}`,
    );
  }
  const days = linkValidity(options.days, linkValidityDays);
  const baseUrl = await linkBaseUrl(options.baseUrl, env);

  const now = options.now ?? new Date();
  const quarter = formatQuarter(parsed);
  const secret = await localSigningSecret(env);
  const claims = { tenant: plan.plan.tenant, kaId: ka.id, quarter, now, validDays: days };
  const url = formLink(baseUrl, tokenFor({ ...claims, purpose: 'form' }, secret));
  const address = replyAddress(directory, tokenFor({ ...claims, purpose: 'mail' }, secret));
  // The token expires `days` × 24 h after now; people read the JST day that happens on.
  const expires = addDays(jstDate(now), days);
  out.info(
    `${ka.name} (${ka.bukai}) ${formatQuarterJa(parsed)} の報告リンク — 有効期限 ${formatWarekiDate(expires)}頃`,
    `report link of ${ka.id} for ${formatQuarterEn(parsed)}, valid until about ${expires}`,
  );
  out.data(url);
  out.data(address);
  return 0;
}
