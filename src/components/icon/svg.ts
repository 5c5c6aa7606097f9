/**
 * The shop's icons: Lucide (lucide-static, ISC), imported one by one so only the icons used
 * are bundled. Each is an SVG string drawn with `currentColor`; iconSrc() paints it and turns it
 * into a data URI that an <Image> shows on H5 and on every mini-program (no icon font, nothing
 * fetched at run time).
 */
export {
  Camera,
  ChevronLeft,
  ChevronRight,
  ClipboardPaste,
  ClipboardList,
  Clock,
  HandCoins,
  Link,
  MapPin,
  MessageCircleQuestionMark,
  PackageCheck,
  PackageOpen,
  QrCode,
  RotateCcw,
  Search,
  Send,
  Share2,
  ShoppingCart,
  Store,
  Trash2,
  Truck,
  UserRound,
  Wallet,
} from 'lucide-static';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of an ASCII string (the icons' SVG text is ASCII; mini-programs have no btoa). */
export function asciiBase64(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : NaN;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : NaN;
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (Number.isNaN(b) ? '=' : B64[(n >> 6) & 63]) + (Number.isNaN(c) ? '=' : B64[n & 63]);
  }
  return out;
}

const cache = new Map<string, string>();

/** A data URI of the icon painted in color (stroke width as given, Lucide's default 2). */
export function iconSrc(svg: string, color: string, strokeWidth = 2): string {
  const key = `${color}|${strokeWidth}|${svg}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const painted = svg
    .replace(/currentColor/g, color)
    .replace(/stroke-width="[\d.]+"/, `stroke-width="${strokeWidth}"`)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  const uri = `data:image/svg+xml;base64,${asciiBase64(painted)}`;
  cache.set(key, uri);
  return uri;
}
