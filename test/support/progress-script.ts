/**
 * Scripted progress reports over several quarters of the real 下野市 plan, for the dashboard, public
 * page and open data tests: statuses of every kind, milestones done / in progress / overdue, budget
 * amounts, corrections (version 2), related departments' comments, 未報告 事業, and narratives with
 * Japanese, commas, quotes, line breaks and a leading "=". Fields that must never be public carry
 * canary values, so a test can prove they appear nowhere in the public output.
 */
import { plannedBudget } from '#shared/domain/compile';
import type { Directory } from '#shared/domain/directory';
import { findKa } from '#shared/domain/ownership';
import { parseQuarter, quarterRange } from '#shared/domain/fiscal';
import type { PlanFile } from '#shared/domain/plan';
import { reportReference, type ReportStatus, type ReportSubmission, type StoredReport } from '#shared/domain/report';

/** Values planted in internal fields; none may reach a public page or file. */
export const canaries = {
  person: 'カナリア太郎CANARYPERSON',
  issues: '内部課題CANARYISSUE',
  nextSteps: '未決定の予定CANARYNEXT',
  comment: '関連部署の意見CANARYCOMMENT',
} as const;

const statusCycle: readonly ReportStatus[] = ['予定どおり', '予定どおり', '遅れ気味', '予定どおり', '遅延', '完了', '予定どおり', '未着手', '遅れ気味', '予定どおり'];

/** A submission and the channel and order it arrives in. */
export interface ScriptedSubmission {
  submission: ReportSubmission;
  /** When it was submitted (inside its quarter, after its predecessors). */
  at: Date;
  idempotencyKey: string;
}

/** The narrative of a 事業 in a quarter: plain, or with the characters CSV must survive. */
export function scriptedNarrative(index: number, measureName: string, quarter: string): string {
  if (index === 2) return '=SUM(A1:A9) と入力された報告: 数式として実行されないこと';
  if (index % 4 === 0) return `${measureName}について、${quarter}の取組を進めました。\n説明会を2回開催し、"市民向け講座"を実施 (参加者 1,234人)。`;
  return `${measureName}: 計画どおり実施中 (${quarter})`;
}

/**
 * Reports for `quarters` (canonical, in order) over every 事業 of the plan. Deterministic: the same
 * plan and quarters give the same script.
 */
export function scriptedSubmissions(plan: PlanFile, directory: Directory, quarters: readonly string[]): ScriptedSubmission[] {
  const out: ScriptedSubmission[] = [];
  quarters.forEach((quarter, q) => {
    const fq = parseQuarter(quarter);
    const start = quarterRange(fq).start.getTime();
    const last = q === quarters.length - 1;
    plan.measures.forEach((measure, i) => {
      // Some 事業 do not report: more of them in the newest quarter (the one being chased).
      if ((i + q) % 9 === 0 || (last && i % 5 === 3)) return;
      const owner = measure.owners.map((o) => findKa(directory, o)).find((k) => k !== undefined);
      if (!owner) return;
      const status = statusCycle[(i * 7 + q) % statusCycle.length]!;
      const planned = plannedBudget(measure, plan.plan.period, fq.fiscalYear).plannedThousandYen;
      const milestones = measure.milestones.map((m, k) => {
        // Every seventh 事業 leaves a step that has run out open: it becomes overdue.
        const lagging = i % 7 === 0 && k === 0;
        const progress: 'done' | 'in_progress' | 'not_started' =
          m.fiscalYears.to < fq.fiscalYear && !lagging ? 'done' : m.fiscalYears.from <= fq.fiscalYear ? 'in_progress' : 'not_started';
        return progress === 'not_started'
          ? { milestoneId: m.id, progress }
          : { milestoneId: m.id, progress, date: `${m.fiscalYears.from}-04-01` };
      });
      const submission: ReportSubmission = {
        measureId: measure.id,
        quarter,
        kind: 'report',
        status,
        milestones,
        // Part of the year's plan spent by the quarter's end; some 事業 do not say.
        ...(i % 3 === 1 || planned === null ? {} : { budgetExecutedThousandYen: Math.round((planned * fq.quarter * (0.7 + (i % 4) * 0.08)) / 4) }),
        narrative: scriptedNarrative(i, measure.name, quarter),
        issues: `${canaries.issues} (${measure.id})`,
        nextSteps: `${canaries.nextSteps} (${measure.id})`,
        reporter: { kaId: owner.id, ka: owner.name, bukai: owner.bukai, person: canaries.person },
      };
      out.push({ submission, at: new Date(start + (10 + i) * 3_600_000), idempotencyKey: `script-${quarter}-${measure.id}-v1` });
      if (last && i % 6 === 1) {
        out.push({
          submission: { ...submission, status: '遅延', narrative: `訂正: ${submission.narrative}` },
          at: new Date(start + (200 + i) * 3_600_000),
          idempotencyKey: `script-${quarter}-${measure.id}-v2`,
        });
      }
      if (measure.related.length > 0) {
        const commenter = directory.ka.find((k) => !measure.owners.some((o) => o.ka === k.name && o.bukai === k.bukai))!;
        out.push({
          submission: {
            measureId: measure.id,
            quarter,
            kind: 'comment',
            milestones: [],
            narrative: `${canaries.comment} (${measure.id})`,
            issues: '',
            nextSteps: '',
            reporter: { kaId: commenter.id, ka: commenter.name, bukai: commenter.bukai, person: canaries.person },
          },
          at: new Date(start + (300 + i) * 3_600_000),
          idempotencyKey: `script-${quarter}-${measure.id}-comment`,
        });
      }
    });
  });
  return out;
}

/** The submissions as the store would hold them (versions numbered per 事業 and quarter), for pure tests. */
export function asStoredReports(script: readonly ScriptedSubmission[]): StoredReport[] {
  const latest = new Map<string, { version: number; latestReport?: number }>();
  return script.map(({ submission, at }) => {
    const key = `${submission.measureId}#${submission.quarter}`;
    const before = latest.get(key);
    const version = (before?.version ?? 0) + 1;
    const latestReport = before?.latestReport;
    latest.set(key, { version, latestReport: submission.kind === 'report' ? version : latestReport });
    return {
      ...submission,
      version,
      // As the store numbers them: a report corrects the owner's latest report, comments in between or
      // not; a comment corrects nothing and names the report it followed.
      ...(latestReport === undefined ? {} : submission.kind === 'report' ? { supersedes: latestReport } : { followsReport: latestReport }),
      reference: reportReference(submission.measureId, submission.quarter, version),
      channel: 'web',
      submittedAt: at.toISOString(),
      attachments: [],
    };
  });
}
