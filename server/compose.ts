import type { Kysely } from 'kysely';
import type { ChannelRegistry } from './channels/registry';
import type { Database } from './db/types';
import { bindOutbox } from './events/emit';
import { afterSaleFlows, applyAfterSaleEvent, AFTER_SALE_CONSUMED_EVENTS, AFTER_SALE_CONSUMER, AFTER_SALE_JOBS, uploadsDir, type AfterSaleDeps } from './modules/aftersale';
import { merchantsByIds } from './modules/catalog';
import { dashboardWriter, DASHBOARD_JOBS } from './modules/dashboard';
import type { IdentityHooks } from './modules/identity';
import { bindStaffInvites, inviteCodeKey, type MerchantDeps } from './modules/merchant';
import { bindLiveAdmission, createLiveAdmission, type LiveAdmission } from './modules/live';
import { inProcessVolatile, type VolatileChannel } from './realtime/volatile';
import { bindAtSignIn, recordDevice, type FraudSettings, type RiskCheck } from './modules/referral';
import { weappAccessTokens, type WeappAccessTokens } from './appcodes';
import { createWeappRiskCheck } from './riskcheck';
import { createWechatLiveGoods, sqlWechatGoodsBook, type WechatLiveGoods } from './wechatlive';
import { applyOrderEvent, ORDER_CONSUMED_EVENTS, ORDER_CONSUMER, closeExpiredOrders, type OrderLifecycle } from './modules/order';
import { buildPaymentDeps, orderEndedInPayments, paymentFlows, refundDepsOf, refundFlows, PAYMENT_JOBS, type PaymentDeps, type PaymentLog } from './modules/payment';
import type { Config } from './infra/config';
import { purgeIdempotencyKeys } from './infra/idempotency';
import { mapJob, type JobBase, type JobDef } from './infra/jobs';
import { consumerSink, createOutbox, type EventWriter, type Outbox, type Sink } from './infra/outbox';
import { loadWebhookEndpoints, webhookSink } from './infra/webhooks';
import { pruneMessages } from './realtime/store';
import { applyReferralEvent, referralAdmits, REFERRAL_CONSUMED_EVENTS, REFERRAL_CONSUMER, REFERRAL_JOBS, WITHDRAWAL_JOBS, withdrawalFlows, type WithdrawalDeps } from './modules/referral';
import { payoutRegistry, type PayoutRegistry } from './channels/payout';
import { configuredPayoutAdapters } from './channels/from-config';
import { flowRegistry, pruneOperations, resumeOperations, type Flow, type FlowRegistry } from './infra/steps';

/**
 * How the modules are put together, in one place (the app and the jobs use it; no module
 * imports it): the outbox with every sink (the order module's consumer, the broker, merchant
 * webhooks) and writer (realtime), bound to the database so modules write events through their own
 * transactions; the payment core; what the order module is told to do when an order ends (the
 * payment module's part); what a sign-in binds (the merchant module's staff invites) and the
 * merchant look-up the merchant module is given (the catalog's); every module's multi-step
 * flows (for the resume job); and every module's jobs.
 */
export interface Core {
  db: Kysely<Database>;
  outbox: Outbox;
  payments: PaymentDeps;
  orders: OrderLifecycle;
  /** Every flow the step runner may find in the operation log. */
  flows: FlowRegistry;
  /** Run by the identity module at sign-in: the merchant module binds the staff invites waiting for the account's phone, the referral module the account under its promoter. */
  identity: IdentityHooks;
  /** The merchant module's look-ups (it imports no module that records into its audit log). */
  merchant: MerchantDeps;
  /** The after-sale module: requests, decisions, refunds through the payment core. */
  afterSales: AfterSaleDeps;
  /** Promoters' withdrawals (the referral module's): the payout channels, the settings. */
  withdrawals: WithdrawalDeps;
  /**
   * The referral module's fraud controls: the settings its consumer holds commissions by, and
   * WeChat's risk check (null: REFERRAL_RISK_RANK=off or no WeChat credentials; then no buyer
   * waits for it).
   */
  referral: { fraud: FraudSettings; risk: RiskCheck | null };
  /** The WeChat mini-program's access token, one per process (the share codes and the risk check share it); null without WeChat credentials. */
  weappTokens: WeappAccessTokens | null;
  /** WeChat 小程序直播's goods, for pushing a live session's lineup to its linked room (docs/live.md, "Distribution"); null without WeChat credentials. */
  wechatLiveGoods: WechatLiveGoods | null;
  /**
   * This node's admission control of live orders (the live module's sold-out set and token
   * buckets, docs/live.md): the app runs it before createOrder touches the database; bound to
   * the database so the live module announces sold-out and restocked lines after its commits.
   */
  liveAdmission: LiveAdmission;
  /** Stops what buildCore started that outlives a request (the admission's listeners). */
  stop(): void;
}

export interface CoreOptions {
  db: Kysely<Database>;
  config: Config;
  log: PaymentLog;
  channels?: ChannelRegistry;
  /** The payout channels (promoters' withdrawals); default: every configured channel that can transfer. */
  payouts?: PayoutRegistry;
  /** Further sinks: the broker (the app's), recording sinks (tests). */
  sinks?: Sink[];
  /** Writers run in the producer's transaction: realtime (the app's). */
  writers?: EventWriter[];
  env?: Record<string, string | undefined>;
  /** The nodes' volatile channel (server/realtime/volatile.ts); default: one in this process only. */
  volatile?: VolatileChannel;
}

export function buildCore(options: CoreOptions): Core {
  const { db, config, log } = options;
  let orders: OrderLifecycle | null = null;
  const orderSink = consumerSink(ORDER_CONSUMER, ORDER_CONSUMED_EVENTS, db, async (trx, event) => {
    if (!orders) throw new Error('the order lifecycle is not wired yet');
    await applyOrderEvent(trx, orders, event);
  });
  // The payment module's refund outcomes move after-sale requests on.
  const afterSaleSink = consumerSink(AFTER_SALE_CONSUMER, AFTER_SALE_CONSUMED_EVENTS, db, (trx, event) => applyAfterSaleEvent(trx, event));
  // WeChat's server APIs share one access token; the risk check asks its user risk rank.
  const weapp = config.appCodes.weapp;
  const weappTokens = weapp ? weappAccessTokens(weapp) : null;
  const risk: RiskCheck | null = weapp && weappTokens && config.referral.fraud.riskMinRank !== null ? createWeappRiskCheck(weapp, weappTokens) : null;
  const wechatLiveGoods = weapp && weappTokens ? createWechatLiveGoods(
    // Read at each call: a test server's port (rebaseOnListen) is known only after listen.
    { get apiBase() { return weapp.apiBase; }, get imageBase() { return config.publicBaseUrl; } },
    weappTokens,
    sqlWechatGoodsBook(db),
  ) : null;
  const fraud: FraudSettings = { ...config.referral.fraud, riskMinRank: risk ? config.referral.fraud.riskMinRank : null };
  // Referral commissions follow orders and refunds (snapshot, earn and hold, freeze, reverse).
  const referralSink = consumerSink(REFERRAL_CONSUMER, REFERRAL_CONSUMED_EVENTS, db, (trx, event) => applyReferralEvent(trx, event, Date.now(), fraud), referralAdmits);
  const webhooks = loadWebhookEndpoints(options.env ?? process.env).map((endpoint) => webhookSink(endpoint));
  const outbox = createOutbox({
    db,
    log,
    sinks: [orderSink, afterSaleSink, referralSink, ...(options.sinks ?? []), ...webhooks],
    // In the producer's transaction: the merchant's dashboard records that its figures changed
    // (an order paid, shipped or completed, a refund, an after-sale moving), for a debounced push.
    writers: [dashboardWriter, ...(options.writers ?? [])],
  });
  bindOutbox(db, outbox);
  const liveAdmission = createLiveAdmission(options.volatile ?? inProcessVolatile(), { rate: config.live.admissionRate, burst: config.live.admissionBurst });
  const unbindAdmission = bindLiveAdmission(db, liveAdmission);
  const payments = buildPaymentDeps({ db, config, log, channels: options.channels, outbox });
  orders = { ended: orderEndedInPayments(payments), log };
  const afterSales: AfterSaleDeps = { db, refunds: refundDepsOf(payments), config: config.afterSale, log, uploads: { dir: uploadsDir(config.dataDir), graceHours: config.uploadGraceHours } };
  const withdrawals: WithdrawalDeps = { db, config: config.referral, payouts: options.payouts ?? payoutRegistry(configuredPayoutAdapters(config)), log };
  const flows = flowRegistry([
    ...Object.values(paymentFlows(payments)),
    ...Object.values(refundFlows(refundDepsOf(payments))),
    ...Object.values(afterSaleFlows(afterSales)),
    ...Object.values(withdrawalFlows(withdrawals)),
  ] as Flow<never>[]);
  const identity: IdentityHooks = {
    signedIn: async (database, account) => {
      await bindStaffInvites(database, account);
      // The referral module binds the account under a promoter from its shared-link visits
      // (docs/referral.md, "Attribution and binding"). A failure there never fails the login:
      // the visits stay and the next sign-in tries again.
      try {
        await bindAtSignIn(database, config.referral, log, account);
      } catch (err) {
        log.error({ err, userId: account.id }, 'referral binding at sign-in failed');
      }
      // The device the account signed in on, for fraud controls' device signal; never fails the login.
      if (account.device) {
        try {
          await recordDevice(database, account.id, account.device);
        } catch (err) {
          log.error({ err, userId: account.id }, 'recording the sign-in device failed');
        }
      }
    },
  };
  const stop = () => {
    unbindAdmission();
    liveAdmission.stop();
  };
  return { db, outbox, payments, orders, identity, merchant: { merchantsByIds, inviteKey: inviteCodeKey(config.tokenSecret) }, afterSales, flows, withdrawals, referral: { fraud, risk }, weappTokens, wechatLiveGoods, liveAdmission, stop };
}

/** What a job run gets: the process's config and log, and the core (the app's, so jobs and requests share one outbox and channel registry). */
export interface AppJobDeps extends JobBase {
  db: Kysely<Database>;
  core: Core;
}

/** Every scheduled job of the app: the modules' own and the infrastructure's. */
export const JOBS: readonly JobDef<AppJobDeps>[] = [
  {
    // Partly paid children that close get their paid parts refunded (the payment module's part).
    name: 'close-expired-orders',
    intervalMs: 5_000,
    run: ({ db, core }, now) => closeExpiredOrders(db, now, 100, core.orders.ended),
  },
  ...PAYMENT_JOBS.map((job) => mapJob(job, (deps: AppJobDeps) => ({ payments: deps.core.payments }))),
  ...AFTER_SALE_JOBS.map((job) => mapJob(job, (deps: AppJobDeps) => ({ afterSales: deps.core.afterSales }))),
  // The merchants' dashboards whose figures changed, pushed on their realtime topics (debounced).
  ...DASHBOARD_JOBS.map((job) => mapJob(job, (deps: AppJobDeps) => ({ db: deps.db }))),
  // Frozen commissions whose window closed become available; buyers waiting for WeChat's risk rank are checked.
  ...REFERRAL_JOBS.map((job) => mapJob(job, (deps: AppJobDeps) => ({ db: deps.db, risk: { check: deps.core.referral.risk, settings: deps.core.referral.fraud, log: deps.log } }))),
  // Withdrawal transfers whose notification has not come are asked about.
  ...WITHDRAWAL_JOBS.map((job) => mapJob(job, (deps: AppJobDeps) => ({ withdrawals: deps.core.withdrawals }))),
  {
    // Deliveries due for a retry (new events are kicked right after their commit).
    name: 'outbox-relay',
    intervalMs: 1_000,
    run: async ({ core }, now) => {
      const r = await core.outbox.relayOnce(now);
      return r.delivered + r.dead;
    },
  },
  {
    // Flows whose runner stopped (a crash, an unknown outcome) are finished or compensated once their lease runs out.
    name: 'resume-operations',
    intervalMs: 5_000,
    run: ({ db, core, log }, now) => resumeOperations(db, core.flows, log, now),
  },
  {
    // Records of finished flows are kept a week.
    name: 'prune-operations',
    intervalMs: 60 * 60_000,
    run: ({ db }, now) => pruneOperations(db, now),
  },
  {
    // Stored answers are kept for a day (IDEMPOTENCY_RETENTION_MS): longer than any client retries.
    name: 'purge-idempotency-keys',
    intervalMs: 15 * 60_000,
    run: ({ db }, now) => purgeIdempotencyKeys(db, now),
  },
  {
    // Realtime messages are kept a week for replay (server/realtime/store.ts).
    name: 'prune-realtime-messages',
    intervalMs: 60 * 60_000,
    run: ({ db }, now) => pruneMessages(db, now),
  },
];
