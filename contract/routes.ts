import { z } from 'zod';
import * as catalog from './catalog';
import * as identity from './identity';
import * as addr from './address';
import * as cart from './cart';
import * as ord from './order';
import * as pay from './payment';
import * as wal from './wallet';
import { id } from './common';

/**
 * The route table: the one source of the API's shape. The server registers and validates
 * every route from it; the client's request types come from it; the OpenAPI document and the
 * plain route list used by the client (contract/generated/) are generated from it.
 *
 * auth: 'none' (anyone), 'optional' (guest or user), 'user' (signed-in shopper).
 * Every non-GET route accepts an Idempotency-Key; `idempotency: 'required'` makes it mandatory.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface RouteDef {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'optional' | 'user';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** HTTP status of a success; 200 unless stated. */
  status?: 200 | 201 | 204;
  idempotency?: 'optional' | 'required';
}

const idParams = z.strictObject({ id });
const skuParams = z.strictObject({ skuId: id });
const ok = z.object({ ok: z.literal(true) });

export const routes = {
  health: { method: 'GET', path: '/healthz', tag: 'ops', summary: 'Liveness and database check', auth: 'none',
    response: z.object({ status: z.literal('ok'), db: z.string(), uptimeSeconds: z.number() }) },

  // catalog
  getHome: { method: 'GET', path: '/api/home', tag: 'catalog', summary: 'Banners and category entries for the home page', auth: 'none', response: catalog.homeView },
  listCategories: { method: 'GET', path: '/api/categories', tag: 'catalog', summary: 'All categories', auth: 'none',
    response: z.object({ items: z.array(catalog.category) }) },
  listProducts: { method: 'GET', path: '/api/products', tag: 'catalog', summary: 'Search and browse products (cursor pagination)', auth: 'none',
    query: catalog.productListQuery, response: catalog.productPage },
  suggestSearch: { method: 'GET', path: '/api/search/suggest', tag: 'catalog', summary: 'Search suggestions for what the shopper has typed (product titles and categories)', auth: 'none',
    query: catalog.searchSuggestQuery, response: catalog.searchWords },
  getHotSearches: { method: 'GET', path: '/api/search/hot', tag: 'catalog', summary: 'Hot searches: the best-selling products on the shelf', auth: 'none', response: catalog.searchWords },
  getProduct: { method: 'GET', path: '/api/products/:id', tag: 'catalog', summary: 'Product detail with specs and SKUs', auth: 'none',
    params: idParams, response: catalog.productDetail },

  // identity
  loginMini: { method: 'POST', path: '/api/auth/login/mini', tag: 'identity', summary: "Exchange a mini-program login code for a session", auth: 'none',
    body: identity.miniLoginBody, response: identity.session },
  requestOtp: { method: 'POST', path: '/api/auth/otp', tag: 'identity', summary: 'Send a one-time login code by SMS (H5)', auth: 'none',
    body: identity.otpRequestBody, response: identity.otpRequestResult },
  loginPhone: { method: 'POST', path: '/api/auth/login/phone', tag: 'identity', summary: 'Log in with phone number and one-time code (H5)', auth: 'none',
    body: identity.phoneLoginBody, response: identity.session },
  getMe: { method: 'GET', path: '/api/me', tag: 'identity', summary: 'The signed-in user', auth: 'user', response: identity.user },

  // addresses
  listAddresses: { method: 'GET', path: '/api/addresses', tag: 'address', summary: "The user's address book", auth: 'user', response: addr.addressList },
  createAddress: { method: 'POST', path: '/api/addresses', tag: 'address', summary: 'Add an address', auth: 'user',
    body: addr.addressInput, response: addr.address, status: 201 },
  updateAddress: { method: 'PATCH', path: '/api/addresses/:id', tag: 'address', summary: 'Change an address', auth: 'user',
    params: idParams, body: addr.addressPatch, response: addr.address },
  deleteAddress: { method: 'DELETE', path: '/api/addresses/:id', tag: 'address', summary: 'Remove an address', auth: 'user',
    params: idParams, response: ok },

  // cart
  getCart: { method: 'GET', path: '/api/cart', tag: 'cart', summary: "The user's cart, validated and priced", auth: 'user', response: cart.cartView },
  addCartItem: { method: 'POST', path: '/api/cart/items', tag: 'cart', summary: 'Add a quantity of a SKU', auth: 'user',
    body: cart.cartAddBody, response: cart.cartView },
  updateCartItem: { method: 'PATCH', path: '/api/cart/items/:skuId', tag: 'cart', summary: 'Set quantity or selection of a line', auth: 'user',
    params: skuParams, body: cart.cartUpdateBody, response: cart.cartView },
  removeCartItem: { method: 'DELETE', path: '/api/cart/items/:skuId', tag: 'cart', summary: 'Remove a line', auth: 'user',
    params: skuParams, response: cart.cartView },
  selectAllCart: { method: 'POST', path: '/api/cart/select-all', tag: 'cart', summary: 'Select or deselect every line', auth: 'user',
    body: cart.cartSelectAllBody, response: cart.cartView },
  mergeCart: { method: 'POST', path: '/api/cart/merge', tag: 'cart', summary: "Merge a guest's cart into the account's cart", auth: 'user',
    body: cart.cartMergeBody, response: cart.cartView },
  quoteCart: { method: 'POST', path: '/api/cart/quote', tag: 'cart', summary: "Validate and price a guest's cart draft (nothing stored)", auth: 'optional',
    body: cart.cartQuoteBody, response: cart.cartView },

  // checkout and orders
  previewCheckout: { method: 'POST', path: '/api/checkout/preview', tag: 'order', summary: 'Price a checkout: per-merchant groups, shipping, totals', auth: 'user',
    body: ord.checkoutBody, response: ord.checkoutPreview },
  createOrder: { method: 'POST', path: '/api/orders', tag: 'order', summary: 'Create a parent order with one child per merchant; reserves stock', auth: 'user',
    body: ord.createOrderBody, response: ord.parentOrder, status: 201, idempotency: 'required' },
  listOrders: { method: 'GET', path: '/api/orders', tag: 'order', summary: "The user's child orders, newest first", auth: 'user',
    query: ord.orderListQuery, response: ord.orderPage },
  getOrderCounts: { method: 'GET', path: '/api/orders/counts', tag: 'order', summary: 'Number of orders per status for the me page', auth: 'user',
    response: ord.orderCounts },
  getOrder: { method: 'GET', path: '/api/orders/:id', tag: 'order', summary: 'A child order with its timeline', auth: 'user',
    params: idParams, response: ord.order },
  getParentOrder: { method: 'GET', path: '/api/parent-orders/:id', tag: 'order', summary: 'A parent order with its children', auth: 'user',
    params: idParams, response: ord.parentOrder },
  cancelOrder: { method: 'POST', path: '/api/orders/:id/cancel', tag: 'order', summary: 'Cancel a child order that is pending payment; releases its stock', auth: 'user',
    params: idParams, response: ord.order },
  confirmReceipt: { method: 'POST', path: '/api/orders/:id/confirm', tag: 'order', summary: 'Confirm receipt of a shipped order', auth: 'user',
    params: idParams, response: ord.order },

  // wallet
  getWallet: { method: 'GET', path: '/api/wallet', tag: 'wallet', summary: "The shopper's stored balance and points, with the points rule", auth: 'user', response: wal.wallet },
  verifyGiftCard: { method: 'POST', path: '/api/gift-cards/verify', tag: 'wallet', summary: 'Check a gift card number and PIN; answers its balance and expiry', auth: 'user',
    body: wal.giftCardCredential, response: wal.giftCardView },

  // payment
  createPayment: { method: 'POST', path: '/api/payments', tag: 'payment', summary: 'Pay an order with internal tenders and at most one channel', auth: 'user',
    body: pay.createPaymentBody, response: pay.payment, status: 201, idempotency: 'required' },
  getPayment: { method: 'GET', path: '/api/payments/:id', tag: 'payment', summary: 'A payment and its state (the client polls this)', auth: 'user',
    params: idParams, response: pay.payment },
  cancelPayment: { method: 'POST', path: '/api/payments/:id/cancel', tag: 'payment', summary: 'Give up an open payment; its internal tenders are released', auth: 'user',
    params: idParams, response: pay.payment },
  listOpenPayments: { method: 'GET', path: '/api/orders/:id/open-payments', tag: 'payment',
    summary: "An order's payments still open or closing (a parent order id: any of its children), newest first, with the tenders they hold", auth: 'user',
    params: idParams, response: pay.openPaymentList },

  // refunds
  createRefund: { method: 'POST', path: '/api/orders/:id/refunds', tag: 'payment', summary: 'Refund part or all of a paid child order, back to the tenders that paid it', auth: 'user',
    params: idParams, body: pay.createRefundBody, response: pay.refund, status: 201, idempotency: 'required' },
  listRefunds: { method: 'GET', path: '/api/orders/:id/refunds', tag: 'payment', summary: "A child order's refunds and what is still refundable", auth: 'user',
    params: idParams, response: pay.refundList },
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : undefined;
type Field<R, K extends string> = R extends Record<K, infer S> ? S : undefined;

/** What a caller sends: params, query and body as the schemas accept them. */
export interface RouteInput<N extends RouteName> {
  params: In<Field<Routes[N], 'params'>>;
  query: In<Field<Routes[N], 'query'>>;
  body: In<Field<Routes[N], 'body'>>;
}
/** What the server answers on success. */
export type RouteOutput<N extends RouteName> = Out<Routes[N]['response']>;
