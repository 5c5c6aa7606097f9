import WebSocket from 'ws';

/** A frame the server sent (docs/realtime.md). */
export type Frame = { op: string } & Record<string, unknown>;

/**
 * A realtime client for tests: records every frame, waits for the one a test expects, and
 * reports how the socket closed.
 */
export interface TestSocket {
  frames: Frame[];
  send(frame: object): void;
  sendRaw(text: string): void;
  /** The first frame (after those already taken by earlier calls) that matches; rejects after timeoutMs. */
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  close(): void;
}

export async function openSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Frame);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (text) => ws.send(text),
    next(match, timeoutMs = 5000) {
      return new Promise<Frame>((resolve, reject) => {
        const look = () => {
          for (let i = taken; i < frames.length; i++) {
            if (match(frames[i])) {
              taken = i + 1;
              waiters.delete(look);
              clearTimeout(timer);
              resolve(frames[i]);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(taken))}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
    closed,
    close: () => ws.close(),
  };
}

/** Opens a socket, authenticates with the token and waits for `ready`. */
export async function signedInSocket(url: string, token: string): Promise<TestSocket> {
  const s = await openSocket(url);
  s.send({ op: 'auth', token });
  await s.next((f) => f.op === 'ready');
  return s;
}

export function realtimeUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/api/realtime`;
}
