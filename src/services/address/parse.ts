import type { RegionProvince } from './regions';

/**
 * Reads a pasted address ("张三 13800138000 浙江省杭州市西湖区文三路90号", a Taobao or WeChat
 * address card with 收货人/手机号码/所在地区/详细地址 labels, or the parts in another order)
 * into the form's fields. What it cannot tell is left out, for the shopper to fill in.
 */
export interface ParsedAddress {
  name?: string;
  phone?: string;
  province?: string;
  city?: string;
  district?: string;
  detail?: string;
}

const LABEL = /(收货人|收件人|联系人|姓名|手机号码|手机号|手机|联系电话|电话号码|电话|联系方式|所在地区|所在地|省市区|详细地址|收货地址|地址|邮编|邮政编码)\s*[:：]/g;
const NAME_LABEL = /(收货人|收件人|联系人|姓名)\s*(?=[\u4e00-\u9fa5])/g;
// A mainland mobile number, with or without +86 and spaces or dashes in the usual places.
const PHONE = /(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/;
const POSTCODE = /^\d{6}$/;
const ADDRESS_WORD = /[路街道巷弄号村镇乡栋幢室楼层区县市省州旗]/;
const NAME = /^(?:[\u4e00-\u9fa5·]{2,6}|[A-Za-z][A-Za-z .'-]{1,19})$/;

const PROVINCE_SUFFIX = /(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$/;
const CITY_SUFFIX = /(市|地区|盟)$/;
const DISTRICT_SUFFIX = /(新区|区|县|市|旗)$/;

/** The names a region is written with: its full name, then a short form of two characters or more. */
function forms(name: string, kind: 'province' | 'city' | 'district'): string[] {
  let short = name;
  if (kind === 'province') short = name.replace(PROVINCE_SUFFIX, '');
  else if (kind === 'city') short = name.endsWith('自治州') ? name.slice(0, 2) : name.replace(CITY_SUFFIX, '');
  else short = name.replace(DISTRICT_SUFFIX, '');
  return short !== name && short.length >= 2 ? [name, short] : [name];
}

/** The longest form of one of names that text starts with. */
function startsWithOne<T extends string>(text: string, names: readonly T[], kind: 'province' | 'city' | 'district'): { name: T; rest: string } | null {
  let best: { name: T; length: number } | null = null;
  for (const name of names) {
    for (const form of forms(name, kind)) {
      if (text.startsWith(form) && (!best || form.length > best.length)) best = { name, length: form.length };
    }
  }
  return best ? { name: best.name, rest: text.slice(best.length) } : null;
}

/** Province, city and district at the start of the address text, and what follows them. */
export function matchRegion(text: string, regions: readonly RegionProvince[]): Omit<ParsedAddress, 'name' | 'phone'> {
  let rest = text;
  let province = startsWithOne(rest, regions.map((p) => p.name), 'province');
  let provinceData = province ? regions.find((p) => p.name === province?.name) : undefined;
  if (province) rest = province.rest;

  // Without a province, the city names it ("杭州市西湖区…").
  let city: { name: string; rest: string } | null = null;
  const candidates = provinceData ? [provinceData] : regions;
  for (const p of candidates) {
    const found = startsWithOne(rest, p.cities.map((c) => c.name), 'city');
    if (found) {
      city = found;
      provinceData = p;
      break;
    }
  }
  if (city) rest = city.rest;
  else if (provinceData && provinceData.cities.length === 1) {
    // A municipality: its one city is itself ("北京市朝阳区…").
    city = { name: provinceData.cities[0].name, rest };
  }
  if (!province && provinceData && city) province = { name: provinceData.name, rest: '' };

  const cityData = provinceData?.cities.find((c) => c.name === city?.name);
  let district: { name: string; rest: string } | null = null;
  if (cityData) {
    district = startsWithOne(rest, cityData.districts, 'district');
    if (district) rest = district.rest;
    else if (cityData.districts.length === 1 && cityData.districts[0] === cityData.name) district = { name: cityData.name, rest };
  }
  const out: Omit<ParsedAddress, 'name' | 'phone'> = {};
  if (province) out.province = province.name;
  if (city) out.city = city.name;
  if (district) out.district = district.name;
  const detail = rest.replace(/^[\s,，]+/, '').trim();
  if (/[\u4e00-\u9fa5A-Za-z0-9]/.test(detail)) out.detail = detail;
  return out;
}

function isRegionName(token: string, regions: readonly RegionProvince[]): boolean {
  return regions.some(
    (p) =>
      forms(p.name, 'province').includes(token) ||
      p.cities.some((c) => forms(c.name, 'city').includes(token) || c.districts.some((d) => forms(d, 'district').includes(token))),
  );
}

export function parseAddress(raw: string, regions: readonly RegionProvince[]): ParsedAddress {
  let text = raw.replace(/\r/g, '\n').replace(LABEL, '\n').replace(NAME_LABEL, '\n');
  const out: ParsedAddress = {};

  const phone = PHONE.exec(text);
  if (phone) {
    out.phone = phone[1] + phone[2] + phone[3];
    text = text.replace(phone[0], '\n');
  }

  const tokens = text
    .split(/[\n,，;；|\t]+|\s+/)
    .map((s) => s.replace(/^[【\[(（]+|[】\])）]+$/g, '').trim())
    .filter((s) => s.length > 0 && !POSTCODE.test(s));

  // The name: a short token that is no part of the address. A name is written first or last;
  // the first such token wins.
  const nameIndex = tokens.findIndex((tok) => NAME.test(tok) && !ADDRESS_WORD.test(tok.slice(-1)) && !isRegionName(tok, regions));
  if (nameIndex >= 0) out.name = tokens.splice(nameIndex, 1)[0];

  const address = tokens.join('');
  if (address) Object.assign(out, matchRegion(address, regions));
  return out;
}
