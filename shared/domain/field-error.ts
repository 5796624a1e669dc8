/**
 * The `field` of an error about the request as a whole rather than one of its parts. Alone in its
 * module, so an answer can name it without loading the report's schemas.
 */
export const bodyField = '(本文 / body)';
