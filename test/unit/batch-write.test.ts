/**
 * batchWrite's chunks against a fake DocumentDb: when one chunk fails, the call ends only once every
 * chunk it started has settled, and nothing is written after it has rejected (the compile lease it
 * is written under is released then, and another compile may be writing).
 */
import type { BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DocumentDb } from '#shared/aws/dynamodb';
import { batchWrite, putRequest } from '#shared/store/batch';
import { createStore } from '#shared/store/store';

type Answer = (input: BatchWriteCommandInput) => Promise<{ UnprocessedItems?: BatchWriteCommandInput['RequestItems'] }>;

/** A DocumentDb whose batchWrite answers each call as `answer` says, recording when each call came. */
function fakeDb(answer: (call: number, input: BatchWriteCommandInput) => ReturnType<Answer>) {
  const calls: { at: number; first: unknown }[] = [];
  const doc = {
    batchWrite: (input: BatchWriteCommandInput) => {
      const requests = Object.values(input.RequestItems ?? {})[0]!;
      calls.push({ at: performance.now(), first: requests[0]?.PutRequest?.Item?.sk });
      return answer(calls.length, input);
    },
  } as unknown as DocumentDb;
  return { store: createStore(doc, 'table', 'shimotsuke'), calls };
}

const items = (count: number) => Array.from({ length: count }, (_, i) => putRequest({ pk: 'T#shimotsuke#X', sk: `ITEM#${String(i).padStart(3, '0')}` }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batchWrite', () => {
  it('rejects only after every chunk in flight has settled, and writes nothing afterwards', async () => {
    // Prepare: four chunks go out at once; the first fails, the second is still on the wire, the
    // third and fourth come back partly unprocessed (their retry would wait 50 ms), a fifth waits.
    let answerSecond: (value: { UnprocessedItems?: BatchWriteCommandInput['RequestItems'] }) => void = () => undefined;
    const { store, calls } = fakeDb((call, input) => {
      if (call === 1) return Promise.reject(new Error('InternalServerError'));
      if (call === 2) return new Promise((resolve) => (answerSecond = resolve));
      return Promise.resolve({ UnprocessedItems: input.RequestItems });
    });
    let rejectedAt: number | undefined;
    // Act
    const written = batchWrite(store, items(5 * 25)).catch((error: unknown) => {
      rejectedAt = performance.now();
      return error;
    });
    await sleep(120);
    const settledWhileInFlight = rejectedAt !== undefined;
    answerSecond({});
    const error = await written;
    await sleep(300);
    // Assess
    expect(settledWhileInFlight).toBe(false);
    expect(error).toMatchObject({ message: 'InternalServerError' });
    expect(calls.filter((c) => c.at > rejectedAt!)).toEqual([]);
    expect(calls.map((c) => c.first)).not.toContain('ITEM#100');
  });

  it('writes every chunk and resends what was left unprocessed', async () => {
    // Prepare: every chunk's first answer leaves its last item unprocessed
    const seen = new Map<string, number>();
    const { store } = fakeDb(async (_call, input) => {
      const requests = input.RequestItems!.table!;
      for (const r of requests) seen.set(String(r.PutRequest!.Item!.sk), (seen.get(String(r.PutRequest!.Item!.sk)) ?? 0) + 1);
      return requests.length > 1 ? { UnprocessedItems: { table: requests.slice(-1) } } : {};
    });
    // Act
    await batchWrite(store, items(60));
    // Assess
    expect(seen.size).toBe(60);
    expect([...seen.values()].filter((n) => n === 2)).toHaveLength(3);
  });
});
