import { installAbortController, MiniAbortController } from './abort-controller';

describe('AbortController fallback', () => {
  it('is installed only where the host lacks one', () => {
    expect(installAbortController({ AbortController: function Native() {} })).toBe(false);
    const host: Record<string, unknown> = {};
    expect(installAbortController(host)).toBe(true);
    expect(host.AbortController).toBe(MiniAbortController);
  });

  it('aborts once, notifies listeners and onabort, honours once and removal', () => {
    const c = new MiniAbortController();
    const a = jest.fn();
    const b = jest.fn();
    const removed = jest.fn();
    c.signal.onabort = jest.fn();
    c.signal.addEventListener('abort', a, { once: true });
    c.signal.addEventListener('abort', b);
    c.signal.addEventListener('abort', removed);
    c.signal.removeEventListener('abort', removed);
    expect(() => c.signal.throwIfAborted()).not.toThrow();
    c.abort();
    c.abort();
    expect(c.signal.aborted).toBe(true);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(c.signal.onabort).toHaveBeenCalledTimes(1);
    expect(() => c.signal.throwIfAborted()).toThrow('aborted');
  });
});
