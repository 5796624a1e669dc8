/** How local code reaches the local AWS parts: one region and dummy credentials, for every client. */
export const localRegion = 'ap-northeast-1';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localClientConfig(endpoint: string) {
  return { endpoint, region: localRegion, credentials: localCredentials };
}
