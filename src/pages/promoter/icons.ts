/** The promoter centre's own icons (Lucide, one by one: they land in this subpackage only). */
export { Banknote, ChevronRight, CircleHelp, Hourglass, Images, ReceiptText, Trophy, UserPlus, Users, Wallet } from 'lucide-static';
