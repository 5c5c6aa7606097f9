import type { Migration } from 'kysely';
import * as m001 from './001_core';
import * as m002 from './002_orders';
import * as m003 from './003_payments';
import * as m004 from './004_ledger_shards';
import * as m005 from './005_accounts';
import * as m006 from './006_order_numbers';
import * as m007 from './007_ledger_account_key';
import * as m008 from './008_events_and_realtime';
import * as m009 from './009_payment_order_parts';
import * as m010 from './010_operations';
import * as m011 from './011_merchant_staff';
import * as m012 from './012_after_sales';
import * as m013 from './013_merchant_workbench';
import * as m014 from './014_staff_invite_codes';
import * as m015 from './015_paid_order_path';
import * as m016 from './016_referral_network';
import * as m017 from './017_referral_attribution';
import * as m018 from './018_referral_commissions';
import * as m019 from './019_upload_attachments';
import * as m020 from './020_referral_withdrawals';
import * as m021 from './021_referral_holds';
import * as m022 from './022_live_sessions';
import * as m023 from './023_wechat_live_goods';

/** Every migration, in order. Both dialects run the same list. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_orders': m002,
  '003_payments': m003,
  '004_ledger_shards': m004,
  '005_accounts': m005,
  '006_order_numbers': m006,
  '007_ledger_account_key': m007,
  '008_events_and_realtime': m008,
  '009_payment_order_parts': m009,
  '010_operations': m010,
  '011_merchant_staff': m011,
  '012_after_sales': m012,
  '013_merchant_workbench': m013,
  '014_staff_invite_codes': m014,
  '015_paid_order_path': m015,
  '016_referral_network': m016,
  '017_referral_attribution': m017,
  '018_referral_commissions': m018,
  '019_upload_attachments': m019,
  '020_referral_withdrawals': m020,
  '021_referral_holds': m021,
  '022_live_sessions': m022,
  '023_wechat_live_goods': m023,
};
