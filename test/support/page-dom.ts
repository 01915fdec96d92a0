/**
 * Just what the browser tests read inside a page. The callbacks passed to `page.evaluate` run in Chromium;
 * the project compiles without the DOM library (its code runs on Node), so each browser test file declares
 * the page's globals with these types, for itself: `declare const document: PageDocument;`.
 */
export interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  removeAttribute(name: string): void;
  closest(selectors: string): PageElement | null;
  querySelector(selectors: string): PageElement | null;
}

export interface PageDocument {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  getElementById(id: string): PageElement | null;
}
