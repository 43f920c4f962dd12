/** Placeholder: this family's operations are added by its own issue. */
export const imageOperations = {};
