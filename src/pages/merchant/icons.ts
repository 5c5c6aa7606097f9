/** The workbench's own icons (Lucide, one by one: they land in this subpackage only). */
export { History, Package, Receipt, RotateCcw, Store, TriangleAlert, Users } from 'lucide-static';
