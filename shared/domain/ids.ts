/**
 * The shapes of the ids shinchoku reads and writes, each written once: the plan's 基本目標, 施策分野,
 * 事業 and schedule ids, the directory's ids, the tenant key and the 受付番号. Plain regular expressions
 * and string functions, no zod: path checks, key builders and the mail reader use them without
 * building schemas, and the schemas check with the same patterns (so the JSON Schema and OpenAPI
 * documents show exactly what the code accepts).
 * Pure: no I/O, no AWS.
 */

// Each numbered part has at most 3 digits (a plan numbers its goals, areas and 事業 in ones and tens),
// so an id read from a path or a mail is short before it is echoed or becomes a key.

/** A 基本目標 id: `1`, `2`, … */
export const goalIdPattern = /^\d{1,3}$/;
/** A 施策分野 id: `1-1`, `2-3`, … */
export const areaIdPattern = /^\d{1,3}-\d{1,3}$/;
/** A 事業 id: `2-2-3`. */
export const measureIdPattern = /^\d{1,3}-\d{1,3}-\d{1,3}$/;
/** A schedule item (milestone) id within its 事業: `m1`, `m2`, … */
export const milestoneIdPattern = /^m\d{1,3}$/;
/**
 * An id of the directory (a 専門部会, a 課, the reply address's local part): 2 to 63 lower-case
 * letters, digits and hyphens, starting with a letter or digit. These ids go into signed links and
 * mail addresses.
 */
export const directoryIdPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** A tenant key, the partition of every stored record: like a directory id, but 3 to 63 characters. */
export const tenantPattern = /^[a-z0-9][a-z0-9-]{2,62}$/;
/**
 * A 受付番号 as it is written (`FY2013-Q2-2-2-3-v1`): fiscal year, quarter, 事業 id, version (at most
 * 9999, the most versions a 事業 and quarter hold: `maxReportVersions` in shared/store/report-keys.ts).
 */
export const reportReferencePattern = /^FY\d{4}-Q[1-4]-\d{1,3}-\d{1,3}-\d{1,3}-v\d{1,4}$/;

/** A value as an answer may quote it: at most 40 characters, the rest marked as left out. */
export function shown(value: string): string {
  const chars = [...value];
  return chars.length <= 40 ? value : `${chars.slice(0, 40).join('')}…`;
}

/**
 * Natural order of ids like "1-10-2" (numeric per part), so 1-2-1 sorts before 1-10-1; ids equal
 * as numbers ("01-1", "1-1") in code-unit order, never by the runtime's locale.
 */
export function compareIds(a: string, b: string): number {
  const pa = a.split('-').map(Number);
  const pb = b.split('-').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A 事業 id as a person may type it: full-width digits and any dash ("２－２－３", "2ー2ー3")
 * become "2-2-3"; surrounding spaces go. The result still has to match {@link measureIdPattern}.
 */
export function normaliseMeasureId(value: string): string {
  return value.normalize('NFKC').trim().replace(/[－ー−‐]/g, '-');
}
