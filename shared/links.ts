/**
 * Where a 課 reports: the form link and the reply-to address of a reminder, both carrying a signed
 * token for that 課 and quarter. Built here only, so mails, forms and the mail intake agree.
 */
import { issueToken, type TokenPurpose } from './auth/link-token.ts';
import type { Directory } from './domain/directory.ts';

/** How long a reminder's link stays valid after it is issued. */
export const linkValidityDays = 60;

export function tokenFor(
  input: { tenant: string; kaId: string; quarter: string; purpose: TokenPurpose; now: Date; validDays?: number },
  secret: string,
): string {
  const expiresAt = Math.floor(input.now.getTime() / 1000) + (input.validDays ?? linkValidityDays) * 86_400;
  return issueToken({ tenant: input.tenant, kaId: input.kaId, quarter: input.quarter, purpose: input.purpose, expiresAt }, secret);
}

/** The web form of a 課 for a quarter: `<base>/form/<token>`. */
export function formLink(publicBaseUrl: string, formToken: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/form/${formToken}`;
}

/** The reply-to address that routes an answer to the mail intake: `progress+<token>@<domain>`. */
export function replyAddress(directory: Pick<Directory, 'replyLocalPart' | 'mailDomain'>, mailToken: string): string {
  return `${directory.replyLocalPart}+${mailToken}@${directory.mailDomain}`;
}

/** The token in a reply address, if the address is one of ours. */
export function tokenFromAddress(directory: Pick<Directory, 'replyLocalPart' | 'mailDomain'>, address: string): string | undefined {
  const match = /^([^+@\s]+)\+([^@\s]+)@([^@\s]+)$/.exec(address.trim().toLowerCase());
  if (!match) return undefined;
  const [, local, token, domain] = match;
  if (local !== directory.replyLocalPart.toLowerCase() || domain !== directory.mailDomain.toLowerCase()) return undefined;
  return token;
}
