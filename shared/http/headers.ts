/** Reading request headers whatever case the client or the gateway wrote their names in. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The value of a request header, or undefined. API Gateway (payload 2.0) and the local server pass
 * names in lower case, but a test or another gateway may not; HTTP says case does not matter.
 */
export function headerOf(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name.toLowerCase()];
  if (direct !== undefined) return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
