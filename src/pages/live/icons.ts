/** The live pages' own icons (Lucide, one by one: they land in this subpackage only). */
export { Heart, Radio, Share2, ShoppingBag, VolumeX, X } from 'lucide-static';
