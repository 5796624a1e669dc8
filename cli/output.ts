/** How the CLI talks to people: bilingual lines on stderr, data on stdout. */
export interface Output {
  data(text: string): void;
  info(ja: string, en: string): void;
  error(ja: string, en: string): void;
}

export const consoleOutput: Output = {
  data: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  info: (ja, en) => process.stderr.write(`${ja} / ${en}\n`),
  error: (ja, en) => process.stderr.write(`エラー: ${ja}\nerror: ${en}\n`),
};

/** Raised for a usage mistake; main() prints it with the usage text and exits 2. */
export class UsageError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'UsageError';
  }
}

/**
 * A value the command takes, but one that names nothing in this city's plan or directory (a 課 id, a
 * quarter outside the plan): refused like a usage error (exit 2), said without the whole usage, which
 * would bury the reason.
 */
export class InputError extends UsageError {
  constructor(ja: string, en: string) {
    super(ja, en);
    this.name = 'InputError';
  }
}

/**
 * What to tell people about an error that reached the top of a command: a system error (a port in use,
 * a missing file, a refused connection) in both languages, a message already written "ja / en" split
 * in two, anything else as it is.
 */
export function describeError(error: unknown): { ja: string; en: string } {
  const e = (error instanceof Error ? error : new Error(String(error))) as Error & { code?: string; port?: number; address?: string; path?: string };
  switch (e.code) {
    case 'EADDRINUSE':
      return {
        ja: `ポート ${e.port ?? ''} は使用中です (別のローカル環境やプログラムが使っていませんか。ポートは SHINCHOKU_*_PORT で変えられます)`,
        en: `port ${e.port ?? ''} is already in use (by another local stack or program? the SHINCHOKU_*_PORT variables choose other ports)`,
      };
    case 'ENOENT':
      return { ja: `ファイルがありません: ${e.path ?? e.message}`, en: `no such file: ${e.path ?? e.message}` };
    case 'EACCES':
    case 'EPERM':
      return { ja: `権限がありません: ${e.path ?? e.message}`, en: `permission denied: ${e.path ?? e.message}` };
    case 'ENOTDIR':
    case 'EISDIR':
      return { ja: `パスが正しくありません (フォルダーとファイルの取り違え): ${e.path ?? e.message}`, en: `wrong path (a folder where a file is expected, or the reverse): ${e.path ?? e.message}` };
    case 'ECONNREFUSED':
      return {
        ja: `${e.address ?? ''}:${e.port ?? ''} に接続できません (ローカル環境 npm start は起動していますか)`,
        en: `cannot connect to ${e.address ?? ''}:${e.port ?? ''} (is the local stack, npm start, running?)`,
      };
    default: {
      const at = e.message.indexOf(' / ');
      return at > 0 ? { ja: e.message.slice(0, at), en: e.message.slice(at + 3) } : { ja: e.message, en: e.message };
    }
  }
}
