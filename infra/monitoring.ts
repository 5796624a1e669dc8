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
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
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

  /** Alarm as soon as a dead-letter queue holds a message. */
  watchQueue(queue: sqs.IQueue): cloudwatch.Alarm {
    const id = queue.node.id;
    return this.alarm(
      `${id}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: this.period, statistic: cloudwatch.Stats.MAXIMUM }),
      { description: `${id}: デッドレターキューにメッセージがあります / messages are waiting in the dead-letter queue`, threshold: 0, strictlyGreater: true },
    );
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
