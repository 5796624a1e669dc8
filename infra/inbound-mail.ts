/**
 * Report mails in: an SES receipt rule set with one rule for `<replyLocalPart>@<mailDomain>` (SES
 * matches an address recipient with any `+label`, so `progress+<token>@…` is included and nothing
 * else on the domain is), spam and virus scanning on, TLS required. Its actions: store the raw
 * message in the mail bucket (`inbound/<messageId>`), then invoke `ingest-mail` asynchronously
 * (Event); the Lambda event carries no body, the function reads it from the bucket.
 *
 * CloudFormation cannot make a rule set active; a custom resource calls SES
 * `SetActiveReceiptRuleSet` on create/update, and deactivates the account's active rule set on
 * delete (an account has at most one active rule set per region, so another one that was active
 * before this stack is not restored — re-activate it by hand if needed). In an account that already
 * receives mail for something else, `existingRuleSetName` adds the rule to that (active) rule set
 * instead, and nothing is activated or deactivated.
 *
 * No silent failure: an invocation `ingest-mail` fails on after Lambda's two retries lands in its
 * on-failure queue; the function and the queue are alarmed through `Monitoring`.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { mailBucketPrefixes } from '#events/ses-receipt';
import { envNames } from '#shared/config/env';
import { idempotencyDays } from '#shared/store/report-items';
import type { Data } from './data.ts';
import { ShinchokuFunction } from './function.ts';
import type { Monitoring } from './monitoring.ts';
import type { LinkSecret } from './secrets.ts';

const { inbound: inboundPrefix, attachments: attachmentsPrefix } = mailBucketPrefixes;

export interface InboundMailProps {
  /** The table ingest-mail records reports and reply claims in. */
  readonly data: Data;

  /** Tenant (municipality) the function serves. */
  readonly tenant: string;

  /** The domain whose MX points at SES (the directory's `mailDomain`). */
  readonly mailDomain: string;

  /**
   * Local part of the reply address (the directory's `replyLocalPart`).
   *
   * @default 'progress'
   */
  readonly replyLocalPart?: string;

  /** The link secret the reply addresses' tokens are checked with. */
  readonly linkSecret: LinkSecret;

  /** Where the alarms on the function and its on-failure queue go. */
  readonly monitoring: Monitoring;

  /**
   * Name of the receipt rule set (unique per account and region).
   *
   * @default `<stack name>-inbound`
   */
  readonly ruleSetName?: string;

  /**
   * Add the reports rule to this existing receipt rule set — the account's active one — instead of
   * creating a rule set and making it active. An account has one active rule set per region: set
   * this where the account already receives mail for other purposes, so deploying this stack does
   * not switch that off. The rule set is neither activated nor deactivated by the stack.
   *
   * @default a rule set of its own (`ruleSetName`), made active on deploy
   */
  readonly existingRuleSetName?: string;

  /**
   * How long raw received messages are kept. Attachments of recorded reports are kept as long as
   * the reports (no expiry).
   *
   * @default Duration.days(idempotencyDays) (400) — a fiscal year and its closing quarter, as the idempotency records
   */
  readonly rawMailRetention?: Duration;

  /**
   * What happens to the buckets when they leave the stack. They hold report attachments.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The SES receipt action "store in S3", with the bucket policy written by `InboundMail` (not by the action). */
class StoreInBucket implements ses.IReceiptRuleAction {
  constructor(
    private readonly bucket: s3.IBucket,
    private readonly prefix: string,
  ) {}

  bind(): ses.ReceiptRuleActionConfig {
    return { s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: this.prefix } };
  }
}

export class InboundMail extends Construct {
  /** Raw received messages (`inbound/`) and the attachments of recorded reports (`attachments/`). */
  readonly bucket: s3.Bucket;
  /** Server access logs of the mail bucket. */
  readonly logBucket: s3.Bucket;
  /** The function the rule invokes. */
  readonly ingest: ShinchokuFunction;
  /** Invocations of `ingest` that failed after Lambda's retries. */
  readonly failedMails: sqs.Queue;
  /** The rule set holding the rule: the stack's own, or the existing one named in `existingRuleSetName`. */
  readonly ruleSet: ses.IReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** The address the rule matches (and its plus-addressed forms). */
  readonly recipient: string;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.ruleSetName !== undefined && props.existingRuleSetName !== undefined) {
      throw new Error(
        'ruleSetName（新しく作る規則セット）と existingRuleSetName（既存の規則セット）はどちらか一方だけ指定してください / ' +
          'give either ruleSetName (a rule set to create) or existingRuleSetName (an existing one), not both',
      );
    }
    const ownRuleSetName = props.ruleSetName ?? `${stack.stackName}-inbound`;
    const ruleSetName = props.existingRuleSetName ?? ownRuleSetName;
    // In a rule set shared with others too, the rule carries the stack's name: recognisable and unique.
    const ruleName = `${ownRuleSetName}-reports`;
    this.recipient = `${props.replyLocalPart ?? 'progress'}@${props.mailDomain}`;

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(idempotencyDays) }],
      removalPolicy,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server-access-log bucket of the inbound-mail bucket; logging its own access would log into itself. ' +
        `It is private, TLS-only and expires logs after ${idempotencyDays} days.`,
    });

    // Not versioned: SES writes each message once under its own unique id and attachments get unique
    // keys, nothing overwrites an object; versions would only keep personal data beyond its expiry.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'mail-bucket/',
      lifecycleRules: [
        { id: 'expire-raw-mail', prefix: inboundPrefix, expiration: props.rawMailRetention ?? Duration.days(idempotencyDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });

    const ruleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // Confused-deputy guard: SES may write here only for this account's rule, nothing else.
    const policy = this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRuleToStoreMail',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${inboundPrefix}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': ruleArn } },
      }),
    );

    this.failedMails = new sqs.Queue(this, 'FailedMails', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Failed mails waiting to be replayed outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.failedMails).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue (Lambda on-failure destination) of ingest-mail: it keeps the SES events ' +
        'of mails the function failed on after its retries for 14 days, and an alarm fires on the first one. A DLQ of a DLQ would only move the problem.',
    });

    // Internet-facing like the forms: it appends reports (PutItem, as they do) and changes or deletes
    // nothing but its notification claims.
    this.ingest = new ShinchokuFunction(this, 'IngestMail', {
      name: 'ingest-mail',
      tenant: props.tenant,
      description: 'shinchoku ingest-mail (SES receipt rule: report mails)',
      // A mail of up to 40 MB is parsed in memory with its attachments.
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment: { [envNames.mailBucket]: this.bucket.bucketName },
    }).bindTable(props.data, 'appendAndClaim');
    props.linkSecret.grantRead(this.ingest);
    this.ingest.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadReceivedMail',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${inboundPrefix}*`)],
      }),
    );
    this.ingest.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StoreReportAttachments',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${attachmentsPrefix}*`)],
      }),
    );
    const bucketLogicalId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const defaultPolicy = this.ingest.role?.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge(
        {
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${inboundPrefix}*]`,
          reason:
            'SES names each stored message by its own message id, known only when the mail arrives; s3:GetObject on the ' +
            `${inboundPrefix} prefix of this one bucket (no list, no delete, no other prefix) is the narrowest grant that reads it.`,
        },
        {
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${attachmentsPrefix}*]`,
          reason:
            'Attachments are stored under the id of the mail that carried them; s3:PutObject on the ' +
            `${attachmentsPrefix} prefix of this one bucket (no read, no delete) is the narrowest grant that writes them.`,
        },
      );
    }
    this.ingest.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.failedMails),
    });
    props.monitoring.watchFunction(this.ingest);
    props.monitoring.watchQueue(this.failedMails);

    // SES may invoke the function only for this account's rule.
    this.ingest.addPermission('AllowSes', {
      action: 'lambda:InvokeFunction',
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: ruleArn,
    });

    this.ruleSet =
      props.existingRuleSetName === undefined
        ? new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName })
        : ses.ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.existingRuleSetName);
    this.rule = new ses.ReceiptRule(this, 'ReportsRule', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      recipients: [this.recipient],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      enabled: true,
      actions: [
        new StoreInBucket(this.bucket, inboundPrefix),
        // Finds the AllowSes permission above (with its SourceArn) and depends on it.
        new sesActions.Lambda({ function: this.ingest, invocationType: sesActions.LambdaInvocationType.EVENT }),
      ],
    });
    // SES checks that it may write to the bucket when the rule is created.
    if (policy.policyDependable) this.rule.node.addDependency(policy.policyDependable);

    if (props.existingRuleSetName === undefined) this.activateRuleSet(ruleSetName);
  }

  /** `SetActiveReceiptRuleSet`: CloudFormation has no resource for the active rule set. */
  private activateRuleSet(ruleSetName: string): cr.AwsCustomResource {
    const logGroup = new logs.LogGroup(this, 'ActivateRuleSetLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role instead of the provider's default (AWSLambdaBasicExecutionRole, which may write to every log group).
    const role = new iam.Role(this, 'ActivateRuleSetRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'shinchoku: activates the inbound-mail receipt rule set',
    });
    logGroup.grants.write(role);
    const activation = new cr.AwsCustomResource(this, 'ActivateRuleSet', {
      resourceType: 'Custom::SesActiveReceiptRuleSet',
      onCreate: {
        service: 'SES',
        action: 'setActiveReceiptRuleSet',
        parameters: { RuleSetName: ruleSetName },
        physicalResourceId: cr.PhysicalResourceId.of(`active-receipt-rule-set-${ruleSetName}`),
      },
      onUpdate: {
        service: 'SES',
        action: 'setActiveReceiptRuleSet',
        parameters: { RuleSetName: ruleSetName },
        physicalResourceId: cr.PhysicalResourceId.of(`active-receipt-rule-set-${ruleSetName}`),
      },
      // Without a name SES deactivates the active rule set: mail is no longer taken in.
      onDelete: { service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
    });
    activation.node.addDependency(this.rule);
    const reasonStar =
      'ses:SetActiveReceiptRuleSet has no resource type in the Service Authorization Reference (Amazon SES v1: receipt ' +
      'rule set actions support no resource-level permissions), so AWS requires Resource "*"; the role may call this one action only.';
    for (const child of [role, activation]) {
      Validations.of(child).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: reasonStar });
    }
    return activation;
  }
}
