/**
 * `shinchoku load --table NAME [--plan FILE] [--directory FILE]`: put a city's plan and directory
 * into a deployed table, with the AWS SDK's own credentials and region (profile, SSO, environment).
 * The same store code the local stack uses on every start; safe to run again after editing a file.
 */
import { sdkDocumentDb } from '#local/aws-local';
import { unroutableOwners } from '#shared/domain/ownership';
import { readPlanAndDirectory } from '#shared/plan-file';
import { saveDirectory } from '#shared/store/directory-items';
import { savePlan } from '#shared/store/plan-items';
import { createStore } from '#shared/store/store';
import { UsageError, type Output } from './output.ts';

export interface LoadOptions {
  table?: string;
  plan?: string;
  directory?: string;
}

export async function loadCommand(options: LoadOptions, out: Output): Promise<number> {
  const table = options.table ?? process.env.TABLE_NAME;
  if (!table) throw new UsageError('--table (スタック出力 TableName) が必要です', '--table (the stack output TableName) is required');
  // Both files read and checked against each other before anything is written.
  const { plan, defects, directory } = await readPlanAndDirectory(options.plan, options.directory);
  const missing = unroutableOwners(directory, plan);
  if (missing.length > 0) {
    out.error(
      `名簿にない担当部署があります: ${missing.map((m) => `${m.measureId} ${m.owner.ka}`).join(', ')}`,
      'some owners of the plan are not in the directory (shinchoku directory lint)',
    );
    return 1;
  }
  const store = createStore(sdkDocumentDb(), table, plan.plan.tenant);
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  out.info(
    `${table} に ${plan.plan.municipality} の計画 (${plan.measures.length} 事業) と名簿 (${directory.ka.length} 課) を読み込みました` +
      (defects.length > 0 ? ` — plan lint の指摘 ${defects.length} 件` : ''),
    `loaded the plan (${plan.measures.length} measures) and the directory (${directory.ka.length} departments) into ${table}`,
  );
  return 0;
}
