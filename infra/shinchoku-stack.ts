/**
 * The whole deployment: the table, the HTTP API with its functions, and the alarms on them.
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { envNames } from '#shared/config/env';
import { reminderConfigVariable } from '#shared/domain/reminders';
import { Api } from './api.ts';
import { mailSettingsFor, type MailSettings, type ShinchokuConfig } from './config.ts';
import { Data } from './data.ts';
import { Events } from './events.ts';
import { InboundMail } from './inbound-mail.ts';
import { Monitoring } from './monitoring.ts';
import { OutboundMail, sendingEventDimension } from './outbound-mail.ts';
import { PublicSite } from './public-site.ts';
import { Schedules } from './schedules.ts';
import { LinkSecret } from './secrets.ts';

export interface ShinchokuStackProps extends StackProps {
  /** The validated configuration (see `readConfig` in infra/config.ts). */
  readonly config: ShinchokuConfig;

  /**
   * Where the tenants' directories are (`<plansDirectory>/<tenant>/directory.json`); the mail settings
   * are checked against the tenant's (see `mailSettingsFor` in infra/config.ts).
   *
   * @default the repository's plans/
   */
  readonly plansDirectory?: string;
}

export class ShinchokuStack extends Stack {
  readonly data: Data;
  readonly api: Api;
  /** The HMAC key of the per-課 links, in Secrets Manager. */
  readonly linkSecret: LinkSecret;
  readonly monitoring: Monitoring;
  /** The event bus, its rules and targets, and the report outbox publisher (watched by `monitoring`). */
  readonly events: Events;
  /** The public progress pages and open data (S3 behind CloudFront), written by publish-public. */
  readonly publicSite: PublicSite;
  /** Report mails in: the SES receipt rule set, the mail bucket and ingest-mail. */
  readonly inboundMail: InboundMail;
  /** Mail out: the SES identity of the mail domain and its configuration set. */
  readonly outboundMail: OutboundMail;
  /** EventBridge Scheduler: the reminders and the quarterly compile of shared/schedules.ts. */
  readonly schedules: Schedules;
  /** The mail domain and reply local part, as the tenant's directory has them. */
  readonly mailSettings: MailSettings;

  constructor(scope: Construct, id: string, props: ShinchokuStackProps) {
    super(scope, id, {
      description: `shinchoku (進捗) — progress reporting for ${props.config.tenant}`,
      ...props,
    });
    const { config } = props;
    // Fails the synth when the tenant's directory names another mail domain, sender domain or tenant.
    this.mailSettings = mailSettingsFor(config, props.plansDirectory);
    Tags.of(this).add('project', 'shinchoku');
    Tags.of(this).add('tenant', config.tenant);

    this.data = new Data(this, 'Data');
    this.monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: config.alarmEmail });
    this.linkSecret = new LinkSecret(this, 'LinkSecret');
    this.api = new Api(this, 'Api', { data: this.data, tenant: config.tenant, linkSecret: this.linkSecret });
    this.events = new Events(this, 'Events', { data: this.data, tenant: config.tenant, monitoring: this.monitoring });
    for (const fn of this.api.functions.values()) this.monitoring.watchFunction(fn);
    this.monitoring.watchHttpApi(this.api.httpApi);
    this.publicSite = new PublicSite(this, 'PublicSite', { publisher: this.events.functions.get('publish-public') });
    this.api.functions.get('dashboard')?.addEnvironment(envNames.publicSiteUrl, this.publicSite.url);
    this.inboundMail = new InboundMail(this, 'InboundMail', {
      data: this.data,
      tenant: config.tenant,
      mailDomain: this.mailSettings.mailDomain,
      replyLocalPart: this.mailSettings.replyLocalPart,
      linkSecret: this.linkSecret,
      monitoring: this.monitoring,
      existingRuleSetName: config.receiptRuleSet,
    });

    this.outboundMail = new OutboundMail(this, 'OutboundMail', { mailDomain: this.mailSettings.mailDomain });
    this.monitoring.watchOutboundMail(this.outboundMail.configurationSet.configurationSetName, sendingEventDimension);
    // ingest-mail answers every report mail (confirmation or rejection) through SES.
    this.outboundMail.grantSend(this.inboundMail.ingest);
    this.schedules = new Schedules(this, 'Schedules', {
      data: this.data,
      tenant: config.tenant,
      monitoring: this.monitoring,
      outboundMail: this.outboundMail,
      linkSecret: this.linkSecret,
      publicBaseUrl: this.api.url,
      events: this.events,
    });
    // send-digest mails the leadership digest through the same identity.
    this.outboundMail.grantSend(this.events.functions.get('send-digest')!);
    // The sheets show the report's due date, which the reminder rules set.
    this.api.functions.get('report-sheet')?.addEnvironment(reminderConfigVariable, JSON.stringify(this.schedules.reminderRules));
    // The digest waits for a compile after that due date.
    this.events.functions.get('send-digest')!.addEnvironment(reminderConfigVariable, JSON.stringify(this.schedules.reminderRules));
    // The public page publishes a quarter only from its compile day, which the same due date sets; the
    // dashboard links to a quarter's public page from that day.
    this.events.functions.get('publish-public')!.addEnvironment(reminderConfigVariable, JSON.stringify(this.schedules.reminderRules));
    this.api.functions.get('dashboard')?.addEnvironment(reminderConfigVariable, JSON.stringify(this.schedules.reminderRules));
    // A report written around the scheduled compile compiles its quarter itself; that time follows the due date.
    this.events.functions.get('apply-report')!.addEnvironment(reminderConfigVariable, JSON.stringify(this.schedules.reminderRules));
    this.outboundMail.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}`, description: `DNS record ${i + 1} of 3 that verifies the mail domain in SES (Easy DKIM)` });
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName, description: 'DynamoDB table name' });
    new CfnOutput(this, 'LinkSecretArn', { value: this.linkSecret.secret.secretArn, description: 'Secrets Manager secret that signs the per-課 links' });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName, description: 'EventBridge bus of the shinchoku events' });
    new CfnOutput(this, 'PublicSiteUrl', { value: this.publicSite.url, description: 'public progress pages and open data (CloudFront)' });
    new CfnOutput(this, 'MailBucketName', { value: this.inboundMail.bucket.bucketName, description: 'received report mails and their attachments' });
    new CfnOutput(this, 'InboundMailRecipient', { value: this.inboundMail.recipient, description: 'SES receives report mails for this address and its +token forms' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic for alarms' });
  }
}
