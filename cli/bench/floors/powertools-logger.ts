/**
 * Cold-start floor: the Powertools logger alone, as every function creates it (`shared/logger.ts`)
 * with its middy middleware, and no AWS client. Next to Node's https it shows what the logger every
 * function must have costs by itself.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createLogger } from '#shared/logger';

const logger = createLogger('floor');
const middleware = injectLambdaContext(logger);

export const handler = async (message: string) => {
  logger.info(message);
  return middleware;
};
