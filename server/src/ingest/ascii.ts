// Byte values and powers of ten shared by the readers that take ingest bodies straight from their
// bytes (received-lines.ts for line protocol, json-readings.ts for JSON).

export const SPACE = 32;
export const QUOTE = 34;
export const COMMA = 44;
export const MINUS = 45;
export const POINT = 46;
export const ZERO = 48;
export const NINE = 57;
export const COLON = 58;
export const OPEN_BRACKET = 91;
export const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/**
 * 10^0 … 10^15, each exact as a double (every power of ten up to 1e22 is): a decimal of at most 15
 * digits is its digits divided by one of these, correctly rounded by the one division (W. D. Clinger,
 * "How to read floating point numbers accurately", PLDI 1990: the fast path).
 */
export const POW10: readonly number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);
