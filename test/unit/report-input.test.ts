import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanFile } from '#shared/domain/plan';
import { checkReport, normaliseNumber, parseReportInput, ReportInputError, reportKeyOf, roleOf, toSubmission } from '#shared/domain/report-input';
import { readPlanFile } from '#shared/plan-file';

let plan: PlanFile;
beforeAll(async () => {
  ({ plan } = await readPlanFile());
});

const shokoKanko = { kaId: 'shoko-kanko', ka: '商工観光課', bukai: '産業振興専門部会' };
const valid = {
  measureId: '5-1-1',
  quarter: 'FY2013-Q2',
  status: '予定どおり',
  milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-08-01' }],
  budgetExecutedThousandYen: '１２，３４５',
  narrative: '道の駅の情報発信を更新しました。',
  person: '山田 花子',
};

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (error) {
    if (error instanceof ReportInputError) return error.fields.map((f) => f.field);
    throw error;
  }
}

describe('report input', () => {
  it.each([
    ['１２，３４５', 12345],
    ['12,345', 12345],
    ['12345', 12345],
    [' ８８２ 千円 ', 882],
    ['1,234.5', 1234.5],
    [882, 882],
  ])('reads the number %j as %d', (given, expected) => {
    expect(normaliseNumber(given)).toBe(expected);
  });

  it.each(['12,34', '1,2345', 'abc', '-5', '1e5'])('leaves "%s" for the schema to refuse', (given) => {
    expect(normaliseNumber(given)).toBe(given);
  });

  it('accepts a report written the way offices write it', () => {
    // Act
    const input = parseReportInput({ ...valid, quarter: '平成25年度第2四半期', measureId: '５－１－１' });
    const result = toSubmission(input, { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' });
    // Assess
    expect(result).toMatchObject({
      role: 'owner',
      submission: { measureId: '5-1-1', quarter: 'FY2013-Q2', kind: 'report', budgetExecutedThousandYen: 12345, reporter: { person: '山田 花子', kaId: 'shoko-kanko' } },
    });
  });

  it('says of a milestone date only what is wrong with it: the format for 平成25年7月1日, the calendar for 2013-02-30, the era for 令和元年4月10日', () => {
    // Act
    const messagesFor = (date: string) => {
      try {
        parseReportInput({ ...valid, milestones: [{ milestoneId: 'm1', progress: 'done', date }] });
        return [];
      } catch (error) {
        return (error as ReportInputError).fields.filter((f) => f.field === 'milestones.0.date').map((f) => f.ja);
      }
    };
    // Assess
    expect(messagesFor('平成25年7月1日')).toEqual(['日付は 2013-07-01 のように YYYY-MM-DD で書いてください (フォームとメールでは 平成25年7月1日 の形も読めます)']);
    expect(messagesFor('2013-02-30')).toEqual(['存在しない日付です']);
    expect(messagesFor('2013-07-01')).toEqual([]);
    // Read as a date but refused for a reason: the reason, not the format
    expect(messagesFor('令和元年4月10日')).toEqual(['日付を読み取れません: 「令和元年4月10日」 (令和は2019年5月1日からです)']);
    expect(messagesFor('平成25年2月30日')).toEqual(['日付を読み取れません: 「平成25年2月30日」 (その日は存在しません)']);
  });

  it('names each bad field, in Japanese and English', () => {
    try {
      parseReportInput({ ...valid, status: 'ok', budgetExecutedThousandYen: 'たくさん', quarter: 'Q9', extra: 1 });
      expect.unreachable();
    } catch (error) {
      const fields = (error as ReportInputError).fields;
      expect(fields.map((f) => f.field).sort()).toEqual(['budgetExecutedThousandYen', 'extra', 'quarter', 'status']);
      for (const f of fields) {
        expect(f.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(f.en).toMatch(/[a-z]/);
      }
    }
  });

  it('refuses a 事業 the 課 does not own, and lets a related 課 only comment', () => {
    const other = toSubmission(parseReportInput({ ...valid, measureId: '1-1-1' }), { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' });
    expect(other).toMatchObject({ kind: 'forbidden' });
    // 2-1-2 is owned by 総合政策課 with 児童福祉課 related.
    const jido = { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会' };
    expect(roleOf(plan.measures.find((m) => m.id === '2-1-2')!, jido)).toBe('related');
    const setStatus = fieldsOf(() => toSubmission(parseReportInput({ ...valid, measureId: '2-1-2', milestones: [], budgetExecutedThousandYen: undefined }), { plan, reporter: jido, quarter: 'FY2013-Q2' }));
    expect(setStatus).toEqual(['status']);
    const { status: _, budgetExecutedThousandYen: _budget, ...comment } = valid;
    const commented = toSubmission(parseReportInput({ ...comment, measureId: '2-1-2', milestones: [] }), { plan, reporter: jido, quarter: 'FY2013-Q2' });
    expect(commented).toMatchObject({ role: 'related', submission: { kind: 'comment' } });
  });

  it("refuses a related 課's comment that carries what only the owner reports: milestones, spending, 課題, 今後の予定", () => {
    // Prepare: 2-1-2 is owned by 総合政策課 with 児童福祉課 related.
    const jido = { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会' };
    const { status: _, ...comment } = valid;
    // Act
    const refused = fieldsOf(() =>
      toSubmission(parseReportInput({ ...comment, measureId: '2-1-2', issues: '協議中', nextSteps: '調整', milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-08-01' }] }), {
        plan,
        reporter: jido,
        quarter: 'FY2013-Q2',
      }),
    );
    // Assess
    expect(refused.sort()).toEqual(['budgetExecutedThousandYen', 'issues', 'milestones', 'nextSteps']);
  });

  it('refuses a quarter other than the link\'s, and one outside the plan period', () => {
    expect(toSubmission(parseReportInput(valid), { plan, reporter: shokoKanko, quarter: 'FY2013-Q3' })).toMatchObject({ kind: 'forbidden' });
    expect(fieldsOf(() => toSubmission(parseReportInput({ ...valid, quarter: 'FY2016-Q1' }), { plan, reporter: shokoKanko, quarter: 'FY2016-Q1' }))).toEqual([
      'quarter',
    ]);
  });

  it('checks milestones against the 事業 and asks for 課題 when delayed', () => {
    const input = parseReportInput({
      ...valid,
      status: '遅延',
      milestones: [
        { milestoneId: 'm99', progress: 'in_progress' },
        { milestoneId: 'm1', progress: 'done' },
        { milestoneId: 'm1', progress: 'done', date: '2013-08-01' },
      ],
    });
    expect(fieldsOf(() => toSubmission(input, { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' }))).toEqual([
      'milestones.0.milestoneId',
      'milestones.1.date',
      'milestones.2.milestoneId',
      'issues',
    ]);
  });

  it('refuses a start or completion after the day it is reported (令和25年 for 平成25年), not a milestone not yet started', () => {
    // Prepare: reported on 2013-10-10
    const context = { plan, reporter: shokoKanko, quarter: 'FY2013-Q2', today: '2013-10-10' as const };
    const withDate = (progress: string, date: string) => parseReportInput({ ...valid, milestones: [{ milestoneId: 'm1', progress, date }] });
    const errorsOf = (input: ReturnType<typeof parseReportInput>) => {
      try {
        toSubmission(input, context);
        return [];
      } catch (error) {
        return (error as ReportInputError).fields;
      }
    };
    // Act
    const done = errorsOf(withDate('done', '2043-07-01'));
    const started = errorsOf(withDate('in_progress', '2013-10-11'));
    // Assess
    expect(done).toEqual([
      { field: 'milestones.0.date', ja: '完了日 令和25年7月1日 (2043-07-01) は今日 (平成25年10月10日) より後です。済んだ日を書いてください', en: 'the completion date 2043-07-01 is after today (2013-10-10); give the day it happened' },
    ]);
    expect(started.map((e) => e.ja)).toEqual(['開始日 平成25年10月11日 (2013-10-11) は今日 (平成25年10月10日) より後です。済んだ日を書いてください']);
    expect(errorsOf(withDate('done', '2013-10-10'))).toEqual([]);
    expect(errorsOf(withDate('not_started', '2014-04-01'))).toEqual([]);
  });

  it('does not check again a later date the last report stated, which the sheet and the mail carry over', () => {
    // Prepare: the last report (accepted before dates were checked) says m1 started on 2043-07-01
    const lastMilestones = [{ milestoneId: 'm1', progress: 'in_progress' as const, date: '2043-07-01' }];
    const context = { plan, reporter: shokoKanko, quarter: 'FY2013-Q2', today: '2013-10-10' as const, lastMilestones };
    const input = (progress: string, date: string) => parseReportInput({ ...valid, milestones: [{ milestoneId: 'm1', progress, date }] });
    // Act
    const carried = () => toSubmission(input('in_progress', '2043-07-01'), context);
    const changed = () => toSubmission(input('done', '2043-07-01'), context);
    // Assess: the carried entry passes; a changed one is the sender's and is checked
    expect(carried()).toHaveProperty('submission');
    expect(fieldsOf(changed)).toEqual(['milestones.0.date']);
  });

  it('names in one answer what the schema refuses and what the plan and the role refuse', () => {
    // Prepare: a bad amount and a bad date the schema refuses; a done milestone without its date, an unknown milestone and 遅延 without 課題 the checks refuse
    const body = {
      ...valid,
      status: '遅延',
      budgetExecutedThousandYen: 'たくさん',
      milestones: [
        { milestoneId: 'm1', progress: 'done' },
        { milestoneId: 'm99', progress: 'in_progress' },
        { milestoneId: 'm2', progress: 'done', date: '2013-13-45' },
      ],
    };
    // Act
    const fields = fieldsOf(() => checkReport(body, { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' }));
    // Assess
    expect(fields.sort()).toEqual(['budgetExecutedThousandYen', 'issues', 'milestones.0.date', 'milestones.1.milestoneId', 'milestones.2.date'].sort());
  });

  it('names a missing status of the owning 課 beside a field the schema refuses, each field once', () => {
    // Prepare
    const { status: _none, ...withoutStatus } = valid;
    const body = { ...withoutStatus, budgetExecutedThousandYen: 'たくさん', milestones: [{ milestoneId: 'm1', progress: 'done', date: '平成25年7月1日' }] };
    // Act
    const fields = fieldsOf(() => checkReport(body, { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' }));
    // Assess: the date is refused by the schema (its format), not also as missing
    expect(fields.sort()).toEqual(['budgetExecutedThousandYen', 'milestones.0.date', 'status']);
  });

  it('names a list of milestones refused whole once, not each milestone in it again', () => {
    // Prepare: 51 milestones, one more than a report takes
    const body = { ...valid, milestones: Array.from({ length: 51 }, (_, i) => ({ milestoneId: `m${i + 1}`, progress: 'done' })) };
    // Act
    let fields: { field: string; ja: string }[] = [];
    try {
      checkReport(body, { plan, reporter: shokoKanko, quarter: 'FY2013-Q2' });
    } catch (error) {
      fields = (error as ReportInputError).fields;
    }
    // Assess
    expect(fields).toEqual([expect.objectContaining({ field: 'milestones', ja: 'スケジュールの進捗は 50 項目までです' })]);
  });

  it('says to a related department that sets a status, beside the fields the schema refuses, in the same answer', () => {
    // Prepare: 2-1-2's related 児童福祉課 comments, setting a status and 課題 it may not, with no person
    const reporter = { kaId: 'jido-fukushi', ka: '児童福祉課', bukai: '健康福祉専門部会' };
    const body = { ...valid, measureId: '2-1-2', status: '予定どおり', issues: '課題', milestones: [], budgetExecutedThousandYen: undefined, person: '' };
    // Act
    const fields = fieldsOf(() => checkReport(body, { plan, reporter, quarter: 'FY2013-Q2' }));
    // Assess
    expect(fields.sort()).toEqual(['issues', 'person', 'status']);
  });

  it('refuses an impossible date', () => {
    expect(fieldsOf(() => parseReportInput({ ...valid, milestones: [{ milestoneId: 'm1', progress: 'done', date: '2013-02-30' }] }))).toEqual([
      'milestones.0.date',
    ]);
  });

  it('measures a text after normalising it: a CRLF the form posts is one character, as the browser counted it', () => {
    // Prepare: 4000 characters as typed (20 lines), posted with CRLF line breaks, and a name with a trailing space
    const typed = Array.from({ length: 20 }, () => 'あ'.repeat(199)).join('\n');
    const posted = typed.replace(/\n/g, '\r\n');

    // Act
    const input = parseReportInput({ ...valid, narrative: posted, person: `${'山'.repeat(100)} ` });

    // Assess
    expect(typed).toHaveLength(3999);
    expect(input.narrative).toBe(typed);
    expect(fieldsOf(() => parseReportInput({ ...valid, narrative: `${typed}\r\nあい` }))).toEqual(['narrative']);
  });
});

describe('report input: wrong type versus missing', () => {
  it('says a wrong value is wrong, not missing', () => {
    try {
      parseReportInput({ ...valid, budgetExecutedThousandYen: 'たくさん' });
      expect.unreachable();
    } catch (error) {
      const [field] = (error as ReportInputError).fields;
      expect(field).toMatchObject({ field: 'budgetExecutedThousandYen' });
      expect(field?.ja).toContain('数値');
      expect(field?.ja).not.toContain('入力されていません');
      // The example says what to type for an amount in yen, as the English does
      expect(field?.ja).toContain('例: 12,345,000 円なら 12,345');
      expect(field?.en).toContain('e.g. 12,345 for ¥12,345,000');
    }
  });

  it('says a missing value is missing', () => {
    const { person: _, ...withoutPerson } = valid;
    try {
      parseReportInput(withoutPerson);
      expect.unreachable();
    } catch (error) {
      expect((error as ReportInputError).fields).toEqual([
        { field: 'person', ja: '報告者が入力されていません', en: 'reporting person is required' },
      ]);
    }
  });
});

describe('the 事業 and quarter a body names (read before it is validated)', () => {
  it('reads them as the schema does: full-width ids and 和暦 quarters', () => {
    // Prepare: bodies as people send them
    const bodies = [
      valid,
      { ...valid, measureId: '５－１－１', quarter: '平成25年度第2四半期' },
      { ...valid, measureId: ' 5ー1ー1 ', quarter: 'H25 Q2' },
      { ...valid, quarter: 'fy2013q2' },
    ];

    for (const body of bodies) {
      // Act
      const named = reportKeyOf(body);
      const parsed = parseReportInput(body);

      // Assess: the very keys the validated report is stored under
      expect(named).toEqual({ measureId: parsed.measureId, quarter: parsed.quarter });
    }
  });

  it('is nothing when either is missing or unreadable, whatever else the body holds', () => {
    expect(reportKeyOf(undefined)).toBeUndefined();
    expect(reportKeyOf('5-1-1')).toBeUndefined();
    expect(reportKeyOf({ quarter: 'FY2013-Q2' })).toBeUndefined();
    expect(reportKeyOf({ ...valid, measureId: 511 })).toBeUndefined();
    expect(reportKeyOf({ ...valid, measureId: '5-1' })).toBeUndefined();
    expect(reportKeyOf({ ...valid, quarter: '2013年第2四半期' })).toBeUndefined();
    expect(reportKeyOf({ ...valid, quarter: ['FY2013-Q2'] })).toBeUndefined();
  });
});
