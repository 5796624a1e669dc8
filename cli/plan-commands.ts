/** `shinchoku plan export|lint|schema` and `shinchoku directory lint`. */
import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import { DirectorySchema } from '#shared/domain/directory';
import { describeUnroutableOwner, unroutableOwners } from '#shared/domain/ownership';
import type { Defect } from '#shared/domain/plan-lint';
import { describeSchemaIssues, formatPath, lintPlan } from '#shared/domain/plan-lint';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import { defaultDirectoryPath, defaultPlanPath, readJsonFileWithLines, readPlanFile } from '#shared/plan-file';
import { UsageError, type Output } from './output.ts';

export const csvColumns = [
  'id',
  'goalId',
  'areaId',
  'goal',
  'area',
  'name',
  'owners',
  'related',
  'milestones',
  'plannedTotalThousandYen',
  'statedFormula',
  'budgetLines',
  'page',
] as const;

const span = (s: { from: number; to: number }) => (s.from === s.to ? `FY${s.from}` : `FY${s.from}-FY${s.to}`);

/** One row per 事業; lists inside a cell are separated by "; " so the file opens flat in Excel. */
export function planToCsv(plan: PlanFile, { bom = false } = {}): string {
  const goals = new Map(plan.goals.map((g) => [g.id, g]));
  const areas = new Map(plan.goals.flatMap((g) => g.areas.map((a) => [a.id, a])));
  const rows = plan.measures.map((m) => ({
    id: m.id,
    goalId: m.goalId,
    areaId: m.areaId,
    goal: goals.get(m.goalId)?.title ?? '',
    area: areas.get(m.areaId)?.title ?? '',
    name: m.name,
    owners: m.owners.map((o) => `${o.bukai}/${o.ka}`).join('; '),
    related: m.related.map((o) => (o.bukai ? `${o.bukai}/${o.ka}` : o.ka)).join('; '),
    milestones: m.milestones
      .map((ms) => `${ms.id} ${ms.label} (${span(ms.fiscalYears)}${ms.inferred ? ', inferred' : ''})`)
      .join('; '),
    plannedTotalThousandYen: m.budget.plannedTotalThousandYen ?? '',
    statedFormula: m.budget.statedFormula ?? '',
    budgetLines: m.budget.lines
      .map((l) => `${l.key} ${l.annualThousandYen}×${l.years}${l.restriction ? ` (${l.restriction})` : ''}`)
      .join('; '),
    page: m.page ?? '',
  }));
  // Quoted wherever a line break is (a name or label may have one): Excel ends a row at a bare LF too.
  const csv = stringify(rows, { header: true, columns: [...csvColumns], record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  return bom ? `\uFEFF${csv}` : csv;
}

export async function planExport(
  args: { format: string; plan?: string; bom?: boolean },
  out: Output,
): Promise<number> {
  const { plan } = await readPlanFile(args.plan ?? defaultPlanPath);
  if (args.format === 'json') out.data(JSON.stringify(plan, null, 2));
  else if (args.format === 'csv') out.data(planToCsv(plan, { bom: args.bom }));
  else throw new UsageError(`--format は json か csv です (指定: ${args.format})`, `--format must be json or csv (got ${args.format})`);
  return 0;
}

export function formatDefect(d: Defect, line?: number): string {
  const where = d.measureId ? `事業 ${d.measureId}` : '(計画全体 / plan)';
  // A defect of the whole file (not an object) has no path to name.
  const at = d.path ? `  (${d.path}${line === undefined ? '' : `, line ${line}`})` : '';
  return `${where}${line === undefined || !d.path ? '' : ` ${line} 行目`}  [${d.kind}] ${d.ja}\n    ${d.en}${at}`;
}

/** Exit status 0 when clean, 1 when the plan has defects (schema or arithmetic). */
export async function planLint(file: string | undefined, out: Output): Promise<number> {
  const path = file ?? defaultPlanPath;
  const { value, lineOf } = await readJsonFileWithLines(path);
  const { plan, defects } = lintPlan(value);
  for (const d of defects) out.data(formatDefect(d, lineOf(d.path)));
  const measures = plan ? `${plan.measures.length} 事業` : '形式エラーのため未集計';
  const measuresEn = plan ? `${plan.measures.length} measures` : 'arithmetic not checked: the file does not match its schema';
  if (defects.length === 0) out.info(`${path}: 問題なし (${measures})`, `${path}: no defects (${measuresEn})`);
  else out.info(`${path}: ${defects.length} 件の問題 (${measures})`, `${path}: ${defects.length} defect(s) (${measuresEn})`);
  return defects.length === 0 ? 0 : 1;
}

export function planJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(PlanFileSchema, { io: 'input', unrepresentable: 'any' }), null, 2);
}

export async function directoryLint(file: string | undefined, planFile: string | undefined, out: Output): Promise<number> {
  const path = file ?? defaultDirectoryPath;
  const { value: input, lineOf } = await readJsonFileWithLines(path);
  const parsed = DirectorySchema.safeParse(input);
  if (!parsed.success) {
    for (const { path: at, ja, en } of describeSchemaIssues(DirectorySchema, input, parsed.error)) {
      const place = formatPath(at);
      const line = place ? lineOf(place) : undefined;
      out.data(`${place || '(名簿全体 / directory)'}${line === undefined ? '' : ` (${line} 行目 / line ${line})`}  [schema] 形式の誤り: ${ja}\n    schema: ${en}`);
    }
    out.info(`${path}: 名簿の形式に誤りがあります`, `${path}: the directory does not match its schema`);
    return 1;
  }
  const planPath = planFile ?? defaultPlanPath;
  const { plan } = await readPlanFile(planPath);
  // The two are stored under the plan's tenant: a directory of another one is refused when loaded. Its
  // owners are then not checked either: every 事業 of another city's plan would be listed as unreachable.
  if (parsed.data.tenant !== plan.plan.tenant) {
    out.data(
      `名簿のテナント "${parsed.data.tenant}" が計画 ${planPath} のテナント "${plan.plan.tenant}" と異なります。この名簿の計画を --plan で指定してください / ` +
        `the directory's tenant "${parsed.data.tenant}" is not that of the plan ${planPath} ("${plan.plan.tenant}"); give this directory's plan with --plan`,
    );
    out.info(`${path}: 1 件の問題`, `${path}: 1 defect(s)`);
    return 1;
  }
  const missing = unroutableOwners(parsed.data, plan);
  for (const owner of missing) {
    const { ja, en } = describeUnroutableOwner(parsed.data, owner);
    out.data(`${ja}\n    ${en}`);
  }
  const defects = missing.length;
  if (defects === 0) out.info(`${path}: 問題なし`, `${path}: no defects`);
  else out.info(`${path}: ${defects} 件の問題`, `${path}: ${defects} defect(s)`);
  return defects === 0 ? 0 : 1;
}
