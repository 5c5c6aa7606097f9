import { z } from 'zod';
import * as catalog from './catalog';
import * as identity from './identity';
import * as addr from './address';
import * as cart from './cart';
import * as ord from './order';
import * as pay from './payment';
import * as wal from './wallet';
import * as mer from './merchant';
import * as aft from './aftersale';
import * as wb from './workbench';
import * as ref from './referral';
import * as rc from './referral-commission';
import * as rw from './referral-withdrawal';
import * as rh from './referral-holds';
import * as share from './share';
import * as live from './live';
import type { StaffRole } from './merchant';
import { id } from './common';

/**
 * The route table: the one source of the API's shape. The server registers and validates
 * every route from it; the client's request types come from it; the OpenAPI document and the
 * plain route list used by the client (contract/generated/) are generated from it.
 *
 * auth: 'none' (anyone), 'optional' (guest or user), 'user' (signed-in shopper), 'staff' (a
 * member of the merchant the path names, in one of the route's `roles`). Every route under
 * /api/merchants/:merchantId, and only those, is 'staff' with its roles: a merchant route that
 * does not say who may call it does not typecheck (StaffRouteRule) and the server refuses to
 * start with it (routeAuthProblems).
 * Every non-GET route accepts an Idempotency-Key; `idempotency: 'required'` makes it mandatory;
 * `idempotency: 'none'` (a beacon such as a shared link's visit, repeatable by nature) ignores it,
 * so nothing about such a request is stored before its handler has looked at it.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface RouteDef {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  auth: 'none' | 'optional' | 'user' | 'staff';
  /** auth 'staff' only: the staff roles that may call it (others of the merchant get 403 FORBIDDEN_ROLE). */
  roles?: readonly StaffRole[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** HTTP status of a success; 200 unless stated. */
  status?: 200 | 201 | 204;
  idempotency?: 'optional' | 'required' | 'none';
  /**
   * Top-level members of the response shown only in the first answer (a secret the server keeps
   * only as a hash): the idempotency store keeps them as null, so a replay answers null.
   */
  shownOnce?: readonly string[];
}

const idParams = z.strictObject({ id });
const skuParams = z.strictObject({ skuId: id });
const ok = z.object({ ok: z.literal(true) });
const ALL_STAFF = ['owner', 'operator', 'live_host', 'kitchen'] as const;
/** Who runs the shop day to day: orders, goods, the dashboard. */
const SHOP_STAFF = ['owner', 'operator'] as const;
/** Who runs live sessions: the shop's managers and its hosts. */
const LIVE_STAFF = ['owner', 'operator', 'live_host'] as const;

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

  // refunds (a shopper asks for one through after-sales; the merchant's decision books it)
  listRefunds: { method: 'GET', path: '/api/orders/:id/refunds', tag: 'payment', summary: "A child order's refunds and what is still refundable", auth: 'user',
    params: idParams, response: pay.refundList },

  // share posters (docs/share.md): the platform's code for a page and a scene
  shareCode: { method: 'POST', path: '/api/share/code', tag: 'share', summary: "The platform's code (WeChat mini-program code, Alipay or Douyin QR code, H5 QR code) opening a page with a scene", auth: 'user',
    body: share.shareCodeBody, response: share.shareCodeResponse },

  // after-sales (docs/aftersale.md); the shopper's photos go up first through POST /api/uploads (an image body, outside this table)
  createAfterSale: { method: 'POST', path: '/api/after-sales', tag: 'aftersale', summary: 'Ask for a refund only or a return and refund of lines of a paid child order', auth: 'user',
    body: aft.createAfterSaleBody, response: aft.afterSale, status: 201, idempotency: 'required' },
  listAfterSales: { method: 'GET', path: '/api/after-sales', tag: 'aftersale', summary: "The shopper's after-sale requests, newest first", auth: 'user',
    query: aft.afterSaleListQuery, response: aft.afterSalePage },
  getAfterSale: { method: 'GET', path: '/api/after-sales/:id', tag: 'aftersale', summary: 'An after-sale request', auth: 'user',
    params: aft.afterSaleParams, response: aft.afterSale },
  cancelAfterSale: { method: 'POST', path: '/api/after-sales/:id/cancel', tag: 'aftersale', summary: 'Withdraw a request the merchant has not decided, or a return not yet sent', auth: 'user',
    params: aft.afterSaleParams, response: aft.afterSale },
  shipAfterSaleReturn: { method: 'POST', path: '/api/after-sales/:id/return-shipment', tag: 'aftersale', summary: 'Enter the carrier and tracking number of the goods sent back', auth: 'user',
    params: aft.afterSaleParams, body: aft.returnShipmentBody, response: aft.afterSale },
  listMerchantAfterSales: { method: 'GET', path: '/api/merchants/:merchantId/after-sales', tag: 'aftersale', summary: "The merchant's after-sale requests by status, newest first, with the count per status", auth: 'staff', roles: ['owner', 'operator'],
    params: mer.merchantParams, query: aft.merchantAfterSaleQuery, response: aft.merchantAfterSalePage },
  getMerchantAfterSale: { method: 'GET', path: '/api/merchants/:merchantId/after-sales/:afterSaleId', tag: 'aftersale', summary: 'An after-sale request of the merchant', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, response: aft.afterSale },
  approveAfterSale: { method: 'POST', path: '/api/merchants/:merchantId/after-sales/:afterSaleId/approve', tag: 'aftersale', summary: 'Approve a refund-only request: the refund runs at once (a second approval changes nothing)', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, response: aft.afterSale },
  approveAfterSaleReturn: { method: 'POST', path: '/api/merchants/:merchantId/after-sales/:afterSaleId/approve-return', tag: 'aftersale', summary: 'Approve a return-and-refund request with the address the goods go back to', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, body: aft.approveReturnBody, response: aft.afterSale },
  rejectAfterSale: { method: 'POST', path: '/api/merchants/:merchantId/after-sales/:afterSaleId/reject', tag: 'aftersale', summary: 'Reject a request with a reason (the shopper may ask again)', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, body: aft.rejectAfterSaleBody, response: aft.afterSale },
  receiveAfterSaleReturn: { method: 'POST', path: '/api/merchants/:merchantId/after-sales/:afterSaleId/receive', tag: 'aftersale', summary: 'Confirm the returned goods arrived: the refund runs', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, response: aft.afterSale },
  retryAfterSaleRefund: { method: 'POST', path: '/api/merchants/:merchantId/after-sales/:afterSaleId/retry-refund', tag: 'aftersale', summary: 'Run a refund the channel refused once more', auth: 'staff', roles: ['owner', 'operator'],
    params: aft.merchantAfterSaleParams, response: aft.afterSale },

  // merchant: staff and the audit log (the workbench's routes are all under /api/merchants/:merchantId)
  listWorkplaces: { method: 'GET', path: '/api/me/workplaces', tag: 'merchant', summary: 'The merchants the signed-in person is staff of, with their role there', auth: 'user',
    response: mer.workplaceList },
  getWorkplace: { method: 'GET', path: '/api/merchants/:merchantId', tag: 'merchant', summary: 'The merchant as its staff member sees it: name, logo and the caller\'s role', auth: 'staff', roles: ALL_STAFF,
    params: mer.merchantParams, response: mer.workplace },
  listStaff: { method: 'GET', path: '/api/merchants/:merchantId/staff', tag: 'merchant', summary: "The merchant's staff and open invites", auth: 'staff', roles: ['owner'],
    params: mer.merchantParams, response: mer.staffList },
  inviteStaff: { method: 'POST', path: '/api/merchants/:merchantId/staff', tag: 'merchant',
    summary: "Invite staff with a role, by phone number or not: answers the invite code once (valid 72 hours); a phone's account joins at once, or the phone's first login or the code binds the invite",
    auth: 'staff', roles: ['owner'], params: mer.merchantParams, body: mer.staffInviteBody, response: mer.staffInvite, status: 201, shownOnce: ['inviteCode'] },
  updateStaff: { method: 'PATCH', path: '/api/merchants/:merchantId/staff/:staffId', tag: 'merchant', summary: "Change a member's role (the merchant keeps an owner)", auth: 'staff', roles: ['owner'],
    params: mer.staffParams, body: mer.staffPatch, response: mer.staffMember },
  removeStaff: { method: 'DELETE', path: '/api/merchants/:merchantId/staff/:staffId', tag: 'merchant',
    summary: 'Remove a member or withdraw an invite; their access ends with the next request (not yourself, not the last owner)', auth: 'staff', roles: ['owner'],
    params: mer.staffParams, response: ok },
  listAudit: { method: 'GET', path: '/api/merchants/:merchantId/audit', tag: 'merchant', summary: "The merchant's audit log: who did what and when, newest first", auth: 'staff', roles: ['owner'],
    params: mer.merchantParams, query: mer.auditListQuery, response: mer.auditPage },
  // merchant: taking an invite by its code (any signed-in account, on any platform)
  getStaffInvite: { method: 'GET', path: '/api/staff-invites/:code', tag: 'merchant',
    summary: "Preview a staff invite by its code: the merchant, the role, when the code expires (wrong codes are rate-limited per account)", auth: 'user',
    params: mer.inviteCodeParams, response: mer.invitePreview },
  acceptStaffInvite: { method: 'POST', path: '/api/staff-invites/:code/accept', tag: 'merchant',
    summary: "Take a staff invite by its code: the caller becomes active staff with the invite's role and the code is spent", auth: 'user',
    params: mer.inviteCodeParams, response: mer.workplace },

  // merchant workbench: orders (docs/merchant.md)
  listMerchantOrders: { method: 'GET', path: '/api/merchants/:merchantId/orders', tag: 'workbench',
    summary: "The merchant's orders by tab (to ship, to pick up, shipped, completed, closed), searched by order number, buyer's phone or product title, with counts per tab", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: wb.merchantOrderListQuery, response: wb.merchantOrderPage },
  getMerchantOrder: { method: 'GET', path: '/api/merchants/:merchantId/orders/:orderId', tag: 'workbench',
    summary: 'An order with its lines, buyer contact and address, payments, parcels and the merchant remark', auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantOrderParams, response: wb.merchantOrderDetail },
  shipMerchantOrder: { method: 'POST', path: '/api/merchants/:merchantId/orders/:orderId/ship', tag: 'workbench',
    summary: 'Ship a paid delivery order in one parcel or several (carrier, tracking number, lines); once', auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantOrderParams, body: wb.shipOrderBody, response: wb.merchantOrderDetail },
  verifyPickup: { method: 'POST', path: '/api/merchants/:merchantId/orders/:orderId/pickup', tag: 'workbench',
    summary: "Verify a pickup order's code: the goods are handed over and the order completes (wrong codes are rate-limited)", auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantOrderParams, body: wb.verifyPickupBody, response: wb.merchantOrderDetail },
  remarkMerchantOrder: { method: 'POST', path: '/api/merchants/:merchantId/orders/:orderId/remark', tag: 'workbench',
    summary: "Set the merchant's remark on an order (empty clears it); the shopper never sees it", auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantOrderParams, body: wb.orderRemarkBody, response: wb.merchantOrderDetail },

  // merchant workbench: goods
  listMerchantProducts: { method: 'GET', path: '/api/merchants/:merchantId/products', tag: 'workbench',
    summary: "The merchant's products with their SKUs, stock and shelf state (search, cursor); a live host reads it to pick a session's lineup", auth: 'staff', roles: LIVE_STAFF,
    params: mer.merchantParams, query: wb.merchantProductListQuery, response: wb.merchantProductPage },
  setProductShelf: { method: 'POST', path: '/api/merchants/:merchantId/products/:productId/shelf', tag: 'workbench',
    summary: 'Put a product on the shelf or take it off', auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantProductParams, body: wb.shelfBody, response: wb.merchantProduct },
  setSkuPrice: { method: 'POST', path: '/api/merchants/:merchantId/skus/:skuId/price', tag: 'workbench',
    summary: "Change a SKU's price (orders already placed keep theirs)", auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantSkuParams, body: wb.skuPriceBody, response: wb.merchantSku },
  changeSkuStock: { method: 'POST', path: '/api/merchants/:merchantId/skus/:skuId/stock', tag: 'workbench',
    summary: "Change a SKU's stock by a delta (never below zero) or set it when it is still the value read; never loses a concurrent sale", auth: 'staff', roles: SHOP_STAFF,
    params: wb.merchantSkuParams, body: wb.skuStockBody, response: wb.merchantSku },
  listStockAlerts: { method: 'GET', path: '/api/merchants/:merchantId/stock-alerts', tag: 'workbench',
    summary: "The merchant's SKUs sold out or at most the low-stock threshold, lowest first", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: wb.stockAlertQuery, response: wb.stockAlertPage },

  // merchant workbench: dashboard
  getDashboard: { method: 'GET', path: '/api/merchants/:merchantId/dashboard', tag: 'workbench',
    summary: "Today's figures (Asia/Shanghai): paid orders, GMV, refunds, orders waiting to ship or be picked up", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, response: wb.dashboardFigures },

  // referral: attribution, binding, promoters and the network (docs/referral.md, "Attribution and binding")
  createReferralLink: { method: 'POST', path: '/api/referral/links', tag: 'referral',
    summary: 'A share link for a promoter: a signed 20-character token and the page path carrying it (the same target and campaign reuse a link still valid)', auth: 'user',
    body: ref.createReferralLinkBody, response: ref.referralLink },
  resolveReferralLink: { method: 'GET', path: '/api/referral/links/:token', tag: 'referral',
    summary: "What a share link opens (its target and page path), for a code whose scene carries only the token; 404 for a token that does not verify or names no link (an expired link still answers)", auth: 'optional',
    params: ref.referralLinkParams, response: ref.resolvedReferralLink },
  recordReferralVisit: { method: 'POST', path: '/api/referral/visits', tag: 'referral',
    summary: "Record an open of a shared link (first and last touch per device and account); 204 for any well-formed body, whether the token is good or not", auth: 'optional',
    body: ref.referralVisitBody, response: z.null(), status: 204, idempotency: 'none' },
  bindReferral: { method: 'POST', path: '/api/referral/bind', tag: 'referral',
    summary: 'Bind the signed-in account by a token under the binding policy (a link opened after login); a bad token binds nothing and is no error', auth: 'user',
    body: ref.referralBindBody, response: ref.referralBindResult },
  getReferralMe: { method: 'GET', path: '/api/referral/me', tag: 'referral',
    summary: 'The promoter centre: whether the shopper may promote (or apply), who referred them, the team counts by level', auth: 'user',
    response: ref.referralMe },
  getReferralEstimate: { method: 'GET', path: '/api/referral/estimate', tag: 'referral',
    summary: "A promoter's estimated level-1 commission on one unit of each SKU of a product at the rules in force (403 NOT_A_PROMOTER for anyone else)", auth: 'user',
    query: rc.referralEstimateQuery, response: rc.referralEstimate },
  listReferralTeam: { method: 'GET', path: '/api/referral/team', tag: 'referral', summary: "The shopper's team at one level, newest first (nicknames masked)", auth: 'user',
    query: ref.referralTeamQuery, response: ref.referralTeamPage },
  applyReferralPromoter: { method: 'POST', path: '/api/referral/applications', tag: 'referral',
    summary: 'Apply to become a promoter (REFERRAL_PROMOTERS=approved); one open application at a time', auth: 'user',
    body: ref.referralApplicationBody, response: ref.referralApplication, status: 201 },
  listReferralApplications: { method: 'GET', path: '/api/merchants/:merchantId/referral/applications', tag: 'referral',
    summary: "Promoter applications, newest first (the operating merchant's staff only; any other merchant 404)", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: ref.merchantReferralApplicationQuery, response: ref.merchantReferralApplicationPage },
  approveReferralApplication: { method: 'POST', path: '/api/merchants/:merchantId/referral/applications/:applicationId/approve', tag: 'referral',
    summary: 'Approve a promoter application: the applicant may promote (the operating merchant only)', auth: 'staff', roles: SHOP_STAFF,
    params: ref.referralApplicationParams, response: ref.merchantReferralApplication },
  rejectReferralApplication: { method: 'POST', path: '/api/merchants/:merchantId/referral/applications/:applicationId/reject', tag: 'referral',
    summary: 'Reject a promoter application with a reason (the applicant may apply again; the operating merchant only)', auth: 'staff', roles: SHOP_STAFF,
    params: ref.referralApplicationParams, body: ref.rejectReferralApplicationBody, response: ref.merchantReferralApplication },
  // referral commissions (docs/referral.md, "Commissions")
  getReferralRules: { method: 'GET', path: '/api/merchants/:merchantId/referral/rules', tag: 'referral',
    summary: "The merchant's referral commission rules in force (version 0: never set, commissions off)", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, response: rc.referralRules },
  setReferralRules: { method: 'POST', path: '/api/merchants/:merchantId/referral/rules', tag: 'referral',
    summary: 'A new version of the commission rules (levels, a rate or fixed amount per level, overrides per product and SKU, freeze days); orders already placed keep theirs', auth: 'staff', roles: ['owner'],
    params: mer.merchantParams, body: rc.referralRulesBody, response: rc.referralRules },
  getCommissionReport: { method: 'GET', path: '/api/merchants/:merchantId/referral/report', tag: 'referral',
    summary: "Commissions earned on the merchant's orders and reversed, per day or in total", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: rc.commissionReportQuery, response: rc.commissionReport },
  getReferralEarnings: { method: 'GET', path: '/api/referral/earnings', tag: 'referral',
    summary: "The promoter's commissions by state: pending, frozen, available, withdrawing, withdrawn, and what he owes; the withdrawal rules (minimum, fee, daily limit and what is left of it today)", auth: 'user',
    response: rc.referralEarnings },
  listReferralCommissions: { method: 'GET', path: '/api/referral/commissions', tag: 'referral',
    summary: "The promoter's commissions, newest first: order, product, level, amount, reversed amount, state", auth: 'user',
    query: rc.commissionListQuery, response: rc.commissionPage },
  getReferralLeaderboard: { method: 'GET', path: '/api/referral/leaderboard', tag: 'referral',
    summary: "The top 50 promoters by commissions earned in the period (this month in Asia/Shanghai, or all time) less what was reversed, nicknames masked, and the caller's own rank", auth: 'user',
    query: rc.leaderboardQuery, response: rc.referralLeaderboard },
  // referral withdrawals (docs/referral.md, "Withdrawals")
  createReferralWithdrawal: { method: 'POST', path: '/api/referral/withdrawals', tag: 'referral',
    summary: 'Withdraw available commissions to the stored balance (at once), WeChat Pay or Alipay (the account of the mini-program login); above the auto-approval threshold the operating merchant reviews it', auth: 'user',
    body: rw.createWithdrawalBody, response: rw.withdrawal, status: 201, idempotency: 'required' },
  listReferralWithdrawals: { method: 'GET', path: '/api/referral/withdrawals', tag: 'referral',
    summary: "The promoter's withdrawals, newest first", auth: 'user',
    query: rw.withdrawalListQuery, response: rw.withdrawalPage },
  getReferralWithdrawal: { method: 'GET', path: '/api/referral/withdrawals/:withdrawalId', tag: 'referral',
    summary: "One of the promoter's withdrawals (with what WeChat's confirmation needs while the transfer waits for him)", auth: 'user',
    params: rw.withdrawalParams, response: rw.withdrawal },
  listMerchantWithdrawals: { method: 'GET', path: '/api/merchants/:merchantId/referral/withdrawals', tag: 'referral',
    summary: "Promoters' withdrawals by status, those waiting for review by default (oldest first); the operating merchant's staff only, any other merchant 404", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: rw.merchantWithdrawalQuery, response: rw.merchantWithdrawalPage },
  approveReferralWithdrawal: { method: 'POST', path: '/api/merchants/:merchantId/referral/withdrawals/:withdrawalId/approve', tag: 'referral',
    summary: 'Approve a withdrawal waiting for review: paid to the balance at once, or transferred through its channel (the operating merchant only)', auth: 'staff', roles: SHOP_STAFF,
    params: rw.merchantWithdrawalParams, response: rw.merchantWithdrawal },
  rejectReferralWithdrawal: { method: 'POST', path: '/api/merchants/:merchantId/referral/withdrawals/:withdrawalId/reject', tag: 'referral',
    summary: "Reject a withdrawal with a reason: its money is the promoter's available commissions again (the operating merchant only)", auth: 'staff', roles: SHOP_STAFF,
    params: rw.merchantWithdrawalParams, body: rw.rejectWithdrawalBody, response: rw.merchantWithdrawal },
  // referral fraud controls: the held commissions' queue (docs/referral.md, "Fraud controls")
  listReferralHolds: { method: 'GET', path: '/api/merchants/:merchantId/referral/holds', tag: 'referral',
    summary: "Commissions on the merchant's orders that fraud controls held, open or decided, newest first, with the reasons (shoppers masked)", auth: 'staff', roles: SHOP_STAFF,
    params: mer.merchantParams, query: rh.referralHoldQuery, response: rh.referralHoldPage },
  releaseReferralHold: { method: 'POST', path: '/api/merchants/:merchantId/referral/holds/:holdId/release', tag: 'referral',
    summary: 'Release held commissions: they settle as usual once their freeze window has passed', auth: 'staff', roles: SHOP_STAFF,
    params: rh.referralHoldParams, response: rh.referralHold },
  rejectReferralHold: { method: 'POST', path: '/api/merchants/:merchantId/referral/holds/:holdId/reject', tag: 'referral',
    summary: 'Reject held commissions: what is left of them is reversed (ledger postings, audit log)', auth: 'staff', roles: SHOP_STAFF,
    params: rh.referralHoldParams, body: rh.rejectReferralHoldBody, response: rh.referralHold },
  // live-stream ordering (docs/live.md)
  listLiveSessions: { method: 'GET', path: '/api/live/sessions', tag: 'live',
    summary: 'Sessions on air first, then the next scheduled ones (soonest first); ended and cancelled ones are not listed', auth: 'optional',
    query: live.liveSessionListQuery, response: live.liveSessionPage },
  getLiveSession: { method: 'GET', path: '/api/live/sessions/:sessionId', tag: 'live',
    summary: "A session as a viewer sees it: status, stream, pinned product, lineup at session prices with what is left, viewers, likes (and, signed in, what the shopper bought of each SKU)", auth: 'optional',
    params: live.liveSessionParams, response: live.liveSession },
  likeLiveSession: { method: 'POST', path: '/api/live/sessions/:sessionId/likes', tag: 'live',
    summary: 'Add likes (a burst of taps in one request); rate-limited per viewer', auth: 'optional',
    params: live.liveSessionParams, body: live.liveLikesBody, response: live.liveLikes, idempotency: 'none' },
  listHostLiveSessions: { method: 'GET', path: '/api/merchants/:merchantId/live/sessions', tag: 'live',
    summary: "The merchant's sessions by status, newest start first, with each one's board", auth: 'staff', roles: LIVE_STAFF,
    params: mer.merchantParams, query: live.hostLiveSessionListQuery, response: live.hostLiveSessionPage },
  createLiveSession: { method: 'POST', path: '/api/merchants/:merchantId/live/sessions', tag: 'live',
    summary: "Schedule a session with its lineup: each line's quota is carved out of its SKU's stock", auth: 'staff', roles: LIVE_STAFF,
    params: mer.merchantParams, body: live.createLiveSessionBody, response: live.hostLiveSession, status: 201, idempotency: 'required' },
  getHostLiveSession: { method: 'GET', path: '/api/merchants/:merchantId/live/sessions/:sessionId', tag: 'live',
    summary: 'A session as its host runs it: lineup with sold, paid and left, the sales board, the timeline', auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, response: live.hostLiveSession },
  updateLiveSession: { method: 'PATCH', path: '/api/merchants/:merchantId/live/sessions/:sessionId', tag: 'live',
    summary: 'Change the title, cover, start time, stream or per-shopper limit (not once ended or cancelled)', auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, body: live.updateLiveSessionBody, response: live.hostLiveSession },
  actLiveSession: { method: 'POST', path: '/api/merchants/:merchantId/live/sessions/:sessionId/actions', tag: 'live',
    summary: 'Start, pause, resume, end or cancel; ending or cancelling returns unsold quota to stock', auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, body: live.liveActionBody, response: live.hostLiveSession },
  pinLiveProduct: { method: 'POST', path: '/api/merchants/:merchantId/live/sessions/:sessionId/pin', tag: 'live',
    summary: 'Pin a lineup product (it replaces the pinned one), or unpin with null', auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, body: live.livePinBody, response: live.hostLiveSession },
  addLiveLine: { method: 'POST', path: '/api/merchants/:merchantId/live/sessions/:sessionId/lines', tag: 'live',
    summary: 'Add a SKU to the lineup (its quota carved out of stock)', auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, body: live.liveLineInput, response: live.hostLiveSession, status: 201 },
  updateLiveLine: { method: 'PATCH', path: '/api/merchants/:merchantId/live/sessions/:sessionId/lines/:skuId', tag: 'live',
    summary: "Change a line's session price or total quota (not below what is sold, not above the SKU's free stock)", auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveLineParams, body: live.updateLiveLineBody, response: live.hostLiveSession },
  linkLiveWechatRoom: { method: 'POST', path: '/api/merchants/:merchantId/live/sessions/:sessionId/wechat-room', tag: 'live',
    summary: "Link the session to a WeChat live-player-plugin room and push its lineup to the room's goods", auth: 'staff', roles: LIVE_STAFF,
    params: live.hostLiveSessionParams, body: live.linkWechatRoomBody, response: live.hostLiveSession },
} as const satisfies Record<string, RouteDef>;

/** Where the workbench's routes live: every route under it is auth 'staff' with its roles, and no other route is. */
export const MERCHANT_PATH_PREFIX = '/api/merchants/:merchantId';
type MerchantPath = typeof MERCHANT_PATH_PREFIX | `${typeof MERCHANT_PATH_PREFIX}/${string}`;

/**
 * A route as the staff rule allows it, or a message saying why not: a route under
 * /api/merchants/ is auth 'staff' under MERCHANT_PATH_PREFIX with at least one role; an auth
 * 'staff' route lives there; only staff routes have roles.
 */
export type StaffRouteRule<R> = R extends { path: `/api/merchants/${string}` }
  ? R extends { auth: 'staff'; path: MerchantPath; roles: readonly [StaffRole, ...StaffRole[]] }
    ? R
    : 'a route under /api/merchants/:merchantId must be auth: staff and list the roles allowed'
  : R extends { auth: 'staff' }
    ? 'an auth: staff route lives under /api/merchants/:merchantId'
    : R extends { roles: unknown }
      ? 'only auth: staff routes have roles'
      : R;

// Checked when the contract compiles: a route that breaks the staff rule fails here.
const staffRoutesFollowTheRule: { [K in keyof typeof routes]: StaffRouteRule<(typeof routes)[K]> } = routes;
void staffRoutesFollowTheRule;

/** The same rule at run time (the server refuses to start when a route breaks it): one line per broken route. */
export function routeAuthProblems(table: Record<string, RouteDef>): string[] {
  const problems: string[] = [];
  for (const [name, def] of Object.entries(table)) {
    const underMerchants = def.path.startsWith('/api/merchants/');
    const inPrefix = def.path === MERCHANT_PATH_PREFIX || def.path.startsWith(`${MERCHANT_PATH_PREFIX}/`);
    if (underMerchants && (def.auth !== 'staff' || !inPrefix)) problems.push(`${name}: a route under /api/merchants/ must be auth 'staff' under ${MERCHANT_PATH_PREFIX}`);
    if (def.auth === 'staff' && !inPrefix) problems.push(`${name}: an auth 'staff' route lives under ${MERCHANT_PATH_PREFIX}`);
    if (def.auth === 'staff' && (!def.roles || def.roles.length === 0)) problems.push(`${name}: an auth 'staff' route lists the roles allowed`);
    if (def.auth !== 'staff' && def.roles) problems.push(`${name}: only auth 'staff' routes have roles`);
  }
  return problems;
}

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
