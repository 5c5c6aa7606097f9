/**
 * The socket adapters are thin: each maps its host's socket onto SocketHandlers. These tests
 * drive a stand-in of each host object and check the mapping: open, text messages, one close
 * report with the code, nothing after the client's own close, and sends only once open.
 */
import Taro from '@tarojs/taro';
import { alipayMessageText, openSocket as openAlipay } from './socket.alipay';
import { openSocket as openH5 } from './socket.h5';
import { openTaskSocket } from './socket-task';
import type { SocketHandlers } from './types';

function recorder() {
  const log: string[] = [];
  const handlers: SocketHandlers = {
    open: () => log.push('open'),
    message: (t) => log.push(`message ${t}`),
    close: (code, reason) => log.push(`close ${code} ${reason}`),
  };
  return { log, handlers };
}

/** A host SocketTask: listeners by event, sends and closes recorded. */
function hostTask() {
  const on: Record<string, ((res: unknown) => void) | undefined> = {};
  const sent: string[] = [];
  const closes: unknown[] = [];
  const task = {
    onOpen: (cb: (res: unknown) => void) => (on.open = cb),
    onMessage: (cb: (res: unknown) => void) => (on.message = cb),
    onClose: (cb: (res: unknown) => void) => (on.close = cb),
    onError: (cb: (res: unknown) => void) => (on.error = cb),
    send: (o: { data: string }) => sent.push(o.data),
    close: (o: unknown) => closes.push(o),
  };
  return { task, on, sent, closes, fire: (name: string, res: unknown = {}) => on[name]?.(res) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SocketTask adapter (weapp, tt: Taro.connectSocket)', () => {
  const taro = Taro as unknown as { connectSocket?: jest.Mock };
  afterEach(() => {
    delete taro.connectSocket;
  });

  test('open, text messages, close with its code; binary frames dropped', async () => {
    const host = hostTask();
    taro.connectSocket = jest.fn(() => Promise.resolve(host.task));
    const r = recorder();
    const socket = openTaskSocket('ws://h/api/realtime', r.handlers);
    expect(taro.connectSocket).toHaveBeenCalledWith(expect.objectContaining({ url: 'ws://h/api/realtime' }));
    socket.send('early');
    await flush();
    host.fire('open');
    socket.send('{"op":"auth"}');
    host.fire('message', { data: '{"op":"ready"}' });
    host.fire('message', { data: new ArrayBuffer(2) });
    host.fire('close', { code: 4401, reason: 'bad token' });
    host.fire('close', { code: 1000, reason: 'again' });
    expect(r.log).toEqual(['open', 'message {"op":"ready"}', 'close 4401 bad token']);
    expect(host.sent).toEqual(['{"op":"auth"}']);
  });

  test('an error ends the connection (closed as 1006) even when the host sends no close event', async () => {
    const host = hostTask();
    taro.connectSocket = jest.fn(() => Promise.resolve(host.task));
    const r = recorder();
    openTaskSocket('ws://h', r.handlers);
    await flush();
    host.fire('error', { errMsg: 'connect fail' });
    host.fire('close', { code: 1006, reason: '' });
    expect(r.log).toEqual(['close 1006 connect fail']);
    expect(host.closes).toHaveLength(1);
  });

  test('a failed connectSocket call is a close (1006)', async () => {
    taro.connectSocket = jest.fn(() => Promise.reject({ errMsg: 'connectSocket:fail url not in domain list' }));
    const r = recorder();
    openTaskSocket('ws://h', r.handlers);
    await flush();
    expect(r.log).toEqual(['close 1006 connectSocket:fail url not in domain list']);
  });

  test('closed by the client before the task arrived: closed once it does, nothing reported', async () => {
    const host = hostTask();
    taro.connectSocket = jest.fn(() => Promise.resolve(host.task));
    const r = recorder();
    const socket = openTaskSocket('ws://h', r.handlers);
    socket.close(1000, 'bye');
    await flush();
    host.fire('open');
    host.fire('close', { code: 1000, reason: 'bye' });
    expect(r.log).toEqual([]);
    expect(host.closes.length).toBeGreaterThanOrEqual(1);
    expect(host.closes[0]).toMatchObject({ code: 1000, reason: 'bye' });
  });
});

describe('Alipay adapter (my.connectSocket, multiple: true)', () => {
  const g = globalThis as unknown as { my?: { connectSocket: jest.Mock } };
  afterEach(() => {
    delete g.my;
  });

  test('uses its own SocketTask: listeners, send and close on the task', () => {
    const host = hostTask();
    g.my = { connectSocket: jest.fn(() => host.task) };
    const r = recorder();
    const socket = openAlipay('ws://h/api/realtime', r.handlers);
    expect(g.my.connectSocket).toHaveBeenCalledWith(expect.objectContaining({ url: 'ws://h/api/realtime', multiple: true }));
    socket.send('too early');
    host.fire('open');
    socket.send('{"op":"auth"}');
    host.fire('message', { data: '{"op":"ready"}' });
    host.fire('message', { data: 'QUJD', isBuffer: true });
    host.fire('close', { code: 1001, reason: 'server shutting down' });
    expect(r.log).toEqual(['open', 'message {"op":"ready"}', 'close 1001 server shutting down']);
    expect(host.sent).toEqual(['{"op":"auth"}']);
    socket.close();
    expect(host.closes).toHaveLength(0);
  });

  test('client close: the task is closed, nothing more is reported', () => {
    const host = hostTask();
    g.my = { connectSocket: jest.fn(() => host.task) };
    const r = recorder();
    const socket = openAlipay('ws://h', r.handlers);
    host.fire('open');
    socket.close(1000);
    host.fire('message', { data: 'late' });
    host.fire('close', { code: 1000 });
    expect(r.log).toEqual(['open']);
    expect(host.closes).toEqual([expect.objectContaining({ code: 1000 })]);
  });

  test('an error without a close event, or a refused call, is reported as 1006', () => {
    const host = hostTask();
    g.my = { connectSocket: jest.fn(() => host.task) };
    const r = recorder();
    openAlipay('ws://h', r.handlers);
    host.fire('error', { errorMessage: '网络出错' });
    expect(r.log).toEqual(['close 1006 网络出错']);

    g.my = {
      connectSocket: jest.fn((o: { fail: (e: unknown) => void }) => {
        o.fail({ error: 5, errorMessage: 'URL 必须以 ws 或者 wss 开头' });
        return host.task;
      }),
    };
    const r2 = recorder();
    openAlipay('http://h', r2.handlers);
    expect(r2.log).toHaveLength(1);
    expect(r2.log[0]).toMatch(/^close 1006 /);
  });

  test('message text: plain, or nested in data by some client versions; base64 buffers dropped', () => {
    expect(alipayMessageText({ data: '{"op":"pong"}' })).toBe('{"op":"pong"}');
    expect(alipayMessageText({ data: { data: '{"op":"pong"}', isBuffer: false } })).toBe('{"op":"pong"}');
    expect(alipayMessageText({ data: 'e30=', isBuffer: true })).toBeNull();
    expect(alipayMessageText(undefined)).toBeNull();
  });
});

describe('H5 adapter (the browser WebSocket)', () => {
  class FakeWebSocket {
    static OPEN = 1;
    static last: FakeWebSocket;
    readyState = 0;
    sent: string[] = [];
    closed: unknown[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onclose: ((e: { code: number; reason: string }) => void) | null = null;
    constructor(readonly url: string) {
      FakeWebSocket.last = this;
    }
    send(t: string) {
      this.sent.push(t);
    }
    close(code?: number, reason?: string) {
      this.closed.push([code, reason]);
    }
  }
  const original = globalThis.WebSocket;
  beforeEach(() => {
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeWebSocket;
  });
  afterEach(() => {
    globalThis.WebSocket = original;
  });

  test('maps the browser events; sends only while open', () => {
    const r = recorder();
    const socket = openH5('ws://localhost/api/realtime', r.handlers);
    const ws = FakeWebSocket.last;
    expect(ws.url).toBe('ws://localhost/api/realtime');
    socket.send('early');
    ws.readyState = 1;
    ws.onopen?.();
    socket.send('{"op":"auth"}');
    ws.onmessage?.({ data: '{"op":"ready"}' });
    ws.onmessage?.({ data: new Blob(['x']) });
    ws.onclose?.({ code: 4401, reason: 'revoked' });
    expect(r.log).toEqual(['open', 'message {"op":"ready"}', 'close 4401 revoked']);
    expect(ws.sent).toEqual(['{"op":"auth"}']);
  });

  test('a close without a code is 1006; the client close reports nothing', () => {
    const r = recorder();
    openH5('ws://x', r.handlers);
    FakeWebSocket.last.onclose?.({ code: 0, reason: '' });
    expect(r.log).toEqual(['close 1006 ']);

    const r2 = recorder();
    const socket = openH5('ws://x', r2.handlers);
    socket.close(1000, 'paused');
    FakeWebSocket.last.onclose?.({ code: 1000, reason: 'paused' });
    expect(r2.log).toEqual([]);
    expect(FakeWebSocket.last.closed).toEqual([[1000, 'paused']]);
  });
});
