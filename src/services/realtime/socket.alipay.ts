import { CLOSE_ABNORMAL, CLOSE_NORMAL } from './protocol';
import type { OpenSocket, RealtimeSocket, SocketHandlers } from './types';

/** The part of Alipay's SocketTask (my.connectSocket with multiple: true) this adapter uses. */
interface AlipaySocketTask {
  send(option: { data: string; fail?: (e: unknown) => void }): void;
  close(option?: { code?: number; reason?: string; fail?: (e: unknown) => void }): void;
  onOpen(cb: (res: unknown) => void): void;
  onMessage(cb: (res: { data?: unknown; isBuffer?: boolean }) => void): void;
  onClose(cb: (res: { code?: number; reason?: string } | undefined) => void): void;
  onError(cb: (res: { errorMessage?: string; errMsg?: string } | undefined) => void): void;
}

declare const my: {
  connectSocket(option: { url: string; multiple: true; fail?: (e: unknown) => void }): AlipaySocketTask;
};

/** The text of a message: `data` is the text, or (some client versions) an object holding it. */
export function alipayMessageText(res: { data?: unknown; isBuffer?: boolean } | undefined): string | null {
  if (!res || res.isBuffer) return null;
  const data = res.data;
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const inner = data as { data?: unknown; isBuffer?: boolean };
    if (!inner.isBuffer && typeof inner.data === 'string') return inner.data;
  }
  return null;
}

/**
 * Alipay: its own SocketTask from my.connectSocket({ multiple: true }), with the task's own
 * listeners and send/close. Not through Taro.connectSocket: Taro's alipay runtime replaces the
 * task's methods with the global single-socket API (my.sendSocketMessage, my.onSocketOpen...),
 * which breaks a multiple-instance task (NervJS/taro#13252).
 */
export const openSocket: OpenSocket = (url: string, handlers: SocketHandlers): RealtimeSocket => {
  let task: AlipaySocketTask | null = null;
  let done = false;
  let opened = false;
  let closeWith: { code: number; reason: string } | null = null;
  const report = (code: number, reason: string) => {
    if (done) return;
    done = true;
    handlers.close(code, reason);
  };
  const shut = (code: number, reason: string) => {
    try {
      task?.close({ code, reason, fail: () => undefined });
    } catch {
      // Already closed.
    }
  };

  try {
    // The socket adapters are the one place that opens a socket (lint keeps it out of the rest).
    // eslint-disable-next-line no-restricted-syntax
    task = my.connectSocket({ url, multiple: true, fail: (e) => report(CLOSE_ABNORMAL, JSON.stringify(e ?? null)) });
  } catch (e) {
    report(CLOSE_ABNORMAL, String(e));
  }
  if (task) {
    task.onOpen(() => {
      opened = true;
      if (closeWith) shut(closeWith.code, closeWith.reason);
      else if (!done) handlers.open();
    });
    task.onMessage((res) => {
      const text = alipayMessageText(res);
      if (!done && text !== null) handlers.message(text);
    });
    task.onClose((res) => report(typeof res?.code === 'number' ? res.code : CLOSE_ABNORMAL, res?.reason ?? ''));
    task.onError((res) => {
      report(CLOSE_ABNORMAL, res?.errorMessage ?? res?.errMsg ?? 'socket error');
      shut(CLOSE_NORMAL, '');
    });
  }

  return {
    send(text) {
      if (!done && opened) task?.send({ data: text, fail: () => undefined });
    },
    close(code = CLOSE_NORMAL, reason = '') {
      if (done) return;
      done = true;
      closeWith = { code, reason };
      shut(code, reason);
    },
  };
};
