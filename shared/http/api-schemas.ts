/**
 * The zod schemas the HTTP API publishes, by the name the route table (routes.ts) refers to them
 * with. `openapi.ts` turns them into the OpenAPI document; the handlers validate and answer with the
 * same schemas, so the document cannot say something the code does not do.
 */
import * as z from '../zod.ts';
import { directoryIdPattern, measureIdPattern, reportReferencePattern } from '../domain/ids.ts';
import { MeasureSchema, PlanFileSchema } from '../domain/plan.ts';
import { ReportHistorySchema, ReportReceiptSchema } from '../domain/report-query.ts';
import { ReportInputSchema, type ReportInput } from '../domain/report-input.ts';
import { StoredReportSchema } from '../domain/report.ts';
import { BukaiStatusViewSchema, MeasureStatusViewSchema, PlanStatusViewSchema, ReportSummarySchema } from '../domain/status-view.ts';
import { IdempotencyKeySchema, idempotencyKeyHeader } from './idempotency-key.ts';

/** One field (or header) at fault, and why, in both languages (`FieldError` of report-input.ts). */
export const FieldErrorSchema = z.object({
  field: z.string().check(z.describe('the field at fault as a dotted path (milestones.0.date), or a header name')),
  ja: z.string().check(z.describe('何が誤りか (日本語)')),
  en: z.string().check(z.describe('what is wrong (English)')),
});

/** Every 4xx/5xx answer of the JSON API. */
export const ApiErrorSchema = z.object({
  error: z.object({
    status: z.int().check(z.describe('the HTTP status, repeated')),
    message: z.string().check(z.describe('日本語のメッセージ')),
    messageEn: z.string().check(z.describe('the message in English')),
    fields: z.optional(z.array(FieldErrorSchema)).check(z.describe('one entry per field (or header) at fault')),
  }),
});

/** The OpenAPI document itself, described loosely: its own schema is the OpenAPI 3.1 specification. */
export const OpenApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** A report as a client would send it: 総合政策課 on 2-2-3 (オープンデータの推進) for FY2013 Q2. */
export const reportInputExample = {
  measureId: '2-2-3',
  quarter: 'FY2013-Q2',
  status: '予定どおり',
  milestones: [{ milestoneId: 'm1', progress: 'in_progress', date: '2013-07-01' }],
  budgetExecutedThousandYen: '１２，３４５',
  narrative: '公開データの棚卸しを終え、第一弾として 5 件を公開しました。',
  issues: '',
  nextSteps: '利用者アンケートを実施します。',
  person: '下野 花子',
} satisfies ReportInput;

/** A published schema: the zod schema, which direction it describes, and an example. */
export interface ApiSchemaEntry {
  schema: z.ZodMiniType;
  /** `input`: what a client sends (defaults and transforms not applied); `output`: what the API answers. */
  io: 'input' | 'output';
  /** A value the document shows as the example (request bodies). */
  example?: unknown;
}

/** The schemas of the document, by the name routes.ts uses (the component name in the document). */
export const apiSchemas = {
  ReportInput: { schema: ReportInputSchema, io: 'input', example: reportInputExample },
  ReportReceipt: { schema: ReportReceiptSchema, io: 'output' },
  Report: { schema: StoredReportSchema, io: 'output' },
  ReportSummary: { schema: ReportSummarySchema, io: 'output' },
  ReportHistory: { schema: ReportHistorySchema, io: 'output' },
  MeasureStatus: { schema: MeasureStatusViewSchema, io: 'output' },
  BukaiStatus: { schema: BukaiStatusViewSchema, io: 'output' },
  PlanStatus: { schema: PlanStatusViewSchema, io: 'output' },
  Plan: { schema: PlanFileSchema, io: 'output' },
  Measure: { schema: MeasureSchema, io: 'output' },
  ApiError: { schema: ApiErrorSchema, io: 'output' },
  OpenApiDocument: { schema: OpenApiDocumentSchema, io: 'output' },
} as const satisfies Record<string, ApiSchemaEntry>;
export type ApiSchemaName = keyof typeof apiSchemas;

/** A query or header parameter as the document states it. */
export interface ApiParameterEntry {
  in: 'query' | 'header';
  name: string;
  required: boolean;
  schema: z.ZodMiniType;
  description: string;
  example?: string;
}

/** Parameters besides the path ones, by the name routes.ts uses. */
export const apiParameters = {
  quarter: {
    in: 'query',
    name: 'quarter',
    required: false,
    schema: z.string(),
    description:
      '四半期 (例: FY2013-Q2, 平成25年度第2四半期)。省略時は現在の四半期 (JST、計画期間内に収めたもの) / ' +
      'the quarter, e.g. FY2013-Q2; default: the current quarter (JST), moved into the plan period',
    example: 'FY2013-Q2',
  },
  reportQuarter: {
    in: 'query',
    name: 'quarter',
    required: false,
    schema: z.string(),
    description: "この四半期の報告だけ (例: FY2013-Q2)。省略時は全期間 / only this quarter's reports; default: all",
    example: 'FY2013-Q2',
  },
  idempotencyKey: {
    in: 'header',
    name: idempotencyKeyHeader,
    required: true,
    schema: IdempotencyKeySchema,
    description: z.globalRegistry.get(IdempotencyKeySchema)?.description ?? idempotencyKeyHeader,
    example: '6f1c2a9e-4b7d-4d0e-9a51-2f7e0c3b8d11',
  },
} as const satisfies Record<string, ApiParameterEntry>;
export type ApiParameterName = keyof typeof apiParameters;

/** Path parameters by their name in the route path; a name not listed is documented as a plain string. */
export const apiPathParameters: Readonly<Record<string, { schema: z.ZodMiniType; description: string; example?: string }>> = {
  measureId: {
    schema: z.string().check(z.regex(measureIdPattern)),
    description: '事業 id (全角の数字やダッシュ「２－２－３」も読みます) / measure id (full-width digits and dashes, "２－２－３", are read too)',
    example: '2-2-3',
  },
  reference: {
    schema: z.string().check(z.regex(reportReferencePattern)),
    description: '受付番号 (小文字や全角で書かれていても読みます) / report reference (read in lower case or full-width too)',
    example: 'FY2013-Q2-2-2-3-v1',
  },
  bukaiId: {
    schema: z.string().check(z.regex(directoryIdPattern)),
    description: '専門部会の id (名簿) / 部会 id from the directory',
    example: 'kikaku',
  },
  token: { schema: z.string(), description: '署名付きリンクのトークン / the signed link token' },
};

/** Response headers the document names. */
export const apiHeaders = {
  Location: { description: '記録された報告の URL / where the recorded report can be read', schema: z.string() },
  'Idempotent-Replayed': {
    description:
      '記録済みの報告を返したとき "true" (同じ要求の再送、または最新の版と同じ内容) / "true" when the answer is a report already recorded (a retry, or the same content as the newest version)',
    schema: z.literal('true'),
  },
  'WWW-Authenticate': { description: 'Bearer (RFC 6750)', schema: z.string() },
  'Retry-After': { description: '同じ要求を送り直すまでの秒数 / seconds to wait before sending the same request again', schema: z.string().check(z.regex(/^\d+$/)) },
} as const satisfies Record<string, { description: string; schema: z.ZodMiniType }>;
export type ApiHeaderName = keyof typeof apiHeaders;
