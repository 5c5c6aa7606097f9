import type { AddressTables } from '../modules/address';
import type { AfterSaleTables } from '../modules/aftersale';
import type { CartTables } from '../modules/cart';
import type { CatalogTables } from '../modules/catalog';
import type { DashboardTables } from '../modules/dashboard';
import type { IdentityTables } from '../modules/identity';
import type { MerchantTables } from '../modules/merchant';
import type { OrderTables } from '../modules/order';
import type { PaymentTables } from '../modules/payment';
import type { ReferralCommissionTables, ReferralTables, ReferralWithdrawalTables } from '../modules/referral';
import type { WalletTables } from '../modules/wallet';
import type { LiveTables } from '../modules/live';
import type { InfrastructureTables } from '../infra/tables';
import type { RealtimeTables } from '../realtime/tables';
import type { WechatLiveTables } from '../wechatlive/tables';

/**
 * The database as Kysely sees it: every owner's tables, each defined beside the code that owns
 * them (a module's tables.ts, listed in its index's TABLES). Shared by both dialects: ids are
 * text, times epoch-ms numbers (bigint columns parsed as JS numbers), money integer fen,
 * booleans 0/1, structured values JSON text.
 */
export interface Database
  extends IdentityTables,
    CatalogTables,
    AddressTables,
    CartTables,
    OrderTables,
    PaymentTables,
    WalletTables,
    MerchantTables,
    AfterSaleTables,
    LiveTables,
    DashboardTables,
    ReferralTables,
    ReferralCommissionTables,
    ReferralWithdrawalTables,
    InfrastructureTables,
    WechatLiveTables,
    RealtimeTables {}
