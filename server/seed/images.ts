import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, PROBLEM_CONTENT_TYPE, problemBody } from '../infra/errors';
import { buildDemoShop } from './data';

/**
 * Generated placeholder images for the demo shop: an SVG with a colour and the product's,
 * category's, merchant's or banner's name. Served at /images/<file>.svg.
 */
interface ImageSpec {
  label: string;
  sublabel: string;
  hue: number;
  kind: 'product' | 'category' | 'merchant' | 'banner';
}

function hueOf(text: string): number {
  return createHash('sha1').update(text).digest()[0] * (360 / 256);
}

let registry: Map<string, ImageSpec> | null = null;

function imageRegistry(): Map<string, ImageSpec> {
  if (registry) return registry;
  const shop = buildDemoShop();
  const map = new Map<string, ImageSpec>();
  const file = (path: string) => path.replace(/^\/images\//, '');
  const categoryName = new Map(shop.categories.map((c) => [c.id, c.name]));
  for (const c of shop.categories) map.set(file(c.icon), { label: c.name, sublabel: '', hue: hueOf(c.id), kind: 'category' });
  for (const m of shop.merchants) map.set(file(m.logo), { label: m.name.slice(0, 2), sublabel: m.name, hue: hueOf(m.id), kind: 'merchant' });
  for (const b of shop.banners) map.set(file(b.image), { label: b.title, sublabel: '限时活动', hue: hueOf(b.id), kind: 'banner' });
  for (const p of shop.products) {
    p.images.forEach((img, i) => {
      map.set(file(img), { label: p.title, sublabel: categoryName.get(p.categoryId) ?? '', hue: (hueOf(p.id) + i * 40) % 360, kind: 'product' });
    });
  }
  registry = map;
  return map;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** HSL to #rrggbb (hex colours render everywhere, including older SVG renderers). */
export function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export function renderSvg(spec: ImageSpec): string {
  const [w, h] = spec.kind === 'banner' ? [750, 300] : spec.kind === 'product' ? [600, 600] : [160, 160];
  const bg = hslHex(spec.hue, 0.65, 0.62);
  const bg2 = hslHex((spec.hue + 30) % 360, 0.7, 0.48);
  const size = spec.kind === 'banner' ? 44 : spec.kind === 'product' ? Math.min(52, Math.floor(520 / Math.max(spec.label.length, 1))) : Math.min(40, Math.floor(130 / Math.max(spec.label.length, 1)));
  const sub = spec.sublabel && spec.kind !== 'category'
    ? `<text x="50%" y="${h / 2 + size}" font-size="${Math.round(size * 0.5)}" fill="#ffffff" fill-opacity="0.85" text-anchor="middle" dominant-baseline="middle">${escapeXml(spec.sublabel)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${bg}"/><stop offset="1" stop-color="${bg2}"/></linearGradient></defs>
<rect width="${w}" height="${h}" fill="url(#g)"/>
<text x="50%" y="${sub ? h / 2 - size * 0.3 : h / 2}" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" font-size="${size}" font-weight="600" fill="#fff" text-anchor="middle" dominant-baseline="middle">${escapeXml(spec.label)}</text>
${sub}
</svg>
`;
}

const FILE = /^[A-Za-z0-9_-]{1,64}\.svg$/;

/** The SVG for an image file name, or null when there is no such image. */
export function imageSvg(file: string): string | null {
  if (!FILE.test(file)) return null;
  const spec = imageRegistry().get(file);
  return spec ? renderSvg(spec) : null;
}

export async function sendImage(req: FastifyRequest, reply: FastifyReply, file: string): Promise<FastifyReply> {
  const svg = imageSvg(file);
  if (!svg) {
    const err = new AppError('NOT_FOUND', `no image ${file}`);
    return reply.code(404).header('content-type', PROBLEM_CONTENT_TYPE).send(problemBody(err, req.id));
  }
  const etag = `"${createHash('sha1').update(svg).digest('base64url').slice(0, 16)}"`;
  reply.header('cache-control', 'public, max-age=86400').header('etag', etag);
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('image/svg+xml; charset=utf-8').send(svg);
}
