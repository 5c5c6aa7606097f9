/**
 * The value for a Button's `disabled` prop. On H5, Taro's Button is a web component and React
 * writes `disabled={false}` as the attribute disabled="false"; Taro's stylesheet matches
 * `taro-button-core[disabled]` and fades the label, so an enabled button would look
 * disabled. Leaving the attribute out when enabled avoids that on every platform.
 */
export function disabledProp(disabled: boolean): true | undefined {
  return disabled ? true : undefined;
}
