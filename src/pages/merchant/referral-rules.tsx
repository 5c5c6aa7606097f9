import type { MerchantProduct } from '@contract';
import type { CommissionMode, ReferralRules } from '@contract/referral-commission';
import { Button, Input, Text, View } from '@tarojs/components';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { disabledProp, Picture, Skeleton } from '@/components';
import { SearchBar } from '@/components/list-page';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { isApiError } from '@/services/http';
import { useMerchantProducts } from '@/services/merchant/goods';
import { useIntentKey } from '@/services/merchant/intent-key';
import { useReferralLevels, useReferralRules, useSetReferralRules } from '@/services/merchant/referral';
import {
  checkDraft,
  draftOf,
  foreignGoodsOf,
  type OverrideDraft,
  parseRate,
  resizeAmounts,
  RULE_LIMITS,
  type RuleProblem,
  type RulesDraft,
  type TermsAt,
  type TermsDraft,
} from '@/services/merchant/referral-rules';
import { levelName, termsLines } from './referral-format';
import { confirmAction, errorText, formatTime, Row, Sheet, toast, useWorkbench, wbFrame } from './shared';
import './workbench.css';
import './referral.css';

/** What an override names, as the page shows it. */
interface GoodsName {
  title: string;
  /** The SKU's spec text for a SKU override. */
  spec?: string;
}

/** The names of the goods the merchant's products (those read so far) offer, by product and SKU id. */
function namesOf(products: readonly MerchantProduct[]): Map<string, GoodsName> {
  const out = new Map<string, GoodsName>();
  for (const p of products) {
    out.set(p.id, { title: p.title });
    for (const s of p.skus) out.set(s.id, { title: p.title, spec: s.specText || t('wb.products.defaultSpec') });
  }
  return out;
}

const label = (n: GoodsName | undefined, id: string) => n?.title ?? t('wb.referral.rules.unknownGoods', { id });

/** Where a problem is shown: under the merchant's own terms, the freeze days, an override's row, or above the save button. */
type ProblemAt = TermsAt | 'freeze' | 'general';

interface Shown {
  at: ProblemAt;
  /** Beside the field. */
  text: string;
  /** In the save bar's summary (an override's problem names its goods). */
  summary: string;
}

const order = (at: ProblemAt) => (at === 'default' ? 0 : at === 'freeze' ? 1 : at === 'general' ? Number.MAX_SAFE_INTEGER : 2 + at);

function shownAt(at: ProblemAt, text: string, nameAt: (i: number) => string): Shown {
  return { at, text, summary: typeof at === 'number' ? t('wb.referral.rules.p.in', { name: nameAt(at), problem: text }) : text };
}

function problemShown(p: RuleProblem, nameAt: (i: number) => string): Shown {
  switch (p.kind) {
    case 'required':
    case 'badRate':
    case 'rateAbove100':
    case 'badFixed':
    case 'fixedTooHigh':
      return shownAt(p.at, t(`wb.referral.rules.p.${p.kind}`, { level: levelName(p.level) }), nameAt);
    case 'totalAbove50':
      return shownAt(p.at, t('wb.referral.rules.p.totalAbove50', { total: (p.totalBp / 100).toFixed(2) }), nameAt);
    case 'badFreezeDays':
      return shownAt('freeze', t('wb.referral.rules.p.badFreezeDays'), nameAt);
    case 'tooManyOverrides':
      return shownAt('general', t('wb.referral.rules.p.tooManyOverrides'), nameAt);
    case 'duplicateOverride':
      return shownAt(p.at, t('wb.referral.rules.p.duplicate'), nameAt);
  }
}

/**
 * The server's 400 in words the owner can act on, where it applies: goods that are no longer the
 * merchant's (the detail names them), or the fields the server refused. Any other failure (the
 * network, a role taken away): its code's message above the save button.
 */
function serverProblems(e: unknown, overrides: readonly OverrideDraft[], nameAt: (i: number) => string): Shown[] {
  if (!isApiError(e) || e.code !== 'VALIDATION_FAILED') return [shownAt('general', errorText(e), nameAt)];
  const out: Shown[] = [];
  for (const id of foreignGoodsOf(e.detail)) {
    const i = overrides.findIndex((o) => o.targetId === id);
    out.push(i >= 0 ? { at: i, text: t('wb.referral.rules.p.foreignHere'), summary: t('wb.referral.rules.p.foreign', { name: nameAt(i) }) } : shownAt('general', t('wb.referral.rules.p.foreignSome'), nameAt));
  }
  for (const f of e.errors ?? []) {
    const o = /^body\.overrides\.(\d+)/.exec(f.path);
    if (o) out.push({ at: Number(o[1]), text: t('wb.referral.rules.p.invalidHere'), summary: t('wb.referral.rules.p.overrideInvalid', { name: nameAt(Number(o[1])) }) });
    else if (f.path.startsWith('body.freezeDays')) out.push(shownAt('freeze', t('wb.referral.rules.p.badFreezeDays'), nameAt));
    else if (f.path.startsWith('body.levels')) out.push(shownAt('default', t('wb.referral.rules.p.levelsInvalid'), nameAt));
    else if (f.path.startsWith('body.overrides')) out.push(shownAt('general', t('wb.referral.rules.p.tooManyOverrides'), nameAt));
    else out.push(shownAt('default', t('wb.referral.rules.p.defaultInvalid'), nameAt));
  }
  if (out.length === 0) out.push(shownAt('general', /not this merchant's/.test(e.detail ?? '') ? t('wb.referral.rules.p.foreignSome') : errorText(e), nameAt));
  return out.filter((x, i) => out.findIndex((y) => y.at === x.at && y.text === x.text) === i);
}

function Problems({ items }: { items: readonly Shown[] }) {
  return (
    <>
      {items.map((p) => (
        <View key={p.text} className="wb-error" role="alert" data-testid="ref-problem">
          {p.text}
        </View>
      ))}
    </>
  );
}

function Chips<K extends string | number>({ options, value, onChange, testId }: { options: readonly { key: K; label: string }[]; value: K; onChange: (k: K) => void; testId: string }) {
  return (
    <View className="wb-chips wb-field">
      {options.map((o) => (
        <View key={o.key} className={`wb-chip${o.key === value ? ' wb-chip--on' : ''}`} aria-pressed={o.key === value} onClick={() => onChange(o.key)} data-testid={`${testId}-${o.key}`}>
          {o.label}
        </View>
      ))}
    </View>
  );
}

const MODES: readonly { key: CommissionMode; label: string }[] = [
  { key: 'rate', label: t('wb.referral.rules.modeRate') },
  { key: 'fixed', label: t('wb.referral.rules.modeFixed') },
];

/** One set of terms: the mode and an amount per level (with the rates' total). */
function TermsInputs({ terms, at, bad, problems, onChange }: { terms: TermsDraft; at: TermsAt; bad: Set<string>; problems: readonly Shown[]; onChange: (t: TermsDraft) => void }) {
  const rate = terms.mode === 'rate';
  const values = terms.amounts.map((a) => parseRate(a));
  const total = rate && values.every((v) => v !== null) ? values.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
  return (
    <View>
      <Chips options={MODES} value={terms.mode} onChange={(mode) => mode !== terms.mode && onChange({ mode, amounts: terms.amounts.map(() => '') })} testId={`ref-mode-${at}`} />
      <View className="wb-ref-levels">
        {terms.amounts.map((a, i) => (
          <View key={i} className="wb-ref-amount">
            <Text className="wb-ref-amount__label">
              {t(rate ? 'wb.referral.rules.rateLabel' : 'wb.referral.rules.fixedLabel', { level: levelName(i + 1) })}
            </Text>
            <Input
              className={`wb-input${bad.has(`${at}:${i + 1}`) ? ' wb-input--bad' : ''}`}
              type="digit"
              maxlength={9}
              value={a}
              placeholder={t(rate ? 'wb.referral.rules.ratePlaceholder' : 'wb.referral.rules.fixedPlaceholder')}
              onInput={(e) => onChange({ ...terms, amounts: terms.amounts.map((x, j) => (j === i ? e.detail.value : x)) })}
              data-testid={`ref-amount-${at}-${i + 1}`}
            />
          </View>
        ))}
      </View>
      {total !== null && (
        <Text className={`wb-ref-total${total > RULE_LIMITS.maxTotalRateBp ? ' wb-ref-total--bad' : ''}`} data-testid={`ref-total-${at}`}>
          {t('wb.referral.rules.total', { total: (total / 100).toFixed(2) })}
        </Text>
      )}
      <Problems items={problems} />
    </View>
  );
}

/** 添加商品: the merchant's products (searchable); a product with several SKUs offers the whole product or one SKU. */
function GoodsPicker({ merchantId, taken, onPick, onClose }: { merchantId: string; taken: Set<string>; onPick: (o: Pick<OverrideDraft, 'target' | 'targetId'>, name: GoodsName) => void; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const list = useMerchantProducts(merchantId, q);
  const products = list.data?.pages.flatMap((p) => p.items) ?? [];
  const pick = (p: MerchantProduct) => {
    if (p.skus.length > 1) return setOpen(open === p.id ? null : p.id);
    if (!taken.has(`product:${p.id}`) && !taken.has(`sku:${p.skus[0]?.id}`)) onPick({ target: 'product', targetId: p.id }, { title: p.title });
  };
  return (
    <Sheet title={t('wb.referral.rules.pickTitle')} onClose={onClose} testId="ref-picker">
      <SearchBar value={q} onSearch={setQ} placeholder={t('wb.products.searchPlaceholder')} testId="ref-picker-search" />
      {list.isLoading && <Skeleton rows={3} avatar />}
      {list.isError && !list.data && (
        <View className="wb-error" role="alert">
          {errorText(list.error)}
        </View>
      )}
      {list.data && products.length === 0 && <Text className="wb-muted">{t('wb.products.empty')}</Text>}
      {products.map((p) => {
        const done = [`product:${p.id}`, ...p.skus.map((x) => `sku:${x.id}`)].filter((k) => taken.has(k)).length;
        return (
          <View key={p.id}>
            <View className={`wb-ref-pick${open === p.id ? ' wb-ref-pick--on' : ''}`} onClick={() => pick(p)} data-testid="ref-pick">
              <Picture className="wb-ref-pick__img" src={p.cover} alt="" />
              <View className="wb-ref-pick__body">
                <Text className="wb-ref-pick__title">{p.title}</Text>
                <Text className="wb-muted">
                  {p.skus.length > 1 ? t('wb.referral.rules.skuCount', { n: p.skus.length }) : t('wb.referral.rules.wholeProduct')}
                  {done > 0 ? ` · ${t('wb.referral.rules.pickedCount', { n: done })}` : ''}
                </Text>
              </View>
            </View>
            {open === p.id && (
              <View className="wb-chips wb-field" data-testid="ref-pick-targets">
                {[{ target: 'product' as const, targetId: p.id, text: t('wb.referral.rules.wholeProduct'), name: { title: p.title } }, ...p.skus.map((s) => {
                  const spec = s.specText || t('wb.products.defaultSpec');
                  return { target: 'sku' as const, targetId: s.id, text: t('wb.referral.rules.skuTarget', { spec }), name: { title: p.title, spec } };
                })].map((x) => {
                  const done = taken.has(`${x.target}:${x.targetId}`);
                  return (
                    <View
                      key={x.targetId}
                      className={`wb-chip${done ? ' wb-ref-chip--off' : ''}`}
                      aria-disabled={done}
                      onClick={() => !done && onPick({ target: x.target, targetId: x.targetId }, x.name)}
                      data-testid={`ref-pick-${x.targetId}`}
                    >
                      {done ? `${x.text} · ${t('wb.referral.rules.picked')}` : x.text}
                    </View>
                  );
                })}
              </View>
            )}
          </View>
        );
      })}
      {list.hasNextPage && (
        <Button className="wb-btn wb-btn--block" disabled={disabledProp(list.isFetchingNextPage)} onClick={() => void list.fetchNextPage()}>
          {t('wb.loadMore')}
        </Button>
      )}
    </Sheet>
  );
}

/** The rules in force: on or off, which version since when; below it what the page offers (the owner's switch). */
function InForce({ rules, children }: { rules: ReferralRules; children?: ReactNode }) {
  return (
    <View className="wb-card" data-testid="ref-version">
      <View className="wb-card__title">
        <View className="wb-ref-status">
          <Text>{t('wb.referral.status')}</Text>
          <Text className={`wb-badge${rules.enabled ? '' : ' wb-badge--plain'}`}>{rules.enabled ? t('wb.referral.on') : t('wb.referral.off')}</Text>
        </View>
      </View>
      <Text className="wb-ref-sub">
        {rules.version === 0 ? t('wb.referral.rules.none') : t('wb.referral.version', { version: rules.version, time: rules.createdAt ? formatTime(rules.createdAt) : '' })}
      </Text>
      {children}
    </View>
  );
}

/** The owner's form: a new version from what is typed, checked as the server checks it. */
function RulesEditor({ merchantId, rules, maxLevels, names }: { merchantId: string; rules: ReferralRules; maxLevels: number | undefined; names: Map<string, GoodsName> }) {
  const save = useSetReferralRules(merchantId);
  const intent = useIntentKey();
  const [draft, setDraft] = useState<RulesDraft>(() => draftOf(rules));
  const [tried, setTried] = useState(false);
  const [serverSaid, setServerSaid] = useState<Shown[]>([]);
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<Map<string, GoodsName>>(() => new Map());

  const nameOf = (o: Pick<OverrideDraft, 'targetId'>) => picked.get(o.targetId) ?? names.get(o.targetId);
  const nameAt = (i: number) => {
    const o = draft.overrides[i];
    if (!o) return '';
    const n = nameOf(o);
    return n?.spec ? `${label(n, o.targetId)} ${n.spec}` : label(n, o.targetId);
  };
  const checked = checkDraft(draft);
  const problems = tried ? checked.problems : [];
  const bad = new Set<string>();
  for (const p of problems) {
    if ('level' in p) bad.add(`${p.at}:${p.level}`);
    if (p.kind === 'totalAbove50') for (let l = 1; l <= draft.levels; l++) bad.add(`${p.at}:${l}`);
    if (p.kind === 'badFreezeDays') bad.add('freezeDays');
  }
  // Every problem where it applies, in the page's order; the first one also beside the save button.
  const shown = [...problems.map((p) => problemShown(p, nameAt)), ...serverSaid].sort((a, b) => order(a.at) - order(b.at));
  const at = (where: ProblemAt) => shown.filter((p) => p.at === where);

  const change = (next: Partial<RulesDraft>) => {
    setServerSaid([]);
    setDraft((d) => ({ ...d, ...next }));
  };
  const setLevels = (levels: number) =>
    change({ levels, amounts: resizeAmounts(draft.amounts, levels), overrides: draft.overrides.map((o) => ({ ...o, amounts: resizeAmounts(o.amounts, levels) })) });
  const setOverride = (i: number, terms: TermsDraft) => change({ overrides: draft.overrides.map((o, j) => (j === i ? { ...o, ...terms } : o)) });
  const taken = new Set(draft.overrides.map((o) => `${o.target}:${o.targetId}`));
  const levelOptions = Array.from({ length: Math.max(maxLevels ?? 1, draft.levels) }, (_, i) => ({ key: i + 1, label: t('wb.referral.rules.levelsValue', { n: i + 1 }) }));

  const submit = async () => {
    if (save.isPending) return;
    setTried(true);
    setServerSaid([]);
    const { body } = checkDraft(draft);
    if (!body) return;
    if (!(await confirmAction(t('wb.referral.rules.saveConfirm')))) return;
    try {
      const saved = await save.mutateAsync({ body, idempotencyKey: intent.keyFor(body) });
      intent.done();
      toast(t('wb.referral.rules.saved', { version: saved.version }), 'success');
    } catch (e) {
      setServerSaid(serverProblems(e, draft.overrides, nameAt));
    }
  };

  return (
    <>
      <InForce rules={rules}>
        <Text className="wb-field__label wb-ref-switch">{t('wb.referral.rules.switch')}</Text>
        <Chips
          options={[
            { key: 'on', label: t('wb.referral.rules.enable') },
            { key: 'off', label: t('wb.referral.rules.disable') },
          ]}
          value={draft.enabled ? 'on' : 'off'}
          onChange={(k) => change({ enabled: k === 'on' })}
          testId="ref-enabled"
        />
        {!draft.enabled && <Text className="wb-ref-hint">{t('wb.referral.rules.offHint')}</Text>}
      </InForce>

      <View className="wb-card" data-testid="ref-terms">
        <View className="wb-card__title">{t('wb.referral.rules.terms')}</View>
        <Text className="wb-field__label">{t('wb.referral.rules.levels')}</Text>
        <Chips options={levelOptions} value={draft.levels} onChange={setLevels} testId="ref-levels" />
        {maxLevels !== undefined && <Text className="wb-ref-hint">{t('wb.referral.rules.levelsHint', { n: maxLevels })}</Text>}
        <Text className="wb-field__label">{t('wb.referral.rules.mode')}</Text>
        <TermsInputs terms={draft} at="default" bad={bad} problems={at('default')} onChange={(terms) => change(terms)} />
        <Text className="wb-ref-hint">{draft.mode === 'rate' ? t('wb.referral.rules.rateHint') : t('wb.referral.rules.fixedHint')}</Text>
        <Text className="wb-field__label">{t('wb.referral.rules.freezeDays')}</Text>
        <Input
          className={`wb-input${bad.has('freezeDays') ? ' wb-input--bad' : ''}`}
          type="number"
          maxlength={2}
          value={draft.freezeDays}
          placeholder={t('wb.referral.rules.freezePlaceholder')}
          onInput={(e) => change({ freezeDays: e.detail.value })}
          data-testid="ref-freeze"
        />
        <Problems items={at('freeze')} />
        <Text className="wb-ref-hint wb-ref-hint--after">{t('wb.referral.rules.freezeHint')}</Text>
      </View>

      <View className="wb-card" data-testid="ref-overrides">
        <View className="wb-card__title">{t('wb.referral.rules.overrides')}</View>
        <Text className="wb-ref-hint">{t('wb.referral.rules.overridesHint')}</Text>
        {draft.overrides.length === 0 && <Text className="wb-muted">{t('wb.referral.rules.overridesEmpty')}</Text>}
        {draft.overrides.map((o, i) => {
          const n = nameOf(o);
          return (
            <View key={`${o.target}:${o.targetId}`} className="wb-ref-override" data-testid="ref-override">
              <View className="wb-ref-override__head">
                <View className="wb-ref-override__who">
                  <Text className="wb-ref-override__title">{label(n, o.targetId)}</Text>
                  <Text className="wb-muted">{o.target === 'sku' ? t('wb.referral.rules.skuTarget', { spec: n?.spec ?? o.targetId }) : t('wb.referral.rules.wholeProduct')}</Text>
                </View>
                <Button className="wb-btn wb-btn--danger" size="mini" onClick={() => change({ overrides: draft.overrides.filter((_, j) => j !== i) })} data-testid="ref-override-remove">
                  {t('wb.referral.rules.remove')}
                </Button>
              </View>
              <TermsInputs terms={o} at={i} bad={bad} problems={at(i)} onChange={(terms) => setOverride(i, terms)} />
            </View>
          );
        })}
        <Button className="wb-btn wb-btn--block" onClick={() => setPicking(true)} data-testid="ref-override-add">
          {t('wb.referral.rules.addOverride')}
        </Button>
      </View>

      {at('general').length > 0 && (
        <View className="wb-card">
          <Problems items={at('general')} />
        </View>
      )}
      <View className="wb-bar-space" />
      <View className="wb-bar wb-ref-bar">
        {shown.length > 0 && (
          <Text className="wb-ref-bar__problem" data-testid="ref-problems">
            {shown.length > 1 ? t('wb.referral.rules.more', { first: shown[0].summary, n: shown.length }) : shown[0].summary}
          </Text>
        )}
        <Button className="wb-btn wb-btn--primary" disabled={disabledProp(save.isPending)} onClick={() => void submit()} data-testid="ref-save">
          {save.isPending ? t('wb.referral.rules.saving') : t('wb.referral.rules.save')}
        </Button>
      </View>
      {picking && (
        <GoodsPicker
          merchantId={merchantId}
          taken={taken}
          onClose={() => setPicking(false)}
          onPick={(target, name) => {
            setPicked((m) => new Map(m).set(target.targetId, name));
            change({ overrides: [...draft.overrides, { ...target, mode: draft.mode, amounts: resizeAmounts([], draft.levels) }] });
            setPicking(false);
          }}
        />
      )}
    </>
  );
}

/** What an operator sees: the rules in force, read only. */
function RulesView({ rules, names }: { rules: ReferralRules; names: Map<string, GoodsName> }) {
  return (
    <>
      <InForce rules={rules}>
        <Text className="wb-ref-sub" data-testid="ref-read-only">
          {t('wb.referral.rules.readOnly')}
        </Text>
      </InForce>
      <View className="wb-card" data-testid="ref-terms">
        <Row label={t('wb.referral.rules.enabled')}>
          <Text>{rules.enabled ? t('wb.referral.on') : t('wb.referral.off')}</Text>
        </Row>
        <Row label={t('wb.referral.rules.levels')}>
          <Text>{t('wb.referral.rules.levelsValue', { n: rules.levels })}</Text>
        </Row>
        <Row label={t('wb.referral.rules.mode')}>
          <Text>{rules.mode === 'rate' ? t('wb.referral.rules.modeRate') : t('wb.referral.rules.modeFixed')}</Text>
        </Row>
        <Row label={t('wb.referral.rules.terms')}>
          {termsLines(rules.mode, rules.amounts).map((line) => (
            <Text key={line} className="wb-ref-line">
              {line}
            </Text>
          ))}
        </Row>
        <Row label={t('wb.referral.rules.freezeDays')}>
          <Text>{t('wb.referral.rules.freezeValue', { days: rules.freezeDays })}</Text>
        </Row>
      </View>
      <View className="wb-card" data-testid="ref-overrides">
        <View className="wb-card__title">{t('wb.referral.rules.overrides')}</View>
        {rules.overrides.length === 0 && <Text className="wb-muted">{t('wb.referral.rules.overridesEmpty')}</Text>}
        {rules.overrides.map((o) => {
          const n = names.get(o.targetId);
          return (
            <View key={`${o.target}:${o.targetId}`} className="wb-ref-override" data-testid="ref-override">
              <Text className="wb-ref-override__title">{label(n, o.targetId)}</Text>
              <Text className="wb-ref-sub">{o.target === 'sku' ? t('wb.referral.rules.skuTarget', { spec: n?.spec ?? o.targetId }) : t('wb.referral.rules.wholeProduct')}</Text>
              <Text className="wb-ref-line">{termsLines(o.mode, o.amounts).join(' · ')}</Text>
            </View>
          );
        })}
      </View>
    </>
  );
}

/** Product pages read at most to find the names of the goods overridden. */
const NAME_PAGES = 10;

/**
 * 分销规则: the merchant's commission rules in force (docs/referral.md, "Rules"); the owner
 * saves a new version (overrides per product and SKU included), an operator reads them.
 */
export default function WorkbenchReferralRules() {
  const wb = useWorkbench();
  const { merchantId, canRun, isOwner } = wb;
  const active = canRun ? merchantId : '';
  const rules = useReferralRules(active);
  const levels = useReferralLevels(canRun);
  const products = useMerchantProducts(active, '');
  const r = rules.data;

  // The overrides name goods by id: read the product list until every one has its name.
  const names = useMemo(() => namesOf(products.data?.pages.flatMap((p) => p.items) ?? []), [products.data]);
  const missing = r ? r.overrides.some((o) => !names.has(o.targetId)) : false;
  const pagesRead = products.data?.pages.length ?? 0;
  useEffect(() => {
    if (missing && products.hasNextPage && !products.isFetchingNextPage && !products.isFetchNextPageError && pagesRead < NAME_PAGES) void products.fetchNextPage();
  }, [missing, products, pagesRead]);

  // The network's levels (REFERRAL_MAX_LEVELS); until known, the picker offers the rules' own.
  const maxLevels = levels.data === undefined ? undefined : Math.min(levels.data, RULE_LIMITS.levelsCap);

  return (
    <PageFrame {...wbFrame(wb, canRun)} title={t('wb.referral.rules.title')} query={rules} skeleton={<Skeleton rows={8} />}>
      {r && (isOwner ? <RulesEditor key={r.version} merchantId={merchantId} rules={r} maxLevels={maxLevels} names={names} /> : <RulesView rules={r} names={names} />)}
    </PageFrame>
  );
}
