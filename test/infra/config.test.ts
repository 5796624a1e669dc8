import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, configDefaults, parseConfig, readConfig } from '#infra/config';
import { projectRoot } from '#infra/function';

describe('infra config', () => {
  it('falls back to the defaults, which cdk.json also shows', () => {
    // Prepare
    const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
    // Act
    const config = parseConfig({});
    // Assess
    expect(config).toEqual({ ...configDefaults, alarmEmail: undefined, receiptRuleSet: undefined });
    expect(cdkJson.context).toMatchObject(configDefaults);
  });

  it('reads the context of the app', () => {
    // Prepare
    const app = new App({
      context: { tenant: 'oyama', mailDomain: 'city.oyama.example', alarmEmail: 'ops@city.oyama.example', receiptRuleSet: 'city-mail_2014.v1' },
    });
    // Act
    const config = readConfig(app);
    // Assess
    expect(config).toEqual({ tenant: 'oyama', mailDomain: 'city.oyama.example', alarmEmail: 'ops@city.oyama.example', receiptRuleSet: 'city-mail_2014.v1' });
  });

  it('treats an empty alarmEmail or receiptRuleSet (-c alarmEmail=) as unset', () => {
    // Prepare / Act
    const config = parseConfig({ alarmEmail: ' ', receiptRuleSet: '' });
    // Assess
    expect(config.alarmEmail).toBeUndefined();
    expect(config.receiptRuleSet).toBeUndefined();
  });

  it.each(['-mail', 'mail-', 'city mail', 'メール', 'a'.repeat(65)])('refuses %j as a receipt rule set name', (name) => {
    // Prepare / Act / Assess
    expect(() => parseConfig({ receiptRuleSet: name })).toThrow(/receiptRuleSet: receiptRuleSet は既存の受信ルールセット名/);
  });

  it('accepts the shortest and the longest receipt rule set names SES allows', () => {
    // Prepare / Act / Assess
    expect(parseConfig({ receiptRuleSet: 'a' }).receiptRuleSet).toBe('a');
    expect(parseConfig({ receiptRuleSet: 'a'.repeat(64) }).receiptRuleSet).toBe('a'.repeat(64));
  });

  it('fails loudly, Japanese first, naming every bad key', () => {
    // Prepare
    const raw = { tenant: 'X', mailDomain: 'not a domain', alarmEmail: 'nobody', receiptRuleSet: 'no spaces' };
    // Act
    let error: unknown;
    try {
      parseConfig(raw);
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.indexOf('CDK の設定')).toBe(0);
    expect(message.indexOf('CDK の設定')).toBeLessThan(message.indexOf('invalid CDK configuration'));
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['tenant', 'mailDomain', 'alarmEmail', 'receiptRuleSet']);
    for (const problem of (error as ConfigError).problems) expect(problem).toMatch(/[ぁ-んァ-ン一-龥].* \/ [A-Za-z]/);
  });
});
