// Download progress for a progress bar: bytes so far over the planned total, a smoothed speed and
// an ETA. The speed is an exponential moving average of the rate between samples, so one slow or
// fast chunk does not make the ETA jump around.

export interface HubProgress {
  /** The file being downloaded now (e.g. "model.safetensors"). */
  file: string;
  /** Bytes received in this call, over all files; cached files count for nothing. */
  loadedBytes: number;
  /** Bytes this call downloads: the HEAD sizes of the files not in the cache. */
  totalBytes: number;
  /** Smoothed download speed in bytes per second (0 until the first measurement). */
  bytesPerSecond: number;
  /** Seconds left at the smoothed speed; null while the speed is unknown. */
  etaSeconds: number | null;
}

export const PROGRESS_DEFAULTS = {
  /** Fewest milliseconds between two reports, so a UI is not re-rendered per network chunk. */
  minIntervalMs: 100,
  /** Shortest span a speed sample covers; shorter spans make noisy rates. */
  sampleMs: 250,
  /** Time constant of the moving average: older rates count e^(-age/tau). */
  smoothingMs: 3000,
};

export class ProgressTracker {
  private loaded = 0;
  private speed = 0;
  private lastSampleAt: number;
  private lastSampleBytes = 0;
  private lastReportAt = -Infinity;
  private readonly started: number;

  constructor(
    private total: number,
    private readonly report: ((p: HubProgress) => void) | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = this.lastSampleAt = now();
  }

  /** A size that was unknown at planning time turned out to be `bytes` more. */
  growTotal(bytes: number): void {
    this.total += bytes;
  }

  add(file: string, bytes: number): void {
    this.loaded += bytes;
    const t = this.now();
    const dt = t - this.lastSampleAt;
    if (dt >= PROGRESS_DEFAULTS.sampleMs) {
      const rate = ((this.loaded - this.lastSampleBytes) * 1000) / dt;
      const alpha = this.speed === 0 ? 1 : 1 - Math.exp(-dt / PROGRESS_DEFAULTS.smoothingMs);
      this.speed += alpha * (rate - this.speed);
      this.lastSampleAt = t;
      this.lastSampleBytes = this.loaded;
    }
    if (t - this.lastReportAt >= PROGRESS_DEFAULTS.minIntervalMs) this.emit(file, t);
  }

  /** Reports now, whatever the interval: at the end of each file, so the last report is exact. */
  flush(file: string): void {
    this.emit(file, this.now());
  }

  private emit(file: string, t: number): void {
    if (!this.report) return;
    this.lastReportAt = t;
    // Before the first full sample, the average since the start is the best guess.
    const elapsed = t - this.started;
    const speed = this.speed || (elapsed > 0 ? (this.loaded * 1000) / elapsed : 0);
    const total = Math.max(this.total, this.loaded);
    const left = total - this.loaded;
    this.report({
      file,
      loadedBytes: this.loaded,
      totalBytes: total,
      bytesPerSecond: speed,
      etaSeconds: left === 0 ? 0 : speed > 0 ? left / speed : null,
    });
  }
}
