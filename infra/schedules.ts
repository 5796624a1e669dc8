/**
 * The scheduled jobs on AWS: one EventBridge Scheduler schedule per entry of shared/schedules.ts under
 * the reminder rules of the CDK context `reminders` (the compile runs the day after the reports are
 * due; the same expressions the local stack fires, read in Asia/Tokyo, no flexible window), one
 * `ShinchokuFunction` per distinct function, and one role that may invoke exactly those functions.
 *
 * No silent failure: Scheduler retries a delivery it could not make (retry policy) and then puts the
 * event in the dead-letter queue; Scheduler invokes Lambda asynchronously, so a run that fails (a
 * reminder that could not be sent) is retried by Lambda and then sent to the same queue (on-failure
 * destination). The queue and the functions are alarmed through `Monitoring`.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envNames } from '#shared/config/env';
import { parseReminderConfig, ReminderConfigError, reminderConfigVariable, type ReminderConfig } from '#shared/domain/reminders';
import { scheduledRunMaxAgeHours, scheduleFunctions, schedulesFor, type ScheduleDefinition } from '#shared/schedules';
import type { Data, TableAccess } from './data.ts';
import { ShinchokuFunction } from './function.ts';
import type { Monitoring } from './monitoring.ts';
import { pascalCase } from './names.ts';
import type { OutboundMail } from './outbound-mail.ts';
import type { LinkSecret } from './secrets.ts';

/** The schedule group the schedules are created in (no `groupName` on them: Scheduler's default group). */
export const scheduleGroupName = 'default';

/**
 * Table access per scheduled function. Every function a schedule invokes must be listed: a new job
 * fails the synth until someone decides whether it may write.
 */
export const scheduleTableAccess: Readonly<Record<string, TableAccess>> = {
  // Reads the plan, directory and the quarter's reports; claims and marks its notifications (its only table writes).
  'send-reminders': 'readAndClaim',
  // Reads the quarter's reports; writes the compiled status.
  'compile-quarter': 'readAndCompile',
};

/** Run-time limits per scheduled function. Reminders are paced at the SES rate (about a dozen mails a day). */
export const scheduleTimeouts: Readonly<Record<string, Duration>> = {
  'send-reminders': Duration.minutes(5),
  'compile-quarter': Duration.minutes(2),
};

/** The context key holding the reminder rules (see shared/domain/reminders.ts); absent = the defaults. */
export const remindersContextKey = 'reminders';

export interface SchedulesProps {
  readonly data: Data;
  readonly tenant: string;
  readonly monitoring: Monitoring;
  /** The SES identity the reminders are sent from. */
  readonly outboundMail: OutboundMail;
  /** The key the reminders' form links and reply addresses are signed with. */
  readonly linkSecret: LinkSecret;
  /** The base URL of the report forms in the reminders (the API's URL). */
  readonly publicBaseUrl: string;
  /** Lets the compile publish QuarterCompiled (infra/events.ts). */
  readonly events: { grantPublish(fn: lambda.Function): iam.Grant };

  /**
   * The schedules.
   *
   * @default schedulesFor(the reminder rules) (shared/schedules.ts)
   */
  readonly schedules?: readonly ScheduleDefinition[];

  /**
   * Table access per scheduled function.
   *
   * @default scheduleTableAccess
   */
  readonly tableAccess?: Readonly<Record<string, TableAccess>>;

  /**
   * The reminder rules (the `reminders` section, validated by `parseReminderConfig`).
   *
   * @default the `reminders` CDK context value, else the defaults
   */
  readonly reminders?: unknown;

  /**
   * How often Scheduler retries a delivery to a function before the event goes to the DLQ.
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * How long Scheduler and Lambda keep trying a run before it goes to the DLQ.
   *
   * @default Duration.hours(scheduledRunMaxAgeHours) (6)
   */
  readonly maximumEventAge?: Duration;
}

const sqs3Reason =
  'This queue is itself a dead-letter queue: EventBridge Scheduler puts the runs it could not deliver here ' +
  '(target DeadLetterConfig) and Lambda the scheduled runs that failed after its retries (on-failure destination); ' +
  'cdk-nag does not recognise either as DLQ use. Messages are kept 14 days and an alarm fires on the first one.';

export class Schedules extends Construct {
  /** The scheduled functions by folder. */
  readonly functions: ReadonlyMap<string, ShinchokuFunction>;
  /** The Scheduler schedules by name. */
  readonly schedules: ReadonlyMap<string, scheduler.CfnSchedule>;
  /** Runs Scheduler could not deliver and runs that failed: encrypted, TLS-only, alarmed. */
  readonly deadLetterQueue: sqs.Queue;
  /** The role Scheduler assumes: invoke the scheduled functions, send to the DLQ, nothing else. */
  readonly role: iam.Role;
  /** The validated reminder rules the reminders run with; whatever else shows a due date must use them too. */
  readonly reminderRules: ReminderConfig;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const reminderConfig = this.reminderConfig(props.reminders ?? this.node.tryGetContext(remindersContextKey));
    this.reminderRules = reminderConfig;
    // The compile's days follow the rules' due date: the same list the local stack and replay derive.
    const list = props.schedules ?? schedulesFor(reminderConfig);
    const tableAccess = props.tableAccess ?? scheduleTableAccess;
    const maximumEventAge = props.maximumEventAge ?? Duration.hours(scheduledRunMaxAgeHours);
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'FailedRuns', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Failed runs waiting to be replayed outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: sqs3Reason });
    props.monitoring.watchQueue(this.deadLetterQueue);
    // Runs that never reach the queue (dropped, or refused by it) are seen only in Scheduler's own metrics.
    props.monitoring.watchScheduleGroup(scheduleGroupName);

    // What each job needs besides the table.
    const wiring: Readonly<Record<string, (fn: ShinchokuFunction) => void>> = {
      'send-reminders': (fn) => {
        props.outboundMail.grantSend(fn);
        props.linkSecret.grantRead(fn);
        fn.addEnvironment(envNames.publicBaseUrl, props.publicBaseUrl);
        fn.addEnvironment(reminderConfigVariable, JSON.stringify(reminderConfig));
      },
      'compile-quarter': (fn) => {
        props.events.grantPublish(fn);
        // The quarter's compile day, on which a result kept from an earlier compile is stamped again.
        fn.addEnvironment(reminderConfigVariable, JSON.stringify(reminderConfig));
      },
    };

    const functions = new Map<string, ShinchokuFunction>();
    for (const fnName of scheduleFunctions(list)) {
      const access = tableAccess[fnName];
      if (access === undefined) {
        throw new Error(
          `スケジュールの関数 ${fnName} のテーブル権限（infra/data.ts の TableAccess）が決まっていません。infra/schedules.ts の scheduleTableAccess に追加してください / ` +
            `no table access (a TableAccess of infra/data.ts) declared for scheduled function ${fnName}; add it to scheduleTableAccess in infra/schedules.ts`,
        );
      }
      const fn = new ShinchokuFunction(this, pascalCase(fnName), {
        name: fnName,
        tenant: props.tenant,
        description: `shinchoku ${fnName} (EventBridge Scheduler target)`,
        timeout: scheduleTimeouts[fnName],
      }).bindTable(props.data, access);
      wiring[fnName]?.(fn);
      // Scheduler invokes asynchronously: a failed run is Lambda's to retry, and to hand on to the DLQ.
      fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: maximumEventAge, onFailure: new destinations.SqsDestination(this.deadLetterQueue) });
      props.monitoring.watchFunction(fn);
      functions.set(fnName, fn);
    }

    this.role = new iam.Role(this, 'SchedulerRole', {
      // Confused-deputy guard: only schedules of this account, in the default group (the one the
      // schedules below are created in), may assume the role. Scheduler assumes the role with the
      // schedule *group's* ARN as aws:SourceArn, never a schedule's: a condition on
      // `schedule/<group>/*` matches no request and every run would fail to assume the role
      // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: scheduleGroupName,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      }),
      description: 'shinchoku: EventBridge Scheduler invokes the scheduled functions',
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeScheduledFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [...functions.values()].map((fn) => fn.functionArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'SendUndeliveredRuns', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    const created = new Map<string, scheduler.CfnSchedule>();
    for (const schedule of list) {
      const fn = functions.get(schedule.fn)!;
      created.set(
        schedule.name,
        new scheduler.CfnSchedule(this, `${pascalCase(schedule.name)}Schedule`, {
          description: schedule.description.slice(0, 512),
          scheduleExpression: schedule.expression,
          scheduleExpressionTimezone: schedule.timezone,
          // A reminder at 09:00 means 09:00: no flexible window.
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: fn.functionArn,
            roleArn: this.role.roleArn,
            // The placeholder <aws.scheduler.scheduled-time> is filled in by Scheduler at each run.
            input: JSON.stringify(schedule.input),
            retryPolicy: { maximumRetryAttempts: props.retryAttempts ?? 10, maximumEventAgeInSeconds: maximumEventAge.toSeconds() },
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        }),
      );
    }
    this.functions = functions;
    this.schedules = created;
  }

  /** The validated reminder rules; a mistake stops the synth with its bilingual message. */
  private reminderConfig(section: unknown) {
    try {
      // `cdk synth -c reminders='{"report":{"daysBefore":[7]}}'` passes the section as text.
      return parseReminderConfig(typeof section === 'string' ? JSON.parse(section) : section);
    } catch (error) {
      if (error instanceof ReminderConfigError || error instanceof SyntaxError) {
        throw new Error(`CDK context "${remindersContextKey}": ${error.message}`);
      }
      throw error;
    }
  }
}
