import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './config-error';
import type { OutboxEvent, Sink } from './outbox';
import { WEBHOOK_EVENT_NAMES } from '../events/catalog';

/**
 * Merchant webhooks: an outbox sink that POSTs events to a merchant's URL, signed with a shared
 * secret (HMAC-SHA256 over "<unix seconds>.<body>"). 2xx is delivered; anything else, a network
 * error or a timeout makes the outbox retry with backoff. docs/outbox.md describes the format.
 */

export interface WebhookEndpoint {
  /** The outbox sink name (stored per delivery): "webhook:" + the URL's origin and path. */
  name: string;
  url: string;
  secret: string;
  /** Event types sent: exact names, "prefix.*", or ['*'] for all. */
  types: string[];
}

export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_DEFAULT_TIMEOUT_MS = 10_000;
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const WEBHOOK_HEADERS = {
  eventId: 'Shop-Event-Id',
  eventType: 'Shop-Event-Type',
  signature: 'Shop-Signature',
} as const;

const EVENT_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;

function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * Webhook endpoints from the environment:
 * - MERCHANT_WEBHOOK_URL: one URL or a comma-separated list (unset or empty: no webhooks);
 * - MERCHANT_WEBHOOK_SECRET: the signing secret, at least 16 characters, required with a URL;
 * - MERCHANT_WEBHOOK_EVENTS: comma-separated event types ("payment.succeeded", "refund.*"),
 *   default "*" (all the catalog's webhook events: WEBHOOK_EVENT_NAMES; never the platform's
 *   internal ones, such as staff, account and referral-binding changes).
 * With NODE_ENV=production a URL must be https (http only to localhost).
 */
export function loadWebhookEndpoints(env: Record<string, string | undefined>): WebhookEndpoint[] {
  const urls = (env.MERCHANT_WEBHOOK_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) return [];

  const secret = env.MERCHANT_WEBHOOK_SECRET ?? '';
  if (secret.trim() === '') throw new ConfigError('MERCHANT_WEBHOOK_SECRET is required when MERCHANT_WEBHOOK_URL is set');
  if (secret.length < WEBHOOK_SECRET_MIN_LENGTH) {
    throw new ConfigError(`MERCHANT_WEBHOOK_SECRET must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`);
  }

  const eventsRaw = (env.MERCHANT_WEBHOOK_EVENTS ?? '').trim() || '*';
  const types = [...new Set(eventsRaw.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  if (types.length === 0) throw new ConfigError('MERCHANT_WEBHOOK_EVENTS must list event types (e.g. "payment.succeeded,refund.*") or be "*"');
  for (const t of types) {
    if (!EVENT_PATTERN.test(t)) {
      throw new ConfigError(`MERCHANT_WEBHOOK_EVENTS: "${t}" is not an event type (e.g. "payment.succeeded", "refund.*" or "*")`);
    }
    if (!WEBHOOK_EVENT_NAMES.some((name) => matches(t, name))) {
      throw new ConfigError(`MERCHANT_WEBHOOK_EVENTS: "${t}" matches no event a webhook may receive (${WEBHOOK_EVENT_NAMES.join(', ')})`);
    }
  }

  const production = env.NODE_ENV === 'production';
  const seen = new Set<string>();
  return urls.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`MERCHANT_WEBHOOK_URL: "${raw}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError(`MERCHANT_WEBHOOK_URL: "${raw}" must be an http(s) URL`);
    }
    if (production && url.protocol === 'http:' && !isLocalHost(url.hostname)) {
      throw new ConfigError(`MERCHANT_WEBHOOK_URL: "${raw}" must use https when NODE_ENV=production`);
    }
    // Query strings and credentials stay out of the name (it is stored and logged).
    const name = `webhook:${url.origin}${url.pathname}`;
    if (seen.has(name)) throw new ConfigError(`MERCHANT_WEBHOOK_URL lists ${url.origin}${url.pathname} twice`);
    seen.add(name);
    return { name, url: url.toString(), secret, types };
  });
}

function matches(pattern: string, type: string): boolean {
  return pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)));
}

/** Whether an endpoint's type list takes an event type: only ever one of the catalog's webhook events. */
export function acceptsType(types: readonly string[], type: string): boolean {
  return WEBHOOK_TYPES.has(type) && types.some((t) => matches(t, type));
}

const WEBHOOK_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_NAMES);

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Shop-Signature header value: "t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${body}`>". */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * Checks a Shop-Signature header against the raw body: some v1 value must be the HMAC of
 * "<t>.<body>" and t within toleranceSeconds of now (epoch ms, as Date.now()). Compares in
 * constant time. Merchants verify the bytes they received, before parsing the JSON.
 */
export function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string,
  now: number = Date.now(),
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

/** The JSON body a merchant receives. */
export interface WebhookBody {
  id: string;
  type: string;
  aggregateId: string;
  createdAt: number;
  data: unknown;
}

export function webhookBody(event: OutboxEvent): string {
  const body: WebhookBody = { id: event.id, type: event.type, aggregateId: event.aggregateId, createdAt: event.createdAt, data: event.payload };
  return JSON.stringify(body);
}

/** An error's message plus its cause's (fetch hides ECONNREFUSED and the like in the cause). */
function describe(err: unknown): string {
  // No instanceof: errors from fetch may come from another realm.
  const messageOf = (e: unknown) => (e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e));
  const cause = err && typeof err === 'object' && 'cause' in err && err.cause ? `: ${messageOf(err.cause)}` : '';
  return `${messageOf(err)}${cause}`;
}

export interface WebhookSinkOptions {
  /** Per request, including reading the answer. Default 10 s. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Clock for the signature timestamp (epoch ms). Default Date.now. */
  now?: () => number;
}

/** An outbox sink that POSTs each accepted event to the endpoint, signed. Redirects are not followed. */
export function webhookSink(endpoint: WebhookEndpoint, opts: WebhookSinkOptions = {}): Sink {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_DEFAULT_TIMEOUT_MS;
  const fetchImpl = opts.fetchImpl ?? fetch;
  const clock = opts.now ?? Date.now;
  return {
    name: endpoint.name,
    accepts: (type) => acceptsType(endpoint.types, type),
    async deliver(event) {
      const body = webhookBody(event);
      const timestamp = Math.floor(clock() / 1000);
      const signal = AbortSignal.timeout(timeoutMs);
      let res: Response;
      try {
        res = await fetchImpl(endpoint.url, {
          method: 'POST',
          redirect: 'manual',
          signal,
          headers: {
            'Content-Type': 'application/json',
            [WEBHOOK_HEADERS.eventId]: event.id,
            [WEBHOOK_HEADERS.eventType]: event.type,
            [WEBHOOK_HEADERS.signature]: signWebhook(endpoint.secret, timestamp, body),
          },
          body,
        });
      } catch (err) {
        if (signal.aborted) throw new Error(`webhook ${endpoint.name}: no answer within ${timeoutMs} ms`);
        throw new Error(`webhook ${endpoint.name}: ${describe(err)}`);
      }
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel().catch(() => undefined);
        return;
      }
      const text = await res.text().catch(() => '');
      const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
      throw new Error(`webhook ${endpoint.name}: HTTP ${res.status}${snippet ? ` ${snippet}` : ''}`);
    },
  };
}
