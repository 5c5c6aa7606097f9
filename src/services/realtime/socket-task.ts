import Taro from '@tarojs/taro';
import { CLOSE_ABNORMAL, CLOSE_NORMAL } from './protocol';
import type { OpenSocket, RealtimeSocket, SocketHandlers } from './types';

function errorText(e: unknown): string {
  return e && typeof e === 'object' && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : String(e);
}

/**
 * WeChat and Douyin: a SocketTask from Taro.connectSocket (the host's wx/tt.connectSocket; Taro
 * hands the task over once the call succeeded). One task per connection, its own listeners.
 */
export const openTaskSocket: OpenSocket = (url: string, handlers: SocketHandlers): RealtimeSocket => {
  let task: Taro.SocketTask | null = null;
  let opened = false;
  /** Set once the connection is over for the client: closed by it, or reported closed. */
  let done = false;
  let closeWith: { code: number; reason: string } | null = null;

  const report = (code: number, reason: string) => {
    if (done) return;
    done = true;
    handlers.close(code, reason);
  };
  const shut = (t: Taro.SocketTask, code: number, reason: string) => {
    try {
      t.close({ code, reason, fail: () => undefined });
    } catch {
      // Already closed.
    }
  };

  // The socket adapters are the one place that opens a socket (lint keeps it out of the rest).
  // eslint-disable-next-line no-restricted-syntax
  Taro.connectSocket({ url, fail: () => undefined }).then(
    (t) => {
      task = t;
      t.onOpen(() => {
        opened = true;
        // A close asked for before the connection opened takes effect now.
        if (closeWith) shut(t, closeWith.code, closeWith.reason);
        else if (!done) handlers.open();
      });
      t.onMessage((res: { data: unknown }) => {
        if (!done && typeof res.data === 'string') handlers.message(res.data);
      });
      t.onClose((res: { code?: number; reason?: string }) => report(typeof res?.code === 'number' ? res.code : CLOSE_ABNORMAL, res?.reason ?? ''));
      t.onError((res: { errMsg?: string }) => {
        // Not every host follows an error with a close event: end the connection here.
        report(CLOSE_ABNORMAL, res?.errMsg ?? 'socket error');
        shut(t, CLOSE_NORMAL, '');
      });
      if (closeWith && !opened) shut(t, closeWith.code, closeWith.reason);
    },
    (e: unknown) => report(CLOSE_ABNORMAL, errorText(e)),
  );

  return {
    send(text) {
      if (!done && task && opened) task.send({ data: text, fail: () => undefined });
    },
    close(code = CLOSE_NORMAL, reason = '') {
      if (done) return;
      done = true;
      closeWith = { code, reason };
      if (task) shut(task, code, reason);
    },
  };
};
