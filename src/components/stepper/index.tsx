import { t } from '@/i18n/messages';
import { Box, Inline, Tap } from '../primitives';
import './index.css';

export interface StepperProps {
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  disabled?: boolean;
}

/**
 * − value + ; never goes outside [min, max]. − and + are buttons on H5 (keyboard focus); one
 * that cannot step is announced as unavailable. A tap stays in the stepper (a cart line around
 * it opens the product).
 */
export function Stepper({ value, min, max, onChange, disabled = false }: StepperProps) {
  const canDec = !disabled && value > min;
  const canInc = !disabled && value < max;
  return (
    <Box className={`stepper${disabled ? ' stepper--disabled' : ''}`}>
      <Tap
        className={`stepper__btn${canDec ? '' : ' stepper__btn--off'}`}
        aria-label={t('quantityDecrease')}
        aria-disabled={!canDec}
        onClick={(e) => {
          e.stopPropagation();
          if (canDec) onChange(Math.max(min, value - 1));
        }}
      >
        −
      </Tap>
      <Inline className="stepper__value">{value}</Inline>
      <Tap
        className={`stepper__btn${canInc ? '' : ' stepper__btn--off'}`}
        aria-label={t('quantityIncrease')}
        aria-disabled={!canInc}
        onClick={(e) => {
          e.stopPropagation();
          if (canInc) onChange(Math.min(max, value + 1));
        }}
      >
        +
      </Tap>
    </Box>
  );
}
