import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { correlationIdOf } from '#shared/logger';

async function sample(name: string): Promise<any> {
  return JSON.parse(await readFile(new URL(`../../events/samples/${name}`, import.meta.url), 'utf8'));
}

describe('correlation ids', () => {
  it('takes the EventBridge event id', async () => {
    const event = await sample('progress-reported.json');
    expect(correlationIdOf(event)).toBe(event.id);
  });

  it('takes the SES message id of a received mail', async () => {
    const event = await sample('ses-receipt.json');
    expect(correlationIdOf(event)).toBe(event.Records[0].ses.mail.messageId);
  });

  it('takes the first stream record\'s event id', async () => {
    const event = await sample('dynamodb-stream-report-insert.json');
    expect(correlationIdOf(event)).toBe(event.Records[0].eventID);
  });

  it('takes API Gateway\'s request id', () => {
    expect(correlationIdOf({ version: '2.0', requestContext: { requestId: 'abc-123' } })).toBe('abc-123');
  });

  it('has none for a schedule input (the Lambda request id is used then)', async () => {
    expect(correlationIdOf(await sample('compile-quarter-scheduled.json'))).toBeUndefined();
    expect(correlationIdOf(null)).toBeUndefined();
  });
});
