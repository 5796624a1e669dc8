/**
 * The link secret: the HMAC key that signs the per-課 links (form links and reply addresses), kept
 * in Secrets Manager, generated at deploy time so no person ever sees or types it. A function that
 * verifies or issues links is given its ARN (`LINK_SECRET_ARN`) and may read this secret only.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { envNames } from '#shared/config/env';

/** What a function may do with the secret: read its value, nothing else (no DescribeSecret, no listing). */
export const linkSecretReadActions: readonly string[] = ['secretsmanager:GetSecretValue'];

/** Options of the link secret. */
export interface LinkSecretProps {
  /**
   * Length of the generated secret (letters and digits; the signer needs at least 32 bytes).
   *
   * @default 64
   */
  readonly length?: number;

  /**
   * What happens to the secret when it leaves the stack. Retained by default: a new key would turn
   * every link in reminder mails already sent into a 401.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The generated link secret, and the one way to let a function read it (`grantRead`). */
export class LinkSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: LinkSecretProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'shinchoku: HMAC key signing the per-課 form links and reply addresses',
      generateSecretString: {
        passwordLength: props.length ?? 64,
        // Letters and digits only: the key is also pasted into local .env files and CLI flags.
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: this HMAC key signs the links in reminder mails (send-reminders, valid 60 days: ' +
        'shared/links.ts linkValidityDays) and the dashboard links (valid 180 days: dashboardLinkValidityDays), and the API ' +
        'functions and ingest-mail verify them; there is no moment when none is valid, and a rotation turns every one into a 401. ' +
        'The key is rotated by hand (README, Deploying to AWS), when a leak is suspected, after which dashboard links are issued again.',
    });
  }

  /** Let `fn` read the secret (GetSecretValue on this secret's ARN only) and tell it the ARN. */
  grantRead(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(envNames.linkSecretArn, this.secret.secretArn);
    return iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...linkSecretReadActions],
      resourceArns: [this.secret.secretArn],
    });
  }
}
