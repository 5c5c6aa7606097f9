import http from 'node:http';
import https from 'node:https';

/**
 * The HTTP transport of the channel adapters: one request, the whole answer as text.
 *
 * Node's global `fetch` (undici with WHATWG streams, abort plumbing and content decoding) cost
 * about a sixth of the app's CPU per checkout in the payment's prepay call; a channel call needs
 * none of that: a small JSON or form body out, a small signed body back. This is node:http(s)
 * over the global agents, which keep connections alive (Node 20's default: idle sockets are
 * dropped after 5 s, well before the channels' servers close them).
 *
 * The shape is the part of fetch's the adapters use, so a test can still pass a fetch-typed
 * fake; a real fetch is accepted too.
 */
export interface ChannelResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null; forEach(callback: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

export interface ChannelRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request (AbortSignal.timeout(ms) for a deadline). */
  signal?: AbortSignal;
}

export type ChannelFetch = (url: string, init: ChannelRequest) => Promise<ChannelResponse>;

/** A channel's answer is a few KB; anything far larger is not a channel talking. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

class AnswerHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  forEach(callback: (value: string, key: string) => void): void {
    for (const [key, value] of Object.entries(this.raw)) {
      if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, key);
    }
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new Error('the request was aborted');
}

export const channelFetch: ChannelFetch = (url, init) =>
  new Promise<ChannelResponse>((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
    if (!client) {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const { signal } = init;
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const req = client.request(target, { method: init.method, headers });
    const onAbort = () => req.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    req.on('error', (err) => {
      done();
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          req.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => {
        done();
        reject(err);
      });
      let ended = false;
      res.on('close', () => {
        if (ended) return;
        done();
        reject(new Error('the connection closed before the answer was complete'));
      });
      res.on('end', () => {
        ended = true;
        done();
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, headers: new AnswerHeaders(res.headers), text: () => Promise.resolve(text) });
      });
    });
    req.end(init.body);
  });
