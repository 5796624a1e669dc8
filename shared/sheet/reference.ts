/**
 * The signed reference a 進捗管理シート carries: who it was issued to (a 部会 or one 課), for which
 * quarter and plan version, which 事業 sits in which row, and a short hash of every cell the export
 * wrote. The import trusts nothing in a returned file except what this reference, checked with the
 * link secret, says; the cell hashes tell it which rows were left as pre-filled and which cells a
 * person changed outside the editable columns.
 *
 * Format: `SHINCHOKU-SHEET-1.<payload>.<signature>` — the payload is base64url JSON, the signature is
 * HMAC-SHA256 over the prefix and payload with the link secret (the same secret that signs the form
 * and mail links; the prefix keeps the two uses apart, so neither can stand in for the other).
 * Pure: node:crypto only, no AWS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../zod.ts';
import { CanonicalQuarterSchema } from '../domain/fiscal.ts';
import { measureIdPattern } from '../domain/ids.ts';

const prefix = 'SHINCHOKU-SHEET-1';
const minimumSecretBytes = 32;

/** Who a sheet was issued to: every 課 of a 部会, or one 課. */
export const SheetScopeSchema = z.object({
  kind: z.enum(['bukai', 'ka']),
  /** The 部会 or 課 id of the directory. */
  id: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type SheetScope = z.infer<typeof SheetScopeSchema>;

export const SheetReferenceSchema = z.strictObject({
  tenant: z.string().check(z.minLength(1), z.maxLength(64)),
  scope: SheetScopeSchema,
  quarter: CanonicalQuarterSchema,
  planVersion: z.string().check(z.minLength(1), z.maxLength(64)),
  issuedAt: z.iso.datetime({ offset: true }),
  /** `[row, 事業 id]` for every 事業 row, in sheet order. */
  rows: z.array(z.tuple([z.int().check(z.gte(1), z.lte(1_048_576)), z.string().check(z.regex(measureIdPattern))])).check(z.maxLength(1000)),
  /** Cell address → hash of the canonical text the export wrote there (see {@link cellHash}). */
  cells: z.record(z.string().check(z.regex(/^[A-Z]{1,3}\d{1,7}$/)), z.string().check(z.regex(/^[A-Za-z0-9_-]{1,16}$/))),
});
export type SheetReference = z.infer<typeof SheetReferenceSchema>;

/** Why a reference was not accepted. */
export type ReferenceProblem = { problem: 'missing' | 'malformed' | 'bad-signature'; ja: string; en: string };

function checkSecret(secret: string): void {
  if (Buffer.byteLength(secret) < minimumSecretBytes) {
    throw new Error(`署名鍵は ${minimumSecretBytes} バイト以上必要です / the signing secret must be at least ${minimumSecretBytes} bytes`);
  }
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${prefix}|${body}`).digest('base64url');
}

/**
 * A short hash of a cell's canonical text: enough to notice a change (60 bits), not to recover the
 * text. The reference is signed as a whole, so the hashes cannot be swapped for others.
 */
export function cellHash(canonicalText: string): string {
  return createHash('sha256').update(canonicalText, 'utf8').digest('base64url').slice(0, 10);
}

/** Sign a reference; the result goes into the hidden sheet. */
export function signReference(reference: SheetReference, secret: string): string {
  checkSecret(secret);
  const body = Buffer.from(JSON.stringify(SheetReferenceSchema.parse(reference)), 'utf8').toString('base64url');
  return `${prefix}.${body}.${mac(body, secret)}`;
}

/** Check a reference read back from a returned sheet and return what it says, or why it is refused. */
export function verifyReference(text: string | undefined, secret: string): SheetReference | ReferenceProblem {
  checkSecret(secret);
  if (text === undefined || text.trim() === '') {
    return {
      problem: 'missing',
      ja: 'シートの照合情報が見つかりません (削除されたか、このシステムが作成したシートではありません)。事務局から送られたシートを使ってください',
      en: 'the sheet\'s reference is missing (deleted, or not a sheet this system issued); please use the sheet the secretariat sent',
    };
  }
  const malformed: ReferenceProblem = {
    problem: 'malformed',
    ja: 'シートの照合情報が読み取れません (壊れているか、書き換えられています)',
    en: 'the sheet\'s reference cannot be read (damaged or altered)',
  };
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== prefix || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[2]!)) {
    return malformed;
  }
  const [, body, given] = parts as [string, string, string];
  const wanted = mac(body, secret);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(wanted))) {
    return {
      problem: 'bad-signature',
      ja: 'シートの照合情報の署名が一致しません (書き換えられたか、別の環境で作成されたシートです)',
      en: 'the sheet\'s reference signature does not match (altered, or issued by another installation)',
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return malformed;
  }
  const parsed = SheetReferenceSchema.safeParse(json);
  return parsed.success ? parsed.data : malformed;
}

/** True when `verifyReference` refused the reference. */
export function isReferenceProblem(value: SheetReference | ReferenceProblem): value is ReferenceProblem {
  return 'problem' in value;
}

/**
 * A cell holds at most 32,767 characters; a long reference (a 部会 with many 事業) is split over
 * several cells of the hidden sheet's column A and joined again on import.
 */
export const referenceChunkChars = 30_000;

export function chunkReference(signed: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < signed.length; i += referenceChunkChars) chunks.push(signed.slice(i, i + referenceChunkChars));
  return chunks;
}
