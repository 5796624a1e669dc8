/**
 * Cold-start floor: an ES module with nothing in it, bundled as a function is. Its import time is
 * what Node's ES module loader costs before any of our code or the SDK is read.
 */
export const handler = async (): Promise<void> => undefined;
