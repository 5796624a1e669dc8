import { describe, expect, it } from 'vitest';
import { issueToken, TokenError, verifyToken, type LinkClaims } from '#shared/auth/link-token';
import { tokenCharsBeyondKaId } from '#shared/domain/directory';

const secret = 'test-secret-test-secret-test-secret-0123';
const now = new Date('2013-07-10T00:00:00Z');
const claims: LinkClaims = {
  tenant: 'shimotsuke',
  kaId: 'sogo-seisaku',
  quarter: 'FY2013-Q2',
  purpose: 'form',
  expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86_400,
};

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TokenError ? error.problem : `not a TokenError: ${String(error)}`;
  }
}

describe('signed links', () => {
  it('round-trips the claims and fits a mail address local part', () => {
    // Act
    const token = issueToken(claims, secret);
    // Assess
    expect(verifyToken(token, secret, { tenant: 'shimotsuke', purpose: 'form', now })).toEqual(claims);
    expect(`progress+${token}`.length).toBeLessThanOrEqual(64);
    expect(token).toMatch(/^[a-z0-9.-]+$/);
  });

  it('has one spelling only: a leading zero in the expiry or a non-ASCII look-alike is malformed', () => {
    // Prepare
    const token = issueToken({ ...claims, kaId: 'kikaku-ka' }, secret);

    // Act
    const zeroPadded = token.replace(/\.([0-9a-z]+)\.([a-z2-7]+)$/, '.0$1.$2');
    const kelvin = token.replace('k', '\u212a');

    // Assess
    expect(problemOf(() => verifyToken(zeroPadded, secret, { tenant: 'shimotsuke', purpose: 'form', now }))).toBe('malformed');
    expect(problemOf(() => verifyToken(kelvin, secret, { tenant: 'shimotsuke', purpose: 'form', now }))).toBe('malformed');
  });

  it('is as long as a 課 id plus tokenCharsBeyondKaId, an expiry in seven base-36 digits included', () => {
    // Prepare: an expiry after 2038 takes seven digits
    const late = { ...claims, expiresAt: Date.UTC(2100, 0, 1) / 1000 };

    // Act
    const token = issueToken(late, secret);

    // Assess
    expect(late.expiresAt.toString(36)).toHaveLength(7);
    expect(token).toHaveLength(claims.kaId.length + tokenCharsBeyondKaId);
    expect(`progress+${token}`.length).toBeLessThanOrEqual(64);
  });

  it('survives a mail system changing its case', () => {
    const token = issueToken({ ...claims, purpose: 'mail' }, secret);
    expect(verifyToken(token.toUpperCase(), secret, { tenant: 'shimotsuke', purpose: 'mail', now }).kaId).toBe('sogo-seisaku');
  });

  it('refuses an expired link at the second it expires', () => {
    const token = issueToken(claims, secret);
    const atExpiry = new Date(claims.expiresAt * 1000);
    expect(problemOf(() => verifyToken(token, secret, { tenant: 'shimotsuke', purpose: 'form', now: atExpiry }))).toBe('expired');
    const justBefore = new Date(claims.expiresAt * 1000 - 1000);
    expect(verifyToken(token, secret, { tenant: 'shimotsuke', purpose: 'form', now: justBefore }).kaId).toBe('sogo-seisaku');
  });

  it.each([
    ['another 課', (t: string) => t.replace('sogo-seisaku', 'somu-ka')],
    ['another quarter', (t: string) => t.replace('2013q2', '2013q3')],
    ['a later expiry', (t: string) => t.replace(/\.([0-9a-z]+)\.([a-z2-7]+)$/, (_, e: string, s: string) => `.${(Number.parseInt(e, 36) + 86_400).toString(36)}.${s}`)],
    ['a flipped signature character', (t: string) => t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a')],
  ])('refuses a link altered to %s', (_, alter) => {
    const token = issueToken(claims, secret);
    const altered = alter(token);
    expect(altered).not.toBe(token);
    expect(problemOf(() => verifyToken(altered, secret, { tenant: 'shimotsuke', purpose: 'form', now }))).toBe('bad-signature');
  });

  it('refuses a link of another city, another purpose or another secret', () => {
    const token = issueToken(claims, secret);
    expect(problemOf(() => verifyToken(token, secret, { tenant: 'other-city', purpose: 'form', now }))).toBe('bad-signature');
    expect(problemOf(() => verifyToken(token, secret, { tenant: 'shimotsuke', purpose: 'mail', now }))).toBe('bad-signature');
    expect(problemOf(() => verifyToken(token, `${secret}x`, { tenant: 'shimotsuke', purpose: 'form', now }))).toBe('bad-signature');
  });

  it.each(['', 'abc', 'sogo-seisaku.2013q2.zz', 'sogo-seisaku.2013q5.abc.aaaaaaaaaaaaaaaa', '../etc.2013q2.abc.aaaaaaaaaaaaaaaa'])(
    'refuses the malformed token "%s"',
    (token) => {
      expect(problemOf(() => verifyToken(token, secret, { tenant: 'shimotsuke', purpose: 'form', now }))).toBe('malformed');
    },
  );

  it('refuses a short secret', () => {
    expect(() => issueToken(claims, 'short')).toThrow(/32/);
  });
});
