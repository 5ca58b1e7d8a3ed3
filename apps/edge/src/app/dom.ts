// Small DOM helpers: typed lookups and element building without innerHTML (model names are untrusted).
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** A two-or-more column table with a header row; cells given as text. */
export function table(head: string[], rows: string[][], testId?: string): HTMLElement {
  const t = h('table', testId ? { 'data-testid': testId } : {});
  t.append(h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))));
  const body = h('tbody');
  for (const r of rows)
    body.append(h('tr', {}, h('th', { scope: 'row' }, r[0]!), ...r.slice(1).map((c) => h('td', { class: 'num' }, c))));
  t.append(body);
  return h('div', { class: 'table-wrap' }, t);
}

export function intFrom(input: HTMLInputElement, min: number, max: number, fallback: number): number {
  const n = Number(input.value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : fallback;
}
