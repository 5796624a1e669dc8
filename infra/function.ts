/**
 * `ShinchokuFunction`: every Lambda function of the project, with the defaults in one place. A function
 * is named by its folder: `new ShinchokuFunction(this, 'GetPlan', { name: 'get-plan', tenant })` bundles
 * `functions/get-plan/handler.ts` with the locally installed esbuild (no Docker).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { envNames } from '#shared/config/env';
import type { Data, TableAccess } from './data.ts';

/** The project root: the folder holding package.json, package-lock.json, tsconfig.json. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `functions/<name>/handler.ts`, absolute. */
export function handlerEntry(name: string): string {
  return join(projectRoot, 'functions', name, 'handler.ts');
}

/**
 * The newest Node.js runtime this aws-cdk-lib knows. Written out rather than `NODEJS_LATEST`, which
 * trails behind (it is the newest runtime available in *all* regions) and does not satisfy cdk-nag L1.
 */
export const nodeRuntime = lambda.Runtime.NODEJS_24_X;

/**
 * ESM output still meets CommonJS dependencies that call `require()` for Node built-ins; give the
 * module a real `require`. The alias keeps the banner clear of names inside the bundle.
 */
export const esmRequireBanner =
  "import { createRequire as __shinchokuCreateRequire } from 'node:module'; const require = __shinchokuCreateRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild through NodejsFunction). Exported so `shinchoku bench`
 * measures the bundles exactly as they are deployed.
 */
export const functionBundling = {
  format: OutputFormat.ESM,
  banner: esmRequireBanner,
  // Prefer the packages' ES module builds (the SDK's dist-es): esbuild can drop what is not imported.
  mainFields: ['module', 'main'] as string[],
  minify: true,
  sourceMap: true,
  // Stack traces only need the mappings; leaving the sources out keeps the asset small.
  sourcesContent: false,
  // Bundle the SDK (pinned in package-lock.json) instead of using the runtime's copy.
  bundleAwsSDK: true,
  externalModules: [] as string[],
  forceDockerBundling: false,
} as const;

export interface ShinchokuFunctionProps {
  /** Folder under `functions/` whose `handler.ts` exports `handler`, e.g. `get-plan`. */
  readonly name: string;

  /** Tenant (municipality) the function serves; set as `TENANT`. */
  readonly tenant: string;

  /**
   * One line shown in the Lambda console.
   *
   * @default `shinchoku <name>`
   */
  readonly description?: string;

  /**
   * Memory in MB. On arm64 512 MB gives enough CPU for a cold start with the bundled SDK.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Maximum run time. HTTP API integrations give up after 30 s, so HTTP functions stay well below.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Extra environment variables (TENANT, NODE_OPTIONS and POWERTOOLS_SERVICE_NAME are always set;
   * TABLE_NAME is set by `bindTable`).
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * How long the function's log group keeps events.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Minimum level of the application's log lines that reach CloudWatch.
   *
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
}

/**
 * A `NodejsFunction` with the project's defaults: newest Node runtime, arm64, ESM bundle (minified,
 * source maps, AWS SDK bundled and tree-shaken), explicit log group with retention, JSON logs, active
 * tracing, and an execution role that may only write to its own log group until granted more.
 */
export class ShinchokuFunction extends NodejsFunction {
  /** The folder under `functions/` this function was built from. */
  readonly folder: string;

  constructor(scope: Construct, id: string, props: ShinchokuFunctionProps) {
    const entry = handlerEntry(props.name);
    if (!existsSync(entry)) {
      throw new Error(`関数 ${props.name} のハンドラがありません / no handler for function ${props.name}: ${entry}`);
    }
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role, no AWSLambdaBasicExecutionRole: that managed policy may create any log group and write
    // to all of them; this role may write to the one log group above.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `shinchoku ${props.name} execution role`,
    });
    logGroup.grants.write(role);

    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description ?? `shinchoku ${props.name}`,
      runtime: nodeRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        ...props.environment,
        [envNames.tenant]: props.tenant,
        NODE_OPTIONS: '--enable-source-maps',
        // Matches shared/logger.ts, which names the service `shinchoku-<fn>`.
        POWERTOOLS_SERVICE_NAME: `shinchoku-${props.name}`,
      },
      bundling: { ...functionBundling, tsconfig: join(projectRoot, 'tsconfig.json') },
    });
    this.folder = props.name;

    // Tracing: ACTIVE adds xray:PutTraceSegments / xray:PutTelemetryRecords, which take no resource.
    const defaultPolicy = role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords do not support ' +
          'resource-level permissions, so AWS requires Resource "*" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
      });
    }
  }

  /** Grant `access` to the table (and its indexes) and tell the function its name via TABLE_NAME. */
  bindTable(data: Data, access: TableAccess): this {
    data.grantData(this, access);
    this.addEnvironment(envNames.tableName, data.table.tableName);
    return this;
  }
}
