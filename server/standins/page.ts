/**
 * The HTML shell of the stand-ins' hosted cashier pages (DevPay's and the WeChat Pay H5 page): a mobile card with the amount and the #sandbox-pay-confirm /
 * #sandbox-pay-cancel buttons, in the channel's colours.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export interface PageStyle {
  /** Page background. */
  background: string;
  /** The channel's colour (the tag above the amount). */
  accent: string;
  /** Corner radius of the buttons, in px. */
  buttonRadius: number;
}

export function cashierShell(title: string, body: string, style: PageStyle): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei",sans-serif;background:${style.background};color:#222}
.card{background:#fff;margin:16px;padding:24px 16px;border-radius:12px;text-align:center}
.tag{display:inline-block;font-size:12px;color:#fff;background:${style.accent};border-radius:4px;padding:2px 6px}
.merchant{margin-top:12px;color:#666;font-size:14px}
.amount{font-size:36px;font-weight:600;margin:12px 0 4px}
.hint{color:#999;font-size:12px;margin-top:4px}
form{margin:0 16px 12px}
button{width:100%;height:46px;border:0;border-radius:${style.buttonRadius}px;font-size:16px}
#sandbox-pay-confirm{background:#07c160;color:#fff}
#sandbox-pay-cancel{background:#fff;color:#333;border:1px solid #ddd}
.result{font-size:18px;margin:8px 0}
</style></head><body>${body}</body></html>`;
}
