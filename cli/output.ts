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
