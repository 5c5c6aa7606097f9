import type { AuditEntry } from '@contract';
import { Text, View } from '@tarojs/components';
import { icons, Skeleton } from '@/components';
import { formatPrice } from '@contract/money';
import { t } from '@/i18n/workbench';
import { auditActionLabels, carrierLabels, staffRoleLabels } from '@/i18n/merchant';
import { useAudit } from '@/services/merchant/staff';
import { formatTime, useWorkbench, WbList } from './shared';
import './workbench.css';

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const fen = (v: unknown) => (typeof v === 'number' ? formatPrice(v) : '');
const role = (v: unknown) => (typeof v === 'string' && v in staffRoleLabels ? staffRoleLabels[v as keyof typeof staffRoleLabels] : str(v));

/** A short Chinese summary of what an entry changed (its detail). */
export function auditSummary(e: AuditEntry): string {
  const d = e.detail;
  const from = d.from as Record<string, unknown> | string | undefined;
  const to = d.to as Record<string, unknown> | string | undefined;
  switch (e.action) {
    case 'order.shipped': {
      const parcels = Array.isArray(d.parcels) ? (d.parcels as { carrier?: string; trackingNo?: string }[]) : [];
      const list = parcels.map((p) => `${p.carrier && p.carrier in carrierLabels ? carrierLabels[p.carrier as keyof typeof carrierLabels] : str(p.carrier)} ${str(p.trackingNo)}`).join('，');
      return [str(d.orderNo), list].filter(Boolean).join(' · ');
    }
    case 'order.picked_up':
      return str(d.orderNo);
    case 'order.remarked':
      return [str(d.orderNo), str(to)].filter(Boolean).join(' · ');
    case 'product.shelf_changed':
      return (d.to as unknown) === true || d.to === 'on' ? '上架' : '下架';
    case 'sku.price_changed':
      return `${str(d.title)} ${fen(typeof from === 'object' ? from?.price : undefined)} → ${fen(typeof to === 'object' ? to?.price : undefined)}`;
    case 'sku.stock_changed':
      return `${str(d.title)} ${str(from)} → ${str(to)}`;
    case 'staff.invited':
      return [d.phone ? str(d.phone) : t('wb.audit.byCode'), role(d.role)].join(' ');
    case 'staff.joined':
      return [d.via === 'code' ? t('wb.audit.joinedByCode') : t('wb.audit.joinedByPhone'), role(d.role)].join(' ');
    case 'staff.role_changed':
      return `${role(from)} → ${role(to)}`;
    case 'staff.removed':
      return `${str(d.phone)} ${role(d.role)}`;
    case 'after_sale.approved':
    case 'after_sale.received':
    case 'after_sale.refund_retried':
      return fen(d.amount);
    case 'after_sale.rejected':
    case 'referral.application_rejected':
      return str(d.reason);
    default:
      return '';
  }
}

export default function WorkbenchAudit() {
  const wb = useWorkbench();
  const audit = useAudit(wb.merchantId, wb.isOwner);

  return (
    <WbList
      wb={wb}
      allowed={wb.isOwner}
      forbiddenText={t('wb.audit.ownerOnly')}
      title={t('wb.audit.title')}
      list={audit}
      itemKey={(e) => e.id}
      renderItem={(e) => (
        <View className="wb-audit" data-testid="wb-audit">
          <View className="wb-order__foot">
            <Text className="wb-audit__action">{auditActionLabels[e.action] ?? e.action}</Text>
            <Text className="wb-muted">{formatTime(e.at)}</Text>
          </View>
          <Text className="wb-muted">{`${e.actorName ?? t('wb.audit.system')}${auditSummary(e) ? ` · ${auditSummary(e)}` : ''}`}</Text>
        </View>
      )}
      itemsClassName="wb-card"
      emptyText={t('wb.audit.empty')}
      emptyIcon={icons.ClipboardList}
      skeleton={<Skeleton rows={5} />}
    />
  );
}
