/**
 * Another city's plan (桜台市, a 令和 plan for FY2019–FY2023; test/support/other-city): the dashboard,
 * the form pages and the 進捗管理シート name that city, its plan and its period, never the embedded
 * plan's (下野市, 平成24〜27年度); and a 事業 without スケジュール is accepted and shown.
 */
import ExcelJS from 'exceljs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileQuarter } from '#shared/domain/compile';
import type { Directory } from '#shared/domain/directory';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import type { StoredReport } from '#shared/domain/report';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { planQuarters } from '#shared/progress-snapshot';
import { buildProgressSheet } from '#shared/sheet/export';
import { sheetName } from '#shared/sheet/layout';
import { viewOptionsOf } from '#shared/web/dashboard/frame';
import { renderMeasureHistory } from '#shared/web/dashboard/measure-page';
import type { CompiledStatus, DashboardData } from '#shared/web/dashboard/model';
import { renderDashboard } from '#shared/web/dashboard/page';
import { renderErrorPage, renderFormPage, renderReceiptPage, type FormPageModel } from '#shared/web/form-pages';
import { valuesFromReport } from '#shared/web/report-form';

const planPath = fileURLToPath(new URL('../support/other-city/plan.json', import.meta.url));
const directoryPath = fileURLToPath(new URL('../support/other-city/directory.json', import.meta.url));
const foreign = /下野|Shimotsuke|平成24〜27|FY2012–FY2015|2013-07-01|平成25年/;

let plan: PlanFile;
let directory: Directory;

beforeAll(async () => {
  ({ plan } = await readPlanFile(planPath));
  directory = await readDirectoryFile(directoryPath);
});

function dashboardData(p: PlanFile, quarter: string, reports: StoredReport[] = []): DashboardData {
  const compiled = new Map<string, CompiledStatus>([[quarter, compileQuarter({ plan: p, quarter, reports })]]);
  return { plan: p, directory, quarter, planQuarters: planQuarters(p), compiled, reports, now: new Date('2020-10-05T00:00:00Z') };
}

function formModel(p: PlanFile, quarter: string, measureIds: string[]): FormPageModel {
  const fiscalYear = Number(quarter.slice(2, 6));
  return {
    lang: 'ja',
    ka: { name: '学校教育課', bukai: '教育部会' },
    quarter,
    period: p.plan.period,
    plan: p.plan,
    owned: p.measures
      .filter((m) => measureIds.includes(m.id))
      .map((measure) => ({ measure, role: 'owner' as const, values: valuesFromReport(undefined, fiscalYear), idempotencyKey: '00000000-0000-4000-8000-000000000000' })),
    related: [],
  };
}

function report(measureId: string, quarter: string): StoredReport {
  return {
    measureId,
    quarter,
    kind: 'report',
    status: '予定どおり',
    milestones: [],
    narrative: '検討を進めています。',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'shimin-ka', ka: '市民課', bukai: '市民生活部会', person: '田中' },
    version: 1,
    submittedAt: '2020-07-10T05:00:00.000Z',
    channel: 'web',
    reference: `R-${measureId}-${quarter}`,
    attachments: [],
  } as StoredReport;
}

describe('another city\'s plan', () => {
  it('the dashboard names the plan\'s city, title and period (和暦 and FY), not the embedded plan\'s', () => {
    // Prepare
    const data = dashboardData(plan, 'FY2020-Q2');
    // Act
    const ja = renderDashboard(data, viewOptionsOf({}), { base: '/dashboard/t' });
    const en = renderDashboard(data, viewOptionsOf({ lang: 'en' }), { base: '/dashboard/t' });
    const history = renderMeasureHistory(
      { plan, measure: plan.measures[0]!, quarter: 'FY2020-Q2', planQuarters: planQuarters(plan), statusByQuarter: new Map(), reports: [], now: new Date('2020-10-05T00:00:00Z') },
      viewOptionsOf({}),
      { base: '/dashboard/t' },
    );
    // Assess
    for (const page of [ja, en, history]) expect(page).not.toMatch(foreign);
    // The title begins with the city's name: not written twice
    for (const page of [ja, en, history]) expect(page).not.toContain('桜台市 桜台市');
    expect(ja).toContain('工程 (令和元年度〜令和5年度)');
    expect(en).toContain('Milestones (FY2019–FY2023)');
    expect(ja).toContain('<footer><p>桜台市DX推進計画 進捗管理');
    expect(en).toContain('桜台市DX推進計画');
    expect(history).toContain('<footer><p>桜台市DX推進計画 進捗管理');
  });

  it('the form, receipt and error pages name the plan (or the product when no plan is at hand); the date examples are in the link\'s quarter', () => {
    // Prepare
    const model = formModel(plan, 'FY2020-Q2', ['3-1-1']);
    // Act
    const form = renderFormPage(model);
    const en = renderFormPage({ ...model, lang: 'en' });
    const receipt = renderReceiptPage({ lang: 'ja', ka: { name: '市民課' }, measure: plan.measures[1]!, report: report('1-2-1', 'FY2020-Q2'), duplicate: false, plan: plan.plan });
    const error = renderErrorPage({ lang: 'ja', status: 404, title: { ja: '見つかりません', en: 'Not found' }, message: { ja: 'なし', en: 'none' } });
    // Assess
    for (const page of [form, en, receipt, error]) expect(page).not.toMatch(foreign);
    expect(form).toContain('例: 2020-07-01 (令和2年7月1日)');
    expect(en).toContain('e.g. 2020-07-01 (令和2年7月1日)');
    expect(form).toContain('placeholder="2020-07-01"');
    expect(form).toContain('<footer><p>桜台市DX推進計画 進捗管理');
    expect(receipt).toContain('<footer><p>桜台市DX推進計画 進捗管理');
    expect(error).toContain('<footer><p>進捗管理 (shinchoku)');
  });

  it('the 進捗管理シート title names the plan, not 地域情報化計画', async () => {
    // Act
    const sheet = await buildProgressSheet({
      plan,
      directory,
      scope: { kind: 'bukai', id: 'kyoiku' },
      quarter: 'FY2020-Q2',
      lastReports: new Map(),
      secret: 'test-link-secret-0123456789abcdef0123456789',
      now: new Date('2020-07-01T00:00:00Z'),
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    const title = String(workbook.getWorksheet(sheetName)!.getCell('A1').value);
    // Assess
    expect(title).toBe('進捗管理シート (桜台市DX推進計画 進捗状況調査)');
    expect(title).not.toMatch(/下野|地域情報化計画/);
  });
});

describe('a 事業 without スケジュール', () => {
  let bare: PlanFile;

  beforeAll(() => {
    const raw = JSON.parse(JSON.stringify(plan)) as { measures: { id: string; milestones?: unknown }[] };
    raw.measures.find((m) => m.id === '1-2-1')!.milestones = [];
    delete raw.measures.find((m) => m.id === '2-1-1')!.milestones;
    bare = PlanFileSchema.parse(raw);
  });

  it('is accepted, an omitted list read as empty', () => {
    // Assess
    expect(bare.measures.find((m) => m.id === '1-2-1')!.milestones).toEqual([]);
    expect(bare.measures.find((m) => m.id === '2-1-1')!.milestones).toEqual([]);
  });

  it('compiles, and shows on the dashboard, its history page, the form and the receipt', () => {
    // Prepare
    const reports = [report('1-2-1', 'FY2020-Q2')];
    const measure = bare.measures.find((m) => m.id === '1-2-1')!;
    // Act
    const compiled = compileQuarter({ plan: bare, quarter: 'FY2020-Q2', reports });
    const dashboard = renderDashboard(dashboardData(bare, 'FY2020-Q2', reports), viewOptionsOf({}), { base: '/dashboard/t' });
    const history = renderMeasureHistory(
      { plan: bare, measure, quarter: 'FY2020-Q2', planQuarters: planQuarters(bare), statusByQuarter: new Map(), reports, now: new Date('2020-10-05T00:00:00Z') },
      viewOptionsOf({}),
      { base: '/dashboard/t' },
    );
    const form = renderFormPage(formModel(bare, 'FY2020-Q2', ['1-2-1']));
    const receipt = renderReceiptPage({ lang: 'ja', ka: { name: '市民課' }, measure, report: reports[0]!, duplicate: false, plan: bare.plan });
    // Assess
    const status = compiled.measures.find((m) => m.measureId === '1-2-1')!;
    expect(status).toMatchObject({ reportStatus: '予定どおり', colour: 'green', overdueMilestones: [] });
    expect(dashboard).toContain('1-2-1');
    expect(history).toContain(measure.name);
    expect(form).toContain('name="measureId" value="1-2-1"');
    expect(form).toContain('計画にスケジュール項目はありません');
    expect(form).not.toContain('id="m-1-2-1-date-hint"');
    expect(receipt).toContain('1-2-1');
  });

  it('gets its row in the 進捗管理シート', async () => {
    // Act
    const sheet = await buildProgressSheet({
      plan: bare,
      directory,
      scope: { kind: 'bukai', id: 'shimin' },
      quarter: 'FY2020-Q2',
      lastReports: new Map(),
      secret: 'test-link-secret-0123456789abcdef0123456789',
      now: new Date('2020-07-01T00:00:00Z'),
    });
    // Assess
    expect(sheet.rows.map((r) => r.measureId)).toEqual(['1-2-1', '2-1-1']);
  });
});
