import { describe, expect, it } from 'vitest';
import { escapeHtml, html, joinHtml, SafeHtml, unsafeRaw } from '#shared/web/html';

describe('html tagged template', () => {
  it('escapes text interpolated into element content', () => {
    // Prepare
    const typed = '<script>alert("x")</script> & more';
    // Act
    const out = html`<p>${typed}</p>`.value;
    // Assess
    expect(out).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>');
  });

  it('keeps an attribute value from breaking out of its quotes, either kind', () => {
    // Prepare
    const typed = `" autofocus onfocus="alert(1)' x='`;
    // Act
    const out = html`<input value="${typed}"><input value='${typed}'>`.value;
    // Assess
    expect(out).not.toMatch(/onfocus="/);
    expect(out).not.toMatch(/x='/);
    expect(out).toContain('&quot; autofocus onfocus=&quot;alert(1)&#39; x=&#39;');
  });

  it('inserts nested fragments and lists of them once, without escaping them again', () => {
    // Prepare
    const items = ['a<b', 'c&d'].map((t) => html`<li>${t}</li>`);
    // Act
    const out = html`<ul>${items}</ul>${html`<em>${'<'}</em>`}`.value;
    // Assess
    expect(out).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul><em>&lt;</em>');
  });

  it('renders null, undefined and false as nothing, and numbers (also 0) as text', () => {
    // Act
    const out = html`[${null}${undefined}${false}${0}${12.5}${true}]`.value;
    // Assess
    expect(out).toBe('[012.5true]');
  });

  it('escapes every character that matters in HTML text and attributes', () => {
    // Act / Assess
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
    expect(escapeHtml('進捗 100%')).toBe('進捗 100%');
  });

  it('passes only explicit raw markup through, and joins with a separator fragment', () => {
    // Act
    const raw = unsafeRaw('<b>ok</b>');
    const joined = joinHtml(['x<', raw], html`<br>`);
    // Assess
    expect(raw).toBeInstanceOf(SafeHtml);
    expect(joined.value).toBe('x&lt;<br><b>ok</b>');
    expect(String(html`${raw}`)).toBe('<b>ok</b>');
  });
});
