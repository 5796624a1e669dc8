/**
 * The mail intake reads a body of up to the mail size it accepts (10 MB), in a function that runs 60
 * seconds at most. Bodies built to defeat the reading (long runs of spaces, `<` or `<!--` that never
 * close) must read as any other body does. At the size used here, a reading whose patterns tried
 * every position of such a run to its end took from seconds to more than a minute, so each test
 * would run into its time limit; read in step with the length they take milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText, parseMailForm } from '#shared/domain/mail-form';

/** 200,000 characters: a 200 KB body, far below what the intake accepts. */
const n = 200_000;
const defaults = { quarter: 'FY2013-Q2', person: '山田' };

describe('a large body built against the reading reads as any body does', () => {
  it('a value that runs on over many space-only lines keeps them as empty lines', () => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 予定どおり\n進捗: 実施しました${' \n'.repeat(n / 2)}x\n`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems).toEqual([]);
    expect(form.blocks[0]!.input.narrative).toBe(`実施しました${'\n'.repeat(n / 2)}x`);
  });

  it('a line with a long run of spaces inside it keeps them', () => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 予定どおり\n進捗: 実施しました\n予定${' '.repeat(n)}どおり\n`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.blocks[0]!.input.narrative).toBe(`実施しました\n予定${' '.repeat(n)}どおり`);
  });

  it.each([
    ['a long run of spaces', `${' '.repeat(n)}を実施`],
    ['a key and a long run of spaces with no colon', `事業${' '.repeat(2 * n)}は予定どおり`],
  ])('a line that begins with %s continues the running value', (_what, line) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 予定どおり\n進捗: 実施しました\n${line}\n`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems).toEqual([]);
    expect(form.blocks[0]!.input.narrative).toBe(`実施しました\n${line}`);
  });

  it('a milestone line with a long tail of spaces and brackets after its date', () => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 予定どおり\nm1: 完了 （平成25年4月1日）${' ）'.repeat(n / 2)}\n`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems).toEqual([]);
    expect(form.blocks[0]!.input.milestones).toEqual([{ milestoneId: 'm1', progress: 'done', date: '2013-04-01' }]);
  });

  it.each([
    ['a date and many "wrote on" with no colon', `2013/10/07 9:00 ${'山田 wrote on 1 '.repeat(n / 16)}`],
    ['a date and many addresses with no colon', `2013年10月7日 ${'<a@b> wrote '.repeat(n / 12)}`],
  ])('a long line of %s is read as text of the narrative, not as the line above a quoted mail', (_what, line) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 予定どおり\n進捗: 実施しました\n${line}\n`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.blocks[0]!.input.narrative).toBe(`実施しました\n${line.trimEnd()}`);
  });

  it.each([
    ['"<" with no ">" after it', '<', 1],
    ['comments that never close', '<!--', 4],
    ['<blockquote openings with no ">"', '<blockquote', 11],
  ])('an HTML body of %s keeps them as text', (_what, piece, length) => {
    // Prepare
    const html = piece.repeat(n / length);
    // Act
    const text = htmlToText(`<p>事業: 2-2-3</p>${html}`);
    // Assess
    expect(text).toBe(`事業: 2-2-3\n${html}`);
  });

  it('an HTML body of <style> elements that never close: the tags are dropped, the text before them read', () => {
    // Prepare / Act
    const text = htmlToText(`<p>事業: 2-2-3</p>${'<style>'.repeat(n / 7)}`);
    // Assess
    expect(text).toBe('事業: 2-2-3');
  });
});
