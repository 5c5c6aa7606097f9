import WebSocket from 'ws';
import type { HostHooks, Platform } from './platform-api';

/**
 * The simulated host's WebSocket API: wx.connectSocket and tt.connectSocket return a SocketTask,
 * my.connectSocket({ multiple: true }) returns Alipay's SocketTask (without `multiple` Alipay
 * keeps its single global socket, which the host refuses: the realtime adapter must not use it).
 *
 * With a realtime target (the origin of a running API) each task is backed by a real WebSocket
 * client (the `ws` package) connected to that server, at the path the app asked for; events are
 * handed to the task's listeners as host macrotasks (the virtual clock), shaped as each host
 * shapes them. Without a target every connection fails like an unreachable server (an error,
 * then a close with 1006), so the app's reconnect path runs.
 */
export interface SocketReport {
  /** The address the app asked for. */
  url: string;
  /** Where the host connected it (null: no realtime server in this run). */
  connectedTo: string | null;
  /** The options the app passed, without callbacks. */
  options: Record<string, unknown>;
  opened: boolean;
  /** Text frames the app sent, in order. */
  sent: string[];
  /** Text frames the server sent, in order. */
  received: string[];
  closed: { code: number; reason: string; by: 'app' | 'server' | 'network' } | null;
}

type Callbacks = { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void };
type Listener = (res: unknown) => void;

/** The path the realtime endpoint lives at; a socket anywhere else is a failure. */
export const REALTIME_PATH = '/api/realtime';

export function createSocketHost(platform: Platform, hooks: HostHooks, target: string | null) {
  const reports: SocketReport[] = [];
  const open = new Set<WebSocket>();
  const name = platform === 'alipay' ? 'my' : platform === 'tt' ? 'tt' : 'wx';

  const errorRes = (message: string) => (platform === 'alipay' ? { error: 1, errorMessage: message } : { errMsg: `connectSocket:fail ${message}` });
  const settle = (o: Callbacks | undefined, res: unknown, ok: boolean) =>
    hooks.later(() => {
      if (ok) o?.success?.(res);
      else o?.fail?.(res);
      o?.complete?.(res);
    });

  function connectSocket(o: Callbacks & { url?: string; multiple?: boolean; header?: unknown; protocols?: unknown }) {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o ?? {})) if (typeof v !== 'function') options[k] = v;
    const url = String(o?.url ?? '');
    const report: SocketReport = { url, connectedTo: null, options, opened: false, sent: [], received: [], closed: null };
    reports.push(report);

    if (platform === 'alipay' && o?.multiple !== true) {
      hooks.fail(`my.connectSocket without multiple: true uses Alipay's single global socket (my.onSocketMessage...); the realtime adapter must pass multiple: true`);
      settle(o, { error: 2, errorMessage: 'single-instance socket refused by the smoke host' }, false);
      return undefined;
    }
    let pathname = '';
    try {
      pathname = new URL(url).pathname;
      if (!/^wss?:$/.test(new URL(url).protocol)) throw new Error('not ws');
    } catch {
      hooks.fail(`${name}.connectSocket: "${url}" is not a ws:// or wss:// URL`);
      settle(o, errorRes('invalid url'), false);
      return undefined;
    }
    if (pathname !== REALTIME_PATH) hooks.fail(`${name}.connectSocket to a path the API does not serve: ${pathname}`);

    const listeners: Record<'open' | 'message' | 'close' | 'error', Set<Listener>> = {
      open: new Set(),
      message: new Set(),
      close: new Set(),
      error: new Set(),
    };
    const emit = (event: keyof typeof listeners, res: unknown) => hooks.later(() => {
      for (const l of [...listeners[event]]) l(res);
    });
    const closeWith = (code: number, reason: string, by: 'app' | 'server' | 'network') => {
      if (!report.closed) report.closed = { code, reason, by };
      emit('close', { code, reason });
    };

    let ws: WebSocket | null = null;
    settle(o, platform === 'alipay' ? { socketTaskId: reports.length } : { errMsg: 'connectSocket:ok' }, true);
    if (!target) {
      emit('error', errorRes('the smoke host has no realtime server in this run'));
      closeWith(1006, 'unreachable', 'network');
    } else {
      const dest = new URL(url);
      const t = new URL(target);
      dest.protocol = t.protocol === 'https:' ? 'wss:' : 'ws:';
      dest.host = t.host;
      report.connectedTo = dest.toString();
      const socket = new WebSocket(dest.toString(), { handshakeTimeout: 10_000 });
      ws = socket;
      open.add(socket);
      socket.on('open', () => {
        report.opened = true;
        emit('open', platform === 'alipay' ? {} : { header: {}, profile: {} });
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        report.received.push(text);
        emit('message', platform === 'alipay' ? { data: text, isBuffer: false } : { data: text });
      });
      socket.on('error', (err) => emit('error', errorRes(err.message)));
      socket.on('close', (code, reason) => {
        open.delete(socket);
        closeWith(code, reason.toString('utf8'), report.closed?.by ?? 'server');
      });
    }

    const on = (event: keyof typeof listeners) => (cb: Listener) => {
      if (typeof cb === 'function') listeners[event].add(cb);
    };
    const off = (event: keyof typeof listeners) => (cb: Listener) => {
      listeners[event].delete(cb);
    };
    return {
      onOpen: on('open'),
      onMessage: on('message'),
      onClose: on('close'),
      onError: on('error'),
      offOpen: off('open'),
      offMessage: off('message'),
      offClose: off('close'),
      offError: off('error'),
      send(s: Callbacks & { data?: unknown }) {
        if (typeof s?.data !== 'string') hooks.fail(`${name} SocketTask.send: the realtime protocol sends text frames, got ${typeof s?.data}`);
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          settle(s, platform === 'alipay' ? { error: 10, errorMessage: '网络连接没有打开，无法发送消息' } : { errMsg: 'sendSocketMessage:fail WebSocket is not connected' }, false);
          return;
        }
        report.sent.push(String(s.data));
        ws.send(String(s.data));
        settle(s, { errMsg: 'sendSocketMessage:ok' }, true);
      },
      close(c?: Callbacks & { code?: number; reason?: string }) {
        const code = c?.code ?? 1000;
        const reason = c?.reason ?? '';
        if (!report.closed) report.closed = { code, reason, by: 'app' };
        if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
          try {
            ws.close(code, reason);
          } catch (err) {
            hooks.fail(`${name} SocketTask.close(${code}): ${err instanceof Error ? err.message : String(err)}`);
            ws.terminate();
          }
        }
        settle(c, { errMsg: 'closeSocket:ok' }, true);
      },
    };
  }

  return {
    connectSocket,
    reports,
    /** Ends every connection still open (the run is over). */
    closeAll(): void {
      for (const ws of open) ws.terminate();
      open.clear();
    },
  };
}

/** The frames of a socket report, parsed (text that is not JSON is kept as a string). */
export function frames(texts: readonly string[]): Record<string, unknown>[] {
  return texts.map((t) => {
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      return { raw: t };
    }
  });
}
