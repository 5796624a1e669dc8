/**
 * `shinchoku help` and the README's command list name every option a command accepts: `link` and
 * `dashboard-link` read another city's plan and directory with `--plan FILE` and `--directory FILE`.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { usage } from '#cli/main';

const commandLine = (text: string, command: string) => text.split('\n').find((line) => line.trimStart().startsWith(`${command} `)) ?? '';

describe('the command list', () => {
  it('shinchoku help lists --plan FILE and --directory FILE for link and dashboard-link', () => {
    for (const command of ['link', 'dashboard-link']) {
      // Assess
      expect(commandLine(usage, command)).toContain('[--plan FILE]');
      expect(commandLine(usage, command)).toContain('[--directory FILE]');
    }
  });

  it('the README lists them too, and says the dashboard shows the plan\'s own 事業 and period', async () => {
    // Prepare
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    // Act
    const block = readme.slice(readme.indexOf('## The command line'), readme.indexOf('## How a 課 reports'));
    const dashboard = readme.slice(readme.indexOf('## The dashboard'), readme.indexOf('## The plan file'));
    // Assess
    for (const command of ['shinchoku link', 'shinchoku dashboard-link']) {
      expect(commandLine(block, command)).toContain('[--plan FILE]');
      expect(commandLine(block, command)).toContain('[--directory FILE]');
    }
    expect(dashboard).not.toContain('all 51 事業');
    expect(dashboard).toContain("the plan's 事業");
  });
});
