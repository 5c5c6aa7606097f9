/**
 * Test support for the checkout and orders subpackages (jest only): API fixtures shaped by the
 * contract's types, and the few Taro pieces the shared mocks in src/test/ do not provide yet
 * (Textarea, Switch, Taro.eventCenter, getCurrentInstance, setClipboardData).
 */
import type { Address, CheckoutPreview, Order, ParentOrder, Payment, PricedLine } from '@contract';
import Taro from '@tarojs/taro';
import { createElement, type ReactNode } from 'react';

export const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);

export function pricedLine(over: Partial<PricedLine> = {}): PricedLine {
  return {
    skuId: 'sku_1',
    productId: 'p_1',
    title: '纯棉T恤',
    specText: '白色 / L',
    image: '/images/p_1-1.svg',
    unitPrice: 4900,
    quantity: 2,
    lineAmount: 9800,
    issue: null,
    ...over,
  };
}

export const address: Address = {
  id: 'adr_1',
  name: '张三',
  phone: '13800138000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '文三路 90 号',
  isDefault: true,
};

export function preview(over: Partial<CheckoutPreview> = {}): CheckoutPreview {
  return {
    groups: [
      {
        merchantId: 'm_1',
        merchantName: '山野小铺',
        lines: [pricedLine()],
        amounts: { itemsAmount: 9800, shippingAmount: 800, discountAmount: 0, payableAmount: 10600 },
        pickupStore: { name: '山野小铺 人民路店', address: '上海市 黄浦区 人民路 88 号', hours: '09:00-21:00' },
      },
      {
        merchantId: 'm_2',
        merchantName: '晨光文具',
        lines: [pricedLine({ skuId: 'sku_2', productId: 'p_2', title: '中性笔', specText: '黑色', unitPrice: 350, quantity: 1, lineAmount: 350 })],
        amounts: { itemsAmount: 350, shippingAmount: 800, discountAmount: 0, payableAmount: 1150 },
        pickupStore: { name: '晨光文具 中山路店', address: '上海市 黄浦区 中山路 166 号', hours: '10:00-20:00' },
      },
    ],
    amounts: { itemsAmount: 10150, shippingAmount: 1600, discountAmount: 0, payableAmount: 11750 },
    fulfilment: { type: 'delivery', addressId: address.id },
    address,
    canSubmit: true,
    freeShippingThreshold: 9900,
    ...over,
  };
}

/** An order line: the priced line as it was bought (no checkout issue). */
function orderLine(): Order['lines'][number] {
  const { issue: _issue, ...line } = pricedLine();
  return line;
}

export function order(over: Partial<Order> = {}): Order {
  return {
    id: 'o_1',
    orderNo: '2026120712345678901',
    parentId: 'po_1',
    merchantId: 'm_1',
    merchantName: '山野小铺',
    status: 'pending_payment',
    lines: [orderLine()],
    amounts: { itemsAmount: 9800, shippingAmount: 800, discountAmount: 0, payableAmount: 10600 },
    fulfilment: { type: 'delivery', addressId: address.id },
    shipTo: '张三 13800138000 浙江省 杭州市 西湖区 文三路 90 号',
    remark: null,
    createdAt: NOW - 60_000,
    expiresAt: NOW + 14 * 60_000,
    paidAt: null,
    paidAmount: 0,
    refundedAmount: 0,
    timeline: [{ status: 'pending_payment', at: NOW - 60_000, note: '订单已提交' }],
    ...over,
  };
}

export function parentOrder(children: Order[] = [order()]): ParentOrder {
  return {
    id: 'po_1',
    orderNo: '2026120712345678900',
    status: 'pending_payment',
    amounts: children[0].amounts,
    createdAt: NOW - 60_000,
    expiresAt: NOW + 14 * 60_000,
    children,
  };
}

/** WeChat Pay JSAPI client parameters as the server signs them (prepay id PREPAY1). */
export const wechatJsapiParams = {
  kind: 'wechatpay_jsapi',
  appId: 'wx_app',
  timeStamp: '1795000000',
  nonceStr: 'n0nce',
  package: 'prepay_id=PREPAY1',
  signType: 'RSA',
  paySign: 'c2lnbg==',
} as const;

/** A payment whose whole amount goes to WeChat Pay (no internal tenders), waiting at the channel. */
export function payment(over: Partial<Payment> = {}): Payment {
  const amount = over.amount ?? 11750;
  return {
    id: 'pay_1',
    orderId: 'po_1',
    amount,
    status: 'paying',
    tenders: [{ kind: 'channel', amount, points: null, giftCard: null }],
    channel: 'wechatpay',
    channelAmount: amount,
    expiresAt: NOW + 15 * 60_000,
    paidAt: null,
    endReason: null,
    clientParams: { ...wechatJsapiParams },
    ...over,
  };
}

type AnyProps = Record<string, unknown> & { children?: ReactNode };

/** Textarea and Switch as DOM elements, with Taro's event shapes (detail.value). */
export function formComponents() {
  const Textarea = (props: AnyProps) => {
    const onInput = props.onInput as ((e: { detail: { value: string } }) => void) | undefined;
    return createElement('textarea', {
      className: props.className,
      placeholder: props.placeholder,
      value: props.value ?? '',
      maxLength: props.maxlength,
      onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
    });
  };
  const Switch = (props: AnyProps) => {
    const onChange = props.onChange as ((e: { detail: { value: boolean } }) => void) | undefined;
    return createElement('input', {
      type: 'checkbox',
      role: 'switch',
      checked: Boolean(props.checked),
      onChange: (e: { target: { checked: boolean } }) => onChange?.({ detail: { value: e.target.checked } }),
    });
  };
  return { Textarea, Switch };
}

type Listener = (...args: unknown[]) => void;

/** Taro.eventCenter, getCurrentInstance and setClipboardData on the shared Taro mock. */
export function installTaroExtras(opener?: { emit: jest.Mock }) {
  const listeners = new Map<string, Set<Listener>>();
  const eventCenter = {
    on: jest.fn((name: string, fn: Listener) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(fn);
    }),
    off: jest.fn((name: string, fn?: Listener) => {
      if (fn) listeners.get(name)?.delete(fn);
      else listeners.delete(name);
    }),
    trigger: jest.fn((name: string, ...args: unknown[]) => {
      listeners.get(name)?.forEach((fn) => fn(...args));
    }),
  };
  Object.assign(Taro, {
    eventCenter,
    getCurrentInstance: jest.fn(() => ({ page: opener ? { getOpenerEventChannel: () => opener } : {}, router: null })),
    setClipboardData: jest.fn(() => Promise.resolve({ errMsg: 'setClipboardData:ok' })),
  });
  return { eventCenter };
}
