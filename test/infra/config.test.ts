import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app';
import { ConfigError, configDefaults, defaultPlansDirectory, mailSettingsFor, parseConfig, readConfig } from '#infra/config';
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

  describe('mail settings and the tenant directory (plans/<tenant>/directory.json)', () => {
    const seedDirectory = JSON.parse(readFileSync(join(defaultPlansDirectory, 'shimotsuke', 'directory.json'), 'utf8')) as Record<string, unknown>;
    const made: string[] = [];
    afterEach(() => {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
    /** A plans directory holding the seed's directory for `tenant`, with `changes` applied. */
    const plansWith = (tenant: string, changes: Record<string, unknown>): string => {
      const dir = mkdtempSync(join(tmpdir(), 'shinchoku-plans-'));
      made.push(dir);
      mkdirSync(join(dir, tenant));
      writeFileSync(join(dir, tenant, 'directory.json'), JSON.stringify({ ...seedDirectory, tenant, ...changes }));
      return dir;
    };

    it("agrees with the repository's own directory and takes its reply local part", () => {
      // Prepare
      const config = parseConfig({});
      // Act
      const settings = mailSettingsFor(config);
      // Assess
      expect(settings).toMatchObject({ mailDomain: config.mailDomain, replyLocalPart: seedDirectory.replyLocalPart ?? 'progress' });
      expect(settings.directoryFile).toBe(join(defaultPlansDirectory, 'shimotsuke', 'directory.json'));
    });

    it("takes the recipient's local part from the directory's replyLocalPart", () => {
      // Prepare
      const plans = plansWith('oyama', { mailDomain: 'city.oyama.example', sender: 'shinchoku@city.oyama.example', replyLocalPart: 'houkoku' });
      // Act
      const settings = mailSettingsFor(parseConfig({ tenant: 'oyama', mailDomain: 'city.oyama.example' }), plans);
      // Assess
      expect(settings).toMatchObject({ mailDomain: 'city.oyama.example', replyLocalPart: 'houkoku' });
    });

    it('keeps the context mail domain and "progress" for a tenant without a directory file', () => {
      // Prepare
      const plans = plansWith('oyama', {});
      // Act
      const settings = mailSettingsFor(parseConfig({ tenant: 'tochigi', mailDomain: 'city.tochigi.example' }), plans);
      // Assess
      expect(settings).toEqual({ mailDomain: 'city.tochigi.example', replyLocalPart: 'progress' });
    });

    it('stops the synth, Japanese first, when the directory names another mail domain or a sender at another domain', () => {
      // Prepare
      const plans = plansWith('oyama', { mailDomain: 'mail.oyama.example', sender: 'shinchoku@mail.oyama.example' });
      const context = { [cxapi.CDK_APP_MODE_CONTEXT]: 'inmemory', tenant: 'oyama', mailDomain: 'city.oyama.example' };
      // Act
      let error: unknown;
      try {
        createApp({ context }, { plansDirectory: plans });
      } catch (e) {
        error = e;
      }
      // Assess
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.split(':')[0])).toEqual(['mailDomain', 'sender']);
      for (const problem of problems) {
        expect(problem).toMatch(/[ぁ-んァ-ン一-龥].* \/ [A-Za-z]/);
        expect(problem.search(/[ぁ-んァ-ン一-龥]/)).toBeLessThan(problem.indexOf(' / '));
      }
      expect(problems[0]).toContain('mail.oyama.example');
      expect(problems[0]).toContain('city.oyama.example');
    });

    it('stops the synth on a directory file its format refuses, naming each problem where it is, Japanese first', () => {
      // Prepare: a misspelt key and a sender that is no address
      const plans = plansWith('oyama', { mailDomain: 'city.oyama.example', sender: 'not an address', replyLocalpart: 'houkoku' });
      // Act
      let error: unknown;
      try {
        mailSettingsFor(parseConfig({ tenant: 'oyama', mailDomain: 'city.oyama.example' }), plans);
      } catch (e) {
        error = e;
      }
      // Assess
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toContainEqual(expect.stringMatching(/名簿ファイルの replyLocalpart: 不明な項目 "replyLocalpart" です \("replyLocalPart" の書き誤りではありませんか\) \/ invalid directory file at replyLocalpart: unknown key "replyLocalpart" \(did you mean "replyLocalPart"\?\)$/));
      expect(problems).toContainEqual(expect.stringMatching(/名簿ファイルの sender: .+ \/ invalid directory file at sender: /));
      for (const problem of problems) expect(problem.search(/[ぁ-んァ-ン一-龥]/)).toBeLessThan(problem.indexOf(' / '));
    });

    it('refuses a sender at another domain even when the mail domains agree', () => {
      // Prepare
      const plans = plansWith('oyama', { mailDomain: 'city.oyama.example', sender: 'shinchoku@gmail.example' });
      // Act / Assess
      expect(() => mailSettingsFor(parseConfig({ tenant: 'oyama', mailDomain: 'city.oyama.example' }), plans)).toThrow(/sender: 名簿 .*@gmail\.example/);
    });
  });
});
