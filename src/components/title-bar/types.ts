export interface TitleBarProps {
  /** The page's title (the mini-programs show it in the host's navigation bar). */
  title: string;
}
