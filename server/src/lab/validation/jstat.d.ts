// The part of jStat (npm "jstat", which ships no type declarations) that the validation statistics
// use: Student's t and the standard normal distribution, and the median.
declare module "jstat" {
  interface JStatDistribution {
    cdf(x: number, ...parameters: number[]): number;
    inv(p: number, ...parameters: number[]): number;
  }
  interface JStat {
    studentt: JStatDistribution;
    normal: JStatDistribution;
    /** Median of an array (not modified; the mean of the two central values for an even length). */
    median(values: number[]): number;
  }
  const jStat: JStat;
  export default jStat;
}
