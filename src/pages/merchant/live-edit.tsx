import type { HostLiveSession } from '@contract/live';
import { formatPrice } from '@contract/money';
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { disabledProp, Picture, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { pickImages, uploadImage } from '@/services/aftersale/uploadImage';
import { useIntentKey } from '@/services/merchant/intent-key';
import { useCreateLiveSession, useHostLiveSession, useUpdateLiveSession } from '@/services/merchant/live';
import {
  checkCreate,
  checkUpdate,
  coverOf,
  dateOf,
  draftOfSession,
  emptyDraft,
  type FieldKey,
  type LiveDraft,
  lineOf,
  type LineDraft,
  type Problems,
  problemsOfError,
} from '@/services/merchant/live-draft';
import { goBack, replacePage } from '@/services/platform/nav';
import { LiveGoodsPicker } from './live-shared';
import { errorText, toast, useWorkbench, wbFrame, wbPath } from './shared';
import './workbench.css';
import './live.css';

function Problem({ problems, at }: { problems: Problems; at: FieldKey }) {
  const text = problems[at];
  return text ? (
    <View className="wb-error" role="alert" data-testid={`live-problem-${at}`}>
      {text}
    </View>
  ) : null;
}

/** A SKU of the new session's lineup: its session price and quota. */
function DraftLine({ line, problems, onChange, onRemove }: { line: LineDraft; problems: Problems; onChange: (patch: Partial<LineDraft>) => void; onRemove: () => void }) {
  return (
    <View className="wb-live-draft" data-testid={`live-line-${line.skuId}`}>
      <View className="wb-live-line__head">
        <Text>{`${line.title} · ${line.specText || t('wb.products.defaultSpec')}`}</Text>
        <Button className="wb-btn wb-btn--danger" size="mini" onClick={onRemove} data-testid="live-line-remove">
          {t('wb.live.edit.remove')}
        </Button>
      </View>
      <Text className="wb-muted">{t('wb.live.edit.skuPrice', { price: formatPrice(line.skuPrice), stock: line.stock })}</Text>
      <View className="wb-live-draft__grid">
        <View>
          <Text className="wb-field__label">{t('wb.live.edit.livePrice')}</Text>
          <Input className="wb-input" type="digit" value={line.priceText} onInput={(e) => onChange({ priceText: e.detail.value })} data-testid="live-line-price" />
          <Problem problems={problems} at={`price:${line.skuId}`} />
        </View>
        <View>
          <Text className="wb-field__label">{t('wb.live.edit.quota')}</Text>
          <Input className="wb-input" type="number" value={line.quotaText} onInput={(e) => onChange({ quotaText: e.detail.value })} data-testid="live-line-quota" />
          <Problem problems={problems} at={`quota:${line.skuId}`} />
        </View>
      </View>
    </View>
  );
}

/** The form: a new session with its lineup, or a session's details while it is not over. */
function LiveForm({ merchantId, session }: { merchantId: string; session?: HostLiveSession }) {
  const [draft, setDraft] = useState<LiveDraft>(() => (session ? draftOfSession(session) : emptyDraft(Date.now())));
  const [problems, setProblems] = useState<Problems>({});
  const [picking, setPicking] = useState(false);
  const [uploading, setUploading] = useState<number | null>(null);
  const create = useCreateLiveSession(merchantId);
  const update = useUpdateLiveSession(merchantId);
  const intent = useIntentKey();
  const saving = create.isPending || update.isPending;
  const taken = useMemo(() => new Set(draft.lines.map((l) => l.skuId)), [draft.lines]);
  const today = useMemo(() => dateOf(Date.now()), []);

  const change = (patch: Partial<LiveDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const changeLine = (skuId: string, patch: Partial<LineDraft>) => change({ lines: draft.lines.map((l) => (l.skuId === skuId ? { ...l, ...patch } : l)) });

  const uploadCover = async () => {
    if (uploading !== null) return;
    const [path] = await pickImages(1);
    if (!path) return;
    setUploading(0);
    try {
      const image = await uploadImage(path, setUploading).promise;
      change({ cover: image.url });
    } catch (e) {
      toast(errorText(e));
    } finally {
      setUploading(null);
    }
  };

  const refused = (e: unknown) => {
    const found = problemsOfError(e, draft.lines);
    setProblems(found);
    if (found.general) toast(found.general);
  };

  const submit = async () => {
    if (saving) return;
    if (session) {
      const { body, problems: found } = checkUpdate(draft, session);
      setProblems(found);
      if (!body) return toast(t('wb.live.edit.problems', { n: Object.keys(found).length }));
      if (Object.keys(body).length === 0) {
        void goBack();
        return;
      }
      try {
        await update.mutateAsync({ sessionId: session.id, body, idempotencyKey: intent.keyFor({ id: session.id, body }) });
        intent.done();
        toast(t('wb.live.edit.saved'), 'success');
        void goBack();
      } catch (e) {
        refused(e);
      }
      return;
    }
    const { body, problems: found } = checkCreate(draft);
    setProblems(found);
    if (!body) return toast(t('wb.live.edit.problems', { n: Object.keys(found).length }));
    try {
      const created = await create.mutateAsync({ body, idempotencyKey: intent.keyFor(body) });
      intent.done();
      toast(t('wb.live.edit.created'), 'success');
      void replacePage(wbPath('live-console', merchantId, { id: created.id }));
    } catch (e) {
      refused(e);
    }
  };

  const cover = coverOf(draft);
  return (
    <>
      <View className="wb-card" data-testid="live-basics">
        <View className="wb-card__title">{t('wb.live.edit.basics')}</View>
        <View className="wb-field">
          <Text className="wb-field__label">{t('wb.live.edit.name')}</Text>
          <Input className="wb-input" maxlength={40} value={draft.title} placeholder={t('wb.live.edit.namePlaceholder')} onInput={(e) => change({ title: e.detail.value })} data-testid="live-title" />
          <Problem problems={problems} at="title" />
        </View>
        <View className="wb-field">
          <Text className="wb-field__label">{t('wb.live.edit.cover')}</Text>
          <View className="wb-live-cover">
            <Picture className="wb-live-cover__img" src={cover} alt="" />
            <View>
              {!draft.cover && <Text className="wb-live-hint">{t('wb.live.edit.coverDefault')}</Text>}
              <View className="wb-actions">
                {draft.cover && (
                  <Button className="wb-btn" size="mini" onClick={() => change({ cover: '' })} data-testid="live-cover-reset">
                    {t('wb.live.edit.coverReset')}
                  </Button>
                )}
                <Button className="wb-btn" size="mini" disabled={disabledProp(uploading !== null)} onClick={() => void uploadCover()} data-testid="live-cover-upload">
                  {uploading !== null ? t('wb.live.edit.coverUploading', { percent: uploading }) : t('wb.live.edit.coverUpload')}
                </Button>
              </View>
            </View>
          </View>
        </View>
        <View className="wb-field">
          <View className="wb-live-when">
            <View>
              <Text className="wb-field__label">{t('wb.live.edit.date')}</Text>
              <Picker mode="date" value={draft.date} start={today} onChange={(e) => change({ date: String(e.detail.value) })} data-testid="live-date">
                <View className="wb-live-picker">{draft.date || t('wb.live.edit.pickDate')}</View>
              </Picker>
            </View>
            <View>
              <Text className="wb-field__label">{t('wb.live.edit.time')}</Text>
              <Picker mode="time" value={draft.time} onChange={(e) => change({ time: String(e.detail.value) })} data-testid="live-time">
                <View className="wb-live-picker">{draft.time || t('wb.live.edit.pickTime')}</View>
              </Picker>
            </View>
          </View>
          <Problem problems={problems} at="startsAt" />
        </View>
        <View className="wb-field">
          <Text className="wb-field__label">{t('wb.live.edit.playback')}</Text>
          <Input className="wb-input" maxlength={500} value={draft.playbackUrl} placeholder={t('wb.live.edit.playbackPlaceholder')} onInput={(e) => change({ playbackUrl: e.detail.value })} data-testid="live-playback" />
          <Text className="wb-live-hint">{t('wb.live.edit.playbackHint')}</Text>
          <Problem problems={problems} at="playbackUrl" />
        </View>
        <View className="wb-field">
          <Text className="wb-field__label">{t('wb.live.edit.limit')}</Text>
          <Input className="wb-input" type="number" maxlength={2} value={draft.limitText} onInput={(e) => change({ limitText: e.detail.value })} data-testid="live-limit" />
          <Problem problems={problems} at="perShopperLimit" />
        </View>
      </View>

      <View className="wb-card" data-testid="live-lineup">
        <View className="wb-card__title">{t('wb.live.edit.lineup')}</View>
        {session ? (
          <>
            <Text className="wb-live-hint">{t('wb.live.edit.lineupLocked')}</Text>
            {session.lines.map((l) => (
              <View key={l.skuId} className="wb-live-draft">
                <Text>{`${l.title} · ${l.specText || t('wb.products.defaultSpec')}`}</Text>
                <Text className="wb-live-hint">{`${t('wb.live.line.price')} ${formatPrice(l.price)} · ${t('wb.live.line.quota')} ${l.quota}`}</Text>
              </View>
            ))}
          </>
        ) : (
          <>
            <Text className="wb-live-hint">{t('wb.live.edit.lineupHint')}</Text>
            {draft.lines.length === 0 && <Text className="wb-muted">{t('wb.live.edit.lineupEmpty')}</Text>}
            {draft.lines.map((line) => (
              <DraftLine
                key={line.skuId}
                line={line}
                problems={problems}
                onChange={(patch) => changeLine(line.skuId, patch)}
                onRemove={() => change({ lines: draft.lines.filter((l) => l.skuId !== line.skuId) })}
              />
            ))}
            <Problem problems={problems} at="lines" />
            <Button className="wb-btn wb-btn--block" onClick={() => setPicking(true)} data-testid="live-add-goods">
              {t('wb.live.edit.addGoods')}
            </Button>
          </>
        )}
      </View>

      <View className="wb-bar-space" />
      <View className="wb-bar">
        <Button className="wb-btn wb-btn--primary" disabled={disabledProp(saving)} onClick={() => void submit()} data-testid="live-save">
          {saving ? t('wb.live.edit.saving') : session ? t('wb.live.edit.save') : t('wb.live.edit.createSubmit')}
        </Button>
      </View>
      {picking && (
        <LiveGoodsPicker
          merchantId={merchantId}
          taken={taken}
          onClose={() => setPicking(false)}
          onPick={(product, sku) => {
            change({ lines: [...draft.lines, lineOf(product, sku)] });
            setPicking(false);
          }}
        />
      )}
    </>
  );
}

export default function WorkbenchLiveEdit() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canLive } = wb;
  const sessionId = params.id ?? '';
  const session = useHostLiveSession(canLive ? merchantId : '', sessionId);
  const editing = sessionId !== '';
  const s = session.data;
  const over = s !== undefined && (s.status === 'ended' || s.status === 'cancelled');
  return (
    <PageFrame
      {...wbFrame(wb, canLive, t('wb.live.forbidden'))}
      title={editing ? t('wb.live.edit.editTitle') : t('wb.live.edit.createTitle')}
      query={editing ? session : wb.workplaceQuery}
      skeleton={<Skeleton rows={8} />}
    >
      {editing ? (
        s && (over ? <Text className="wb-live-note" data-testid="live-edit-over">{t('wb.live.edit.ended')}</Text> : <LiveForm key={s.id} merchantId={merchantId} session={s} />)
      ) : (
        wb.workplace && <LiveForm merchantId={merchantId} />
      )}
    </PageFrame>
  );
}
