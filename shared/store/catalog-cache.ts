/**
 * The plan and the directory, read from DynamoDB once per warm function and kept for a few minutes:
 * every request needs them, they change rarely, and a re-load of the plan should still reach running
 * functions without a redeploy.
 */
import type { Directory } from '../domain/directory.ts';
import type { PlanFile } from '../domain/plan.ts';
import { keptFor } from '../kept.ts';
import { loadDirectory } from './directory-items.ts';
import { loadPlan } from './plan-items.ts';
import type { Store } from './store.ts';

export interface Catalog {
  plan: PlanFile;
  directory: Directory;
}

export class CatalogMissingError extends Error {
  constructor(what: 'plan' | 'directory', tenant: string) {
    super(
      `${what === 'plan' ? '計画' : '名簿'}がテナント ${tenant} に読み込まれていません / no ${what} is loaded for tenant ${tenant}`,
    );
    this.name = 'CatalogMissingError';
  }
}

export function catalogLoader(store: Store, maxAgeMs = 5 * 60_000): () => Promise<Catalog> {
  const kept = keptFor<Catalog>(maxAgeMs);
  return () =>
    kept(() =>
      Promise.all([loadPlan(store), loadDirectory(store)]).then(([plan, directory]) => {
        if (!plan) throw new CatalogMissingError('plan', store.tenant);
        if (!directory) throw new CatalogMissingError('directory', store.tenant);
        return { plan, directory };
      }),
    );
}
