/**
 * The reminder job against real local parts: DynamoDB Local (its own table) and the SES emulator.
 * FY2012 Q1: on each reminder day every one of the 6 部会 gets the report reminder exactly once,
 * listing exactly the 事業 its 課 own, and each 課 its own with its links; running the job again for the same day sends nothing new;
 * a failed send is retried without resending the others; a step whose day was missed goes out on the
 * next run, once; milestone reminders fire at the configured
 * offsets; a report received silences its 事業. The SES emulator is shared by the whole run, so this
 * file's mails are told apart by their own sender address.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '#local/aws-local';
import { fetchSentMails, type SentMail } from '#local/ses-local';
import { createMailer } from '#shared/aws/mailer';
import type { Directory } from '#shared/domain/directory';
import { measuresOwnedBy } from '#shared/domain/ownership';
import type { PlanFile } from '#shared/domain/plan';
import { defaultReminderConfig, parseReminderConfig, type ReminderConfig } from '#shared/domain/reminders';
import { tokenFor } from '#shared/links';
import { readDirectoryFile, readPlanFile } from '#shared/plan-file';
import { ReminderDeliveryError, runReminderJob, type ReminderJobDeps } from '#shared/reminder-job';
import { catalogLoader } from '#shared/store/catalog-cache';
import { saveDirectory } from '#shared/store/directory-items';
import { getNotification } from '#shared/store/notification-items';
import { savePlan } from '#shared/store/plan-items';
import { createStore, type Store } from '#shared/store/store';
import { authenticate, submitReport, type Caller } from '#shared/submit-report';
import { createTestTable, handlerEnvironment, type TestTable } from '#test/support/dynamo';

const secret = 'integration-test-secret-0123456789abcdef';
const publicBaseUrl = 'http://127.0.0.1:3999';

let table: TestTable;
let store: Store;
let plan: PlanFile;
let directory: Directory;
let sender: string;
let sesEndpoint: string;

beforeAll(async () => {
  table = await createTestTable();
  store = table.store('shimotsuke');
  ({ plan } = await readPlanFile());
  sender = `reminders-${randomUUID().slice(0, 8)}@shimotsuke.example`;
  directory = { ...(await readDirectoryFile()), sender };
  await savePlan(store, plan);
  await saveDirectory(store, directory);
  sesEndpoint = inject('sesEndpoint');
});
afterAll(async () => table?.drop());

function deps(overrides: Partial<ReminderJobDeps> = {}, config: ReminderConfig = defaultReminderConfig): ReminderJobDeps {
  return {
    store,
    loadCatalog: catalogLoader(store),
    mailer: createMailer({ connection: localClientConfig(sesEndpoint), maxPerSecond: 0 }),
    secret: async () => secret,
    publicBaseUrl,
    config,
    ...overrides,
  };
}

/** 09:00 JST of a day (00:00 UTC), as Scheduler writes the scheduled time. */
const at9 = (day: string) => ({ scheduledTime: `${day}T00:00:00Z` });

async function mine(): Promise<SentMail[]> {
  return (await fetchSentMails(sesEndpoint)).filter((m) => m.from.includes(sender));
}

/** The mails sent while `act` ran. */
async function sentDuring(act: () => Promise<unknown>): Promise<SentMail[]> {
  const before = (await mine()).map((m) => m.messageId);
  await act();
  return (await mine()).filter((m) => !before.includes(m.messageId));
}

const recipients = (mail: SentMail) => mail.destination.to.join(',').split(/,\s*/);

/** 課 name → 事業 ids listed in the Japanese part of a mail. */
function listedPerKa(mail: SentMail): Record<string, string[]> {
  const japanese = (mail.body.text ?? '').split('---------------- English')[0]!;
  return Object.fromEntries(
    japanese
      .split('\n■ ')
      .slice(1)
      .map((block) => [block.split('\n')[0]!.trim(), [...block.matchAll(/・(\d+-\d+-\d+) /g)].map((m) => m[1]!)]),
  );
}

describe('FY2012 Q1 report reminders', () => {
  /** The 課 that own 事業, each with the ids of its 事業. */
  const owningKa = () => directory.ka.map((ka) => ({ ka, ids: measuresOwnedBy(plan, ka).map((m) => m.id) })).filter((k) => k.ids.length > 0);

  it.each(['2012-06-26', '2012-07-07', '2012-07-10', '2012-07-11'])(
    'on %s: one mail to each of the 6 部会 listing what each of its 課 was asked for, and one to each 課 with its own 事業 and links',
    async (day) => {
      // Prepare
      const job = deps();
      // Act
      const mails = await sentDuring(() => runReminderJob(job, at9(day)));
      // Assess
      expect(mails).toHaveLength(directory.bukai.length + owningKa().length);
      for (const bukai of directory.bukai) {
        const overview = mails.filter((m) => recipients(m).includes(bukai.emails[0]!));
        expect(overview).toHaveLength(1);
        const expected = Object.fromEntries(owningKa().filter(({ ka }) => ka.bukai === bukai.name).map(({ ka, ids }) => [ka.name, ids] as const));
        expect(listedPerKa(overview[0]!)).toEqual(expected);
        expect(overview[0]!.subject).toContain(`[shinchoku FY2012-Q1 ${bukai.id}]`);
        expect(overview[0]!.body.text).not.toContain('/form/');
        expect(overview[0]!.destination.cc).toEqual([]);
      }
      for (const { ka, ids } of owningKa()) {
        const own = mails.filter((m) => m.subject.endsWith(`[shinchoku FY2012-Q1 ${ka.id}]`));
        expect(own).toHaveLength(1);
        expect(recipients(own[0]!)).toEqual(ka.emails);
        expect(listedPerKa(own[0]!)).toEqual({ [ka.name]: ids });
        expect(own[0]!.replyTo?.join(',')).toMatch(/^progress\+/);
      }
    },
  );

  it('sends nothing new when the job runs again for the same day', async () => {
    // Prepare
    const job = deps();
    // Act
    let result: Awaited<ReturnType<typeof runReminderJob>> | undefined;
    const mails = await sentDuring(async () => {
      result = await runReminderJob(job, at9('2012-07-10'));
      await runReminderJob(job, at9('2012-07-10'));
    });
    // Assess
    expect(mails).toHaveLength(0);
    expect(result?.sent).toEqual([]);
    expect(result?.alreadySent).toHaveLength(result!.planned);
    expect(result?.planned).toBe(directory.bukai.length + directory.ka.filter((ka) => measuresOwnedBy(plan, ka).length > 0).length);
    expect((await getNotification(store, 'report-due#FY2012-Q1#kikaku#on-day'))?.state).toBe('sent');
  });

  it('sends a step whose day was missed on the next run, once, worded from that day; the days after send nothing new', async () => {
    // Prepare: FY2013 Q1 is due 2013-07-10; no run took place on 2013-06-26, its 14-days-before day
    const job = deps();
    // Act
    let late: Awaited<ReturnType<typeof runReminderJob>> | undefined;
    const caughtUp = await sentDuring(async () => {
      late = await runReminderJob(job, at9('2013-06-27'));
    });
    const after = await sentDuring(async () => {
      await runReminderJob(job, at9('2013-06-28'));
      await runReminderJob(job, at9('2013-06-29'));
    });
    // Assess
    expect(caughtUp.length).toBeGreaterThan(0);
    expect(caughtUp).toHaveLength(late!.planned);
    expect(late!.sent.every((s) => s.key.startsWith('report-due#FY2013-Q1#') && s.key.includes('#before-14'))).toBe(true);
    expect(caughtUp.every((m) => m.subject.includes('(あと13日)'))).toBe(true);
    expect(after).toHaveLength(0);
    expect((await getNotification(store, 'report-due#FY2013-Q1#kikaku#before-14'))?.day).toBe('2013-06-27');
  });

  it('retries a failed send on the next run, without resending the others', async () => {
    // Prepare: the mail for 総務専門部会 (to its 部会長) fails once
    const real = deps().mailer;
    const failing = deps({
      mailer: {
        send: async (mail) => {
          if (mail.to.includes('somu-chair@shimotsuke.example')) throw new Error('SES throttled');
          return real.send(mail);
        },
      },
    });
    // Act
    let failure: unknown;
    const first = await sentDuring(async () => {
      failure = await runReminderJob(failing, at9('2012-07-17')).catch((error: unknown) => error);
    });
    const retry = await sentDuring(() => runReminderJob(deps(), at9('2012-07-17')));
    const again = await sentDuring(() => runReminderJob(deps(), at9('2012-07-17')));
    // Assess: 2012-07-17 is the escalation to the 部会長 (7 days after the due date)
    expect(failure).toBeInstanceOf(ReminderDeliveryError);
    expect((failure as ReminderDeliveryError).result.failed.map((f) => f.key)).toEqual(['escalation#FY2012-Q1#somu#chair']);
    expect(first).toHaveLength(5);
    expect(retry.map((m) => recipients(m))).toEqual([['somu-chair@shimotsuke.example']]);
    expect(again).toHaveLength(0);
  });
});

describe('a run that died (a timeout) with mails claimed', () => {
  it("leaves a mail it had not begun to send to the retry, and one it had begun to send to no one for 15 minutes", async () => {
    // Prepare: on 2012-09-26 (every 部会 asked for its FY2012-Q2 report) a run whose deadline has passed
    // dies at two mails, leaving their claims behind: 企画's before it began to send, 総務's while sending
    const killed = new Error('the run was stopped');
    const dies = (input: { Key?: Record<string, unknown> }, bukaiId: string) => String(input.Key?.pk).includes(`#${bukaiId}#before-14`);
    const doc = store.doc;
    const dying = createStore(
      {
        ...doc,
        update: async (input) => {
          if (dies(input, 'kikaku') && input.UpdateExpression?.includes('sendingAt')) throw killed;
          return doc.update(input);
        },
        delete: async (input) => {
          if (dies(input, 'kikaku') || dies(input, 'somu')) throw killed;
          return doc.delete(input);
        },
      },
      store.tableName,
      store.tenant,
    );
    const real = deps().mailer;
    const first = deps({
      store: dying,
      runsUntil: () => new Date(Date.now() - 1000),
      mailer: { send: async (mail) => (mail.subject.endsWith('[shinchoku FY2012-Q2 somu]') ? Promise.reject(killed) : real.send(mail)) },
    });
    await expect(runReminderJob(first, at9('2012-09-26'))).rejects.toBeInstanceOf(ReminderDeliveryError);
    const [kikaku, somu] = ['report-due#FY2012-Q2#kikaku#before-14', 'report-due#FY2012-Q2#somu#before-14'];
    expect(await getNotification(store, kikaku)).toMatchObject({ state: 'claimed' });
    expect(await getNotification(store, kikaku)).not.toHaveProperty('sendingAt');
    expect(await getNotification(store, somu)).toMatchObject({ state: 'claimed', sendingAt: expect.any(String) });
    // Act: the retry
    let failure: unknown;
    const mails = await sentDuring(async () => {
      failure = await runReminderJob(deps(), at9('2012-09-26')).catch((error: unknown) => error);
    });
    // Assess: 企画's mail goes out now; 総務's may have gone out, so it is not sent again
    expect(failure).toBeInstanceOf(ReminderDeliveryError);
    expect((failure as ReminderDeliveryError).result.inProgress).toEqual([somu]);
    expect(mails.map((m) => m.subject).filter((subject) => /FY2012-Q2 (kikaku|somu)\]$/.test(subject))).toEqual([expect.stringContaining('FY2012-Q2 kikaku]')]);
    expect((await getNotification(store, kikaku))?.state).toBe('sent');
  });

  it('sends a 課 its reminder without the sheet when the sheet cannot be made', async () => {
    // Prepare: every 課 would get its sheet, and making one fails
    const job = deps({ sheetAttachment: async () => { throw new Error('sheet store unavailable'); } });
    // Act
    let result: Awaited<ReturnType<typeof runReminderJob>> | undefined;
    const mails = await sentDuring(async () => {
      result = await runReminderJob(job, at9('2013-01-07'));
    });
    // Assess: the 部会's mails and every 課's mail went out, the 課's without an attachment
    expect(result?.failed).toEqual([]);
    expect(mails).toHaveLength(result!.planned);
    expect(result?.sentWithoutSheet.length).toBeGreaterThan(0);
    expect(result?.sentWithoutSheet.every((key) => key.startsWith('report-due#FY2012-Q3#'))).toBe(true);
    expect(mails.every((m) => (m.attachments ?? []).length === 0)).toBe(true);
  });
});

describe('a report received', () => {
  it('silences its 事業 in the next reminder', async () => {
    // Prepare: 総合政策課 reports 2-2-3 for FY2012-Q2
    const token = tokenFor({ tenant: 'shimotsuke', kaId: 'sogo-seisaku', quarter: 'FY2012-Q2', purpose: 'form', now: new Date('2012-10-01T00:00:00Z') }, secret);
    const catalog = await catalogLoader(store)();
    const caller = authenticate(token, 'form', { secret, catalog, now: new Date('2012-10-01T00:00:00Z') }) as Caller;
    const outcome = await submitReport(store, catalog, caller, { measureId: '2-2-3', quarter: 'FY2012-Q2', status: '予定どおり', person: '山田' }, {
      channel: 'api',
      idempotencyKey: randomUUID(),
    });
    // Act: FY2012-Q2 is due 2012-10-10; 3 days before
    const mails = await sentDuring(() => runReminderJob(deps(), at9('2012-10-07')));
    // Assess
    expect(outcome.outcome).toBe('recorded');
    const kikaku = mails.find((m) => recipients(m).includes('bukai-kikaku@shimotsuke.example'))!;
    const listed = listedPerKa(kikaku)['総合政策課']!;
    expect(listed).not.toContain('2-2-3');
    expect(listed).toEqual(measuresOwnedBy(plan, directory.ka.find((k) => k.id === 'sogo-seisaku')!).map((m) => m.id).filter((id) => id !== '2-2-3'));
  });
});

describe('milestone reminders', () => {
  it('fire 30 days before the spans of FY2012 end, in the plan\'s own words', async () => {
    // Prepare
    const job = deps();
    // Act
    const mails = await sentDuring(() => runReminderJob(job, at9('2013-03-01')));
    // Assess: 1-2-2 m3 (受講者アンケートの実施, FY2012) belongs to 生涯学習課 of 教育専門部会
    const kyoiku = mails.find((m) => recipients(m).includes('bukai-kyoiku@shimotsuke.example'))!;
    expect(kyoiku.subject).toContain('【スケジュールの確認】');
    expect(kyoiku.body.text).toContain('・1-2-2 市民向けICT講習会の充実');
    expect(kyoiku.body.text).toContain('[m3] スケジュール「受講者アンケートの実施」(平成24年度) — 平成25年3月31日 (2013-03-31) に終了 (あと30日)');
    expect(new Set(mails.map((m) => recipients(m)[0])).size).toBe(mails.length);
  });

  it('fire at a configured offset, and not at the default one', async () => {
    // Prepare
    const config = parseReminderConfig({ milestone: { daysBeforeStart: [], daysBeforeEnd: [45] } });
    const job = deps({}, config);
    // Act: FY2013 spans end on 2014-03-31; 45 days before is 2014-02-14
    const onOffset = await sentDuring(() => runReminderJob(job, at9('2014-02-14')));
    const onDefault = await sentDuring(() => runReminderJob(job, at9('2014-03-01')));
    // Assess
    expect(onOffset.length).toBeGreaterThan(0);
    expect(onOffset.every((m) => (m.body.text ?? '').includes('平成26年3月31日 (2014-03-31) に終了 (あと45日)'))).toBe(true);
    expect(onDefault).toHaveLength(0);
  });
});

describe('the Lambda handler', () => {
  it('runs the job with the environment the stacks give it', async () => {
    // Prepare
    Object.assign(process.env, {
      ...handlerEnvironment(table, 'shimotsuke'),
      AWS_ENDPOINT_URL_SESV2: sesEndpoint,
      LINK_SECRET: secret,
      PUBLIC_BASE_URL: publicBaseUrl,
      MAIL_MAX_PER_SECOND: '0',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const { handler } = await import('#functions/send-reminders/handler');
    const context = { functionName: 'send-reminders', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    // Act: FY2012-Q3 is due 2013-01-10; 14 days before
    const mails = await sentDuring(() => handler({ scheduledTime: '2012-12-27T00:00:00Z' }, context));
    const result = await handler({ scheduledTime: '2012-12-27T00:00:00Z' }, context);
    // Assess
    const kaMails = mails.filter((m) => m.replyTo.length > 0);
    expect(mails).toHaveLength(directory.bukai.length + kaMails.length);
    expect(kaMails.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ day: '2012-12-27', quartersRead: ['FY2012-Q3'], sent: [], alreadySent: expect.any(Array) });
    expect(kaMails.every((m) => (m.body.text ?? '').includes(`${publicBaseUrl}/form/`))).toBe(true);
  });
});
