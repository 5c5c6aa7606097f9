import type { Page } from 'playwright-core';

/** One axe-core rule broken on a page, with the elements that break it. */
export interface AxeViolation {
  rule: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** A tappable element smaller than the minimum target. */
export interface SmallTarget {
  element: string;
  text: string;
  width: number;
  height: number;
}

/**
 * axe-core (from npm, injected into the page) over what is on screen: the WCAG 2.x A and AA
 * rules (contrast of all text, alt text, labels, names, viewport zoom, language...). Hidden
 * elements (earlier pages Taro keeps in the DOM) are skipped by axe itself.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html.slice(0, 160), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240) })),
    }));
  });
}

/**
 * Every visible element a shopper can tap on the shown page and the tab bar, measured in CSS
 * px: links, buttons, form controls, and any element given a click handler (react-dom's props
 * on plain elements, `__events` on Taro's H5 components). A target counts as big enough when
 * its box, or the box of a tappable ancestor that takes the same tap, is at least min x min.
 */
export function smallTargets(page: Page, min = 44): Promise<SmallTarget[]> {
  return page.evaluate((minPx) => {
    const reactProps = (el: Element): Record<string, unknown> | null => {
      const key = Object.keys(el).find((k) => k.startsWith('__reactProps$'));
      return key ? ((el as unknown as Record<string, Record<string, unknown>>)[key] ?? null) : null;
    };
    const native = 'a[href], button, input:not([type=hidden]), select, textarea, taro-button-core, taro-checkbox-core, taro-radio-core, taro-switch-core, [role=button], [role=link], [role=tab], .weui-tabbar__item';
    // Taro's H5 components (taro-view-core...) keep their React handlers in `__events`.
    const taroEvents = (el: Element) => (el as unknown as { __events?: Record<string, unknown> }).__events ?? {};
    const tappable = (el: Element) => el.matches(native) || typeof reactProps(el)?.onClick === 'function' || 'click' in taroEvents(el) || 'tap' in taroEvents(el);
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return false;
      const style = getComputedStyle(el);
      return style.visibility !== 'hidden' && style.display !== 'none' && el.closest('.taro_page:not(.taro_page_show)') === null && !el.closest('[aria-hidden="true"]');
    };
    const bigEnough = (el: Element) => {
      const r = el.getBoundingClientRect();
      return Math.round(r.width) >= minPx && Math.round(r.height) >= minPx;
    };
    const out: { element: string; text: string; width: number; height: number }[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (!tappable(el) || !visible(el) || bigEnough(el)) continue;
      // Inside a tappable ancestor that is big enough (a card's title, a tab's label): that box takes the tap.
      let up = el.parentElement;
      let covered = false;
      while (up && up !== document.body) {
        if (tappable(up) && bigEnough(up)) {
          covered = true;
          break;
        }
        up = up.parentElement;
      }
      if (covered) continue;
      // An element the visible page does not show (a page still in the stack under the shown one).
      if (el.closest('.taro_page') && !el.closest('.taro_page_show')) continue;
      const r = el.getBoundingClientRect();
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      out.push({ element: `${el.tagName.toLowerCase()}${cls}`, text: (el.textContent ?? '').trim().slice(0, 20), width: Math.round(r.width), height: Math.round(r.height) });
    }
    return out;
  }, min);
}
