/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (routes.ts) and the zod
 * schemas it names (api-schemas.ts) — no second list: a route added to the table is in the document,
 * and a schema changed in code is changed in the document.
 */
import * as z from '../zod.ts';
import {
  apiHeaders,
  apiParameters,
  apiPathParameters,
  apiSchemas,
  type ApiSchemaEntry,
  type ApiSchemaName,
} from './api-schemas.ts';
import { bearerTokensOf, routes as allRoutes, type BearerToken, type RouteDefinition, type RouteResponseDoc } from './routes.ts';

/** The version of the API contract (not of the package): bump on an incompatible change. */
export const apiVersion = '2.0.0';

/** Where component schemas live in the document; `$ref`s between them use it. */
const componentUri = (id: string) => `#/components/schemas/${id}`;

/** The name of the security scheme of a 課's form link token (`bearer-link` routes). */
export const linkTokenScheme = 'linkToken';

/** The name of the security scheme of the dashboard link token of the secretariat or the leadership. */
export const dashboardTokenScheme = 'dashboardToken';

/** The security scheme of each kind of link token a route may take. */
export const tokenSchemes: Readonly<Record<BearerToken, string>> = { form: linkTokenScheme, dashboard: dashboardTokenScheme };

type Json = Record<string, unknown>;

/** What the document says of each status when the route does not say more. */
const statusDescriptions: Readonly<Record<number, string>> = {
  200: 'OK',
  201: '作成しました / created',
  400: '入力の誤り (項目ごとの理由つき) / invalid input, with the reason per field',
  401: '署名付きリンクのトークンがない・期限切れ・改ざん / missing, expired or altered link token',
  403: 'このトークンでは許可されていません (課の範囲外) / not allowed with this token (outside the 課\'s scope)',
  404: '見つかりません / not found',
  409: 'Idempotency-Key が別の内容で使われています、またはこの事業・四半期に記録できる版が残っていません / the idempotency key was used for other content, or the 事業 and quarter have no version left to record',
  413: '本文が大きすぎます / body too large',
  415: '本文は application/json で送ってください / the body must be application/json',
  500: 'サーバー内部のエラー / internal error',
  503: '同じ事業・四半期への同時の送信が続き、記録できませんでした。Retry-After の秒数の後に同じ要求を送ってください / concurrent submissions to the same 事業 and quarter kept the report from being recorded; send the same request again after Retry-After seconds',
};

/**
 * `z.preprocess(normaliseNumber, z.number())` takes numbers written as text ("１２，３４５"), but zod
 * can only describe the number it produces; in the input direction the document says both.
 */
const numbersAsText: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (ctx) => {
  const def = ctx.zodSchema._zod.def as { type: string; in?: { _zod: { def: { type: string } } } };
  const target = ctx.jsonSchema as Json;
  if (def.type !== 'pipe' || def.in?._zod.def.type !== 'transform' || target.type !== 'number') return;
  const { description, ...numeric } = target;
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, {
    ...(description !== undefined ? { description } : {}),
    anyOf: [numeric, { type: 'string', description: '数字の文字列 (全角・桁区切り可) / digits as text (full-width digits and separators are read)' }],
  });
};

const generateOptions = (io: 'input' | 'output') =>
  ({ io, target: 'draft-2020-12', ...(io === 'input' ? { override: numbersAsText } : {}) }) as const;

/** zod's JSON Schema, as a Schema Object of the document (which states the dialect once, at the top). */
function schemaObject(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, generateOptions(io)) as Json;
  return rest;
}

/**
 * The component schemas, generated per direction so that a shared sub-schema (a stored report in a
 * history and in a status) is one `$ref`, not a copy.
 */
export function componentSchemas(names: readonly ApiSchemaName[] = Object.keys(apiSchemas) as ApiSchemaName[]): Record<string, Json> {
  const schemas: Record<string, Json> = {};
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const name of names) {
      const entry: ApiSchemaEntry = apiSchemas[name];
      if (entry.io === io) registry.add(entry.schema, { id: name });
    }
    const generated = z.toJSONSchema(registry, { ...generateOptions(io), uri: componentUri });
    for (const [id, schema] of Object.entries(generated.schemas)) {
      // `$id` with a fragment is not allowed in 2020-12, and the dialect is the document's.
      const { $id: _id, $schema: _dialect, ...rest } = schema as Json;
      schemas[id] = rest;
    }
  }
  return schemas;
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

function responseOf(status: number, doc: RouteResponseDoc): Json {
  const entry = typeof doc === 'string' ? { schema: doc } : doc;
  return {
    description: entry.description ?? statusDescriptions[status] ?? String(status),
    ...(entry.headers?.length
      ? {
          headers: Object.fromEntries(
            entry.headers.map((name) => [name, { description: apiHeaders[name].description, schema: schemaObject(apiHeaders[name].schema, 'output') }]),
          ),
        }
      : {}),
    ...(entry.schema ? { content: { 'application/json': { schema: { $ref: componentUri(entry.schema) } } } } : {}),
  };
}

/** The Operation Object of one route. */
function operationOf(route: RouteDefinition): Json {
  const docs = route.docs;
  const parameters = [
    ...pathParameterNames(route.path).map((name) => {
      const known = apiPathParameters[name];
      return {
        name,
        in: 'path',
        required: true,
        description: known?.description ?? name,
        schema: known ? schemaObject(known.schema, 'input') : { type: 'string' },
        ...(known?.example ? { example: known.example } : {}),
      };
    }),
    ...(docs?.parameters ?? []).map((key) => {
      const p = apiParameters[key];
      return {
        name: p.name,
        in: p.in,
        required: p.required,
        description: p.description,
        schema: schemaObject(p.schema, 'input'),
        ...('example' in p ? { example: p.example } : {}),
      };
    }),
  ];
  const requestBody = docs?.requestBody;
  const example = requestBody ? (apiSchemas[requestBody] as ApiSchemaEntry).example : undefined;
  return {
    operationId: docs?.operationId ?? `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: docs?.summary ?? route.description,
    description: route.description,
    tags: [route.fn],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: componentUri(requestBody) }, ...(example !== undefined ? { example } : {}) },
            },
          },
        }
      : {}),
    responses: docs
      ? Object.fromEntries(Object.entries(docs.responses).map(([status, doc]) => [status, responseOf(Number(status), doc)]))
      : { default: { description: route.description } },
    // Alternatives: any one of the schemes listed will do.
    security: bearerTokensOf(route).map((token) => ({ [tokenSchemes[token]]: [] })),
  };
}

/** The whole document for a route table (by default the deployed one). */
export function buildOpenApiDocument(routeTable: readonly RouteDefinition[] = allRoutes): Json {
  const paths: Record<string, Json> = {};
  for (const route of routeTable) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  // ApiError: every route's errors; ReportSummary: inside the status answers, one $ref rather than a copy in each.
  const used = new Set<ApiSchemaName>(['ApiError', 'ReportSummary']);
  for (const route of routeTable) {
    if (route.docs?.requestBody) used.add(route.docs.requestBody);
    for (const doc of Object.values(route.docs?.responses ?? {})) {
      const schema = typeof doc === 'string' ? doc : doc.schema;
      if (schema) used.add(schema);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'shinchoku (進捗) API',
      version: apiVersion,
      description:
        '地域情報化計画の四半期進捗報告 API。報告の送信には課ごと・四半期ごとの署名付きリンクのトークンが必要です。' +
        '閲覧では、課のトークンはその課が担当・関連する事業と自分の専門部会だけを読め、計画全体やほかの課の事業は' +
        '事務局・幹部のダッシュボードのリンクのトークンが必要です (範囲外は 403)。' +
        'エラーは日本語 (message) と英語 (messageEn) で、項目ごとの理由 (fields) を返します。' +
        'どのルートも、予期しないエラーには同じ形の 500 を返します。\n\n' +
        'Quarterly progress reporting for the municipal ICT plan. Submitting needs the signed link token of a 課 and ' +
        'quarter. For reading, a 課\'s token reads the 事業 the 課 owns or is related to and its own 専門部会; the whole ' +
        'plan and other departments\' 事業 need the dashboard link token of the secretariat or the leadership (403 ' +
        'outside the scope). Errors come in Japanese (message) and English (messageEn), with a reason per field (fields). ' +
        'Every route answers an unexpected error with a 500 of the same shape.',
    },
    paths,
    components: {
      schemas: componentSchemas([...used]),
      securitySchemes: {
        [linkTokenScheme]: {
          type: 'http',
          scheme: 'bearer',
          description: 'リマインダーのメールにある課・四半期ごとの署名付きリンクのトークン / the signed link token of a 課 and quarter, as in the reminder mails',
        },
        [dashboardTokenScheme]: {
          type: 'http',
          scheme: 'bearer',
          description:
            '事務局・幹部のダッシュボードのリンク (/dashboard/<トークン>) のトークン (shinchoku dashboard-link) / ' +
            'the token of the secretariat\'s or leadership\'s dashboard link (/dashboard/<token>, from shinchoku dashboard-link)',
        },
      },
    },
  };
}
