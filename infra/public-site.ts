/**
 * The public progress site: a private S3 bucket behind a CloudFront distribution (Origin Access
 * Control, HTTPS only, `index.html` as the root object, a security-headers policy whose CSP allows
 * exactly the pages' one inline style). `publish-public` (the QuarterCompiled target) writes the
 * pages and open data into the bucket and may do nothing else with it; nobody reads the bucket except
 * CloudFront. Access logs of the bucket and of the distribution go to a separate log bucket.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { envNames } from '#shared/config/env';
import { publicContentSecurityPolicy, publicSiteKeys } from '#shared/web/public/page';

export interface PublicSiteProps {
  /**
   * The function that publishes the site (gets s3:PutObject on the site's objects and PUBLIC_BUCKET).
   *
   * @default - none; call `grantPublish` later
   */
  readonly publisher?: lambda.Function;

  /**
   * How long access logs are kept.
   *
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;

  /**
   * CloudFront price class. Japan is in every class; 200 adds the rest of Asia without South America.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_200
   */
  readonly priceClass?: cloudfront.PriceClass;
}

export class PublicSite extends Construct {
  /** The site's objects (private; CloudFront reads it through OAC). */
  readonly bucket: s3.Bucket;
  /** Server access logs of the bucket and standard logs of the distribution. */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: PublicSiteProps = {}) {
    super(scope, id);

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL, which needs ACLs enabled on the log bucket.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: props.logRetention ?? Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the public site (bucket server access logs and CloudFront standard logs); ' +
        'logging its own access would log into itself. It is private, TLS-only and expires logs after the retention period.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // The site is generated from the table after every compile: nothing here is the only copy.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'shinchoku public site: security headers; open data readable from any origin',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: publicContentSecurityPolicy, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      // Open data is for programs too: a web page elsewhere may fetch the CSV and JSON.
      corsBehavior: {
        accessControlAllowCredentials: false,
        accessControlAllowHeaders: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD'],
        accessControlAllowOrigins: ['*'],
        originOverride: true,
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'shinchoku public progress pages and open data',
      defaultRootObject: publicSiteKeys.index,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        // http:// is redirected to https:// (a typed address works), never served in clear text.
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      // The bucket answers a missing object with 403 (the distribution may not list it): both are the
      // site's own "not found" page (written by publish-public), as a 404, never S3's AccessDenied XML.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 404,
        responsePagePath: `/${publicSiteKeys.notFound}`,
        ttl: Duration.minutes(5),
      })),
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The public progress page is a municipal information-disclosure page meant for anyone, anywhere (residents abroad included); no geo restriction applies.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static, read-only files (HTML, CSV, JSON) from a private bucket: no forms, no query handling, no origin compute to protect. ' +
          'AWS WAF would add a fixed monthly cost for no application-layer surface; CloudFront\'s built-in Shield Standard covers volumetric attacks.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the security policy and ignores ' +
          'minimumProtocolVersion; when the city attaches its own domain and certificate, set minimumProtocolVersion TLSv1.2_2021 with it. ' +
          'Viewers are HTTPS only and the site serves public, read-only files.',
      },
    );

    if (props.publisher) this.grantPublish(props.publisher);
  }

  /** The site's address (https://…cloudfront.net). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Let `fn` write the site's objects — s3:PutObject on this bucket's objects, nothing else (no read,
   * no delete, no other bucket) — and tell it the bucket in PUBLIC_BUCKET.
   */
  grantPublish(fn: lambda.Function): void {
    fn.addEnvironment(envNames.publicBucket, this.bucket.bucketName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishPublicSite',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
        reason:
          'The publisher writes one page, one CSV and one JSON per compiled quarter plus the index, with keys derived from the quarter; ' +
          's3:PutObject on the objects of this one bucket (no read, delete or list) is the narrowest grant that allows it.',
      });
    }
  }
}
