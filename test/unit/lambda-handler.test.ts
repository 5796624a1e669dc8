/**
 * The chain every function starts from leaves a run that nears Lambda's deadline to Lambda: it does
 * not answer early with middy's TimeoutError while the handler goes on in the background.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaHandler } from '#shared/lambda-handler';

/** A context whose deadline is `ms` away, as Lambda's near the end of a run. */
const contextWithin = (ms: number) => {
  const deadline = Date.now() + ms;
  return { awsRequestId: 'test', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
};

const slowWork = async () => {
  await new Promise((resolve) => setTimeout(resolve, 40));
  return 'done';
};

describe('lambdaHandler', () => {
  it('waits for the handler past the point where middy would answer early', async () => {
    // Prepare: 20 ms left; middy's default answers 5 ms before that, the work takes 40 ms.
    const handler = lambdaHandler<unknown, string>().handler(slowWork);

    // Act
    const result = await handler({}, contextWithin(20));

    // Assess
    expect(result).toBe('done');
  });

  it('differs from middy\'s default, which answers with a TimeoutError and leaves the work running', async () => {
    // Prepare: the same work in a chain with middy's defaults.
    let finished = false;
    const handler = middy<unknown, string>().handler(async () => {
      const result = await slowWork();
      finished = true;
      return result;
    });

    // Act
    const answer = handler({}, contextWithin(20)).then(
      () => 'answered',
      (error: Error) => error.name,
    );

    // Assess: the early answer comes while the work is still going.
    expect(await answer).toBe('TimeoutError');
    expect(finished).toBe(false);
  });

  it('arms no timer for a run', async () => {
    // Prepare: a handler that counts the timers armed while it runs.
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    // middy arms its timer once the handler has returned its promise, so count after the first await.
    const handler = lambdaHandler<unknown, number>().handler(async () => {
      await null;
      return timers();
    });

    // Act
    const during = await handler({}, contextWithin(10_000));

    // Assess
    expect(during).toBe(before);
  });
});
