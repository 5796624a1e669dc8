/**
 * DynamoDB Local for `npm start` and the integration tests.
 *
 * AWS's official DynamoDB Local 1.25.1 ships inside the npm package amplify-dynamodb-simulator@2.9.30
 * (folder `emulator/`: DynamoDBLocal.jar + DynamoDBLocal_lib/). We fetch that tarball with the
 * ordinary npm client (`npm pack`, which checks the registry's dist.integrity), check it once more
 * against the SRI pinned below, extract only `package/emulator/`, check the jar against a pinned
 * sha256 and move the folder into the cache in one rename, so an interrupted download never
 * leaves a half-installed cache.
 *
 * Facts about this jar that shape the code (checked on 1.25.1):
 * - It has no host/bind-address option: Jetty listens on every interface (0.0.0.0 / ::).
 *   The endpoint we hand out is loopback, but the port is reachable from the network too.
 * - Without -sharedDb it keeps one database per access key id AND region: a client signing
 *   with another region or key sees no tables. We pass -sharedDb by default.
 * - Since 1.23 it answers UnrecognizedClientException to access key ids that are not letters and
 *   digits only ("local" is fine, "my-key" is not).
 * - It sends telemetry unless told not to, and then also writes dynamodb-local-metadata.json into
 *   its working directory: we pass -disableTelemetry and DDB_LOCAL_TELEMETRY=0.
 * - It copies its SQLite native library (~0.9 MB) into java.io.tmpdir on every start and deletes it
 *   only on a clean shutdown: we give it a private temp folder and remove that.
 * - When its port is taken it prints "Failed to bind" and then hangs instead of exiting
 *   (Jetty's non-daemon threads), so we watch the output and kill it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { getFreePortAnyInterface, isPortOpen } from './free-port.ts';
import { spawnManaged, type ManagedProcess } from './managed-process.ts';

export const DYNAMODB_LOCAL_VERSION = '1.25.1';
/** The npm package (name@version) whose `emulator/` folder is DynamoDB Local 1.25.1. */
export const DYNAMODB_LOCAL_NPM_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** `npm view amplify-dynamodb-simulator@2.9.30 dist.integrity` */
export const DYNAMODB_LOCAL_TARBALL_INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
/** sha256 of emulator/DynamoDBLocal.jar in that tarball (the package's own emulator/sha256 file is not this). */
export const DYNAMODB_LOCAL_JAR_SHA256 = '454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7';
/** Tarball size in bytes (56.6 MB; the extracted emulator/ folder is about 64 MB). */
export const DYNAMODB_LOCAL_TARBALL_BYTES = 56_573_501;
export const MIN_JAVA_MAJOR = 17;

const INSTALL_MARKER = 'shinchoku-install.json';
const TMP_PREFIX = `.tmp-dynamodb-local-${DYNAMODB_LOCAL_VERSION}-`;
const STALE_TMP_MS = 24 * 60 * 60 * 1000;

export type ProgressCallback = (message: string) => void;

export interface EnsureDynamoDbLocalOptions {
  /**
   * Base cache folder; DynamoDB Local goes into `<cacheDir>/dynamodb-local-1.25.1`.
   * Default: $SHINCHOKU_CACHE_DIR, else $XDG_CACHE_HOME/shinchoku, else ~/.cache/shinchoku.
   */
  cacheDir?: string;
  /** Bilingual (Japanese / English) progress lines for people. */
  onProgress?: ProgressCallback;
}

export interface DynamoDbLocalInstall {
  /** The installed emulator folder (holds DynamoDBLocal.jar and DynamoDBLocal_lib/). */
  dir: string;
  jarPath: string;
  libDir: string;
  version: string;
  /** False when this call downloaded it. */
  fromCache: boolean;
}

/** `<base>` from the option, $SHINCHOKU_CACHE_DIR, $XDG_CACHE_HOME/shinchoku or ~/.cache/shinchoku. */
export function resolveCacheBase(cacheDir?: string): string {
  if (cacheDir) return path.resolve(cacheDir);
  const fromEnv = process.env['SHINCHOKU_CACHE_DIR'];
  if (fromEnv) return path.resolve(fromEnv);
  const xdg = process.env['XDG_CACHE_HOME'];
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'shinchoku');
  return path.join(os.homedir(), '.cache', 'shinchoku');
}

/** The folder DynamoDB Local is (or would be) installed in. */
export function dynamoDbLocalDir(cacheDir?: string): string {
  return path.join(resolveCacheBase(cacheDir), `dynamodb-local-${DYNAMODB_LOCAL_VERSION}`);
}

async function hashFile(file: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // npm is npm.cmd on Windows, which needs a shell
      shell: process.platform === 'win32',
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastLines(text: string, n = 15): string {
  return text.trim().split(/\r?\n/).slice(-n).join('\n');
}

/** Throws the bilingual jar-mismatch error when `jar` does not hash to the pinned sha256. */
async function verifyJar(jar: string, where: string): Promise<void> {
  const actual = await hashFile(jar, 'sha256', 'hex');
  if (actual !== DYNAMODB_LOCAL_JAR_SHA256) {
    throw new Error(
      `DynamoDBLocal.jar のハッシュが一致しません（改ざんまたは破損の可能性）。${where}\n` +
        `DynamoDBLocal.jar does not match its pinned sha256 (tampered with or corrupt): ${where}\n` +
        `  expected sha256 ${DYNAMODB_LOCAL_JAR_SHA256}\n  actual   sha256 ${actual}`,
    );
  }
}

async function isGoodInstall(dir: string): Promise<boolean> {
  const jar = path.join(dir, 'DynamoDBLocal.jar');
  if (!(await exists(path.join(dir, INSTALL_MARKER))) || !(await exists(path.join(dir, 'DynamoDBLocal_lib')))) return false;
  try {
    await verifyJar(jar, dir);
    return true;
  } catch {
    return false;
  }
}

async function removeStaleTemps(base: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(base);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of entries) {
    if (!name.startsWith(TMP_PREFIX) && !name.startsWith('.trash-dynamodb-local-')) continue;
    const p = path.join(base, name);
    try {
      const st = await fs.stat(p);
      if (name.startsWith('.trash-') || now - st.mtimeMs > STALE_TMP_MS) await fs.rm(p, { recursive: true, force: true });
    } catch {
      // raced with another process: fine
    }
  }
}

/** Moves a broken install out of the way (rename is atomic; the rm can then take its time). */
async function discard(dir: string): Promise<void> {
  const trash = path.join(path.dirname(dir), `.trash-dynamodb-local-${randomBytes(4).toString('hex')}`);
  try {
    await fs.rename(dir, trash);
  } catch {
    return;
  }
  await fs.rm(trash, { recursive: true, force: true });
}

/**
 * Makes sure DynamoDB Local 1.25.1 is in the cache (downloading ~57 MB through npm the first time)
 * and returns where it is. A cached copy has its jar re-hashed on every call (~30 ms).
 */
export async function ensureDynamoDbLocal(options: EnsureDynamoDbLocalOptions = {}): Promise<DynamoDbLocalInstall> {
  const progress = options.onProgress ?? (() => {});
  const base = resolveCacheBase(options.cacheDir);
  const dir = dynamoDbLocalDir(options.cacheDir);
  const result = (fromCache: boolean): DynamoDbLocalInstall => ({
    dir,
    jarPath: path.join(dir, 'DynamoDBLocal.jar'),
    libDir: path.join(dir, 'DynamoDBLocal_lib'),
    version: DYNAMODB_LOCAL_VERSION,
    fromCache,
  });

  if (await exists(dir)) {
    if (await isGoodInstall(dir)) return result(true);
    progress(
      `キャッシュの DynamoDB Local が壊れているため、入れ直します: ${dir} / ` +
        `The cached DynamoDB Local is broken or incomplete; reinstalling: ${dir}`,
    );
    await discard(dir);
  }

  await fs.mkdir(base, { recursive: true });
  await removeStaleTemps(base);
  const tmp = await fs.mkdtemp(path.join(base, TMP_PREFIX));
  const started = Date.now();
  try {
    const mb = (DYNAMODB_LOCAL_TARBALL_BYTES / 1e6).toFixed(0);
    progress(
      `DynamoDB Local ${DYNAMODB_LOCAL_VERSION} を npm からダウンロードしています（約 ${mb} MB、初回のみ）… / ` +
        `Downloading DynamoDB Local ${DYNAMODB_LOCAL_VERSION} through npm (about ${mb} MB, first time only)…`,
    );
    const ticker = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      progress(`…ダウンロード中（${s} 秒経過） / …still downloading (${s} s)`);
    }, 10_000);
    let packed: RunResult;
    try {
      packed = await run(
        'npm',
        ['pack', DYNAMODB_LOCAL_NPM_PACKAGE, '--json', '--ignore-scripts', '--pack-destination', tmp],
        tmp,
      );
    } catch (err) {
      throw new Error(
        `npm を実行できません（DynamoDB Local の取得に使います）。Node.js と npm が PATH にあるか確認してください。 / ` +
          `Could not run npm (needed to fetch DynamoDB Local); check that Node.js and npm are on PATH. (${String(err)})`,
      );
    } finally {
      clearInterval(ticker);
    }
    if (packed.code !== 0) {
      throw new Error(
        `npm pack ${DYNAMODB_LOCAL_NPM_PACKAGE} が失敗しました（ネットワークか npm の設定を確認してください）。 / ` +
          `npm pack ${DYNAMODB_LOCAL_NPM_PACKAGE} failed (check the network and npm configuration).\n` +
          lastLines(packed.stderr || packed.stdout),
      );
    }
    const tgzName = (await fs.readdir(tmp)).find((f) => f.endsWith('.tgz'));
    if (!tgzName) {
      throw new Error(`npm pack が tarball を残しませんでした / npm pack left no tarball in ${tmp}\n${lastLines(packed.stdout)}`);
    }
    const tgz = path.join(tmp, tgzName);
    const size = (await fs.stat(tgz)).size;
    progress(
      `ダウンロード完了（${(size / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} 秒）。検証しています… / ` +
        `Downloaded (${(size / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s); verifying…`,
    );

    const integrity = `sha512-${await hashFile(tgz, 'sha512', 'base64')}`;
    if (integrity !== DYNAMODB_LOCAL_TARBALL_INTEGRITY) {
      throw new Error(
        `${DYNAMODB_LOCAL_NPM_PACKAGE} の tarball のハッシュが固定値と一致しません（改ざんまたは破損の可能性）。インストールを中止しました。 / ` +
          `The ${DYNAMODB_LOCAL_NPM_PACKAGE} tarball does not match its pinned integrity (tampered with or corrupt); installation aborted.\n` +
          `  expected ${DYNAMODB_LOCAL_TARBALL_INTEGRITY}\n  actual   ${integrity}`,
      );
    }

    const extractTo = path.join(tmp, 'x');
    await fs.mkdir(extractTo);
    const untar = await run('tar', ['-xzf', tgz, '-C', extractTo, 'package/emulator'], tmp).catch((err: unknown) => {
      throw new Error(`tar を実行できません / could not run tar: ${String(err)}`);
    });
    if (untar.code !== 0) {
      throw new Error(`tarball を展開できません / could not extract the tarball:\n${lastLines(untar.stderr)}`);
    }
    const emulator = path.join(extractTo, 'package', 'emulator');
    await verifyJar(path.join(emulator, 'DynamoDBLocal.jar'), DYNAMODB_LOCAL_NPM_PACKAGE);
    if (!(await exists(path.join(emulator, 'DynamoDBLocal_lib')))) {
      throw new Error(`tarball に DynamoDBLocal_lib/ がありません / DynamoDBLocal_lib/ is missing from the tarball`);
    }
    await fs.writeFile(
      path.join(emulator, INSTALL_MARKER),
      JSON.stringify(
        {
          version: DYNAMODB_LOCAL_VERSION,
          source: DYNAMODB_LOCAL_NPM_PACKAGE,
          tarballIntegrity: DYNAMODB_LOCAL_TARBALL_INTEGRITY,
          jarSha256: DYNAMODB_LOCAL_JAR_SHA256,
          installedAt: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
    await fs.rm(tgz, { force: true });

    try {
      await fs.rename(emulator, dir);
    } catch (err) {
      // Another process finished installing first: use theirs if it is good.
      if (await isGoodInstall(dir)) return result(true);
      throw err;
    }
    progress(
      `DynamoDB Local をインストールしました: ${dir}（${((Date.now() - started) / 1000).toFixed(1)} 秒） / ` +
        `Installed DynamoDB Local into ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return result(false);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

export interface JavaInfo {
  /** The command that was run (`$JAVA_HOME/bin/java` when JAVA_HOME is set and has one, else `java`). */
  command: string;
  major: number;
  /** First line of `java -version`, e.g. `openjdk version "17.0.15" 2025-04-15`. */
  versionLine: string;
}

const JAVA_INSTALL_HELP =
  `インストール方法 / How to install:\n` +
  `  Debian/Ubuntu:    sudo apt-get install openjdk-17-jre-headless\n` +
  `  Fedora/RHEL:      sudo dnf install java-17-openjdk-headless\n` +
  `  macOS (Homebrew): brew install openjdk@17（brew の案内どおり PATH に追加 / then add it to PATH as brew explains）\n` +
  `  その他 / other:    Eclipse Temurin や Amazon Corretto の 17 以上を入れ、java を PATH に通すか JAVA_HOME を設定してください / ` +
  `install Eclipse Temurin or Amazon Corretto 17+, and put java on PATH or set JAVA_HOME.`;

function javaCommand(explicit?: string): string {
  if (explicit) return explicit;
  const home = process.env['JAVA_HOME'];
  if (home) return path.join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
  return 'java';
}

/** Parses the major version from `java -version` output ("1.8.0_422" → 8, "17.0.15" → 17, "21" → 21). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/**
 * Runs `java -version` and checks for Java 17+. Throws a bilingual error saying what is wrong and
 * how to install Java when it is missing or too old.
 */
export async function checkJava(options: { javaCommand?: string } = {}): Promise<JavaInfo> {
  let command = javaCommand(options.javaCommand);
  if (!options.javaCommand && command !== 'java' && !(await exists(command))) command = 'java';
  let out: RunResult;
  try {
    out = await run(command, ['-version'], process.cwd());
  } catch {
    throw new Error(
      `Java ${MIN_JAVA_MAJOR} 以上が必要です（DynamoDB Local の実行に使います）が、Java が見つかりません（${command}）。 / ` +
        `Java ${MIN_JAVA_MAJOR}+ is required (to run DynamoDB Local), but no Java was found (${command}).\n` +
        JAVA_INSTALL_HELP,
    );
  }
  const text = `${out.stderr}\n${out.stdout}`.trim();
  const major = parseJavaMajor(text);
  const versionLine = text.split(/\r?\n/).find((l) => /version "/.test(l)) ?? text.split(/\r?\n/)[0] ?? '';
  if (out.code !== 0 || major === undefined) {
    // e.g. macOS's /usr/bin/java stub: "Unable to locate a Java Runtime."
    throw new Error(
      `Java ${MIN_JAVA_MAJOR} 以上が必要です（DynamoDB Local の実行に使います）が、${command} -version が使える Java を示しませんでした。 / ` +
        `Java ${MIN_JAVA_MAJOR}+ is required (to run DynamoDB Local), but \`${command} -version\` did not report a usable Java:\n` +
        `  ${lastLines(text, 3)}\n` +
        JAVA_INSTALL_HELP,
    );
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new Error(
      `Java ${MIN_JAVA_MAJOR} 以上が必要ですが、見つかったのは Java ${major} です（${command}: ${versionLine}）。 / ` +
        `Java ${MIN_JAVA_MAJOR}+ is required, but ${command} is Java ${major} (${versionLine}).\n` +
        JAVA_INSTALL_HELP,
    );
  }
  return { command, major, versionLine };
}

export interface StartDynamoDbLocalOptions extends EnsureDynamoDbLocalOptions {
  /** Port to listen on; 0 or unset = pick a free one. */
  port?: number;
  /** Keep data in memory only. Default: true unless `dbPath` is given. */
  inMemory?: boolean;
  /** Folder for the SQLite file(s); created if missing. Excludes `inMemory: true`. */
  dbPath?: string;
  /**
   * One database for every credential and region (default true). Without it DynamoDB Local keeps
   * a separate database per access key id + region, and a client with another region sees nothing.
   */
  sharedDb?: boolean;
  /** How long to wait for the first successful ListTables. Default 60 s. */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL in stop(). Default 5 s. */
  stopGraceMs?: number;
  /** Java to run. Default: $JAVA_HOME/bin/java if present, else `java` on PATH. */
  javaCommand?: string;
  /**
   * Extra JVM options placed before `-jar`, e.g. ['-XX:TieredStopAtLevel=1'] (starts a bit faster,
   * runs a bit slower) or ['-Xmx512m'].
   */
  javaOptions?: readonly string[];
  /** Every line DynamoDB Local prints (its own log, not bilingual). */
  onOutput?: (line: string) => void;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  pid: number;
  /** The folder the jar runs from. */
  dir: string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const BIND_FAILURE = /Failed to bind|Address already in use|BindException/;

class PortInUseError extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntilReady(proc: ManagedProcess, endpoint: string, port: number, timeoutMs: number, bindFailed: () => boolean): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      if (bindFailed()) throw new PortInUseError(`port ${port} in use`);
      if (proc.hasExited()) {
        const info = await proc.exited;
        throw new Error(
          `DynamoDB Local が起動中に終了しました（code ${info.code}, signal ${info.signal}）。 / ` +
            `DynamoDB Local exited while starting (code ${info.code}, signal ${info.signal}).\n` +
            `--- java output (tail) ---\n${proc.outputTail()}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local が ${timeoutMs / 1000} 秒以内に応答しませんでした（${endpoint}）。 / ` +
            `DynamoDB Local did not answer ListTables within ${timeoutMs / 1000} s (${endpoint}).\n` +
            `last error: ${String(lastError)}\n--- java output (tail) ---\n${proc.outputTail()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        return;
      } catch (err) {
        lastError = err;
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local (checking Java and installing the jar first if needed) and waits until it
 * answers a real ListTables call. The returned endpoint is loopback, but see the file header:
 * the jar itself listens on every interface.
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const progress = options.onProgress ?? (() => {});
  if (options.inMemory === true && options.dbPath) {
    throw new Error('inMemory と dbPath は同時に指定できません / inMemory and dbPath cannot be used together');
  }
  const java = await checkJava({ javaCommand: options.javaCommand });
  const install = await ensureDynamoDbLocal({ cacheDir: options.cacheDir, onProgress: options.onProgress });

  const dataArgs: string[] = [];
  let dbPath: string | undefined;
  if (options.dbPath) {
    dbPath = path.resolve(options.dbPath);
    await fs.mkdir(dbPath, { recursive: true });
    dataArgs.push('-dbPath', dbPath);
  } else if (options.inMemory === false) {
    throw new Error('inMemory: false には dbPath が必要です / inMemory: false needs a dbPath');
  } else {
    dataArgs.push('-inMemory');
  }
  if (options.sharedDb ?? true) dataArgs.push('-sharedDb');

  const fixedPort = options.port !== undefined && options.port !== 0 ? options.port : undefined;
  const attempts = fixedPort === undefined ? 4 : 1;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;

  if (fixedPort !== undefined && (await isPortOpen(fixedPort))) {
    // Checked before starting: another DynamoDB Local on the port would answer the readiness check
    // itself, and this stack would silently use its data.
    throw new Error(
      `ポート ${fixedPort} は使用中のため DynamoDB Local を起動できません (別のローカル環境が起動していませんか)。 / ` +
        `DynamoDB Local could not start: port ${fixedPort} is already in use (is another local stack running?).`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await getFreePortAnyInterface());
    const endpoint = `http://127.0.0.1:${port}`;
    const started = Date.now();
    progress(
      `DynamoDB Local を起動しています（ポート ${port}、${dbPath ? `保存先 ${dbPath}` : 'インメモリ'}）… / ` +
        `Starting DynamoDB Local (port ${port}, ${dbPath ? `data in ${dbPath}` : 'in memory'})…`,
    );
    let bindFailed = false;
    // DynamoDB Local copies its SQLite native library into java.io.tmpdir on every start and only
    // deletes it on a clean shutdown; a private folder that we remove keeps /tmp clean after SIGKILL.
    const javaTmp = await fs.mkdtemp(path.join(os.tmpdir(), 'shinchoku-dynamodb-local-'));
    const proc = spawnManaged(
      java.command,
      [
        ...(options.javaOptions ?? []),
        `-Djava.io.tmpdir=${javaTmp}`,
        `-Djava.library.path=${install.libDir}`,
        '-jar',
        install.jarPath,
        '-port',
        String(port),
        ...dataArgs,
        '-disableTelemetry',
      ],
      {
        cwd: install.dir,
        env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
        removeOnExit: [javaTmp],
        onLine: (line) => {
          if (BIND_FAILURE.test(line)) bindFailed = true;
          options.onOutput?.(line);
        },
      },
    );
    try {
      await waitUntilReady(proc, endpoint, port, startTimeoutMs, () => bindFailed);
    } catch (err) {
      await proc.stop(1000);
      if (err instanceof PortInUseError) {
        if (attempt < attempts) continue; // lost the race for a free port: pick another
        throw new Error(
          `ポート ${port} は使用中のため DynamoDB Local を起動できません。 / ` +
            `DynamoDB Local could not start: port ${port} is already in use.\n--- java output (tail) ---\n${proc.outputTail()}`,
        );
      }
      throw err;
    }
    progress(
      `DynamoDB Local を起動しました: ${endpoint}（${((Date.now() - started) / 1000).toFixed(1)} 秒） / ` +
        `DynamoDB Local is up at ${endpoint} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return {
      endpoint,
      port,
      pid: proc.pid,
      dir: install.dir,
      stop: () => proc.stop(options.stopGraceMs),
    };
  }
}
