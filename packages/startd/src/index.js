export { Startd } from './startd.js';
export { detectTotals, splitIntoSlots } from './resources.js';
//# sourceMappingURL=index.js.map