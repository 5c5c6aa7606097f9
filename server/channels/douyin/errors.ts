/**
 * err_no values of the general trade system's server API as the stand-in answers them and the
 * adapter recognizes them. The success value (0) and the token codes follow the published docs;
 * the rest are the stand-in's own choices (see sandbox-keys/douyin/README.md): check the live
 * codes for "order not found" and "refund not found" before going live.
 */
export const DOUYIN_ERR = {
  ok: 0,
  /** The access-token is unknown (the adapter fetches a new one once). */
  tokenInvalid: 28001003,
  /** The access-token expired (the adapter fetches a new one once). */
  tokenExpired: 28001008,
  /** Missing or wrong parameters. */
  badParams: 28001005,
  /** Byte-Authorization missing, malformed, stale or not verifying. */
  badSignature: 28001016,
  orderNotFound: 28045001,
  refundNotFound: 28045002,
  /** The refunds of an order would exceed what was paid. */
  refundExceeds: 28045003,
  /** out_refund_no reused with other parameters. */
  refundConflict: 28045004,
  /** Refund asked for an order that is not paid. */
  orderNotPaid: 28045005,
  /** tt.requestOrder stand-in: out_order_no reused with other data. */
  orderConflict: 28045006,
  /** tt.requestOrder stand-in: the order's pay window has passed. */
  orderExpired: 28045007,
} as const;

/** /oauth/client_token/ error_code the stand-in answers for a wrong client_key/client_secret (its own choice). */
export const CLIENT_TOKEN_BAD_SECRET = 10003;
