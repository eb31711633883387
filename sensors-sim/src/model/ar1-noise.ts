// Correlated sensor and process noise: AR(1) on the reading grid, x_i = φ·x_{i-1} + √(1-φ²)·ε_i,
// with unit stationary variance. ε_i is counter-based (a pure function of the step index), and the
// series is defined as the truncated sum Σ_{k<K} φ^k·√(1-φ²)·ε_{i-k}, so the value at a step does not
// depend on where a run started. Walking forward uses the equivalent O(1) sliding update.
import { hashNormal } from "./random.ts";

export class Ar1Noise {
  private readonly phi: number;
  private readonly gain: number;
  private readonly window: number;
  private readonly tailWeight: number;
  private lastStep: number | undefined;
  private state = 0;

  /**
   * @param keys   identify the series (seed, station, parameter, component)
   * @param stepMs reading interval; @param tauMs correlation time (e-folding)
   */
  constructor(
    private readonly keys: readonly number[],
    stepMs: number,
    tauMs: number,
  ) {
    this.phi = Math.exp(-stepMs / tauMs);
    this.gain = Math.sqrt(1 - this.phi * this.phi);
    // Terms below 1e-4 of the newest are dropped.
    this.window = Math.max(1, Math.ceil(Math.log(1e-4) / Math.log(Math.max(this.phi, 1e-9))));
    this.tailWeight = this.phi ** this.window;
  }

  /** Unit-variance correlated noise at a grid step (step = floor(t / interval)). */
  at(step: number): number {
    if (this.lastStep !== undefined && step === this.lastStep + 1) {
      this.state = this.phi * this.state + this.gain * (this.eps(step) - this.tailWeight * this.eps(step - this.window));
    } else if (step !== this.lastStep) {
      let sum = 0;
      let weight = 1;
      for (let k = 0; k < this.window; k++) {
        sum += weight * this.eps(step - k);
        weight *= this.phi;
      }
      this.state = this.gain * sum;
    }
    this.lastStep = step;
    return this.state;
  }

  private eps(step: number): number {
    return hashNormal(...this.keys, step);
  }
}
