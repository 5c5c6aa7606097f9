import { CLOSE_ABNORMAL, CLOSE_NORMAL } from './protocol';
import type { OpenSocket, RealtimeSocket, SocketHandlers } from './types';

/** H5: the browser's WebSocket. */
export const openSocket: OpenSocket = (url: string, handlers: SocketHandlers): RealtimeSocket => {
  let done = false;
  // The socket adapters are the one place that opens a socket (lint keeps it out of the rest).
  // eslint-disable-next-line no-restricted-syntax
  const ws = new WebSocket(url);
  ws.onopen = () => {
    if (!done) handlers.open();
  };
  ws.onmessage = (e: MessageEvent) => {
    if (!done && typeof e.data === 'string') handlers.message(e.data);
  };
  // The browser follows every error with a close event, which carries the code.
  ws.onclose = (e: CloseEvent) => {
    if (done) return;
    done = true;
    handlers.close(e.code || CLOSE_ABNORMAL, e.reason);
  };
  return {
    send(text) {
      if (!done && ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close(code = CLOSE_NORMAL, reason = '') {
      if (done) return;
      done = true;
      try {
        ws.close(code, reason);
      } catch {
        ws.close();
      }
    },
  };
};
