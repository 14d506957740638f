export const placeholder = 1;
//# sourceMappingURL=index.js.map