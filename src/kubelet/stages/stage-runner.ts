// One generic runner for kwok Stages: for each object it picks the stage that selects it, waits
// that stage's delay on the injected clock, and then carries out the stage's `next` — an event,
// finalizer changes, deletion, a status rendered from the template — through the actions the
// caller gives (the kubelets pass their in-process client). The object then changes, the watch
// brings it back, and the next stage is chosen, until none selects it.
import { parse as parseYaml } from 'yaml';
import { TemplateError } from './go-template.js';
import { chooseStage, stageDelayMs, stageMatches, type Stage } from './stage.js';
import { templateFunctions, type TemplateHost } from './template-functions.js';

export interface StagedObject {
  metadata?: { name?: string; namespace?: string; uid?: string; finalizers?: string[]; deletionTimestamp?: string };
}

export interface StageActions<T extends StagedObject> {
  setFinalizers(obj: T, finalizers: string[]): Promise<T | undefined>;
  patchStatus(obj: T, status: Record<string, unknown>): Promise<T | undefined>;
  delete(obj: T): Promise<void>;
  event(obj: T, type: string, reason: string, message: string): void;
  /** A stage could not be carried out (its template failed): reported, never silently skipped. */
  failed(obj: T, stage: Stage, message: string): void;
}

interface Pending {
  stage: Stage;
  dueAt: number;
}

export class StageRunner<T extends StagedObject> {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly stages: readonly Stage[],
    private readonly host: TemplateHost,
    private readonly actions: StageActions<T>,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Moves the object on as far as `now` allows; returns when to look at it again (ms from now),
   * or undefined when no stage selects it.
   */
  async sync(obj: T, now: number): Promise<number | undefined> {
    let current: T | undefined = obj;
    // immediateNextStage chains stages without waiting for the watch; bounded against loops.
    for (let hops = 0; current && hops < 16; hops++) {
      const uid = current.metadata?.uid ?? '';
      const json = current as unknown as Record<string, unknown>;
      let plan = this.pending.get(uid);
      // A stage chosen earlier stays chosen (with its due time) while it still selects the object.
      if (!plan || !stageMatches(plan.stage, json)) {
        const stage = chooseStage(this.stages, json, this.random);
        if (!stage) {
          this.pending.delete(uid);
          return undefined;
        }
        plan = { stage, dueAt: now + stageDelayMs(stage, json, now, this.random) };
        this.pending.set(uid, plan);
      }
      if (now < plan.dueAt) return plan.dueAt - now;
      this.pending.delete(uid);
      const after = await this.carryOut(current, plan.stage);
      if (!plan.stage.immediateNextStage) return undefined;
      current = after;
    }
    return undefined;
  }

  forget(uid: string): void {
    this.pending.delete(uid);
  }

  private async carryOut(obj: T, stage: Stage): Promise<T | undefined> {
    const next = stage.next;
    let current: T | undefined = obj;
    if (next.finalizers) {
      const before = obj.metadata?.finalizers ?? [];
      let after = next.finalizers.empty ? [] : before.filter((f) => !next.finalizers!.remove.includes(f));
      for (const f of next.finalizers.add) if (!after.includes(f)) after = [...after, f];
      if (after.length !== before.length || after.some((f, i) => f !== before[i])) current = await this.actions.setFinalizers(obj, after);
    }
    if (next.event) this.actions.event(obj, next.event.type, next.event.reason, next.event.message);
    if (next.delete) {
      await this.actions.delete(obj);
      return undefined;
    }
    if (next.statusTemplate && current) {
      let status: unknown;
      try {
        const text = next.statusTemplate.execute(current, templateFunctions(this.host, current as unknown as Record<string, unknown>));
        status = parseYaml(text) ?? {};
      } catch (err) {
        const why = err instanceof TemplateError ? err.message : err instanceof Error ? err.message : String(err);
        this.actions.failed(obj, stage, `stage ${stage.name}: statusTemplate: ${why}`);
        return undefined;
      }
      if (status === null || typeof status !== 'object' || Array.isArray(status)) {
        this.actions.failed(obj, stage, `stage ${stage.name}: statusTemplate did not render a mapping`);
        return undefined;
      }
      current = await this.actions.patchStatus(current, status as Record<string, unknown>);
    }
    return current;
  }
}
