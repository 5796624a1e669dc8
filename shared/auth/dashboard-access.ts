/**
 * Who may open the dashboard: the plan's secretariat (事務局) and the leadership, each with a signed
 * link of purpose `dashboard`. The link format is the per-課 link's (shared/auth/link-token.ts); its
 * holder is the secretariat's 課 id or `leadership`, its quarter is only the quarter shown first. A
 * 課's form or mail link fails here (another purpose), and so does a dashboard link issued to any
 * other 課: the dashboard shows every department's reports and names.
 * Pure: no I/O, no AWS.
 */
import type { Directory } from '../domain/directory.ts';
import { issueToken, TokenError, verifyToken, type LinkClaims } from './link-token.ts';

/** The holder id of a link for the leadership (not a 課 of the directory). */
export const leadershipHolder = 'leadership';

/** How long a dashboard link stays valid by default: the leadership keeps it for a while. */
export const dashboardLinkValidityDays = 180;

export interface DashboardViewer {
  claims: LinkClaims;
  /** The secretariat's 課 id or `leadership`. */
  holder: string;
  /** For the page and the log: who the link was issued to. */
  name: string;
}

export type DashboardRefusal = { outcome: 'unauthenticated'; ja: string; en: string };

/** The holders a dashboard link may be issued to. */
export function dashboardHolders(directory: Pick<Directory, 'secretariat'>): { id: string; name: string }[] {
  return [
    { id: directory.secretariat.kaId, name: directory.secretariat.name },
    { id: leadershipHolder, name: '幹部 / leadership' },
  ];
}

/** Issue a dashboard link token. Throws for a holder that may not see the dashboard. */
export function issueDashboardToken(
  input: { tenant: string; directory: Pick<Directory, 'secretariat'>; holder: string; quarter: string; now: Date; validDays?: number },
  secret: string,
): string {
  if (!dashboardHolders(input.directory).some((h) => h.id === input.holder)) {
    throw new Error(
      `ダッシュボードのリンクは事務局 (${input.directory.secretariat.kaId}) か ${leadershipHolder} にのみ発行できます / ` +
        `dashboard links are issued only to the secretariat (${input.directory.secretariat.kaId}) or ${leadershipHolder}`,
    );
  }
  const expiresAt = Math.floor(input.now.getTime() / 1000) + (input.validDays ?? dashboardLinkValidityDays) * 86_400;
  return issueToken({ tenant: input.tenant, kaId: input.holder, quarter: input.quarter, purpose: 'dashboard', expiresAt }, secret);
}

/** The dashboard page of a link: `<base>/dashboard/<token>`. */
export function dashboardLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/dashboard/${token}`;
}

/** Check a dashboard link; the viewer, or why it is refused (401). */
export function authenticateDashboard(
  token: string | undefined,
  deps: { secret: string; tenant: string; directory: Pick<Directory, 'secretariat'>; now?: Date },
): DashboardViewer | DashboardRefusal {
  if (!token) return { outcome: 'unauthenticated', ja: '署名付きリンクが必要です', en: 'a signed link is required' };
  let claims: LinkClaims;
  try {
    claims = verifyToken(token, deps.secret, { tenant: deps.tenant, purpose: 'dashboard', now: deps.now });
  } catch (error) {
    if (error instanceof TokenError) return { outcome: 'unauthenticated', ja: error.ja, en: error.en };
    throw error;
  }
  const holder = dashboardHolders(deps.directory).find((h) => h.id === claims.kaId);
  if (!holder) {
    return {
      outcome: 'unauthenticated',
      ja: 'このリンクの発行先はダッシュボードを閲覧できません',
      en: 'the holder of this link may not view the dashboard',
    };
  }
  return { claims, holder: holder.id, name: holder.name };
}
