import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvColumns, planToCsv } from '#cli/plan-commands';
import { DirectorySchema, maxKaIdLength } from '#shared/domain/directory';
import { unroutableOwners } from '#shared/domain/ownership';
import type { PlanFile } from '#shared/domain/plan';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';

let plan: PlanFile;

beforeAll(async () => {
  ({ plan } = await readPlanFile());
});

describe('the embedded plan catalog (下野市第二次地域情報化計画)', () => {
  it('has 5 基本目標, 17 施策分野 and 51 事業 with contiguous ids', () => {
    // Assess
    expect(plan.goals.map((g) => g.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(plan.goals.flatMap((g) => g.areas).length).toBe(17);
    expect(plan.measures.length).toBe(51);
    for (const area of plan.goals.flatMap((g) => g.areas)) {
      const ids = plan.measures.filter((m) => m.areaId === area.id).map((m) => Number(m.id.split('-')[2]));
      expect(ids, `area ${area.id}`).toEqual(ids.map((_, i) => i + 1));
    }
    expect(plan.measures[0]?.id).toBe('1-1-1');
    expect(plan.measures.at(-1)?.id).toBe('5-4-1');
  });

  it('names six 専門部会 as owners, every 事業 owned by at least one 課', () => {
    const bukai = new Set(plan.measures.flatMap((m) => m.owners.map((o) => o.bukai)));
    expect([...bukai].sort()).toEqual(
      ['企画専門部会', '健康福祉専門部会', '市民生活専門部会', '教育専門部会', '産業振興専門部会', '総務専門部会'].sort(),
    );
    expect(plan.measures.every((m) => m.owners.length >= 1)).toBe(true);
  });

  it('keeps several owners in several 部会 where the plan has them (3-1-2 事業継続計画)', () => {
    const bcp = plan.measures.find((m) => m.id === '3-1-2');
    expect(bcp?.owners).toEqual([
      { bukai: '企画専門部会', ka: '総合政策課' },
      { bukai: '総務専門部会', ka: '総務課' },
    ]);
    expect(bcp?.related).toEqual([{ bukai: '市民生活専門部会', ka: '生活安全課' }]);
  });

  it('keeps budgets as stated, with FY restrictions and multi-line formulas', () => {
    const network = plan.measures.find((m) => m.id === '1-1-1');
    expect(network?.budget.plannedTotalThousandYen).toBe(78_292);
    expect(network?.budget.lines.map((l) => [l.key, l.annualThousandYen, l.years])).toEqual([['①', 19_573, 4]]);
    const school = plan.measures.find((m) => m.id === '1-2-1');
    expect(school?.budget.plannedTotalThousandYen).toBe(410_920);
    expect(school?.budget.statedFormula).toBe('①×4+②×3');
    const course = plan.measures.find((m) => m.id === '1-2-3');
    expect(course?.budget.lines[0]).toMatchObject({ annualThousandYen: 400, years: 3 });
  });

  it('marks every inferred milestone with a reason and keeps milestones inside H24–H27', () => {
    const milestones = plan.measures.flatMap((m) => m.milestones);
    expect(milestones.filter((ms) => ms.inferred).every((ms) => (ms.inferenceReason ?? '').length > 0)).toBe(true);
    expect(milestones.every((ms) => ms.fiscalYears.from >= 2012 && ms.fiscalYears.to <= 2015)).toBe(true);
    // 3-2-4: the plan says 平成25年度中に…判断します, so the 検討 ends in FY2013 although the cells say H26.
    const decision = plan.measures.find((m) => m.id === '3-2-4')?.milestones.find((ms) => ms.label === '情報共有システムの検討');
    expect(decision).toMatchObject({ fiscalYears: { from: 2013, to: 2013 }, inferred: true });
  });

  it('exports CSV that a CSV parser reads back, one row per 事業', () => {
    // Act
    const csv = planToCsv(plan, { bom: true });
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    // Assess
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(rows.length).toBe(51);
    expect(Object.keys(rows[0] ?? {})).toEqual([...csvColumns]);
    expect(rows.find((r) => r.id === '3-1-2')?.owners).toBe('企画専門部会/総合政策課; 総務専門部会/総務課');
    expect(rows.find((r) => r.id === '1-1-1')?.plannedTotalThousandYen).toBe('78292');
  });

  it('quotes a name with a line break in the CSV, so that no reader ends the row there', () => {
    // Prepare
    const withBreak = { ...plan, measures: plan.measures.map((m, i) => (i === 0 ? { ...m, name: '一行目\n二行目' } : m)) };

    // Act
    const csv = planToCsv(withBreak, { bom: false });
    const rows = parse(csv, { columns: true, record_delimiter: ['\r\n', '\n', '\r'] }) as Record<string, string>[];

    // Assess
    expect(rows.length).toBe(51);
    expect(rows[0]?.name).toBe('一行目\n二行目');
  });

  it('has a directory that can route mail to every owner', async () => {
    const directory = await readDirectoryFile();
    expect(unroutableOwners(directory, plan)).toEqual([]);
    expect(directory.bukai.length).toBe(6);
  });
});

describe('a directory listing a 部会 or a 課 twice', () => {
  it('refuses a repeated 部会 id or name, and the same 課 twice in one 部会', async () => {
    // Prepare
    const directory = await readDirectoryFile();
    const [first] = directory.bukai;
    const [ka] = directory.ka;
    const repeated = {
      ...directory,
      bukai: [...directory.bukai, { ...first!, name: '別の部会' }, { ...first!, id: 'other-bukai' }],
      ka: [...directory.ka, { ...ka!, id: 'same-ka-again' }],
    };

    // Act
    const result = DirectorySchema.safeParse(repeated);

    // Assess
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([`bukai.${directory.bukai.length}.id`, `bukai.${directory.bukai.length + 1}.name`, `ka.${directory.ka.length}.name`]);
  });
});

describe('a directory whose 課 ids would not fit a reply address', () => {
  it('refuses a 課 id longer than a 64-character local part allows, and says how long it may be', async () => {
    // Prepare
    const directory = await readDirectoryFile();
    const longest = maxKaIdLength(directory.replyLocalPart);
    const withId = (id: string) => ({ ...directory, ka: directory.ka.map((k, i) => (i === 0 ? { ...k, id } : k)), secretariat: { ...directory.secretariat, kaId: id } });

    // Act
    const fits = DirectorySchema.safeParse(withId('k'.repeat(longest)));
    const tooLong = DirectorySchema.safeParse(withId('k'.repeat(longest + 1)));

    // Assess
    expect(longest).toBe(23);
    expect(fits.success).toBe(true);
    expect(tooLong.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['ka.0.id', expect.stringMatching(/^課 id .* 23 文字以内/)]]);
  });
});

describe('a directory with a key its format does not know', () => {
  it('refuses a misspelt key at any level, naming the key and where it is, instead of dropping it', async () => {
    // Prepare: "attachSheets" would otherwise be dropped and the 部会 get no sheet, silently
    const directory = await readDirectoryFile();
    const misspelt = {
      ...directory,
      replyLocalPat: 'progress',
      secretariat: { ...directory.secretariat, mail: directory.secretariat.email },
      bukai: directory.bukai.map((b, i) => (i === 1 ? { ...b, attachSheets: true, chair: { ...b.chair, emial: b.chair.email } } : b)),
      ka: directory.ka.map((k, i) => (i === 0 ? { ...k, email: k.emails[0] } : k)),
      leadership: directory.leadership.map((c, i) => (i === 0 ? { ...c, title: '市長' } : c)),
    };

    // Act
    const result = DirectorySchema.safeParse(misspelt);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.code, i.path.join('.'), i.code === 'unrecognized_keys' ? i.keys : []])).toEqual([
      ['unrecognized_keys', 'secretariat', ['mail']],
      ['unrecognized_keys', 'bukai.1.chair', ['emial']],
      ['unrecognized_keys', 'bukai.1', ['attachSheets']],
      ['unrecognized_keys', 'ka.0', ['email']],
      ['unrecognized_keys', 'leadership.0', ['title']],
      ['unrecognized_keys', '', ['replyLocalPat']],
    ]);
  });

  it('still reads a directory written with every key it knows, with replyLocalPart and attachSheet left out', async () => {
    // Prepare
    const { replyLocalPart: _default, ...directory } = await readDirectoryFile();
    const plain = { ...directory, bukai: directory.bukai.map(({ attachSheet: _absent, ...b }) => b) };

    // Act
    const result = DirectorySchema.safeParse(plain);

    // Assess
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data?.replyLocalPart).toBe('progress');
  });
});
