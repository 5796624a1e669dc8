/**
 * `shinchoku load --table NAME [--plan FILE] [--directory FILE] [--accept-changes]`: put a city's plan
 * and directory into a deployed table, with the AWS SDK's own credentials and region (profile, SSO,
 * environment). The same store code the local stack uses on every start; safe to run again after
 * editing a file. A new plan that drops, renames or re-assigns 事業 that have reports is refused
 * unless `--accept-changes` says it is meant (shared/domain/plan-change.ts).
 */
import { sdkDocumentDb } from '#local/aws-local';
import { changesRefusal, describeMeasureChange } from '#shared/domain/plan-change';
import { describeUnroutableOwner, unroutableOwners } from '#shared/domain/ownership';
import { defaultDirectoryPath, defaultPlanPath, readPlanAndDirectory } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { changesOverReports } from '#shared/store/plan-changes';
import { savePlan } from '#shared/store/plan-items';
import { createStore } from '#shared/store/store';
import { UsageError, type Output } from './output.ts';

export interface LoadOptions {
  table?: string;
  plan?: string;
  directory?: string;
  /**
   * Load even when the new plan drops, renames or gives other owners to 事業 that have reports.
   * @default false: such a load is refused, with the list
   */
  acceptChanges?: boolean;
}

export async function loadCommand(options: LoadOptions, out: Output): Promise<number> {
  const table = options.table ?? process.env.TABLE_NAME;
  if (!table) throw new UsageError('--table (スタック出力 TableName) が必要です', '--table (the stack output TableName) is required');
  const planFile = options.plan ?? defaultPlanPath;
  const directoryFile = options.directory ?? defaultDirectoryPath;
  // Both files read and checked against each other before anything is written.
  out.info(`[1/3] 計画 ${planFile} と名簿 ${directoryFile} を読み、検査しています`, `[1/3] reading and checking the plan ${planFile} and the directory ${directoryFile}`);
  const { plan, defects, directory } = await readPlanAndDirectory(planFile, directoryFile);
  const missing = unroutableOwners(directory, plan);
  if (missing.length > 0) {
    const lines = missing.map((m) => describeUnroutableOwner(directory, m));
    const lint = `shinchoku directory lint ${directoryFile} --plan ${planFile}`;
    out.error(
      `名簿にない担当部署が ${missing.length} 件あります。何も書き込んでいません (${lint} で確認できます):\n${lines.map((l) => `  ${l.ja}`).join('\n')}`,
      `${missing.length} owner(s) of the plan are not in the directory; nothing was written (${lint} checks it):\n${lines.map((l) => `  ${l.en}`).join('\n')}`,
    );
    return 1;
  }
  const store = createStore(sdkDocumentDb(), table, plan.plan.tenant);
  out.info(
    `[2/3] ${table} に保存済みの ${plan.plan.municipality} の計画と報告を確かめています`,
    `[2/3] comparing with the plan of ${plan.plan.municipality} stored in ${table} and its reports`,
  );
  const changes = await changesOverReports(store, plan);
  if (changes.length > 0 && !options.acceptChanges) {
    const refusal = changesRefusal(changes, { ja: '、--accept-changes を付けて、もう一度実行してください', en: 'run again with --accept-changes' });
    out.error(refusal.ja, refusal.en);
    return 1;
  }
  const lines = changes.map(({ change, reports }) => describeMeasureChange(change, reports));
  for (const line of lines) out.info(`変更を受け入れます: ${line.ja}`, `change accepted: ${line.en}`);
  out.info(
    `[3/3] ${table} に書き込んでいます (計画: 基本目標 ${plan.goals.length}、事業 ${plan.measures.length}。名簿)`,
    `[3/3] writing into ${table} (the plan: ${plan.goals.length} goals, ${plan.measures.length} measures; the directory)`,
  );
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  out.info(
    `${table} に ${plan.plan.municipality} の計画 (${plan.measures.length} 事業) と名簿 (${directory.ka.length} 課) を読み込みました` +
      (defects.length > 0 ? ` — plan lint の指摘 ${defects.length} 件` : ''),
    `loaded the plan of ${plan.plan.municipality} (${plan.measures.length} measures) and the directory (${directory.ka.length} departments) into ${table}` +
      (defects.length > 0 ? ` — plan lint finds ${defects.length} defect(s)` : ''),
  );
  return 0;
}
