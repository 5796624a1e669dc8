/** How local code reaches the local AWS parts: one region and dummy credentials, for every client. */
export const localRegion = 'ap-northeast-1';
/** The account id the local stack reports wherever AWS would put one. */
export const localAccount = '000000000000';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localClientConfig(endpoint: string) {
  return { endpoint, region: localRegion, credentials: localCredentials };
}
