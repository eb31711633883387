// Seeded randomness for the simulator. Two flavours:
// - `mulberry32(seed)`: a sequential generator, for state machines that walk forward in time (faults).
// - `hashUniform(...keys)`: counter-based, a pure function of its integer keys. The signal model
//   uses it so that a reading at time t depends only on (seed, station, parameter, t), not on when
//   the run started: a restarted simulator rewrites identical values for the same timestamps.
// Never Math.random: the same seed must give byte-identical readings.

/** Mulberry32 (Tommy Ettinger, public domain): 32-bit state, good enough for simulation noise. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: turns station ids and parameter codes into integer keys. */
export function stringKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes any number of integer keys into one 32-bit hash (murmur3 finaliser per step). */
export function hash32(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    // Keys may exceed 32 bits (step indices since 1970); fold the high part in too.
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    h = mix(h ^ lo);
    h = mix(h ^ hi ^ 0x85ebca6b);
  }
  return h >>> 0;
}

function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) as a pure function of the keys. */
export function hashUniform(...keys: number[]): number {
  return hash32(...keys) / 4294967296;
}

/** Standard normal as a pure function of the keys (Box–Muller on two derived uniforms). */
export function hashNormal(...keys: number[]): number {
  const u1 = (hash32(...keys, 1) + 1) / 4294967297; // (0, 1): log(0) would be -Infinity
  const u2 = hash32(...keys, 2) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Standard normal from a sequential generator. */
export function normalFrom(next: () => number): number {
  const u1 = 1 - next();
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
