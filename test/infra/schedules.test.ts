/**
 * The reminder rules reach the deployed functions from the CDK context (`reminders`), validated at
 * synth time: a mistake stops the synth with its bilingual message. The compile's schedules follow
 * their due date. Bundling is skipped and nothing is synthesised here; the full synth is in
 * stack.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApp } from '#infra/app';
import { projectRoot } from '#infra/function';
import { envNames } from '#shared/config/env';
import { parseReminderConfig } from '#shared/domain/reminders';

function contextWith(extra: Record<string, unknown>): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return { ...cdkJson.context, [cxapi.BUNDLING_STACKS]: [], ...extra };
}

function reminderConfigOfDeployedFunction(reminders: unknown, fn: 'send-reminders' | 'send-digest' | 'publish-public' = 'send-reminders'): unknown {
  const { stack } = createApp({ context: contextWith({ reminders }) });
  // Resolved from the construct, without a synth: the value is plain text, not a token.
  const functions = fn === 'send-reminders' ? stack.schedules.functions : stack.events.functions;
  const cfn = functions.get(fn)!.node.defaultChild as CfnFunction;
  const { variables } = stack.resolve(cfn.environment) as { variables: Record<string, string> };
  return JSON.parse(variables[envNames.reminderConfig]!);
}

/** The Scheduler schedules of the compile: name → expression, as the stack would deploy them. */
function compileSchedulesDeployed(reminders: unknown): Record<string, string> {
  const { stack } = createApp({ context: contextWith({ reminders }) });
  const found: Record<string, string> = {};
  for (const [name, schedule] of stack.schedules.schedules) {
    if (name.startsWith('compile-quarter')) found[name] = schedule.scheduleExpression;
  }
  return found;
}

describe('reminder rules from the CDK context', () => {
  it('are passed to send-reminders, validated and completed with the defaults (object or -c text)', () => {
    // Prepare
    const section = { report: { daysBefore: [7, 21] }, escalation: { chairAfterDays: 5, secretariatAfterDays: 10 } };
    // Act
    const fromObject = reminderConfigOfDeployedFunction(section);
    const fromText = reminderConfigOfDeployedFunction(JSON.stringify(section));
    // Assess
    expect(fromObject).toEqual(parseReminderConfig(section));
    expect(fromText).toEqual(fromObject);
    expect(fromObject).toMatchObject({ report: { daysBefore: [21, 7], dueDaysAfterQuarterEnd: 10 }, milestone: { daysBeforeEnd: [30, 7] } });
  });

  it('stop the synth when they are wrong, saying what is wrong in both languages', () => {
    // Prepare
    const wrong = { escalation: { chairAfterDays: 14, secretariatAfterDays: 7 } };
    // Act / Assess
    expect(() => createApp({ context: contextWith({ reminders: wrong }) })).toThrow(/CDK context "reminders".*リマインダー設定が不正です[\s\S]*secretariatAfterDays must be later/);
    expect(() => createApp({ context: contextWith({ reminders: '{not json' }) })).toThrow(/CDK context "reminders"/);
  });
});

describe('the compile schedules from the CDK context', () => {
  it('run on the day after the reports are due: day 11 by default, day 21 with reports due 20 days after the quarter ends', () => {
    // Prepare / Act
    const byDefault = compileSchedulesDeployed(undefined);
    const twenty = compileSchedulesDeployed({ report: { dueDaysAfterQuarterEnd: 20 } });
    // Assess
    expect(byDefault).toEqual({ 'compile-quarter': 'cron(0 6 11 1,4,7,10 ? *)' });
    expect(twenty).toEqual({ 'compile-quarter': 'cron(0 6 21 1,4,7,10 ? *)' });
  });

  it('are one per day of the month when a due date crosses a month end (30 days: 1 May after Q4)', () => {
    // Prepare / Act
    const thirty = compileSchedulesDeployed(JSON.stringify({ report: { dueDaysAfterQuarterEnd: 30 } }));
    // Assess
    expect(thirty).toEqual({ 'compile-quarter-q1-q2-q3': 'cron(0 6 31 1,7,10 ? *)', 'compile-quarter-q4': 'cron(0 6 1 5 ? *)' });
  });
});

describe('the digest', () => {
  it('gets the same reminder rules, so it waits for a compile after the due date the reminders count', () => {
    // Prepare
    const section = { report: { dueDaysAfterQuarterEnd: 20 } };
    // Act
    const deployed = reminderConfigOfDeployedFunction(section, 'send-digest');
    // Assess
    expect(deployed).toEqual(parseReminderConfig(section));
    expect(deployed).toEqual(reminderConfigOfDeployedFunction(section, 'send-reminders'));
  });
});

describe('the public site', () => {
  it('gets the same reminder rules, so it publishes a quarter from the compile day the reminders set', () => {
    // Prepare
    const section = { report: { dueDaysAfterQuarterEnd: 20 } };
    // Act
    const deployed = reminderConfigOfDeployedFunction(section, 'publish-public');
    // Assess
    expect(deployed).toEqual(parseReminderConfig(section));
  });
});
