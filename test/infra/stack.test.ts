/**
 * The CDK stack as `cdk synth` builds it: same entry (`createApp`), same context (cdk.json), cdk-nag
 * registered through `Validations`. One synth (with real esbuild bundling) in `beforeAll`; every test
 * reads the resulting assembly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventPatternOf, eventRules, ruleFunctions } from '#events/rules';
import { reportInsertFilter } from '#events/outbox';
import { envNames } from '#shared/config/env';
import { routeFunctions, routeKey, routes, usesLinkToken } from '#shared/http/routes';
import { createTableInput, defaultTableName, timeToLiveAttribute } from '#shared/store/table';
import { defaultPublicRoutes, defaultTableAccess } from '#infra/api';
import { createApp } from '#infra/app';
import { indexActions, keyedActions, indexQueries, tableActions, tablePropsFromDefinition } from '#infra/data';
import { eventTargetTableAccess, eventTargetTimeouts, publisherFunction } from '#infra/events';
import { projectRoot } from '#infra/function';
import { sendActions, sendingEventDimension } from '#infra/outbound-mail';
import { scheduleGroupName, scheduleTableAccess, scheduleTimeouts } from '#infra/schedules';
import { leaseSeconds } from '#shared/store/compile-lease';
import { linkSecretReadActions } from '#infra/secrets';
import { defaultReminderConfig } from '#shared/domain/reminders';
import { scheduledTimePlaceholder } from '#events/schedule-inputs';
import { scheduleFunctions, schedulesFor } from '#shared/schedules';
import type { ShinchokuStack } from '#infra/shinchoku-stack';
import { publicContentSecurityPolicy, publicSiteKeys } from '#shared/web/public/page';

/** The schedules the stack is synthesised with: cdk.json sets no reminder rules, so the defaults. */
const schedules = schedulesFor(defaultReminderConfig);

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
/** SES receipt rule set actions have no resource type: the rule-set activation (infra/inbound-mail.ts) needs "*". */
const sesActivationAction = 'ses:SetActiveReceiptRuleSet';

/** The provider function CDK adds for AwsCustomResource (fixed UUID): not one of ours, so not held to our function defaults. */
const isCustomResourceProvider = (logicalId: string) => logicalId.startsWith('AWS679f53fac002430cb0da5b7982bd2287');

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
  /** The index actions a function is granted: Query, for the functions that query an index (indexQueries). */
  const indexActionsOf = (fn: string): readonly string[] => ((indexQueries[fn] ?? []).length > 0 ? indexActions : []);
  const publisherId = (): string => stack.getLogicalId(stack.events.publisher.node.defaultChild as CfnFunction);
  const logicalIdOfFunction = (fn: string): string => {
    const handler = stack.api.functions.get(fn);
    if (!handler) throw new Error(`no function ${fn}`);
    return stack.getLogicalId(handler.node.defaultChild as CfnFunction);
  };

  /** Every source file esbuild put into any file (entry or chunk) of a function's asset. */
  const assetSources = (functionId: string): string[] => {
    const code = resources[functionId]!.Properties.Code as { S3Key: string };
    const assetDir = join(synthesized().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const chunks = join(assetDir, 'chunks');
    const maps = [join(assetDir, 'index.mjs.map'), ...(existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith('.map')).map((f) => join(chunks, f)) : [])];
    return maps.flatMap((map) => (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources);
  };

  /**
   * What a bundle file loads from outside the asset: every module specifier of an import or require that
   * is neither a Node built-in nor a file of the asset (every npm package must be bundled).
   */
  const importedOutside = (file: string): string[] => {
    const code = readFileSync(file, 'utf8');
    const specifiers = [...code.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*["']([\w@:./-]+)["']/g)].map((m) => m[1]!);
    return [...new Set(specifiers)].filter((s) => !isBuiltin(s) && !s.startsWith('./') && !s.startsWith('../'));
  };

  describe('table access by what each function bundles', () => {
    /** The DynamoDB actions each document-client call needs (a TransactWriteItems needs those of its items). */
    const actionsOfCall: Readonly<Record<string, readonly string[]>> = {
      get: ['dynamodb:GetItem'],
      query: ['dynamodb:Query'],
      scan: ['dynamodb:Scan'],
      put: ['dynamodb:PutItem'],
      update: ['dynamodb:UpdateItem'],
      delete: ['dynamodb:DeleteItem'],
      batchWrite: ['dynamodb:BatchWriteItem'],
    };
    /** Every function of the stack by folder, with the text of all the JavaScript its asset holds. */
    const bundled = () =>
      ofType('AWS::Lambda::Function').flatMap(([id, fn]) => {
        const service = (fn.Properties.Environment?.Variables as Json | undefined)?.POWERTOOLS_SERVICE_NAME;
        if (typeof service !== 'string') return [];
        const dir = join(synthesized().directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
        const chunks = join(dir, 'chunks');
        const files = [join(dir, 'index.mjs'), ...(existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith('.mjs')).map((f) => join(chunks, f)) : [])];
        return [{ id, name: service.replace(/^shinchoku-/, ''), code: files.map((f) => readFileSync(f, 'utf8')).join('\n') }];
      });
    const tableStatements = (functionId: string) => {
      const roleId = resources[functionId]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((st) => asArray(st.Action).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:GetRecords'));
    };
    const onIndex = (st: Statement) => JSON.stringify(st.Resource).includes('/index/');

    it('grants Query on the quarter index exactly to the functions whose bundle queries an index', () => {
      // Prepare
      const all = bundled();
      // Act
      const querying = all.filter((f) => f.code.includes('IndexName')).map((f) => f.name).sort();
      const granted = all.filter((f) => tableStatements(f.id).some(onIndex)).map((f) => f.name).sort();
      // Assess
      expect(querying).toEqual(expect.arrayContaining(['read-status', 'dashboard', 'compile-quarter']));
      expect(granted).toEqual(querying);
      expect(Object.keys(indexQueries).sort()).toEqual(querying);
    });

    it('grants every table action each function calls, and the internet-facing writers no update, delete or batch write', () => {
      for (const { id, name, code } of bundled()) {
        // Prepare
        const calls = [...new Set([...code.matchAll(/\.doc\.(\w+)\(/g)].map((m) => m[1]!))];
        const granted = tableStatements(id).filter((st) => !onIndex(st)).flatMap((st) => asArray(st.Action));
        // Act
        const needed = calls.flatMap((call) => {
          if (call !== 'transactWrite') return actionsOfCall[call] ?? [`unknown call ${call}`];
          // A transaction of Put items needs PutItem; any other kind of item is named here.
          return ['dynamodb:PutItem', ...(['Update:', 'Delete:', 'ConditionCheck:'].filter((k) => code.includes(k)).map((k) => `transaction item ${k}`))];
        });
        // Assess
        expect(granted, name).toEqual(expect.arrayContaining(needed));
      }
      for (const fn of ['report-form', 'submit-report', 'upload-sheet']) {
        const { id } = bundled().find((f) => f.name === fn)!;
        const granted = tableStatements(id).flatMap((st) => asArray(st.Action));
        expect(defaultTableAccess[fn], fn).toBe('append');
        expect(granted.filter((a) => ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a)), fn).toEqual([]);
        expect(granted, fn).toContain('dynamodb:PutItem');
      }
      // The mail intake, internet-facing too, changes or deletes nothing but its tenant's notification claims
      const { id: ingest } = bundled().find((f) => f.name === 'ingest-mail')!;
      const changing = tableStatements(ingest).filter((st) =>
        asArray(st.Action).some((a) => ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a)),
      );
      expect(changing.map((st) => [asArray(st.Action).sort(), st.Condition])).toEqual([
        [['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#shimotsuke#NOTIFICATION#*'] } }],
      ]);
    });
  });

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
      // …plus the event targets of events/rules.ts and the outbox publisher (infra/events.ts), ingest-mail and
      // the provider of the rule-set activation (infra/inbound-mail.ts).
      // …and the scheduled functions of shared/schedules.ts (infra/schedules.ts).
      expect(ofType('AWS::Lambda::Function')).toHaveLength(routeFunctions().length + ruleFunctions().length + 1 + 2 + scheduleFunctions(schedules).length);
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

    it('logs the route key, never the path, which holds the token of a form or dashboard link', () => {
      // Prepare / Act
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      const format = stages[0]![1].Properties.AccessLogSettings.Format as string;
      // Assess
      expect(format).not.toMatch(/\$context\.(http\.)?path\b/);
      expect(JSON.parse(format)).toMatchObject({ routeKey: '$context.routeKey' });
    });
  });

  describe('functions', () => {
    it(`run on the newest Node.js runtime (${newestNodeRuntime}) on arm64, with TABLE_NAME and TENANT`, () => {
      // Prepare / Act
      const functions = ofType('AWS::Lambda::Function').filter(([id]) => !isCustomResourceProvider(id));
      // Assess
      expect(functions.length).toBeGreaterThan(0);
      for (const [id, fn] of functions) {
        expect(fn.Properties.Runtime).toBe(newestNodeRuntime);
        expect(fn.Properties.Architectures).toEqual(['arm64']);
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } });
        // The outbox publisher reads the stream and openapi serves its bundled document: neither reads the
        // table, and neither is told its name.
        const expected =
          id === publisherId()
            ? [envNames.tenant, envNames.eventBusName, envNames.streamFailureQueueUrl]
            : id === logicalIdOfFunction('openapi')
              ? [envNames.tenant]
              : [envNames.tableName, envNames.tenant];
        expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(expected));
      }
    });

    it('each get a bundle of their own handler, with lazily loaded code split into chunks', () => {
      // Prepare
      const functions = ofType('AWS::Lambda::Function').filter(([id]) => !isCustomResourceProvider(id));
      // Act
      const keys = functions.map(([, fn]) => (fn.Properties.Code as { S3Key: string }).S3Key);
      const handlers = new Set(functions.map(([, fn]) => fn.Properties.Handler as string));
      const remindersId = stack.getLogicalId(stack.schedules.functions.get('send-reminders')!.node.defaultChild as CfnFunction);
      const remindersAsset = join(synthesized().directory, `asset.${(resources[remindersId]!.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);
      // Assess: as many distinct assets as functions (the staging must not hand one bundle to all)
      expect(new Set(keys).size).toBe(functions.length);
      expect([...handlers]).toEqual(['index.handler']);
      // The sheet a reminder may attach is loaded with import() only when one is built: chunks of their own
      expect(readdirSync(join(remindersAsset, 'chunks')).filter((f) => f.endsWith('.mjs')).length).toBeGreaterThan(0);
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
        expect(importedOutside(bundle), `${fn} imports packages the asset does not hold`).toEqual([]);
        expect(loaded).toBe('function');
      }
    });

    it('read the plan and the directory as stored: no function bundles their schemas, openapi serves its document as a file', () => {
      // Prepare
      const functions = ofType('AWS::Lambda::Function').filter(([id]) => !isCustomResourceProvider(id));
      // Act: the functions whose asset holds the plan's or the directory's format module
      const withSchemas = functions
        .filter(([id]) => assetSources(id).some((source) => /shared\/domain\/(plan|directory)\.ts$/.test(source)))
        .map(([id]) => id);
      // Assess: the catalog is validated where it enters (readPlanFile, readDirectoryFile), not at every cold start
      expect(functions.length).toBeGreaterThan(10);
      expect(withSchemas).toEqual([]);
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
        expect(new Set(dynamoActions)).toEqual(access === 'none' ? new Set() : new Set([...tableActions[access], ...(keyedActions[access]?.actions ?? []), ...indexActionsOf(fn)]));
        const variables = (resources[logicalIdOfFunction(fn)]!.Properties.Environment?.Variables ?? {}) as Json;
        expect(envNames.tableName in variables, fn).toBe(access !== 'none');
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
      // Prepare / Act: a Deny on sqs:* (the queues' TLS-only guard) takes rights away, so only Allow counts
      const allows = identityAndResourcePolicyStatements().filter(({ statement }) => statement.Effect === 'Allow');
      const wildcards = allows.flatMap(({ where, statement }) =>
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
      const tracedFunctions = ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.TracingConfig?.Mode === 'Active');
      const isActivation = (statement: Statement) => asArray(statement.Action).length === 1 && asArray(statement.Action)[0] === sesActivationAction;
      for (const { where, statement } of starStatements) {
        expect(statement.Effect, where).toBe('Allow');
        expect(
          isActivation(statement) || asArray(statement.Action).every((a) => actionsThatRequireStarResource.has(a)),
          `${where}: ${JSON.stringify(statement.Action)}`,
        ).toBe(true);
      }
      expect(starStatements.filter(({ statement }) => !isActivation(statement))).toHaveLength(tracedFunctions.length);
      expect(starStatements.filter(({ statement }) => isActivation(statement))).toHaveLength(1);
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

  describe('events (infra/events.ts)', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const busId = () => idOf(stack.events.bus);
    const functionIdOf = (fn: string) => idOf(stack.events.functions.get(fn)!);
    const queueIdOf = (queue: sqs.Queue) => idOf(queue);
    const policiesOfRole = (functionId: string) => {
      const roleId = resources[functionId]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    };
    const expectDeadLetterQueue = (queueId: string) => {
      // Prepare / Act
      const queue = resources[queueId]!;
      const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) => (p.Properties.Queues as Json[]).some((q) => q.Ref === queueId));
      // Assess: encrypted, TLS-only, kept 14 days, alarmed on its first message
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(
        policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]).some(
          (st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      ).toBe(true);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      });
    };

    it('has one named bus, whose name the publisher is given', () => {
      // Prepare / Act
      const buses = ofType('AWS::Events::EventBus');
      // Assess
      expect(buses).toHaveLength(1);
      expect(buses[0]![1].Properties.Name).toEqual(expect.stringMatching(/^[A-Za-z0-9._-]+$/));
      expect(resources[publisherId()]!.Properties.Environment.Variables[envNames.eventBusName]).toEqual({ Ref: busId() });
    });

    it('has exactly one rule per entry of events/rules.ts', () => {
      // Prepare / Act
      const rules = ofType('AWS::Events::Rule');
      // Assess
      expect(rules).toHaveLength(eventRules.length);
    });

    it.each(eventRules.map((rule) => [rule.name, rule] as const))(
      'rule %s: its pattern on the bus, its function as target, a retry policy and a dead-letter queue',
      (_name, rule) => {
        // Prepare
        const functionId = functionIdOf(rule.fn);
        const queueId = queueIdOf(stack.events.failedEvents.get(rule.fn)!);
        // Act
        const matching = ofType('AWS::Events::Rule').filter(
          ([, r]) =>
            JSON.stringify(r.Properties.EventPattern) === JSON.stringify(eventPatternOf(rule)) &&
            (r.Properties.Targets as Json[]).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === functionId),
        );
        // Assess
        expect(matching).toHaveLength(1);
        const [, eventRule] = matching[0]!;
        expect(eventRule.Properties.EventBusName).toEqual({ Ref: busId() });
        expect(eventRule.Properties.Targets).toEqual([
          expect.objectContaining({
            Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
          }),
        ]);
        // A handler error is retried by Lambda, then lands in the same queue (asynchronous on-failure destination).
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: functionId },
          MaximumRetryAttempts: Match.anyValue(),
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
        });
        expectDeadLetterQueue(queueId);
      },
    );

    it('feeds the publisher from the table stream: report inserts only, bisected, partial failures, retried, then a queue', () => {
      // Prepare
      const [[tableId]] = ofType('AWS::DynamoDB::GlobalTable') as [[string, Json]];
      const queueId = queueIdOf(stack.events.streamFailures);
      // Act
      const mappings = ofType('AWS::Lambda::EventSourceMapping');
      // Assess
      expect(mappings).toHaveLength(1);
      expect(mappings[0]![1].Properties).toMatchObject({
        FunctionName: { Ref: publisherId() },
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(reportInsertFilter) }] },
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: expect.any(Number),
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      expectDeadLetterQueue(queueId);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisherId() } }],
      });
    });

    it('tells the publisher the stream-failure queue, to set an unreadable record aside in, and lets it send there only', () => {
      // Prepare
      const queueId = queueIdOf(stack.events.streamFailures);
      // Act
      const sqsStatements = policiesOfRole(publisherId()).filter((st) => asArray(st.Action).some((a) => a.startsWith('sqs:')));
      // Assess
      expect(resources[publisherId()]!.Properties.Environment.Variables[envNames.streamFailureQueueUrl]).toEqual({ Ref: queueId });
      expect(sqsStatements.flatMap((st) => asArray(st.Action))).toContain('sqs:SendMessage');
      for (const statement of sqsStatements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      }
    });

    it('allows events:PutEvents on exactly the bus, and the publisher has it', () => {
      // Prepare
      const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
      // Act
      const putEvents = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('events:')));
      // Assess
      expect(putEvents.length).toBeGreaterThan(0);
      for (const statement of putEvents) {
        expect(statement.Action).toBe('events:PutEvents');
        expect(statement.Resource).toEqual({ 'Fn::GetAtt': [busId(), 'Arn'] });
      }
      expect(policiesOfRole(publisherId()).filter((st) => st.Action === 'events:PutEvents')).toHaveLength(1);
    });

    it('gives the targets the table access of eventTargetTableAccess, and the publisher the stream only', () => {
      for (const fn of ruleFunctions()) {
        // Act
        const dynamoActions = policiesOfRole(functionIdOf(fn))
          .flatMap((s) => asArray(s.Action))
          .filter((a) => a.startsWith('dynamodb:'));
        // Assess
        const access = eventTargetTableAccess[fn]!;
        expect(new Set(dynamoActions), fn).toEqual(new Set([...tableActions[access], ...(keyedActions[access]?.actions ?? []), ...indexActionsOf(fn)]));
      }
      const publisherDynamo = policiesOfRole(publisherId()).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
      const [[tableId]] = ofType('AWS::DynamoDB::GlobalTable') as [[string, Json]];
      for (const statement of publisherDynamo) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
    });

    it('lets no compiling function run longer than the compile lease it holds', () => {
      // Prepare: the functions that compile a quarter (compileAndSave), with the timeouts the stack gives them
      const compiling = [
        { fn: 'apply-report', timeout: eventTargetTimeouts['apply-report'] },
        { fn: 'compile-quarter', timeout: scheduleTimeouts['compile-quarter'] },
        // The public site's lease is of the same kind
        { fn: 'publish-public', timeout: eventTargetTimeouts['publish-public'] },
      ];
      // Act
      const timeouts = compiling.map(({ fn, timeout }) => ({ fn, seconds: timeout?.toSeconds() }));
      // Assess: a live compile never loses its lease to the next one
      for (const { fn, seconds } of timeouts) expect(seconds, fn).toBeLessThan(leaseSeconds);
    });
    it('alarms on Errors and Throttles of the publisher and of every target', () => {
      // Prepare
      const ids = [publisherId(), ...ruleFunctions().map(functionIdOf)];
      // Act / Assess
      for (const functionId of ids) {
        for (const metric of ['Errors', 'Throttles']) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }] });
        }
      }
    });

    it(`bundles ${publisherFunction} into a module that loads with only its environment`, () => {
      // Prepare
      const code = resources[publisherId()]!.Properties.Code as { S3Key: string };
      const bundle = join(synthesized().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
      // Act
      const loaded = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(typeof m.handler);`],
        {
          env: {
            PATH: process.env.PATH,
            [envNames.tenant]: 'shimotsuke',
            [envNames.eventBusName]: 'bus',
            [envNames.streamFailureQueueUrl]: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/failures',
            AWS_REGION: 'ap-northeast-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          encoding: 'utf8',
        },
      );
      // Assess
      expect(loaded).toBe('function');
    });

    it(`ships no DynamoDB client in ${publisherFunction}, which reads report items off the stream only`, () => {
      // Prepare
      // Act: every source file esbuild put into any file of the asset
      const sources = assetSources(publisherId());
      // Assess: the stream's items are unmarshalled (util-dynamodb), never fetched
      expect(sources.some((source) => source.includes('@aws-sdk/util-dynamodb/'))).toBe(true);
      expect(sources.filter((source) => /@aws-sdk\/(client|lib)-dynamodb\/|shared\/aws\/dynamodb\.ts$/.test(source))).toEqual([]);
    });
  });

  describe('monitoring', () => {
    it('keeps every dead-letter queue when the stack goes, and alarms on each new message in it as well as on its depth', () => {
      // Prepare
      const queues = ofType('AWS::SQS::Queue');
      const alarmsOn = (queueId: string) =>
        ofType('AWS::CloudWatch::Alarm')
          .map(([, r]) => r.Properties)
          .filter((p) => p.Namespace === 'AWS/SQS' && JSON.stringify(p.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]));
      // Act / Assess
      expect(queues.length).toBeGreaterThanOrEqual(4);
      for (const [id, queue] of queues) {
        expect(queue.DeletionPolicy, id).toBe('Retain');
        expect(queue.UpdateReplacePolicy, id).toBe('Retain');
        const alarms = alarmsOn(id);
        expect(alarms.map((a) => a.MetricName).sort(), id).toEqual(['ApproximateNumberOfMessagesVisible', 'NumberOfMessagesSent']);
        expect(alarms.find((a) => a.MetricName === 'NumberOfMessagesSent'), id).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      }
    });

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

  describe('web form (report-form)', () => {
    it('serves GET and POST /form/{token} on report-form without an API Gateway authorizer: the signed token is the credential', () => {
      // Prepare
      const functionId = logicalIdOfFunction('report-form');
      // Act
      const formRoutes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => String(r.Properties.RouteKey).endsWith(' /form/{token}'));
      // Assess
      expect(formRoutes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(['GET /form/{token}', 'POST /form/{token}']);
      for (const [, route] of formRoutes) {
        expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
        const integrationId = String(route.Properties.Target['Fn::Join'][1][1].Ref);
        expect(resources[integrationId]?.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
      }
    });

    it('may write the table (it appends reports) and read the link secret, and nothing else of Secrets Manager', () => {
      // Prepare
      const fn = resources[logicalIdOfFunction('report-form')]!;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      // Act
      const actions = ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .flatMap((s) => asArray(s.Action));
      // Assess
      expect(defaultTableAccess['report-form']).toBe('append');
      expect(actions).toEqual(expect.arrayContaining([...tableActions.append]));
      expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
      expect(Object.keys(fn.Properties.Environment.Variables)).toContain(envNames.linkSecretArn);
    });
  });

  describe('JSON API (submit-report, read-reports, read-status, openapi) and the link secret', () => {
    const theSecret = (): [string, Json] => {
      const secrets = ofType('AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(1);
      return secrets[0]! as [string, Json];
    };
    const statementsOfFunction = (fn: string): Statement[] => {
      const roleId = resources[logicalIdOfFunction(fn)]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    };

    it('serves the report, reading, status and OpenAPI routes, each function with its declared table access', () => {
      // Prepare / Act
      const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
      // Assess
      expect(keys).toEqual(
        expect.arrayContaining([
          'POST /api/reports',
          'GET /api/reports/{reference}',
          'GET /api/measures/{measureId}/reports',
          'GET /api/measures/{measureId}/status',
          'GET /api/bukai/{bukaiId}/status',
          'GET /api/status',
          'GET /openapi.json',
        ]),
      );
      expect(defaultTableAccess).toMatchObject({ 'submit-report': 'append', 'read-reports': 'read', 'read-status': 'read', openapi: 'none' });
    });

    it('generates a 64-character link secret in Secrets Manager and keeps it when the stack goes', () => {
      // Prepare / Act
      const [, secret] = theSecret();
      // Assess
      expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.DeletionPolicy).toBe('Retain');
    });

    it('lets exactly the functions that verify link tokens read exactly that secret (GetSecretValue only), and tells them its ARN', () => {
      // Prepare
      const [secretId] = theSecret();
      const verifiers = new Set(routes.filter(usesLinkToken).map((r) => r.fn));
      expect([...verifiers]).toEqual(expect.arrayContaining(['submit-report', 'read-reports', 'read-status']));
      expect(verifiers.has('openapi')).toBe(false);
      for (const fn of routeFunctions()) {
        // Act
        const environment = resources[logicalIdOfFunction(fn)]!.Properties.Environment.Variables as Json;
        const secretStatements = statementsOfFunction(fn).filter((s) => asArray(s.Action).some((a) => a.startsWith('secretsmanager:')));
        // Assess
        if (verifiers.has(fn)) {
          expect(environment[envNames.linkSecretArn], fn).toEqual({ Ref: secretId });
          expect(secretStatements.map((s) => [s.Effect, asArray(s.Action), s.Resource]), fn).toEqual([['Allow', ['secretsmanager:GetSecretValue'], { Ref: secretId }]]);
        } else {
          expect(environment[envNames.linkSecretArn], fn).toBeUndefined();
          expect(secretStatements, fn).toEqual([]);
        }
      }
    });

    it('acknowledges a route without API Gateway authorization only when it is public (with its reason) or checks a link token', () => {
      for (const route of routes) {
        const key = routeKey(route);
        if (route.auth === 'public') expect(defaultPublicRoutes[key]?.length ?? 0, key).toBeGreaterThan(40);
        expect(route.auth === 'public' || usesLinkToken(route) || defaultPublicRoutes[key] !== undefined, key).toBe(true);
      }
    });
  });

  describe('inbound mail (infra/inbound-mail.ts)', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const ingestId = () => idOf(stack.inboundMail.ingest);
    const bucketId = () => idOf(stack.inboundMail.bucket);
    const ruleSetName = () => String(resources[idOf(stack.inboundMail.ruleSet)]!.Properties.RuleSetName);
    const ruleName = () => String(resources[idOf(stack.inboundMail.rule)]!.Properties.Rule.Name);
    const ruleArnSuffix = () => `:receipt-rule-set/${ruleSetName()}:receipt-rule/${ruleName()}`;
    const joined = (value: unknown): string =>
      JSON.stringify(value).includes('Fn::Join') ? ((value as Json)['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '')).join('') : String(value);
    const ingestStatements = (): Statement[] => {
      const roleId = resources[ingestId()]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    };
    const objectsUnder = (statement: Statement) => asArray(statement.Resource).map((r) => `${JSON.stringify((r as Json)['Fn::Join'][1][0])}${(r as Json)['Fn::Join'][1][1]}`);

    it('receives mail for progress@<mailDomain> (and its +token forms) with scanning and TLS: S3 first, then ingest-mail (Event)', () => {
      // Prepare
      const rules = ofType('AWS::SES::ReceiptRule');
      // Act
      const rule = rules[0]![1].Properties;
      // Assess
      expect(rules).toHaveLength(1);
      expect(rule.RuleSetName).toEqual({ Ref: idOf(stack.inboundMail.ruleSet) });
      expect(rule.Rule).toMatchObject({ Enabled: true, ScanEnabled: true, TlsPolicy: 'Require', Recipients: [`${stack.mailSettings.replyLocalPart}@${stack.node.tryGetContext('mailDomain') ?? 'shimotsuke.example'}`] });
      // The local part is the one the directory gives the reply addresses.
      expect(stack.mailSettings.replyLocalPart).toBe(
        (JSON.parse(readFileSync(join(projectRoot, 'plans', String(stack.node.tryGetContext('tenant')), 'directory.json'), 'utf8')) as { replyLocalPart?: string }).replyLocalPart ?? 'progress',
      );
      expect(rule.Rule.Actions).toEqual([
        { S3Action: { BucketName: { Ref: bucketId() }, ObjectKeyPrefix: 'inbound/' } },
        { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [ingestId(), 'Arn'] }, InvocationType: 'Event' } },
      ]);
    });

    it('makes the rule set active through a custom resource that may call only ses:SetActiveReceiptRuleSet, and deactivates it on delete', () => {
      // Prepare
      const [[activationId, activation]] = ofType('Custom::SesActiveReceiptRuleSet') as [[string, Json]];
      // Act
      const create = JSON.parse(joined(activation.Properties.Create)) as Json;
      const remove = JSON.parse(joined(activation.Properties.Delete)) as Json;
      const policies = ofType('AWS::IAM::Policy').filter(([id]) => id.startsWith(activationId.replace(/[0-9A-F]{8}$/, '')));
      const actions = policies.flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((st) => asArray(st.Action)));
      // Assess
      expect(create).toMatchObject({ service: 'SES', action: 'setActiveReceiptRuleSet', parameters: { RuleSetName: ruleSetName() } });
      expect(remove).toMatchObject({ service: 'SES', action: 'setActiveReceiptRuleSet' });
      expect(remove.parameters ?? {}).toEqual({});
      expect(activation.DependsOn).toEqual(expect.arrayContaining([idOf(stack.inboundMail.rule)]));
      expect(new Set(actions)).toEqual(new Set([sesActivationAction, 'logs:CreateLogStream', 'logs:PutLogEvents']));
    });

    it('keeps mail in a private, encrypted, TLS-only, logged, unversioned bucket; raw mail expires after 400 days', () => {
      // Prepare / Act
      const bucket = resources[bucketId()]!;
      // Assess
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
      expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: idOf(stack.inboundMail.logBucket) }, LogFilePrefix: 'mail-bucket/' });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
        expect.arrayContaining([expect.objectContaining({ Prefix: 'inbound/', ExpirationInDays: 400, Status: 'Enabled' })]),
      );
      expect(bucket.DeletionPolicy).toBe('Retain');
    });

    it('lets only SES, for this account and this rule, put objects under inbound/; the bucket denies non-TLS access', () => {
      // Prepare
      const [[, policy]] = ofType('AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === bucketId()) as [[string, Json]];
      // Act
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const ses = statements.filter((st) => JSON.stringify(st.Principal).includes('ses.amazonaws.com'));
      // Assess
      expect(statements.some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
      expect(ses).toHaveLength(1);
      expect(ses[0]!.Action).toBe('s3:PutObject');
      expect(objectsUnder(ses[0]!)).toEqual([`{"Fn::GetAtt":["${bucketId()}","Arn"]}/inbound/*`]);
      expect(ses[0]!.Condition?.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      expect(joined(ses[0]!.Condition?.StringEquals['aws:SourceArn'])).toContain(ruleArnSuffix());
    });

    it('lets SES invoke ingest-mail only for this account and this rule', () => {
      // Prepare / Act
      const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'ses.amazonaws.com');
      // Assess
      expect(permissions).toHaveLength(1);
      const [, permission] = permissions[0]!;
      expect(permission.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [ingestId(), 'Arn'] });
      expect(permission.Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
      expect(joined(permission.Properties.SourceArn)).toContain(ruleArnSuffix());
    });

    it('gives ingest-mail GetObject on inbound/, PutObject on attachments/, the table (appendAndClaim) and the link secret — nothing else', () => {
      // Prepare
      const statements = ingestStatements();
      const fn = resources[ingestId()]!;
      // Act
      const s3Grants = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:'))).map((st) => [asArray(st.Action), objectsUnder(st)]);
      const services = new Set(statements.flatMap((st) => asArray(st.Action)).map((a) => a.split(':')[0]));
      const dynamoActions = statements.flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('dynamodb:'));
      // Assess
      expect(s3Grants).toEqual([
        [['s3:GetObject'], [`{"Fn::GetAtt":["${bucketId()}","Arn"]}/inbound/*`]],
        [['s3:PutObject'], [`{"Fn::GetAtt":["${bucketId()}","Arn"]}/attachments/*`]],
      ]);
      expect(new Set(dynamoActions)).toEqual(new Set([...tableActions.appendAndClaim, ...keyedActions.appendAndClaim!.actions, ...indexActionsOf('ingest-mail')]));
      // ses: sending the answer (OutboundMail.grantSend: SendEmail / SendRawEmail on the identity only).
      expect(services).toEqual(new Set(['dynamodb', 's3', 'secretsmanager', 'logs', 'xray', 'sqs', 'ses']));
      expect(new Set(statements.flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('ses:')))).toEqual(new Set(sendActions));
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining([envNames.tableName, envNames.tenant, envNames.mailBucket, envNames.linkSecretArn]),
      );
    });

    it('hands a mail it failed on after two retries to an alarmed queue, and alarms on its errors and throttles', () => {
      // Prepare
      const queueId = idOf(stack.inboundMail.failedMails);
      // Act / Assess
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ingestId() },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] });
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: ingestId() } }] });
      }
    });

    it('bundles ingest-mail into a module that loads with only its environment', () => {
      // Prepare
      const code = resources[ingestId()]!.Properties.Code as { S3Key: string };
      const bundle = join(synthesized().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
      // Act
      const loaded = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(typeof m.handler);`],
        {
          env: { PATH: process.env.PATH, [envNames.tableName]: 'table', [envNames.tenant]: 'shimotsuke', [envNames.mailBucket]: 'mail', AWS_REGION: 'ap-northeast-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          encoding: 'utf8',
        },
      );
      // Assess
      expect(loaded).toBe('function');
    });

    it('with -c receiptRuleSet=<name>, adds its rule to that existing rule set and activates nothing', () => {
      // Prepare: bundling skipped, only the template matters here
      const dir = mkdtempSync(join(tmpdir(), 'shinchoku-cdk-ruleset-'));
      try {
        const built = createApp({ outdir: dir, context: cliContext({ [cxapi.BUNDLING_STACKS]: [], receiptRuleSet: 'city-mail' }) });
        // Act
        const json = built.app.synth().getStackArtifact(built.stack.artifactId).template as Json;
        // Assess
        const all = Object.values(json.Resources as Record<string, Json>);
        const ofKind = (type: string) => all.filter((r) => r.Type === type);
        expect(ofKind('AWS::SES::ReceiptRuleSet')).toEqual([]);
        expect(ofKind('Custom::SesActiveReceiptRuleSet')).toEqual([]);
        const [rule] = ofKind('AWS::SES::ReceiptRule') as [Json];
        expect(rule.Properties.RuleSetName).toBe('city-mail');
        const suffix = `:receipt-rule-set/city-mail:receipt-rule/${String(rule.Properties.Rule.Name)}`;
        expect(String(rule.Properties.Rule.Name)).toBe(`${built.stack.stackName}-inbound-reports`);
        const [permission] = ofKind('AWS::Lambda::Permission').filter((p) => p.Properties.Principal === 'ses.amazonaws.com') as [Json];
        expect(joined(permission.Properties.SourceArn)).toContain(suffix);
        const sesWrites = ofKind('AWS::S3::BucketPolicy')
          .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
          .filter((st) => JSON.stringify(st.Principal).includes('ses.amazonaws.com'));
        expect(sesWrites.map((st) => joined(st.Condition?.StringEquals['aws:SourceArn']))).toEqual([expect.stringContaining(suffix)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  describe('schedules and outbound mail (infra/schedules.ts, infra/outbound-mail.ts)', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const fnId = (fn: string) => idOf(stack.schedules.functions.get(fn)!);
    const dlqId = () => idOf(stack.schedules.deadLetterQueue);
    const statementsOfRole = (roleId: string): Statement[] =>
      ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    const statementsOfScheduled = (fn: string) => statementsOfRole(resources[fnId(fn)]!.Properties.Role['Fn::GetAtt'][0] as string);
    const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];
    /** Each statement of the function's role that allows a table write: its actions, sorted, and its condition. */
    const tableWritesOf = (functionId: string) =>
      statementsOfRole(resources[functionId]!.Properties.Role['Fn::GetAtt'][0] as string)
        .filter((st) => asArray(st.Action).some((a) => tableWriteActions.includes(a)))
        .map((st) => [asArray(st.Action).sort(), st.Condition]);
    const identityArn = () => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/', { Ref: idOf(stack.outboundMail.identity) }]],
    });
    /** Resource lists compare as sets: CDK orders them as it likes. */
    const unordered = (value: unknown) => asArray(value as unknown[]).map((v) => JSON.stringify(v)).sort();
    const configurationSetArn = () => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':configuration-set/', { Ref: idOf(stack.outboundMail.configurationSet) }]],
    });

    it('has one Scheduler schedule per entry of shared/schedules.ts, with its expression and timezone, no flexible window', () => {
      // Prepare
      const expected = schedules.map((s) => ({ expression: s.expression, timezone: s.timezone, fn: fnId(s.fn), input: JSON.stringify(s.input) })).sort((a, b) => a.expression.localeCompare(b.expression));
      // Act
      const found = ofType('AWS::Scheduler::Schedule')
        .map(([, r]) => r.Properties)
        .map((p) => ({ expression: p.ScheduleExpression, timezone: p.ScheduleExpressionTimezone, fn: p.Target.Arn['Fn::GetAtt'][0], input: p.Target.Input, window: p.FlexibleTimeWindow, state: p.State }));
      // Assess
      expect(found.map(({ window: _w, state: _s, ...rest }) => rest).sort((a, b) => a.expression.localeCompare(b.expression))).toEqual(expected);
      expect(found.every((f) => f.timezone === 'Asia/Tokyo' && f.window.Mode === 'OFF' && f.state === 'ENABLED')).toBe(true);
      expect(found.every((f) => String(f.input).includes(scheduledTimePlaceholder))).toBe(true);
    });

    it('retries each delivery and then hands it to an encrypted, TLS-only, alarmed dead-letter queue', () => {
      // Prepare
      const queue = resources[dlqId()]!;
      // Act
      const targets = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties.Target);
      // Assess
      for (const target of targets) {
        expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
        expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(3600);
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlqId(), 'Arn'] } });
      }
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: dlqId() }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }] });
    });

    it('alarms on scheduled runs Scheduler dropped or could not put in the dead-letter queue, in the schedules\' group', () => {
      for (const metricName of ['InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount']) {
        // Prepare / Act / Assess
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Scheduler',
          MetricName: metricName,
          Dimensions: [{ Name: 'ScheduleGroup', Value: scheduleGroupName }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: idOf(stack.monitoring.topic) }],
        });
      }
      expect(ofType('AWS::Scheduler::Schedule').every(([, r]) => (r.Properties.GroupName ?? 'default') === scheduleGroupName)).toBe(true);
    });

    it('sends a scheduled run that failed after two Lambda retries to the same queue, and alarms on the functions', () => {
      for (const fn of scheduleFunctions(schedules)) {
        // Prepare / Act / Assess
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: fnId(fn) },
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
        });
        for (const metric of ['Errors', 'Throttles']) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(fn) } }] });
        }
      }
    });

    it('lets Scheduler, for this account only, invoke exactly the scheduled functions and send to the queue — nothing else', () => {
      // Prepare
      const roleId = idOf(stack.schedules.role);
      const role = resources[roleId]!;
      // Act
      const statements = statementsOfRole(roleId);
      // Assess
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          // Scheduler's aws:SourceArn is the schedule group's ARN (a schedule's ARN never matches).
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:schedule-group/${scheduleGroupName}`]],
              },
            },
          },
        },
      ]);
      // The schedules are in that group: Scheduler's default one.
      expect(ofType('AWS::Scheduler::Schedule').every(([, r]) => (r.Properties.GroupName ?? 'default') === scheduleGroupName)).toBe(true);
      expect(statements.map((st) => [st.Effect, st.Action, unordered(st.Resource)])).toEqual([
        ['Allow', 'lambda:InvokeFunction', unordered(scheduleFunctions(schedules).map((fn) => ({ 'Fn::GetAtt': [fnId(fn), 'Arn'] })))],
        ['Allow', 'sqs:SendMessage', unordered({ 'Fn::GetAtt': [dlqId(), 'Arn'] })],
      ]);
    });

    it('gives the scheduled functions the table access of scheduleTableAccess', () => {
      for (const fn of scheduleFunctions(schedules)) {
        // Prepare / Act
        const dynamoActions = statementsOfScheduled(fn).flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('dynamodb:'));
        // Assess
        const access = scheduleTableAccess[fn]!;
        expect(new Set(dynamoActions), fn).toEqual(new Set([...tableActions[access], ...(keyedActions[access]?.actions ?? []), ...indexActionsOf(fn)]));
      }
    });

    it('lets the reminders and the digest write only their tenant\'s notification claims: no batch write, no change to any other item', () => {
      for (const [name, functionId] of [['send-reminders', fnId('send-reminders')], ['send-digest', idOf(stack.events.functions.get('send-digest')!)]] as const) {
        // Act
        const writes = tableWritesOf(functionId);
        // Assess
        expect(writes, name).toEqual([
          [['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#shimotsuke#NOTIFICATION#*'] } }],
        ]);
      }
    });

    it('lets the compiles write only their tenant\'s compiled quarters and compile leases: no update, no change to a report or anything else', () => {
      for (const [name, functionId] of [['compile-quarter', fnId('compile-quarter')], ['apply-report', idOf(stack.events.functions.get('apply-report')!)]] as const) {
        // Act
        const writes = tableWritesOf(functionId);
        // Assess
        expect(writes, name).toEqual([
          [
            ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
            { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#shimotsuke#STATUS#*', 'T#shimotsuke#COMPILE#*'] } },
          ],
        ]);
      }
    });

    it('verifies the configured mail domain in SES with Easy DKIM and sends through a TLS-only configuration set', () => {
      // Prepare / Act
      const identities = ofType('AWS::SES::EmailIdentity');
      // Assess
      expect(identities).toHaveLength(1);
      expect(identities[0]![1].Properties).toMatchObject({
        EmailIdentity: cliContext().mailDomain,
        DkimAttributes: { SigningEnabled: true },
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: idOf(stack.outboundMail.configurationSet) } },
      });
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
      });
    });

    it('publishes bounces, complaints, rejects, rendering failures and delays of its sends to CloudWatch, and alarms on them and on the reputation', () => {
      // Prepare
      const configurationSet = { Ref: idOf(stack.outboundMail.configurationSet) };
      // Act
      const destinations = ofType('AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r.Properties);
      // Assess
      expect(destinations).toHaveLength(1);
      expect(destinations[0]).toMatchObject({
        ConfigurationSetName: configurationSet,
        EventDestination: {
          Enabled: true,
          CloudWatchDestination: {
            DimensionConfigurations: [{ DimensionName: sendingEventDimension, DimensionValueSource: 'messageTag', DefaultDimensionValue: configurationSet }],
          },
        },
      });
      expect(new Set(destinations[0]!.EventDestination.MatchingEventTypes)).toEqual(new Set(['bounce', 'complaint', 'reject', 'renderingFailure', 'deliveryDelay']));
      const topic = { Ref: stack.getLogicalId(stack.monitoring.topic.node.defaultChild as CfnFunction) };
      for (const metric of ['Bounce', 'Complaint', 'Reject']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SES',
          MetricName: metric,
          Dimensions: [{ Name: sendingEventDimension, Value: configurationSet }],
          AlarmActions: [topic],
        });
      }
      for (const metric of ['Reputation.BounceRate', 'Reputation.ComplaintRate']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: metric, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [topic] });
      }
    });

    it('lets send-reminders send only as that identity (and its configuration set), with its secret, base URL and reminder rules', () => {
      // Prepare
      const statements = statementsOfScheduled('send-reminders');
      const environment = resources[fnId('send-reminders')]!.Properties.Environment.Variables as Json;
      // Act
      const sesStatements = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('ses:')));
      const secretStatements = statements.filter((st) => asArray(st.Action).some((a) => a.startsWith('secretsmanager:')));
      // Assess
      expect(sesStatements.map((st) => [st.Effect, new Set(asArray(st.Action)), unordered(st.Resource)])).toEqual([
        ['Allow', new Set(sendActions), unordered([identityArn(), configurationSetArn()])],
      ]);
      expect(secretStatements.map((st) => asArray(st.Action))).toEqual([[...linkSecretReadActions]]);
      expect(Object.keys(environment)).toEqual(expect.arrayContaining([envNames.linkSecretArn, envNames.publicBaseUrl, envNames.reminderConfig]));
      expect(JSON.parse(String(environment[envNames.reminderConfig]))).toEqual(defaultReminderConfig);
      expect(JSON.stringify(environment[envNames.publicBaseUrl])).toContain(idOf(stack.api.httpApi));
    });

    it('scopes every SES send permission in the stack to the identity and its configuration set', () => {
      // Prepare / Act
      const sesStatements = ofType('AWS::IAM::Policy')
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((st) => asArray(st.Action).some((a) => a.startsWith('ses:Send')));
      // Assess
      expect(sesStatements.length).toBeGreaterThan(0);
      for (const st of sesStatements) expect(unordered(st.Resource)).toEqual(unordered([identityArn(), configurationSetArn()]));
    });

    /** Each function of the stack by its folder under functions/, with the text of its handler. */
    const functionsByName = () =>
      ofType('AWS::Lambda::Function').flatMap(([id, fn]) => {
        const service = (fn.Properties.Environment?.Variables as Json | undefined)?.POWERTOOLS_SERVICE_NAME;
        if (typeof service !== 'string') return [];
        const name = service.replace(/^shinchoku-/, '');
        const source = readFileSync(join(projectRoot, 'functions', name, 'handler.ts'), 'utf8');
        return [{ id, name, fn, source }];
      });

    it('lets exactly the functions whose handler creates a mailer send mail', () => {
      // Prepare
      const all = functionsByName();
      // Act
      const sending = all.filter(({ fn }) => statementsOfRole(fn.Properties.Role['Fn::GetAtt'][0] as string).some((st) => asArray(st.Action).includes('ses:SendEmail')));
      // Assess
      expect(all.length).toBeGreaterThan(10);
      expect(sending.map((f) => f.name).sort()).toEqual(all.filter((f) => f.source.includes('createMailer(')).map((f) => f.name).sort());
      expect(sending.map((f) => f.name)).toContain('send-digest');
    });

    it('lets exactly the functions whose handler publishes events put them on the bus, and tells them its name', () => {
      // Prepare
      const all = functionsByName();
      // Act
      const putting = all.filter(({ fn }) => statementsOfRole(fn.Properties.Role['Fn::GetAtt'][0] as string).some((st) => asArray(st.Action).includes('events:PutEvents')));
      // Assess
      expect(putting.map((f) => f.name).sort()).toEqual(all.filter((f) => f.source.includes('publishEvents(')).map((f) => f.name).sort());
      expect(putting.map((f) => f.name)).toEqual(expect.arrayContaining(['apply-report', 'compile-quarter']));
      for (const { name, fn } of putting) expect(Object.keys(fn.Properties.Environment.Variables), name).toContain(envNames.eventBusName);
    });

    it('gives the reminder rules to every function whose handler reads them', () => {
      // Prepare
      const readers = functionsByName().filter((f) => f.source.includes('reminderConfigFromEnv('));
      // Assess
      expect(readers.map((f) => f.name).sort()).toEqual(['apply-report', 'compile-quarter', 'dashboard', 'publish-public', 'report-sheet', 'send-digest', 'send-reminders']);
      for (const { name, fn } of readers) {
        expect(JSON.parse(String((fn.Properties.Environment.Variables as Json)[envNames.reminderConfig])), name).toEqual(defaultReminderConfig);
      }
    });

    it('bundles send-reminders into a module that loads with only its environment (and its reminder rules)', () => {
      // Prepare
      const fn = resources[fnId('send-reminders')]!;
      const code = fn.Properties.Code as { S3Key: string };
      const bundle = join(synthesized().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
      const variables = fn.Properties.Environment.Variables as Json;
      // Act
      const loaded = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(typeof m.handler);`],
        {
          env: {
            PATH: process.env.PATH,
            [envNames.tableName]: 'table',
            [envNames.tenant]: 'shimotsuke',
            [envNames.publicBaseUrl]: 'https://progress.example.jp',
            [envNames.linkSecretArn]: 'arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:link',
            [envNames.reminderConfig]: String(variables[envNames.reminderConfig]),
            AWS_REGION: 'ap-northeast-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          encoding: 'utf8',
        },
      );
      // Assess
      expect(loaded).toBe('function');
    });

    it('lets the compile publish to the event bus and nothing in SES or Secrets Manager', () => {
      // Prepare
      const statements = statementsOfScheduled('compile-quarter');
      // Act
      const services = new Set(statements.flatMap((st) => asArray(st.Action)).map((a) => a.split(':')[0]));
      const putEvents = statements.filter((st) => asArray(st.Action).includes('events:PutEvents'));
      // Assess
      expect(putEvents.map((st) => st.Resource)).toEqual([{ 'Fn::GetAtt': [idOf(stack.events.bus), 'Arn'] }]);
      expect(services.has('ses')).toBe(false);
      expect(services.has('secretsmanager')).toBe(false);
    });
  });
  describe('public site (infra/public-site.ts) and the dashboard', () => {
    const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const bucketId = () => idOf(stack.publicSite.bucket);
    const publisherId = () => idOf(stack.events.functions.get('publish-public')!);
    const statementsOfFunction = (functionId: string): Statement[] => {
      const roleId = resources[functionId]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    };

    it('keeps the bucket private: all public access blocked, TLS only, readable by this distribution alone', () => {
      // Prepare
      const bucket = resources[bucketId()]!;
      // Act
      const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId())![1];
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const allows = statements.filter((st) => st.Effect === 'Allow');
      // Assess
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
      expect(allows).toHaveLength(1);
      expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(asArray(allows[0]!.Action)).toEqual(['s3:GetObject']);
      expect(JSON.stringify(allows[0]!.Condition)).toContain(idOf(stack.publicSite.distribution));
    });

    it('serves it through CloudFront with OAC, HTTPS only, index.html as root, logs and the security headers', () => {
      // Prepare
      const config = resources[idOf(stack.publicSite.distribution)]!.Properties.DistributionConfig;
      const headers = resources[idOf(stack.publicSite.responseHeaders)]!.Properties.ResponseHeadersPolicyConfig;
      // Assess
      expect(config.DefaultRootObject).toBe('index.html');
      // A missing object (403 from the bucket, which the distribution may not list) is the site's 404 page
      expect(config.CustomErrorResponses).toEqual(
        [403, 404].map((code) => ({ ErrorCode: code, ResponseCode: 404, ResponsePagePath: `/${publicSiteKeys.notFound}`, ErrorCachingMinTTL: 300 })),
      );
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
      expect(config.Origins[0].OriginAccessControlId).toBeDefined();
      expect(config.Logging.Bucket).toBeDefined();
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: idOf(stack.publicSite.responseHeaders) });
      expect(headers.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toBe(publicContentSecurityPolicy);
      expect(headers.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
      expect(headers.SecurityHeadersConfig.FrameOptions.FrameOption).toBe('DENY');
    });

    it('runs publish-public on QuarterCompiled, and lets it put objects into the site bucket and nothing else in S3, and write only its lease in the table', () => {
      // Prepare
      const rule = resources[idOf(stack.events.rules.get('publish-public-on-compile')!)]!;
      // Act
      const s3Statements = statementsOfFunction(publisherId()).filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:')));
      const tableWrites = statementsOfFunction(publisherId()).filter((st) => asArray(st.Action).some((a) => ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a)));
      // Assess
      expect(rule.Properties.EventPattern['detail-type']).toEqual(['QuarterCompiled']);
      expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [publisherId(), 'Arn'] });
      expect(s3Statements).toHaveLength(1);
      expect(asArray(s3Statements[0]!.Action)).toEqual(['s3:PutObject']);
      expect(s3Statements[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(), 'Arn'] }, '/*']] });
      // Its one table write: the public site's lease, by its exact key
      expect(tableWrites.map((st) => [asArray(st.Action).sort(), st.Condition])).toEqual([
        [['dynamodb:DeleteItem', 'dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#shimotsuke#PUBLISH#SITE'] } }],
      ]);
      expect(resources[publisherId()]!.Properties.Environment.Variables[envNames.publicBucket]).toEqual({ Ref: bucketId() });
    });

    it('serves the dashboard routes on a read-only function that knows the public site', () => {
      // Prepare
      const dashboardId = logicalIdOfFunction('dashboard');
      // Act
      const dashboardRoutes = ofType('AWS::ApiGatewayV2::Route')
        .filter(([, r]) => {
          const integrationId = String(r.Properties.Target['Fn::Join'][1][1].Ref);
          return JSON.stringify(resources[integrationId]?.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [dashboardId, 'Arn'] });
        })
        .map(([, r]) => String(r.Properties.RouteKey));
      const actions = statementsOfFunction(dashboardId).flatMap((st) => asArray(st.Action));
      // Assess
      expect(dashboardRoutes.sort()).toEqual(
        routes.filter((r) => r.fn === 'dashboard').map((r) => routeKey(r)).sort(),
      );
      expect([...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual([...new Set([...tableActions.read, ...indexActionsOf('dashboard')])].sort());
      expect(actions.some((a) => a.startsWith('s3:'))).toBe(false);
      expect(Object.keys(resources[dashboardId]!.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining([envNames.publicSiteUrl, envNames.linkSecretArn]),
      );
    });
  });

  describe('Excel progress sheet (report-sheet downloads, upload-sheet uploads)', () => {
    /** The route keys served by a function. */
    const routesOf = (fn: string) => {
      const functionId = logicalIdOfFunction(fn);
      return ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => {
        const integrationId = String(r.Properties.Target['Fn::Join'][1][1].Ref);
        return JSON.stringify(resources[integrationId]?.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] });
      });
    };

    it('serves the downloads on report-sheet and the upload on upload-sheet, without an authorizer (the signed link is the credential)', () => {
      // Act
      const downloads = routesOf('report-sheet');
      const uploads = routesOf('upload-sheet');
      // Assess
      expect(downloads.map(([, r]) => String(r.Properties.RouteKey)).sort()).toEqual(['GET /dashboard/{token}/sheets/{quarter}/{bukaiId}', 'GET /form/{token}/sheet.xlsx']);
      expect(uploads.map(([, r]) => String(r.Properties.RouteKey))).toEqual(['POST /form/{token}/sheet']);
      for (const [, route] of [...downloads, ...uploads]) expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    });

    /** The IAM actions a function's role is allowed. */
    const actionsOf = (fn: string) => {
      const roleId = resources[logicalIdOfFunction(fn)]!.Properties.Role['Fn::GetAtt'][0] as string;
      return ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .flatMap((st) => asArray(st.Action));
    };

    it('lets the upload write the table (imports append reports) and the downloads only read it; both read the link secret, and nothing of S3 or SES', () => {
      for (const [fn, access] of [
        ['upload-sheet', 'append'],
        ['report-sheet', 'read'],
      ] as const) {
        // Act
        const actions = actionsOf(fn);
        // Assess
        expect(defaultTableAccess[fn]).toBe(access);
        expect(new Set(actions.filter((a) => a.startsWith('dynamodb:')))).toEqual(new Set([...tableActions[access], ...(keyedActions[access]?.actions ?? []), ...indexActionsOf(fn)]));
        expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
        expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('ses:'))).toEqual([]);
        expect(Object.keys(resources[logicalIdOfFunction(fn)]!.Properties.Environment.Variables)).toContain(envNames.linkSecretArn);
      }
    });
  });
});
