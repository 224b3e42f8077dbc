/// <reference lib="dom" />
/**
 * The inspected node's scheduler time as the page best knows it: the latest `time` of an answer
 * or a frame, carried forward at wall-clock speed when the node's clock is seen to run in real
 * time (a virtual clock is not extrapolated).
 * @packageDocumentation
 */
export class NodeClock {
  private time = 0;
  private wall = 0;
  private realTime = false;

  constructor(private readonly wallNow: () => number = () => performance.now()) {}

  /** A node time read just now. */
  observe(time: number): void {
    const wall = this.wallNow();
    if (this.wall !== 0 && wall - this.wall > 50) {
      const rate = (time - this.time) / (wall - this.wall);
      this.realTime = rate > 0.5 && rate < 2;
    }
    if (time >= this.time) {
      this.time = time;
      this.wall = wall;
    }
  }

  /** The node's time now. */
  now(): number {
    return this.realTime ? this.time + (this.wallNow() - this.wall) : this.time;
  }
}
