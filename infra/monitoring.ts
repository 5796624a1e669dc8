/**
 * Alarms and where they go: one SNS topic (KMS-encrypted, TLS-only), optionally an e-mail
 * subscription, and helpers that put the standard alarms on a function or a dead-letter queue.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /**
   * Address that receives alarm notifications (it must confirm the subscription once).
   *
   * @default - no subscription; subscribe to the topic by other means
   */
  readonly alarmEmail?: string;

  /**
   * Length of one evaluation period of the alarms.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/** The alarms created for one function. */
export interface FunctionAlarms {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
}

/** The alarms created for one dead-letter queue. */
export interface QueueAlarms {
  /** Any message waiting in the queue. */
  readonly depth: cloudwatch.Alarm;
  /** Any message arriving in the queue within one period. */
  readonly arrivals: cloudwatch.Alarm;
}

/** The alarms on outbound mail. */
export interface OutboundMailAlarms {
  readonly bounceRate: cloudwatch.Alarm;
  readonly complaintRate: cloudwatch.Alarm;
  readonly bounces: cloudwatch.Alarm;
  readonly complaints: cloudwatch.Alarm;
  readonly rejects: cloudwatch.Alarm;
}

/**
 * The alarm topic and the alarm helpers.
 *
 * The topic is encrypted with a customer-managed key because CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed `alias/aws/sns` key (its key policy cannot be extended to the
 * CloudWatch service principal).
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  private readonly period: Duration;
  private readonly alarmAction: actions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    this.period = props.period ?? Duration.minutes(5);
    const stack = Stack.of(this);
    // Confused-deputy guard: CloudWatch may use the key and the topic only for alarms of this account.
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    this.key = new kms.Key(this, 'TopicKey', {
      description: 'shinchoku alarm topic encryption',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        // As AWS documents for CloudWatch alarms publishing to an encrypted topic.
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy "*" means "this key".
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'shinchoku alarms / 進捗 アラーム',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    if (props.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.alarmAction = new actions.SnsAction(this.topic);
  }

  /** Alarm on any error and on any throttled invocation of `fn`. */
  watchFunction(fn: lambda.IFunction): FunctionAlarms {
    const id = fn.node.id;
    const errors = this.alarm(`${id}Errors`, fn.metricErrors({ period: this.period, statistic: cloudwatch.Stats.SUM }), {
      description: `${id}: 関数がエラーを返しました / the function reported errors`,
    });
    const throttles = this.alarm(`${id}Throttles`, fn.metricThrottles({ period: this.period, statistic: cloudwatch.Stats.SUM }), {
      description: `${id}: 呼び出しがスロットリングされました / invocations were throttled`,
    });
    return { errors, throttles };
  }

  /**
   * Alarm on any 5xx answer of an HTTP API. Its functions answer an unexpected error as a 500 of their
   * own (shared/http/middleware.ts), which Lambda counts as a success, so their `Errors` alarms only
   * see crashes and timeouts; this one sees every failed request.
   */
  watchHttpApi(api: apigwv2.IHttpApi): cloudwatch.Alarm {
    const id = api.node.id;
    return this.alarm(`${id}ServerErrors`, api.metricServerError({ period: this.period, statistic: cloudwatch.Stats.SUM }), {
      description: `${id}: API が 5xx エラーを返しました / the API answered with server errors (5xx)`,
    });
  }

  /**
   * Alarms on a dead-letter queue: `depth` while any message waits in it (stays in ALARM until the queue
   * is emptied), and `arrivals` on every new dead letter (Sum of NumberOfMessagesSent per period), so a
   * second failure notifies even while an older one still sits in the queue.
   */
  watchQueue(queue: sqs.IQueue): QueueAlarms {
    const id = queue.node.id;
    const depth = this.alarm(
      `${id}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: this.period, statistic: cloudwatch.Stats.MAXIMUM }),
      { description: `${id}: デッドレターキューにメッセージがあります / messages are waiting in the dead-letter queue`, threshold: 0, strictlyGreater: true },
    );
    const arrivals = this.alarm(
      `${id}Arrivals`,
      queue.metricNumberOfMessagesSent({ period: this.period, statistic: cloudwatch.Stats.SUM }),
      { description: `${id}: デッドレターキューに新しいメッセージが届きました / a new message arrived in the dead-letter queue`, threshold: 0, strictlyGreater: true },
    );
    return { depth, arrivals };
  }

  /**
   * Alarms on a schedule group of EventBridge Scheduler: every run Scheduler gave up on without putting
   * it in the dead-letter queue (`InvocationDroppedCount`) and every run it could not put there
   * (`InvocationsFailedToBeSentToDeadLetterCount`: the role could not be assumed, or the queue refused
   * it). Neither reaches the queue, so the queue's alarms cannot see them.
   */
  watchScheduleGroup(scheduleGroupName: string): { dropped: cloudwatch.Alarm; failedToDeadLetter: cloudwatch.Alarm } {
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: scheduleGroupName },
        period: this.period,
        statistic: cloudwatch.Stats.SUM,
      });
    const dropped = this.alarm('SchedulerDropped', metric('InvocationDroppedCount'), {
      description: `Scheduler (${scheduleGroupName}): 実行が破棄されました / a scheduled run was dropped without reaching its target or the dead-letter queue`,
    });
    const failedToDeadLetter = this.alarm('SchedulerFailedToDeadLetter', metric('InvocationsFailedToBeSentToDeadLetterCount'), {
      description: `Scheduler (${scheduleGroupName}): 失敗した実行をデッドレターキューに送れませんでした / a failed scheduled run could not be put in the dead-letter queue`,
    });
    return { dropped, failedToDeadLetter };
  }

  /**
   * Alarms on outbound mail: the account's SES reputation (bounce rate above 5 %, complaint rate above
   * 0.1 %, well before SES reviews or pauses sending at 10 % / 0.5 %), and every bounce, complaint or
   * reject of a send through `configurationSetName` (published to CloudWatch under `dimensionName` by
   * its event destination) — a bounced address is suppressed afterwards, so later mails to it vanish.
   */
  watchOutboundMail(configurationSetName: string, dimensionName: string): OutboundMailAlarms {
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM });
    const bounceRate = this.alarm('SesBounceRate', reputation('Reputation.BounceRate'), {
      description: 'SES: アカウントのバウンス率が 5% を超えました / the account bounce rate is above 5%',
      threshold: 0.05,
      strictlyGreater: true,
    });
    const complaintRate = this.alarm('SesComplaintRate', reputation('Reputation.ComplaintRate'), {
      description: 'SES: アカウントの苦情率が 0.1% を超えました / the account complaint rate is above 0.1%',
      threshold: 0.001,
      strictlyGreater: true,
    });
    const event = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        dimensionsMap: { [dimensionName]: configurationSetName },
        period: this.period,
        statistic: cloudwatch.Stats.SUM,
      });
    const bounces = this.alarm('SesBounces', event('Bounce'), {
      description: 'SES: 送信したメールがバウンスしました（宛先は抑制リストに入ります）/ a mail we sent bounced (the address is now suppressed)',
    });
    const complaints = this.alarm('SesComplaints', event('Complaint'), {
      description: 'SES: 送信したメールが迷惑メールとして報告されました / a mail we sent was reported as spam',
    });
    const rejects = this.alarm('SesRejects', event('Reject'), {
      description: 'SES: 送信したメールが拒否されました / SES rejected a mail we sent',
    });
    return { bounceRate, complaintRate, bounces, complaints, rejects };
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: { description: string; threshold?: number; strictlyGreater?: boolean },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: options.description,
      threshold: options.threshold ?? 1,
      comparisonOperator: options.strictlyGreater
        ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    return alarm;
  }
}
