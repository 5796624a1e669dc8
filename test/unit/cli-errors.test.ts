/** What the command line says when a command fails: both languages, never a bare "Error". */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '#cli/main';
import { describeError, type Output } from '#cli/output';
import { defaultDirectoryPath, defaultPlanPath } from '#shared/plan-file';

function collect(): Output & { err: string[] } {
  const err: string[] = [];
  return { err, data: () => undefined, info: () => undefined, error: (ja, en) => err.push(`エラー: ${ja}\nerror: ${en}`) };
}

describe('describeError', () => {
  it('says in both languages that a port is in use, as listen reports it', async () => {
    // Prepare: two servers on one port
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const failure = await new Promise<Error>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    first.close();

    // Act
    const { ja, en } = describeError(failure);

    // Assess
    expect(ja).toContain(`ポート ${port} は使用中です`);
    expect(en).toContain(`port ${port} is already in use`);
  });

  it('splits a message written "ja / en", and keeps any other as it is', () => {
    expect(describeError(new Error('計画がありません / no plan'))).toEqual({ ja: '計画がありません', en: 'no plan' });
    expect(describeError(new Error('plain'))).toEqual({ ja: 'plain', en: 'plain' });
  });
});

describe('a command that cannot read its file', () => {
  it('names the file in both languages and exits 1', async () => {
    // Prepare
    const output = collect();

    // Act
    const code = await main(['plan', 'lint', '/nonexistent/plan.json'], output);

    // Assess
    expect(code).toBe(1);
    expect(output.err.join('\n')).toBe('エラー: ファイルがありません: /nonexistent/plan.json\nerror: no such file: /nonexistent/plan.json');
  });
});

describe('directory lint with another city\'s plan', () => {
  it('finds a directory whose tenant is not the plan\'s, which loading would refuse', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-directory-lint-'));
    const plan = JSON.parse(await readFile(defaultPlanPath, 'utf8'));
    plan.plan.tenant = 'testcity';
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    const lines: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text) };

    // Act
    const code = await main(['directory', 'lint', defaultDirectoryPath, '--plan', join(dir, 'plan.json')], output);

    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual([`名簿のテナント "shimotsuke" が計画 ${join(dir, 'plan.json')} のテナント "testcity" と異なります。この名簿の計画を --plan で指定してください / the directory's tenant "shimotsuke" is not that of the plan ${join(dir, 'plan.json')} ("testcity"); give this directory's plan with --plan`]);
    await rm(dir, { recursive: true, force: true });
  });

  it('says only that, not every 事業 of the other city as unreachable, when the plan is left out', async () => {
    // Prepare
    const otherCityDirectory = new URL('../support/other-city/directory.json', import.meta.url).pathname;
    const lines: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text) };
    // Act
    const code = await main(['directory', 'lint', otherCityDirectory], output);
    // Assess
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('この名簿の計画を --plan で指定してください');
  });
});

describe('link and dashboard-link with another city\'s directory and no --plan', () => {
  const otherCityDirectory = new URL('../support/other-city/directory.json', import.meta.url).pathname;

  for (const args of [
    ['link', '--ka', 'joho-seisaku', '--quarter', 'FY2013-Q2', '--directory', otherCityDirectory],
    ['dashboard-link', '--directory', otherCityDirectory],
  ]) {
    it(`${args[0]} signs nothing: the embedded plan's tenant is not the directory's`, async () => {
      // Prepare
      const lines: string[] = [];
      const output = { ...collect(), data: (text: string) => lines.push(text) };
      const env = { SHINCHOKU_LINK_SECRET: 'test-link-secret-0123456789abcdef0123456789' };

      // Act
      const code = await withEnv(env, () => main(args, output));

      // Assess
      expect(code).toBe(1);
      expect(lines).toEqual([]);
      const text = output.err.join('\n');
      expect(text).toContain(`エラー: 計画 ${defaultPlanPath} のテナント "shimotsuke" と名簿 ${otherCityDirectory} のテナント "sakuradai" が異なります`);
      expect(text).toContain(`error: the plan ${defaultPlanPath} is for tenant "shimotsuke" but the directory ${otherCityDirectory} is for tenant "sakuradai"`);
    });
  }
});

async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('lint of several files', () => {
  it('plan lint checks every file, prints each one\'s result, and exits 1 when any has defects', async () => {
    // Prepare: a clean plan after the seed plan (which has two arithmetic defects)
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-plan-lint-'));
    const clean = join(dir, 'clean.json');
    await writeFile(clean, await readFile(new URL('../fixtures/sakuradai/plan.json', import.meta.url), 'utf8'));
    const infos: string[] = [];
    const output = { ...collect(), info: (ja: string) => infos.push(ja) };

    // Act
    const code = await main(['plan', 'lint', clean, defaultPlanPath], output);

    // Assess
    expect(code).toBe(1);
    expect(infos).toEqual([expect.stringMatching(new RegExp(`^${clean}: 問題なし`)), `${defaultPlanPath}: 2 件の問題 (51 事業)`]);
    await rm(dir, { recursive: true, force: true });
  });

  it('plan lint still checks the other files when one cannot be read', async () => {
    // Prepare
    const infos: string[] = [];
    const output = { ...collect(), info: (ja: string) => infos.push(ja) };

    // Act
    const code = await main(['plan', 'lint', '/nonexistent/plan.json', defaultPlanPath], output);

    // Assess
    expect(code).toBe(1);
    expect(output.err).toEqual(['エラー: ファイルがありません: /nonexistent/plan.json\nerror: no such file: /nonexistent/plan.json']);
    expect(infos).toEqual([`${defaultPlanPath}: 2 件の問題 (51 事業)`]);
  });

  it('directory lint checks every file against the plan and exits 1 when any has defects', async () => {
    // Prepare: the embedded directory is the embedded plan's; another city's is not
    const otherCityDirectory = new URL('../support/other-city/directory.json', import.meta.url).pathname;
    const lines: string[] = [];
    const infos: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text), info: (ja: string) => infos.push(ja) };

    // Act
    const code = await main(['directory', 'lint', defaultDirectoryPath, otherCityDirectory], output);

    // Assess
    expect(code).toBe(1);
    expect(infos).toEqual([`${defaultDirectoryPath}: 問題なし`, expect.stringMatching(new RegExp(`^${otherCityDirectory}: \\d+ 件の問題$`))]);
    expect(lines.join('\n')).toContain(`名簿のテナント "sakuradai" が計画 ${defaultPlanPath} のテナント "shimotsuke" と異なります`);
  });

  it('names each owner the directory lacks at its place in the plan, with the directory\'s 課 it likely means', async () => {
    // Prepare: the other city's plan, one owner's 部会 typed with a full-width space, one 課 put in another 部会, one 課 the directory lacks, one 課 mistyped
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-dirlint-'));
    const otherCity = new URL('../support/other-city/', import.meta.url).pathname;
    const plan = JSON.parse(await readFile(join(otherCity, 'plan.json'), 'utf8'));
    plan.measures[0].owners[1].bukai = '教育\u3000部会';
    plan.measures[1].owners[0].bukai = '行政経営部会';
    plan.measures[2].owners[0].ka = '高齢者支援課';
    plan.measures[3].owners[0].ka = '学校教育科';
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan));
    const lines: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text) };
    // Act
    const code = await main(['directory', 'lint', join(otherCity, 'directory.json'), '--plan', planFile], output);
    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual([
      '事業 1-1-1 の担当 「教育\u3000部会/学校教育課」 (measures[0].owners[1]) — 名簿では「教育部会/学校教育課」(課 id gakko-kyoiku) です。計画と名簿で同じ書き方にしてください\n' +
        '    事業 1-1-1: owner "教育\u3000部会/学校教育課" (measures[0].owners[1]) — the directory has "教育部会/学校教育課" (課 id gakko-kyoiku); write it alike in both files',
      '事業 1-2-1 の担当 「行政経営部会/市民課」 (measures[1].owners[0]) — 名簿では「市民生活部会/市民課」(課 id shimin-ka) です。計画と名簿で同じ書き方にしてください\n' +
        '    事業 1-2-1: owner "行政経営部会/市民課" (measures[1].owners[0]) — the directory has "市民生活部会/市民課" (課 id shimin-ka); write it alike in both files',
      '事業 2-1-1 の担当 「市民生活部会/高齢者支援課」 (measures[2].owners[0]) — 名簿の ka にこの部会・課がありません\n' +
        '    事業 2-1-1: owner "市民生活部会/高齢者支援課" (measures[2].owners[0]) — no 課 of the directory\'s ka has this 部会 and name',
      '事業 3-1-1 の担当 「教育部会/学校教育科」 (measures[3].owners[0]) — 名簿では「教育部会/学校教育課」(課 id gakko-kyoiku) です。計画と名簿で同じ書き方にしてください\n' +
        '    事業 3-1-1: owner "教育部会/学校教育科" (measures[3].owners[0]) — the directory has "教育部会/学校教育課" (課 id gakko-kyoiku); write it alike in both files',
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('plan lint and directory lint name the line of each defect beside its path', async () => {
    // Prepare: an amount of 1-1-1 changed, and a 課 address mistyped, in files written over many lines
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-lint-lines-'));
    const plan = JSON.parse(await readFile(defaultPlanPath, 'utf8'));
    plan.measures[0].budget.plannedTotalThousandYen += 1;
    const planFile = join(dir, 'plan.json');
    const planText = JSON.stringify(plan, null, 2);
    await writeFile(planFile, planText);
    const totalLine = planText.split('\n').findIndex((l) => l.includes('"plannedTotalThousandYen"')) + 1;
    const directory = JSON.parse(await readFile(defaultDirectoryPath, 'utf8'));
    directory.ka[2].emails = ['not-an-address'];
    const directoryFile = join(dir, 'directory.json');
    const directoryText = JSON.stringify(directory, null, 2);
    await writeFile(directoryFile, directoryText);
    const addressLine = directoryText.split('\n').findIndex((l) => l.includes('not-an-address')) + 1;
    const lines: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text) };
    // Act
    await main(['plan', 'lint', planFile], output);
    await main(['directory', 'lint', directoryFile], output);
    // Assess
    expect(lines[0]).toMatch(new RegExp(`^事業 1-1-1 ${totalLine} 行目  \\[total\\] 計画期間予算額 .*\\(measures\\[0\\]\\.budget\\.plannedTotalThousandYen, line ${totalLine}\\)$`, 's'));
    expect(lines.at(-1)).toMatch(new RegExp(`^ka\\[2\\]\\.emails\\[0\\] \\(${addressLine} 行目 / line ${addressLine}\\)  \\[schema\\] 形式の誤り: メールアドレスにしてください`));
    await rm(dir, { recursive: true, force: true });
  });

  it('plan lint prints a defect of the whole file without an empty place', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-planlint-'));
    const file = join(dir, 'list.json');
    await writeFile(file, '[]');
    const lines: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text) };
    // Act
    const code = await main(['plan', 'lint', file], output);
    // Assess
    expect(code).toBe(1);
    expect(lines).toEqual(['(計画全体 / plan)  [schema] 形式の誤り: オブジェクトにしてください (配列です)\n    schema: expected object, got array']);
    await rm(dir, { recursive: true, force: true });
  });

  it('names each unknown key of a directory at its place, in Japanese and English, with the key it likely misspells', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-dirlint-'));
    const file = join(dir, 'directory.json');
    const directory = JSON.parse(await readFile(defaultDirectoryPath, 'utf8')) as { ka: Record<string, unknown>[] };
    directory.ka[2] = { ...directory.ka[2], emials: directory.ka[2]!.emails };
    await writeFile(file, JSON.stringify({ $schema: './directory.schema.json', ...directory }));
    const lines: string[] = [];
    const infos: string[] = [];
    const output = { ...collect(), data: (text: string) => lines.push(text), info: (ja: string) => infos.push(ja) };
    // Act
    const code = await main(['directory', 'lint', file], output);
    // Assess
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('ka[2].emials  [schema] 形式の誤り: 不明な項目 "emials" です ("emails" の書き誤りではありませんか)\n    schema: unknown key "emials" (did you mean "emails"?)');
    expect(lines.join('\n')).not.toContain('$schema');
    expect(infos).toEqual([`${file}: 名簿の形式に誤りがあります`]);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('arguments a command does not take', () => {
  it.each([
    [['link', '--ka', 'sogo-seisaku', '--quarter', 'FY2013-Q2', '--bogus'], '不明なオプションです: --bogus', "Unknown option '--bogus'"],
    [['link', '--ka'], 'オプションの値が不正です: --ka <value>', "Option '--ka <value>' argument missing"],
    [['plan', 'export', 'extra'], '余分な引数です: extra', "Unexpected argument 'extra'"],
  ])('%j is refused naming the argument in Japanese as in English, with the usage, exit 2', async (argv, ja, en) => {
    // Prepare
    const output = collect();
    const data: string[] = [];
    // Act
    const code = await main(argv, { ...output, data: (text) => data.push(text) });
    // Assess
    expect(code).toBe(2);
    expect(output.err.join('\n')).toContain(`エラー: ${ja}`);
    expect(output.err.join('\n')).toContain(`error: ${en}`);
    expect(data.join('\n')).toContain('使い方 / usage');
  });

  it('prints the usage for --help after a command, exit 0', async () => {
    // Prepare
    const output = collect();
    const data: string[] = [];
    // Act
    const code = await main(['link', '--help'], { ...output, data: (text) => data.push(text) });
    // Assess
    expect(code).toBe(0);
    expect(output.err).toEqual([]);
    expect(data.join('\n')).toContain('使い方 / usage');
  });
});

describe('a value the command cannot use', () => {
  it.each([
    [['replay', '--from', '2020-01-01', '--to', '2020-01-05'], '再生期間 2020-01-01〜2020-01-05 は', 'the window 2020-01-01 … 2020-01-05 lies outside'],
    [['replay', '--from', '2013-07-05', '--to', '2013-07-01'], '--from が --to より後です', '--from is after --to'],
    [['replay', '--from', '2013-7-1', '--to', '2013-07-05'], '--from の日付が不正です: 2013-7-1', '--from is not a YYYY-MM-DD date: 2013-7-1'],
    [['compile', '--quarter', 'FY2013-Q5'], '四半期を読み取れません: FY2013-Q5', 'cannot read quarter: FY2013-Q5'],
  ])('%j says why with a pointer to the help, not the whole usage, exit 2', async (argv, ja, en) => {
    // Prepare
    const output = collect();
    const data: string[] = [];
    const infos: string[] = [];
    // Act
    const code = await main(argv, { ...output, data: (text) => data.push(text), info: (text) => infos.push(text) });
    // Assess
    expect(code).toBe(2);
    expect(output.err.join('\n')).toContain(`エラー: ${ja}`);
    expect(output.err.join('\n')).toContain(`error: ${en}`);
    expect(data.join('\n')).not.toContain('使い方 / usage');
    expect(infos).toEqual(['使い方は shinchoku help']);
  });
});
