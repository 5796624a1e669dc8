/** The Powertools logger: structured JSON lines, each carrying a correlation id. */
import type middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { mapStackTracesToSources } from './stack-traces.ts';

/**
 * The logger of a function (or a tool), created once per module. In a deployed bundle this also makes
 * the stacks it logs name the TypeScript sources (shared/stack-traces.ts).
 */
export function createLogger(serviceName: string): Logger {
  mapStackTracesToSources(import.meta.url);
  return new Logger({ serviceName: `shinchoku-${serviceName}` });
}

/**
 * The id that follows one piece of work across functions: API Gateway's request id, an EventBridge
 * event's id, an SES mail's message id, a stream record's event id; else the Lambda request id.
 * Read directly rather than with JMESPath, which would add its weight to every bundle.
 */
export function correlationIdOf(event: unknown): string | undefined {
  const e = event as {
    requestContext?: { requestId?: unknown };
    id?: unknown;
    source?: unknown;
    Records?: { ses?: { mail?: { messageId?: unknown } }; eventID?: unknown }[];
  } | null;
  const candidates = [
    e?.requestContext?.requestId,
    typeof e?.source === 'string' ? e.id : undefined,
    e?.Records?.[0]?.ses?.mail?.messageId,
    e?.Records?.[0]?.eventID,
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}

/** Adds `correlation_id` to every log line of an invocation (use after injectLambdaContext with resetKeys). */
export function correlationIds(logger: Logger): middy.MiddlewareObj {
  return {
    before: (request) => {
      logger.setCorrelationId(correlationIdOf(request.event) ?? request.context.awsRequestId);
    },
  };
}
