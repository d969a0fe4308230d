/**
 * Per-agent attribute text for simulated agents: `{i}` stands for the agent's
 * number, `{i%N}` for that number modulo N, so one template spreads a fleet
 * over racks and zones (`rack:r{i%10};zone:z{i%3}` → agent 14 gets
 * `rack:r4;zone:z2`). The result is parsed as Mesos `--attributes`.
 */

/**
 * Expands the placeholders of `template` for agent number `n` (an integer >= 0).
 * `{i%0}` is left as it is (its attribute parse then fails loudly).
 */
export function agentAttributes(template: string, n: number): string {
  return template.replace(/\{i(?:%(\d+))?\}/g, (whole, mod?: string) => {
    if (mod === undefined) return String(n);
    const m = Number(mod);
    return m > 0 ? String(n % m) : whole;
  });
}
