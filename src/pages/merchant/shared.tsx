import type { StaffRole, Workplace } from '@contract';
import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { type ReactNode, useRef, useState } from 'react';
import { Picture, Price } from '@/components';
import { ListPage, type ListPageProps } from '@/components/list-page';
import type { PageFrameProps } from '@/components/page-frame';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/workbench';
import { useMerchantTopic } from '@/services/realtime';
import { useWorkplace, useWorkplaces } from '@/services/merchant/workplaces';
import { useWorkbenchStore } from '@/stores/workbench';

export type WorkbenchPage =
  | 'index' | 'orders' | 'order' | 'after-sales' | 'after-sale' | 'products' | 'stock-alerts' | 'staff' | 'audit'
  // referral (分销): the hub and its pages; referral-holds and referral-withdrawals are built beside these
  | 'referral' | 'referral-rules' | 'referral-applications' | 'referral-report' | 'referral-holds' | 'referral-withdrawals'
  // live-stream ordering (直播): the host's list, form and console
  | 'live-sessions' | 'live-edit' | 'live-console';

/** A workbench page's URL: the merchant rides along so a page opened alone knows whose it is. */
export function wbPath(page: WorkbenchPage, merchantId: string, params: Record<string, string> = {}): string {
  const query = Object.entries({ merchantId, ...params })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `/pages/merchant/${page}?${query}`;
}

export function openWb(page: WorkbenchPage, merchantId: string, params?: Record<string, string>) {
  void Taro.navigateTo({ url: wbPath(page, merchantId, params) });
}

/** Roles that run orders, after-sales and goods (every workbench route but staff and audit). */
export const SHOP_ROLES: readonly StaffRole[] = ['owner', 'operator'];
/** Roles that run live sessions (the live routes' roles): the shop's managers and its hosts. */
export const LIVE_ROLES: readonly StaffRole[] = ['owner', 'operator', 'live_host'];

export interface WorkbenchContext {
  /** '' while it is not known yet (or the person must pick one). */
  merchantId: string;
  workplace: Workplace | undefined;
  role: StaffRole | undefined;
  isOwner: boolean;
  /** May use the order, after-sale and goods pages. */
  canRun: boolean;
  /** May run live sessions (owner, operator, live_host). */
  canLive: boolean;
  workplaceQuery: ReturnType<typeof useWorkplace>;
}

/**
 * A workbench page's frame (PageFrame): its look, no 返回首页 (home is the shop), the workplace
 * (the caller's role) read first, and forbidden when the role may not use the page.
 */
export function wbFrame(wb: WorkbenchContext, allowed: boolean, forbiddenText?: string): Pick<PageFrameProps, 'className' | 'showHome' | 'gate' | 'forbidden'> {
  return { className: 'wb', showHome: false, gate: wb.workplaceQuery, forbidden: wb.workplace !== undefined && !allowed && (forbiddenText ?? true) };
}

/**
 * The merchant a workbench page works on: the page's `merchantId`, else the one chosen last
 * (remembered on the device). The caller's role there comes from the server (GET
 * /api/merchants/:id), and the page follows the merchant's realtime topic while it is shown.
 */
export function useWorkbench(): WorkbenchContext {
  const { params } = useRouter();
  const remembered = useWorkbenchStore((s) => s.merchantId);
  const merchantId = params.merchantId || remembered || '';
  const workplaceQuery = useWorkplace(merchantId);
  const workplace = workplaceQuery.data;
  const role = workplace?.role;
  const canRun = role === 'owner' || role === 'operator';
  const canLive = role !== undefined && LIVE_ROLES.includes(role);
  // The merchant's topic is for owners and operators only (docs/realtime.md): a live host's pages poll.
  useMerchantTopic(canRun ? merchantId : '');
  return { merchantId, workplace, role, isOwner: role === 'owner', canRun, canLive, workplaceQuery };
}

/** The workplaces list, for the picker (several merchants) on the workbench's home. */
export { useWorkplaces };

export function errorText(e: unknown): string {
  return e instanceof Error && e.message ? e.message : errorMessage('UNKNOWN');
}

export function toast(title: string, icon: 'none' | 'success' = 'none') {
  void Taro.showToast({ title, icon, duration: 2000 });
}

/** Asks before an irreversible action; resolves true when confirmed. */
export async function confirmAction(content: string, title = t('wb.confirmTitle')): Promise<boolean> {
  const res = await Taro.showModal({ title, content, confirmText: t('confirm'), cancelText: t('cancel') });
  return !!res.confirm;
}

/**
 * One action at a time: a second tap while one runs (even in the same tick) is ignored; a
 * failure shows its Chinese message. `busy` disables the buttons meanwhile.
 */
export function useOneAtATime() {
  const running = useRef(false);
  const [busy, setBusy] = useState<string | null>(null);
  async function run(name: string, action: () => Promise<void>): Promise<boolean> {
    if (running.current) return false;
    running.current = true;
    setBusy(name);
    try {
      await action();
      return true;
    } catch (e) {
      toast(errorText(e));
      return false;
    } finally {
      running.current = false;
      setBusy(null);
    }
  }
  return { run, busy };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function maskPhone(p: string): string {
  return p.length === 11 ? `${p.slice(0, 3)}****${p.slice(7)}` : p;
}

/** fen -> "12.50" (no currency sign). */
export function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

/** "12.5" -> 1250 fen; null when it is not a price with at most two decimals. */
export function parseYuan(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(s)) return null;
  const [int, dec = ''] = s.split('.');
  return Number(int) * 100 + Number((dec + '00').slice(0, 2));
}

/** A label and its value on a detail page's card (order.css). */
export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View className="wb-row">
      <Text className="wb-row__label">{label}</Text>
      <View className="wb-row__value">{children}</View>
    </View>
  );
}

/** A thing on a card: its picture, title and a line about it; `children` below that line, a price at the end. */
export function Item({ image, title, meta, price, children }: { image: string; title: string; meta: ReactNode; price?: number; children?: ReactNode }) {
  return (
    <View className="wb-item">
      <Picture className="wb-item__img" src={image} alt="" />
      <View className="wb-item__body">
        <Text className="wb-item__title">{title}</Text>
        <Text className="wb-item__meta">{meta}</Text>
        {children}
      </View>
      {price !== undefined && <Price fen={price} size="sm" />}
    </View>
  );
}

/** A bottom sheet over the page (tap outside or 关闭 to close). */
export function Sheet({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  return (
    <View className="wb-sheet-mask" onClick={onClose}>
      <View className="wb-sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label={title} data-testid={testId}>
        <View className="wb-sheet__title">
          <Text>{title}</Text>
          <Text className="wb-sheet__close" onClick={onClose}>
            {t('wb.sku.close')}
          </Text>
        </View>
        {children}
      </View>
    </View>
  );
}

/** A workbench list page: ListPage in the workbench's frame (wbFrame), its foot saying 加载更多. */
export function WbList<T, K extends string | number = string>({ wb, allowed, forbiddenText, ...props }: Omit<ListPageProps<T, K>, 'moreText'> & { wb: WorkbenchContext; allowed: boolean; forbiddenText?: string }) {
  return <ListPage {...wbFrame(wb, allowed, forbiddenText)} moreText={t('wb.loadMore')} {...props} />;
}
