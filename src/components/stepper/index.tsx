import { Text, View } from '@tarojs/components';
import './index.css';

export interface StepperProps {
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  disabled?: boolean;
}

/** − value + ; never goes outside [min, max]. */
export function Stepper({ value, min, max, onChange, disabled = false }: StepperProps) {
  const canDec = !disabled && value > min;
  const canInc = !disabled && value < max;
  return (
    <View className={`stepper${disabled ? ' stepper--disabled' : ''}`}>
      <View
        className={`stepper__btn${canDec ? '' : ' stepper__btn--off'}`}
        aria-label="减少"
        aria-disabled={!canDec}
        onClick={(e) => {
          e.stopPropagation();
          if (canDec) onChange(Math.max(min, value - 1));
        }}
      >
        −
      </View>
      <Text className="stepper__value">{value}</Text>
      <View
        className={`stepper__btn${canInc ? '' : ' stepper__btn--off'}`}
        aria-label="增加"
        aria-disabled={!canInc}
        onClick={(e) => {
          e.stopPropagation();
          if (canInc) onChange(Math.min(max, value + 1));
        }}
      >
        +
      </View>
    </View>
  );
}
