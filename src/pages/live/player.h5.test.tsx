import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { LivePlayer } from './player.h5';
import { isHls } from './player-types';

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

const SRC = 'https://shop.test/media/demo-live/index.m3u8';

beforeEach(() => {
  mockHls.handlers.clear();
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

  it('starts muted (browsers allow no sound before a tap), with a button that turns the sound on', () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('maybe');
    render(<LivePlayer src={SRC} className="v" onError={jest.fn()} />);
    expect((screen.getByTestId('live-video') as HTMLVideoElement).muted).toBe(true);
    fireEvent.click(screen.getByTestId('live-unmute'));
    expect((screen.getByTestId('live-video') as HTMLVideoElement).muted).toBe(false);
    expect(screen.queryByTestId('live-unmute')).toBeNull();
  });
});
