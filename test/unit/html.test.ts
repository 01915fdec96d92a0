import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../functions/shared/html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in bodies and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
  });

  it('escapes an ampersand that is already an entity, so text shows as typed', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('html', () => {
  it('escapes script tags in interpolated text', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('escapes quotes, so a value cannot break out of an attribute', () => {
    const url = `x" onclick="alert(1)`;
    expect(html`<a href="${url}">go</a>`.value).toBe('<a href="x&quot; onclick=&quot;alert(1)">go</a>');
    expect(html`<a href='${"x' onmouseover='y"}'>go</a>`.value).toBe(
      "<a href='x&#39; onmouseover=&#39;y'>go</a>",
    );
  });

  it('does not escape SafeHtml twice, including what html itself returns', () => {
    const inner = html`<b>${'Tom & Jerry'}</b>`;
    expect(html`<p>${inner}</p>`.value).toBe('<p><b>Tom &amp; Jerry</b></p>');
    expect(html`${new SafeHtml('<br>')}`.value).toBe('<br>');
    expect(String(inner)).toBe('<b>Tom &amp; Jerry</b>');
  });

  it('joins arrays with nothing between, escaping each item unless it is SafeHtml', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
    expect(html`${['<', '>']}`.value).toBe('&lt;&gt;');
    expect(html`${[['x', ['&']]]}`.value).toBe('x&amp;');
  });

  it('renders nothing for undefined, null and false, and numbers as written', () => {
    expect(html`[${undefined}${null}${false}]`.value).toBe('[]');
    expect(html`${0} ${3.5}`.value).toBe('0 3.5');
  });
});
