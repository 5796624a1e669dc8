/**
 * Every HTTP route, defined once. The CDK stack turns each into an API Gateway HTTP API route on the
 * function `functions/<fn>/handler.ts`; the local stack serves the same table on localhost with the
 * same handlers, so the two cannot drift apart.
 */
// Type-only: the CDK app reads this table without loading the zod schemas.
import type { ApiHeaderName, ApiParameterName, ApiSchemaName } from './api-schemas.ts';

export interface RouteDefinition {
  /** HTTP method as API Gateway writes it. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `/api/measures/{measureId}`. */
  path: string;
  /** Folder under `functions/` whose `handler.ts` serves the route. */
  fn: string;
  /** One line for the README and the local index page. */
  description: string;
  /**
   * Who may call the route. `public`: anyone (also acknowledged, with its reason, in infra/api.ts
   * `defaultPublicRoutes`). `bearer-link` / `path-link`: a signed per-課 link token, sent as
   * `Authorization: Bearer` or as the path's `{token}`, verified inside the function; the function
   * gets the link secret. Unset: the route needs an entry in `defaultPublicRoutes`, or cdk-nag stops
   * the synth (APIG4).
   */
  auth?: RouteAuth;
  /**
   * Which link tokens a `bearer-link` route takes: a 課's `form` link, and for the read routes also the
   * `dashboard` link of the secretariat or the leadership. Absent = `['form']`.
   */
  bearer?: readonly BearerToken[];
  /** What the OpenAPI document says of the route beyond method, path and description (shared/http/openapi.ts). */
  docs?: RouteDocs;
}

/** Who may call a route (see `RouteDefinition.auth`). */
export type RouteAuth = 'public' | 'bearer-link' | 'path-link';

/** A kind of link token a `bearer-link` route takes (see `RouteDefinition.bearer`). */
export type BearerToken = 'form' | 'dashboard';

/** The link tokens a `bearer-link` route takes; none for other routes. */
export function bearerTokensOf(route: Pick<RouteDefinition, 'auth' | 'bearer'>): readonly BearerToken[] {
  return route.auth === 'bearer-link' ? (route.bearer ?? ['form']) : [];
}

/** Who may read what, said once for the read routes' descriptions (shared/auth/read-access.ts). */
const readScope = {
  ja: '課の報告フォームのトークンでは、その課が担当・関連する事業だけ。事務局・幹部のダッシュボードのトークンではすべて。範囲外は 403',
  en: "with a 課's form token, only the 事業 the 課 owns or is related to; with the secretariat's or leadership's dashboard token, every 事業; outside the scope 403",
};

/** True when the function behind the route verifies link tokens, so it needs the link secret. */
export function usesLinkToken(route: Pick<RouteDefinition, 'auth'>): boolean {
  return route.auth === 'bearer-link' || route.auth === 'path-link';
}

/** An answer of a route: the name of its JSON schema, or that with headers / a description of its own. */
export type RouteResponseDoc = ApiSchemaName | { schema?: ApiSchemaName; headers?: readonly ApiHeaderName[]; description?: string };

/** OpenAPI metadata of a route; every name refers to shared/http/api-schemas.ts. */
export interface RouteDocs {
  /** A short title, Japanese / English. */
  summary: string;
  /** Stable name of the operation for generated clients, e.g. `submitReport`. */
  operationId: string;
  /** Query and header parameters (path parameters come from the path). */
  parameters?: readonly ApiParameterName[];
  /** The JSON request body. */
  requestBody?: ApiSchemaName;
  /** The answers by HTTP status. */
  responses: Readonly<Record<number, RouteResponseDoc>>;
}

export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/api/plan',
    fn: 'get-plan',
    description: '計画の全体 / the whole plan catalog',
    auth: 'public',
    docs: { summary: '計画 / the plan', operationId: 'getPlan', responses: { 200: 'Plan', 404: 'ApiError' } },
  },
  {
    method: 'GET',
    path: '/api/plan/measures/{measureId}',
    fn: 'get-plan',
    description: '事業ひとつ / one 事業 of the plan',
    auth: 'public',
    docs: { summary: '事業 / one measure of the plan', operationId: 'getPlanMeasure', responses: { 200: 'Measure', 400: 'ApiError', 404: 'ApiError' } },
  },
  {
    method: 'GET',
    path: '/form/{token}',
    fn: 'report-form',
    description: '課の報告フォーム (HTML、署名付きリンク) / a 課\'s report form (HTML, signed link)',
    auth: 'path-link',
  },
  {
    method: 'POST',
    path: '/form/{token}',
    fn: 'report-form',
    description: '報告フォームの送信 (HTML フォーム) / submit the report form (HTML form post)',
    auth: 'path-link',
  },
  {
    method: 'POST',
    path: '/api/reports',
    fn: 'submit-report',
    description: '進捗報告を送る (署名付きリンクのトークン) / submit a progress report (signed link token)',
    auth: 'bearer-link',
    docs: {
      summary: '進捗報告の送信 / submit a report',
      operationId: 'submitReport',
      parameters: ['idempotencyKey'],
      requestBody: 'ReportInput',
      responses: {
        201: { schema: 'ReportReceipt', headers: ['Location'], description: '記録しました / recorded' },
        200: { schema: 'ReportReceipt', headers: ['Location', 'Idempotent-Replayed'], description: '再送、または最新の版と同じ内容: 記録済みのその報告 (何も記録しません) / a retry, or the same content as the newest version: that report (nothing is recorded)' },
        400: 'ApiError',
        401: { schema: 'ApiError', headers: ['WWW-Authenticate'] },
        403: 'ApiError',
        404: 'ApiError',
        409: 'ApiError',
        413: 'ApiError',
        415: 'ApiError',
        503: { schema: 'ApiError', headers: ['Retry-After'] },
      },
    },
  },
  {
    method: 'GET',
    path: '/api/reports/{reference}',
    fn: 'read-reports',
    description: `報告ひとつ (受付番号)。${readScope.ja} / one report by its reference; ${readScope.en}`,
    auth: 'bearer-link',
    bearer: ['form', 'dashboard'],
    docs: {
      summary: '報告 / one report',
      operationId: 'getReport',
      responses: { 200: 'Report', 400: 'ApiError', 401: { schema: 'ApiError', headers: ['WWW-Authenticate'] }, 403: 'ApiError', 404: 'ApiError' },
    },
  },
  {
    method: 'GET',
    path: '/api/measures/{measureId}/reports',
    fn: 'read-reports',
    description: `事業の報告の履歴 (古い順)。${readScope.ja} / the report history of a 事業, oldest first; ${readScope.en}`,
    auth: 'bearer-link',
    bearer: ['form', 'dashboard'],
    docs: {
      summary: '報告の履歴 / report history',
      operationId: 'listMeasureReports',
      parameters: ['reportQuarter'],
      responses: { 200: 'ReportHistory', 400: 'ApiError', 401: { schema: 'ApiError', headers: ['WWW-Authenticate'] }, 403: 'ApiError', 404: 'ApiError' },
    },
  },
  {
    method: 'GET',
    path: '/api/measures/{measureId}/status',
    fn: 'read-status',
    description: `事業の現在と集計済みの状況。${readScope.ja} / current and compiled status of a 事業; ${readScope.en}`,
    auth: 'bearer-link',
    bearer: ['form', 'dashboard'],
    docs: {
      summary: '事業の状況 / status of a measure',
      operationId: 'getMeasureStatus',
      parameters: ['quarter'],
      responses: { 200: 'MeasureStatus', 400: 'ApiError', 401: { schema: 'ApiError', headers: ['WWW-Authenticate'] }, 403: 'ApiError', 404: 'ApiError' },
    },
  },
  {
    method: 'GET',
    path: '/api/bukai/{bukaiId}/status',
    fn: 'read-status',
    description:
      '専門部会の事業の状況と集計。課の報告フォームのトークンでは自分の部会だけで、自課が担当・関連しない事業は集計済みの状況と報告の要約' +
      ' (氏名・課題・今後の予定・添付なし、access: summary) だけ。事務局・幹部のダッシュボードのトークンではすべての部会を全文で。範囲外は 403' +
      ' / status of a 部会\'s 事業 and its roll-up. With a 課\'s form token only the 課\'s own 部会, where the 事業 the 課 neither owns nor is' +
      ' related to show only their compiled status and a summary of the report (no names, issues, next steps or attachments; access: summary);' +
      ' with the secretariat\'s or leadership\'s dashboard token any 部会, in full; outside the scope 403',
    auth: 'bearer-link',
    bearer: ['form', 'dashboard'],
    docs: {
      summary: '部会の状況 / status of a 部会',
      operationId: 'getBukaiStatus',
      parameters: ['quarter'],
      responses: { 200: 'BukaiStatus', 400: 'ApiError', 401: { schema: 'ApiError', headers: ['WWW-Authenticate'] }, 403: 'ApiError', 404: 'ApiError' },
    },
  },
  {
    method: 'GET',
    path: '/api/status',
    fn: 'read-status',
    description:
      '計画全体の状況と集計。事務局・幹部のダッシュボードのトークンのみ (課のトークンは 403) / status of the whole plan with its roll-ups;' +
      ' the secretariat\'s or leadership\'s dashboard token only (a 課\'s token gets 403)',
    auth: 'bearer-link',
    bearer: ['dashboard'],
    docs: {
      summary: '計画全体の状況 / status of the plan',
      operationId: 'getPlanStatus',
      parameters: ['quarter'],
      responses: { 200: 'PlanStatus', 400: 'ApiError', 401: { schema: 'ApiError', headers: ['WWW-Authenticate'] }, 403: 'ApiError' },
    },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    fn: 'openapi',
    description: 'この API の OpenAPI 3.1 文書 / this API\'s OpenAPI 3.1 document',
    auth: 'public',
    docs: { summary: 'OpenAPI 文書 / the OpenAPI document', operationId: 'getOpenApiDocument', responses: { 200: 'OpenApiDocument' } },
  },
  {
    method: 'GET',
    path: '/dashboard/{token}',
    fn: 'dashboard',
    description: '進捗ダッシュボード (HTML、事務局・幹部の署名付きリンク、?quarter=&lang=en&size=large) / the progress dashboard (HTML, secretariat/leadership signed link)',
    auth: 'path-link',
  },
  {
    method: 'GET',
    path: '/dashboard/{token}/measures/{measureId}',
    fn: 'dashboard',
    description: '事業の履歴 (HTML、ダッシュボードのリンク) / a 事業\'s history (HTML, dashboard link)',
    auth: 'path-link',
  },
  {
    method: 'GET',
    path: '/dashboard/{token}/open-data/{file}',
    fn: 'dashboard',
    description: '四半期のオープンデータ (shinchoku-FY2013-Q2.csv / .json、ダッシュボードのリンク) / a quarter\'s open data (dashboard link)',
    auth: 'path-link',
  },
  {
    method: 'GET',
    path: '/form/{token}/sheet.xlsx',
    fn: 'report-sheet',
    description: '課の進捗管理シート (.xlsx、記入済み、署名付きリンク) / a 課\'s pre-filled progress sheet (.xlsx, signed link)',
    auth: 'path-link',
  },
  {
    method: 'POST',
    path: '/form/{token}/sheet',
    fn: 'upload-sheet',
    description: '記入した進捗管理シートの提出 (multipart/form-data、項目名 sheet) / upload a filled-in progress sheet (multipart, field "sheet")',
    auth: 'path-link',
  },
  {
    method: 'GET',
    path: '/dashboard/{token}/sheets/{quarter}/{bukaiId}',
    fn: 'report-sheet',
    description: '部会の進捗管理シート (.xlsx、記入済み、ダッシュボードのリンク) / a 部会\'s pre-filled progress sheet (.xlsx, dashboard link)',
    auth: 'path-link',
  },
];

/** The route key API Gateway puts in `event.routeKey`, e.g. `GET /api/plan`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Match a concrete path against a route path; returns the path parameters or undefined. */
export function matchPath(routePath: string, actual: string): Record<string, string> | undefined {
  const want = routePath.split('/');
  const got = actual.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] as string;
    const g = got[i] as string;
    const param = /^\{(\w+)\}$/.exec(w);
    if (param?.[1]) {
      if (g === '') return undefined;
      try {
        params[param[1]] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** The distinct functions behind the routes, in route order. */
export function routeFunctions(list: readonly { fn: string }[] = routes): string[] {
  return [...new Set(list.map((r) => r.fn))];
}
