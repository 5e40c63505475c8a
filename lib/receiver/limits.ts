/** Block numbers are stored as 64-bit signed integers; a larger one cannot name a stored channel. */
export const MAX_INT64 = 2n ** 63n - 1n;
