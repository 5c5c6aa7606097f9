import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.css';

export interface CheckProps {
  checked: boolean;
  disabled?: boolean;
  onChange: () => void;
  /** What the box means, for screen readers; shown beside the box unless children are given. */
  label: string;
  /** Hide the label text (a line's box whose meaning is the line beside it). */
  hideLabel?: boolean;
  /** Content shown beside the box instead of the label text (a consent sentence with links). */
  children?: ReactNode;
  className?: string;
}

/**
 * A round checkbox with its label: the box and the label are one tap target, as a shopper
 * expects of 全选 or a consent line. A link inside children stops the tap itself.
 */
export function Check({ checked, disabled, onChange, label, hideLabel, children, className }: CheckProps) {
  return (
    <View
      className={`check${disabled ? ' check--disabled' : ''}${className ? ` ${className}` : ''}`}
      role="checkbox"
      aria-checked={checked}
      aria-disabled={disabled}
      aria-label={label}
      onClick={() => !disabled && onChange()}
    >
      <View className={`check__box${checked ? ' check__box--on' : ''}`} />
      {children ?? (hideLabel ? null : <Text className="check__label">{label}</Text>)}
    </View>
  );
}
