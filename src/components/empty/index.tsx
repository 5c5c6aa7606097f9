import { Icon, icons } from '../icon';
import { Box, Inline, Press } from '../primitives';
import './index.css';

export interface EmptyProps {
  text: string;
  /** An SVG string from `icons` for what is empty (an open box unless given). */
  icon?: string;
  actionText?: string;
  onAction?: () => void;
}

export function Empty({ text, icon = icons.PackageOpen, actionText, onAction }: EmptyProps) {
  return (
    <Box className="empty">
      <Box className="empty__icon">
        <Icon svg={icon} size={88} color="#b3b3b3" strokeWidth={1.5} />
      </Box>
      <Inline className="empty__text">{text}</Inline>
      {actionText && onAction && (
        <Press className="empty__action" size="mini" onClick={onAction}>
          {actionText}
        </Press>
      )}
    </Box>
  );
}
