import { ScrollView, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { t } from '@/i18n/messages';
import type { RegionProvince } from '@/services/address/regions';
import './index.css';

export interface RegionValue {
  province: string;
  city: string;
  district: string;
}

export interface RegionPickerProps {
  open: boolean;
  regions: readonly RegionProvince[];
  /** The current choice, to start from. */
  value: RegionValue;
  onChange: (value: RegionValue) => void;
  onClose: () => void;
}

type Level = 0 | 1 | 2;

/**
 * Province -> city -> district in a bottom sheet, as JD and Taobao do: a tab per level, a
 * list per tab; choosing a district closes the sheet. The same view on every platform (no
 * native multi-column picker, which differs between hosts).
 */
export function RegionPicker({ open, regions, value, onChange, onClose }: RegionPickerProps) {
  const [picked, setPicked] = useState<string[]>([]);
  const [level, setLevel] = useState<Level>(0);

  useEffect(() => {
    if (!open) return;
    const p = regions.find((x) => x.name === value.province);
    const c = p?.cities.find((x) => x.name === value.city);
    const d = c?.districts.includes(value.district) ? value.district : undefined;
    const start = [p?.name, c?.name, d].filter((x): x is string => Boolean(x));
    setPicked(start);
    setLevel(start.length === 3 ? 2 : (start.length as Level));
  }, [open, regions, value.province, value.city, value.district]);

  if (!open) return null;

  const province = regions.find((x) => x.name === picked[0]);
  const city = province?.cities.find((x) => x.name === picked[1]);
  const options: string[] = level === 0 ? regions.map((x) => x.name) : level === 1 ? (province?.cities.map((x) => x.name) ?? []) : (city?.districts ?? []);

  const choose = (name: string) => {
    const next = [...picked.slice(0, level), name];
    setPicked(next);
    if (level === 2) {
      onChange({ province: next[0], city: next[1], district: next[2] });
      onClose();
      return;
    }
    // A municipality has one city, itself: go straight to its districts.
    const nextProvince = regions.find((x) => x.name === next[0]);
    if (level === 0 && nextProvince && nextProvince.cities.length === 1) {
      setPicked([next[0], nextProvince.cities[0].name]);
      setLevel(2);
      return;
    }
    setLevel((level + 1) as Level);
  };

  const tabs = [0, 1, 2].filter((i) => i <= picked.length && i <= 2) as Level[];

  return (
    <View className="region-picker" data-testid="region-picker">
      <View className="region-picker__mask" onClick={onClose} />
      <View className="region-picker__sheet" role="dialog" aria-label={t('regionTitle')}>
        <View className="region-picker__head">
          <Text className="region-picker__title">{t('regionTitle')}</Text>
          <View className="region-picker__close" role="button" aria-label={t('cancel')} onClick={onClose}>
            ×
          </View>
        </View>
        <View className="region-picker__tabs">
          {tabs.map((i) => (
            <Text key={i} className={`region-picker__tab${i === level ? ' region-picker__tab--on' : ''}`} onClick={() => setLevel(i)}>
              {picked[i] && i !== level ? picked[i] : (picked[i] ?? t('regionChoose'))}
            </Text>
          ))}
        </View>
        <ScrollView className="region-picker__list" scrollY>
          {options.map((name) => (
            <View
              key={name}
              className={`region-picker__option${picked[level] === name ? ' region-picker__option--on' : ''}`}
              role="option"
              aria-selected={picked[level] === name}
              onClick={() => choose(name)}
            >
              {name}
            </View>
          ))}
        </ScrollView>
      </View>
    </View>
  );
}
