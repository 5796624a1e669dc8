/**
 * The local S3 for `npm start` and the tests: s3rver, a real S3 API server (REST, path-style) kept
 * on the file system — under `.shinchoku/s3` for `npm start`, in a temporary folder removed on stop
 * for tests. The handlers reach it through the SDK's own `AWS_ENDPOINT_URL_S3`, so their code is the
 * same as on AWS. It serves the inbound-mail bucket: raw messages and report attachments.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { localCredentials } from './aws-local.ts';
import { isPortOpen } from './free-port.ts';

export interface StartS3Options {
  /** Port on 127.0.0.1; 0 = a free one. @default 0 */
  port?: number;
  /** Where the objects are kept. @default a temporary folder, removed on stop */
  directory?: string;
  /** Buckets to create when starting (kept when they exist). */
  buckets: readonly string[];
}

export interface LocalS3 {
  /** For the SDK: `AWS_ENDPOINT_URL_S3`, with `forcePathStyle`. */
  endpoint: string;
  port: number;
  directory: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/**
 * s3rver accepts only its built-in key pair ("S3RVER"); every local client signs with the local
 * stack's dummy credentials, so they are added to its (only) account. There is no option for this.
 */
function acceptLocalCredentials(): void {
  const accounts = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  accounts.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
}

export async function startS3(options: StartS3Options): Promise<LocalS3> {
  if (options.port && (await isPortOpen(options.port))) {
    // s3rver would report it as an unhandled 'error' event of its server, ending the process.
    throw new Error(`ポート ${options.port} は使用中のためローカル S3 を起動できません / the local S3 could not start: port ${options.port} is already in use`);
  }
  acceptLocalCredentials();
  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'shinchoku-s3-')));
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    stop: () => {
      stopped ??= (async () => {
        // The SDK keeps connections alive; close them so the server stops now, not at their timeout.
        (server as unknown as { httpServer?: Server }).httpServer?.closeAllConnections();
        await server.close().catch(() => undefined);
        if (temporary) await rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
