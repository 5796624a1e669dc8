/**
 * The whole deployment: the table, the HTTP API with its functions, and the alarms on them.
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import type { ShinchokuConfig } from './config.ts';
import { Data } from './data.ts';
import { Monitoring } from './monitoring.ts';

export interface ShinchokuStackProps extends StackProps {
  /** The validated configuration (see `readConfig` in infra/config.ts). */
  readonly config: ShinchokuConfig;
}

export class ShinchokuStack extends Stack {
  readonly data: Data;
  readonly api: Api;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ShinchokuStackProps) {
    super(scope, id, {
      description: `shinchoku (進捗) — progress reporting for ${props.config.tenant}`,
      ...props,
    });
    const { config } = props;
    Tags.of(this).add('project', 'shinchoku');
    Tags.of(this).add('tenant', config.tenant);

    this.data = new Data(this, 'Data');
    this.monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: config.alarmEmail });
    this.api = new Api(this, 'Api', { data: this.data, tenant: config.tenant });
    for (const fn of this.api.functions.values()) this.monitoring.watchFunction(fn);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName, description: 'DynamoDB table name' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic for alarms' });
  }
}
