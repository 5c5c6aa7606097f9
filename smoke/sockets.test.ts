import { WebSocketServer } from 'ws';
import { createSocketHost, frames } from './sockets';
import type { HostHooks } from './platform-api';

/**
 * The host's SocketTask over a real WebSocket: frames go both ways, events reach the listeners
 * as host macrotasks in order (the call's success first), shaped per host, and a close by the
 * app reaches the server.
 */
function hooksQueue() {
  const queue: (() => void)[] = [];
  const failures: string[] = [];
  const hooks: HostHooks = { later: (fn) => void queue.push(fn), fail: (m) => void failures.push(m), note: () => undefined };
  const drain = () => {
    while (queue.length) queue.shift()?.();
  };
  return { hooks, failures, drain };
}

/** The SocketTask surface the tests drive. */
interface TaskLike {
  onOpen(cb: (res: unknown) => void): void;
  onMessage(cb: (res: unknown) => void): void;
  onClose(cb: (res: unknown) => void): void;
  send(o: { data: string }): void;
  close(o: { code?: number; reason?: string }): void;
}

const until = async (cond: () => boolean, drain: () => void, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) {
    drain();
    await new Promise((r) => setTimeout(r, 10));
  }
  drain();
};

describe('the simulated host socket', () => {
  let server: WebSocketServer;
  let port = 0;
  const serverGot: string[] = [];
  const serverClosed: number[] = [];
  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server.once('listening', () => r()));
    port = (server.address() as { port: number }).port;
    server.on('connection', (ws, req) => {
      if (req.url !== '/api/realtime') ws.close(4404, 'wrong path');
      ws.on('message', (d) => {
        serverGot.push(d.toString());
        ws.send(JSON.stringify({ op: 'echo', of: JSON.parse(d.toString()) as unknown }));
      });
      ws.on('close', (code) => serverClosed.push(code));
    });
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  test.each(['weapp', 'alipay', 'tt'] as const)('%s: a SocketTask backed by a real connection', async (platform) => {
    const q = hooksQueue();
    const host = createSocketHost(platform, q.hooks, `http://127.0.0.1:${port}`);
    const events: string[] = [];
    const task = host.connectSocket({
      url: 'ws://127.0.0.1:3000/api/realtime',
      multiple: true,
      success: () => events.push('success'),
    }) as unknown as TaskLike;
    task.onOpen(() => {
      events.push('open');
      task.send({ data: '{"op":"ping"}' });
    });
    task.onMessage((res) => {
      const r = res as { data: string; isBuffer?: boolean };
      events.push(`message ${r.data}${platform === 'alipay' ? ` isBuffer=${r.isBuffer}` : ''}`);
      task.close({ code: 1000, reason: 'done' });
    });
    task.onClose((res) => events.push(`close ${(res as { code: number }).code}`));
    await until(() => events.some((e) => e.startsWith('close')), q.drain);
    expect(events).toEqual([
      'success',
      'open',
      `message {"op":"echo","of":{"op":"ping"}}${platform === 'alipay' ? ' isBuffer=false' : ''}`,
      'close 1000',
    ]);
    const [report] = host.reports;
    expect(report).toMatchObject({ url: 'ws://127.0.0.1:3000/api/realtime', connectedTo: `ws://127.0.0.1:${port}/api/realtime`, opened: true, closed: { code: 1000, by: 'app' } });
    expect(frames(report.sent)).toEqual([{ op: 'ping' }]);
    expect(q.failures).toEqual([]);
    expect(serverGot.at(-1)).toBe('{"op":"ping"}');
    host.closeAll();
  });

  test('the server closing with a code reaches onClose with it', async () => {
    const q = hooksQueue();
    const host = createSocketHost('weapp', q.hooks, `http://127.0.0.1:${port}`);
    let closed: unknown = null;
    const task = host.connectSocket({ url: 'ws://127.0.0.1:3000/api/elsewhere' }) as unknown as TaskLike;
    task.onClose((res) => (closed = res));
    await until(() => closed !== null, q.drain);
    expect(closed).toEqual({ code: 4404, reason: 'wrong path' });
    expect(q.failures.join('\n')).toMatch(/path the API does not serve: \/api\/elsewhere/);
    expect(host.reports[0].closed).toMatchObject({ code: 4404, by: 'server' });
  });
});
