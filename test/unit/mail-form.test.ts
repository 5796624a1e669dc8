/** The short form in a mail body (shared/domain/mail-form.ts): reading, cutting quotes, checking. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DirectorySchema } from '#shared/domain/directory';
import { checkMailForm, htmlToText, mailFormGuide, mailFormTemplate, ownLines, parseMailForm, readMeasureId, readStatus } from '#shared/domain/mail-form';
import { PlanFileSchema } from '#shared/domain/plan';
import { replyTemplateLines } from '#shared/domain/reminder-mail';

const plan = PlanFileSchema.parse(JSON.parse(readFileSync(new URL('../../plans/shimotsuke/plan.json', import.meta.url), 'utf8')));
const directory = DirectorySchema.parse(JSON.parse(readFileSync(new URL('../../plans/shimotsuke/directory.json', import.meta.url), 'utf8')));
const sogo = directory.ka.find((k) => k.id === 'sogo-seisaku')!;
const context = { plan, reporter: { kaId: sogo.id, ka: sogo.name, bukai: sogo.bukai }, quarter: 'FY2013-Q2' };
const defaults = { quarter: 'FY2013-Q2', person: '総合政策課' };

describe('parseMailForm', () => {
  it('reads full-width colons, digits and hyphens, extra spaces and bullets', () => {
    // Prepare
    const body = '・事業：２－２－３\n　状況　：　予定通り\n執行額（千円）：１，２３４\n【報告者】山田';
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems).toEqual([]);
    expect(form.blocks).toHaveLength(1);
    expect(form.blocks[0]!.input).toMatchObject({ measureId: '2-2-3', status: '予定どおり', budgetExecutedThousandYen: '１，２３４', person: '山田', quarter: 'FY2013-Q2' });
    expect(form.blocks[0]!.lines).toEqual({ measureId: 1, status: 2, budgetExecutedThousandYen: 3, person: 4 });
  });

  it('runs a free-text value over several lines until the next key; 進捗状況 is the narrative, not 進捗 + 状況', () => {
    // Prepare
    const body = '事業: 2-2-3\n進捗状況: 一行目\n二行目\n\n三行目\n課題: なし\n今後:\n  来月アンケート\n状況: 完了';
    // Act
    const [block] = parseMailForm(body, defaults).blocks;
    // Assess
    expect(block!.input).toMatchObject({ narrative: '一行目\n二行目\n\n三行目', issues: 'なし', nextSteps: '  来月アンケート', status: '完了' });
  });

  it('reads several 事業, with 報告者 written once above them for all', () => {
    // Prepare
    const body = '担当者: 佐藤\n\n事業: 2-2-3\n状況: 完了\n\n事業: 2-2-5\n状況: 遅延\n課題: 予算\n報告者: 鈴木';
    // Act
    const { blocks } = parseMailForm(body, defaults);
    // Assess
    expect(blocks.map((b) => [b.index, b.line, b.input.measureId, b.input.person])).toEqual([
      [0, 3, '2-2-3', '佐藤'],
      [1, 6, '2-2-5', '鈴木'],
    ]);
  });

  it.each([
    ['> quoted lines', '事業: 2-2-3\n状況: 完了\n> 事業: 1-1-1\n＞ 状況: 遅延'],
    ['an Outlook original message', '事業: 2-2-3\n状況: 完了\n-----Original Message-----\n事業: 1-1-1'],
    ['a Gmail "On … wrote:" header', '事業: 2-2-3\n状況: 完了\nOn Mon, Jul 1, 2013 at 9:00 AM 事務局 <shinchoku@shimotsuke.example> wrote:\n事業: 1-1-1'],
    ['a wrapped "On … wrote:" header', '事業: 2-2-3\n状況: 完了\nOn Mon, Jul 1, 2013 at 9:00 AM 事務局 <\nshinchoku@shimotsuke.example> wrote:\n事業: 1-1-1'],
    ['a Japanese "さんは書きました:" header', '事業: 2-2-3\n状況: 完了\n2013/07/01 9:00、事務局 さんは書きました:\n事業: 1-1-1'],
    ['a "--- 元のメッセージ ---" header', '事業: 2-2-3\n状況: 完了\n--- 元のメッセージ ---\n事業: 1-1-1'],
    ['a Japanese Gmail header', '事業: 2-2-3\n状況: 完了\n2013年7月1日(月) 9:00 事務局 <shinchoku@shimotsuke.example>:\n事業: 1-1-1'],
    ['a signature delimiter', '事業: 2-2-3\n状況: 完了\n-- \n総合政策課\n状況: 内線 1234'],
    ['a closing 以上', '事業: 2-2-3\n状況: 完了\n以上\n\n総合政策課 山田\n状況: 内線 1234'],
    ['a signature delimiter, then the quoted mail', '事業: 2-2-3\n状況: 完了\n--\n総合政策課\n> 事業: 1-1-1'],
    ['a closing 以上, then a reply header and the earlier mail unquoted', '事業: 2-2-3\n状況: 完了\n以上\n-----Original Message-----\n事業: 1-1-1'],
    [
      "Outlook's ruled line and From / Sent block, the earlier mail unquoted below",
      '事業: 2-2-3\n状況: 完了\n\n________________________________\nFrom: Shinchoku <shinchoku@shimotsuke.example>\nSent: Monday, July 1, 2013 9:00 AM\n\n事業: 1-1-1\n状況: 予定どおり',
    ],
    [
      "Outlook's 差出人 / 送信日時 block",
      '事業: 2-2-3\n状況: 完了\n\n差出人: 進捗報告 <shinchoku@shimotsuke.example>\n送信日時: 2013年7月1日 9:00\n件名: 進捗報告のお願い\n\n事業: 1-1-1\n状況: 予定どおり',
    ],
    ["Outlook's From / Sent block", '事業: 2-2-3\n状況: 完了\nFrom: Shinchoku <shinchoku@shimotsuke.example>\nSent: Monday, July 1, 2013 9:00 AM\nTo: 総合政策課\n事業: 1-1-1'],
    ['a Gmail header with a Japanese date and "wrote:"', '事業: 2-2-3\n状況: 完了\n2013年10月7日(月) 9:00 <shinchoku@shimotsuke.example> wrote:\n事業: 1-1-1'],
    ['a Japanese Gmail header the client wrapped', '事業: 2-2-3\n状況: 完了\n2013年10月7日(月) 9:00 進捗報告 受付 <\nshinchoku@shimotsuke.example>:\n事業: 1-1-1'],
    ['an iPhone "…のメール:" header', '事業: 2-2-3\n状況: 完了\n2013/10/07 9:00、進捗報告 受付 <shinchoku@shimotsuke.example>のメール:\n事業: 1-1-1'],
    ['a Thunderbird "(date), name wrote:" header', '事業: 2-2-3\n状況: 完了\n(2013/10/07 9:00), 進捗報告 受付 wrote:\n事業: 1-1-1'],
    ['a Thunderbird "name wrote on date:" header', '事業: 2-2-3\n状況: 完了\n進捗報告 受付 wrote on 2013/10/07 9:00:\n事業: 1-1-1'],
  ])('leaves out %s', (_, body) => {
    // Act
    const { blocks, problems } = parseMailForm(body, defaults);
    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => b.input.measureId)).toEqual(['2-2-3']);
    expect(blocks[0]!.input.narrative).toBe('');
  });

  it('reads the form copied once per 事業, each copy ending in 以上', () => {
    // Act
    const { blocks, problems } = parseMailForm(`${mailFormTemplate({ measureId: '2-2-3' })}\n\n${mailFormTemplate({ measureId: '2-2-5' })}\n総合政策課 山田`, defaults);

    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.input.measureId, b.problems])).toEqual([
      ['2-2-3', []],
      ['2-2-5', []],
    ]);
  });

  it('reads on after 以上 when another 事業 follows before the earlier mail, whatever stands between the copies', () => {
    // Prepare
    const body = [
      '事業: 2-2-3',
      '状況: 完了',
      '以上',
      '',
      '【2件目】',
      '事業：２－２－５',
      '状況: 遅延',
      '課題: 予算',
      '以上',
      '',
      '総合政策課 山田',
      '-----Original Message-----',
      '事業: 1-1-1',
    ].join('\n');
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems).toEqual([]);
    expect(form.blocks.map((b) => [b.line, b.input.measureId, b.input.status, b.problems])).toEqual([
      [1, '2-2-3', '完了', []],
      [6, '2-2-5', '遅延', []],
    ]);
  });

  it.each([
    ['a signature delimiter', '--'],
    ['a signature delimiter with its space', '-- '],
    ['a ruled line of underscores', '__________'],
  ])('refuses a 事業 written after %s, naming both lines, rather than dropping it', (_, marker) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 完了\n${marker}\n\n事業: 2-2-5\n状況: 遅延\n課題: 予算`;
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.blocks.map((b) => b.input.measureId)).toEqual(['2-2-3']);
    expect(form.problems).toEqual([
      {
        line: 5,
        field: 'measureId',
        ja: expect.stringContaining(`3行目の「${marker.trim()}」`),
        en: expect.stringContaining(`line 3 ("${marker.trim()}")`),
      },
    ]);
  });

  it('refuses a 事業 after a signature even when a 以上 came before it', () => {
    // Act
    const form = parseMailForm('事業: 2-2-3\n状況: 完了\n以上\n--\n総合政策課\n事業: 2-2-5\n状況: 完了', defaults);
    // Assess
    expect(form.blocks.map((b) => b.input.measureId)).toEqual(['2-2-3']);
    expect(form.problems.map((p) => p.line)).toEqual([6]);
  });

  it('reads a form written below the quoted mail (bottom-posting), and keeps the quote out', () => {
    // Prepare
    const body = 'On Mon, Jul 1, 2013 at 9:00 AM 事務局 <shinchoku@shimotsuke.example> wrote:\n> 事業: 1-1-1\n> 状況: 遅延\n\n事業: 2-2-3\n状況: 完了';

    // Act
    const form = parseMailForm(body, defaults);

    // Assess
    expect(form.empty).toBe(false);
    expect(form.blocks.map((b) => [b.line, b.input.measureId, b.input.status])).toEqual([[5, '2-2-3', '完了']]);
  });

  it.each([
    ['an iPhone', '2013/10/07 9:00、進捗報告 受付 <shinchoku@shimotsuke.example>のメール:'],
    ['a Gmail', '2013年10月7日(月) 9:00 <shinchoku@shimotsuke.example> wrote:'],
    ['a wrapped Gmail', '2013年10月7日(月) 9:00 進捗報告 受付 <\nshinchoku@shimotsuke.example>:'],
  ])("keeps %s header line that introduces the quoted reminder out of the last running value (the narrative is published)", (_, header) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 完了\n進捗: 申請フォームを追加\n\n${header}\n\n> 事業: 2-2-3\n> 状況: 予定どおり\n> 進捗: …`;

    // Act
    const { blocks, problems } = parseMailForm(body, defaults);

    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.input.measureId, b.input.status, b.input.narrative, b.problems])).toEqual([['2-2-3', '完了', '申請フォームを追加', []]]);
  });

  it('reads keys behind a no-break space or a zero-width space, as the text part of an HTML mail has them', () => {
    // Act
    const { blocks } = parseMailForm('\u00a0事業:\u00a02-2-3\n\u200b状況: 完了', defaults);

    // Assess
    expect(blocks.map((b) => [b.input.measureId, b.input.status])).toEqual([['2-2-3', '完了']]);
  });

  it('refuses text between two keys of a 事業 that no key takes, rather than dropping it; a signature after the last key is left out', () => {
    // Prepare
    const body = '事業: 2-2-3\n今期は申請フォームを3件追加しました。\n状況: 予定どおり\n\n総合政策課 山田\n内線 1234';

    // Act
    const [block] = parseMailForm(body, defaults).blocks;

    // Assess
    expect(block!.problems.map((p) => [p.line, p.ja])).toEqual([[2, expect.stringContaining('どの項目にも入りません')]]);
    expect(block!.input.narrative).toBe('');
  });

  it('refuses an executed amount whose label names another unit than 千円, and keeps one that says 千円', () => {
    // Act
    const refused = checkMailForm(parseMailForm('事業: 2-2-3\n状況: 予定どおり\n執行額（円）：882,000', defaults), context);
    const kept = checkMailForm(parseMailForm('事業: 2-2-3\n状況: 予定どおり\n執行額（単位：千円）：882', defaults), context);

    // Assess
    expect(refused[0]!.problems.map((p) => [p.line, p.field, p.ja])).toEqual([[3, 'budgetExecutedThousandYen', expect.stringContaining('千円単位')]]);
    expect(kept[0]!.submission?.budgetExecutedThousandYen).toBe(882);
  });

  it('refuses two 事業 ids on one line, once, instead of reading the first', () => {
    // Act
    const [checked] = checkMailForm(parseMailForm('事業: 2-2-3、2-2-5\n状況: 完了', defaults), context);

    // Assess
    expect(checked!.submission).toBeUndefined();
    expect(checked!.problems.map((p) => [p.line, p.field, p.ja])).toEqual([[1, 'measureId', expect.stringContaining('1つだけ')]]);
  });

  it('ends a running value at a quote or a ruled line, so they never join the narrative', () => {
    // Prepare
    const body = '事業: 2-2-3\n進捗: 本文\n> 引用\nその後の行\n\n事業: 2-2-5\n進捗: 本文2\n━━━━━━━━━━━━\n市役所 総合政策課';
    // Act
    const { blocks } = parseMailForm(body, defaults);
    // Assess
    expect(blocks.map((b) => b.input.narrative)).toEqual(['本文', '本文2']);
  });

  it.each([
    ['以上です。'],
    ['以上、よろしくお願いいたします。'],
    ['　以上、宜しくお願い致します'],
    ['以上となります。'],
  ])('ends the form at the closing "%s", so the signature below it never joins the narrative (it is published)', (closingLine) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 完了\n進捗: 申請フォームを追加\n${closingLine}\n\n総合政策課 山田\n内線 1234`;

    // Act
    const { blocks, problems } = parseMailForm(body, defaults);

    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.input.measureId, b.input.narrative, b.problems])).toEqual([['2-2-3', '申請フォームを追加', []]]);
  });

  it('reads on after such a closing when another 事業 follows, as after 以上', () => {
    // Act
    const { blocks, problems } = parseMailForm('事業: 2-2-3\n状況: 完了\n進捗: 一件目\n以上です。\n\n事業: 2-2-5\n状況: 完了\n進捗: 二件目\n以上です。\n総合政策課 山田', defaults);

    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.input.measureId, b.input.narrative, b.problems])).toEqual([
      ['2-2-3', '一件目', []],
      ['2-2-5', '二件目', []],
    ]);
  });

  it('keeps a line that only begins with 以上 (以上の結果…) in the narrative', () => {
    // Act
    const [block] = parseMailForm('事業: 2-2-3\n状況: 完了\n進捗: 研修を実施\n以上の結果、受講者は120名でした。', defaults).blocks;

    // Assess
    expect(block!.input.narrative).toBe('研修を実施\n以上の結果、受講者は120名でした。');
  });

  it.each([
    ['a short ruled line of dashes', '----'],
    ['a short ruled line of full-width dashes', '－－－－－'],
    ['an iPhone', 'iPhoneから送信'],
    ['an Android phone', 'Android から送信'],
    ['an iPhone in English', 'Sent from my iPhone'],
  ])('ends a running value at %s, so the signature or the quoted mail below never joins the narrative', (_, line) => {
    // Prepare
    const body = `事業: 2-2-3\n状況: 完了\n進捗: 申請フォームを追加\n\n${line}\n総合政策課 山田\n内線 1234\n\n> 事業: 2-2-3\n> 状況: 予定どおり`;

    // Act
    const { blocks, problems } = parseMailForm(body, defaults);

    // Assess
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.input.measureId, b.input.narrative, b.problems])).toEqual([['2-2-3', '申請フォームを追加', []]]);
  });

  it('reads milestone lines, and says which line it cannot read', () => {
    // Prepare
    const body = '事業: 2-2-3\nm1: 完了 2013/7/15\nｍ２：実施中\nm3: そのうち\nm4: 完了 7月ごろ';
    // Act
    const [block] = parseMailForm(body, defaults).blocks;
    // Assess
    expect(block!.input.milestones).toEqual([
      { milestoneId: 'm1', progress: 'done', date: '2013-07-15' },
      { milestoneId: 'm2', progress: 'in_progress' },
    ]);
    expect(block!.problems.map((p) => [p.line, p.field])).toEqual([
      [4, 'milestones.m3.progress'],
      [5, 'milestones.m4.date'],
    ]);
  });

  it('says why a 和暦 date it can read is refused: a day before its era began', () => {
    // Act
    const [block] = parseMailForm('事業: 2-2-3\nm1: 完了 令和元年4月10日', defaults).blocks;
    // Assess
    expect(block!.problems.map((p) => [p.ja, p.en])).toEqual([
      ['スケジュール項目 m1 の日付を読み取れません: 「令和元年4月10日」 (令和は2019年5月1日からです)', 'cannot read the date of milestone m1: "令和元年4月10日" (Reiwa began on 2019-05-01)'],
    ]);
  });

  it('reports a key written twice, a key before the first 事業, and the same 事業 twice, with their lines', () => {
    // Prepare
    const body = '状況: 完了\n事業: 2-2-3\n状況: 完了\n状況: 遅延\n事業: ２-２-３';
    // Act
    const form = parseMailForm(body, defaults);
    // Assess
    expect(form.problems.map((p) => p.line)).toEqual([1]);
    expect(form.blocks[0]!.problems.map((p) => [p.line, p.field])).toEqual([[4, 'status']]);
    expect(form.blocks[1]!.problems.map((p) => [p.line, p.field, p.ja])).toEqual([[5, 'measureId', expect.stringContaining('2行目と5行目')]]);
  });

  it('falls back to the defaults when 報告者 is left empty', () => {
    // Act
    const [block] = parseMailForm('事業: 2-2-3\n報告者:\n状況: 完了', defaults).blocks;
    // Assess
    expect(block!.input.person).toBe('総合政策課');
    expect(block!.input.status).toBe('完了');
  });

  it('says a body is empty when only quotes and a signature remain, and finds no block in plain prose', () => {
    // Act / Assess
    expect(parseMailForm('\n> 事業: 2-2-3\n-- \n山田', defaults)).toMatchObject({ blocks: [], empty: true });
    expect(parseMailForm('今期も順調です。事業は予定どおりです。', defaults)).toMatchObject({ blocks: [], empty: false });
  });

  it('names the first 事業 line of a form filled in inside the quote, and says why it is not read', () => {
    // Prepare
    const body = '記入しました。\n\nOn Mon, Oct 7, 2013 at 9:00 AM 進捗報告 <shinchoku@shimotsuke.example> wrote:\n> 事業: 2-2-3\n> 状況: 完了\n> 進捗: 申請フォームを追加';

    // Act
    const form = parseMailForm(body, defaults);

    // Assess
    expect(form.blocks).toEqual([]);
    expect(form.problems).toEqual([{ line: 4, field: 'measureId', ja: expect.stringContaining('引用された部分'), en: expect.stringContaining('quoted text') }]);
  });

  it.each([
    ['a Gmail forward', '事務局へ転送します。\n\n---------- Forwarded message ---------\nFrom: 山田 <yamada@shimotsuke.example>\nDate: 2013年10月7日(月) 9:00\n\n事業: 2-2-3\n状況: 完了', 7],
    ["an Outlook forward's 差出人 block", '転送します。\n\n差出人: 山田\n送信日時: 2013年10月7日 9:00\n件名: FW: 進捗\n\n事業: 2-2-3\n状況: 完了', 7],
  ])('names the 事業 line of a form in %s, which is not read, and says where to write it', (_, body, line) => {
    // Act
    const form = parseMailForm(body, defaults);

    // Assess
    expect(form.blocks).toEqual([]);
    expect(form.problems).toEqual([{ line, field: 'measureId', ja: expect.stringContaining('転送されたメール'), en: expect.stringContaining('forwarded mail') }]);
  });

  it('numbers lines as the body has them (CRLF included)', () => {
    // Act
    const lines = ownLines('a\r\nb\r\n> c\r\nd');
    // Assess
    expect(lines.map((l) => [l.number, l.kind])).toEqual([
      [1, 'own'],
      [2, 'own'],
      [3, 'quoted'],
      [4, 'own'],
    ]);
  });
});

describe('readMeasureId / readStatus', () => {
  it.each([
    ['２－２－３', '2-2-3'],
    ['2ー2ー3 かんたん申請', '2-2-3'],
    ['2 - 2 - 3', '2-2-3'],
    ['第2の事業', '第2の事業'],
    ['2-2-3-4', '2-2-3-4'],
    ['2-2-3、2-2-5', '2-2-3、2-2-5'],
    ['2-2-34', '2-2-34'],
  ])('%s → %s', (written, id) => expect(readMeasureId(written)).toBe(id));

  it.each([
    ['予定通り', '予定どおり'],
    ['「完了」', '完了'],
    ['遅れぎみ', '遅れ気味'],
    ['完了（7月）', '完了'],
    ['完了しました。', '完了'],
    ['遅延しています（予算）', '遅延'],
    ['順調', '順調'],
    // A status word followed by more words may mean the opposite: left for the schema to refuse.
    ['完了予定', '完了予定'],
    ['予定どおりではない', '予定どおりではない'],
    ['予定通りではない', '予定通りではない'],
    ['遅延なし', '遅延なし'],
  ])('%s → %s', (written, status) => expect(readStatus(written)).toBe(status));
});

describe('checkMailForm', () => {
  it('puts a milestone\'s problem on that milestone\'s line, also after a line it could not read', () => {
    // Prepare: 1-1-3 (総合政策課) has m1–m4; m1's date cannot be read, m2 and m4 are done without a date
    const body = '事業: 1-1-3\n状況: 予定どおり\nm1: 完了 いつか\nm2: 完了\nm3: 実施中\nm4: 完了';
    // Act
    const [checked] = checkMailForm(parseMailForm(body, defaults), context);
    // Assess
    expect(checked!.problems.map((p) => [p.line, p.ja])).toEqual([
      [3, expect.stringContaining('m1 の日付を読み取れません')],
      [4, '完了した項目には完了日が必要です'],
      [6, '完了した項目には完了日が必要です'],
    ]);
  });

  it('turns every block into a submission when all are right', () => {
    // Prepare
    const form = parseMailForm('事業: 2-2-3\n状況: 予定どおり\n執行額: 882\n\n事業: 2-2-5\n状況: 遅延\n課題: 予算', defaults);
    // Act
    const checked = checkMailForm(form, context);
    // Assess
    expect(checked.map((c) => c.problems)).toEqual([[], []]);
    expect(checked.map((c) => [c.submission?.measureId, c.submission?.budgetExecutedThousandYen])).toEqual([
      ['2-2-3', 882],
      ['2-2-5', undefined],
    ]);
  });

  it('places each error on the line of its field, or on the 事業 line when the field is missing', () => {
    // Prepare
    const body = '\n事業: 2-2-3\n状況: 順調\n執行額: たくさん\n\n事業: 9-9-9\n状況: 完了\n\n事業: 5-1-1\n状況: 完了\n\n事業: 2-2-5';
    // Act
    const checked = checkMailForm(parseMailForm(body, defaults), context);
    // Assess
    expect(checked.map((c) => c.problems.map((p) => [p.line, p.field]))).toEqual([
      [
        [3, 'status'],
        [4, 'budgetExecutedThousandYen'],
      ],
      [[6, 'measureId']],
      [[9, 'measureId']],
      [[12, 'status']],
    ]);
    expect(checked[2]!.problems[0]!.ja).toContain('担当部署ではありません');
  });

  it("refuses the reminder's reply template as it was sent (its 進捗 the example), and takes it once 進捗 is written", () => {
    // Prepare: the lines the reminder shows, quoted nowhere (pasted into a new mail)
    const template = replyTemplateLines('2-2-3');
    const written = template.map((line) => (line.startsWith('進捗:') ? '進捗: 庁内説明会を開催しました。' : line));
    // Act
    const [asSent] = checkMailForm(parseMailForm(template.join('\n'), defaults), context);
    const [filledIn] = checkMailForm(parseMailForm(written.join('\n'), defaults), context);
    // Assess
    expect(asSent!.problems).toEqual([expect.objectContaining({ line: template.findIndex((l) => l.startsWith('進捗:')) + 1, field: 'narrative', ja: expect.stringContaining('記入例') })]);
    expect(filledIn!.problems).toEqual([]);
  });
});

describe('htmlToText', () => {
  it('breaks lines at block elements, quotes <blockquote> and decodes entities', () => {
    // Act
    const text = htmlToText('<style>p{}</style><div>事業：2-2-3</div><p>進捗: a &amp; b<br>c&#12354;</p><blockquote><div>事業: 1-1-1</div></blockquote>');
    // Assess
    expect(text.split('\n')).toEqual(['事業：2-2-3', '', '進捗: a & b', 'cあ', '', '> 事業: 1-1-1']);
    expect(parseMailForm(text, defaults).blocks.map((b) => b.input.measureId)).toEqual(['2-2-3']);
  });
});

describe('htmlToText: nested quotes and references to no character', () => {
  it('quotes a nested <blockquote> one level deeper and keeps what follows it inside the outer quote', () => {
    // Act
    const text = htmlToText('<div>事業: 2-2-3<br>状況: 予定どおり</div><blockquote>a<blockquote>b</blockquote>事業: 1-1-1<br>状況: 完了</blockquote>後');

    // Assess
    expect(text.split('\n').filter((l) => l !== '')).toEqual(['事業: 2-2-3', '状況: 予定どおり', '> a', '> > b', '> 事業: 1-1-1', '> 状況: 完了', '後']);
    expect(parseMailForm(text, defaults).blocks.map((b) => b.input.measureId)).toEqual(['2-2-3']);
  });

  it('writes U+FFFD for a reference to no character instead of throwing or passing a lone surrogate', () => {
    // Act / Assess
    expect(htmlToText('<p>a&#99999999;b&#xD800;c&#0;d&#x41;</p>')).toBe('a\ufffdb\ufffdc\ufffddA');
  });
});

describe('mailFormTemplate', () => {
  it('is itself a form the parser reads back, with no spending a copy would record unawares', () => {
    // Act
    const [block] = parseMailForm(mailFormTemplate({ measureId: '4-1-1' }), defaults).blocks;
    // Assess
    expect(block!.input).toMatchObject({ measureId: '4-1-1', status: '予定どおり', person: '総合政策課' });
    expect(block!.input.budgetExecutedThousandYen).toBeUndefined();
  });

  it('gives the reader\'s own 事業 as the example of the guide, and no 事業 of another city when it has none', () => {
    expect(mailFormGuide({ measureId: '1-2-1' })[0]).toBe('事業: 事業番号 (例 1-2-1) / measure id');
    expect(mailFormGuide()[0]).toBe('事業: 事業番号 / measure id');
    expect(mailFormTemplate()).toMatch(/^事業: \n/);
  });
});
