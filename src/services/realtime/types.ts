/**
 * The one interface every platform's socket adapter implements (socket.<env>.ts): open a text
 * WebSocket and report what happens on it. Adapters stay thin; the protocol lives in client.ts.
 */
export interface SocketHandlers {
  /** The connection is open: frames can be sent. */
  open(): void;
  /** A text frame arrived (binary frames are not part of the protocol and are dropped). */
  message(text: string): void;
  /**
   * The connection is gone, reported at most once per socket, also when it never opened (code
   * 1006 then). Never reported after the client called `close()` itself.
   */
  close(code: number, reason: string): void;
}

export interface RealtimeSocket {
  send(text: string): void;
  /** Closes the connection; no handler is called for this socket afterwards. */
  close(code?: number, reason?: string): void;
}

export type OpenSocket = (url: string, handlers: SocketHandlers) => RealtimeSocket;
