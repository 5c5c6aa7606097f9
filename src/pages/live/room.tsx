import type { LiveSession, LiveTopicEvent } from '@contract/live';
import { Text, View } from '@tarojs/components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Icon, Picture, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { Press, Tap } from '@/components/primitives';
import { DeferredShareSheet as ShareSheet } from '@/components/share-sheet/deferred';
import { countText, lt } from '@/i18n/live';
import { checkoutUrl } from '@/services/checkout/items';
import { ApiError, assetUrl } from '@/services/http';
import { keys } from '@/services/keys';
import { useLiveSession } from '@/services/live/getLiveSession';
import { useLikeTaps } from '@/services/live/likeLiveSession';
import { applyLiveEvent, productsOf, type LiveProduct, type SeenAt } from '@/services/live/session-events';
import { formatStartTime, useNow } from '@/services/live/time';
import { useLiveTopic } from '@/services/live/topic';
import { openPage, PAGES } from '@/services/platform/nav';
import { useLanding } from '@/services/referral/use-landing';
import { usePageShare } from '@/services/share/page-share';
import { Heart, Share2, ShoppingBag } from './icons';
import { BuySheet, Countdown, LineupDrawer, PinnedCard, useNoticeQueue } from './parts';
import { LivePlayer } from './player';
import './live.css';

type Bought = Extract<LiveTopicEvent, { type: 'live.bought' }>['data'];

function boughtText(b: Bought): string {
  return b.quantity > 1 ? lt('room.boughtMany', { buyer: b.buyer, title: b.title, n: b.quantity }) : lt('room.bought', { buyer: b.buyer, title: b.title });
}

/** What covers the stage when there is no video to play: the countdown, the host's pause, the end. */
function StageNotice({ session, now, onGoods }: { session: LiveSession; now: number; onGoods: () => void }) {
  if (session.status === 'scheduled') {
    return (
      <View className="live-center" data-testid="live-scheduled">
        <Text className="live-center__title">{lt('room.countdownTitle')}</Text>
        <Countdown startsAt={session.startsAt} now={now} />
        <Text className="live-center__hint">{lt('room.startsAt', { time: formatStartTime(session.startsAt, now) })}</Text>
      </View>
    );
  }
  if (session.status === 'paused') {
    return (
      <View className="live-center" role="status" data-testid="live-paused">
        <Text className="live-center__title">{lt('room.paused')}</Text>
      </View>
    );
  }
  if (session.status === 'ended' || session.status === 'cancelled') {
    return (
      <View className="live-center" role="status" data-testid="live-ended">
        <Text className="live-center__title">{session.status === 'ended' ? lt('room.ended') : lt('room.cancelled')}</Text>
        {session.lines.length > 0 && (
          <>
            <Text className="live-center__hint">{lt('room.endedHint')}</Text>
            <Press className="btn-primary live-center__btn" onClick={onGoods}>
              {lt('room.goods')}
            </Press>
          </>
        )}
      </View>
    );
  }
  return null;
}

/**
 * The viewer's live room (`?id=<sessionId>`, maybe `rt`: a promoter's share, reported like any
 * shared page): the stream full-bleed (or the cover with the countdown, the pause, the end),
 * the overlay (title, merchant, viewers, likes, 'just bought' notices, the pinned product), the
 * lineup drawer and buying through the normal checkout with the session. The topic keeps it
 * current (useLiveTopic); without it the session is asked again now and then.
 */
export default function LiveRoom() {
  // The room's query names the session as `id` (also inside a code's scene or a scanned URL).
  const landing = useLanding();
  const sessionId = landing.productId ?? '';
  const client = useQueryClient();
  const seen = useRef<SeenAt>({});
  const notices = useNoticeQueue<Bought>();
  const topic = useLiveTopic(sessionId || null, (event) => {
    if (event.type === 'live.bought') {
      if (event.data.sessionId === sessionId) notices.push(event.data);
      return;
    }
    client.setQueryData<LiveSession>(keys.live.session(sessionId), (s) => (s ? applyLiveEvent(s, event, seen.current) : s));
  });
  const query = useLiveSession(sessionId, topic.live);
  const session = query.data;
  const products = useMemo(() => productsOf(session?.lines ?? []), [session?.lines]);
  const pinned = (session?.pinnedProductId && products.find((p) => p.productId === session.pinnedProductId)) || null;

  // The shopper may fold the card away; the next pin shows again.
  const [foldedPin, setFoldedPin] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [buying, setBuying] = useState<LiveProduct | null>(null);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [videoFailed, setVideoFailed] = useState(false);
  const [videoAttempt, setVideoAttempt] = useState(0);
  const like = useLikeTaps(sessionId);
  const share = usePageShare({ target: { kind: 'live', sessionId }, title: session?.title ?? lt('room.title') });

  const scheduled = session?.status === 'scheduled';
  const now = useNow(scheduled);
  // The countdown is over: ask once whether the host has started (the push says so too).
  const due = scheduled && session !== undefined && now >= session.startsAt;
  useEffect(() => {
    if (due) void query.refetch();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per crossing
  }, [due]);

  const buy = (p: LiveProduct) => {
    setDrawer(false);
    setBuying(p);
  };
  const confirm = (skuId: string, quantity: number) => {
    setBuying(null);
    void openPage(checkoutUrl([{ skuId, quantity }], false, sessionId));
  };
  const openProduct = (p: LiveProduct) => void openPage(PAGES.product(p.productId));
  const notice = notices.current;
  // No session named: the room is missing (what a 404 would say).
  const frameQuery = sessionId
    ? query
    : { isLoading: false, isError: true, error: new ApiError({ code: 'NOT_FOUND', status: 404 }), refetch: () => Promise.resolve() };

  return (
    <PageFrame
      title={session?.title ?? lt('room.title')}
      className="live-room"
      query={frameQuery}
      notFoundText={lt('room.missing')}
      skeleton={<Skeleton rows={4} />}
    >
      {session && (
        <View className="live-stage" data-status={session.status}>
          {session.status === 'live' && !videoFailed ? (
            <LivePlayer key={videoAttempt} src={assetUrl(session.playbackUrl)} className="live-video" onError={() => setVideoFailed(true)} />
          ) : (
            <Picture className={`live-cover${session.status === 'scheduled' ? '' : ' live-cover--dim'}`} src={session.cover} alt="" priority />
          )}
          {session.status === 'live' && videoFailed && (
            <Tap
              className="live-center live-center--tap"
              onClick={() => {
                setVideoFailed(false);
                setVideoAttempt((n) => n + 1);
              }}
              data-testid="live-video-retry"
            >
              {lt('room.videoFailed')}
            </Tap>
          )}
          <StageNotice session={session} now={now} onGoods={() => setDrawer(true)} />

          <View className="live-top">
            <View className="live-host">
              <Text className="live-host__title">{session.title}</Text>
              <Text className="live-host__merchant">{session.merchantName}</Text>
            </View>
            {(session.status === 'live' || session.status === 'paused') && (
              <Text className="live-top__viewers" data-testid="live-viewers">
                {lt('room.viewers', { n: countText(session.viewers) })}
              </Text>
            )}
          </View>

          <View className="live-bottom">
            {notice && (
              <View key={`${notice.at}:${notice.buyer}`} className="live-bought" role="status" data-testid="live-bought">
                <Text>{boughtText(notice)}</Text>
              </View>
            )}
            {pinned && foldedPin !== pinned.productId && (
              <PinnedCard key={pinned.productId} session={session} product={pinned} onBuy={() => buy(pinned)} onClose={() => setFoldedPin(pinned.productId)} />
            )}
            <View className="live-bar">
              <Tap className="live-bar__goods" onClick={() => setDrawer(true)} aria-label={lt('room.goods')} data-testid="live-goods">
                <Icon svg={ShoppingBag} size={44} color="#ffffff" />
                <Text className="live-bar__count">{products.length}</Text>
              </Tap>
              <View className="live-bar__spacer" />
              <Tap className="live-bar__btn" onClick={() => setSheetOpen(true)} aria-label={lt('room.share')} data-testid="live-share">
                <Icon svg={Share2} size={44} color="#ffffff" />
              </Tap>
              <Tap className="live-bar__btn live-like" onClick={like} aria-label={lt('room.like')} data-testid="live-like">
                <Icon svg={Heart} size={44} color="#ffffff" />
                <Text className="live-like__count" data-testid="live-likes">
                  {countText(session.likes)}
                </Text>
              </Tap>
            </View>
          </View>

          {drawer && <LineupDrawer session={session} products={products} onBuy={buy} onOpenProduct={openProduct} onClose={() => setDrawer(false)} />}
          {buying && <BuySheet session={session} product={products.find((p) => p.productId === buying.productId) ?? buying} onConfirm={confirm} onClose={() => setBuying(null)} />}
          <ShareSheet open={sheetOpen} onClose={() => setSheetOpen(false)} path={share.path} preparing={share.token.pending} />
        </View>
      )}
    </PageFrame>
  );
}
