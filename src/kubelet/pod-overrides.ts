// Per-pod overrides of the fake kubelet's behaviour, read from pod annotations, so one test can
// make a single pod slow to start or fail its image pull without reconfiguring the cluster.
// The cluster-wide defaults come from the `kubelet:` section of `--config`.

import type { Pod } from '../machinery/api-types.js';

/** Milliseconds from scheduling to a running sandbox for this pod (replaces containerStartMs and jitter). */
export const startDelayAnnotation = 'kubemu.dev/start-delay-ms';
/** Comma-separated image globs (`*` any text) that fail to pull for this pod, on top of the cluster's failingImages. */
export const failingImagesAnnotation = 'kubemu.dev/failing-images';

export interface PodOverrides {
  startDelayMs?: number;
  failingImages: RegExp[];
  /** Annotations present but unusable, with why: the kubelet reports them as Warning events. */
  problems: string[];
}

const maxStartDelayMs = 24 * 60 * 60 * 1000;

export function podOverrides(pod: Pod): PodOverrides {
  const annotations = pod.metadata?.annotations ?? {};
  const overrides: PodOverrides = { failingImages: [], problems: [] };
  const delay = annotations[startDelayAnnotation];
  if (delay !== undefined) {
    const ms = /^\d+$/.test(delay.trim()) ? Number(delay.trim()) : NaN;
    if (Number.isSafeInteger(ms) && ms <= maxStartDelayMs) overrides.startDelayMs = ms;
    else overrides.problems.push(`annotation ${startDelayAnnotation}: "${delay}" is not a whole number of milliseconds between 0 and ${maxStartDelayMs}; the cluster's containerStartMs applies`);
  }
  const images = annotations[failingImagesAnnotation];
  if (images !== undefined) {
    overrides.failingImages = images
      .split(',')
      .map((glob) => glob.trim())
      .filter((glob) => glob !== '')
      .map(imageGlob);
  }
  return overrides;
}

/** A glob over image references: `*` matches any text, everything else literally. */
export function imageGlob(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
