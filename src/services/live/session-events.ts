import type { LiveSession, LiveTopicEvent } from '@contract/live';

/**
 * What an event of the `live:{sessionId}` topic does to the cached session (pure; the room
 * writes the result with setQueryData). Status and pin are the session's own; lines and stats
 * are volatile (latest wins: an older `at` than one already applied is ignored, kept per kind in
 * `seen`). `live.bought` changes nothing here (the room shows it as a notice).
 */
export interface SeenAt {
  lines?: number;
  stats?: number;
}

export function applyLiveEvent(session: LiveSession, event: LiveTopicEvent, seen: SeenAt = {}): LiveSession {
  if (event.data.sessionId !== session.id) return session;
  switch (event.type) {
    case 'live.status': {
      const { status, at } = event.data;
      if (status === session.status) return session;
      return {
        ...session,
        status,
        startedAt: status === 'live' && session.startedAt === null ? at : session.startedAt,
        endedAt: status === 'ended' || status === 'cancelled' ? (session.endedAt ?? at) : session.endedAt,
        // An ended session presents nothing any more.
        pinnedProductId: status === 'ended' || status === 'cancelled' ? null : session.pinnedProductId,
      };
    }
    case 'live.pinned':
      return event.data.productId === session.pinnedProductId ? session : { ...session, pinnedProductId: event.data.productId };
    case 'live.lines': {
      if (seen.lines !== undefined && event.data.at < seen.lines) return session;
      seen.lines = event.data.at;
      const bySku = new Map(event.data.lines.map((l) => [l.skuId, l]));
      let changed = false;
      const lines = session.lines.map((line) => {
        const u = bySku.get(line.skuId);
        if (!u || (u.price === line.price && u.quota === line.quota && u.left === line.left)) return line;
        changed = true;
        return { ...line, price: u.price, quota: u.quota, left: u.left };
      });
      return changed ? { ...session, lines } : session;
    }
    case 'live.stats': {
      if (seen.stats !== undefined && event.data.at < seen.stats) return session;
      seen.stats = event.data.at;
      const { viewers, likes } = event.data;
      // Likes never go back below what this viewer already sees (its own taps counted optimistically).
      const nextLikes = Math.max(likes, session.likes);
      return viewers === session.viewers && nextLikes === session.likes ? session : { ...session, viewers, likes: nextLikes };
    }
    case 'live.bought':
      return session;
  }
}

/** The lineup grouped by product, in lineup order: the drawer's rows and the pinned card. */
export interface LiveProduct {
  productId: string;
  title: string;
  image: string;
  lines: LiveSession['lines'];
  /** The lowest session price among its SKUs, and that SKU's own price. */
  price: number;
  originalPrice: number;
  left: number;
}

export function productsOf(lines: LiveSession['lines']): LiveProduct[] {
  const out = new Map<string, LiveProduct>();
  for (const line of lines) {
    const p = out.get(line.productId);
    if (!p) {
      out.set(line.productId, { productId: line.productId, title: line.title, image: line.image, lines: [line], price: line.price, originalPrice: line.originalPrice, left: line.left });
      continue;
    }
    p.lines.push(line);
    p.left += line.left;
    if (line.price < p.price) {
      p.price = line.price;
      p.originalPrice = line.originalPrice;
    }
  }
  return [...out.values()];
}

/** Units of a SKU this shopper may still buy in the session (the limit less what is bought, capped by what is left). */
export function buyableOf(session: Pick<LiveSession, 'perShopperLimit' | 'mine'>, line: Pick<LiveSession['lines'][number], 'skuId' | 'left'>): number {
  const bought = session.mine?.[line.skuId] ?? 0;
  return Math.max(0, Math.min(line.left, session.perShopperLimit - bought));
}

/** Whether the session sells now (the server prices the session price only while live or paused). */
export const isOnSale = (status: LiveSession['status']) => status === 'live' || status === 'paused';
