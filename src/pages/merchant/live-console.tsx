import type { HostLiveSession, LiveAction, LiveBoard } from '@contract/live';
import { formatPrice } from '@contract/money';
import { Button, Input, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { disabledProp, Picture, Price, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { t, type WorkbenchMessageKey as MessageKey } from '@/i18n/workbench';
import { useIntentKey } from '@/services/merchant/intent-key';
import {
  LIVE_CONSOLE_POLL_MS,
  useActLiveSession,
  useAddLiveLine,
  useHostLiveSession,
  useLinkLiveWechatRoom,
  usePinLiveProduct,
  useUpdateLiveLine,
} from '@/services/merchant/live';
import { checkLine, lineOf, type LineDraft, parseYuanText, type Problems, problemsOfError, yuanText } from '@/services/merchant/live-draft';
import { useLiveBoardTopic } from '@/services/realtime';
import { LiveFig, LiveGoodsPicker, LiveStatus } from './live-shared';
import { confirmAction, errorText, formatTime, Sheet, toast, useOneAtATime, useWorkbench, wbFrame } from './shared';
import './workbench.css';
import './live.css';

/**
 * 直播间: the host runs a session from a phone. The sales board on top (orders, paid orders,
 * GMV, viewers, likes), the lifecycle's big buttons by state, then the lineup: one card per
 * product with one-tap 讲解 (the pinned one first and highlighted; tapped again, unpinned), and
 * each SKU's session price, quota, sold, paid and left with 改价 and + 加库存. The board comes
 * live through the `live.board` push on the session's board topic (`liveboard:{sessionId}`, which
 * owners, operators and live hosts follow) writing the session's cache entry; while the socket
 * is down the page refreshes every 15 s while the session runs.
 */

type BoardLine = LiveBoard['lines'][number];
type Line = HostLiveSession['lines'][number];

/** A line's figures: the board's (what the push keeps current) over the lineup's. */
function figuresOf(line: Line, board: ReadonlyMap<string, BoardLine>): BoardLine {
  return board.get(line.skuId) ?? line;
}

const ACTION_TOAST: Record<LiveAction, MessageKey> = {
  start: 'wb.live.started',
  pause: 'wb.live.paused',
  resume: 'wb.live.resumed',
  end: 'wb.live.endedToast',
  cancel: 'wb.live.cancelledToast',
};

function Board({ s, pushed }: { s: HostLiveSession; pushed: boolean }) {
  const b = s.board;
  const running = s.status === 'live' || s.status === 'paused';
  return (
    <View className="wb-card" data-testid="live-board">
      <View className="wb-card__title">
        <View>
          <Text>{t('wb.live.board')} </Text>
          <LiveStatus status={s.status} />
        </View>
        {running && <Text className="wb-card__aside">{pushed ? t('wb.live.boardLive') : t('wb.live.boardPolling')}</Text>}
      </View>
      <View className="wb-live-board">
        <LiveFig label={t('wb.live.orders')} testId="board-orders">
          <Text>{b.orders}</Text>
        </LiveFig>
        <LiveFig label={t('wb.live.paidOrders')} testId="board-paid">
          <Text>{b.paidOrders}</Text>
        </LiveFig>
        <LiveFig label={t('wb.live.gmv')} hot testId="board-gmv">
          <Price fen={b.gmv} size="sm" />
        </LiveFig>
        <LiveFig label={t('wb.live.viewers')} testId="board-viewers">
          <Text>{b.viewers}</Text>
        </LiveFig>
        <LiveFig label={t('wb.live.likes')} testId="board-likes">
          <Text>{b.likes}</Text>
        </LiveFig>
      </View>
    </View>
  );
}

function Controls({ s, busy, onAct }: { s: HostLiveSession; busy: string | null; onAct: (action: LiveAction) => void }) {
  const off = disabledProp(!!busy);
  const big = (action: LiveAction, label: string, tone: 'go' | 'stop' | 'plain') => (
    <Button className={`wb-live-big${tone === 'plain' ? '' : ` wb-live-big--${tone}`}`} disabled={off} onClick={() => onAct(action)} data-testid={`live-act-${action}`}>
      {label}
    </Button>
  );
  if (s.status === 'ended' || s.status === 'cancelled') {
    return (
      <View className="wb-card">
        <Text className="wb-live-note" data-testid="live-over">
          {s.status === 'ended' ? t('wb.live.over') : t('wb.live.cancelledNote')}
        </Text>
      </View>
    );
  }
  return (
    <View className="wb-card wb-live-controls" data-testid="live-controls">
      {s.status === 'scheduled' && big('cancel', t('wb.live.cancel'), 'stop')}
      {s.status === 'scheduled' && big('start', t('wb.live.start'), 'go')}
      {s.status === 'live' && big('pause', t('wb.live.pause'), 'plain')}
      {s.status === 'paused' && big('resume', t('wb.live.resume'), 'go')}
      {(s.status === 'live' || s.status === 'paused') && big('end', t('wb.live.end'), 'stop')}
    </View>
  );
}

/** 改价 or + 加库存 of one SKU line, in a sheet. */
function LineSheet({ merchantId, s, line, figures, kind, onClose }: { merchantId: string; s: HostLiveSession; line: Line; figures: BoardLine; kind: 'price' | 'quota'; onClose: () => void }) {
  const updateLine = useUpdateLiveLine(merchantId);
  const intent = useIntentKey();
  const [text, setText] = useState(kind === 'price' ? yuanText(line.price) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const spec = line.specText || t('wb.products.defaultSpec');

  const save = async () => {
    if (updateLine.isPending) return;
    let body: { price: number } | { quota: number };
    if (kind === 'price') {
      const price = parseYuanText(text);
      if (price === null) return setProblem(t('wb.live.edit.bad.price'));
      if (price > line.originalPrice) return setProblem(t('wb.live.edit.bad.priceAbove', { price: formatPrice(line.originalPrice) }));
      body = { price };
    } else {
      const add = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : 0;
      if (add < 1) return setProblem(t('wb.live.line.badAdd'));
      // The new total: the server takes the line's whole quota (not below sold, not above sold + free stock).
      body = { quota: figures.quota + add };
    }
    setProblem(null);
    try {
      await updateLine.mutateAsync({ sessionId: s.id, skuId: line.skuId, body, idempotencyKey: intent.keyFor({ skuId: line.skuId, body }) });
      intent.done();
      toast(kind === 'price' ? t('wb.live.line.priceSaved') : t('wb.live.line.quotaSaved'), 'success');
      onClose();
    } catch (e) {
      intent.done();
      const found = problemsOfError(e, [line]);
      setProblem(found[`${kind}:${line.skuId}`] ?? found.general ?? found.lines ?? errorText(e));
    }
  };

  return (
    <Sheet title={kind === 'price' ? t('wb.live.line.priceTitle') : t('wb.live.line.quotaTitle')} onClose={onClose} testId="live-line-sheet">
      <Text className="wb-live-hint">
        {kind === 'price' ? t('wb.live.line.priceNow', { spec: `${line.title} · ${spec}`, price: formatPrice(line.originalPrice) }) : t('wb.live.line.quotaNow', { quota: figures.quota, sold: figures.sold })}
      </Text>
      <View className="wb-field">
        <Text className="wb-field__label">{kind === 'price' ? t('wb.live.edit.livePrice') : t('wb.live.line.quotaAdd')}</Text>
        <Input
          className="wb-input"
          type={kind === 'price' ? 'digit' : 'number'}
          value={text}
          placeholder={kind === 'quota' ? t('wb.live.line.quotaAddPlaceholder') : undefined}
          onInput={(e) => setText(e.detail.value)}
          data-testid="live-line-input"
        />
        {problem && (
          <View className="wb-error" role="alert" data-testid="live-line-problem">
            {problem}
          </View>
        )}
      </View>
      <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(updateLine.isPending)} onClick={() => void save()} data-testid="live-line-save">
        {t('wb.live.line.save')}
      </Button>
    </Sheet>
  );
}

/** 添加商品 during the session: pick a SKU, then its session price and quota. */
function AddLine({ merchantId, s, onClose }: { merchantId: string; s: HostLiveSession; onClose: () => void }) {
  const addLine = useAddLiveLine(merchantId);
  const intent = useIntentKey();
  const [line, setLine] = useState<LineDraft | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  const taken = useMemo(() => new Set(s.lines.map((l) => l.skuId)), [s.lines]);
  if (!line) return <LiveGoodsPicker merchantId={merchantId} taken={taken} onClose={onClose} onPick={(p, sku) => setLine(lineOf(p, sku))} />;

  const save = async () => {
    if (addLine.isPending) return;
    const found: Problems = {};
    const input = checkLine(line, found);
    setProblems(found);
    if (!input) return;
    try {
      await addLine.mutateAsync({ sessionId: s.id, line: input, idempotencyKey: intent.keyFor(input) });
      intent.done();
      toast(t('wb.live.line.added'), 'success');
      onClose();
    } catch (e) {
      const refused = problemsOfError(e, [line]);
      setProblems(refused);
      if (refused.general) toast(refused.general);
    }
  };
  const problem = (key: keyof Problems) =>
    problems[key] ? (
      <View className="wb-error" role="alert" data-testid={`live-problem-${key}`}>
        {problems[key]}
      </View>
    ) : null;
  return (
    <Sheet title={t('wb.live.line.add')} onClose={onClose} testId="live-add-sheet">
      <Text className="wb-live-hint">{`${line.title} · ${line.specText || t('wb.products.defaultSpec')} · ${t('wb.live.edit.skuPrice', { price: formatPrice(line.skuPrice), stock: line.stock })}`}</Text>
      <View className="wb-field">
        <Text className="wb-field__label">{t('wb.live.edit.livePrice')}</Text>
        <Input className="wb-input" type="digit" value={line.priceText} onInput={(e) => setLine({ ...line, priceText: e.detail.value })} data-testid="live-line-price" />
        {problem(`price:${line.skuId}`)}
      </View>
      <View className="wb-field">
        <Text className="wb-field__label">{t('wb.live.edit.quota')}</Text>
        <Input className="wb-input" type="number" value={line.quotaText} onInput={(e) => setLine({ ...line, quotaText: e.detail.value })} data-testid="live-line-quota" />
        {problem(`quota:${line.skuId}`)}
      </View>
      {problem('lines')}
      <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(addLine.isPending)} onClick={() => void save()} data-testid="live-add-save">
        {t('wb.live.line.save')}
      </Button>
    </Sheet>
  );
}

/** 关联微信直播间: the room's id; the lineup is pushed to its goods. */
function WechatRoom({ merchantId, s }: { merchantId: string; s: HostLiveSession }) {
  const link = useLinkLiveWechatRoom(merchantId);
  const intent = useIntentKey();
  const [text, setText] = useState(s.wechatRoomId ? String(s.wechatRoomId) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = async () => {
    if (link.isPending) return;
    const roomId = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : 0;
    if (roomId < 1) return setProblem(t('wb.live.wechatBad'));
    setProblem(null);
    try {
      await link.mutateAsync({ sessionId: s.id, roomId, idempotencyKey: intent.keyFor({ id: s.id, roomId }) });
      intent.done();
      toast(t('wb.live.wechatDone'), 'success');
    } catch (e) {
      intent.done();
      setProblem(errorText(e));
    }
  };
  return (
    <View className="wb-card" data-testid="live-wechat">
      <View className="wb-card__title">{t('wb.live.wechat')}</View>
      <Text className="wb-live-hint">{t('wb.live.wechatHint')}</Text>
      {s.wechatRoomId !== null && (
        <Text className="wb-live-hint" data-testid="live-wechat-state">
          {`${t('wb.live.wechatLinked', { room: s.wechatRoomId })} · ${s.wechatPushedAt !== null ? t('wb.live.wechatPushedAt', { time: formatTime(s.wechatPushedAt) }) : t('wb.live.wechatNotPushed')}`}
        </Text>
      )}
      <View className="wb-field">
        <Text className="wb-field__label">{t('wb.live.wechatRoom')}</Text>
        <Input className="wb-input" type="number" value={text} placeholder={t('wb.live.wechatRoomPlaceholder')} onInput={(e) => setText(e.detail.value)} data-testid="live-wechat-room" />
        {problem && (
          <View className="wb-error" role="alert">
            {problem}
          </View>
        )}
      </View>
      <Button className="wb-btn wb-btn--block" disabled={disabledProp(link.isPending)} onClick={() => void save()} data-testid="live-wechat-link">
        {t('wb.live.wechatLink')}
      </Button>
    </View>
  );
}

function Console({ merchantId, s, pushed }: { merchantId: string; s: HostLiveSession; pushed: boolean }) {
  const act = useActLiveSession(merchantId);
  const pin = usePinLiveProduct(merchantId);
  const intent = useIntentKey();
  const { run, busy } = useOneAtATime();
  const [editing, setEditing] = useState<{ skuId: string; kind: 'price' | 'quota' } | null>(null);
  const [adding, setAdding] = useState(false);
  const over = s.status === 'ended' || s.status === 'cancelled';
  const board = useMemo(() => new Map(s.board.lines.map((l) => [l.skuId, l])), [s.board.lines]);

  // One card per product, in lineup order, the pinned one first.
  const products = useMemo(() => {
    const out: { productId: string; title: string; image: string; lines: Line[] }[] = [];
    for (const l of s.lines) {
      const p = out.find((x) => x.productId === l.productId);
      if (p) p.lines.push(l);
      else out.push({ productId: l.productId, title: l.title, image: l.image, lines: [l] });
    }
    const pinned = out.findIndex((p) => p.productId === s.pinnedProductId);
    if (pinned > 0) out.unshift(...out.splice(pinned, 1));
    return out;
  }, [s.lines, s.pinnedProductId]);

  const onAct = (action: LiveAction) =>
    void run(action, async () => {
      if (action === 'end' && !(await confirmAction(t('wb.live.endConfirm')))) return;
      if (action === 'cancel' && !(await confirmAction(t('wb.live.cancelConfirm')))) return;
      await act.mutateAsync({ sessionId: s.id, action, idempotencyKey: intent.keyFor({ id: s.id, action }) });
      intent.done();
      toast(t(ACTION_TOAST[action]), 'success');
    });

  const togglePin = (productId: string) =>
    pin.mutate(
      { sessionId: s.id, productId: s.pinnedProductId === productId ? null : productId },
      { onError: (e) => toast(t('wb.live.pinFailed', { reason: errorText(e) })) },
    );

  const editingLine = editing ? s.lines.find((l) => l.skuId === editing.skuId) : undefined;
  return (
    <>
      <Board s={s} pushed={pushed} />
      <Controls s={s} busy={busy} onAct={onAct} />
      <View className="wb-card" data-testid="live-lineup">
        <View className="wb-card__title">{t('wb.live.lineup')}</View>
        {products.map((p) => {
          const pinned = s.pinnedProductId === p.productId;
          return (
            <View key={p.productId} className={`wb-live-product${pinned ? ' wb-live-product--pinned' : ''}`} data-testid="live-product" data-pinned={pinned ? 'yes' : 'no'}>
              <View className="wb-live-product__head">
                <Picture className="wb-live-product__img" src={p.image} alt="" />
                <Text className="wb-live-product__title">{p.title}</Text>
                {!over && (
                  <Button
                    className={`wb-live-pin${pinned ? ' wb-live-pin--on' : ''}`}
                    aria-pressed={pinned}
                    aria-label={pinned ? t('wb.live.unpin') : t('wb.live.pin')}
                    onClick={() => togglePin(p.productId)}
                    data-testid="live-pin"
                  >
                    {pinned ? t('wb.live.pinned') : t('wb.live.pin')}
                  </Button>
                )}
              </View>
              {p.lines.map((l) => {
                const f = figuresOf(l, board);
                return (
                  <View key={l.skuId} className="wb-live-line" data-testid={`live-sku-${l.skuId}`}>
                    <View className="wb-live-line__head">
                      <Text>{l.specText || t('wb.products.defaultSpec')}</Text>
                      <Text>
                        {`${t('wb.live.line.price')} `}
                        <Price fen={l.price} size="sm" />
                      </Text>
                    </View>
                    <View className="wb-live-line__figs">
                      <Text>{`${t('wb.live.line.quota')} ${f.quota}`}</Text>
                      <Text>{`${t('wb.live.line.sold')} ${f.sold}`}</Text>
                      <Text>{`${t('wb.live.line.paid')} ${f.paid}`}</Text>
                      <Text className="wb-live-line__left" data-testid="live-sku-left">{`${t('wb.live.line.left')} ${f.left}`}</Text>
                      {l.returned > 0 && <Text>{t('wb.live.line.returned', { n: l.returned })}</Text>}
                    </View>
                    {!over && (
                      <View className="wb-live-line__actions">
                        <Button className="wb-btn" size="mini" onClick={() => setEditing({ skuId: l.skuId, kind: 'price' })} data-testid="live-edit-price">
                          {t('wb.live.line.editPrice')}
                        </Button>
                        <Button className="wb-btn wb-btn--primary" size="mini" onClick={() => setEditing({ skuId: l.skuId, kind: 'quota' })} data-testid="live-add-quota">
                          {t('wb.live.line.addQuota')}
                        </Button>
                      </View>
                    )}
                  </View>
                );
              })}
            </View>
          );
        })}
        {!over && (
          <Button className="wb-btn wb-btn--block" onClick={() => setAdding(true)} data-testid="live-add-line">
            {t('wb.live.line.add')}
          </Button>
        )}
      </View>
      {!over && <WechatRoom merchantId={merchantId} s={s} />}
      {editing && editingLine && <LineSheet key={`${editing.kind}:${editing.skuId}`} merchantId={merchantId} s={s} line={editingLine} figures={figuresOf(editingLine, board)} kind={editing.kind} onClose={() => setEditing(null)} />}
      {adding && <AddLine merchantId={merchantId} s={s} onClose={() => setAdding(false)} />}
    </>
  );
}

export default function WorkbenchLiveConsole() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canLive } = wb;
  const sessionId = params.id ?? '';
  // `live.board` comes on the session's board topic, followed here for every live role: a live
  // socket is the push; a socket down polls slowly.
  const { live: pushed } = useLiveBoardTopic(canLive ? merchantId : '', sessionId);
  const session = useHostLiveSession(canLive ? merchantId : '', sessionId, pushed ? false : LIVE_CONSOLE_POLL_MS);
  return (
    <PageFrame {...wbFrame(wb, canLive, t('wb.live.forbidden'))} title={session.data?.title ?? t('wb.live.console.title')} query={session} skeleton={<Skeleton rows={8} />}>
      {session.data && <Console merchantId={merchantId} s={session.data} pushed={pushed} />}
    </PageFrame>
  );
}
