/**
 * The `WWW-Authenticate` challenges of a 401 (RFC 9110 §15.5.2, RFC 6750): the signed link's token is a
 * bearer token, whether it comes in the JSON API's `Authorization` header or in a page's path. Alone
 * in its module, so the pages that only need the words do not load the API's error code.
 */

/** No token was given (or another scheme): the scheme to use. */
export const bearerChallenge = 'Bearer realm="shinchoku"';

/** A token was given and is not valid (expired, tampered with, or for another use). */
export const invalidTokenChallenge = `${bearerChallenge}, error="invalid_token"`;
