import { referralTargetOf, sharePathOf, timelineQueryOf } from './page-share';

describe('share targets', () => {
  it('names the referral target of each page, a live room its own', () => {
    expect(referralTargetOf({ kind: 'home' })).toBe('home');
    expect(referralTargetOf({ kind: 'product', productId: 'p_1' })).toBe('product:p_1');
    expect(referralTargetOf({ kind: 'live', sessionId: 'ls_1' })).toBe('live:ls_1');
  });

  it('opens the page with the token as rt, or without one', () => {
    expect(sharePathOf({ kind: 'live', sessionId: 'ls_1' }, 'Tok')).toBe('/pages/live/room?id=ls_1&rt=Tok');
    expect(sharePathOf({ kind: 'home' }, null)).toBe('/pages/home/index');
    expect(timelineQueryOf({ kind: 'live', sessionId: 'ls_1' }, 'Tok')).toBe('id=ls_1&rt=Tok');
  });
});
