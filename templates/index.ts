/** Every creative template by name. Add one by writing its module and listing it here. */
import type { CreativeTemplate } from '../src/creative/template';
import { badge } from './badge';
import { cartReminder } from './cart-reminder';
import { priceDrop } from './price-drop';
import { recentlyViewed } from './recently-viewed';
import { stock } from './stock';

export const TEMPLATES: readonly CreativeTemplate[] = [badge, priceDrop, stock, recentlyViewed, cartReminder];
