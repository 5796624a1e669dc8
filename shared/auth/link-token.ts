/**
 * Signed, expiring access tokens per 課 and quarter: the key in the form link of a reminder mail, and
 * the reference in its reply-to address (`progress+<token>@…`). HMAC-SHA256 with a secret from
 * configuration; nothing is stored, so checking a token costs no database read.
 *
 * Format: `<kaId>.<fiscal year>q<quarter>.<expiry>.<signature>`, e.g.
 * `sogo-seisaku.2013q2.mqp1kg.k4tq7z2mb5xv3nfa`, lower case only: it must survive as the local part
 * of a mail address (at most 64 characters, and mail systems may change its case). The tenant and the
 * purpose are signed but not written: the verifier knows both, so a token for another city or for
 * another use fails the signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const tokenPurposes = ['form', 'mail', 'dashboard'] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

export interface LinkClaims {
  tenant: string;
  kaId: string;
  /** Canonical quarter, e.g. FY2013-Q2. */
  quarter: string;
  purpose: TokenPurpose;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

export type TokenProblem = 'malformed' | 'bad-signature' | 'expired';

export class TokenError extends Error {
  constructor(
    readonly problem: TokenProblem,
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'TokenError';
  }
}

const minimumSecretBytes = 32;
const signatureChars = 16; // 80 bits of HMAC-SHA256, in base32
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
// One spelling per token: the expiry has no leading zero (parseInt would read "0mqp1kg" as "mqp1kg").
const tokenPattern = /^([a-z0-9][a-z0-9-]{1,40})\.(\d{4})q([1-4])\.([1-9a-z][0-9a-z]{0,7})\.([a-z2-7]{16})$/;

function checkSecret(secret: string): void {
  if (Buffer.byteLength(secret) < minimumSecretBytes) {
    throw new Error(
      `署名鍵は ${minimumSecretBytes} バイト以上必要です / the signing secret must be at least ${minimumSecretBytes} bytes`,
    );
  }
}

function toBase32(bytes: Buffer, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function signature(claims: LinkClaims, secret: string): string {
  const message = ['v1', claims.tenant, claims.purpose, claims.kaId, claims.quarter, claims.expiresAt].join('|');
  return toBase32(createHmac('sha256', secret).update(message).digest(), signatureChars);
}

export function issueToken(claims: LinkClaims, secret: string): string {
  checkSecret(secret);
  const quarter = /^FY(\d{4})-Q([1-4])$/.exec(claims.quarter);
  if (!quarter || !/^[a-z0-9][a-z0-9-]{1,40}$/.test(claims.kaId)) {
    throw new Error(`トークンを作れません / cannot issue a token for ${claims.kaId} ${claims.quarter}`);
  }
  return [claims.kaId, `${quarter[1]}q${quarter[2]}`, claims.expiresAt.toString(36), signature(claims, secret)].join('.');
}

/**
 * Verify a token for a tenant and purpose, and return its claims; throws {@link TokenError} saying
 * what is wrong.
 */
export function verifyToken(
  token: string,
  secret: string,
  expected: { tenant: string; purpose: TokenPurpose; now?: Date },
): LinkClaims {
  checkSecret(secret);
  // Only ASCII letters are folded (a mail system may change their case): toLowerCase would also turn
  // look-alikes such as the Kelvin sign (U+212A) into "k", giving one token many spellings.
  const match = tokenPattern.exec(token.trim().replace(/[A-Z]/g, (c) => c.toLowerCase()));
  if (!match) throw new TokenError('malformed', 'リンクの形式が正しくありません', 'the link is malformed');
  const [, kaId, year, q, expiry, given] = match as unknown as [string, string, string, string, string, string];
  const claims: LinkClaims = {
    tenant: expected.tenant,
    kaId,
    quarter: `FY${year}-Q${q}`,
    purpose: expected.purpose,
    expiresAt: Number.parseInt(expiry, 36),
  };
  const wanted = signature(claims, secret);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(wanted))) {
    throw new TokenError(
      'bad-signature',
      'リンクの署名が正しくありません (改ざんされたか、別の用途のリンクです)',
      'the link signature is invalid (altered, or meant for another use)',
    );
  }
  if (claims.expiresAt <= Math.floor((expected.now ?? new Date()).getTime() / 1000)) {
    throw new TokenError(
      'expired',
      'リンクの有効期限が切れています。新しいリンクを事務局に依頼してください',
      'the link has expired; ask the secretariat for a new one',
    );
  }
  return claims;
}
