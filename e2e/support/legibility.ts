import type { Locator } from 'playwright-core';

export interface Legibility {
  text: string;
  color: string;
  background: string;
  /** WCAG contrast ratio of the text colour (alpha-blended) against the effective background. */
  ratio: number;
}

/**
 * Measures how readable an element's text is: its computed text colour against the first
 * non-transparent background up its ancestors (white at the top), alpha-blended, as a WCAG
 * contrast ratio. Catches text styled away (e.g. Taro's H5 `taro-button-core[disabled]` rule,
 * which also matches disabled="false", paints button text white at 60 %).
 */
export function measureLegibility(target: Locator): Promise<Legibility> {
  return target.evaluate((el: Element) => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const layers: Rgba[] = [];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let background: Rgba = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i -= 1) background = over(layers[i], background);
    const style = getComputedStyle(el);
    const fg = over(parse(style.color), background);
    const lum = (c: Rgba) => {
      const ch = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
    };
    const [hi, lo] = [lum(fg), lum(background)].sort((a, b) => b - a);
    const rgb = (c: Rgba) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(', ')})`;
    return {
      text: (el.textContent ?? '').trim(),
      color: style.color,
      background: rgb(background),
      ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
    };
  });
}

/**
 * Collects legibility problems through a scenario and reports them all at the end, so one
 * unreadable button does not hide what the rest of the flow would show.
 */
export function legibilityChecks(minRatio = 3) {
  const problems: string[] = [];
  return {
    /** Records a problem when the element's text contrast is below minRatio (WCAG AA for UI text). */
    async check(target: Locator, where: string): Promise<void> {
      const l = await measureLegibility(target);
      if (l.ratio < minRatio) {
        problems.push(`${where}: "${l.text}" is ${l.color} on ${l.background} (contrast ${l.ratio}, needs ${minRatio})`);
      }
    },
    problems,
  };
}
