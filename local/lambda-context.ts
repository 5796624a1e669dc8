/** The Lambda context every local invocation gets (HTTP server, event bus, stream poller, scheduler). */
import type { Context } from 'aws-lambda';
import { localAccount, localRegion } from './aws-local.ts';

/**
 * The Lambda context a local invocation gets: names as on AWS, and a time budget (30 seconds unless
 * the caller says otherwise — the scheduler gives its functions the 15 minutes they have on AWS).
 */
export function localLambdaContext(fn: string, requestId: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `shinchoku-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:${localAccount}:function:shinchoku-${fn}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/shinchoku-${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
