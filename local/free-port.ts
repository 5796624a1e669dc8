/**
 * Free TCP port helpers for the local stack (DynamoDB Local, SES emulator).
 *
 * A port found here is only free at the moment of the probe: whoever binds it next wins.
 * Callers that cannot bind port 0 themselves (DynamoDB Local) must retry on "address in use".
 */
import net from 'node:net';

export interface FreePortOptions {
  /**
   * Interface to probe. Default '127.0.0.1' (loopback). Use '::' (or '0.0.0.0' where IPv6 is off)
   * when the port is for a server that binds every interface, such as DynamoDB Local:
   * a port free on loopback can still be taken on the wildcard address.
   */
  host?: string;
}

/** Asks the OS for a free port on `host` (default 127.0.0.1) and releases it again. */
export async function getFreePort(options: FreePortOptions = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`空きポートを取得できません / could not get a free port on ${host}`));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

/** Free port for a server that listens on all interfaces: tries '::' (dual stack), then '0.0.0.0'. */
export async function getFreePortAnyInterface(): Promise<number> {
  try {
    return await getFreePort({ host: '::' });
  } catch {
    return getFreePort({ host: '0.0.0.0' });
  }
}

/** True when something accepts TCP connections on host:port (default host 127.0.0.1). */
export async function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
