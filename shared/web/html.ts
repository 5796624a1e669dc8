/**
 * HTML built from tagged templates that escape every interpolation: what a person typed, a 事業 name
 * from the plan or a message from a refusal can never become markup. Only another `html` fragment
 * (or an explicit `unsafeRaw`) is inserted as is.
 * Pure: no I/O, no AWS.
 */

/** A piece of HTML that is already safe to insert. Build it with {@link html}, never by hand. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), fragments (inserted), lists of either, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text escaped for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => entities[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  // false/null/undefined render as nothing, so `${cond && html`…`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` fragments and arrays of them
 * are inserted unchanged.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup that is trusted because this code wrote it (e.g. the page's own CSS). Never user input. */
export function unsafeRaw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Joins fragments with a separator fragment. */
export function joinHtml(parts: readonly HtmlValue[], separator: SafeHtml = new SafeHtml('')): SafeHtml {
  return new SafeHtml(parts.map(render).join(separator.value));
}
