/**
 * A plan's name as people read it: the municipality and the title, once each. A title that already
 * begins with the municipality ("桜台市DX推進計画") is not prefixed again.
 */
export function planTitleOf(plan: { municipality: string; title: string }): string {
  return plan.title.startsWith(plan.municipality) ? plan.title : `${plan.municipality} ${plan.title}`;
}
