/**
 * A 課's signed link checked against the directory: the claims and the 課 it names, or why it is
 * refused (401). The form and mail channels (shared/submit-report.ts `authenticate`) and the read
 * API (shared/auth/read-access.ts) check a 課's link with it.
 * Pure: no I/O, no AWS.
 */
import type { Directory, Ka } from '../domain/directory.ts';
import { TokenError, verifyToken, type LinkClaims, type TokenProblem, type TokenPurpose } from './link-token.ts';

export type KaLinkRefusal = {
  outcome: 'unauthenticated';
  ja: string;
  en: string;
  /** What was wrong with the token itself, when it was read: a caller may try it as another kind of link. */
  problem?: TokenProblem;
};

export function verifyKaLink(
  token: string | undefined,
  purpose: TokenPurpose,
  deps: { secret: string; tenant: string; directory: Pick<Directory, 'ka'>; now?: Date },
): { claims: LinkClaims; ka: Ka } | KaLinkRefusal {
  if (!token) return { outcome: 'unauthenticated', ja: '署名付きリンクが必要です', en: 'a signed link is required' };
  let claims: LinkClaims;
  try {
    claims = verifyToken(token, deps.secret, { tenant: deps.tenant, purpose, now: deps.now });
  } catch (error) {
    if (error instanceof TokenError) return { outcome: 'unauthenticated', ja: error.ja, en: error.en, problem: error.problem };
    throw error;
  }
  const ka = deps.directory.ka.find((k) => k.id === claims.kaId);
  if (!ka) return { outcome: 'unauthenticated', ja: 'このリンクの課は名簿にありません', en: "the link's department is not in the directory" };
  return { claims, ka };
}
