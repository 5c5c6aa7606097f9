/** The workbench's own icons (Lucide, one by one: they land in this subpackage only). */
export { ChartColumn, ClipboardList, History, Package, RotateCcw, Share2, ShieldAlert, SlidersHorizontal, Store, TriangleAlert, UserCheck, Users, Video, Wallet } from 'lucide-static';
