/**
 * The web form without a browser: how the page is built from the plan and the last report, how a
 * submitted body becomes the API's ReportInput, and what the HTML says (labels, errors, escaping).
 */
import { createHash } from 'node:crypto';
import { plannedBudget } from '#shared/domain/compile';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Directory, Ka } from '#shared/domain/directory';
import type { Measure, PlanFile } from '#shared/domain/plan';
import { parseReportInput, ReportInputError, toSubmission } from '#shared/domain/report-input';
import { reportReference, type StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { controlId, pageHeaders, pageStyles, renderErrorPage, renderFormPage, renderReceiptPage, type FormPageModel, type MeasureForm } from '#shared/web/form-pages';
import {
  budgetLinesForYear,
  controlOf,
  emptyValues,
  FormBodyError,
  isIdempotencyKey,
  langOf,
  lastReportFor,
  measuresOfKa,
  readUrlEncoded,
  submittedForm,
  toReportInput,
  valuesFromReport,
} from '#shared/web/report-form';

let plan: PlanFile;
let directory: Directory;
let ka: Ka;
const measure = (id: string): Measure => plan.measures.find((m) => m.id === id)!;

beforeAll(async () => {
  plan = (await readPlanFile()).plan;
  directory = await readDirectoryFile();
  ka = directory.ka.find((k) => k.id === 'seikatsu-anzen')!;
});

function stored(overrides: Partial<StoredReport> & Pick<StoredReport, 'quarter' | 'version'>): StoredReport {
  const measureId = overrides.measureId ?? '3-1-3';
  return {
    measureId,
    kind: 'report',
    status: '予定どおり',
    milestones: [],
    narrative: '',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'seikatsu-anzen', ka: '生活安全課', bukai: '市民生活専門部会', person: '下野 花子' },
    reference: reportReference(measureId, overrides.quarter, overrides.version),
    channel: 'web',
    submittedAt: '2013-07-10T05:00:00.000Z',
    attachments: [],
    ...overrides,
  };
}

/** The ids of the visible controls, the `for` of the labels and every id on the page. */
function anatomy(page: string) {
  const controls = [...page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .map((m) => m[2]!)
    .filter((attrs) => !/type="hidden"/.test(attrs))
    .map((attrs) => ({ id: /\bid="([^"]+)"/.exec(attrs)?.[1], describedBy: /aria-describedby="([^"]+)"/.exec(attrs)?.[1] }));
  const labelled = new Set([...page.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
  const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  return { controls, labelled, ids };
}

describe('which 事業 a 課 sees, and what is pre-filled', () => {
  it('lists the 事業 the 課 owns and, apart, those it is related to', () => {
    // Act
    const { owned, related } = measuresOfKa(plan, ka);
    // Assess
    expect(owned.map((m) => m.id)).toEqual(['3-1-1', '3-1-3', '3-1-4', '3-1-5', '3-1-6']);
    expect(related.map((m) => m.id)).toEqual(['3-1-2', '5-4-1']);
  });

  it('pre-fills from the latest version of the quarter, else the latest earlier quarter; never a later quarter or a comment', () => {
    // Prepare
    const history = [
      stored({ quarter: 'FY2013-Q1', version: 1 }),
      stored({ quarter: 'FY2013-Q1', version: 2 }),
      stored({ quarter: 'FY2013-Q2', version: 1 }),
      stored({ quarter: 'FY2013-Q2', version: 2, kind: 'comment', status: undefined }),
      stored({ quarter: 'FY2013-Q3', version: 1 }),
    ];
    // Act / Assess
    expect(lastReportFor(history, 'FY2013-Q2')?.reference).toBe('FY2013-Q2-3-1-3-v1');
    expect(lastReportFor(history.slice(0, 2), 'FY2013-Q2')?.reference).toBe('FY2013-Q1-3-1-3-v2');
    expect(lastReportFor(history, 'FY2012-Q4')).toBeUndefined();
  });

  it('carries the executed budget over only within its fiscal year', () => {
    // Prepare
    const report = stored({
      quarter: 'FY2013-Q1',
      version: 1,
      budgetExecutedThousandYen: 500,
      milestones: [{ milestoneId: 'm2', progress: 'in_progress', date: '2013-05-01' }],
    });
    // Act
    const sameYear = valuesFromReport(report, 2013, 'seikatsu-anzen');
    const nextYear = valuesFromReport(report, 2014, 'seikatsu-anzen');
    // Assess
    expect(sameYear).toMatchObject({ status: '予定どおり', budgetExecutedThousandYen: '500', person: '下野 花子' });
    expect(sameYear.milestones.m2).toEqual({ progress: 'in_progress', date: '2013-05-01' });
    expect(nextYear.budgetExecutedThousandYen).toBe('');
    expect(valuesFromReport(undefined, 2013)).toEqual(emptyValues());
  });

  it("carries the person over from the same 課's report only, not from a co-owner's", () => {
    // Prepare: 生活安全課's report of a 事業 it owns with another 課
    const report = stored({ quarter: 'FY2013-Q1', version: 1 });
    // Act
    const own = valuesFromReport(report, 2013, 'seikatsu-anzen');
    const coOwner = valuesFromReport(report, 2013, 'somu');
    // Assess
    expect(own.person).toBe('下野 花子');
    expect(coOwner.person).toBe('');
    expect(coOwner.status).toBe('予定どおり');
  });

  it('shows the budget lines of the year only', () => {
    // Act
    const fy2012 = budgetLinesForYear(measure('3-1-1'), plan.plan.period, 2012).map((l) => l.key);
    const fy2013 = budgetLinesForYear(measure('3-1-1'), plan.plan.period, 2013).map((l) => l.key);
    // Assess
    expect(fy2012).toEqual(['①', '②']);
    expect(fy2013).toEqual(['①']);
  });

  it('shows a line of "3年間" in the plan\'s first three years only, as the compile plans it', () => {
    // Prepare: 1-2-1's ② (e-ラーニング導入費・機器更新費用) is planned for 3 of the 4 years.
    const keys = (fy: number) => budgetLinesForYear(measure('1-2-1'), plan.plan.period, fy).map((l) => l.key);
    // Act / Assess
    expect([2012, 2013, 2014, 2015].map(keys)).toEqual([['①', '②'], ['①', '②'], ['①', '②'], ['①']]);
    expect(plannedBudget(measure('1-2-1'), plan.plan.period, 2015).lines).toEqual(['①']);
  });

  it('reads the language from ?lang, Japanese unless English is asked for', () => {
    expect(langOf(undefined)).toBe('ja');
    expect(langOf({ lang: 'EN' })).toBe('en');
    expect(langOf({ lang: 'fr' })).toBe('ja');
  });
});

describe('reading a submitted form', () => {
  it('decodes an urlencoded body, the first value of a repeated name winning', () => {
    // Act
    const fields = readUrlEncoded('person=%E4%B8%8B%E9%87%8E+%E8%8A%B1%E5%AD%90&a=1&a=2&empty=&flag');
    // Assess
    expect(fields.get('person')).toBe('下野 花子');
    expect(fields.get('a')).toBe('1');
    expect(fields.get('empty')).toBe('');
    expect(fields.get('flag')).toBe('');
  });

  it('refuses broken percent-encoded UTF-8 instead of storing replacement characters', () => {
    // Act / Assess
    expect(() => readUrlEncoded('narrative=%E3%81')).toThrow(FormBodyError);
    expect(() => readUrlEncoded('narrative=%ZZ')).toThrow(FormBodyError);
  });

  it('accepts only keys that look like the page\'s own (UUIDs)', () => {
    expect(isIdempotencyKey('0b7f2d52-3c5e-4a53-9d8e-6f0d1c2b3a49')).toBe(true);
    expect(isIdempotencyKey('')).toBe(false);
    expect(isIdempotencyKey('x"><script>')).toBe(false);
  });

  it('maps the controls to the ReportInput the API takes, and the schema reads full-width digits and 和暦 dates', () => {
    // Prepare
    const body = new URLSearchParams({
      measureId: '3-1-3',
      idempotencyKey: 'k-0000-0000',
      status: '遅れ気味',
      'milestone.m1.progress': 'done',
      'milestone.m1.date': '平成25年3月29日',
      'milestone.m2.progress': 'in_progress',
      'milestone.m2.date': '2013/7/1',
      'milestone.m3.progress': '',
      budgetExecutedThousandYen: '１２，３４５',
      narrative: '進行中',
      issues: '調整中',
      nextSteps: '',
      person: '下野 花子',
      quarter: 'FY2015-Q4', // a forged quarter on the page is ignored: the link decides
    }).toString();
    const form = submittedForm(readUrlEncoded(body), measure('3-1-3'));
    // Act
    const { input, milestoneOrder } = toReportInput(form, { quarter: 'FY2013-Q2', role: 'owner', measure: measure('3-1-3') });
    const checked = toSubmission(parseReportInput(input), {
      plan,
      reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai },
      quarter: 'FY2013-Q2',
    });
    // Assess
    expect(milestoneOrder).toEqual(['m1', 'm2']);
    expect(input.quarter).toBe('FY2013-Q2');
    expect('submission' in checked && checked.submission).toMatchObject({
      measureId: '3-1-3',
      quarter: 'FY2013-Q2',
      kind: 'report',
      status: '遅れ気味',
      budgetExecutedThousandYen: 12345,
      milestones: [
        { milestoneId: 'm1', progress: 'done', date: '2013-03-29' },
        { milestoneId: 'm2', progress: 'in_progress', date: '2013-07-01' },
      ],
      reporter: { person: '下野 花子' },
    });
  });

  it('sends a related department\'s form as a comment: no status, milestones or budget', () => {
    // Prepare
    const form = submittedForm(readUrlEncoded('measureId=3-1-2&narrative=ok&person=a&issues=&nextSteps='), measure('3-1-2'));
    // Act
    const { input } = toReportInput(form, { quarter: 'FY2013-Q2', role: 'related', measure: measure('3-1-2') });
    // Assess
    expect(input).toEqual({ measureId: '3-1-2', quarter: 'FY2013-Q2', narrative: 'ok', person: 'a' });
  });

  it('passes on what a related department\'s request carries beyond the comment, so the submission refuses it rather than it being dropped', () => {
    // Prepare: a request the page cannot make (a related department's section has only the comment)
    const reporter = { kaId: ka.id, ka: ka.name, bukai: ka.bukai };
    const withStatus = submittedForm(readUrlEncoded('measureId=3-1-2&status=%E9%81%85%E5%BB%B6&narrative=ok&person=a'), measure('3-1-2'));
    const withOwnersFields = submittedForm(readUrlEncoded('measureId=3-1-2&narrative=ok&person=a&budgetExecutedThousandYen=120&issues=x&nextSteps=y'), measure('3-1-2'));
    // Act
    const status = toReportInput(withStatus, { quarter: 'FY2013-Q2', role: 'related', measure: measure('3-1-2') }).input;
    const owners = toReportInput(withOwnersFields, { quarter: 'FY2013-Q2', role: 'related', measure: measure('3-1-2') }).input;
    // Assess
    expect(status.status).toBe('遅延');
    const refusedFields = (input: typeof status) => {
      try {
        toSubmission(parseReportInput(input), { plan, reporter, quarter: 'FY2013-Q2' });
      } catch (error) {
        if (error instanceof ReportInputError) return error.fields.map((f) => f.field).sort();
        throw error;
      }
      return [];
    };
    expect(refusedFields(status)).toEqual(['status']);
    expect(refusedFields(owners)).toEqual(['budgetExecutedThousandYen', 'issues', 'nextSteps']);
  });

  it('places each field error next to its control, milestones by their id', () => {
    // Prepare
    const order = ['m2', 'm5'];
    // Act / Assess
    expect(controlOf({ field: 'milestones.1.date', ja: '', en: '' }, order)).toBe('milestone.m5.date');
    expect(controlOf({ field: 'milestones.0.milestoneId', ja: '', en: '' }, order)).toBe('milestone.m2.progress');
    expect(controlOf({ field: 'budgetExecutedThousandYen', ja: '', en: '' }, order)).toBe('budgetExecutedThousandYen');
    expect(controlOf({ field: 'quarter', ja: '', en: '' }, order)).toBe('form');
    expect(controlOf({ field: 'milestones.7.date', ja: '', en: '' }, order)).toBe('form');
  });

  it('gets the refusal of an empty status and a done milestone without a date back to those controls', () => {
    // Prepare
    const body = 'measureId=3-1-3&status=&milestone.m1.progress=done&person=a';
    const form = submittedForm(readUrlEncoded(body), measure('3-1-3'));
    const { input, milestoneOrder } = toReportInput(form, { quarter: 'FY2013-Q2', role: 'owner', measure: measure('3-1-3') });
    // Act
    let fields: { field: string }[] = [];
    try {
      toSubmission(parseReportInput(input), { plan, reporter: { kaId: ka.id, ka: ka.name, bukai: ka.bukai }, quarter: 'FY2013-Q2' });
    } catch (error) {
      if (error instanceof ReportInputError) fields = error.fields;
    }
    // Assess
    expect(fields.map((f) => controlOf(f as never, milestoneOrder)).sort()).toEqual(['milestone.m1.date', 'status']);
  });
});

describe('the form page', () => {
  const forms = (overrides: Partial<MeasureForm> = {}): FormPageModel => {
    const { owned, related } = measuresOfKa(plan, ka);
    return {
      lang: 'ja',
      ka: { name: ka.name, bukai: ka.bukai },
      quarter: 'FY2013-Q2',
      period: plan.plan.period,
      owned: owned.map((m, i) => ({ measure: m, role: 'owner', values: emptyValues(), idempotencyKey: `key-${i}-0000`, ...(m.id === '3-1-3' ? overrides : {}) })),
      related: related.map((m) => ({ measure: m, role: 'related', values: emptyValues(), idempotencyKey: 'key-r-0000' })),
    };
  };

  it('names the 課 that wrote the report a form is pre-filled from when it is another owner of the 事業', () => {
    // Prepare
    const last = { reference: 'FY2013-Q2-3-1-3-v1', quarter: 'FY2013-Q2', submittedAt: '2013-07-01T00:00:00.000Z' };
    // Act
    const byOther = renderFormPage(forms({ prefilledFrom: { ...last, by: '学校教育課' } }));
    const own = renderFormPage(forms({ prefilledFrom: last }));
    const en = renderFormPage({ ...forms({ prefilledFrom: { ...last, by: '学校教育課' } }), lang: 'en' });
    // Assess
    expect(byOther).toMatch(/前回の報告 \(受付番号 FY2013-Q2-3-1-3-v1、平成25年度 第2四半期[^、]*、学校教育課の報告\) の内容を表示しています。/);
    expect(own).toMatch(/前回の報告 \(受付番号 FY2013-Q2-3-1-3-v1、平成25年度 第2四半期[^、]*\) の内容を表示しています。/);
    expect(own).not.toContain('の報告) の内容');
    expect(en).toContain(', by 学校教育課). Change what is different and submit.');
  });

  it('says on a 事業 not scheduled in the link\'s fiscal year that its report is optional, and on no other', () => {
    // Act
    const page = renderFormPage(forms({ inScope: false }));
    const plain = renderFormPage(forms());
    // Assess
    const section = page.slice(page.indexOf('id="m-3-1-3"'), page.indexOf('</section>', page.indexOf('id="m-3-1-3"')));
    expect(section).toContain('この事業には平成25年度のスケジュールも予算もありません。報告は任意で、集計には含まれません。');
    expect(page.split('平成25年度のスケジュールも予算もありません')).toHaveLength(2);
    expect(plain).not.toContain('平成25年度のスケジュールも予算もありません');
  });

  it('says, above several 事業, that each is sent on its own and what is typed into the others is lost', () => {
    // Prepare
    const several = forms();
    const one = { ...several, owned: several.owned.slice(0, 1) };
    // Act
    const [page, single] = [renderFormPage(several), renderFormPage(one)];
    // Assess
    expect(several.owned.length).toBeGreaterThan(1);
    expect(page).toContain('送信は事業ごとです。');
    expect(page.indexOf('送信は事業ごとです。')).toBeLessThan(page.indexOf('id="m-3-1-1"'));
    expect(single).not.toContain('送信は事業ごとです。');
  });

  it('labels every control, points every aria-describedby at an element, and uses unique ids', () => {
    // Act
    const page = renderFormPage(forms());
    const { controls, labelled, ids } = anatomy(page);
    // Assess
    expect(controls.length).toBeGreaterThan(50);
    for (const control of controls) {
      expect(control.id && labelled.has(control.id), `label for ${control.id}`).toBe(true);
      for (const ref of control.describedBy?.split(' ') ?? []) expect(ids, `describedby ${ref}`).toContain(ref);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is Japanese, names the quarter in 和暦 and Western form, and shows each 事業 with its milestones and budget', () => {
    // Act
    const page = renderFormPage(forms());
    // Assess
    expect(page).toMatch(/^<!doctype html>\n<html lang="ja">/);
    expect(page).toContain('平成25年度 第2四半期 (2013年7月–9月)');
    expect(page).toContain('FY2013 Q2 (Jul–Sep 2013)');
    expect(page).toContain('<form method="post" action="?lang=ja"');
    expect(page).toContain('name="idempotencyKey" value="key-1-0000"');
    expect(page).toContain('移動系無線システムの配備'); // 3-1-1's milestone, span inferred
    expect(page).toContain('期間は推定');
    expect(page).toContain('<span class="badge now">平成25年度に実施</span>');
    expect(page).toContain('防災情報伝達システム保守業務委託 6,090');
    expect(page).not.toContain('移動系デジタル無線機整備 10,000'); // an FY2012-only budget line
    expect(page).toContain('<option value="遅延">遅延</option>');
    expect(page).toContain('href="?lang=en"');
    // the related 事業 has a comment form without a status
    const related = page.slice(page.indexOf('id="m-3-1-2"'));
    expect(related).toContain('意見');
    expect(related).not.toContain('name="status"');
  });

  it('escapes what a person typed and shows the pre-filled values selected', () => {
    // Prepare
    const evil = '"><script>alert(1)</script>';
    const values = { ...emptyValues(), status: '遅延', narrative: `</textarea>${evil}`, person: evil, milestones: { m2: { progress: 'done', date: '2013-07-01' } } };
    // Act
    const page = renderFormPage(forms({ values }));
    // Assess
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('</textarea><');
    expect(page).toContain('&lt;/textarea&gt;&quot;&gt;&lt;script&gt;');
    expect(page).toContain('<option value="遅延" selected>');
    expect(page).toMatch(/id="m-3-1-3-milestone-m2-progress"[^>]*>[\s\S]*?<option value="done" selected>/);
    expect(page).toContain('value="2013-07-01"');
  });

  it('shows each refusal next to its control, linked by aria-describedby, with a summary linking to it', () => {
    // Prepare
    const errors = {
      message: { ja: '入力内容に誤りがあります', en: 'the report has errors' },
      fields: [
        { field: 'budgetExecutedThousandYen', ja: '数値で入力してください', en: 'must be a number' },
        { field: 'milestones.0.date', ja: '完了した項目には完了日が必要です', en: 'a done milestone needs its date' },
      ],
      milestoneOrder: ['m4'],
    };
    // Act
    const page = renderFormPage(forms({ errors }));
    // Assess
    const budgetId = controlId('3-1-3', 'budgetExecutedThousandYen');
    const dateId = controlId('3-1-3', 'milestone.m4.date');
    expect(page).toContain(`<p class="error" id="${budgetId}-error">`);
    expect(page).toMatch(new RegExp(`id="${budgetId}"[^>]*aria-describedby="${budgetId}-hint ${budgetId}-error" aria-invalid="true"`));
    expect(page).toMatch(new RegExp(`id="${dateId}"[^>]*aria-describedby="m-3-1-3-date-hint ${dateId}-error" aria-invalid="true"`));
    expect(page).toContain(`<a href="#${dateId}">`);
    expect(page).toContain('must be a number');
    expect(page).toMatch(/<title>エラー: /);
  });

  it('puts the focus on what was refused as the page loads: the refused 事業\'s summary, or the page\'s own error', () => {
    // Prepare
    const errors = {
      message: { ja: '入力内容に誤りがあります', en: 'the report has errors' },
      fields: [{ field: 'issues', ja: '課題を記入してください', en: 'issues are required' }],
      milestoneOrder: [],
    };
    // Act
    const refused = renderFormPage(forms({ errors }));
    const pageError = renderFormPage({ ...forms(), notice: { kind: 'error', message: { ja: '受け付けられませんでした', en: 'not recorded' } } });
    const untouched = renderFormPage(forms());
    // Assess
    expect(refused.match(/\bautofocus\b/g)).toHaveLength(1);
    expect(refused).toMatch(/<div class="error-summary" role="alert" aria-labelledby="m-3-1-3-errors-title" tabindex="-1" autofocus>/);
    expect(pageError.match(/\bautofocus\b/g)).toHaveLength(1);
    expect(pageError).toMatch(/<div class="error-summary" role="alert" tabindex="-1" autofocus><h2>入力内容を確認してください<\/h2>/);
    expect(untouched).not.toContain('autofocus');
  });

  it('in English keeps the plan\'s Japanese words marked as Japanese', () => {
    // Act
    const page = renderFormPage({ ...forms(), lang: 'en' });
    // Assess
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain('<span lang="ja">緊急時防災情報の拡充</span>');
    expect(page).toContain('Overall status');
    expect(page).toContain('delayed (遅延)');
    expect(page).toContain('action="?lang=en"');
  });

  it('lets a budget table\'s column heads wrap, so the English page fits a 320 px screen; only the amounts stay on one line', () => {
    // Assess
    expect(pageStyles).toContain('td.num{white-space:nowrap}');
    expect(pageStyles).not.toMatch(/th\.num[^{]*\{[^}]*nowrap/);
  });

  it('names the fiscal year of the quarter reported in the 執行額 label, not "this" year: FY2013-Q4 is reported in April 2014', () => {
    // Act
    const ja = renderFormPage({ ...forms(), quarter: 'FY2013-Q4' });
    const en = renderFormPage({ ...forms(), quarter: 'FY2013-Q4', lang: 'en' });
    // Assess
    const budgetId = controlId('3-1-3', 'budgetExecutedThousandYen');
    expect(ja).toContain(`<label for="${budgetId}">平成25年度の執行額 (千円)</label>`);
    expect(en).toContain(`<label for="${budgetId}">Budget executed in FY2013 (thousand yen)</label>`);
    expect(ja).not.toContain('今年度');
    expect(en).not.toContain('this fiscal year');
    expect(en).not.toContain('this year');
  });

  it('allows exactly its own inline styles in the Content-Security-Policy, and no script', () => {
    // Act
    const page = renderFormPage(forms());
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    // Assess
    expect(style).toBe(pageStyles);
    const hash = createHash('sha256').update(style).digest('base64');
    expect(pageHeaders['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(pageHeaders['content-security-policy']).toContain("default-src 'none'");
    expect(page).not.toContain('<script');
    expect(pageHeaders['referrer-policy']).toBe('no-referrer');
    expect(pageHeaders['cache-control']).toBe('no-store');
  });
});

describe('the receipt and the error page', () => {
  it('shows the 受付番号 and what was recorded, escaped', () => {
    // Prepare
    const report = stored({
      quarter: 'FY2013-Q2',
      version: 2,
      supersedes: 1,
      narrative: '<img src=x onerror=alert(1)>',
      budgetExecutedThousandYen: 12345,
      milestones: [{ milestoneId: 'm2', progress: 'in_progress', date: '2013-07-01' }],
    });
    // Act
    const page = renderReceiptPage({ lang: 'ja', ka, measure: measure('3-1-3'), report, duplicate: true });
    // Assess
    expect(page).toContain('data-reference="FY2013-Q2-3-1-3-v2"');
    expect(page).toContain('第2版 (第1版を訂正)');
    expect(page).toContain('<dt>平成25年度の執行額 (千円)</dt><dd>12,345');
    // A date as the 受付日時 beside it is written: in 和暦 on the Japanese page, ISO on the English one
    expect(page).toContain('情報提供範囲の検討: 実施中 (平成25年7月1日)');
    expect(renderReceiptPage({ lang: 'en', ka, measure: measure('3-1-3'), report, duplicate: true })).toContain(': in progress (2013-07-01)');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
    expect(page).toContain('既に受け付けています');
    expect(page).toContain('平成25年7月10日 14:00');
    expect(page).toContain('href="?lang=ja#m-3-1-3"');
  });

  it('says what went wrong in both languages, each marked with its language', () => {
    // Act
    const page = renderErrorPage({
      lang: 'en',
      status: 401,
      title: { ja: 'このリンクは使えません', en: 'This link cannot be used' },
      message: { ja: 'リンクの有効期限が切れています', en: 'the link has expired' },
    });
    // Assess
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain('<div lang="en">\n<h2>This link cannot be used</h2>');
    expect(page).toContain('<div lang="ja">\n<h2>このリンクは使えません</h2>');
    expect(page.indexOf('lang="en">\n<h2>')).toBeLessThan(page.indexOf('lang="ja">\n<h2>'));
    expect(page).toContain('HTTP 401');
  });
});
