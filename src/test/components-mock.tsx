/**
 * @tarojs/components as plain DOM elements for jest (jsdom): View -> div, Text -> span,
 * Image -> img, Button -> button, Input -> input (onInput gets { detail: { value } }), and so on.
 * Only DOM-safe props are passed through; Taro-only props are dropped.
 */
import { createElement, type ReactNode } from 'react';

type AnyProps = Record<string, unknown> & { children?: ReactNode };

const passthrough = /^(className|style|id|role|title|src|alt|placeholder|value|disabled|type|maxLength|onClick|data-.*|aria-.*)$/;

function domProps(props: AnyProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === 'children') continue;
    if (passthrough.test(k)) out[k] = v;
  }
  if (props.maxlength !== undefined) out.maxLength = props.maxlength;
  return out;
}

function make(tag: string, name: string) {
  const C = (props: AnyProps) => createElement(tag, { ...domProps(props), 'data-taro': name }, props.children);
  C.displayName = name;
  return C;
}

export const View = make('div', 'View');
export const Text = make('span', 'Text');
export const Block = ({ children }: AnyProps) => createElement('div', null, children);
export const Swiper = make('div', 'Swiper');
export const SwiperItem = make('div', 'SwiperItem');
export const Navigator = make('a', 'Navigator');
export const Form = make('form', 'Form');
export const Label = make('label', 'Label');
export const Icon = make('i', 'Icon');
export const RichText = make('div', 'RichText');
export const Canvas = make('canvas', 'Canvas');
export const Video = make('video', 'Video');

export const Image = (props: AnyProps) =>
  createElement('img', { ...domProps(props), 'data-taro': 'Image', onError: props.onError as (() => void) | undefined, onLoad: props.onLoad as (() => void) | undefined });

export const Button = (props: AnyProps) =>
  createElement(
    'button',
    { ...domProps(props), disabled: Boolean(props.disabled) || Boolean(props.loading), 'data-taro': 'Button', type: 'button' },
    props.children,
  );

export const Input = (props: AnyProps) => {
  const onInput = props.onInput as ((e: { detail: { value: string } }) => void) | undefined;
  const onConfirm = props.onConfirm as ((e: { detail: { value: string } }) => void) | undefined;
  return createElement('input', {
    ...domProps(props),
    type: props.type === 'number' || props.type === 'digit' ? 'tel' : 'text',
    'data-taro': 'Input',
    value: props.value ?? '',
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
    onKeyDown: (e: { key: string; currentTarget: { value: string } }) => {
      if (e.key === 'Enter') onConfirm?.({ detail: { value: e.currentTarget.value } });
    },
  });
};

export const ScrollView = (props: AnyProps) => {
  const onScrollToLower = props.onScrollToLower as (() => void) | undefined;
  return createElement(
    'div',
    { ...domProps(props), 'data-taro': 'ScrollView', 'data-testid': props['data-testid'], onScroll: () => onScrollToLower?.() },
    props.children,
  );
};

/** Textarea -> textarea (onInput gets { detail: { value } }, as Input). */
export const Textarea = (props: AnyProps) => {
  const onInput = props.onInput as ((e: { detail: { value: string } }) => void) | undefined;
  return createElement('textarea', {
    ...domProps(props),
    'data-taro': 'Textarea',
    value: props.value ?? '',
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
  });
};

/**
 * Picker -> its children (what the page shows) and an input standing for the host's wheel:
 * changing it (testid `<picker testid>-input`) calls onChange with { detail: { value } }.
 */
export const Picker = (props: AnyProps) => {
  const onChange = props.onChange as ((e: { detail: { value: string } }) => void) | undefined;
  const testId = props['data-testid'] as string | undefined;
  return createElement(
    'div',
    { ...domProps(props), 'data-taro': 'Picker' },
    props.children,
    createElement('input', {
      'data-testid': testId ? `${testId}-input` : undefined,
      'aria-hidden': true,
      hidden: true,
      value: String(props.value ?? ''),
      onChange: (e: { target: { value: string } }) => onChange?.({ detail: { value: e.target.value } }),
    }),
  );
};
