/**
 * Reading plan and directory files. The seed's plan (下野市) is the embedded default; a city loads its
 * own with the commands' `--plan` / `--directory` options (start, load, replay, plan export, …).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from './zod.ts';
import { DirectorySchema, type Directory } from './domain/directory.ts';
import { lintPlan, type Defect } from './domain/plan-lint.ts';
import type { PlanFile } from './domain/plan.ts';

export const defaultPlanPath = fileURLToPath(new URL('../plans/shimotsuke/plan.json', import.meta.url));
export const defaultDirectoryPath = fileURLToPath(new URL('../plans/shimotsuke/directory.json', import.meta.url));

export class PlanFileError extends Error {
  constructor(
    readonly file: string,
    readonly defects: Defect[],
    detail: string,
  ) {
    super(`計画ファイル ${file} を読み込めません / cannot load plan file ${file}: ${detail}`);
    this.name = 'PlanFileError';
  }
}

export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`JSON として読めません / not valid JSON: ${file}: ${(error as Error).message}`);
  }
}

/** Read and validate a plan file; schema defects refuse it, arithmetic defects do not. */
export async function readPlanFile(file: string = defaultPlanPath): Promise<{ plan: PlanFile; defects: Defect[] }> {
  const { plan, defects } = lintPlan(await readJsonFile(file));
  if (!plan) {
    const first = defects[0];
    throw new PlanFileError(file, defects, first ? `${first.path}: ${first.en}` : 'invalid');
  }
  return { plan, defects };
}

/** Read and validate a directory file. */
export async function readDirectoryFile(file: string = defaultDirectoryPath): Promise<Directory> {
  const parsed = DirectorySchema.safeParse(await readJsonFile(file));
  if (!parsed.success) {
    throw new Error(`名簿ファイル ${file} が不正です / invalid directory file ${file}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
