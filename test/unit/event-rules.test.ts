/**
 * The rule table and its pattern matching (the same patterns the CDK rules carry).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventSource, events } from '#events/catalog';
import { assertUniqueRuleNames, eventPatternOf, eventRules, matchesPattern, ruleFunctions, rulesMatching } from '#events/rules';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../events/samples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('eventRules', () => {
  it('names unique rules on events of the catalog, each with a function folder name', () => {
    // Prepare / Act / Assess
    expect(() => assertUniqueRuleNames(eventRules)).not.toThrow();
    for (const rule of eventRules) {
      expect(Object.keys(events)).toContain(rule.event);
      expect(rule.fn).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(rule.description).toMatch(/ \/ /);
    }
  });

  it('routes ProgressReported to apply-report and QuarterCompiled to send-digest, not the other way round', () => {
    // Prepare
    const reported = sample('progress-reported.json');
    const compiled = sample('quarter-compiled.json');
    // Act
    const forReported = rulesMatching(reported).map((r) => r.fn);
    const forCompiled = rulesMatching(compiled).map((r) => r.fn);
    // Assess
    expect(forReported).toContain('apply-report');
    expect(forCompiled).toContain('send-digest');
    expect(forReported).not.toContain('send-digest');
    expect(forCompiled).not.toContain('apply-report');
    expect(ruleFunctions()).toEqual([...new Set(eventRules.map((r) => r.fn))]);
  });

  it('refuses duplicate rule names', () => {
    // Prepare
    const twice = [eventRules[0]!, eventRules[0]!];
    // Act / Assess
    expect(() => assertUniqueRuleNames(twice)).toThrow(/duplicate event rule name/);
  });
});

describe('matchesPattern', () => {
  const pattern = eventPatternOf({ event: 'ProgressReported' });

  it('is the source and detail-type of the rule', () => {
    expect(pattern).toEqual({ source: [eventSource], 'detail-type': ['ProgressReported'] });
  });

  it.each([
    ['another source', { ...sample('progress-reported.json'), source: 'aws.s3' }, false],
    ['another detail-type', sample('quarter-compiled.json'), false],
    ['a missing field', { source: eventSource }, false],
    ['not an object', 'ProgressReported', false],
    ['the sample', sample('progress-reported.json'), true],
  ])('with %s: %s', (_what, value, expected) => {
    // Act / Assess
    expect(matchesPattern(pattern, value)).toBe(expected);
  });

  it('matches nested fields and lists in the event', () => {
    // Prepare
    const nested = { dynamodb: { NewImage: { type: { S: ['Report'] } } } };
    // Act / Assess
    expect(matchesPattern(nested, { dynamodb: { NewImage: { type: { S: 'Report' } } } })).toBe(true);
    expect(matchesPattern(nested, { dynamodb: { NewImage: { type: { S: 'Idempotency' } } } })).toBe(false);
    expect(matchesPattern({ resources: ['a'] }, { resources: ['b', 'a'] })).toBe(true);
  });
});
