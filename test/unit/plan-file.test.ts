/**
 * Reading plan and directory files: a file that cannot be loaded is refused with its first problem in
 * both languages, and a plan and a directory of different cities are refused together.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '#cli/output';
import { planToCsv } from '#cli/plan-commands';
import { assertSameTenant, defaultDirectoryPath, defaultPlanPath, readDirectoryFile, readPlanAndDirectory, readPlanFile } from '#shared/plan-file';

const otherCityDirectory = new URL('../support/other-city/directory.json', import.meta.url).pathname;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shinchoku-plan-file-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What a person reads: the error split the way the command line splits it. */
async function failure(run: Promise<unknown>): Promise<{ ja: string; en: string }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return describeError(error);
}

describe('a plan file the schema refuses', () => {
  it('names the first problem, its place and a Japanese reason in the Japanese half, and points to plan lint', async () => {
    // Prepare
    const plan = JSON.parse(await readFile(defaultPlanPath, 'utf8'));
    delete plan.plan.tenant;
    plan.measures[1].name = 42;
    const file = join(dir, 'bad-plan.json');
    await writeFile(file, JSON.stringify(plan));

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toContain(`計画ファイル ${file} を読み込めません`);
    expect(ja).toContain('plan.tenant: 形式の誤り: 必須の項目がありません');
    expect(ja).toContain(`ほか 1 件、問題の一覧は shinchoku plan lint ${file}`);
    expect(ja).not.toMatch(/required|expected/);
    expect(en).toContain(`cannot load plan file ${file}`);
    expect(en).toContain('plan.tenant: schema: required');
    expect(en).toContain(`shinchoku plan lint ${file}`);
  });
});

describe('a plan file written over many lines', () => {
  it('names the line of its first problem beside the path, and of a missing key the line of the object that lacks it', async () => {
    // Prepare: the embedded plan as plan export writes it, with a misspelt key in the 4th 事業, then without 2-1-1's owners
    const plan = JSON.parse(await readFile(defaultPlanPath, 'utf8'));
    plan.measures[3] = { milestone: [], ...plan.measures[3] };
    const misspelt = join(dir, 'misspelt-plan.json');
    await writeFile(misspelt, JSON.stringify(plan, null, 2).replace(/\n/g, '\r\n'));
    const line = JSON.stringify(plan, null, 2).split('\n').findIndex((l) => l.includes('"milestone": []')) + 1;
    delete plan.measures[3].milestone;
    const index = plan.measures.findIndex((m: { id: string }) => m.id === '2-1-1');
    delete plan.measures[index].owners;
    const missing = join(dir, 'missing-key-plan.json');
    await writeFile(missing, JSON.stringify(plan, null, 2));
    const objectLine = JSON.stringify(plan, null, 2).split('\n').findIndex((l) => l.includes('"id": "2-1-1"')) - 1 + 1;

    // Act
    const first = await failure(readPlanFile(misspelt));
    const second = await failure(readPlanFile(missing));

    // Assess
    expect(first.ja).toContain(`を読み込めません: measures[3].milestone (${line} 行目): 形式の誤り: 不明な項目 "milestone" です`);
    expect(first.en).toContain(`cannot load plan file ${misspelt}: measures[3].milestone (line ${line}): schema: unknown key "milestone"`);
    expect(second.ja).toContain(`を読み込めません: measures[${index}].owners (${objectLine} 行目): 形式の誤り: 必須の項目がありません`);
  });
});

describe('a plan file over many lines without a key of the file itself', () => {
  it('names the missing key at the file\'s first line', async () => {
    // Prepare
    const file = join(dir, 'no-measures.json');
    const plan = JSON.parse(await readFile(defaultPlanPath, 'utf8'));
    delete plan.measures;
    await writeFile(file, JSON.stringify(plan, null, 2));

    // Act
    const { ja } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toContain('を読み込めません: measures (1 行目): 形式の誤り: 必須の項目がありません (配列)');
  });
});

describe('a plan file that is not an object', () => {
  it('is refused for what it is, with no empty place before the reason', async () => {
    // Prepare: a list, as a sheet exported row by row gives
    const file = join(dir, 'list.json');
    await writeFile(file, '[]');

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(`計画ファイル ${file} を読み込めません: 形式の誤り: オブジェクトにしてください (配列です) (問題の一覧は shinchoku plan lint ${file})`);
    expect(en).toBe(`cannot load plan file ${file}: schema: expected object, got array (shinchoku plan lint ${file} lists them all)`);
  });
});

describe('a file that is not JSON', () => {
  it('names the file and the line and column in Japanese too', async () => {
    // Prepare
    const file = join(dir, 'broken.json');
    await writeFile(file, '{\n  "plan": {\n    "tenant" "x"\n  }\n}\n');

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toContain(`${file} を JSON として読めません`);
    expect(ja).toContain('3 行 14 列目');
    expect(en).toContain(`not valid JSON: ${file}`);
  });

  it('names the line and column of a full-width space between the items, in both languages, where V8 names no position', async () => {
    // Prepare: 全角スペース after a colon, as an editor with a Japanese input method types it
    const file = join(dir, 'full-width-space.json');
    await writeFile(file, '{\r\n  "plan": {\r\n    "tenant":\u3000"midori"\r\n  }\r\n}\r\n');

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(`${file} を JSON として読めません: 3 行 14 列目: 全角スペースがあります (項目の外の空白は半角にしてください)`);
    expect(en).toContain(`not valid JSON: ${file}: `);
    expect(en).toContain('(line 3, column 14): a full-width space (U+3000) outside a string');
  });

  it('says that JSON has no comments, at the comment, for a file written after the README\'s annotated example', async () => {
    // Prepare
    const file = join(dir, 'commented.json');
    await writeFile(file, '{\n  "plan": { "id": "midori-dx-1",\n    "period": { "from": 2024, "to": 2027 } },   // fiscal years\n  "goals": []\n}\n');

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(`${file} を JSON として読めません: 3 行 49 列目: JSON にはコメント (// や /* */) を書けません`);
    expect(en).toContain('(line 3, column 49)');
  });

  it('says that a line break inside a string must be written \\n, as a cell with Alt+Enter exported as it is has it', async () => {
    // Prepare
    const file = join(dir, 'line-break.json');
    await writeFile(file, '{\r\n  "plan": { "title": "桜台市\r\nDX推進計画" }\r\n}\r\n');

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(`${file} を JSON として読めません: 2 行 26 列目: 文字列の中で改行やタブはそのまま書けません (改行は \\n、タブは \\t と書きます)`);
    expect(en).toContain('(line 2, column 26): a line break or tab (U+000D) inside a string must be written \\n or \\t');
  });

  it('names the place of a trailing comma and of curly quotes, as a word processor types them', async () => {
    // Prepare
    const comma = join(dir, 'trailing-comma.json');
    await writeFile(comma, '{\n  "plan": { "id": "midori-dx-1", },\n  "goals": []\n}\n');
    const quotes = join(dir, 'curly-quotes.json');
    await writeFile(quotes, '{\n  "plan": { "id": “midori-dx-1” }\n}\n');

    // Act
    const fromComma = await failure(readPlanFile(comma));
    const fromQuotes = await failure(readPlanFile(quotes));

    // Assess
    expect(fromComma.ja).toBe(`${comma} を JSON として読めません: 2 行 34 列目: ここには "…" で囲んだ項目名が必要です (末尾の余分なカンマなど)`);
    expect(fromQuotes.ja).toBe(`${quotes} を JSON として読めません: 2 行 19 列目: 項目名と文字列は半角の " で囲みます (“ は使えません)`);
    expect(fromQuotes.en).toContain('(line 2, column 19)');
  });

  it('says in Japanese that a file ends too early', async () => {
    // Prepare
    const file = join(dir, 'short.json');
    await writeFile(file, '{"plan": {');

    // Act
    const { ja } = await failure(readDirectoryFile(file));

    // Assess
    expect(ja).toContain(`${file} を JSON として読めません`);
    expect(ja).toContain('途中で終わっています');
  });
});

describe('a spreadsheet given for a plan', () => {
  it('is refused as not JSON, saying the catalog CSV is for reading only, whether named .csv or a workbook named .json', async () => {
    // Prepare: the catalog as plan export --format csv --bom prints it, and a workbook's first bytes
    const { plan } = await readPlanFile();
    const csv = join(dir, 'plan.csv');
    await writeFile(csv, planToCsv(plan, { bom: true }));
    const workbook = join(dir, 'workbook.json');
    await writeFile(workbook, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));

    // Act
    const fromCsv = await failure(readPlanFile(csv));
    const fromWorkbook = await failure(readPlanFile(workbook));

    // Assess
    expect(fromCsv.ja).toBe(
      `${csv} は JSON ではありません (Excel や CSV のファイルは読み込めません。plan export --format csv の CSV は一覧用で、読み込みには使えません)。` +
        'JSON のファイルを指定してください (計画なら plan export --format json の形です)',
    );
    expect(fromCsv.en).toBe(
      `${csv} is not JSON (a workbook or CSV cannot be loaded; the CSV of plan export --format csv is for reading only): give a JSON file (a plan has the shape plan export --format json prints)`,
    );
    expect(fromWorkbook.ja).toMatch(new RegExp(`^${workbook} は JSON ではありません \\(Excel や CSV のファイルは読み込めません`));
  });
});

describe('a file not saved as UTF-8', () => {
  /** A plan the schema takes, whose Japanese in Shift_JIS has no byte JSON reads as a backslash or a quote. */
  const smallPlan = {
    plan: { id: 'midori-dx-1', tenant: 'midori', municipality: 'みどり市', title: 'みどり市DX推進計画', version: '2024-03', period: { from: 2024, to: 2027 } },
    goals: [{ id: '1', title: '市民サービスの向上', areas: [{ id: '1-1', title: 'オンライン手続' }] }],
    measures: [
      { id: '1-1-1', goalId: '1', areaId: '1-1', name: '書かない窓口', summary: '書かない窓口を広げます。', owners: [{ bukai: '市民部会', ka: '市民課' }] },
    ],
  };

  it('is refused when saved as Shift_JIS, with the line of its first such character, rather than read with its Japanese garbled', async () => {
    // Prepare
    const file = join(dir, 'sjis-plan.json');
    await writeFile(file, iconv.encode(JSON.stringify(smallPlan, null, 2).replace(/\n/g, '\r\n'), 'shift_jis'));

    // Act
    const { ja, en } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(
      `${file} は UTF-8 ではありません (5 行目に UTF-8 でない文字があります。Shift_JIS で保存されていませんか)。文字コードを UTF-8 にして保存し直してください`,
    );
    expect(en).toBe(`${file} is not UTF-8 (line 5 has a character that is not; saved as Shift_JIS?): save it again as UTF-8`);
  });

  it('is refused when saved as UTF-16, as Excel saves Unicode text', async () => {
    // Prepare
    const file = join(dir, 'utf16-directory.json');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(await readFile(defaultDirectoryPath, 'utf8'), 'utf16le')]));

    // Act
    const { ja, en } = await failure(readDirectoryFile(file));

    // Assess
    expect(ja).toBe(`${file} は UTF-16 で保存されています。文字コードを UTF-8 にして保存し直してください`);
    expect(en).toBe(`${file} is saved as UTF-16: save it again as UTF-8`);
  });

  it('is refused when saved as UTF-16 without a BOM too, rather than read as stray control characters', async () => {
    // Prepare
    const file = join(dir, 'utf16-no-bom-plan.json');
    await writeFile(file, Buffer.from(JSON.stringify(smallPlan), 'utf16le'));

    // Act
    const { ja } = await failure(readPlanFile(file));

    // Assess
    expect(ja).toBe(`${file} は UTF-16 で保存されています。文字コードを UTF-8 にして保存し直してください`);
  });

  it('is read when saved as UTF-8 with a BOM and CRLF line ends, as Windows editors save it', async () => {
    // Prepare
    const file = join(dir, 'bom-plan.json');
    await writeFile(file, `\uFEFF${JSON.stringify(smallPlan, null, 2).replace(/\n/g, '\r\n')}`);

    // Act
    const { plan } = await readPlanFile(file);

    // Assess
    expect(plan.measures.map((m) => m.owners)).toEqual([[{ bukai: '市民部会', ka: '市民課' }]]);
  });
});

describe('a directory file the schema refuses', () => {
  it('names where a duplicated 課 id first appears, and the secretariat\'s 課 that is not in ka, in English too', async () => {
    // Prepare
    const directory = JSON.parse(await readFile(defaultDirectoryPath, 'utf8'));
    directory.ka[4].id = directory.ka[1].id;
    directory.secretariat.kaId = 'jimukyoku';
    const file = join(dir, 'duplicate-ka-directory.json');
    await writeFile(file, JSON.stringify(directory));

    // Act
    const { en } = await failure(readDirectoryFile(file));

    // Assess
    expect(en).toContain(`duplicate 課 id "${directory.ka[1].id}" (first at ka[1])`);
    expect(en).toContain('the secretariat\'s 課 "jimukyoku" is not in ka');
  });

  it('names a 課 address that is not one with its value, not the pattern it was checked with', async () => {
    // Prepare: ＠ typed full-width, as an IME does
    const directory = JSON.parse(await readFile(defaultDirectoryPath, 'utf8'));
    directory.ka[1].emails = ['kikaku＠shimotsuke.example'];
    const file = join(dir, 'wide-at-directory.json');
    await writeFile(file, JSON.stringify(directory));

    // Act
    const { ja } = await failure(readDirectoryFile(file));

    // Assess
    expect(ja).toBe(
      `名簿ファイル ${file} が不正です: ka[1].emails[0]: メールアドレスにしてください (文字列 "kikaku＠shimotsuke.example" です。全角の文字があります) (問題の一覧は shinchoku directory lint ${file})`,
    );
  });

  it('gives the first problem in the Japanese half too, and points to directory lint', async () => {
    // Prepare
    const directory = JSON.parse(await readFile(defaultDirectoryPath, 'utf8'));
    delete directory.sender;
    const file = join(dir, 'bad-directory.json');
    await writeFile(file, JSON.stringify(directory));

    // Act
    const { ja, en } = await failure(readDirectoryFile(file));

    // Assess
    expect(ja).toContain(`名簿ファイル ${file} が不正です`);
    expect(ja).toContain('sender: 必須の項目がありません');
    expect(ja).toContain(`shinchoku directory lint ${file}`);
    expect(en).toContain(`invalid directory file ${file}`);
    expect(en).toContain('sender');
  });
});

describe('a plan and a directory of different cities', () => {
  it('are refused together, naming both files and both tenants in both languages', async () => {
    // Act
    const { ja, en } = await failure(readPlanAndDirectory(undefined, otherCityDirectory));

    // Assess
    expect(ja).toContain(`計画 ${defaultPlanPath} のテナント "shimotsuke"`);
    expect(ja).toContain(`名簿 ${otherCityDirectory} のテナント "sakuradai"`);
    expect(en).toContain(`the plan ${defaultPlanPath} is for tenant "shimotsuke"`);
    expect(en).toContain(`the directory ${otherCityDirectory} is for tenant "sakuradai"`);
  });

  it('of one city are read together', async () => {
    // Act
    const { plan, directory } = await readPlanAndDirectory();

    // Assess
    expect(directory.tenant).toBe(plan.plan.tenant);
  });

  it('are refused by the check on its own, without file names when it has none', async () => {
    // Prepare
    const { plan } = await readPlanFile();
    const directory = await readDirectoryFile(otherCityDirectory);

    // Act
    const check = () => assertSameTenant(plan, directory);

    // Assess
    expect(check).toThrow(/計画のテナント "shimotsuke" と名簿のテナント "sakuradai" が異なります/);
  });
});
