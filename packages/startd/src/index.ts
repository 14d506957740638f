export { Startd, type StartdSettings } from './startd.js';
export { detectTotals, splitIntoSlots, type ResourceTotals } from './resources.js';
