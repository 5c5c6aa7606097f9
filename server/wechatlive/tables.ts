/** The WeChat live goods book (migration 023, docs/live.md "Distribution"). */
export interface WechatLiveGoodsTable {
  session_id: string;
  sku_id: string;
  goods_id: number;
  audit_id: number;
  url: string;
  /** 1 一口价, 3 折扣价 (price: the SKU's own, price2: the session's). */
  price_type: number;
  /** Fen. */
  price: number;
  price2: number;
  /** 0 未审核, 1 审核中, 2 审核通过, 3 审核驳回, as last read. */
  audit_status: number;
  room_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface WechatLiveTables {
  wechat_live_goods: WechatLiveGoodsTable;
}
