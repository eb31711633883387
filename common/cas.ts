// CAS registry numbers: up to 7 digits, 2 digits, 1 check digit. The check digit is the sum of the
// other digits, each multiplied by its position counted from the right (1, 2, 3, …), modulo 10
// (CAS Registry Number format, Chemical Abstracts Service).
export function isCasNumber(text: string): boolean {
  const m = /^(\d{2,7})-(\d{2})-(\d)$/.exec(text);
  if (!m) return false;
  const digits = (m[1]! + m[2]!).split("").reverse();
  const sum = digits.reduce((acc, d, i) => acc + Number(d) * (i + 1), 0);
  return sum % 10 === Number(m[3]);
}
