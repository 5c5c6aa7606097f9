import type { LiveLine, LiveSession } from '@contract/live';
import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Icon, Picture, Price, Stepper } from '@/components';
import { Press, Scroller, Tap } from '@/components/primitives';
import { lt } from '@/i18n/live';
import { buyableOf, isOnSale, type LiveProduct } from '@/services/live/session-events';
import { countdownParts } from '@/services/live/time';
import { X } from './icons';

/** How long one 'just bought' notice stays, and how many wait at most (older ones give way). */
export const NOTICE_MS = 2500;
export const NOTICE_QUEUE_MAX = 10;

/**
 * Notices shown one at a time, each for `showMs`: a burst of purchases queues up (at most
 * NOTICE_QUEUE_MAX waiting: the oldest give way, a room on fire only needs the latest).
 */
export function useNoticeQueue<T>(showMs = NOTICE_MS): { current: T | null; push: (notice: T) => void } {
  const queue = useRef<T[]>([]);
  const [current, setCurrent] = useState<T | null>(null);
  const showing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const next = useCallback(() => {
    const notice = queue.current.shift();
    if (notice === undefined) {
      showing.current = false;
      setCurrent(null);
      return;
    }
    showing.current = true;
    setCurrent(notice);
    timer.current = setTimeout(next, showMs);
  }, [showMs]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const push = useCallback(
    (notice: T) => {
      queue.current.push(notice);
      if (queue.current.length > NOTICE_QUEUE_MAX) queue.current.splice(0, queue.current.length - NOTICE_QUEUE_MAX);
      if (!showing.current) next();
    },
    [next],
  );
  return { current, push };
}

/** 天/时/分/秒 to the start of a scheduled session. */
export function Countdown({ startsAt, now }: { startsAt: number; now: number }) {
  const c = countdownParts(startsAt, now);
  if (c.done) return <Text className="live-countdown__soon">{lt('room.startingSoon')}</Text>;
  const units: [number, string][] = [
    [c.days, lt('room.days')],
    [c.hours, lt('room.hours')],
    [c.minutes, lt('room.minutes')],
    [c.seconds, lt('room.seconds')],
  ];
  return (
    <View className="live-countdown" role="timer" data-testid="live-countdown">
      {units.map(([n, unit]) => (
        <View key={unit} className="live-countdown__unit">
          <Text className="live-countdown__n">{String(n).padStart(2, '0')}</Text>
          <Text className="live-countdown__label">{unit}</Text>
        </View>
      ))}
    </View>
  );
}

/** The pinned product (讲解中): image, title, session price over the struck original, what is left, 马上抢. */
export function PinnedCard({ session, product, onBuy, onClose }: { session: LiveSession; product: LiveProduct; onBuy: () => void; onClose: () => void }) {
  const soldOut = product.left === 0;
  // Before the start (a host may pin ahead) or at the limit: the button says why it cannot be pressed.
  const state = buyState(session, product);
  return (
    <View className="live-pin" data-testid="live-pin">
      <Picture className="live-pin__image" src={product.image} alt={product.title} />
      <Text className="live-pin__badge">{lt('pin.badge')}</Text>
      <View className="live-pin__body">
        <Text className="live-pin__title">{product.title}</Text>
        <View className="live-pin__prices">
          <Price fen={product.price} size="md" />
          {product.originalPrice > product.price && <Price fen={product.originalPrice} size="sm" strike />}
        </View>
        <View className="live-pin__foot">
          <Text className={soldOut ? 'live-pin__left live-pin__left--out' : 'live-pin__left'}>
            {soldOut ? lt('pin.soldOut') : lt('pin.left', { n: product.left })}
          </Text>
          <Press className="btn-primary live-pin__buy" size="mini" disabled={!state.enabled} onClick={onBuy} data-testid="live-pin-buy">
            {state.enabled ? lt('pin.buy') : state.label}
          </Press>
        </View>
      </View>
      <Tap className="live-pin__close" onClick={onClose} aria-label={lt('pin.close')}>
        <Icon svg={X} size={28} color="#666666" />
      </Tap>
    </View>
  );
}

/** A product's state in the lineup for this shopper: what its buy button says and whether it can be pressed. */
export function buyState(session: LiveSession, product: LiveProduct): { label: string; enabled: boolean } {
  if (session.status === 'scheduled') return { label: lt('line.notOnSale'), enabled: false };
  if (!isOnSale(session.status)) return { label: lt('line.ended'), enabled: false };
  if (product.left === 0) return { label: lt('line.soldOut'), enabled: false };
  if (product.lines.every((l) => l.left > 0 && buyableOf(session, l) === 0)) return { label: lt('line.limitReached'), enabled: false };
  return { label: lt('line.buy'), enabled: true };
}

/** The lineup drawer (商品): every product of the session with its session price, what is left and its buy button. */
export function LineupDrawer(props: { session: LiveSession; products: LiveProduct[]; onBuy: (p: LiveProduct) => void; onOpenProduct: (p: LiveProduct) => void; onClose: () => void }) {
  const { session, products, onBuy, onOpenProduct, onClose } = props;
  return (
    <View className="live-layer" data-testid="live-drawer">
      <View className="live-mask" onClick={onClose} aria-hidden="true" />
      <View className="live-sheet safe-bottom" role="dialog" aria-label={lt('drawer.title')}>
        <View className="live-sheet__head">
          <Text className="live-sheet__title">{lt('room.goodsCount', { n: products.length })}</Text>
          <Tap className="live-sheet__close" onClick={onClose} aria-label={lt('room.close')}>
            <Icon svg={X} size={36} color="#333333" />
          </Tap>
        </View>
        <Scroller className="live-sheet__list">
          {products.length === 0 && <Text className="live-sheet__empty">{lt('drawer.empty')}</Text>}
          {products.map((p, i) => {
            const state = buyState(session, p);
            const pinned = session.pinnedProductId === p.productId;
            return (
              <View key={p.productId} className="live-line" data-testid="live-line">
                <View className="live-line__pic" onClick={() => onOpenProduct(p)}>
                  <Picture className="live-line__image" src={p.image} alt={p.title} />
                  <Text className="live-line__no">{pinned ? lt('pin.badge') : String(i + 1)}</Text>
                </View>
                <View className="live-line__body">
                  <Text className="live-line__title" onClick={() => onOpenProduct(p)}>
                    {p.title}
                  </Text>
                  <View className="live-pin__prices">
                    <Price fen={p.price} size="md" />
                    {p.originalPrice > p.price && <Price fen={p.originalPrice} size="sm" strike />}
                  </View>
                  <View className="live-line__foot">
                    <Text className={p.left === 0 ? 'live-line__left live-pin__left--out' : 'live-line__left'}>
                      {p.left === 0 ? lt('line.soldOut') : lt('line.left', { n: p.left })}
                    </Text>
                    <Press className="btn-primary live-line__buy" size="mini" disabled={!state.enabled} onClick={() => onBuy(p)} data-testid="live-line-buy">
                      {state.label}
                    </Press>
                  </View>
                </View>
              </View>
            );
          })}
        </Scroller>
      </View>
    </View>
  );
}

/** The first SKU of a product this shopper can still buy (else its first). */
export function firstBuyable(session: LiveSession, product: LiveProduct): LiveLine {
  return product.lines.find((l) => buyableOf(session, l) > 0) ?? product.lines[0];
}

/**
 * Buying a product of the session: its SKU (the lineup's lines of the product) and a quantity
 * within the per-shopper limit less what the shopper bought (`mine`) and what is left. Confirm
 * opens the normal checkout with the session (it prices and reserves on the server).
 */
export function BuySheet(props: { session: LiveSession; product: LiveProduct; onConfirm: (skuId: string, quantity: number) => void; onClose: () => void }) {
  const { session, product, onConfirm, onClose } = props;
  const [skuId, setSkuId] = useState(() => firstBuyable(session, product).skuId);
  const line = product.lines.find((l) => l.skuId === skuId) ?? product.lines[0];
  const max = buyableOf(session, line);
  const [quantity, setQuantity] = useState(1);
  const q = Math.max(1, Math.min(quantity, max));
  const remainingByLimit = Math.max(0, session.perShopperLimit - (session.mine?.[line.skuId] ?? 0));
  return (
    <View className="live-layer" data-testid="live-buy">
      <View className="live-mask" onClick={onClose} aria-hidden="true" />
      <View className="live-sheet safe-bottom" role="dialog" aria-label={lt('buy.title')}>
        <View className="live-sheet__head">
          <Picture className="live-buy__image" src={line.image} alt={line.title} />
          <View className="live-buy__head-body">
            <View className="live-pin__prices">
              <Price fen={line.price} size="lg" />
              {line.originalPrice > line.price && <Price fen={line.originalPrice} size="sm" strike />}
            </View>
            <Text className="live-line__left">{line.left === 0 ? lt('line.soldOut') : lt('line.left', { n: line.left })}</Text>
          </View>
          <Tap className="live-sheet__close" onClick={onClose} aria-label={lt('room.close')}>
            <Icon svg={X} size={36} color="#333333" />
          </Tap>
        </View>
        <Text className="live-buy__label">{lt('buy.title')}</Text>
        <View className="live-buy__skus">
          {product.lines.map((l) => (
            <Tap
              key={l.skuId}
              className={`live-buy__sku${l.skuId === skuId ? ' live-buy__sku--on' : ''}${buyableOf(session, l) === 0 ? ' live-buy__sku--off' : ''}`}
              aria-pressed={l.skuId === skuId}
              onClick={() => setSkuId(l.skuId)}
              data-testid="live-buy-sku"
            >
              {l.specText || l.title}
            </Tap>
          ))}
        </View>
        <View className="live-buy__row">
          <Text className="live-buy__label">{lt('buy.quantity')}</Text>
          <Stepper value={q} min={1} max={Math.max(1, max)} onChange={setQuantity} disabled={max === 0} />
        </View>
        <Text className="live-buy__limit">{lt('buy.limit', { limit: session.perShopperLimit, n: remainingByLimit })}</Text>
        <Press className="btn-primary live-buy__confirm" disabled={max === 0} onClick={() => onConfirm(line.skuId, q)} data-testid="live-buy-confirm">
          {line.left === 0 ? lt('line.soldOut') : max === 0 ? lt('line.limitReached') : lt('buy.confirm')}
        </Press>
      </View>
    </View>
  );
}
