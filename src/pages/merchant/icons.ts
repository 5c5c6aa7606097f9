/** The workbench's own icons (Lucide, one by one: they land in this subpackage only). */
export { ClipboardList, History, Package, RotateCcw, ShieldAlert, Store, TriangleAlert, Users } from 'lucide-static';
