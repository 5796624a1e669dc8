/**
 * `ShinchokuFunction`: every Lambda function of the project, with the defaults in one place. A function
 * is named by its folder: `new ShinchokuFunction(this, 'GetPlan', { name: 'get-plan', tenant })` bundles
 * `functions/get-plan/handler.ts` with the locally installed esbuild (no Docker, see `infra/bundle.ts`).
 */
import { existsSync } from 'node:fs';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { envNames } from '#shared/config/env';
import { bundleEntryFile, bundleFunctionSync, handlerEntry, projectRoot } from './bundle.ts';
import { indexQueries, type Data, type TableAccess } from './data.ts';

export { handlerEntry, projectRoot };

/**
 * The newest Node.js runtime this aws-cdk-lib knows. Written out rather than `NODEJS_LATEST`, which
 * trails behind (it is the newest runtime available in *all* regions) and does not satisfy cdk-nag L1.
 */
export const nodeRuntime = lambda.Runtime.NODEJS_24_X;

/**
 * `infra/bundle.ts` run by the asset staging on this machine (no Docker). Its fields are data on
 * purpose: the staging caches bundles by the JSON of the bundling options, so the function's name
 * and runtime must be in them or every function would get the first function's bundle.
 */
class LocalBundling implements ILocalBundling {
  constructor(
    readonly functionName: string,
    readonly runtimeName: string,
  ) {}

  tryBundle(outputDir: string): boolean {
    bundleFunctionSync(this.functionName, outputDir, this.runtimeName);
    return true;
  }
}

/** The function's code. The asset is hashed by its output, so an unchanged bundle is not uploaded again. */
function bundledCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('shinchoku-local-bundling-only'),
      local: new LocalBundling(name, nodeRuntime.name),
    },
  });
}

/**
 * The environment every function gets, whatever it does; `shinchoku bench` loads the bundles with it
 * too, so their cold start is measured as deployed. No `NODE_OPTIONS=--enable-source-maps`: that costs
 * every cold start about 7 ms on Node 24, and shared/stack-traces.ts maps the stacks from the bundle's
 * source map only when one is written.
 */
export function baseEnvironment(name: string, tenant: string): Record<string, string> {
  return {
    [envNames.tenant]: tenant,
    // Matches shared/logger.ts, which names the service `shinchoku-<fn>`.
    POWERTOOLS_SERVICE_NAME: `shinchoku-${name}`,
  };
}

/** The level functions log at unless told otherwise; `shinchoku bench` runs the API handler at it too. */
export const defaultApplicationLogLevel = lambda.ApplicationLogLevel.INFO;

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
   * Memory in MB. On arm64 512 MB gives enough CPU for a quick cold start.
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
   * Extra environment variables (those of `baseEnvironment` are always set;
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
   * @default defaultApplicationLogLevel (INFO)
   */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
}

/**
 * A `NodejsFunction` with the project's defaults: newest Node runtime, arm64, the ESM bundle of
 * `infra/bundle.ts` (minified, source maps, dependencies bundled and tree-shaken, lazily loaded code in its
 * own chunks), explicit log group with retention, JSON logs, active tracing, and an execution role that
 * may only write to its own log group until granted more.
 *
 * The bundle is passed as `code` because NodejsFunction's own esbuild call writes a single file
 * (`--outfile`), which cannot split chunks; everything else NodejsFunction adds is kept.
 */
export class ShinchokuFunction extends NodejsFunction {
  /** The folder under `functions/` this function was built from. */
  readonly folder: string;
  /** The tenant it serves (`TENANT`). */
  readonly tenant: string;

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
      description: props.description ?? `shinchoku ${props.name}`,
      runtime: nodeRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel ?? defaultApplicationLogLevel,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      code: bundledCode(props.name),
      handler: `${bundleEntryFile.replace(/\.mjs$/, '')}.handler`,
      environment: { ...props.environment, ...baseEnvironment(props.name, props.tenant) },
    });
    this.folder = props.name;
    this.tenant = props.tenant;

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
    // Query on an index only for the functions that query it (indexQueries in infra/data.ts).
    data.grantData(this, access, indexQueries[this.folder] ?? [], this.tenant);
    this.addEnvironment(envNames.tableName, data.table.tableName);
    return this;
  }
}
