/**
 * Shopify's leaky bucket for GraphQL cost: the bucket holds `bucketSize` points and refills
 * at `restoreRate` points per second of the injected clock (freeze the clock to stop it).
 */
export interface ThrottleOptions {
  /** Default 2,000: the Standard plan's bucket. */
  bucketSize?: number;
  /** Points per second; default 100. */
  restoreRate?: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  readonly bucketSize: number;
  readonly restoreRate: number;
  private available: number;
  private lastRefill: number;

  constructor(
    options: ThrottleOptions,
    private readonly now: () => number,
  ) {
    this.bucketSize = options.bucketSize ?? 2000;
    this.restoreRate = options.restoreRate ?? 100;
    this.available = this.bucketSize;
    this.lastRefill = now();
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.lastRefill) / 1000;
    this.available = Math.min(this.bucketSize, this.available + elapsedSeconds * this.restoreRate);
    this.lastRefill = now;
  }

  /** Takes `points` if they are all available; false (and nothing taken) otherwise. */
  tryTake(points: number): boolean {
    this.refill();
    if (points > this.available) return false;
    this.available -= points;
    return true;
  }

  /** Gives back points a query did not use (requested − actual). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.bucketSize, this.available + points);
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.bucketSize,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
