/**
 * A seeded pseudo-random source (mulberry32), so a scenario drawn from it replays exactly from its seed.
 * Hand-rolled: Math.random cannot be seeded, and five lines of arithmetic need no library.
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** A whole number from `min` to `max`, both included. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** One of the choices, each as likely as its weight. */
    weighted<T extends string>(choices: Record<T, number>): T {
      const entries = Object.entries(choices) as [T, number][];
      let left = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [choice, weight] of entries) {
        left -= weight;
        if (left < 0) return choice;
      }
      return (entries.at(-1) as [T, number])[0];
    },
  };
}
export type SeededRandom = ReturnType<typeof seededRandom>;
