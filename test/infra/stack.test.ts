/**
 * The CDK stack as `cdk synth` builds it: same entry (`createApp`), same context (cdk.json), cdk-nag
 * registered through `Validations`. One synth (with real esbuild bundling) in `beforeAll`; every test
 * reads the resulting assembly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envNames } from '#shared/config/env';
import { routeFunctions, routeKey, routes } from '#shared/http/routes';
import { createTableInput, defaultTableName, timeToLiveAttribute } from '#shared/store/table';
import { defaultTableAccess } from '#infra/api';
import { createApp } from '#infra/app';
import { indexActions, tableActions, tablePropsFromDefinition } from '#infra/data';
import { projectRoot } from '#infra/function';
import type { ShinchokuStack } from '#infra/shinchoku-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Statement = { Effect: string; Action?: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: Json };

/** The context the CLI would pass: cdk.json (feature flags, defaults), and in-memory validation reporting. */
function cliContext(extra: Json = {}): Json {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: Json };
  return { ...cdkJson.context, [cxapi.CDK_APP_MODE_CONTEXT]: 'inmemory', ...extra };
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The X-Ray actions the Lambda service adds for active tracing; AWS accepts them only on Resource "*". */
const actionsThatRequireStarResource = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

/** The newest Node.js runtime the installed aws-cdk-lib knows, computed rather than written down. */
const newestNodeRuntime = lambda.Runtime.ALL.filter((r) => r.family === lambda.RuntimeFamily.NODEJS && /^nodejs\d+\.x$/.test(r.name))
  .map((r) => ({ name: r.name, major: Number.parseInt(r.name.slice('nodejs'.length), 10) }))
  .sort((a, b) => b.major - a.major)[0]!.name;

describe('ShinchokuStack', () => {
  let outdir: string;
  let stack: ShinchokuStack;
  let assembly: cxapi.CloudAssembly | undefined;
  let synthError: unknown;
  let template: Template;
  let resources: Record<string, Json>;

  beforeAll(() => {
    // Prepare
    outdir = mkdtempSync(join(tmpdir(), 'shinchoku-cdk-'));
    const built = createApp({ outdir, context: cliContext() });
    stack = built.stack;
    // Act
    const started = performance.now();
    try {
      assembly = built.app.synth();
    } catch (error) {
      synthError = error;
    }
    console.info(`synth with esbuild bundling and cdk-nag: ${Math.round(performance.now() - started)} ms`);
    if (assembly) {
      const json = assembly.getStackArtifact(stack.artifactId).template as Json;
      template = Template.fromJSON(json);
      resources = json.Resources as Record<string, Json>;
    }
  }, 180_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  const synthesized = (): cxapi.CloudAssembly => {
    if (!assembly) throw new Error(`synth failed: ${String(synthError)}`);
    return assembly;
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const logicalIdOfFunction = (fn: string): string => {
    const handler = stack.api.functions.get(fn);
    if (!handler) throw new Error(`no function ${fn}`);
    return stack.getLogicalId(handler.node.defaultChild as CfnFunction);
  };

  describe('cdk-nag (AwsSolutions via Validations)', () => {
    it('synthesises without unacknowledged findings, warnings or annotations', () => {
      // Prepare
      const cloudAssembly = synthesized();
      // Act
      const report = JSON.parse(readFileSync(join(cloudAssembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8')) as {
        pluginReports: { pluginName: string; violations: { ruleName: string; severity?: string }[] }[];
      };
      const messages = cloudAssembly
        .getStackArtifact(stack.artifactId)
        .messages.filter((m) => m.level === 'error' || m.level === 'warning')
        .map((m) => `${m.level} ${m.id}: ${String(m.entry.data)}`);
      // Assess
      expect(synthError).toBeUndefined();
      expect(report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName} ${v.severity ?? ''} ${v.ruleName}`))).toEqual([]);
      expect(messages).toEqual([]);
    });

    it('would fail the synth on a finding (control: an unencrypted queue)', () => {
      // Prepare: bundling skipped, the control only needs the templates
      const controlDir = mkdtempSync(join(tmpdir(), 'shinchoku-cdk-control-'));
      const control = createApp({ outdir: controlDir, context: cliContext({ [cxapi.BUNDLING_STACKS]: [] }) });
      new sqs.Queue(control.stack, 'ControlQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      try {
        // Act / Assess
        expect(() => control.app.synth()).toThrow(/AwsSolutions-SQS2/);
      } finally {
        rmSync(controlDir, { recursive: true, force: true });
      }
    });
  });

  describe('table', () => {
    const definition = createTableInput(defaultTableName);

    it('has the keys, attributes, index, stream and billing of shared/store/table.ts', () => {
      // Prepare
      const gsis = (definition.GlobalSecondaryIndexes ?? []).map((gsi) => ({
        IndexName: gsi.IndexName,
        KeySchema: gsi.KeySchema,
        Projection: gsi.Projection,
      }));
      // Act
      const tables = ofType('AWS::DynamoDB::GlobalTable');
      // Assess
      expect(tables).toHaveLength(1);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: definition.KeySchema,
        AttributeDefinitions: Match.arrayEquals(definition.AttributeDefinitions ?? []),
        GlobalSecondaryIndexes: gsis,
        BillingMode: definition.BillingMode,
        StreamSpecification: { StreamViewType: definition.StreamSpecification?.StreamViewType },
      });
    });

    it('expires items on the TTL attribute, keeps PITR and deletion protection, and is retained', () => {
      // Prepare
      const [[, table]] = ofType('AWS::DynamoDB::GlobalTable') as [[string, Json]];
      // Act
      const replica = (table.Properties.Replicas as Json[])[0]!;
      // Assess
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: timeToLiveAttribute, Enabled: true });
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(replica.DeletionProtectionEnabled).toBe(true);
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    });

    it('refuses table definitions it cannot map', () => {
      // Prepare
      const withLsi = { ...definition, LocalSecondaryIndexes: [] };
      // Act / Assess
      expect(() => tablePropsFromDefinition(withLsi)).toThrow(/LocalSecondaryIndexes/);
    });
  });

  describe('HTTP API', () => {
    it.each(routes.map((route) => [routeKey(route), route] as const))('serves %s with its function', (key, route) => {
      // Prepare
      const functionId = logicalIdOfFunction(route.fn);
      // Act
      const matching = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === key);
      // Assess
      expect(matching).toHaveLength(1);
      const integrationId = String(matching[0]![1].Properties.Target['Fn::Join'][1][1].Ref);
      expect(resources[integrationId]?.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    });

    it('has exactly the routes and functions of shared/http/routes.ts', () => {
      // Prepare
      const expectedKeys = routes.map(routeKey).sort();
      // Act
      const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string).sort();
      // Assess
      expect(routeKeys).toEqual(expectedKeys);
      expect(ofType('AWS::Lambda::Function')).toHaveLength(routeFunctions().length);
    });

    it('logs access and throttles the default stage', () => {
      // Prepare / Act
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      // Assess
      expect(stages).toHaveLength(1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context\\.requestId') },
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      });
    });
  });

  describe('functions', () => {
    it(`run on the newest Node.js runtime (${newestNodeRuntime}) on arm64, with TABLE_NAME and TENANT`, () => {
      // Prepare / Act
      const functions = ofType('AWS::Lambda::Function');
      // Assess
      expect(functions.length).toBeGreaterThan(0);
      for (const [, fn] of functions) {
        expect(fn.Properties.Runtime).toBe(newestNodeRuntime);
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
        expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining([envNames.tableName, envNames.tenant]));
      }
    });

    it('are bundled during synth into a loadable ES module', () => {
      // Prepare
      const cloudAssembly = synthesized();
      for (const fn of routeFunctions()) {
        const code = resources[logicalIdOfFunction(fn)]!.Properties.Code as { S3Key: string };
        const assetDir = join(cloudAssembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
        const bundle = join(assetDir, 'index.mjs');
        // Act: import the bundle in a clean Node process, as Lambda would
        const loaded = execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(typeof m.handler);`],
          { env: { PATH: process.env.PATH, [envNames.tableName]: 'table', [envNames.tenant]: 'shimotsuke', AWS_REGION: 'ap-northeast-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8' },
        );
        // Assess
        expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
        expect(statSync(bundle).size).toBeGreaterThan(50_000);
        expect(loaded).toBe('function');
      }
    });

    it('get only the table access their declaration allows (get-plan: read)', () => {
      // Prepare
      expect(defaultTableAccess['get-plan']).toBe('read');
      for (const fn of routeFunctions()) {
        const access = defaultTableAccess[fn]!;
        const roleId = resources[logicalIdOfFunction(fn)]!.Properties.Role['Fn::GetAtt'][0] as string;
        // Act
        const dynamoActions = ofType('AWS::IAM::Policy')
          .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
          .flatMap((s) => asArray(s.Action))
          .filter((a) => a.startsWith('dynamodb:'));
        // Assess
        expect(new Set(dynamoActions)).toEqual(new Set([...tableActions[access], ...indexActions]));
      }
    });
  });

  describe('IAM', () => {
    const identityAndResourcePolicyStatements = (): { where: string; statement: Statement }[] => {
      const documents: { where: string; document: Json }[] = [];
      for (const [id, r] of Object.entries(resources)) {
        const p = r.Properties ?? {};
        if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') documents.push({ where: id, document: p.PolicyDocument });
        if (r.Type === 'AWS::IAM::Role') {
          documents.push({ where: `${id} (trust)`, document: p.AssumeRolePolicyDocument });
          for (const inline of asArray(p.Policies as Json[])) documents.push({ where: `${id} (inline)`, document: inline.PolicyDocument });
        }
        if (['AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::LayerVersionPermission'].includes(r.Type)) {
          documents.push({ where: id, document: p.PolicyDocument });
        }
      }
      return documents.flatMap(({ where, document }) => (document.Statement as Statement[]).map((statement) => ({ where, statement })));
    };

    it('grants no wildcard actions', () => {
      // Prepare / Act
      const wildcards = identityAndResourcePolicyStatements().flatMap(({ where, statement }) =>
        asArray(statement.Action)
          .filter((a) => a === '*' || a.endsWith(':*'))
          .map((a) => `${where}: ${a}`),
      );
      // Assess
      expect(wildcards).toEqual([]);
    });

    it('uses Resource "*" only for the X-Ray actions that require it, once per traced function', () => {
      // Prepare
      const statements = identityAndResourcePolicyStatements();
      // Act
      const starStatements = statements.filter(({ statement }) => asArray(statement.Resource).includes('*'));
      // Assess
      for (const { where, statement } of starStatements) {
        expect(statement.Effect, where).toBe('Allow');
        expect(asArray(statement.Action).every((a) => actionsThatRequireStarResource.has(a)), `${where}: ${JSON.stringify(statement.Action)}`).toBe(true);
      }
      expect(starStatements).toHaveLength(ofType('AWS::Lambda::Function').length);
    });

    it('key policy: "*" is the key itself; kms:* only for the account root (default administration statement)', () => {
      // Prepare
      const keys = ofType('AWS::KMS::Key');
      // Act
      const statements = keys.flatMap(([, k]) => k.Properties.KeyPolicy.Statement as Statement[]);
      // Assess
      expect(keys).toHaveLength(1);
      for (const statement of statements) {
        expect(statement.Resource).toBe('*');
        if (asArray(statement.Action).includes('kms:*')) {
          expect(statement.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
        } else {
          expect(statement.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
          expect(statement.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
        }
      }
    });
  });

  describe('monitoring', () => {
    it('has an encrypted, TLS-only alarm topic', () => {
      // Prepare / Act
      const topics = ofType('AWS::SNS::Topic');
      // Assess
      expect(topics).toHaveLength(1);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it.each(routeFunctions())('alarms on Errors and Throttles of %s', (fn) => {
      // Prepare
      const functionId = logicalIdOfFunction(fn);
      const [[topicId]] = ofType('AWS::SNS::Topic') as [[string, Json]];
      // Act / Assess
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
          AlarmActions: [{ Ref: topicId }],
        });
      }
    });
  });

});
