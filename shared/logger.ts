/** The Powertools logger: structured JSON lines, with the request id as correlation id. */
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: `shinchoku-${serviceName}` });
}
