/**
 * The event plumbing on AWS: the project's EventBridge bus, one rule per entry of `events/rules.ts`
 * targeting the function `functions/<fn>/handler.ts`, and the outbox publisher that turns the
 * table's stream into ProgressReported events (`functions/publish-events`, rule in events/outbox.ts).
 *
 * No silent failure: an event EventBridge cannot deliver (target DLQ) and an event the target
 * function fails on after Lambda's retries (asynchronous on-failure destination) both end in that
 * function's queue of failed events; stream records the publisher fails on end in the stream's
 * on-failure queue, where the publisher also sends, itself, a record it can never read (so the
 * records after it are still published). Every queue and every function is alarmed through
 * `Monitoring`.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { reportInsertFilter, streamConsumer } from '#events/outbox';
import { assertUniqueRuleNames, eventPatternOf, eventRules, ruleFunctions, type EventRule } from '#events/rules';
import { envNames } from '#shared/config/env';
import type { Data, TableAccess } from './data.ts';
import { ShinchokuFunction } from './function.ts';
import type { Monitoring } from './monitoring.ts';
import { pascalCase } from './names.ts';

/**
 * Table access per rule target. Every function a rule targets must be listed: a new consumer fails the
 * synth until someone decides whether it may write.
 */
export const eventTargetTableAccess: Readonly<Record<string, TableAccess>> = {
  // Recompiles a closed quarter: reads its reports and the plan, writes the compiled status.
  'apply-report': 'readAndCompile',
  // Reads the compiled quarter and the directory, claims and marks the digest notification (its only table write).
  'send-digest': 'readAndClaim',
  // Reads the compiled quarters and reports, holding the public site's lease (its only table write);
  // writes the pages to the public site's bucket (infra/public-site.ts).
  'publish-public': 'readAndLease',
};

/** Run-time limits per rule target; anything not listed gets the ShinchokuFunction default. */
export const eventTargetTimeouts: Readonly<Record<string, Duration>> = {
  'apply-report': Duration.seconds(60),
  'send-digest': Duration.seconds(60),
  'publish-public': Duration.seconds(120),
};

/** The folder of the outbox publisher. */
export const publisherFunction = streamConsumer.fn;

export interface EventsProps {
  /** The table whose stream carries the reports, and which the targets read and write. */
  readonly data: Data;

  /** Tenant (municipality) the functions serve. */
  readonly tenant: string;

  /** Where the alarms on the functions, queues and stream go. */
  readonly monitoring: Monitoring;

  /**
   * The rules.
   *
   * @default eventRules (events/rules.ts)
   */
  readonly rules?: readonly EventRule[];

  /**
   * Table access per target function.
   *
   * @default eventTargetTableAccess
   */
  readonly tableAccess?: Readonly<Record<string, TableAccess>>;

  /**
   * Physical name of the bus (publishers learn it from EVENT_BUS_NAME).
   *
   * @default `<stack name>-events`, so two stacks in one account never share a bus
   */
  readonly busName?: string;

  /**
   * How often EventBridge retries delivering an event to a target before it goes to the DLQ.
   *
   * @default 8
   */
  readonly targetRetryAttempts?: number;

  /**
   * How long EventBridge and Lambda keep trying an event before it goes to the DLQ.
   *
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;

  /**
   * Retries of a failing stream record (with bisection) before it goes to the on-failure queue.
   *
   * @default 5
   */
  readonly streamRetryAttempts?: number;

  /**
   * Alarm when the oldest unpublished stream record is older than this.
   *
   * @default Duration.minutes(15)
   */
  readonly maxIteratorAge?: Duration;
}

const sqs3Reason =
  'This queue is itself a dead-letter queue: it receives the events EventBridge could not deliver and the ' +
  'asynchronous invocations or stream records Lambda gave up on (EventBridge target DLQ / Lambda on-failure ' +
  'destination, which cdk-nag does not recognise as DLQ use). A DLQ of a DLQ would only move the problem; ' +
  'messages are kept 14 days and an alarm fires on the first one (Monitoring.watchQueue).';

export class Events extends Construct {
  readonly bus: events.EventBus;
  /** The outbox publisher, fed by the table's stream. */
  readonly publisher: ShinchokuFunction;
  /** Stream records the publisher gave up on: Lambda's on-failure records, and the unreadable records it set aside. */
  readonly streamFailures: sqs.Queue;
  /** The rule targets by function folder. */
  readonly functions: ReadonlyMap<string, ShinchokuFunction>;
  /** Per target function: events it was not delivered or failed on. */
  readonly failedEvents: ReadonlyMap<string, sqs.Queue>;
  /** The EventBridge rules by rule name. */
  readonly rules: ReadonlyMap<string, events.Rule>;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const ruleTable = props.rules ?? eventRules;
    assertUniqueRuleNames(ruleTable);
    const tableAccess = props.tableAccess ?? eventTargetTableAccess;
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);
    const { monitoring } = props;

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName ?? `${Stack.of(this).stackName}-events`,
      description: 'shinchoku: ProgressReported, QuarterCompiled (events/catalog.ts)',
    });

    const functions = new Map<string, ShinchokuFunction>();
    const failedEvents = new Map<string, sqs.Queue>();
    for (const fn of ruleFunctions(ruleTable)) {
      const access = tableAccess[fn];
      if (access === undefined) {
        throw new Error(
          `イベントの受け手 ${fn} のテーブル権限（infra/data.ts の TableAccess）が決まっていません。infra/events.ts の eventTargetTableAccess に追加してください / ` +
            `no table access (a TableAccess of infra/data.ts) declared for event target ${fn}; add it to eventTargetTableAccess in infra/events.ts`,
        );
      }
      const name = pascalCase(fn);
      const handler = new ShinchokuFunction(this, name, {
        name: fn,
        tenant: props.tenant,
        description: `shinchoku ${fn} (EventBridge target)`,
        timeout: eventTargetTimeouts[fn],
      }).bindTable(props.data, access);
      const queue = this.deadLetterQueue(`${name}FailedEvents`);
      // EventBridge invokes asynchronously: a handler error is Lambda's to retry, and to hand on here.
      handler.configureAsyncInvoke({ retryAttempts: 2, maxEventAge, onFailure: new destinations.SqsDestination(queue) });
      monitoring.watchFunction(handler);
      monitoring.watchQueue(queue);
      functions.set(fn, handler);
      failedEvents.set(fn, queue);
    }

    // apply-report publishes QuarterCompiled again when a late report changes a compiled quarter.
    const applyReport = functions.get('apply-report');
    if (applyReport) this.grantPublish(applyReport);

    const rules = new Map<string, events.Rule>();
    for (const rule of ruleTable) {
      const eventRule = new events.Rule(this, `${pascalCase(rule.name)}Rule`, {
        eventBus: this.bus,
        description: rule.description.slice(0, 512),
        eventPattern: cdkEventPattern(rule),
      });
      eventRule.addTarget(
        new targets.LambdaFunction(functions.get(rule.fn)!, {
          deadLetterQueue: failedEvents.get(rule.fn)!,
          retryAttempts: props.targetRetryAttempts ?? 8,
          maxEventAge,
        }),
      );
      rules.set(rule.name, eventRule);
    }

    this.streamFailures = this.deadLetterQueue('PublishEventsFailedRecords');
    this.publisher = new ShinchokuFunction(this, pascalCase(publisherFunction), {
      name: publisherFunction,
      tenant: props.tenant,
      description: 'shinchoku publish-events (report outbox: table stream → ProgressReported)',
      timeout: Duration.seconds(30),
    });
    this.publisher.addEventSource(
      new DynamoEventSource(props.data.table, {
        // The mapping is created with the table's stream already running: start at the oldest record
        // kept, so a report written while the stack deploys is still published.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: streamConsumer.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        filters: [lambda.FilterCriteria.filter({ ...reportInsertFilter })],
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: props.streamRetryAttempts ?? 5,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.streamFailures),
      }),
    );
    this.grantPublish(this.publisher);
    // A record that can never become an event is set aside there by the publisher (events/outbox.ts).
    this.publisher.addEnvironment(envNames.streamFailureQueueUrl, this.streamFailures.queueUrl);
    this.streamFailures.grantSendMessages(this.publisher);
    monitoring.watchFunction(this.publisher);
    monitoring.watchQueue(this.streamFailures);
    this.alarmOnIteratorAge(props.maxIteratorAge ?? Duration.minutes(15), monitoring);

    this.functions = functions;
    this.failedEvents = failedEvents;
    this.rules = rules;
  }

  /** Let `fn` publish to this bus (events:PutEvents on its ARN only) and tell it the bus name. */
  grantPublish(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(envNames.eventBusName, this.bus.eventBusName);
    return this.bus.grantPutEventsTo(fn);
  }

  /** An encrypted, TLS-only queue that keeps what failed for 14 days. */
  private deadLetterQueue(id: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Failed events waiting to be replayed outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: sqs3Reason });
    return queue;
  }

  /** A stream that stops moving (records retried again and again) is a failure nobody would see otherwise. */
  private alarmOnIteratorAge(maxAge: Duration, monitoring: Monitoring): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, 'PublishEventsIteratorAge', {
      metric: this.publisher.metric('IteratorAge', { period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      alarmDescription:
        `${this.publisher.node.id}: 報告イベントの発行が ${maxAge.toMinutes()} 分以上遅れています / ` +
        `report events are more than ${maxAge.toMinutes()} minutes behind the table`,
      threshold: maxAge.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new cloudwatchActions.SnsAction(monitoring.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

/** The rule's pattern from events/rules.ts (the one the local bus matches), in CDK's spelling. */
function cdkEventPattern(rule: EventRule): events.EventPattern {
  const pattern = eventPatternOf(rule);
  return { source: pattern.source as string[], detailType: pattern['detail-type'] as string[] };
}
