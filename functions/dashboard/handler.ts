/**
 * The dashboard for the secretariat and the leadership, behind a signed link of purpose `dashboard`:
 *
 * - GET /dashboard/{token}[?quarter=FY2013-Q2&lang=en&size=large&group=bukai] — a quarter at a glance
 * - GET /dashboard/{token}/measures/{measureId} — one 事業's history
 * - GET /dashboard/{token}/open-data/{file} — the quarter's open data (shinchoku-FY2013-Q2.csv / .json)
 *
 * Reads the compiled status and the reports; renders with shared/web/dashboard. Writes nothing.
 */
import { lambdaHandler } from '#shared/lambda-handler';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { authenticateDashboard } from '#shared/auth/dashboard-access';
import { createDocumentClient } from '#shared/aws/dynamodb';
import { envNames, optionalEnv, requireEnv } from '#shared/config/env';
import { linkSecret } from '#shared/config/secrets';
import { formatQuarter, tryParseQuarter } from '#shared/domain/fiscal';
import { openDataFiles, toOpenDataCsv, toOpenDataJson } from '#shared/domain/open-data';
import { buildPublicQuarter } from '#shared/domain/public-status';
import { reminderConfigFromEnv } from '#shared/domain/reminders';
import { errorPage, htmlErrors, type HtmlResult } from '#shared/http/html-pages';
import { routes } from '#shared/http/routes';
import { correlationIds, createLogger } from '#shared/logger';
import { loadProgressSnapshot, planQuarters, withReportsBehind } from '#shared/progress-snapshot';
import { isPublicFrom } from '#shared/publish-public';
import { catalogLoader } from '#shared/store/catalog-cache';
import { reportHistory } from '#shared/store/report-items';
import { createStore } from '#shared/store/store';
import { dashboardHeaders, viewOptionsOf } from '#shared/web/dashboard/frame';
import { renderMeasureHistory } from '#shared/web/dashboard/measure-page';
import { renderDashboard, sheetLinkFromRoutes } from '#shared/web/dashboard/page';
import { publicSiteKeys } from '#shared/web/public/page';

const logger = createLogger('dashboard');
const store = createStore(createDocumentClient(), requireEnv(envNames.tableName), requireEnv(envNames.tenant));
const loadCatalog = catalogLoader(store);
const publicSiteUrl = optionalEnv(envNames.publicSiteUrl, '').replace(/\/+$/, '');
// The rules that say from which day a quarter is on the public site (as publish-public reads them).
const reminderConfig = reminderConfigFromEnv(process.env);

const openDataPattern = /^shinchoku-(FY\d{4}-Q[1-4])\.(csv|json)$/;

export const handler = lambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlationIds(logger))
  .use(
    htmlErrors(
      logger,
      { ja: 'サーバー内部でエラーが発生しました。', en: 'An internal error occurred.' },
      { ja: '時間をおいて、もう一度お試しください。', en: 'Please try again later.' },
    ),
  )
  .handler(async (event): Promise<HtmlResult> => {
    const options = viewOptionsOf(event.queryStringParameters);
    const token = event.pathParameters?.token;
    const [catalog, secret] = await Promise.all([loadCatalog(), linkSecret()]);
    const viewer = authenticateDashboard(token, { secret, tenant: catalog.plan.plan.tenant, directory: catalog.directory });
    if ('outcome' in viewer) {
      logger.info('dashboard link refused', { reason: viewer.en });
      return errorPage(options.lang, 401, { ja: 'このリンクは使えません', en: 'This link cannot be used' }, viewer, {
        ja: '事務局に新しいダッシュボードのリンクを依頼してください。',
        en: 'Ask the secretariat for a new dashboard link.',
      });
    }
    logger.appendKeys({ dashboardHolder: viewer.holder });

    const quarters = planQuarters(catalog.plan);
    const asked = event.queryStringParameters?.quarter;
    let quarter: string | undefined;
    if (asked !== undefined) {
      const parsed = tryParseQuarter(asked);
      quarter = parsed ? formatQuarter(parsed) : undefined;
      if (!quarter || !quarters.includes(quarter)) {
        return errorPage(
          options.lang,
          400,
          { ja: '四半期を指定し直してください', en: 'Please choose another quarter' },
          {
            ja: `「${asked}」は計画期間 (${quarters[0]}〜${quarters.at(-1)}) の四半期ではありません`,
            en: `"${asked}" is not a quarter of the plan period (${quarters[0]} to ${quarters.at(-1)})`,
          },
        );
      }
    }
    const base = `/dashboard/${encodeURIComponent(token!)}`;

    const file = event.pathParameters?.file;
    if (file !== undefined) {
      const match = openDataPattern.exec(file);
      const fileQuarter = match?.[1];
      const snapshot = fileQuarter && quarters.includes(fileQuarter) ? await loadProgressSnapshot(store, catalog.plan, fileQuarter) : undefined;
      const compiled = fileQuarter ? snapshot?.compiled.get(fileQuarter) : undefined;
      if (!match || !snapshot || !compiled) {
        return errorPage(options.lang, 404, { ja: 'データがありません', en: 'No such data' }, {
          ja: `${file} はありません (集計済みの四半期の shinchoku-FY2013-Q2.csv / .json の形式です)`,
          en: `there is no ${file} (files are shinchoku-FY2013-Q2.csv / .json, for compiled quarters)`,
        });
      }
      const data = buildPublicQuarter({ plan: catalog.plan, quarter: match[1]!, statuses: compiled.measures, reports: await withReportsBehind(store, snapshot.reports, compiled.measures), generatedAt: new Date() });
      const csv = match[2] === 'csv';
      return {
        statusCode: 200,
        headers: {
          'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="${csv ? openDataFiles.csv(match[1]!) : openDataFiles.json(match[1]!)}"`,
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
        },
        body: csv ? toOpenDataCsv(data) : toOpenDataJson(data),
      };
    }

    const measureId = event.pathParameters?.measureId;
    if (measureId !== undefined) {
      const measure = catalog.plan.measures.find((m) => m.id === measureId);
      if (!measure) {
        return errorPage(options.lang, 404, { ja: '事業が見つかりません', en: 'No such measure' }, {
          ja: `事業 ${measureId} は計画にありません`,
          en: `the plan has no measure ${measureId}`,
        });
      }
      const [snapshot, history] = await Promise.all([
        loadProgressSnapshot(store, catalog.plan, quarters[0]!),
        reportHistory(store, measure.id),
      ]);
      const shown = quarter ?? latestCompiled(quarters, snapshot.compiled) ?? defaultQuarter(quarters, viewer.claims.quarter);
      const statusByQuarter = new Map(
        [...snapshot.compiled].flatMap(([q, c]) => {
          const status = c.measures.find((m) => m.measureId === measure.id);
          return status ? [[q, status] as const] : [];
        }),
      );
      return {
        statusCode: 200,
        headers: { ...dashboardHeaders },
        body: renderMeasureHistory({ plan: catalog.plan, measure, quarter: shown, planQuarters: quarters, statusByQuarter, compiledQuarters: new Set(snapshot.compiled.keys()), reports: history, now: new Date() }, options, { base }),
      };
    }

    // Without a choice: the newest compiled quarter, else the link's own quarter.
    const probe = quarter ?? quarters.at(-1)!;
    let snapshot = await loadProgressSnapshot(store, catalog.plan, probe);
    const shown = quarter ?? latestCompiled(quarters, snapshot.compiled) ?? defaultQuarter(quarters, viewer.claims.quarter);
    if (shown !== probe) snapshot = { ...snapshot, reports: snapshot.reports.filter((r) => r.quarter <= shown) };
    const now = new Date();
    const body = renderDashboard(
      { plan: catalog.plan, directory: catalog.directory, quarter: shown, planQuarters: quarters, compiled: snapshot.compiled, reports: snapshot.reports, now },
      options,
      {
        base,
        sheet: sheetLinkFromRoutes(routes, token!),
        publicPage: publicSiteUrl ? (q) => (isPublicFrom(q, snapshot.compiled.get(q)?.compiledAt, now, reminderConfig) ? `${publicSiteUrl}/${publicSiteKeys.quarterPage(q)}` : undefined) : undefined,
      },
    );
    return { statusCode: 200, headers: { ...dashboardHeaders }, body };
  });

function latestCompiled(quarters: readonly string[], compiled: ReadonlyMap<string, unknown>): string | undefined {
  return quarters.filter((q) => compiled.has(q)).at(-1);
}

/** The link's quarter when it lies in the plan period, else the nearest end of the period. */
function defaultQuarter(quarters: readonly string[], linkQuarter: string): string {
  if (quarters.includes(linkQuarter)) return linkQuarter;
  return linkQuarter < quarters[0]! ? quarters[0]! : quarters.at(-1)!;
}
