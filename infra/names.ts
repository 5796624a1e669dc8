/** How the stack turns the kebab-case names of functions, rules and schedules into construct ids. */

/** `get-plan` → `GetPlan`, `apply-late-report` → `ApplyLateReport`: the construct id for a kebab-case name. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
