import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { Monitoring } from '#infra/monitoring';

describe('Monitoring', () => {
  it('alarms as soon as a dead-letter queue holds a message', () => {
    // Prepare
    const stack = new Stack(new App(), 'MonitoringTest');
    const monitoring = new Monitoring(stack, 'Monitoring');
    const dlq = new sqs.Queue(stack, 'MailDlq', { enforceSSL: true });
    // Act
    monitoring.watchQueue(dlq);
    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stack.getLogicalId(dlq.node.defaultChild as sqs.CfnQueue), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: stack.getLogicalId(monitoring.topic.node.defaultChild as sns.CfnTopic) }],
    });
  });

  it('alarms on every new dead letter, even while older ones still wait in the queue', () => {
    // Prepare
    const stack = new Stack(new App(), 'MonitoringTest');
    const monitoring = new Monitoring(stack, 'Monitoring');
    const dlq = new sqs.Queue(stack, 'MailDlq', { enforceSSL: true });
    // Act
    monitoring.watchQueue(dlq);
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stack.getLogicalId(dlq.node.defaultChild as sqs.CfnQueue), 'QueueName'] } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: stack.getLogicalId(monitoring.topic.node.defaultChild as sns.CfnTopic) }],
    });
  });

  it('alarms on the SES reputation rates and on bounces, complaints and rejects of one configuration set', () => {
    // Prepare
    const stack = new Stack(new App(), 'MonitoringTest');
    const monitoring = new Monitoring(stack, 'Monitoring');
    const topic = { Ref: stack.getLogicalId(monitoring.topic.node.defaultChild as sns.CfnTopic) };
    // Act
    monitoring.watchOutboundMail('shinchoku-mail', 'ConfigurationSet');
    // Assess
    const template = Template.fromStack(stack);
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metric,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
      });
    }
    for (const metric of ['Bounce', 'Complaint', 'Reject']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metric,
        Dimensions: [{ Name: 'ConfigurationSet', Value: 'shinchoku-mail' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
    }
  });

  it('alarms on any 5xx answer of an HTTP API', () => {
    // Prepare
    const stack = new Stack(new App(), 'MonitoringTest');
    const monitoring = new Monitoring(stack, 'Monitoring');
    const api = new apigwv2.HttpApi(stack, 'HttpApi');
    // Act
    monitoring.watchHttpApi(api);
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: stack.getLogicalId(api.node.defaultChild as apigwv2.CfnApi) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: stack.getLogicalId(monitoring.topic.node.defaultChild as sns.CfnTopic) }],
    });
  });

  it('subscribes alarmEmail to the topic, and nobody without it', () => {
    // Prepare
    const app = new App();
    const withEmail = new Stack(app, 'WithEmail');
    const withoutEmail = new Stack(app, 'WithoutEmail');
    // Act
    new Monitoring(withEmail, 'Monitoring', { alarmEmail: 'ops@city.shimotsuke.example' });
    new Monitoring(withoutEmail, 'Monitoring');
    // Assess
    Template.fromStack(withEmail).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@city.shimotsuke.example' });
    expect(Template.fromStack(withoutEmail).findResources('AWS::SNS::Subscription')).toEqual({});
  });
});
