import { describe, expect, it } from 'vitest';
import { awsHost, clientSettings, endpointFor, lazyAwsClient } from '#shared/aws/client';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the functions’ AWS client', () => {
  it('takes a service’s endpoint from its own variable first, then the general one, else none (AWS)', () => {
    // Prepare
    const both = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL: 'http://127.0.0.1:9999' };
    // Act / Assess
    expect(endpointFor('DYNAMODB', both)).toBe('http://127.0.0.1:8000');
    expect(endpointFor('S3', both)).toBe('http://127.0.0.1:9999');
    expect(endpointFor('SESV2', { AWS_ENDPOINT_URL_SESV2: '' })).toBeUndefined();
    expect(endpointFor('EVENTBRIDGE', {})).toBeUndefined();
  });

  it('makes one client per service on first use, with the given endpoint and region', async () => {
    // Prepare
    const local = lazyAwsClient('DYNAMODB', { endpoint: 'http://127.0.0.1:8000', region: 'ap-northeast-1', credentials });
    const aws = lazyAwsClient('SESV2', { region: 'us-east-1', credentials });
    // Act
    const [first, second] = await Promise.all([local(), local()]);
    // Assess
    expect(first).toBe(second);
    expect(clientSettings(first)).toEqual({ region: 'ap-northeast-1', endpointHost: '127.0.0.1' });
    expect(clientSettings(await aws())).toEqual({ region: 'us-east-1', endpointHost: undefined });
  });

  it('sends a call to the service’s own AWS host, unless an endpoint was given, which then takes it', async () => {
    // Prepare
    const local = await lazyAwsClient('S3', { endpoint: 'http://127.0.0.1:4569', region: 'ap-northeast-1', credentials })();
    const aws = await lazyAwsClient('S3', { region: 'ap-northeast-1', credentials })();
    const bucketHost = (region: string) => `public.s3.${region}.amazonaws.com`;
    // Act / Assess
    expect(awsHost(aws, bucketHost)).toBe('public.s3.ap-northeast-1.amazonaws.com');
    expect(awsHost(local, bucketHost)).toBeUndefined();
  });
});
