/**
 * Who reacts to which event, defined once. The CDK stack (`infra/events.ts`) turns each rule into an
 * EventBridge rule on the project's bus with a Lambda target `functions/<fn>/handler.ts`; the local
 * stack (`local/eventbridge-local.ts`) matches the same rules in process and calls the same handler
 * with the envelope EventBridge would deliver.
 */
import { eventSource, type EventName } from './catalog.ts';

export interface EventRule {
  /** Unique, kebab-case; becomes part of the rule's name on AWS and of local log lines. */
  readonly name: string;
  /** The event (detail-type) the rule listens to. */
  readonly event: EventName;
  /** Folder under `functions/` whose `handler.ts` receives the event. */
  readonly fn: string;
  /** One line for people: what the consumer does with the event. */
  readonly description: string;
}

/** The production rules. A new consumer is one line here (and its table access in infra/events.ts). */
export const eventRules: readonly EventRule[] = [
  {
    name: 'apply-late-report',
    event: 'ProgressReported',
    fn: 'apply-report',
    description: '締め後に届いた報告で集計済みの四半期を更新する / a report after the compile updates the compiled quarter',
  },
  {
    name: 'digest-on-compile',
    event: 'QuarterCompiled',
    fn: 'send-digest',
    description: '四半期の集計後に幹部向けダイジェストを送る / after a quarter is compiled, mail the leadership digest',
  },
  {
    name: 'publish-public-on-compile',
    event: 'QuarterCompiled',
    fn: 'publish-public',
    description: '四半期の集計後に公開ページとオープンデータを更新する / after a quarter is compiled, publish the public page and open data',
  },
];

/**
 * An EventBridge event pattern, restricted to what this project uses: every leaf is a list of the
 * exact values allowed, nested objects match nested fields. The same shape is valid as an
 * EventBridge rule pattern and as a Lambda event-source filter pattern.
 */
export interface EventPattern {
  readonly [field: string]: readonly (string | number | boolean)[] | EventPattern;
}

/** The pattern of a rule, as CDK writes it into the rule and as the local bus matches it. */
export function eventPatternOf(rule: Pick<EventRule, 'event'>): EventPattern {
  return { source: [eventSource], 'detail-type': [rule.event] };
}

/**
 * True when `value` matches `pattern` by EventBridge's rules for exact-value patterns: each field of
 * the pattern must be present, and equal to one of the listed values (a list in the event matches
 * when any of its elements does).
 */
export function matchesPattern(pattern: EventPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = record[field];
    if (!Array.isArray(expected)) return matchesPattern(expected as EventPattern, actual);
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((candidate) => expected.includes(candidate as string | number | boolean));
  });
}

/** The rules whose pattern matches an event envelope. */
export function rulesMatching(envelope: unknown, rules: readonly EventRule[] = eventRules): EventRule[] {
  return rules.filter((rule) => matchesPattern(eventPatternOf(rule), envelope));
}

/** The distinct target functions of a rule table, in order of first appearance. */
export function ruleFunctions(rules: readonly EventRule[] = eventRules): string[] {
  return [...new Set(rules.map((rule) => rule.fn))];
}

/** Throws a bilingual error when two rules share a name (AWS would refuse the second). */
export function assertUniqueRuleNames(rules: readonly EventRule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name)) {
      throw new Error(`イベントルール名 ${rule.name} が重複しています / duplicate event rule name: ${rule.name}`);
    }
    seen.add(rule.name);
  }
}
