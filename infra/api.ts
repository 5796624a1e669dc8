/**
 * The HTTP API: one API Gateway route per entry of `routes` (shared/http/routes.ts), one
 * `ShinchokuFunction` per distinct `fn`, access logs in CloudWatch, throttling on the default stage.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeFunctions, routeKey, routes as allRoutes, usesLinkToken, type RouteDefinition } from '#shared/http/routes';
import type { Data, TableAccess } from './data.ts';
import { ShinchokuFunction } from './function.ts';
import { pascalCase } from './names.ts';
import type { LinkSecret } from './secrets.ts';

/**
 * Table access per function folder. Every function behind a route must be listed: a new function
 * fails the synth until someone decides whether it may write (or, `none`, whether it needs the table).
 */
export const defaultTableAccess: Readonly<Record<string, TableAccess | 'none'>> = {
  'get-plan': 'read',
  // The internet-facing writers append reports (TransactWriteItems of two conditional Puts) and change nothing.
  'report-form': 'append',
  'submit-report': 'append',
  'read-reports': 'read',
  'read-status': 'read',
  // It serves a document shipped in its bundle and reads nothing from the table.
  openapi: 'none',
  dashboard: 'read',
  'report-sheet': 'read',
  'upload-sheet': 'append',
};

/**
 * Routes that answer without authentication, with the reason recorded as the cdk-nag APIG4
 * acknowledgement. Only read routes over published material belong here.
 */
export const defaultPublicRoutes: Readonly<Record<string, string>> = {
  'GET /api/plan':
    'Public read-only route: returns the published 下野市第二次地域情報化計画 catalogue (a public document); no personal data, no writes.',
  'GET /api/plan/measures/{measureId}':
    'Public read-only route: returns one 事業 of the published plan (a public document); no personal data, no writes.',
  'GET /form/{token}':
    'No authorizer by design: the signed, expiring per-課 token in the path is the credential (HMAC checked by the function before anything is read); an invalid or expired token gets 401 and nothing else.',
  'POST /form/{token}':
    'No authorizer by design: the signed, expiring per-課 token in the path is the credential (HMAC checked by the function before anything is written); a 課 may only report on the 事業 it owns, and an invalid token gets 401 with nothing written.',
  'GET /openapi.json':
    'Public read-only route: returns the OpenAPI document generated from the code (routes and schemas); it holds no data, no personal information, and the function reads nothing from the table.',
};

/**
 * The cdk-nag APIG4 acknowledgement of routes whose caller is a signed link token (routes.ts `auth`):
 * the function itself verifies the token, before anything is read or written.
 */
export const linkTokenRouteReason =
  'Authorised inside the function rather than by an API Gateway authorizer: every request must carry a signed, expiring ' +
  'per-課 or dashboard link token (HMAC-SHA256 with the Secrets Manager link secret, tenant and purpose bound), verified by the ' +
  'function (the bearerAuth and readerAuth middlewares for the JSON API) before any read or write; a missing, expired or ' +
  'altered token gets 401 and nothing else, and a read outside the token holder\'s scope gets 403.';

export interface ApiProps {
  /** The table the functions read and write. */
  readonly data: Data;

  /** Tenant (municipality) the functions serve. */
  readonly tenant: string;

  /**
   * The routes to serve.
   *
   * @default - every route in shared/http/routes.ts
   */
  readonly routes?: readonly RouteDefinition[];

  /**
   * Table access per function folder.
   *
   * @default defaultTableAccess (get-plan: read)
   */
  readonly tableAccess?: Readonly<Record<string, TableAccess | 'none'>>;

  /**
   * Route keys served without an authorizer, each with the reason why that is acceptable.
   *
   * @default defaultPublicRoutes (the read-only plan routes, the form's own routes and the API description)
   */
  readonly publicRoutes?: Readonly<Record<string, string>>;

  /**
   * The link secret (infra/secrets.ts). Each function behind a route whose `auth` is a link token
   * gets `LINK_SECRET_ARN` and may read this secret; no other function may.
   *
   * @default - none; a route with link-token auth then fails the synth
   */
  readonly linkSecret?: LinkSecret;

  /**
   * Steady-state request rate limit of the default stage (requests per second).
   *
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst limit of the default stage (requests).
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * How long access log events are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * One JSON line per request, HTTP API context variables only. The route key (`GET /form/{token}`),
 * never the path: the path of a form or dashboard link holds its signed token, a live credential,
 * and the log group keeps a year.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** The functions by folder name. */
  readonly functions: ReadonlyMap<string, ShinchokuFunction>;
  /** The routes by route key (`GET /api/plan`). */
  readonly routes: ReadonlyMap<string, apigwv2.HttpRoute>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const routeDefinitions = props.routes ?? allRoutes;
    const tableAccess = props.tableAccess ?? defaultTableAccess;
    const publicRoutes = props.publicRoutes ?? defaultPublicRoutes;

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'shinchoku — 進捗報告 API',
      // The default stage is created below, with access logs and throttling.
      createDefaultStage: false,
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit ?? 50, burstLimit: props.throttlingBurstLimit ?? 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: accessLogFormat,
      },
    });

    const functions = new Map<string, ShinchokuFunction>();
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const fn of routeFunctions(routeDefinitions)) {
      const access = tableAccess[fn];
      if (access === undefined) {
        throw new Error(
          `関数 ${fn} のテーブル権限（infra/data.ts の TableAccess か none）が決まっていません。api.ts の defaultTableAccess に追加してください / ` +
            `no table access (a TableAccess of infra/data.ts, or none) declared for function ${fn}; add it to defaultTableAccess in infra/api.ts`,
        );
      }
      const handler = new ShinchokuFunction(this, pascalCase(fn), { name: fn, tenant: props.tenant });
      if (access !== 'none') handler.bindTable(props.data, access);
      if (routeDefinitions.some((r) => r.fn === fn && usesLinkToken(r))) {
        if (!props.linkSecret) {
          throw new Error(
            `関数 ${fn} は署名付きリンクを検証しますが、linkSecret が渡されていません / function ${fn} verifies link tokens but no linkSecret was given`,
          );
        }
        props.linkSecret.grantRead(handler);
      }
      functions.set(fn, handler);
      integrations.set(fn, new HttpLambdaIntegration(`${pascalCase(fn)}Integration`, handler));
    }

    const routeConstructs = new Map<string, apigwv2.HttpRoute>();
    for (const route of routeDefinitions) {
      const key = routeKey(route);
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations.get(route.fn)!,
      });
      if (!httpRoute) throw new Error(`ルートを作成できません / could not create route ${key}`);
      const noAuthorizerReason = publicRoutes[key] ?? (usesLinkToken(route) ? linkTokenRouteReason : undefined);
      if (noAuthorizerReason !== undefined) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: noAuthorizerReason });
      }
      routeConstructs.set(key, httpRoute);
    }
    this.functions = functions;
    this.routes = routeConstructs;
  }

  /** The base URL of the default stage. */
  get url(): string {
    return this.stage.url;
  }
}
