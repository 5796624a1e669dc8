/**
 * A value a warm function loads once and keeps for a while: the plan and directory, the link secret,
 * an AWS client. The calls within `maxAgeMs` of a load (concurrent ones included) share that one load;
 * a load that fails is not kept, so the next call loads again.
 * Pure: no I/O, no AWS.
 */

/** Gives the kept value, or starts a new `load` when there is none, it failed or it is `maxAgeMs` old. */
export type Kept<T> = (load: () => Promise<T>, now?: number) => Promise<T>;

/** @param maxAgeMs how long a load is kept; `Infinity` keeps it for the life of the sandbox. */
export function keptFor<T>(maxAgeMs: number): Kept<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return (load, now = Date.now()) => {
    if (!kept || now - kept.at >= maxAgeMs) {
      const value = load();
      value.catch(() => {
        if (kept?.value === value) kept = undefined;
      });
      kept = { at: now, value };
    }
    return kept.value;
  };
}
