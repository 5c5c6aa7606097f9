import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { LivePlayer } from './player.h5';
import { isFlv, isHls } from './player-types';

const mockHls = { loadSource: jest.fn(), attachMedia: jest.fn(), destroy: jest.fn(), handlers: new Map<string, (e: string, d: { fatal?: boolean }) => void>() };
const mockLoaded = jest.fn();
jest.mock('hls.js', () => {
  mockLoaded();
  class Hls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'manifestParsed', ERROR: 'hlsError' };
    loadSource = mockHls.loadSource;
    attachMedia = mockHls.attachMedia;
    destroy = mockHls.destroy;
    on = (event: string, cb: (e: string, d: { fatal?: boolean }) => void) => mockHls.handlers.set(event, cb);
  }
  return { __esModule: true, default: Hls };
});

const mockFlv = { attachMediaElement: jest.fn(), load: jest.fn(), destroy: jest.fn(), handlers: new Map<string, () => void>(), created: [] as unknown[] };
const mockFlvSupported = { value: true };
jest.mock('mpegts.js', () => ({
  __esModule: true,
  default: {
    isSupported: () => mockFlvSupported.value,
    Events: { ERROR: 'error' },
    createPlayer: (source: unknown, config: unknown) => {
      mockFlv.created.push({ source, config });
      return { attachMediaElement: mockFlv.attachMediaElement, load: mockFlv.load, destroy: mockFlv.destroy, on: (event: string, cb: () => void) => mockFlv.handlers.set(event, cb) };
    },
  },
}));

const SRC = 'https://shop.test/media/demo-live/index.m3u8';
const FLV = 'https://cdn.test/live/room1.flv?auth_key=1';

beforeEach(() => {
  mockHls.handlers.clear();
  mockFlv.handlers.clear();
  mockFlv.created.length = 0;
  mockFlvSupported.value = true;
  jest.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
});

describe('the H5 live player', () => {
  it('knows an HLS playlist', () => {
    expect(isHls(SRC)).toBe(true);
    expect(isHls('/a.m3u8?t=1')).toBe(true);
    expect(isHls('https://cdn.test/live.flv')).toBe(false);
  });

  it('plays HLS natively where the browser can, without loading hls.js', () => {
    const can = jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('maybe');
    render(<LivePlayer src={SRC} className="v" onError={jest.fn()} />);
    expect((screen.getByTestId('live-video') as HTMLVideoElement).src).toBe(SRC);
    expect(mockLoaded).not.toHaveBeenCalled();
    can.mockRestore();
  });

  it('elsewhere loads hls.js on demand and attaches it; a fatal error is reported, and unmounting destroys it', async () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('');
    const onError = jest.fn();
    const { unmount } = render(<LivePlayer src={SRC} className="v" onError={onError} />);
    await waitFor(() => expect(mockHls.loadSource).toHaveBeenCalledWith(SRC));
    expect(mockHls.attachMedia).toHaveBeenCalledWith(screen.getByTestId('live-video'));
    mockHls.handlers.get('hlsError')?.('hlsError', { fatal: false });
    expect(onError).not.toHaveBeenCalled();
    mockHls.handlers.get('hlsError')?.('hlsError', { fatal: true });
    expect(onError).toHaveBeenCalledTimes(1);
    unmount();
    expect(mockHls.destroy).toHaveBeenCalled();
  });

  it('knows an FLV stream', () => {
    expect(isFlv(FLV)).toBe(true);
    expect(isFlv('/live/a.FLV')).toBe(true);
    expect(isFlv(SRC)).toBe(false);
    expect(isFlv('https://cdn.test/flv/index.m3u8')).toBe(false);
  });

  it('plays FLV through mpegts.js loaded on demand (a live source); a player error is reported, and unmounting destroys it', async () => {
    const onError = jest.fn();
    const { unmount } = render(<LivePlayer src={FLV} className="v" onError={onError} />);
    await waitFor(() => expect(mockFlv.load).toHaveBeenCalled());
    expect(mockFlv.created).toEqual([{ source: { type: 'flv', isLive: true, url: FLV }, config: expect.objectContaining({ enableWorker: false }) }]);
    expect(mockFlv.attachMediaElement).toHaveBeenCalledWith(screen.getByTestId('live-video'));
    expect((screen.getByTestId('live-video') as HTMLVideoElement).getAttribute('src')).toBeNull();
    expect(mockLoaded).not.toHaveBeenCalled();
    mockFlv.handlers.get('error')?.();
    expect(onError).toHaveBeenCalledTimes(1);
    unmount();
    expect(mockFlv.destroy).toHaveBeenCalled();
  });

  it('an FLV stream where Media Source Extensions are missing is reported as unplayable', async () => {
    mockFlvSupported.value = false;
    const onError = jest.fn();
    render(<LivePlayer src={FLV} className="v" onError={onError} />);
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(mockFlv.created).toHaveLength(0);
  });

  it('starts muted (browsers allow no sound before a tap), with a button that turns the sound on', () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('maybe');
    render(<LivePlayer src={SRC} className="v" onError={jest.fn()} />);
    expect((screen.getByTestId('live-video') as HTMLVideoElement).muted).toBe(true);
    fireEvent.click(screen.getByTestId('live-unmute'));
    expect((screen.getByTestId('live-video') as HTMLVideoElement).muted).toBe(false);
    expect(screen.queryByTestId('live-unmute')).toBeNull();
  });
});
