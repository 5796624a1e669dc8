/**
 * The ids a path carries (`{measureId}`, `{bukaiId}`, `{reference}`), checked before anything is read
 * with them: a value of another shape is a 400 naming the parameter, never a key sent to DynamoDB
 * (which refuses keys over 2 KB with an error of its own) or a long echo in the answer.
 */
import type { FieldError } from '../domain/report-input.ts';
import { directoryIdPattern, measureIdPattern, normaliseMeasureId, shown } from '../domain/ids.ts';

/** A 事業 id of a path as the plan writes it, read as a body's is ("２－２－３" → "2-2-3"). */
export function measureIdOfPath(raw: string | undefined): { id: string } | { problem: FieldError } {
  const id = normaliseMeasureId(raw ?? '');
  if (measureIdPattern.test(id)) return { id };
  const value = shown(raw ?? '');
  return { problem: { field: 'measureId', ja: `事業 id は 2-2-3 の形式です: "${value}"`, en: `measure ids look like 2-2-3, got "${value}"` } };
}

/** The problem with a 専門部会 id of a path, or undefined when it has the directory's shape. */
export function bukaiIdProblem(raw: string | undefined): FieldError | undefined {
  if (directoryIdPattern.test(raw ?? '')) return undefined;
  const value = shown(raw ?? '');
  return { field: 'bukaiId', ja: `専門部会 id は英小文字・数字・ハイフンです (例: kikaku): "${value}"`, en: `部会 ids are lower-case letters, digits and hyphens, e.g. kikaku; got "${value}"` };
}
