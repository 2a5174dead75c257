// The simple JSONPath of additionalPrinterColumns (".spec.replicas", ".status.conditions[0].type",
// ".metadata.labels['app.kubernetes.io/name']", ".status.conditions[?(@.type=="Ready")].status"):
// the first value found, or undefined when a key is missing.

type Step = { key: string } | { index: number } | { filter: { path: string[]; value: string } };

export function parseJsonPath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = path.trim().replace(/^\{(.*)\}$/, '$1');
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      if (j > i) steps.push({ key: s.slice(i, j) });
      i = j;
    } else if (s[i] === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in ${path}`);
      const inner = s.slice(i + 1, end).trim();
      const filter = /^\?\(@((?:\.[\w-]+)+)\s*==\s*["']?([^"')]*)["']?\)$/.exec(inner);
      if (filter) steps.push({ filter: { path: filter[1]!.slice(1).split('.'), value: filter[2]! } });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (inner === '*') steps.push({ index: 0 });
      else steps.push({ key: inner.replace(/^['"]|['"]$/g, '') });
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      steps.push({ key: s.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

export function evaluateJsonPath(obj: unknown, steps: readonly Step[]): unknown {
  let cur: unknown = obj;
  for (const step of steps) {
    if (cur === undefined || cur === null) return undefined;
    if ('key' in step) cur = typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[step.key] : undefined;
    else if ('index' in step) cur = Array.isArray(cur) ? cur[step.index < 0 ? cur.length + step.index : step.index] : undefined;
    else {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((item) => String(evaluateJsonPath(item, step.filter.path.map((key) => ({ key })))) === step.filter.value);
    }
  }
  return cur;
}
