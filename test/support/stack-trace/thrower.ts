/** Fails on a known line, so a test can find that line in a stack trace. */
export function checkBudget(amount: number): number {
  if (amount < 0) {
    throw new RangeError(`negative amount: ${amount}`);
  }
  return amount;
}

/** The line of the `throw` above. */
export const throwLine = 4;
