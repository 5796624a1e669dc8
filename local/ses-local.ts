/**
 * The SES emulator for `npm start` and the integration tests: aws-ses-v2-local (SES v1 and v2 API,
 * a mail viewer at `/`, received mails as JSON at `GET /store`, `POST /clear-store`).
 *
 * It runs as a child process (`node <aws-ses-v2-local>/dist/cli.js --host 127.0.0.1 --port N`)
 * rather than in this process, because its mail store is a module-level singleton: two emulators
 * in one process would share one inbox, and a child can be stopped without leaking sockets.
 * With port 0 the child picks the port itself and prints it, so there is no free-port race.
 */
import { createRequire } from 'node:module';
import * as z from 'zod';
import { spawnManaged } from './managed-process.ts';

export interface StartSesEmulatorOptions {
  /** Port to listen on; 0 or unset = a free one picked by the OS. */
  port?: number;
  /** Interface to bind. Default '127.0.0.1' (the emulator's own default would be '::', every interface). */
  host?: string;
  /** How long to wait until it answers `/health-check`. Default 20 s. */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL in stop(). Default 5 s. */
  stopGraceMs?: number;
  /** Bilingual (Japanese / English) progress lines for people. */
  onProgress?: (message: string) => void;
  /** Every line the emulator prints (its own log). */
  onOutput?: (line: string) => void;
}

export interface SesEmulator {
  /** SES API endpoint for the AWS SDK, `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  pid: number;
  /** The web page that lists received mails (same origin as the endpoint). */
  viewerUrl: string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function cliPath(): string {
  return require.resolve('aws-ses-v2-local/dist/cli.js');
}

function urlHost(host: string): string {
  if (host === '::' || host === '0.0.0.0') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts aws-ses-v2-local in a child Node process and waits until it answers `/health-check`. */
export async function startSesEmulator(options: StartSesEmulatorOptions = {}): Promise<SesEmulator> {
  const progress = options.onProgress ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const started = Date.now();

  let announcedPort: number | undefined;
  const proc = spawnManaged(process.execPath, [cliPath(), '--host', host, '--port', String(requestedPort)], {
    onLine: (line) => {
      // "aws-ses-v2-local: server running at http://localhost:8005"
      const m = /server running at \S*:(\d+)\/?\s*$/.exec(line);
      if (m) announcedPort = Number(m[1]);
      options.onOutput?.(line);
    },
  });

  const fail = async (why: string): Promise<never> => {
    await proc.stop(1000);
    throw new Error(`${why}\n--- aws-ses-v2-local output (tail) ---\n${proc.outputTail()}`);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      const info = await proc.exited;
      // Express 5 hands the listen error to aws-ses-v2-local's callback, which then fails with
      // "Server does not have an address" instead of EADDRINUSE.
      const inUse = /EADDRINUSE|Server does not have an address/.test(proc.outputTail());
      return fail(
        inUse
          ? `ポート ${requestedPort} は使用中のため SES エミュレーターを起動できません。 / The SES emulator could not start: port ${requestedPort} is already in use.`
          : `SES エミュレーターが起動中に終了しました（code ${info.code}）。 / The SES emulator exited while starting (code ${info.code}).`,
      );
    }
    if (Date.now() > deadline) {
      return fail(
        `SES エミュレーターが ${timeoutMs / 1000} 秒以内に起動しませんでした。 / The SES emulator did not come up within ${timeoutMs / 1000} s.`,
      );
    }
    if (announcedPort !== undefined) {
      const endpoint = `http://${urlHost(host)}:${announcedPort}`;
      try {
        const res = await fetch(`${endpoint}/health-check`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          progress(
            `SES エミュレーターを起動しました: ${endpoint}（メール確認画面 ${endpoint}/、${((Date.now() - started) / 1000).toFixed(1)} 秒） / ` +
              `SES emulator is up at ${endpoint} (mail viewer ${endpoint}/, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
          );
          return {
            endpoint,
            port: announcedPort,
            pid: proc.pid,
            viewerUrl: `${endpoint}/`,
            stop: () => proc.stop(options.stopGraceMs),
          };
        }
      } catch {
        // not yet
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One received mail as `GET /store` returns it (aws-ses-v2-local 2.10.2). */
export const sentMailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
  }),
  subject: z.string(),
  body: z.object({
    html: z.string().optional(),
    text: z.string().optional(),
  }),
  attachments: z.array(
    z.object({
      content: z.string(),
      contentType: z.string(),
      filename: z.string().optional(),
      size: z.number(),
    }),
  ),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  /** Epoch seconds when the emulator received it. */
  at: z.number(),
});
export type SentMail = z.infer<typeof sentMailSchema>;

/** The whole `GET /store` answer: mails plus templates created through the v2 template API. */
export const sesStoreSchema = z.object({
  emails: z.array(sentMailSchema),
  templates: z.record(z.string(), z.unknown()),
});
export type SesStore = z.infer<typeof sesStoreSchema>;

export interface FetchSentMailsOptions {
  /** Only mails received at or after this time (epoch seconds, as the emulator's `since` parameter). */
  since?: number;
}

/** Mails the emulator has received, oldest first, from `GET <endpoint>/store`. */
export async function fetchSentMails(endpoint: string, options: FetchSentMailsOptions = {}): Promise<SentMail[]> {
  const url = new URL('/store', endpoint);
  if (options.since !== undefined) url.searchParams.set('since', String(Math.floor(options.since)));
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    throw new Error(`SES エミュレーターの /store が ${res.status} を返しました / the SES emulator's /store answered ${res.status}: ${await res.text()}`);
  }
  return sesStoreSchema.parse(await res.json()).emails;
}

/** Empties the emulator's store (`POST /clear-store`): all received mails AND all templates. */
export async function clearSentMails(endpoint: string): Promise<void> {
  const res = await fetch(new URL('/clear-store', endpoint), { method: 'POST', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    throw new Error(`SES エミュレーターの /clear-store が ${res.status} を返しました / the SES emulator's /clear-store answered ${res.status}`);
  }
}
