/**
 * The middy chain every function starts from, so the choices below are made once.
 *
 * Middy's early timeout is off (`timeoutEarlyInMillis: 0`). By default middy answers a few ms before
 * Lambda's deadline with a `TimeoutError` and aborts a signal the handler is given, but nothing in
 * these functions (their DynamoDB, SES or S3 requests) listens to that signal: the handler's work
 * would go on in the background, frozen with the sandbox and resumed in the next invocation, and the
 * HTTP functions would turn the error into a 500 that Lambda counts as a success, out of sight of the
 * `Errors` alarm (infra/monitoring.ts). Without it a function that runs out of time is a Lambda
 * timeout: Lambda logs "Task timed out", counts it in `Errors`, and resets the execution environment,
 * so nothing of it runs on later; API Gateway answers 500 and the HTTP API's 5xx alarm fires. It also
 * saves arming and clearing a timer, an `AbortController` and a `Promise.race` on every invocation.
 */
import middy from '@middy/core';

/** A middy chain (`.use(…).handler(…)`) with the defaults of every shinchoku function. */
export function lambdaHandler<TEvent = unknown, TResult = unknown>() {
  return middy<TEvent, TResult>({ timeoutEarlyInMillis: 0 });
}
