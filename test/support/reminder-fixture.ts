/**
 * A small plan and directory for the reminder rules: two 部会 (kikaku, somu), three 課, three 事業 — one of
 * them (1-1-2) owned by 課 of both 部会 — and milestones on both sides of a fiscal-year boundary.
 */
import { DirectorySchema, type Directory } from '#shared/domain/directory';
import { PlanFileSchema, type PlanFile } from '#shared/domain/plan';
import { reportReference, type StoredReport } from '#shared/domain/report';

export const fixturePlan: PlanFile = PlanFileSchema.parse({
  plan: { id: 'test-plan', tenant: 'shimotsuke', municipality: '下野市', title: '下野市テスト計画', version: '2012-03', period: { from: 2012, to: 2013 } },
  goals: [{ id: '1', title: '目標', areas: [{ id: '1-1', title: '分野' }] }],
  measures: [
    {
      id: '1-1-1',
      goalId: '1',
      areaId: '1-1',
      name: '市内ネットワークの利用促進',
      summary: '概要',
      owners: [{ bukai: '企画専門部会', ka: '総合政策課' }],
      milestones: [
        { id: 'm1', label: '利用状況の調査', fiscalYears: { from: 2012, to: 2012 } },
        { id: 'm2', label: '利用促進策の実施', fiscalYears: { from: 2013, to: 2013 }, inferred: true, inferenceReason: '年度欄が判読できないため' },
      ],
      budget: { plannedTotalThousandYen: null },
    },
    {
      id: '1-1-2',
      goalId: '1',
      areaId: '1-1',
      name: '事業継続計画の策定',
      summary: '概要',
      owners: [
        { bukai: '企画専門部会', ka: '総合政策課' },
        { bukai: '総務専門部会', ka: '総務課' },
      ],
      milestones: [{ id: 'm1', label: 'BCP策定', fiscalYears: { from: 2012, to: 2013 } }],
      budget: { plannedTotalThousandYen: null },
    },
    {
      id: '1-1-3',
      goalId: '1',
      areaId: '1-1',
      name: '電子申請の拡充',
      summary: '概要',
      owners: [{ bukai: '企画専門部会', ka: '情報政策課' }],
      milestones: [{ id: 'm1', label: '周知の徹底', fiscalYears: { from: 2012, to: 2013 } }],
      budget: { plannedTotalThousandYen: null },
    },
  ],
});

export const fixtureDirectory: Directory = DirectorySchema.parse({
  tenant: 'shimotsuke',
  mailDomain: 'shimotsuke.example',
  sender: 'shinchoku@shimotsuke.example',
  replyLocalPart: 'progress',
  secretariat: { kaId: 'sogo-seisaku', name: '地域情報化計画 事務局 (総合政策課)', email: 'secretariat@shimotsuke.example' },
  bukai: [
    { id: 'kikaku', name: '企画専門部会', chair: { name: '企画専門部会長', email: 'kikaku-chair@shimotsuke.example' }, emails: ['bukai-kikaku@shimotsuke.example'] },
    { id: 'somu', name: '総務専門部会', chair: { name: '総務専門部会長', email: 'somu-chair@shimotsuke.example' }, emails: ['bukai-somu@shimotsuke.example'] },
  ],
  ka: [
    { id: 'sogo-seisaku', name: '総合政策課', bukai: '企画専門部会', emails: ['sogo@shimotsuke.example'] },
    { id: 'joho-seisaku', name: '情報政策課', bukai: '企画専門部会', emails: ['joho@shimotsuke.example'] },
    { id: 'somu-ka', name: '総務課', bukai: '総務専門部会', emails: ['somu@shimotsuke.example'] },
  ],
  leadership: [{ name: '市長', email: 'mayor@shimotsuke.example' }],
});

/** A stored report with sensible defaults. */
export function storedReport(parts: Partial<Omit<StoredReport, 'reference'>> & { measureId: string; quarter: string }): StoredReport {
  const version = parts.version ?? 1;
  return {
    version,
    kind: 'report',
    status: '予定どおり',
    milestones: [],
    narrative: '',
    issues: '',
    nextSteps: '',
    reporter: { kaId: 'sogo-seisaku', ka: '総合政策課', bukai: '企画専門部会', person: '山田' },
    channel: 'web',
    submittedAt: '2012-07-01T01:00:00.000Z',
    attachments: [],
    ...parts,
    reference: reportReference(parts.measureId, parts.quarter, version),
  };
}
