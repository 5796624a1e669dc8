import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { planJsonSchema, planLint } from '#cli/plan-commands';
import { DirectorySchema } from '#shared/domain/directory';
import { lintPlan, parseFormula } from '#shared/domain/plan-lint';
import { defaultDirectoryPath, defaultPlanPath } from '#shared/plan-file';

async function seedPlan(): Promise<any> {
  return JSON.parse(await readFile(defaultPlanPath, 'utf8'));
}

describe('plan lint', () => {
  it('reports the seed plan\'s own arithmetic defects by 事業 id, and nothing else', async () => {
    // Act
    const { plan, defects } = lintPlan(await seedPlan());
    // Assess
    expect(plan?.measures.length).toBe(51);
    expect(defects.map((d) => [d.measureId, d.kind])).toEqual([
      ['2-2-2', 'total'], // 1,035 千円 stated for ①×4 = 4,140
      ['5-1-1', 'breakdown'], // 予算額 504 千円/年 printed over lines that add up to 1,004
    ]);
    expect(defects[0]?.ja).toContain('4,140');
    expect(defects[0]?.en).toContain('4,140');
  });

  it('finds a breakdown that does not add up to its yearly amount', async () => {
    // Prepare
    const file = await seedPlan();
    file.measures[0].budget.lines[0].items[0].thousandYen += 1;
    // Act
    const { defects } = lintPlan(file);
    // Assess
    expect(defects.filter((d) => d.measureId === '1-1-1').map((d) => d.kind)).toEqual(['breakdown']);
  });

  it('finds a formula that disagrees with the lines', async () => {
    const file = await seedPlan();
    file.measures[0].budget.statedFormula = '①×3';
    const { defects } = lintPlan(file);
    expect(defects).toContainEqual(expect.objectContaining({ measureId: '1-1-1', kind: 'formula' }));
  });

  it('finds a line whose years disagree with its fiscal years', async () => {
    const file = await seedPlan();
    const course = file.measures.find((m: { id: string }) => m.id === '1-2-3');
    course.budget.lines[0].fiscalYears = { from: 2012, to: 2015 };
    const { defects } = lintPlan(file);
    expect(defects).toContainEqual(expect.objectContaining({ measureId: '1-2-3', kind: 'years' }));
  });

  it('reports schema defects with the 事業 id and refuses the plan', async () => {
    // Prepare
    const file = await seedPlan();
    delete file.measures[4].owners;
    file.measures[7].milestones[0].fiscalYears = { from: 2016, to: 2014 };
    // Act
    const { plan, defects } = lintPlan(file);
    // Assess
    expect(plan).toBeUndefined();
    expect(defects.every((d) => d.kind === 'schema')).toBe(true);
    expect(defects.map((d) => d.measureId)).toEqual(['1-2-1', '2-1-1']);
    expect(defects.find((d) => d.measureId === '1-2-1')?.path).toBe('measures[4].owners');
  });

  it('refuses a duplicate 事業 id and a 事業 filed under the wrong 基本目標', async () => {
    const file = await seedPlan();
    file.measures.push({ ...file.measures[0] });
    file.measures[1].goalId = '2';
    const { plan, defects } = lintPlan(file);
    expect(plan).toBeUndefined();
    expect(defects.map((d) => [d.measureId, d.path])).toEqual([
      ['1-1-2', 'measures[1].areaId'],
      ['1-1-1', 'measures[51].id'],
    ]);
  });

  it('names where a duplicated id first appears, in both languages', async () => {
    // Prepare: a 事業 pasted twice, an area and a goal repeated
    const file = await seedPlan();
    file.measures.push({ ...file.measures[3] });
    file.goals.push({ ...file.goals[2], areas: [{ ...file.goals[2].areas[1] }] });

    // Act
    const { defects } = lintPlan(file);
    const at = (path: string) => defects.find((d) => d.path === path);

    // Assess
    expect(at('measures[51].id')).toMatchObject({
      ja: `形式の誤り: 事業 id ${file.measures[3].id} が重複しています (最初は measures[3])`,
      en: `schema: duplicate 事業 id ${file.measures[3].id} (first at measures[3])`,
    });
    expect(at('goals[5].id')).toMatchObject({ ja: '形式の誤り: 基本目標 id 3 が重複しています (最初は goals[2])', en: 'schema: duplicate goal id 3 (first at goals[2])' });
    expect(at('goals[5].areas[0].id')?.en).toBe(`schema: duplicate area id ${file.goals[2].areas[1].id} (first at goals[2].areas[1])`);
  });

  it('says in English too which 事業 id does not match which area', async () => {
    // Prepare
    const file = await seedPlan();
    file.measures[0].id = '1-2-9';

    // Act
    const { defects } = lintPlan(file);

    // Assess
    expect(defects.find((d) => d.path === 'measures[0].id')).toMatchObject({
      ja: '形式の誤り: 事業 id 1-2-9 が施策分野 1-1 と合いません (1-1-n の形です)',
      en: 'schema: 事業 id 1-2-9 does not match its area 1-1 (ids look like 1-1-n)',
    });
  });

  it('refuses duplicate goal, area and milestone ids, and an area whose id names another goal', async () => {
    // Prepare
    const file = await seedPlan();
    file.goals.push({ ...file.goals[0], areas: [{ id: '1-1', title: '重複' }] });
    file.goals[1].areas.push({ id: '3-9', title: '別の基本目標の番号' });
    file.measures[0].milestones.push({ ...file.measures[0].milestones[0] });

    // Act
    const { plan, defects } = lintPlan(file);

    // Assess
    expect(plan).toBeUndefined();
    expect(defects.map((d) => [d.measureId, d.path])).toEqual([
      [undefined, 'goals[1].areas[2].id'],
      [undefined, 'goals[5].id'],
      [undefined, 'goals[5].areas[0].id'],
      ['1-1-1', `measures[0].milestones[${file.measures[0].milestones.length - 1}].id`],
    ]);
    expect(defects.at(-1)).toMatchObject({ ja: '形式の誤り: 1-1-1 のスケジュール項目 id m1 が重複しています', en: 'schema: duplicate milestone id m1 in 1-1-1' });
  });

  it('words every schema defect in Japanese on the Japanese line and in English on the English one', async () => {
    // Prepare: one defect of each kind zod reports
    const file = await seedPlan();
    file.measures[0].budget.lines[0].annualThousandYen = -1; // too_small (number)
    file.goals[0].title = ''; // too_small (string)
    file.plan.period.to = 2500; // too_big
    file.plan.period.from = 'a'; // invalid_type
    delete file.measures[6].owners; // invalid_type (missing)
    file.measures[2].id = 'x y'; // invalid_format (regex)
    file.plan.tenant = 'A'; // invalid_format (regex, English-only message)
    file.measures[7].milestones[0].fiscalYears = { from: 2016, to: 2014 }; // custom, "ja / en"

    // Act
    const { defects } = lintPlan(file);
    const at = (path: string) => defects.find((d) => d.path === path);

    // Assess
    expect(defects.length).toBeGreaterThanOrEqual(8);
    for (const d of defects) {
      expect(d.ja, d.ja).toMatch(/^形式の誤り: .*[\u3040-\u30ff\u4e00-\u9fff]/u);
      expect(d.ja, d.ja).not.toMatch(/Too small|Too big|Invalid|expected| \/ /);
      expect(d.en, d.en).toMatch(/^schema: /);
      expect(d.en, d.en).not.toMatch(/[\u3040-\u30ff]/u); // no kana: the English line is English
    }
    expect(at('measures[0].budget.lines[0].annualThousandYen')).toMatchObject({ ja: '形式の誤り: 0 以上の数にしてください', en: 'schema: Too small: expected number to be >=0' });
    expect(at('goals[0].title')?.ja).toBe('形式の誤り: 空にはできません');
    expect(at('plan.period.to')?.ja).toBe('形式の誤り: 2200 以下の数にしてください');
    expect(at('plan.period.from')).toMatchObject({ ja: '形式の誤り: 数値にしてください (文字列 "a" です)', en: 'schema: expected number, got string "a"' });
    expect(at('measures[6].owners')?.ja).toBe('形式の誤り: 必須の項目がありません (配列)');
    expect(at('measures[2].id')).toMatchObject({ ja: '形式の誤り: 事業の id は 1-1-1 の形です (文字列 "x y" です)', en: 'schema: 事業 ids look like "1-1-1", got string "x y"' });
    expect(at('plan.tenant')?.en).toBe('schema: lower-case letters, digits and hyphens, got string "A"');
    expect(at('measures[7].milestones[0].fiscalYears')).toMatchObject({ ja: '形式の誤り: 開始年度が終了年度より後です', en: 'schema: "from" is after "to"' });
  });

  it('says what to write for a fiscal year in 和暦 and an amount written as text, as a file typed from the printed plan or exported from Excel has them', async () => {
    // Prepare
    const file = await seedPlan();
    file.plan.period = { from: 'H24', to: '平成27年度' };
    file.measures[0].budget.lines[0].annualThousandYen = '１９，５７３';
    file.measures[0].page = 'p.1';

    // Act
    const { defects } = lintPlan(file);
    const at = (path: string) => defects.find((d) => d.path === path);

    // Assess
    expect(at('plan.period.from')).toMatchObject({
      ja: '形式の誤り: 数値にしてください (文字列 "H24" です)。年度は西暦の数で、引用符を付けずに書きます: "H24" は 2012',
      en: 'schema: expected number, got string "H24"; fiscal years are Western year numbers, without quotes: "H24" is 2012',
    });
    expect(at('plan.period.to')?.ja).toBe('形式の誤り: 数値にしてください (文字列 "平成27年度" です)。年度は西暦の数で、引用符を付けずに書きます: "平成27年度" は 2015');
    expect(at('measures[0].budget.lines[0].annualThousandYen')).toMatchObject({
      ja: '形式の誤り: 数値にしてください (文字列 "１９，５７３" です)。数は引用符を付けず、桁区切りのない半角で書きます: 19573',
      en: 'schema: expected number, got string "１９，５７３"; numbers are written without quotes or separators: 19573',
    });
    expect(at('measures[0].page')?.ja).toBe('形式の誤り: 数値にしてください (文字列 "p.1" です)');
  });

  it('shows an id in the wrong shape as written, so a trailing space or a full-width character is seen', async () => {
    // Prepare: what a sheet exported from Excel leaves in ids
    const file = await seedPlan();
    file.goals[0].areas[0].id = '1-1 ';
    file.measures[0].milestones[0].id = 'ｍ1';

    // Act
    const { defects } = lintPlan(file);
    const at = (path: string) => defects.find((d) => d.path === path);

    // Assess
    expect(at('goals[0].areas[0].id')?.ja).toBe('形式の誤り: 施策分野の id は 1-1 の形です (文字列 "1-1 " です)');
    expect(at('measures[0].milestones[0].id')).toMatchObject({
      ja: '形式の誤り: スケジュール項目の id は m1, m2, … の形です (文字列 "ｍ1" です)',
      en: 'schema: milestone ids are m1, m2, …, got string "ｍ1"',
    });
  });

  it('says where an amount is 1,000 times the one it should equal that one was likely written in 円, not 千円', async () => {
    // Prepare: 1-1-1's breakdown copied from an estimate in yen; another 事業's total in yen
    const file = await seedPlan();
    const line = file.measures[0].budget.lines[0];
    line.items = line.items.map((item: { thousandYen: number }) => ({ ...item, thousandYen: item.thousandYen * 1000 }));
    const other = file.measures.findIndex((m: any, i: number) => i > 0 && m.budget.plannedTotalThousandYen > 0 && m.budget.lines.length > 0);
    file.measures[other].budget.plannedTotalThousandYen *= 1000;

    // Act
    const { defects } = lintPlan(file);

    // Assess
    const breakdown = defects.find((d) => d.path === 'measures[0].budget.lines[0]');
    expect(breakdown?.ja).toMatch(/と一致しません \(差 [\d,]+ 千円\)。ちょうど 1,000 倍の違いです: 円で書いた金額はありませんか \(金額は千円単位です\)$/);
    expect(breakdown?.en).toMatch(/; they differ exactly 1,000-fold: is one written in yen\? \(amounts are in thousands of yen\)$/);
    expect(defects.find((d) => d.path === `measures[${other}].budget.plannedTotalThousandYen`)?.ja).toContain('ちょうど 1,000 倍の違いです');
    expect(defects.filter((d) => d.ja.includes('1,000 倍'))).toHaveLength(2);
  });

  it('compares amounts with decimals as amounts, not as binary fractions', async () => {
    // Prepare: 1.1 + 2.2 is 3.3000000000000003 in binary floating point
    const file = await seedPlan();
    const line = file.measures[0].budget.lines[0];
    line.items = [
      { label: 'a', thousandYen: 1.1 },
      { label: 'b', thousandYen: 2.2 },
    ];
    line.annualThousandYen = 3.3;
    file.measures[0].budget.plannedTotalThousandYen = file.measures[0].budget.lines.reduce((s: number, l: { annualThousandYen: number; years: number }) => s + l.annualThousandYen * l.years, 0);

    // Act
    const { defects } = lintPlan(file);

    // Assess
    expect(defects.filter((d) => d.measureId === '1-1-1')).toEqual([]);
  });

  it('refuses a 事業 that lists the same owner twice, at the second one, in both languages', async () => {
    // Prepare
    const file = await seedPlan();
    const owner = file.measures[0].owners[0];
    file.measures[0].owners.push({ bukai: '総務専門部会', ka: owner.ka }, { ...owner });

    // Act
    const { plan, defects } = lintPlan(file);

    // Assess: the same 課 under another 部会 is another owner
    expect(plan).toBeUndefined();
    expect(defects).toEqual([
      {
        kind: 'schema',
        measureId: '1-1-1',
        path: 'measures[0].owners[2]',
        ja: `形式の誤り: 1-1-1 の担当部署 ${owner.bukai}/${owner.ka} が重複しています`,
        en: `schema: duplicate owner ${owner.bukai}/${owner.ka} in 1-1-1`,
      },
    ]);
  });

  it('names the years of a milestone outside the plan period and the period, at that milestone\'s years', async () => {
    // Prepare: the plan runs FY2012–FY2015
    const file = await seedPlan();
    file.measures[0].milestones[1].fiscalYears = { from: 2014, to: 2019 };

    // Act
    const { defects } = lintPlan(file);

    // Assess
    expect(defects).toEqual([
      {
        kind: 'schema',
        measureId: '1-1-1',
        path: 'measures[0].milestones[1].fiscalYears',
        ja: '形式の誤り: 1-1-1 m2 の期間 FY2014 (平成26年度)〜FY2019 (令和元年度) が計画期間 FY2012 (平成24年度)〜FY2015 (平成27年度) の外です',
        en: 'schema: 1-1-1 m2: FY2014 (平成26年度)–FY2019 (令和元年度) is outside the plan period FY2012 (平成24年度)–FY2015 (平成27年度)',
      },
    ]);
  });

  it('names the years of a budget line outside the plan period and the period', async () => {
    // Prepare
    const file = await seedPlan();
    const line = file.measures[0].budget.lines[0];
    line.fiscalYears = { from: 2013, to: 2016 };

    // Act
    const { defects } = lintPlan(file);

    // Assess
    expect(defects.filter((d) => d.measureId === '1-1-1')).toEqual([
      {
        kind: 'years',
        measureId: '1-1-1',
        path: 'measures[0].budget.lines[0].fiscalYears',
        ja: '① の対象年度 FY2013 (平成25年度)〜FY2016 (平成28年度) が計画期間 FY2012 (平成24年度)〜FY2015 (平成27年度) の外です',
        en: '①: fiscal years FY2013 (平成25年度)–FY2016 (平成28年度) are outside the plan period FY2012 (平成24年度)–FY2015 (平成27年度)',
      },
    ]);
  });

  it('refuses an inferred milestone without a reason', async () => {
    const file = await seedPlan();
    file.measures[0].milestones[0].inferenceReason = undefined;
    const { defects } = lintPlan(file);
    expect(defects).toContainEqual(expect.objectContaining({ measureId: '1-1-1', kind: 'schema' }));
  });

  it.each([
    ['①×4', [{ key: '①', multiplier: 4 }]],
    ['①×4+②×3', [{ key: '①', multiplier: 4 }, { key: '②', multiplier: 3 }]],
    ['(①+②)×4+③×3', [{ key: '①', multiplier: 4 }, { key: '②', multiplier: 4 }, { key: '③', multiplier: 3 }]],
    ['（①）', [{ key: '①', multiplier: 1 }]],
    ['① × ４', [{ key: '①', multiplier: 4 }]],
  ])('reads the formula %s', (formula, expected) => {
    expect(parseFormula(formula)).toEqual(expected);
  });

  it.each(['', '4×①', '①×', 'A×4', '(①+2)×4', '①×4+', '①×4++②'])('refuses the formula "%s"', (formula) => {
    expect(parseFormula(formula)).toBeUndefined();
  });
});

/** Every plan file and directory the repository holds: the seed and the other cities of the tests. */
const repoFiles = (name: 'plan.json' | 'directory.json') => [
  name === 'plan.json' ? defaultPlanPath : defaultDirectoryPath,
  new URL(`../fixtures/sakuradai/${name}`, import.meta.url),
  new URL(`../support/other-city/${name}`, import.meta.url),
];

describe('a 事業 without a budget', () => {
  it('loads with no budget lines and no total, as one whose budget says so, and lint finds nothing in it', async () => {
    // Prepare: 1-1-1 leaves its budget out; 1-1-2 gives a budget without a total
    const file = await seedPlan();
    delete file.measures[0].budget;
    file.measures[1].budget = { notes: ['別の事業で予算化'] };

    // Act
    const { plan, defects } = lintPlan(file);

    // Assess
    expect(defects.filter((d) => d.measureId === '1-1-1' || d.measureId === '1-1-2')).toEqual([]);
    expect(plan?.measures[0]?.budget).toEqual({ lines: [], plannedTotalThousandYen: null, reference: [], notes: [] });
    expect(plan?.measures[1]?.budget).toEqual({ lines: [], plannedTotalThousandYen: null, reference: [], notes: ['別の事業で予算化'] });
  });

  it('gives every 事業 left without a budget a budget of its own, not one shared with the others', async () => {
    // Prepare
    const file = await seedPlan();
    delete file.measures[0].budget;
    delete file.measures[1].budget;

    // Act
    const { plan } = lintPlan(file);
    plan!.measures[0]!.budget.notes.push('後から追記');

    // Assess
    expect(plan?.measures[1]?.budget.notes).toEqual([]);
    expect(plan?.measures[0]?.budget.lines).not.toBe(plan?.measures[1]?.budget.lines);
  });
});

describe('a key the plan file format does not know', () => {
  it('is refused at the key, in both languages, with the key it is likely a misspelling of', async () => {
    // Prepare: misspellings at each level of the file
    const file = await seedPlan();
    const measure = file.measures[3];
    measure.milestone = measure.milestones;
    delete measure.milestones;
    measure.relatd = [{ ka: '総務課' }];
    file.measures[0].budget.statedFomula = file.measures[0].budget.statedFormula;
    file.measures[0].budget.lines[0].items[0].notes = 'H25年度以降';
    file.measures[7].milestones[0].infered = true;
    file.goals[0].areas[0].titel = '重複した題';
    file.plan.municipalty = '下野市';
    file.extra = 1;

    // Act
    const { plan, defects } = lintPlan(file);

    // Assess
    expect(plan).toBeUndefined();
    expect(defects.map((d) => [d.kind, d.measureId, d.path])).toEqual([
      ['schema', undefined, 'plan.municipalty'],
      ['schema', undefined, 'goals[0].areas[0].titel'],
      ['schema', '1-1-1', 'measures[0].budget.lines[0].items[0].notes'],
      ['schema', '1-1-1', 'measures[0].budget.statedFomula'],
      ['schema', '1-1-4', 'measures[3].milestone'],
      ['schema', '1-1-4', 'measures[3].relatd'],
      ['schema', '2-1-1', 'measures[7].milestones[0].infered'],
      ['schema', undefined, 'extra'],
    ]);
    const at = (path: string) => defects.find((d) => d.path === path);
    expect(at('measures[3].milestone')).toMatchObject({
      ja: '形式の誤り: 不明な項目 "milestone" です ("milestones" の書き誤りではありませんか)',
      en: 'schema: unknown key "milestone" (did you mean "milestones"?)',
    });
    expect(at('measures[3].relatd')?.en).toBe('schema: unknown key "relatd" (did you mean "related"?)');
    expect(at('measures[0].budget.statedFomula')?.en).toBe('schema: unknown key "statedFomula" (did you mean "statedFormula"?)');
    expect(at('measures[0].budget.lines[0].items[0].notes')?.en).toBe('schema: unknown key "notes" (did you mean "note"?)');
    expect(at('extra')).toMatchObject({ ja: '形式の誤り: 不明な項目 "extra" です (綴りを確認してください)', en: 'schema: unknown key "extra" (check the spelling)' });
    for (const d of defects) {
      expect(d.en, d.en).not.toMatch(/[\u3040-\u30ff]/u);
      expect(d.ja, d.ja).not.toMatch(/Unrecognized| \/ /);
    }
  });

  it('is refused by the JSON Schema that plan schema prints, which still takes the plan files of the repository and a 事業 without a budget', async () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(planJsonSchema()));
    const misspelt = await seedPlan();
    misspelt.measures[3].milestone = [];
    const withoutBudget = await seedPlan();
    delete withoutBudget.measures[0].budget;
    delete withoutBudget.measures[1].budget.plannedTotalThousandYen;

    // Act
    const files = await Promise.all(repoFiles('plan.json').map(async (f) => JSON.parse(await readFile(f, 'utf8'))));

    // Assess
    for (const file of [...files, withoutBudget]) expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(misspelt)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/measures/3', keyword: 'additionalProperties', params: { additionalProperty: 'milestone' } }));
  });
});

describe('a "$schema" key', () => {
  it('is taken in a plan file and in a directory file, as an editor writes it to check the file', async () => {
    // Prepare
    const plan = { $schema: './plan.schema.json', ...(await seedPlan()) };
    const directory = { $schema: './directory.schema.json', ...JSON.parse(await readFile(defaultDirectoryPath, 'utf8')) };
    // Act
    const { defects } = lintPlan(plan);
    const parsed = DirectorySchema.safeParse(directory);
    // Assess
    expect(defects.filter((d) => d.kind === 'schema')).toEqual([]);
    expect(parsed.success).toBe(true);
  });
});

describe('the plan and directory files of the repository', () => {
  it.each(repoFiles('plan.json').map((f) => [String(f).replace(/.*\/(test|plans)\//, '$1/'), f] as const))('%s has no key the plan file format does not know', async (_name, f) => {
    // Act
    const { plan, defects } = lintPlan(JSON.parse(await readFile(f, 'utf8')));
    // Assess
    expect(plan).toBeDefined();
    expect(defects.filter((d) => d.kind === 'schema')).toEqual([]);
  });

  it.each(repoFiles('directory.json').map((f) => [String(f).replace(/.*\/(test|plans)\//, '$1/'), f] as const))('%s has no key the directory format does not know', async (_name, f) => {
    // Act
    const parsed = DirectorySchema.safeParse(JSON.parse(await readFile(f, 'utf8')));
    // Assess
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

describe('the summary line of plan lint', () => {
  it('says in English too that the arithmetic was not checked when the file does not match its schema', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'shinchoku-plan-lint-summary-'));
    const path = join(dir, 'plan.json');
    const file = await seedPlan();
    delete file.measures[4].owners;
    await writeFile(path, JSON.stringify(file));
    const infos: [string, string][] = [];
    const output = { data: () => undefined, info: (ja: string, en: string) => infos.push([ja, en]), error: () => undefined };

    // Act
    const code = await planLint(path, output);

    // Assess
    expect(code).toBe(1);
    expect(infos).toEqual([
      [`${path}: 1 件の問題 (形式エラーのため未集計)`, `${path}: 1 defect(s) (arithmetic not checked: the file does not match its schema)`],
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});
